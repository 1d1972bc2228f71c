/* server.c — libmicrohttpd setup, the per-request life cycle (body accumulation under a limit, dispatch, access
 * log, metrics), per-worker database connections and graceful shutdown.
 *
 * Threading: MHD runs a pool of `threads` workers, each with its own epoll set; a request is handled entirely on
 * the worker that read it, so each worker lazily opens its own tu_store (kept in a thread-local slot and in the
 * server's list so they can be closed after the workers have stopped).
 */
#include "http/server.h"

#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <pthread.h>
#include <sodium.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <unistd.h>

#include "app/match_service.h"
#include "app/workflow.h"
#include "push/inbox.h"
#include "core/alloc.h"
#include "core/log.h"
#include "http/http_int.h"
#include "http/pool.h"
#include "http/throttle.h"

#define MAX_STORES 256
/* Login throttling (in memory, see throttle.h): failed attempts allowed per window. */
#define TU_LOGIN_USER_LIMIT 5
#define TU_LOGIN_ADDR_LIMIT 50
#define TU_LOGIN_WINDOW_S 900
/* The blocking pool for slow handlers (Argon2id: ~64 MiB each, so few at once). */
#define TU_SLOW_THREADS 2
#define TU_SLOW_QUEUE 256

struct tu_server {
    tu_http_config cfg;
    char db_url[1024];
    char web_dir[4096];
    struct MHD_Daemon *mhd;
    int port;
    struct timespec started;
    _Atomic long inflight;
    _Atomic uint64_t seq;
    uint32_t rid_prefix;
    pthread_mutex_t lock;
    tu_throttle *login_user, *login_addr;
    tu_pool *pool;
    tu_store *stores[MAX_STORES];
    int nstores;
    tu_match_svc *match; /* the enterprise index and active policies, built at start */
    tu_green_config green; /* the projects' green channel, read at start (no rule = none) */
    tu_inbox *inbox;     /* every campaign's recipients, loaded at start, new campaigns on each use */
    char node[128];      /* the change-feed cursor's name */
    tu_follower *follower; /* applies other processes' enterprise writes (follow.c) */
};

static _Thread_local struct {
    tu_server *srv;
    tu_store *store;
} worker;

void tu_http_config_defaults(tu_http_config *c) {
    memset(c, 0, sizeof *c);
    c->listen = "127.0.0.1:8080";
    struct stat st;
    c->web_dir = stat("web", &st) == 0 && S_ISDIR(st.st_mode) ? "web" : NULL;
    c->max_body = 1u << 20;
    c->max_json_depth = 32;
    c->request_timeout = 10;
    c->session_hours = 12;
    c->feed_keep_s = 3600;
}

static int env_int(const char *name, long lo, long hi, long *out, tu_err *err) {
    const char *v = getenv(name);
    if (!v || !*v) return 0;
    char *end;
    errno = 0;
    long x = strtol(v, &end, 10);
    if (errno || *end || x < lo || x > hi)
        return tu_err_set(err, TU_EINVAL, "%s must be an integer in %ld..%ld, not '%s'", name, lo, hi, v);
    *out = x;
    return 1;
}

