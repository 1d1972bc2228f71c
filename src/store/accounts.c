/* accounts.c — dispatch of the accounts area to the backend's ops; no SQL here. */
#include "store/accounts.h"

#include <string.h>

#include "store/accounts_ops.h"
#include "store/backend.h"

static const struct tu_accounts_ops *ops(tu_store *s, tu_err *err) {
    if (!s->be->accounts) tu_err_set(err, TU_EUNSUPPORTED, "the %s backend has no accounts", s->be->name);
    return s->be->accounts;
}

#define OPS(s, err)                                  \
    const struct tu_accounts_ops *o = ops(s, err); \
    if (!o) return TU_EUNSUPPORTED

int tu_store_user_insert(tu_store *s, tu_user_rec *u, tu_err *err) {
    OPS(s, err);
    return o->user_insert(s->impl, u, err);
}
int tu_store_user_get(tu_store *s, int64_t id, tu_user_rec *out, tu_err *err) {
    OPS(s, err);
    return o->user_get(s->impl, id, NULL, out, err);
}
int tu_store_user_by_name(tu_store *s, const char *username, tu_user_rec *out, tu_err *err) {
    OPS(s, err);
    return o->user_get(s->impl, 0, username, out, err);
}
int tu_store_user_update(tu_store *s, const tu_user_rec *u, tu_err *err) {
    OPS(s, err);
    return o->user_update(s->impl, u, err);
}
int tu_store_user_page(tu_store *s, int by_name, int reverse, const char *after, int limit, tu_user_rec *out,
                       int *n, tu_err *err) {
    OPS(s, err);
    return o->user_page(s->impl, by_name, reverse, after, limit, out, n, err);
}
int tu_store_cred_insert(tu_store *s, tu_cred_rec *c, tu_err *err) {
    OPS(s, err);
    return o->cred_insert(s->impl, c, err);
}
int tu_store_cred_auth(tu_store *s, const unsigned char hash[32], tu_cred_rec *c, tu_user_rec *u, tu_err *err) {
    OPS(s, err);
    return o->cred_auth(s->impl, hash, c, u, err);
}
int tu_store_cred_revoke(tu_store *s, int64_t id, tu_err *err) {
    OPS(s, err);
    return o->cred_revoke(s->impl, id, 0, 0, err);
}
int tu_store_cred_revoke_user(tu_store *s, int64_t user_id, int64_t keep, tu_err *err) {
    OPS(s, err);
    return o->cred_revoke(s->impl, 0, user_id, keep, err);
}
int tu_store_cred_list(tu_store *s, int64_t user_id, const char *kind, tu_cred_rec *out, int cap, int *n,
                       tu_err *err) {
    OPS(s, err);
    return o->cred_list(s->impl, user_id, kind, out, cap, n, err);
}
int tu_store_audit_append(tu_store *s, const tu_audit_rec *a, tu_err *err) {
    OPS(s, err);
    return o->audit_append(s->impl, a, err);
}
int tu_store_audit_last(tu_store *s, tu_audit_rec *out, tu_err *err) {
    OPS(s, err);
    int n = 0, rc = o->audit_page(s->impl, 0, 1, 1, out, &n, err);
    if (rc) return rc;
    return n ? TU_OK : tu_err_set(err, TU_ENOTFOUND, "the audit log is empty");
}
int tu_store_audit_page(tu_store *s, int64_t after, int reverse, int limit, tu_audit_rec *out, int *n, tu_err *err) {
    OPS(s, err);
    return o->audit_page(s->impl, after, reverse, limit, out, n, err);
}
int tu_store_audit_scan(tu_store *s, int (*fn)(void *ctx, const tu_audit_rec *a), void *ctx, tu_err *err) {
    OPS(s, err);
    return o->audit_scan(s->impl, fn, ctx, err);
}
