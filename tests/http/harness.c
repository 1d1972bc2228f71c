/* harness.c — see harness.h. Processes are started with fork/exec, never through a shell. */
#include "harness.h"
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <curl/curl.h>
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

static const char *bin(void) {
    const char *b = getenv("TECHUP_BIN");
    return b && *b ? b : "build/techup";
}

void th_init(th_server *s) {
    memset(s, 0, sizeof *s);
    snprintf(s->dir, sizeof s->dir, "/tmp/techup-http-XXXXXX");
    if (!mkdtemp(s->dir)) abort();
    snprintf(s->db, sizeof s->db, "%s/t.db", s->dir);
    snprintf(s->log, sizeof s->log, "%s/server.log", s->dir);
}

static void sleep_ms(int ms) {
    struct timespec ts = {ms / 1000, (long)(ms % 1000) * 1000000L};
    nanosleep(&ts, NULL);
}

/* Reads the port from the line "techup serve: listening on port N" of the log. */
static int read_port(const char *log) {
    FILE *f = fopen(log, "r");
    if (!f) return 0;
    char line[1024];
    int port = 0;
    while (!port && fgets(line, sizeof line, f)) {
        const char *p = strstr(line, "techup serve: listening on port ");
        if (p) port = atoi(p + 32);
    }
    fclose(f);
    return port;
}

/* Servers still running when the test program exits (a failed assertion skips th_stop) are killed. */
static pid_t running[16];

static void kill_running(void) {
    for (int i = 0; i < 16; i++)
        if (running[i] > 0) kill(running[i], SIGKILL), waitpid(running[i], NULL, 0);
}

static void track(pid_t pid, int add) {
    static int registered;
    if (!registered) atexit(kill_running), registered = 1;
    for (int i = 0; i < 16; i++)
        if (add ? running[i] == 0 : running[i] == pid) {
            running[i] = add ? pid : 0;
            return;
        }
}

int th_start(th_server *s, const char *const *args, const char *const *env) {
    const char *argv[32] = {bin(), "serve", "--db", s->db, "--listen", "127.0.0.1:0", "--threads", "2"};
    int n = 8;
    for (int i = 0; args && args[i] && n < 30; i++) argv[n++] = args[i];
    if (!args || !args[0] || strcmp(args[0], "--web") != 0) argv[n++] = "--no-web";
    argv[n] = NULL;
    unlink(s->log); /* a restart must not read the port of the previous run's log */
    s->pid = fork();
    if (s->pid < 0) return -1;
    if (s->pid == 0) {
        int fd = open(s->log, O_WRONLY | O_CREAT | O_TRUNC, 0644);
        dup2(fd, 1), dup2(fd, 2); /* never the test's own stdout: meson waits for it to close */
        for (int i = 0; env && env[i]; i++) putenv((char *)env[i]);
        execv(argv[0], (char *const *)argv);
        _exit(127);
    }
    track(s->pid, 1);
    for (int waited = 0; waited < 20000; waited += 20) {
        if ((s->port = read_port(s->log)) > 0) return 0;
        int st;
        if (waitpid(s->pid, &st, WNOHANG) == s->pid) return -1;
        sleep_ms(20);
    }
    return -1;
}

int th_stop(th_server *s, int sig) {
    if (s->pid <= 0) return -1;
    kill(s->pid, sig);
    int st = 0;
    while (waitpid(s->pid, &st, 0) < 0 && errno == EINTR) {}
    track(s->pid, 0);
    s->pid = 0;
    return WIFEXITED(st) ? WEXITSTATUS(st) : 128 + WTERMSIG(st);
}

void th_cleanup(th_server *s) {
    if (s->pid > 0) th_stop(s, SIGKILL);
    char cmd[128];
    snprintf(cmd, sizeof cmd, "rm -rf %s", s->dir);
    if (system(cmd) != 0) fprintf(stderr, "could not remove %s\n", s->dir);
}

int th_techup(th_server *s, const char *stdin_text, char *err, size_t errn, const char *const *args) {
    const char *argv[24] = {bin()};
    int n = 1;
    for (int i = 0; args[i] && n < 20; i++) argv[n++] = args[i];
    argv[n++] = "--db";
    argv[n++] = s->db;
    argv[n] = NULL;
    int in[2], errp[2];
    if (pipe(in) || pipe(errp)) return -1;
    pid_t pid = fork();
    if (pid == 0) {
        dup2(in[0], 0), dup2(errp[1], 2);
        close(in[1]), close(errp[0]);
        int devnull = open("/dev/null", O_WRONLY);
        dup2(devnull, 1);
        execv(argv[0], (char *const *)argv);
        _exit(127);
    }
    close(in[0]), close(errp[1]);
    if (stdin_text && write(in[1], stdin_text, strlen(stdin_text)) < 0) perror("write");
    close(in[1]);
    size_t got = 0;
    char buf[4096];
    ssize_t k;
    while ((k = read(errp[0], buf, sizeof buf)) > 0)
        if (err && got + 1 < errn) {
            size_t take = (size_t)k < errn - 1 - got ? (size_t)k : errn - 1 - got;
            memcpy(err + got, buf, take);
            got += take;
        }
    if (err && errn) err[got] = '\0';
    close(errp[0]);
    int st;
    waitpid(pid, &st, 0);
    return WIFEXITED(st) ? WEXITSTATUS(st) : 128;
}

int th_user_add(th_server *s, const char *name, const char *role, const char *scope, const char *password) {
    char pw[256];
    snprintf(pw, sizeof pw, "%s\n", password);
    const char *args[] = {"user", "add", name, "--role", role, "--password-stdin", scope ? "--scope" : NULL, scope,
                          NULL};
    return th_techup(s, pw, NULL, 0, args);
}

