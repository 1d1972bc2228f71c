/* policy_ops.h — what a backend provides for the policy area (see policy.h for the contracts). */
#ifndef TU_STORE_POLICY_OPS_H
#define TU_STORE_POLICY_OPS_H

#include "store/policy.h"

struct tu_policy_ops {
    int (*insert)(void *impl, const char *code, const char *status, int64_t *id, tu_err *err);
    int (*get)(void *impl, int64_t id, tu_policy_head *out, tu_err *err);
    int (*find)(void *impl, const char *code, int64_t *id, tu_err *err);
    int (*set_status)(void *impl, int64_t id, const char *status, tu_err *err);
    int (*put_version)(void *impl, const tu_policy_version *v, tu_err *err);
    int (*version)(void *impl, int64_t id, int version, tu_policy_version *out, tu_err *err);
    int (*version_at)(void *impl, int64_t id, const char *date, tu_policy_version *out, tu_err *err);
    int (*scan)(void *impl, tu_policy_scan_fn fn, void *ctx, tu_err *err);
    int (*search)(void *impl, const tu_policy_query *q, tu_policy_hit_fn fn, void *ctx, tu_err *err);
};

#endif
