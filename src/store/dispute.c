/* dispute.c — dispatch of the dispute area to the backend; no SQL here. */
#include "store/dispute.h"

#include "store/backend.h"
#include "store/dispute_ops.h"

#define CALL(s, err, op, ...)                                                                             \
    ((s)->be->dispute ? (s)->be->dispute->op((s)->impl, __VA_ARGS__)                                     \
                      : tu_err_set(err, TU_EUNSUPPORTED, "the %s backend has no dispute store", (s)->be->name))

int tu_store_dispute_add(tu_store *s, const tu_dispute *d, int64_t *id, tu_err *err) {
    return CALL(s, err, add, d, id, err);
}
int tu_store_dispute_get(tu_store *s, int64_t id, tu_dispute *out, tu_err *err) {
    return CALL(s, err, get, id, out, err);
}
int tu_store_dispute_resolve(tu_store *s, int64_t id, const char *status, const char *by, const char *comment,
                             tu_err *err) {
    return CALL(s, err, resolve, id, status, by, comment, err);
}
int tu_store_dispute_scan(tu_store *s, const tu_dispute_filter *f, int limit, tu_dispute_fn fn, void *ctx,
                          tu_err *err) {
    return CALL(s, err, scan, f, limit, fn, ctx, err);
}
