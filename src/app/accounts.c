/* accounts.c — users, login, sessions and API keys: validation, Argon2id, token hashing and the audit row of
 * every write, each write in one transaction. Authentication (every API request) is one BLAKE2b and one read. */
#include "app/accounts.h"

#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "app/audit.h"
#include "core/alloc.h"
#include "core/codes.h"
#include "store/accounts.h"

static const struct {
    const char *name;
    int scoped;
} roles[] = {
#define TU__ROLE_ROW(id, name, scoped) {name, scoped},
    TU_ROLE_MAP(TU__ROLE_ROW)
#undef TU__ROLE_ROW
};

const char *tu_role_name(int role) { return role >= 0 && role < TU_ROLE_COUNT ? roles[role].name : "?"; }

int tu_role_parse(const char *s) {
    for (int i = 0; s && i < TU_ROLE_COUNT; i++)
        if (strcmp(s, roles[i].name) == 0) return i;
    return -1;
}

static int bank_id_ok(const char *s) {
    size_t n = strlen(s);
    if (n < 2 || n > TU_SCOPE_MAX) return 0;
    for (size_t i = 0; i < n; i++)
        if (!((s[i] >= 'a' && s[i] <= 'z') || (s[i] >= '0' && s[i] <= '9') || s[i] == '_' || s[i] == '-')) return 0;
    return 1;
}

int tu_scope_validate(int role, const char *scope, tu_err *err) {
    if (role < 0 || role >= TU_ROLE_COUNT) return tu_err_set(err, TU_EVALIDATION, "unknown role");
    scope = scope ? scope : "";
    if (!roles[role].scoped)
        return *scope ? tu_err_set(err, TU_EVALIDATION, "role %s takes no scope", roles[role].name) : TU_OK;
    if (role == TU_ROLE_ENTERPRISE) {
        tu_err e = {0};
        if (tu_uscc_validate(scope, strlen(scope), NULL, &e) != TU_OK)
            return tu_err_set(err, TU_EVALIDATION, "scope of an enterprise user must be its USCC: %s", e.msg);
        return TU_OK;
    }
    if (role == TU_ROLE_CITY_OFFICIAL) {
        char *end;
        unsigned long code = strtoul(scope, &end, 10);
        if (strlen(scope) != 6 || *end || !tu_city_find((uint32_t)code))
            return tu_err_set(err, TU_EVALIDATION, "scope of a city official must be a city code of the province");
        return TU_OK;
    }
    return bank_id_ok(scope) ? TU_OK
                             : tu_err_set(err, TU_EVALIDATION, "scope of a bank officer must be a bank id [a-z0-9_-]{2,32}");
}

static int username_ok(const char *s) {
    size_t n = s ? strlen(s) : 0;
    if (n < 3 || n > TU_USERNAME_MAX) return 0;
    for (size_t i = 0; i < n; i++)
        if (!((s[i] >= 'a' && s[i] <= 'z') || (s[i] >= '0' && s[i] <= '9') || strchr("._@-", s[i]))) return 0;
    return 1;
}

static int password_ok(const char *pw, tu_err *err) {
    size_t n = pw ? strlen(pw) : 0;
    if (n < TU_PASSWORD_MIN || n > TU_PASSWORD_MAX)
        return tu_err_set(err, TU_EVALIDATION, "a password has %d to %d bytes", TU_PASSWORD_MIN, TU_PASSWORD_MAX);
    return TU_OK;
}

static int hash_password(const char *pw, char out[160], tu_err *err) {
    if (sodium_init() < 0) return tu_err_set(err, TU_EIO, "libsodium failed to initialise");
    _Static_assert(crypto_pwhash_STRBYTES <= 160, "pw_hash field too small");
    if (crypto_pwhash_str(out, pw, strlen(pw), crypto_pwhash_OPSLIMIT_INTERACTIVE,
                          crypto_pwhash_MEMLIMIT_INTERACTIVE) != 0)
        return tu_err_set(err, TU_ENOMEM, "password hashing ran out of memory");
    return TU_OK;
}

