/* server.h — the techup HTTP/JSON server: libmicrohttpd with epoll and a pool of worker threads (one per core by
 * default), each worker holding its own tu_store connection (SQLite WAL: many readers, one writer).
 *
 * Workload: many small JSON requests (tens of thousands a second) from browsers and programs, with hostile input
 * expected; every request goes through the one route table of routes.c, where roles and scopes are enforced.
 * tu_server_stop() is graceful: it stops accepting, lets in-flight requests finish (up to a grace period), then
 * closes every database connection.
 */
#ifndef TU_HTTP_SERVER_H
#define TU_HTTP_SERVER_H

#include <stddef.h>

#include "core/error.h"

typedef struct tu_server tu_server;

typedef struct tu_http_config {
    const char *db_url;    /* NULL = tu_store_default_url() */
    const char *listen;    /* "127.0.0.1:8080"; port 0 picks a free port (see tu_server_port) */
    const char *web_dir;   /* static files; NULL = none */
    int threads;           /* worker threads; 0 = number of online cores */
    int trust_proxy;       /* honour X-Forwarded-Proto/-For from the peer (only behind a proxy you run) */
    size_t max_body;       /* request body limit in bytes (413 above) */
    int max_json_depth;    /* nesting limit of request JSON (400 above) */
    int request_timeout;   /* seconds a connection may stay idle or trickle data */
    int session_hours;     /* lifetime of a login session */
    const char *policies;  /* JSON file of the active policies (app/match_service.h); NULL = none */
    const char *green;     /* JSON file of the projects' green channel (app/workflow.h); NULL = none */
    const char *node;      /* this node's name for its change-feed cursor (store/change.h); NULL = "node:<hostname>" */
    int follow_ms;         /* how often the change feed is read; 0 = every 1000 ms */
    int feed_keep_s;       /* change-feed rows all nodes applied are pruned this long after they were written */
} tu_http_config;

/* Fills the defaults: listen 127.0.0.1:8080, web "web" if it exists, 1 MiB bodies, depth 32, timeout 10 s,
 * sessions 12 h, applied change-feed rows kept 1 h. */
void tu_http_config_defaults(tu_http_config *c);
/* Overrides fields from TECHUP_DB, TECHUP_LISTEN, TECHUP_WEB, TECHUP_THREADS, TECHUP_TRUST_PROXY, TECHUP_POLICIES, TECHUP_GREEN,
 * TECHUP_MAX_BODY, TECHUP_REQUEST_TIMEOUT, TECHUP_SESSION_HOURS, TECHUP_NODE, TECHUP_FOLLOW_MS, TECHUP_FEED_KEEP_S. Returns TU_EINVAL naming a bad variable. */
int tu_http_config_from_env(tu_http_config *c, tu_err *err);

/* Opens the database once (migrating it), binds and starts serving. *out is NULL on error. */
int tu_server_start(const tu_http_config *c, tu_server **out, tu_err *err);
int tu_server_port(const tu_server *s); /* the bound TCP port */
/* Stops accepting, waits up to grace_ms for in-flight requests, stops the workers, closes the databases and
 * frees s. NULL is fine. */
void tu_server_stop(tu_server *s, int grace_ms);

#endif
