/* accounts.h — the store area for users, credentials (sessions and API keys) and the audit trail: plain records
 * in and out, no policy (validation, hashing and auditing are in src/app/). Writes must run inside
 * tu_store_begin()/tu_store_commit(). Text fields are NUL-terminated; too-long values are refused (TU_EINVAL). */
#ifndef TU_STORE_ACCOUNTS_H
#define TU_STORE_ACCOUNTS_H

#include <stdint.h>

#include "store/store.h"

typedef struct tu_user_rec {
    int64_t id;
    char username[65];
    char role[24];
    char scope[33];
    char pw_hash[160];
    int disabled;
    char created_at[32], updated_at[32];
} tu_user_rec;

typedef struct tu_cred_rec {
    int64_t id, user_id;
    char kind[8]; /* "session" | "key" */
    char name[65];
    unsigned char token_hash[32];
    char created_at[32], expires_at[32];
    int revoked;
} tu_cred_rec;

typedef struct tu_audit_rec {
    int64_t id, actor_id;
    char ts[32];
    char actor[65];
    char action[48];
    char target[96];
    char before_hash[65], after_hash[65];
    char request_id[40];
    char prev_hash[65], hash[65];
} tu_audit_rec;

/* Users. insert sets u->id; TU_ECONFLICT when the username exists. get/by_name: TU_ENOTFOUND. */
int tu_store_user_insert(tu_store *s, tu_user_rec *u, tu_err *err);
int tu_store_user_get(tu_store *s, int64_t id, tu_user_rec *out, tu_err *err);
int tu_store_user_by_name(tu_store *s, const char *username, tu_user_rec *out, tu_err *err);
int tu_store_user_update(tu_store *s, const tu_user_rec *u, tu_err *err); /* all fields but id, created_at */
/* A page of up to `limit` users ordered by id (by_name = 0) or username, descending when reverse, starting
 * after key `after` (NULL = from the start). */
int tu_store_user_page(tu_store *s, int by_name, int reverse, const char *after, int limit, tu_user_rec *out,
                       int *n, tu_err *err);

/* Credentials. insert sets c->id. auth: the credential with this token hash and its user (TU_ENOTFOUND). */
int tu_store_cred_insert(tu_store *s, tu_cred_rec *c, tu_err *err);
int tu_store_cred_auth(tu_store *s, const unsigned char hash[32], tu_cred_rec *c, tu_user_rec *u, tu_err *err);
int tu_store_cred_revoke(tu_store *s, int64_t id, tu_err *err);
/* Revokes every credential of the user except `keep` (0 = none). */
int tu_store_cred_revoke_user(tu_store *s, int64_t user_id, int64_t keep, tu_err *err);
/* Live (not revoked) credentials of a user of one kind, newest first, up to cap. */
int tu_store_cred_list(tu_store *s, int64_t user_id, const char *kind, tu_cred_rec *out, int cap, int *n,
                       tu_err *err);

/* Audit trail. append writes a complete row (the caller computed id and hashes); last: TU_ENOTFOUND if empty. */
int tu_store_audit_append(tu_store *s, const tu_audit_rec *a, tu_err *err);
int tu_store_audit_last(tu_store *s, tu_audit_rec *out, tu_err *err);
/* A page ordered by id (descending when reverse) after id `after` (0 = from the start). */
int tu_store_audit_page(tu_store *s, int64_t after, int reverse, int limit, tu_audit_rec *out, int *n, tu_err *err);
/* Calls fn on every row in id order; stops and returns fn's value when it is not TU_OK. */
int tu_store_audit_scan(tu_store *s, int (*fn)(void *ctx, const tu_audit_rec *a), void *ctx, tu_err *err);

#endif