/* The state of a user as the audit trail hashes it (never the password hash itself, only whether it changed). */
static json_t *user_json(const tu_user_rec *u) {
    unsigned char h[16];
    crypto_generichash(h, sizeof h, (const unsigned char *)u->pw_hash, strlen(u->pw_hash), NULL, 0);
    char pw[33];
    sodium_bin2hex(pw, sizeof pw, h, sizeof h);
    return json_pack("{s:I,s:s,s:s,s:s,s:b,s:s}", "id", (json_int_t)u->id, "username", u->username, "role", u->role,
                     "scope", u->scope, "disabled", u->disabled, "pw", pw);
}

static void to_user(const tu_user_rec *r, tu_user *u) {
    memset(u, 0, sizeof *u);
    u->id = r->id;
    snprintf(u->username, sizeof u->username, "%s", r->username);
    u->role = tu_role_parse(r->role);
    snprintf(u->scope, sizeof u->scope, "%s", r->scope);
    u->disabled = r->disabled;
    snprintf(u->created_at, sizeof u->created_at, "%s", r->created_at);
    snprintf(u->updated_at, sizeof u->updated_at, "%s", r->updated_at);
}

/* Audits a change of user rows before -> after (either NULL) and commits; rolls back on failure. */
static int audit_commit(tu_store *s, const tu_actor *a, const char *action, int64_t id, const tu_user_rec *before,
                        const tu_user_rec *after, tu_err *err) {
    char target[32];
    snprintf(target, sizeof target, "user:%lld", (long long)id);
    json_t *jb = before ? user_json(before) : NULL, *ja = after ? user_json(after) : NULL;
    int rc = tu_audit_record(s, a, action, target, jb, ja, err);
    json_decref(jb);
    json_decref(ja);
    if (!rc) rc = tu_store_commit(s, err);
    if (rc) tu_store_rollback(s);
    return rc;
}

int tu_user_create(tu_store *s, const tu_actor *a, const char *username, int role, const char *scope,
                   const char *password, int64_t *id, tu_err *err) {
    if (!username_ok(username))
        return tu_err_set(err, TU_EVALIDATION, "a username has 3 to %d characters of a-z 0-9 . _ @ -", TU_USERNAME_MAX);
    int rc = tu_scope_validate(role, scope, err);
    if (!rc) rc = password_ok(password, err);
    tu_user_rec u;
    memset(&u, 0, sizeof u);
    if (!rc) rc = hash_password(password, u.pw_hash, err);
    if (rc) return rc;
    snprintf(u.username, sizeof u.username, "%s", username);
    snprintf(u.role, sizeof u.role, "%s", tu_role_name(role));
    snprintf(u.scope, sizeof u.scope, "%s", scope ? scope : "");
    tu_utc_now(u.created_at, 0);
    memcpy(u.updated_at, u.created_at, sizeof u.updated_at);
    if ((rc = tu_store_begin(s, err)) != TU_OK) return rc;
    rc = tu_store_user_insert(s, &u, err);
    if (rc) {
        tu_store_rollback(s);
        return rc;
    }
    if (id) *id = u.id;
    return audit_commit(s, a, "user.create", u.id, NULL, &u, err);
}

int tu_user_get(tu_store *s, int64_t id, tu_user *out, tu_err *err) {
    tu_user_rec r;
    int rc = tu_store_user_get(s, id, &r, err);
    if (!rc) to_user(&r, out);
    return rc;
}

int tu_user_find(tu_store *s, const char *username, tu_user *out, tu_err *err) {
    tu_user_rec r;
    int rc = tu_store_user_by_name(s, username, &r, err);
    if (!rc) to_user(&r, out);
    return rc;
}

int tu_user_list(tu_store *s, const char *sort, int reverse, const char *after, tu_user *out, int limit, int *n,
                 int *more, tu_err *err) {
    int by_name = sort && strcmp(sort, "username") == 0;
    tu_user_rec *rows = tu_calloc((size_t)limit + 1, sizeof *rows);
    if (!rows) return tu_err_set(err, TU_ENOMEM, "out of memory");
    int got = 0, rc = tu_store_user_page(s, by_name, reverse, after && *after ? after : NULL, limit + 1, rows, &got, err);
    *n = 0, *more = 0;
    if (!rc) {
        *more = got > limit;
        *n = got > limit ? limit : got;
        for (int i = 0; i < *n; i++) to_user(&rows[i], &out[i]);
    }
    tu_free(rows);
    return rc;
}

