/* accounts_ops.h — what a backend provides for the accounts area (see accounts.h for the contracts). Only
 * src/store/ includes this header. */
#ifndef TU_STORE_ACCOUNTS_OPS_H
#define TU_STORE_ACCOUNTS_OPS_H

#include "store/accounts.h"

struct tu_accounts_ops {
    int (*user_insert)(void *impl, tu_user_rec *u, tu_err *err);
    int (*user_get)(void *impl, int64_t id, const char *username, tu_user_rec *out, tu_err *err);
    int (*user_update)(void *impl, const tu_user_rec *u, tu_err *err);
    int (*user_page)(void *impl, int by_name, int reverse, const char *after, int limit, tu_user_rec *out, int *n,
                     tu_err *err);
    int (*cred_insert)(void *impl, tu_cred_rec *c, tu_err *err);
    int (*cred_auth)(void *impl, const unsigned char hash[32], tu_cred_rec *c, tu_user_rec *u, tu_err *err);
    int (*cred_revoke)(void *impl, int64_t id, int64_t user_id, int64_t keep, tu_err *err);
    int (*cred_list)(void *impl, int64_t user_id, const char *kind, tu_cred_rec *out, int cap, int *n, tu_err *err);
    int (*audit_append)(void *impl, const tu_audit_rec *a, tu_err *err);
    int (*audit_page)(void *impl, int64_t after, int reverse, int limit, tu_audit_rec *out, int *n, tu_err *err);
    int (*audit_scan)(void *impl, int (*fn)(void *ctx, const tu_audit_rec *a), void *ctx, tu_err *err);
};

#endif
