/* h_push.c — the push side of the API: an enterprise's inbox (read from the server's campaign cache, push/inbox.h)
 * and its states, notification preferences, library subscriptions of the caller, and the funnel of a policy's
 * campaigns. The route table has checked role and {uscc} scope before these run. Workload: an inbox read is memory
 * work over the cached bitmaps plus one policy-title lookup per distinct policy. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/alloc.h"
#include "http/http_int.h"
#include "push/inbox.h"
#include "store/policy.h"
#include "store/push.h"

json_t *tu__policy_title(tu_store *s, int64_t policy_id, int version, json_t *cache) {
    char key[48];
    snprintf(key, sizeof key, "%lld.%d", (long long)policy_id, version);
    json_t *t = json_object_get(cache, key);
    if (t) return t;
    tu_policy_version v = {0};
    tu_err err = {0};
    int rc = tu_store_policy_version(s, policy_id, version, &v, &err);
    if (rc == TU_ENOTFOUND && version) rc = tu_store_policy_version(s, policy_id, 0, &v, &err);
    t = rc ? json_null()
           : json_pack("{s:s,s:s}", "zh", v.title_zh ? v.title_zh : "", "en", v.title_en ? v.title_en : "");
    tu_store_policy_version_clear(&v);
    json_object_set_new(cache, key, t ? t : json_null());
    return json_object_get(cache, key);
}

/* ---- inbox ---- */

static json_t *entry_json(tu_store *s, const tu_inbox_entry *e, json_t *titles) {
    char id[32];
    snprintf(id, sizeof id, "%c%lld", e->source, (long long)e->ref_id);
    json_t *o = json_pack("{s:s,s:I,s:O,s:s,s:s,s:s,s:s}", "id", id, "policy_id", (json_int_t)e->policy_id,
                          "policy_title", tu__policy_title(s, e->policy_id, e->version, titles), "kind", e->kind,
                          "state", e->state, "created_at", e->created_at, "detail", e->detail);
    if (o && e->version) json_object_set_new(o, "version", json_integer(e->version));
    return o;
}

/* Newest first (created_at, then campaigns before items of the same second, then id). */
static int newest_first(const void *a, const void *b) {
    const tu_inbox_entry *x = a, *y = b;
    int c = strcmp(y->created_at, x->created_at);
    if (c) return c;
    if (x->source != y->source) return x->source < y->source ? -1 : 1;
    return x->ref_id < y->ref_id ? 1 : x->ref_id > y->ref_id ? -1 : 0;
}

int tu_h_inbox_list(tu_req *r, tu_err *err) {
    int64_t id;
    tu_ent e;
    int rc = tu__req_enterprise(r, &id, &e, err);
    tu_inbox *ib = rc ? NULL : tu__server_inbox(r->srv, r->store, err);
    if (rc || !ib) return rc ? rc : err->code;
    tu_inbox_entry *entries = NULL;
    size_t n = 0;
    if ((rc = tu_inbox_read(ib, r->store, id, &entries, &n, err)) != TU_OK) return rc;
    if (n > 1) qsort(entries, n, sizeof *entries, newest_first);
    json_t *items = json_array(), *titles = json_object();
    long unread = 0;
    for (size_t i = 0; i < n; i++) {
        unread += strcmp(entries[i].state, "unread") == 0;
        json_array_append_new(items, entry_json(r->store, &entries[i], titles));
    }
    tu_free(entries);
    json_decref(titles);
    return tu_reply_json(r, 200, json_pack("{s:o,s:s,s:I}", "items", items, "uscc", e.uscc, "unread", (json_int_t)unread));
}

/* "c12" / "i34" -> source and id (TU_ENOTFOUND otherwise). */
static int parse_item(tu_req *r, char *source, int64_t *ref, tu_err *err) {
    char buf[24];
    int n = tu_params_get(&r->params, "item", buf, sizeof buf);
    long long v = 0;
    int used = 0;
    if (n < 2 || (buf[0] != 'c' && buf[0] != 'i') || sscanf(buf + 1, "%lld%n", &v, &used) != 1 || used != n - 1 ||
        v <= 0 || buf[1] < '0' || buf[1] > '9')
        return tu_err_set(err, TU_ENOTFOUND, "no such inbox item");
    *source = buf[0], *ref = v;
    return TU_OK;
}

int tu_h_inbox_patch(tu_req *r, tu_err *err) {
    int64_t id, ref = 0;
    tu_ent e;
    char source = 0;
    const char *state;
    int rc = tu__req_enterprise(r, &id, &e, err);
    if (!rc) rc = parse_item(r, &source, &ref, err);
    if (!rc) rc = tu_req_body_str(r, "state", 15, &state, err);
    tu_inbox *ib = rc ? NULL : tu__server_inbox(r->srv, r->store, err);
    if (rc || !ib) return rc ? rc : err->code;
    rc = tu_inbox_set_state(ib, r->store, id, source, ref, state, err);
    if (rc == TU_EINVAL) rc = TU_EVALIDATION;
    if (rc) return rc;
    char item[32];
    snprintf(item, sizeof item, "%c%lld", source, (long long)ref);
    return tu_reply_json(r, 200, json_pack("{s:s,s:s}", "id", item, "state", state));
}