/* Loads user id inside a new transaction, lets `change` edit it, writes, audits, commits. */
static int modify_user(tu_store *s, const tu_actor *a, int64_t id, const char *action, int revoke,
                       int (*change)(tu_user_rec *u, const void *arg, tu_err *err), const void *arg, tu_err *err) {
    tu_user_rec before, after;
    int rc = tu_store_begin(s, err);
    if (rc) return rc;
    rc = tu_store_user_get(s, id, &before, err);
    after = before;
    if (!rc) rc = change(&after, arg, err);
    if (!rc) {
        tu_utc_now(after.updated_at, 0);
        rc = tu_store_user_update(s, &after, err);
    }
    if (!rc && revoke) rc = tu_store_cred_revoke_user(s, id, 0, err);
    if (rc) {
        tu_store_rollback(s);
        return rc;
    }
    return audit_commit(s, a, action, id, &before, &after, err);
}

typedef struct {
    int role;
    const char *scope;
} role_arg;

static int set_role(tu_user_rec *u, const void *arg, tu_err *err) {
    const role_arg *ra = arg;
    int rc = tu_scope_validate(ra->role, ra->scope, err);
    if (rc) return rc;
    snprintf(u->role, sizeof u->role, "%s", tu_role_name(ra->role));
    snprintf(u->scope, sizeof u->scope, "%s", ra->scope ? ra->scope : "");
    return TU_OK;
}

int tu_user_update(tu_store *s, const tu_actor *a, int64_t id, int role, const char *scope, tu_err *err) {
    role_arg ra = {role, scope};
    return modify_user(s, a, id, "user.update", 1, set_role, &ra, err);
}

static int set_disabled(tu_user_rec *u, const void *arg, tu_err *err) {
    (void)err;
    u->disabled = *(const int *)arg;
    return TU_OK;
}

int tu_user_set_disabled(tu_store *s, const tu_actor *a, int64_t id, int disabled, tu_err *err) {
    return modify_user(s, a, id, disabled ? "user.disable" : "user.enable", disabled, set_disabled, &disabled, err);
}

static int set_password(tu_user_rec *u, const void *arg, tu_err *err) {
    return hash_password((const char *)arg, u->pw_hash, err);
}

int tu_user_reset_password(tu_store *s, const tu_actor *a, int64_t id, const char *password, tu_err *err) {
    int rc = password_ok(password, err);
    return rc ? rc : modify_user(s, a, id, "user.password_reset", 1, set_password, password, err);
}

/* ---- tokens ---- */

static void token_hash(const char *token, unsigned char out[32]) {
    crypto_generichash(out, 32, (const unsigned char *)token, strlen(token), NULL, 0);
}

static void new_token(const char *prefix, char token[TU_TOKEN_STRLEN]) {
    unsigned char raw[32];
    randombytes_buf(raw, sizeof raw);
    size_t pl = strlen(prefix);
    memcpy(token, prefix, pl);
    sodium_bin2base64(token + pl, TU_TOKEN_STRLEN - pl, raw, sizeof raw, sodium_base64_VARIANT_URLSAFE_NO_PADDING);
    sodium_memzero(raw, sizeof raw);
}

static void to_principal(const tu_user_rec *u, const tu_cred_rec *c, tu_principal *who) {
    memset(who, 0, sizeof *who);
    who->user_id = u->id;
    snprintf(who->username, sizeof who->username, "%s", u->username);
    who->role = tu_role_parse(u->role);
    snprintf(who->scope, sizeof who->scope, "%s", u->scope);
    who->credential_id = c->id;
    who->via_key = strcmp(c->kind, "key") == 0;
}

