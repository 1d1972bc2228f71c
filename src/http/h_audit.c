/* h_audit.c — reading the audit trail (paged by id, either direction) and verifying its hash chain. */
#include <stdio.h>
#include <stdlib.h>

#include "app/audit.h"
#include "core/alloc.h"
#include "http/http_int.h"

static json_t *audit_json(const tu_audit_rec *a) {
    return json_pack("{s:I,s:s,s:I,s:s,s:s,s:s,s:s,s:s,s:s,s:s,s:s}", "id", (json_int_t)a->id, "ts", a->ts,
                     "actor_id", (json_int_t)a->actor_id, "actor", a->actor, "action", a->action, "target", a->target,
                     "before_hash", a->before_hash, "after_hash", a->after_hash, "request_id", a->request_id,
                     "prev_hash", a->prev_hash, "hash", a->hash);
}

int tu_h_audit_list(tu_req *r, tu_err *err) {
    static const char *const sorts[] = {"id", NULL};
    tu_page p;
    int rc = tu_req_page(r, sorts, &p, err);
    if (rc) return rc;
    char *end;
    long long after = p.after[0] ? strtoll(p.after, &end, 10) : 0;
    if (p.after[0] && (*end || after < 1)) return tu_err_set(err, TU_EINVAL, "bad cursor");
    tu_audit_rec *rows = tu_xcalloc((size_t)p.limit + 1, sizeof *rows);
    int n = 0;
    rc = tu_store_audit_page(r->store, after, p.reverse, p.limit + 1, rows, &n, err);
    json_t *items = json_array();
    int shown = n > p.limit ? p.limit : n;
    for (int i = 0; !rc && i < shown; i++) json_array_append_new(items, audit_json(&rows[i]));
    char key[24];
    if (!rc && n > p.limit) snprintf(key, sizeof key, "%lld", (long long)rows[shown - 1].id);
    tu_free(rows);
    if (rc) {
        json_decref(items);
        return rc;
    }
    return tu_reply_page(r, items, n > p.limit ? key : NULL);
}

int tu_h_audit_verify(tu_req *r, tu_err *err) {
    tu_audit_report rep;
    int rc = tu_audit_verify(r->store, &rep, err);
    if (rc && rc != TU_ECORRUPT) return rc;
    return tu_reply_json(r, 200, json_pack("{s:b,s:I,s:s,s:o,s:s}", "ok", rc == TU_OK, "rows", (json_int_t)rep.rows,
                                           "head", rep.head, "bad_id", rep.bad_id ? json_integer(rep.bad_id) : json_null(),
                                           "reason", rep.reason));
}
