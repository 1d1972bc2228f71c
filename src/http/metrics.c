/* metrics.c — request counters by route and status, a latency histogram per route, and the Prometheus text
 * rendering (which also prints the counters other modules registered in core/metrics.h). Observing is a few
 * relaxed atomic adds on fixed arrays: no lock on the request path. */
#include <stdatomic.h>
#include <stdio.h>
#include <string.h>

#include "core/alloc.h"
#include "core/metrics.h"
#include "http/http_int.h"

#define MAX_ROUTES 128 /* rows of the route table + "static" + "none" */
static const int statuses[] = {0, 200, 201, 204, 206, 304, 400, 401, 403, 404, 405, 408, 409, 413, 422, 429, 500, 503};
#define NSTATUS ((int)(sizeof statuses / sizeof statuses[0]) + 1) /* + "other" */
static const double buckets[] = {0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5};
#define NBUCKET ((int)(sizeof buckets / sizeof buckets[0]))

static _Atomic uint64_t counts[MAX_ROUTES][NSTATUS];
static _Atomic uint64_t hist[MAX_ROUTES][NBUCKET + 1];
static _Atomic uint64_t sum_us[MAX_ROUTES];

static int status_slot(int status) {
    for (int i = 0; i < NSTATUS - 1; i++)
        if (statuses[i] == status) return i;
    return NSTATUS - 1;
}

/* Route slot: table index, then "static" (route_idx -1 with a path), capped. */
static int route_slot(int idx) { return idx >= 0 && idx < MAX_ROUTES - 1 ? idx : MAX_ROUTES - 1; }

void tu__metrics_observe(int route_idx, int status, double seconds) {
    int r = route_slot(route_idx), b = 0;
    atomic_fetch_add_explicit(&counts[r][status_slot(status)], 1, memory_order_relaxed);
    while (b < NBUCKET && seconds > buckets[b]) b++;
    atomic_fetch_add_explicit(&hist[r][b], 1, memory_order_relaxed);
    atomic_fetch_add_explicit(&sum_us[r], (uint64_t)(seconds * 1e6), memory_order_relaxed);
}

typedef struct {
    char *buf;
    size_t len, cap;
} sbuf;

static void put(sbuf *s, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void put(sbuf *s, const char *fmt, ...) {
    for (;;) {
        va_list ap;
        va_start(ap, fmt);
        int n = vsnprintf(s->buf + s->len, s->cap - s->len, fmt, ap);
        va_end(ap);
        if (n >= 0 && (size_t)n < s->cap - s->len) {
            s->len += (size_t)n;
            return;
        }
        s->cap = s->cap * 2 + (size_t)(n > 0 ? n : 0);
        s->buf = tu_xrealloc(s->buf, s->cap);
    }
}

static void route_label(int r, char *buf, size_t n) {
    if (r < tu__route_count && r < MAX_ROUTES - 1)
        snprintf(buf, n, "method=\"%s\",route=\"%s\"", r >= 0 && tu__routes[r].method == TU_M_GET ? "GET"
                 : tu__routes[r].method == TU_M_POST ? "POST" : tu__routes[r].method == TU_M_PUT ? "PUT"
                 : tu__routes[r].method == TU_M_PATCH ? "PATCH" : "DELETE", tu__routes[r].pattern);
    else
        snprintf(buf, n, "method=\"\",route=\"other\"");
}

static int route_used(int r) {
    for (int b = 0; b <= NBUCKET; b++)
        if (atomic_load_explicit(&hist[r][b], memory_order_relaxed)) return 1;
    return 0;
}

static void render_requests(sbuf *s) {
    char label[200];
    put(s, "# HELP techup_http_requests_total HTTP requests by route and status (0 = no response sent).\n"
           "# TYPE techup_http_requests_total counter\n");
    for (int r = 0; r < MAX_ROUTES; r++) {
        if (!route_used(r)) continue;
        route_label(r, label, sizeof label);
        for (int k = 0; k < NSTATUS; k++) {
            uint64_t v = atomic_load_explicit(&counts[r][k], memory_order_relaxed);
            if (!v) continue;
            if (k < NSTATUS - 1) put(s, "techup_http_requests_total{%s,status=\"%d\"} %llu\n", label, statuses[k], (unsigned long long)v);
            else put(s, "techup_http_requests_total{%s,status=\"other\"} %llu\n", label, (unsigned long long)v);
        }
    }
    put(s, "# HELP techup_http_request_duration_seconds Time from request headers to response completion.\n"
           "# TYPE techup_http_request_duration_seconds histogram\n");
    for (int r = 0; r < MAX_ROUTES; r++) {
        if (!route_used(r)) continue;
        route_label(r, label, sizeof label);
        uint64_t cum = 0;
        for (int b = 0; b <= NBUCKET; b++) {
            cum += atomic_load_explicit(&hist[r][b], memory_order_relaxed);
            if (b < NBUCKET) put(s, "techup_http_request_duration_seconds_bucket{%s,le=\"%g\"} %llu\n", label, buckets[b], (unsigned long long)cum);
            else put(s, "techup_http_request_duration_seconds_bucket{%s,le=\"+Inf\"} %llu\n", label, (unsigned long long)cum);
        }
        put(s, "techup_http_request_duration_seconds_sum{%s} %.6f\n", label, (double)atomic_load(&sum_us[r]) / 1e6);
        put(s, "techup_http_request_duration_seconds_count{%s} %llu\n", label, (unsigned long long)cum);
    }
}

char *tu__metrics_render(size_t *len) {
    sbuf s = {tu_xmalloc(8192), 0, 8192};
    render_requests(&s);
    for (int i = 0; i < tu_metric_count(); i++) {
        const tu_metric *m = tu_metric_at(i);
        put(&s, "# HELP %s %s\n# TYPE %s counter\n%s %llu\n", m->name, m->help, m->name, m->name,
            (unsigned long long)atomic_load_explicit(&m->value, memory_order_relaxed));
    }
    *len = s.len;
    return s.buf;
}