/* Issues a credential of `kind` for user u inside the open transaction, audits it, commits. */
static int issue(tu_store *s, const tu_user_rec *u, const char *kind, const char *name, long seconds,
                 const char *request_id, tu_principal *who, char token[TU_TOKEN_STRLEN], tu_err *err) {
    tu_cred_rec c;
    memset(&c, 0, sizeof c);
    c.user_id = u->id;
    snprintf(c.kind, sizeof c.kind, "%s", kind);
    snprintf(c.name, sizeof c.name, "%s", name ? name : "");
    new_token(strcmp(kind, "key") == 0 ? "tuk_" : "tus_", token);
    token_hash(token, c.token_hash);
    tu_utc_now(c.created_at, 0);
    tu_utc_now(c.expires_at, seconds);
    int rc = tu_store_cred_insert(s, &c, err);
    char target[40];
    snprintf(target, sizeof target, "%s:%lld", kind, (long long)c.id);
    tu_actor a = {u->id, u->username, request_id};
    json_t *after = json_pack("{s:I,s:s,s:s,s:s}", "user_id", (json_int_t)u->id, "kind", kind, "name", c.name,
                              "expires_at", c.expires_at);
    if (!rc) rc = tu_audit_record(s, &a, strcmp(kind, "key") == 0 ? "apikey.create" : "session.create", target, NULL,
                                  after, err);
    json_decref(after);
    if (!rc) rc = tu_store_commit(s, err);
    if (rc) {
        tu_store_rollback(s);
        sodium_memzero(token, TU_TOKEN_STRLEN);
        return rc;
    }
    to_principal(u, &c, who);
    return TU_OK;
}

/* A valid Argon2id string used to spend the same time on unknown users as on known ones. */
static const char *dummy_hash(void) {
    static char h[crypto_pwhash_STRBYTES];
    static int made;
    if (!made && crypto_pwhash_str(h, "not-a-password", 14, crypto_pwhash_OPSLIMIT_INTERACTIVE,
                                   crypto_pwhash_MEMLIMIT_INTERACTIVE) == 0)
        made = 1;
    return h;
}

int tu_login(tu_store *s, const char *username, const char *password, int hours, const char *request_id,
             tu_principal *who, char token[TU_TOKEN_STRLEN], tu_err *err) {
    if (sodium_init() < 0) return tu_err_set(err, TU_EIO, "libsodium failed to initialise");
    tu_user_rec u;
    tu_err e = {0};
    int rc = username_ok(username) ? tu_store_user_by_name(s, username, &u, &e) : TU_ENOTFOUND;
    if (rc && rc != TU_ENOTFOUND) return tu_err_set(err, rc, "%s", e.msg);
    const char *hash = rc ? dummy_hash() : u.pw_hash;
    size_t pl = password ? strlen(password) : 0;
    int ok = pl > 0 && pl <= TU_PASSWORD_MAX && crypto_pwhash_str_verify(hash, password, pl) == 0;
    if (rc || !ok || u.disabled) return tu_err_set(err, TU_EAUTH, "wrong username or password");
    if ((rc = tu_store_begin(s, err)) != TU_OK) return rc;
    return issue(s, &u, "session", "", (long)hours * 3600, request_id, who, token, err);
}

int tu_authenticate(tu_store *s, const char *token, tu_principal *who, tu_err *err) {
    size_t n = token ? strlen(token) : 0;
    if (n < 8 || n >= TU_TOKEN_STRLEN) return tu_err_set(err, TU_EAUTH, "invalid or expired credentials");
    unsigned char h[32];
    token_hash(token, h);
    tu_cred_rec c;
    tu_user_rec u;
    tu_err e = {0};
    int rc = tu_store_cred_auth(s, h, &c, &u, &e);
    if (rc && rc != TU_ENOTFOUND) return tu_err_set(err, rc, "%s", e.msg);
    char now[32];
    tu_utc_now(now, 0);
    if (rc || c.revoked || u.disabled || strcmp(now, c.expires_at) >= 0 || tu_role_parse(u.role) < 0)
        return tu_err_set(err, TU_EAUTH, "invalid or expired credentials");
    to_principal(&u, &c, who);
    return TU_OK;
}

/* Revokes credential id (after a caller-specific check), audits and commits. */
static int revoke(tu_store *s, const tu_principal *who, int64_t id, const char *action, const char *request_id,
                  tu_err *err) {
    int rc = tu_store_begin(s, err);
    if (rc) return rc;
    rc = tu_store_cred_revoke(s, id, err);
    char target[40];
    snprintf(target, sizeof target, "credential:%lld", (long long)id);
    tu_actor a = {who->user_id, who->username, request_id};
    json_t *before = json_pack("{s:I,s:b}", "id", (json_int_t)id, "revoked", 0);
    json_t *after = json_pack("{s:I,s:b}", "id", (json_int_t)id, "revoked", 1);
    if (!rc) rc = tu_audit_record(s, &a, action, target, before, after, err);
    json_decref(before);
    json_decref(after);
    if (!rc) rc = tu_store_commit(s, err);
    if (rc) tu_store_rollback(s);
    return rc;
}

