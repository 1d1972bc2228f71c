/* h_ops.c — operations routes: /healthz (is the process up and its database usable) and /metrics. */
#include <stdio.h>

#include "core/alloc.h"
#include "http/http_int.h"

int tu_h_healthz(tu_req *r, tu_err *err) {
    (void)err;
    int version = r->store ? tu_store_schema_version(r->store) : 0;
    int ok = version > 0;
    json_t *body = json_pack("{s:s,s:b,s:i,s:f}", "status", ok ? "ok" : "degraded", "db", ok, "schema_version",
                             version, "uptime_s", tu__server_uptime(r->srv));
    return tu_reply_json(r, ok ? 200 : 503, body);
}

int tu_h_metrics(tu_req *r, tu_err *err) {
    (void)err;
    size_t len;
    char *text = tu__metrics_render(&len);
    int rc = tu_reply_raw(r, 200, "text/plain; version=0.0.4; charset=utf-8", text, len);
    tu_free(text);
    return rc;
}
