/* policy.c — dispatch of the policy area to the backend; no SQL here. */
#include "store/policy.h"

#include "core/alloc.h"
#include "store/backend.h"
#include "store/policy_ops.h"

#define OPS(s) ((s)->be->policy)
#define NEED_OPS(s, err)                                                                                       \
    do {                                                                                                       \
        if (!OPS(s)) return tu_err_set(err, TU_EUNSUPPORTED, "the %s backend has no policy store", s->be->name); \
    } while (0)

void tu_store_policy_version_clear(tu_policy_version *v) {
    if (!v) return;
    tu_free(v->department);
    tu_free(v->title_zh);
    tu_free(v->title_en);
    tu_free(v->doc);
    v->department = v->title_zh = v->title_en = v->doc = NULL;
}

int tu_store_policy_insert(tu_store *s, const char *code, const char *status, int64_t *id, tu_err *err) {
    NEED_OPS(s, err);
    return OPS(s)->insert(s->impl, code, status, id, err);
}

int tu_store_policy_get(tu_store *s, int64_t id, tu_policy_head *out, tu_err *err) {
    NEED_OPS(s, err);
    return OPS(s)->get(s->impl, id, out, err);
}

int tu_store_policy_find(tu_store *s, const char *code, int64_t *id, tu_err *err) {
    NEED_OPS(s, err);
    return OPS(s)->find(s->impl, code, id, err);
}

int tu_store_policy_set_status(tu_store *s, int64_t id, const char *status, tu_err *err) {
    NEED_OPS(s, err);
    return OPS(s)->set_status(s->impl, id, status, err);
}

int tu_store_policy_put_version(tu_store *s, const tu_policy_version *v, tu_err *err) {
    NEED_OPS(s, err);
    return OPS(s)->put_version(s->impl, v, err);
}

int tu_store_policy_version(tu_store *s, int64_t id, int version, tu_policy_version *out, tu_err *err) {
    NEED_OPS(s, err);
    return OPS(s)->version(s->impl, id, version, out, err);
}

int tu_store_policy_version_at(tu_store *s, int64_t id, const char *date, tu_policy_version *out, tu_err *err) {
    NEED_OPS(s, err);
    return OPS(s)->version_at(s->impl, id, date, out, err);
}

int tu_store_policy_scan(tu_store *s, tu_policy_scan_fn fn, void *ctx, tu_err *err) {
    NEED_OPS(s, err);
    return OPS(s)->scan(s->impl, fn, ctx, err);
}

int tu_store_policy_search(tu_store *s, const tu_policy_query *q, tu_policy_hit_fn fn, void *ctx, tu_err *err) {
    NEED_OPS(s, err);
    return OPS(s)->search(s->impl, q, fn, ctx, err);
}