int tu_logout(tu_store *s, const tu_principal *who, const char *request_id, tu_err *err) {
    return revoke(s, who, who->credential_id, who->via_key ? "apikey.revoke" : "session.delete", request_id, err);
}

int tu_password_change(tu_store *s, const tu_principal *who, const char *old_pw, const char *new_pw,
                       const char *request_id, tu_err *err) {
    tu_user_rec u;
    int rc = password_ok(new_pw, err);
    if (!rc) rc = tu_store_user_get(s, who->user_id, &u, err);
    if (rc) return rc;
    size_t ol = old_pw ? strlen(old_pw) : 0;
    if (ol == 0 || ol > TU_PASSWORD_MAX || crypto_pwhash_str_verify(u.pw_hash, old_pw, ol) != 0)
        return tu_err_set(err, TU_EVALIDATION, "the current password is wrong");
    tu_user_rec after = u;
    if ((rc = hash_password(new_pw, after.pw_hash, err)) != TU_OK) return rc;
    tu_utc_now(after.updated_at, 0);
    if ((rc = tu_store_begin(s, err)) != TU_OK) return rc;
    rc = tu_store_user_update(s, &after, err);
    if (!rc) rc = tu_store_cred_revoke_user(s, u.id, who->credential_id, err); /* keep the caller's session */
    if (rc) {
        tu_store_rollback(s);
        return rc;
    }
    tu_actor a = {who->user_id, who->username, request_id};
    return audit_commit(s, &a, "user.password_change", u.id, &u, &after, err);
}

int tu_apikey_create(tu_store *s, const tu_principal *who, const char *name, int days, const char *request_id,
                     int64_t *id, char token[TU_TOKEN_STRLEN], tu_err *err) {
    size_t nl = name ? strlen(name) : 0;
    if (nl == 0 || nl > 64) return tu_err_set(err, TU_EVALIDATION, "an API key needs a name of 1 to 64 bytes");
    for (size_t i = 0; i < nl; i++)
        if ((unsigned char)name[i] < 0x20 || name[i] == 0x7f)
            return tu_err_set(err, TU_EVALIDATION, "the key name has control characters");
    if (days < 1 || days > 730) return tu_err_set(err, TU_EVALIDATION, "an API key lives 1 to 730 days");
    tu_user_rec u;
    int rc = tu_store_user_get(s, who->user_id, &u, err);
    if (!rc) rc = tu_store_begin(s, err);
    if (rc) return rc;
    tu_principal kp;
    rc = issue(s, &u, "key", name, (long)days * 86400, request_id, &kp, token, err);
    if (!rc && id) *id = kp.credential_id;
    return rc;
}

int tu_apikey_list(tu_store *s, int64_t user_id, tu_apikey *out, int cap, int *n, tu_err *err) {
    tu_cred_rec *rows = tu_calloc((size_t)cap, sizeof *rows);
    if (!rows) return tu_err_set(err, TU_ENOMEM, "out of memory");
    int rc = tu_store_cred_list(s, user_id, "key", rows, cap, n, err);
    for (int i = 0; !rc && i < *n; i++) {
        out[i].id = rows[i].id;
        snprintf(out[i].name, sizeof out[i].name, "%s", rows[i].name);
        snprintf(out[i].created_at, sizeof out[i].created_at, "%s", rows[i].created_at);
        snprintf(out[i].expires_at, sizeof out[i].expires_at, "%s", rows[i].expires_at);
    }
    tu_free(rows);
    return rc;
}

int tu_apikey_revoke(tu_store *s, const tu_principal *who, int64_t id, const char *request_id, tu_err *err) {
    tu_apikey keys[200];
    int n = 0, rc = tu_apikey_list(s, who->user_id, keys, 200, &n, err);
    if (rc) return rc;
    for (int i = 0; i < n; i++)
        if (keys[i].id == id) return revoke(s, who, id, "apikey.revoke", request_id, err);
    return tu_err_set(err, TU_ENOTFOUND, "no such API key");
}
