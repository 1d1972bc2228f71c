/* harness.h — integration-test helpers: start a real `techup serve` ($TECHUP_BIN) on a free loopback port with a
 * temporary database, add users through `techup user add`, and send HTTP requests with libcurl. */
#ifndef TU_TESTS_HTTP_HARNESS_H
#define TU_TESTS_HTTP_HARNESS_H

#include <jansson.h>
#include <stddef.h>
#include <sys/types.h>

typedef struct th_server {
    pid_t pid;
    int port;
    char dir[64];  /* temporary folder holding the database and the server's log */
    char db[128];
    char log[128];
} th_server;

typedef struct th_resp {
    long status;
    char *body;
    size_t len;
    char headers[8192];
    json_t *json; /* parsed body when it is JSON, else NULL */
} th_resp;

/* Makes the temporary folder and database path (no server yet). */
void th_init(th_server *s);
/* Starts the server with extra arguments (NULL-terminated, may be NULL) and extra environment entries
 * ("KEY=VALUE", NULL-terminated, may be NULL); waits until it listens. Returns 0 or -1. */
int th_start(th_server *s, const char *const *args, const char *const *env);
/* Sends sig and waits for the exit; returns the exit status (or 128 + signal). */
int th_stop(th_server *s, int sig);
void th_cleanup(th_server *s); /* removes the temporary folder */
/* The end of a test group's teardown: stops the server with SIGTERM (returns th_stop's result: 0 for a clean
 * exit), removes its folder and cleans up libcurl. */
int th_finish(th_server *s);
/* Runs `techup ARGS...` against the server's database; returns the exit status; stderr text in err (may be NULL). */
int th_techup(th_server *s, const char *stdin_text, char *err, size_t errn, const char *const *args);
/* Imports enterprise CSV text (header row first) into the server's database. Returns 0 or the exit status. */
int th_import(th_server *s, const char *csv);
int th_user_add(th_server *s, const char *name, const char *role, const char *scope, const char *password);

/* One request. token: Bearer token (NULL = none); extra: extra header lines (NULL-terminated, may be NULL).
 * Returns the status (0 on transport failure). out may be NULL. */
long th_req(th_server *s, const char *method, const char *path, const char *token, const char *body,
            const char *const *extra, th_resp *out);
/* th_req that fails the running cmocka test unless the status is `want` (the body is in the message); the
 * response is in *out (th_resp_free it). */
void th_expect(th_server *s, const char *method, const char *path, const char *token, const char *body, long want,
               th_resp *out);
/* The value of header `name` (case-insensitive) in a response, copied into buf; NULL if absent. */
const char *th_header(const th_resp *r, const char *name, char *buf, size_t n);
void th_resp_free(th_resp *r);
/* Logs in and returns a malloc'ed token (NULL on failure). */
char *th_login(th_server *s, const char *user, const char *password);
/* The error code of an error body ("not_found"), or "" when the body is not an error object. */
const char *th_error_code(const th_resp *r);

#endif
