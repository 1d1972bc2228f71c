/* accounts.h — users, roles and scopes, login sessions and API keys (the use cases; SQL is in store/).
 *
 * Roles: enterprise (scope = its USCC), city_official (scope = its 6-digit city code), provincial_official,
 * bank_officer (scope = its bank id), auditor (read-only plus the audit log), admin (users). Passwords are kept as
 * Argon2id strings (libsodium crypto_pwhash_str); session tokens and API keys are 256-bit random secrets shown
 * once and stored only as BLAKE2b-256 hashes. Every write is audited (audit.h) in the same transaction.
 * Workload: logins are rare and deliberately slow (Argon2id); authenticating a token happens on every request
 * and costs one hash and one indexed read.
 */
#ifndef TU_APP_ACCOUNTS_H
#define TU_APP_ACCOUNTS_H

#include <stddef.h>
#include <stdint.h>

#include "core/error.h"
#include "store/store.h"

/*       ID                   name                    needs scope */
#define TU_ROLE_MAP(XX)                                   \
    XX(ENTERPRISE,          "enterprise",          1)     \
    XX(CITY_OFFICIAL,       "city_official",       1)     \
    XX(PROVINCIAL_OFFICIAL, "provincial_official", 0)     \
    XX(BANK_OFFICER,        "bank_officer",        1)     \
    XX(AUDITOR,             "auditor",             0)     \
    XX(ADMIN,               "admin",               0)

typedef enum {
#define TU__ROLE_ENUM(id, name, scoped) TU_ROLE_##id,
    TU_ROLE_MAP(TU__ROLE_ENUM)
#undef TU__ROLE_ENUM
    TU_ROLE_COUNT
} tu_role;

#define TU_ROLE_BIT(r) (1u << (r))
#define TU_ROLES_ALL ((1u << TU_ROLE_COUNT) - 1u)

#define TU_USERNAME_MAX 64
#define TU_SCOPE_MAX 32
#define TU_PASSWORD_MIN 10
#define TU_PASSWORD_MAX 1024
#define TU_TOKEN_STRLEN 48 /* "tus_" or "tuk_" + 43 base64url characters + NUL */

const char *tu_role_name(int role); /* "city_official"; "?" if out of range */
int tu_role_parse(const char *s);   /* -1 if unknown */
/* Checks that scope fits the role (USCC, city code of the province, bank id [a-z0-9_-]{2,32}; empty for the
 * others). Returns TU_OK or TU_EVALIDATION with the reason. */
int tu_scope_validate(int role, const char *scope, tu_err *err);

/* Who is calling: filled by tu_authenticate (or tu_login). */
typedef struct tu_principal {
    int64_t user_id;
    char username[TU_USERNAME_MAX + 1];
    int role;
    char scope[TU_SCOPE_MAX + 1];
    int64_t credential_id; /* the session or API key used */
    int via_key;           /* 1 when authenticated by an API key */
} tu_principal;

/* Who is acting, for the audit trail: a principal or a named tool ("cli"), and the request id. */
typedef struct tu_actor {
    int64_t user_id; /* 0 for the CLI */
    const char *name;
    const char *request_id; /* may be NULL */
} tu_actor;

/* A user as the API shows it (never the password hash). */
typedef struct tu_user {
    int64_t id;
    char username[TU_USERNAME_MAX + 1];
    int role;
    char scope[TU_SCOPE_MAX + 1];
    int disabled;
    char created_at[32], updated_at[32];
} tu_user;

/* Creates a user. Username: 3..64 of [a-z0-9._@-]; password TU_PASSWORD_MIN..MAX bytes. Returns TU_OK and the id,
 * TU_ECONFLICT if the name is taken, TU_EVALIDATION for bad fields. */
int tu_user_create(tu_store *s, const tu_actor *a, const char *username, int role, const char *scope,
                   const char *password, int64_t *id, tu_err *err);
int tu_user_get(tu_store *s, int64_t id, tu_user *out, tu_err *err);            /* TU_ENOTFOUND */
int tu_user_find(tu_store *s, const char *username, tu_user *out, tu_err *err); /* TU_ENOTFOUND */
/* Pages users: sort "id" or "username" (desc when reverse), after = the last key of the previous page (NULL for
 * the first). Fills up to `limit` users into out, sets *n; *more = 1 when another page exists. */
int tu_user_list(tu_store *s, const char *sort, int reverse, const char *after, tu_user *out, int limit, int *n,
                 int *more, tu_err *err);
/* Changes role and scope (scope validated for the role). */
int tu_user_update(tu_store *s, const tu_actor *a, int64_t id, int role, const char *scope, tu_err *err);
/* Disables (1) or enables (0) a user; disabling revokes all their sessions and keys. */
int tu_user_set_disabled(tu_store *s, const tu_actor *a, int64_t id, int disabled, tu_err *err);
/* Sets a new password (admin reset); revokes all sessions and keys of the user. */
int tu_user_reset_password(tu_store *s, const tu_actor *a, int64_t id, const char *password, tu_err *err);

/* Checks a password and opens a session valid `hours`; token gets the secret (shown once). Unknown user, wrong
 * password and disabled user all give TU_EAUTH with the same message (and similar time). */
int tu_login(tu_store *s, const char *username, const char *password, int hours, const char *request_id,
             tu_principal *who, char token[TU_TOKEN_STRLEN], tu_err *err);
/* Resolves a session token or API key to its principal. TU_EAUTH if unknown, expired, revoked or disabled. */
int tu_authenticate(tu_store *s, const char *token, tu_principal *who, tu_err *err);
/* Ends the session (or revokes the API key) that authenticated who. */
int tu_logout(tu_store *s, const tu_principal *who, const char *request_id, tu_err *err);
/* Changes the caller's own password after checking the old one (TU_EVALIDATION if wrong); the caller's other
 * sessions and keys are revoked. */
int tu_password_change(tu_store *s, const tu_principal *who, const char *old_pw, const char *new_pw,
                       const char *request_id, tu_err *err);

/* An API key as listed (never the secret). */
typedef struct tu_apikey {
    int64_t id;
    char name[65];
    char created_at[32], expires_at[32];
} tu_apikey;

/* Creates an API key for the caller (name 1..64 printable characters; days 1..730). */
int tu_apikey_create(tu_store *s, const tu_principal *who, const char *name, int days, const char *request_id,
                     int64_t *id, char token[TU_TOKEN_STRLEN], tu_err *err);
int tu_apikey_list(tu_store *s, int64_t user_id, tu_apikey *out, int cap, int *n, tu_err *err);
/* Revokes key `id` of user_id (TU_ENOTFOUND if it is not theirs). */
int tu_apikey_revoke(tu_store *s, const tu_principal *who, int64_t id, const char *request_id, tu_err *err);

#endif