int tu_http_config_from_env(tu_http_config *c, tu_err *err) {
    const char *v;
    if ((v = getenv("TECHUP_DB")) && *v) c->db_url = v;
    if ((v = getenv("TECHUP_LISTEN")) && *v) c->listen = v;
    if ((v = getenv("TECHUP_WEB")) && *v) c->web_dir = v;
    if ((v = getenv("TECHUP_POLICIES")) && *v) c->policies = v;
    if ((v = getenv("TECHUP_GREEN")) && *v) c->green = v;
    if ((v = getenv("TECHUP_NODE")) && *v) c->node = v;
    long x;
    int rc;
    if ((rc = env_int("TECHUP_THREADS", 0, 256, &x, err)) < 0) return rc;
    if (rc) c->threads = (int)x;
    if ((rc = env_int("TECHUP_TRUST_PROXY", 0, 1, &x, err)) < 0) return rc;
    if (rc) c->trust_proxy = (int)x;
    if ((rc = env_int("TECHUP_MAX_BODY", 1024, 64L << 20, &x, err)) < 0) return rc;
    if (rc) c->max_body = (size_t)x;
    if ((rc = env_int("TECHUP_REQUEST_TIMEOUT", 1, 3600, &x, err)) < 0) return rc;
    if (rc) c->request_timeout = (int)x;
    if ((rc = env_int("TECHUP_SESSION_HOURS", 1, 24 * 30, &x, err)) < 0) return rc;
    if (rc) c->session_hours = (int)x;
    if ((rc = env_int("TECHUP_FOLLOW_MS", 10, 3600000, &x, err)) < 0) return rc;
    if (rc) c->follow_ms = (int)x;
    if ((rc = env_int("TECHUP_FEED_KEEP_S", 0, 30L * 86400, &x, err)) < 0) return rc;
    if (rc) c->feed_keep_s = (int)x;
    return TU_OK;
}

tu_store *tu__server_store(tu_server *s, tu_err *err) {
    if (worker.srv == s && worker.store) return worker.store;
    tu_store *st = NULL;
    if (tu_store_open(s->db_url, 0, &st, err) != TU_OK) return NULL;
    pthread_mutex_lock(&s->lock);
    int ok = s->nstores < MAX_STORES;
    if (ok) s->stores[s->nstores++] = st;
    pthread_mutex_unlock(&s->lock);
    if (!ok) {
        tu_store_close(st);
        tu_err_set(err, TU_EBUSY, "too many worker connections");
        return NULL;
    }
    worker.srv = s, worker.store = st;
    return st;
}

tu_pool *tu__server_pool(tu_server *s) { return s->pool; }

tu_throttle *tu__server_throttle(tu_server *s, int by_addr) { return by_addr ? s->login_addr : s->login_user; }

double tu__server_uptime(const tu_server *s) {
    struct timespec now;
    clock_gettime(CLOCK_MONOTONIC, &now);
    return (double)(now.tv_sec - s->started.tv_sec) + (double)(now.tv_nsec - s->started.tv_nsec) / 1e9;
}

static int method_bit(const char *m) {
    static const struct {
        const char *name;
        int bit;
    } map[] = {{"GET", TU_M_GET},     {"HEAD", TU_M_HEAD},     {"POST", TU_M_POST},
               {"PUT", TU_M_PUT},     {"PATCH", TU_M_PATCH},   {"DELETE", TU_M_DELETE}};
    for (size_t i = 0; i < sizeof map / sizeof map[0]; i++)
        if (strcmp(m, map[i].name) == 0) return map[i].bit;
    return 0;
}

/* A client-supplied X-Request-Id is kept when it is short and made of safe characters; otherwise one is made. */
static void make_request_id(tu_server *s, tu_req *r) {
    const char *in = MHD_lookup_connection_value(r->conn, MHD_HEADER_KIND, "X-Request-Id");
    size_t n = in ? strlen(in) : 0;
    int ok = n > 0 && n < sizeof r->rid;
    for (size_t i = 0; ok && i < n; i++)
        ok = (in[i] >= 'a' && in[i] <= 'z') || (in[i] >= 'A' && in[i] <= 'Z') || (in[i] >= '0' && in[i] <= '9') ||
             in[i] == '-' || in[i] == '_' || in[i] == '.';
    if (ok) memcpy(r->rid, in, n + 1);
    else snprintf(r->rid, sizeof r->rid, "%08x%012llx", s->rid_prefix, (unsigned long long)atomic_fetch_add(&s->seq, 1));
}