static size_t on_body(char *p, size_t size, size_t n, void *ud) {
    th_resp *r = ud;
    size_t k = size * n;
    char *nb = realloc(r->body, r->len + k + 1);
    if (!nb) return 0;
    r->body = nb;
    memcpy(r->body + r->len, p, k);
    r->len += k;
    r->body[r->len] = '\0';
    return k;
}

static size_t on_header(char *p, size_t size, size_t n, void *ud) {
    th_resp *r = ud;
    size_t k = size * n, have = strlen(r->headers);
    if (have + k + 1 < sizeof r->headers) memcpy(r->headers + have, p, k), r->headers[have + k] = '\0';
    return k;
}

long th_req(th_server *s, const char *method, const char *path, const char *token, const char *body,
            const char *const *extra, th_resp *out) {
    th_resp tmp;
    th_resp *r = out ? out : &tmp;
    memset(r, 0, sizeof *r);
    CURL *c = curl_easy_init();
    char url[2048], auth[256];
    snprintf(url, sizeof url, "http://127.0.0.1:%d%s", s->port, path);
    struct curl_slist *h = NULL;
    if (token) {
        snprintf(auth, sizeof auth, "Authorization: Bearer %s", token);
        h = curl_slist_append(h, auth);
    }
    int own_type = 0;
    for (int i = 0; extra && extra[i]; i++) {
        h = curl_slist_append(h, extra[i]);
        own_type |= strncasecmp(extra[i], "Content-Type:", 13) == 0;
    }
    if (body && !own_type) h = curl_slist_append(h, "Content-Type: application/json");
    curl_easy_setopt(c, CURLOPT_URL, url);
    curl_easy_setopt(c, CURLOPT_CUSTOMREQUEST, method);
    curl_easy_setopt(c, CURLOPT_PATH_AS_IS, 1L);
    if (strcmp(method, "HEAD") == 0) curl_easy_setopt(c, CURLOPT_NOBODY, 1L);
    if (body) curl_easy_setopt(c, CURLOPT_POSTFIELDS, body), curl_easy_setopt(c, CURLOPT_POSTFIELDSIZE, (long)strlen(body));
    curl_easy_setopt(c, CURLOPT_HTTPHEADER, h);
    curl_easy_setopt(c, CURLOPT_WRITEFUNCTION, on_body);
    curl_easy_setopt(c, CURLOPT_WRITEDATA, r);
    curl_easy_setopt(c, CURLOPT_HEADERFUNCTION, on_header);
    curl_easy_setopt(c, CURLOPT_HEADERDATA, r);
    curl_easy_setopt(c, CURLOPT_TIMEOUT, 30L);
    if (curl_easy_perform(c) == CURLE_OK) curl_easy_getinfo(c, CURLINFO_RESPONSE_CODE, &r->status);
    curl_slist_free_all(h);
    curl_easy_cleanup(c);
    if (r->body) r->json = json_loadb(r->body, r->len, 0, NULL);
    long st = r->status;
    if (!out) th_resp_free(r);
    return st;
}

const char *th_header(const th_resp *r, const char *name, char *buf, size_t n) {
    size_t nl = strlen(name);
    for (const char *p = r->headers; *p;) {
        const char *eol = strstr(p, "\r\n");
        size_t len = eol ? (size_t)(eol - p) : strlen(p);
        if (len > nl && p[nl] == ':' && strncasecmp(p, name, nl) == 0) {
            const char *v = p + nl + 1;
            while (*v == ' ') v++;
            size_t vl = len - (size_t)(v - p);
            if (vl >= n) vl = n - 1;
            memcpy(buf, v, vl);
            buf[vl] = '\0';
            return buf;
        }
        p += len + (eol ? 2 : 0);
        if (!eol) break;
    }
    return NULL;
}

void th_resp_free(th_resp *r) {
    free(r->body);
    json_decref(r->json);
    memset(r, 0, sizeof *r);
}

char *th_login(th_server *s, const char *user, const char *password) {
    json_t *j = json_pack("{s:s,s:s}", "username", user, "password", password);
    char *body = json_dumps(j, 0);
    json_decref(j);
    th_resp r;
    long st = th_req(s, "POST", "/api/v1/session", NULL, body, NULL, &r);
    free(body);
    const char *tok = st == 201 ? json_string_value(json_object_get(r.json, "token")) : NULL;
    char *out = tok ? strdup(tok) : NULL;
    th_resp_free(&r);
    return out;
}

const char *th_error_code(const th_resp *r) {
    const char *c = json_string_value(json_object_get(json_object_get(r->json, "error"), "code"));
    const char *m = json_string_value(json_object_get(json_object_get(r->json, "error"), "message"));
    return c && m && json_object_size(r->json) == 1 ? c : "";
}

int th_import(th_server *s, const char *csv) {
    char path[192];
    snprintf(path, sizeof path, "%s/import.csv", s->dir);
    FILE *f = fopen(path, "w");
    if (!f) return -1;
    fputs(csv, f);
    fclose(f);
    char err[1024];
    const char *args[] = {"import", path, NULL};
    int rc = th_techup(s, NULL, err, sizeof err, args);
    if (rc) fprintf(stderr, "import failed: %s\n", err);
    return rc;
}

void th_expect(th_server *s, const char *method, const char *path, const char *token, const char *body, long want,
               th_resp *out) {
    long st = th_req(s, method, path, token, body, NULL, out);
    if (st != want) fail_msg("%s %s: got %ld, want %ld: %s", method, path, st, want, out->body ? out->body : "");
}

int th_finish(th_server *s) {
    int rc = th_stop(s, SIGTERM);
    th_cleanup(s);
    curl_global_cleanup();
    return rc;
}
