/* dispute_ops.h — what a backend provides for the dispute area (see dispute.h for the contracts). */
#ifndef TU_STORE_DISPUTE_OPS_H
#define TU_STORE_DISPUTE_OPS_H

#include "store/dispute.h"

struct tu_dispute_ops {
    int (*add)(void *impl, const tu_dispute *d, int64_t *id, tu_err *err);
    int (*get)(void *impl, int64_t id, tu_dispute *out, tu_err *err);
    int (*resolve)(void *impl, int64_t id, const char *status, const char *by, const char *comment, tu_err *err);
    int (*scan)(void *impl, const tu_dispute_filter *f, int limit, tu_dispute_fn fn, void *ctx, tu_err *err);
};

#endif