static void client_address(tu_req *r) {
    const union MHD_ConnectionInfo *ci = MHD_get_connection_info(r->conn, MHD_CONNECTION_INFO_CLIENT_ADDRESS);
    r->ip[0] = '\0';
    if (ci && ci->client_addr) {
        const struct sockaddr *sa = ci->client_addr;
        if (sa->sa_family == AF_INET)
            inet_ntop(AF_INET, &((const struct sockaddr_in *)(const void *)sa)->sin_addr, r->ip, sizeof r->ip);
        else if (sa->sa_family == AF_INET6)
            inet_ntop(AF_INET6, &((const struct sockaddr_in6 *)(const void *)sa)->sin6_addr, r->ip, sizeof r->ip);
    }
    if (!r->cfg->trust_proxy) return;
    const char *fwd = MHD_lookup_connection_value(r->conn, MHD_HEADER_KIND, "X-Forwarded-For");
    if (fwd && *fwd) { /* the left-most address is the client as the proxy saw it */
        size_t n = strcspn(fwd, ", ");
        if (n > 0 && n < sizeof r->ip) memcpy(r->ip, fwd, n), r->ip[n] = '\0';
    }
    const char *proto = MHD_lookup_connection_value(r->conn, MHD_HEADER_KIND, "X-Forwarded-Proto");
    r->secure = proto && strcmp(proto, "https") == 0;
}

static tu_req *req_new(tu_server *s, struct MHD_Connection *conn, const char *url, const char *method) {
    tu_req *r = tu_xcalloc(1, sizeof *r);
    clock_gettime(CLOCK_MONOTONIC, &r->t0);
    r->conn = conn, r->srv = s, r->cfg = &s->cfg;
    r->path = url, r->method_name = method, r->method = method_bit(method);
    r->route_idx = -1;
    make_request_id(s, r);
    client_address(r);
    atomic_fetch_add(&s->inflight, 1);
    return r;
}

static int append_body(tu_req *r, const char *data, size_t n) {
    if (r->too_big || r->body_len + n > r->cfg->max_body) {
        r->too_big = 1;
        return 0;
    }
    if (r->body_len + n + 1 > r->body_cap) {
        size_t cap = r->body_cap ? r->body_cap : 1024;
        while (cap < r->body_len + n + 1) cap *= 2;
        r->body = tu_xrealloc(r->body, cap);
        r->body_cap = cap;
    }
    memcpy(r->body + r->body_len, data, n);
    r->body_len += n;
    r->body[r->body_len] = '\0';
    return 1;
}

static int declared_too_big(tu_req *r) {
    const char *cl = MHD_lookup_connection_value(r->conn, MHD_HEADER_KIND, MHD_HTTP_HEADER_CONTENT_LENGTH);
    if (!cl) return 0;
    char *end;
    errno = 0;
    unsigned long long v = strtoull(cl, &end, 10);
    return errno != 0 || *end != '\0' || v > r->cfg->max_body;
}

static enum MHD_Result on_request(void *cls, struct MHD_Connection *conn, const char *url, const char *method,
                                  const char *version, const char *upload_data, size_t *upload_data_size,
                                  void **con_cls) {
    (void)version;
    tu_server *s = cls;
    tu_req *r = *con_cls;
    if (!r) {
        r = *con_cls = req_new(s, conn, url, method);
        if (declared_too_big(r)) {
            r->too_big = 1;
            return tu__finish(r, TU_ETOOBIG, "the request body exceeds the limit") ? MHD_NO : MHD_YES;
        }
        return MHD_YES;
    }
    if (r->pending) return tu__reply_flush(r) ? MHD_NO : MHD_YES; /* resumed after the pool ran the handler */
    if (r->replied) { /* an early error reply: discard the rest */
        *upload_data_size = 0;
        return MHD_YES;
    }
    if (*upload_data_size) {
        int fits = append_body(r, upload_data, *upload_data_size);
        *upload_data_size = 0;
        if (!fits) return tu__finish(r, TU_ETOOBIG, "the request body exceeds the limit") ? MHD_NO : MHD_YES;
        return MHD_YES;
    }
    return tu__dispatch(r) ? MHD_NO : MHD_YES;
}

static void access_log(tu_req *r, double secs) {
    if (!tu_log_enabled(TU_LOG_INFO)) return;
    char path[512], fields[900];
    tu_log_json_escape(path, sizeof path, r->path);
    snprintf(fields, sizeof fields,
             "\"rid\":\"%s\",\"method\":\"%s\",\"path\":\"%s\",\"status\":%d,\"ms\":%.3f,\"ip\":\"%s\",\"user\":%lld",
             r->rid, r->method ? r->method_name : "other", path, r->status, secs * 1e3, r->ip,
             (long long)(r->authed ? r->who.user_id : 0));
    tu_log_kv(TU_LOG_INFO, "http.request", fields, "%s %s %d", r->method ? r->method_name : "other", path, r->status);
}

static void on_completed(void *cls, struct MHD_Connection *conn, void **con_cls, enum MHD_RequestTerminationCode toe) {
    (void)conn, (void)toe;
    tu_server *s = cls;
    tu_req *r = *con_cls;
    if (!r) return;
    struct timespec t1;
    clock_gettime(CLOCK_MONOTONIC, &t1);
    double secs = (double)(t1.tv_sec - r->t0.tv_sec) + (double)(t1.tv_nsec - r->t0.tv_nsec) / 1e9;
    if (!r->replied) r->status = 0; /* the client went away or the connection timed out */
    tu__metrics_observe(r->route_idx, r->status, secs);
    access_log(r, secs);
    if (r->json) json_decref(r->json);
    if (r->pending) MHD_destroy_response(r->pending);
    tu_free(r->body);
    tu_free(r);
    *con_cls = NULL;
    atomic_fetch_sub(&s->inflight, 1);
}

static int hexval(char c) {
    return c >= '0' && c <= '9' ? c - '0' : c >= 'a' && c <= 'f' ? c - 'a' + 10 : c >= 'A' && c <= 'F' ? c - 'A' + 10 : -1;
}

/* Decodes %HH in paths and query values like MHD's default, except %00, which is kept as the three characters:
 * a NUL inside a path or value would silently cut it short ("/index.html%00.js"). */
static size_t unescape(void *cls, struct MHD_Connection *c, char *s) {
    (void)cls, (void)c;
    char *w = s;
    for (const char *r = s; *r; r++) {
        int hi, lo;
        if (r[0] == '%' && (hi = hexval(r[1])) >= 0 && (lo = hexval(r[2])) >= 0 && (hi | lo)) {
            *w++ = (char)(hi * 16 + lo);
            r += 2;
        } else {
            *w++ = *r;
        }
    }
    *w = '\0';
    return (size_t)(w - s);
}

static void mhd_log(void *cls, const char *fmt, va_list ap) {
    (void)cls;
    char msg[512];
    vsnprintf(msg, sizeof msg, fmt, ap);
    msg[strcspn(msg, "\n")] = '\0';
    tu_log(TU_LOG_DEBUG, "http.mhd", "%s", msg);
}

static int parse_listen(const char *listen, struct sockaddr_in *sa, tu_err *err) {
    memset(sa, 0, sizeof *sa);
    sa->sin_family = AF_INET;
    const char *colon = strrchr(listen, ':');
    char host[64];
    size_t hl = colon ? (size_t)(colon - listen) : 0;
    if (!colon || hl >= sizeof host) return tu_err_set(err, TU_EINVAL, "listen address '%s' is not HOST:PORT", listen);
    memcpy(host, listen, hl);
    host[hl] = '\0';
    char *end;
    long port = strtol(colon + 1, &end, 10);
    if (*end || end == colon + 1 || port < 0 || port > 65535)
        return tu_err_set(err, TU_EINVAL, "listen address '%s' has a bad port", listen);
    if (hl == 0 || strcmp(host, "*") == 0) strcpy(host, "0.0.0.0");
    if (inet_pton(AF_INET, host, &sa->sin_addr) != 1)
        return tu_err_set(err, TU_EINVAL, "listen address '%s': '%s' is not an IPv4 address", listen, host);
    sa->sin_port = htons((uint16_t)port);
    return TU_OK;
}

/* Opens the database once (creating and migrating it before the workers race) and builds the match index from
 * it, logging the time and memory that took. */
static int check_database(tu_server *s, tu_err *err) {
    tu_store *st = NULL;
    int rc = tu_store_open(s->db_url, 0, &st, err);
    if (!rc) rc = tu_match_svc_open(st, s->cfg.policies, &s->match, err);
    if (!rc) rc = tu_inbox_open(st, &s->inbox, err);
    tu_store_close(st);
    if (rc) return rc;
    tu_match_svc_stats ms;
    tu_match_svc_stats_get(s->match, &ms);
    tu_log(TU_LOG_INFO, "match.index", "built the index of %zu enterprises in %.0f ms: %.1f MiB columns, %.1f MiB "
           "bitmaps; %zu policies", ms.enterprises, ms.build_ms, (double)ms.column_bytes / 1048576.0,
           (double)ms.bitmap_bytes / 1048576.0, ms.policies);
    return TU_OK;
}

tu_match_svc *tu__server_match(tu_server *s) { return s->match; }

/* Reads the green-channel configuration file named by the config, if any. */
static int load_green(tu_server *s, tu_err *err) {
    if (!s->cfg.green) return TU_OK;
    json_error_t je;
    json_t *j = json_load_file(s->cfg.green, 0, &je);
    if (!j) return tu_err_set(err, TU_EPARSE, "%s: line %d, column %d: %s", s->cfg.green, je.line, je.column, je.text);
    int rc = tu_green_config_from_json(j, &s->green, err);
    json_decref(j);
    return rc;
}

const tu_green_config *tu__server_green(tu_server *s) { return &s->green; }

tu_inbox *tu__server_inbox(tu_server *s, tu_store *st, tu_err *err) {
    return !st || tu_inbox_refresh(s->inbox, st, err) == TU_OK ? s->inbox : NULL;
}

static int copy_config(tu_server *s, const tu_http_config *c, tu_err *err) {
    s->cfg = *c;
    const char *db = c->db_url ? c->db_url : tu_store_default_url();
    if (strlen(db) >= sizeof s->db_url) return tu_err_set(err, TU_EINVAL, "database path too long");
    strcpy(s->db_url, db);
    s->cfg.db_url = s->db_url;
    if (c->web_dir) {
        if (!realpath(c->web_dir, s->web_dir))
            return tu_err_set(err, TU_EINVAL, "web folder %s: %s", c->web_dir, strerror(errno));
        s->cfg.web_dir = s->web_dir;
    }
    char host[64] = "localhost";
    gethostname(host, sizeof host - 1);
    if (c->node && strlen(c->node) >= sizeof s->node) return tu_err_set(err, TU_EINVAL, "node name too long");
    if (c->node) strcpy(s->node, c->node);
    else snprintf(s->node, sizeof s->node, "node:%s", host);
    if (s->cfg.threads <= 0) {
        long n = sysconf(_SC_NPROCESSORS_ONLN);
        s->cfg.threads = n > 0 ? (int)n : 1;
    }
    return TU_OK;
}

int tu_server_start(const tu_http_config *c, tu_server **out, tu_err *err) {
    *out = NULL;
    if (sodium_init() < 0) return tu_err_set(err, TU_EIO, "libsodium failed to initialise");
    tu_server *s = tu_xcalloc(1, sizeof *s);
    pthread_mutex_init(&s->lock, NULL);
    randombytes_buf(&s->rid_prefix, sizeof s->rid_prefix);
    s->login_user = tu_throttle_new(TU_LOGIN_USER_LIMIT, TU_LOGIN_WINDOW_S);
    s->login_addr = tu_throttle_new(TU_LOGIN_ADDR_LIMIT, TU_LOGIN_WINDOW_S);
    struct sockaddr_in sa;
    int rc = copy_config(s, c, err);
    if (!rc) rc = parse_listen(c->listen, &sa, err);
    if (!rc) rc = load_green(s, err);
    if (!rc) rc = check_database(s, err);
    if (rc) {
        tu_server_stop(s, 0);
        return rc;
    }
    clock_gettime(CLOCK_MONOTONIC, &s->started);
    s->follower = tu__follow_start(s, s->db_url, s->node, s->cfg.follow_ms, s->cfg.feed_keep_s);
    if (!s->follower) {
        tu_server_stop(s, 0);
        return tu_err_set(err, TU_ENOMEM, "cannot start the change-feed follower");
    }
    s->pool = tu__pool_start(TU_SLOW_THREADS, TU_SLOW_QUEUE, tu__run_deferred);
    if (!s->pool) {
        tu_server_stop(s, 0);
        return tu_err_set(err, TU_ENOMEM, "cannot start the blocking pool");
    }
    unsigned flags = MHD_USE_EPOLL_INTERNAL_THREAD | MHD_ALLOW_SUSPEND_RESUME | MHD_USE_ERROR_LOG | MHD_USE_TURBO;
    s->mhd = MHD_start_daemon(flags, 0, NULL, NULL, on_request, s, MHD_OPTION_SOCK_ADDR, (struct sockaddr *)&sa,
                              MHD_OPTION_THREAD_POOL_SIZE, (unsigned)s->cfg.threads, MHD_OPTION_CONNECTION_TIMEOUT,
                              (unsigned)s->cfg.request_timeout, MHD_OPTION_NOTIFY_COMPLETED, on_completed, s,
                              MHD_OPTION_CONNECTION_MEMORY_LIMIT, (size_t)64 * 1024, MHD_OPTION_CONNECTION_LIMIT,
                              (unsigned)4096, MHD_OPTION_LISTEN_BACKLOG_SIZE, (unsigned)1024,
                              MHD_OPTION_EXTERNAL_LOGGER, mhd_log, NULL, MHD_OPTION_UNESCAPE_CALLBACK, unescape,
                              NULL, MHD_OPTION_END);
    if (!s->mhd) {
        tu_server_stop(s, 0);
        return tu_err_set(err, TU_EIO, "cannot listen on %s (address in use or not allowed?)", c->listen);
    }
    const union MHD_DaemonInfo *di = MHD_get_daemon_info(s->mhd, MHD_DAEMON_INFO_BIND_PORT);
    s->port = di ? di->port : ntohs(sa.sin_port);
    if (s->cfg.web_dir) tu__static_open(s->cfg.web_dir);
    tu_log(TU_LOG_INFO, "http.start", "listening on %s port %d with %d threads, database %s", c->listen, s->port,
           s->cfg.threads, s->db_url);
    *out = s;
    return TU_OK;
}

int tu_server_port(const tu_server *s) { return s->port; }

void tu_server_stop(tu_server *s, int grace_ms) {
    if (!s) return;
    if (s->mhd) {
        MHD_socket ls = MHD_quiesce_daemon(s->mhd); /* stop accepting; in-flight requests go on */
        if (ls != MHD_INVALID_SOCKET) close(ls);
        for (int waited = 0; atomic_load(&s->inflight) > 0 && waited < grace_ms; waited += 10) usleep(10000);
        long left = atomic_load(&s->inflight);
        tu__pool_stop(s->pool); /* runs what is queued; those connections then resume and answer */
        s->pool = NULL;
        MHD_stop_daemon(s->mhd);
        tu_log(TU_LOG_INFO, "http.stop", "stopped (%ld requests cut short)", left);
    }
    tu__pool_stop(s->pool); /* a server that failed before its daemon started still has its pool */
    tu__follow_stop(s->follower); /* a writer of the index and the inbox too */
    tu_match_svc_close(s->match); /* after the workers: no writer runs now */
    tu_green_config_clear(&s->green);
    tu_inbox_close(s->inbox);
    for (int i = 0; i < s->nstores; i++) tu_store_close(s->stores[i]);
    tu__static_close();
    tu_throttle_free(s->login_user);
    tu_throttle_free(s->login_addr);
    pthread_mutex_destroy(&s->lock);
    tu_free(s);
}
