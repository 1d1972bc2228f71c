/* h_accounts.c — login and logout, the caller's account and API keys, and user administration. Roles and scopes
 * were checked by the route table before any of these run; handlers only validate their input and call app/. */
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "core/alloc.h"
#include "http/http_int.h"
#include "http/throttle.h"

static json_t *user_json(const tu_user *u) {
    return json_pack("{s:I,s:s,s:s,s:s,s:b,s:s,s:s}", "id", (json_int_t)u->id, "username", u->username, "role",
                     tu_role_name(u->role), "scope", u->scope, "disabled", u->disabled, "created_at", u->created_at,
                     "updated_at", u->updated_at);
}

/* The caller as login and the session probe show it. */
static json_t *principal_json(const tu_principal *w) {
    return json_pack("{s:I,s:s,s:s,s:s}", "id", (json_int_t)w->user_id, "username", w->username, "role",
                     tu_role_name(w->role), "scope", w->scope);
}

static long now_s(void) {
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (long)ts.tv_sec;
}

/* 429 with Retry-After when the account or the address has failed too often. */
static int throttled(tu_req *r, const char *ukey, const char *akey, tu_err *err) {
    long now = now_s();
    int w1 = tu_throttle_wait(tu__server_throttle(r->srv, 0), ukey, now);
    int w2 = tu_throttle_wait(tu__server_throttle(r->srv, 1), akey, now);
    r->retry_after = w1 > w2 ? w1 : w2;
    return r->retry_after ? tu_err_set(err, TU_ERATE, "too many failed logins; try again in %d s", r->retry_after)
                          : TU_OK;
}

int tu_h_session_create(tu_req *r, tu_err *err) {
    const char *user, *pw;
    int rc = tu_req_body_str(r, "username", TU_USERNAME_MAX, &user, err);
    if (!rc) rc = tu_req_body_str(r, "password", TU_PASSWORD_MAX, &pw, err);
    if (rc) return rc;
    char ukey[96], akey[80];
    snprintf(ukey, sizeof ukey, "user:%s", user);
    snprintf(akey, sizeof akey, "addr:%s", r->ip);
    if ((rc = throttled(r, ukey, akey, err)) != TU_OK) return rc;
    char token[TU_TOKEN_STRLEN];
    rc = tu_login(r->store, user, pw, r->cfg->session_hours, r->rid, &r->who, token, err);
    if (rc == TU_EAUTH) {
        tu_throttle_fail(tu__server_throttle(r->srv, 0), ukey, now_s());
        tu_throttle_fail(tu__server_throttle(r->srv, 1), akey, now_s());
    }
    if (rc) return rc;
    tu_throttle_reset(tu__server_throttle(r->srv, 0), ukey);
    r->authed = 1;
    int max_age = r->cfg->session_hours * 3600;
    tu_reply_set_cookie(r, token, max_age);
    json_t *body = json_pack("{s:s,s:s,s:i,s:o}", "token", token, "token_type", "Bearer", "expires_in", max_age,
                             "user", principal_json(&r->who));
    return tu_reply_json(r, 201, body);
}

int tu_h_session_delete(tu_req *r, tu_err *err) {
    int rc = tu_logout(r->store, &r->who, r->rid, err);
    if (rc) return rc;
    tu_reply_set_cookie(r, NULL, 0);
    return tu_reply_raw(r, 204, NULL, "", 0);
}

int tu_h_me(tu_req *r, tu_err *err) {
    (void)err;
    return tu_reply_json(r, 200,
                         json_pack("{s:I,s:s,s:s,s:s,s:b}", "id", (json_int_t)r->who.user_id, "username",
                                   r->who.username, "role", tu_role_name(r->who.role), "scope", r->who.scope,
                                   "via_api_key", r->who.via_key));
}

static int needs_session(tu_req *r, tu_err *err) {
    return r->who.via_key ? tu_err_set(err, TU_EFORBIDDEN, "log in with a password for this (API keys may not)")
                          : TU_OK;
}

int tu_h_me_password(tu_req *r, tu_err *err) {
    const char *old_pw, *new_pw;
    int rc = needs_session(r, err);
    if (!rc) rc = tu_req_body_str(r, "old_password", TU_PASSWORD_MAX, &old_pw, err);
    if (!rc) rc = tu_req_body_str(r, "new_password", TU_PASSWORD_MAX, &new_pw, err);
    if (!rc) rc = tu_password_change(r->store, &r->who, old_pw, new_pw, r->rid, err);
    return rc ? rc : tu_reply_raw(r, 204, NULL, "", 0);
}

int tu_h_keys_list(tu_req *r, tu_err *err) {
    enum { CAP = 100 };
    tu_apikey *keys = tu_xcalloc(CAP, sizeof *keys);
    int n = 0, rc = tu_apikey_list(r->store, r->who.user_id, keys, CAP, &n, err);
    json_t *items = json_array();
    for (int i = 0; !rc && i < n; i++)
        json_array_append_new(items, json_pack("{s:I,s:s,s:s,s:s}", "id", (json_int_t)keys[i].id, "name",
                                               keys[i].name, "created_at", keys[i].created_at, "expires_at",
                                               keys[i].expires_at));
    tu_free(keys);
    if (rc) {
        json_decref(items);
        return rc;
    }
    return tu_reply_json(r, 200, json_pack("{s:o}", "items", items));
}

int tu_h_keys_create(tu_req *r, tu_err *err) {
    const char *name;
    int rc = needs_session(r, err);
    if (!rc) rc = tu_req_body_str(r, "name", 64, &name, err);
    if (rc) return rc;
    json_t *d = json_object_get(r->json, "days");
    if (d && !json_is_integer(d)) return tu_err_set(err, TU_EVALIDATION, "'days' must be an integer");
    json_int_t days = d ? json_integer_value(d) : 90;
    if (days < 1 || days > 730) return tu_err_set(err, TU_EVALIDATION, "'days' must be 1..730");
    char token[TU_TOKEN_STRLEN];
    int64_t id = 0;
    rc = tu_apikey_create(r->store, &r->who, name, (int)days, r->rid, &id, token, err);
    if (rc) return rc;
    return tu_reply_json(r, 201, json_pack("{s:I,s:s,s:s,s:I}", "id", (json_int_t)id, "name", name, "token", token,
                                           "days", days));
}

int tu_h_keys_delete(tu_req *r, tu_err *err) {
    int64_t id;
    int rc = tu_req_param_id(r, "id", &id, err);
    if (!rc) rc = tu_apikey_revoke(r->store, &r->who, id, r->rid, err);
    return rc ? rc : tu_reply_raw(r, 204, NULL, "", 0);
}

int tu_h_users_list(tu_req *r, tu_err *err) {
    static const char *const sorts[] = {"id", "username", NULL};
    tu_page p;
    int rc = tu_req_page(r, sorts, &p, err);
    if (rc) return rc;
    tu_user *users = tu_xcalloc((size_t)p.limit, sizeof *users);
    int n = 0, more = 0;
    rc = tu_user_list(r->store, p.sort, p.reverse, p.after, users, p.limit, &n, &more, err);
    json_t *items = json_array();
    for (int i = 0; !rc && i < n; i++) json_array_append_new(items, user_json(&users[i]));
    char key[80];
    if (!rc && more && n > 0) {
        if (strcmp(p.sort, "username") == 0) snprintf(key, sizeof key, "%s", users[n - 1].username);
        else snprintf(key, sizeof key, "%lld", (long long)users[n - 1].id);
    }
    tu_free(users);
    if (rc) {
        json_decref(items);
        return rc;
    }
    return tu_reply_page(r, items, more && n > 0 ? key : NULL);
}

/* Optional string member: absent -> *out = dflt; present but not a string -> TU_EVALIDATION. */
static int opt_str(tu_req *r, const char *key, const char *dflt, const char **out, tu_err *err) {
    json_t *v = json_object_get(r->json, key);
    if (!v) {
        *out = dflt;
        return TU_OK;
    }
    if (!json_is_string(v) || strlen(json_string_value(v)) != json_string_length(v))
        return tu_err_set(err, TU_EVALIDATION, "'%s' must be a string", key);
    *out = json_string_value(v);
    return TU_OK;
}

static int role_member(tu_req *r, int dflt, int *role, tu_err *err) {
    const char *name;
    int rc = opt_str(r, "role", dflt >= 0 ? tu_role_name(dflt) : NULL, &name, err);
    if (rc) return rc;
    if (!name || (*role = tu_role_parse(name)) < 0) return tu_err_set(err, TU_EVALIDATION, "'role' must be one of "
                                                                   "enterprise, city_official, provincial_official, "
                                                                   "bank_officer, auditor, admin");
    return TU_OK;
}

int tu_h_users_create(tu_req *r, tu_err *err) {
    const char *username, *password, *scope;
    int role;
    int rc = tu_req_body_str(r, "username", 256, &username, err);
    if (!rc) rc = tu_req_body_str(r, "password", TU_PASSWORD_MAX + 1, &password, err);
    if (!rc) rc = role_member(r, -1, &role, err);
    if (!rc) rc = opt_str(r, "scope", "", &scope, err);
    tu_actor a = tu_req_actor(r);
    int64_t id = 0;
    if (!rc) rc = tu_user_create(r->store, &a, username, role, scope, password, &id, err);
    tu_user u;
    if (!rc) rc = tu_user_get(r->store, id, &u, err);
    return rc ? rc : tu_reply_json(r, 201, user_json(&u));
}

int tu_h_users_get(tu_req *r, tu_err *err) {
    int64_t id;
    tu_user u;
    int rc = tu_req_param_id(r, "id", &id, err);
    if (!rc) rc = tu_user_get(r->store, id, &u, err);
    return rc ? rc : tu_reply_json(r, 200, user_json(&u));
}

int tu_h_users_update(tu_req *r, tu_err *err) {
    int64_t id;
    tu_user u;
    int rc = tu_req_param_id(r, "id", &id, err);
    if (!rc) rc = tu_user_get(r->store, id, &u, err);
    if (rc) return rc;
    tu_actor a = tu_req_actor(r);
    json_t *dis = json_object_get(r->json, "disabled");
    if (dis && !json_is_boolean(dis)) return tu_err_set(err, TU_EVALIDATION, "'disabled' must be true or false");
    if (json_object_get(r->json, "role") || json_object_get(r->json, "scope")) {
        int role;
        const char *scope;
        rc = role_member(r, u.role, &role, err);
        if (!rc) rc = opt_str(r, "scope", role == u.role ? u.scope : "", &scope, err);
        if (!rc) rc = tu_user_update(r->store, &a, id, role, scope, err);
    }
    if (!rc && dis && json_is_true(dis) != u.disabled) {
        if (id == r->who.user_id) return tu_err_set(err, TU_ESTATE, "you cannot disable yourself");
        rc = tu_user_set_disabled(r->store, &a, id, json_is_true(dis), err);
    }
    if (!rc) rc = tu_user_get(r->store, id, &u, err);
    return rc ? rc : tu_reply_json(r, 200, user_json(&u));
}

int tu_h_users_password(tu_req *r, tu_err *err) {
    int64_t id;
    const char *pw;
    int rc = tu_req_param_id(r, "id", &id, err);
    if (!rc) rc = tu_req_body_str(r, "password", TU_PASSWORD_MAX + 1, &pw, err);
    tu_actor a = tu_req_actor(r);
    if (!rc) rc = tu_user_reset_password(r->store, &a, id, pw, err);
    return rc ? rc : tu_reply_raw(r, 204, NULL, "", 0);
}

/* The portal's probe: who is logged in, without a 401 for anonymous visitors (a bad or expired credential is
 * the same as none). */
int tu_h_session_get(tu_req *r, tu_err *err) {
    (void)err;
    tu_err ignored = {0};
    if (tu__authenticate(r, &ignored) != TU_OK) {
        memset(&r->who, 0, sizeof r->who);
        r->authed = 0;
        return tu_reply_json(r, 200, json_pack("{s:b}", "authenticated", 0));
    }
    return tu_reply_json(r, 200, json_pack("{s:b,s:o}", "authenticated", 1, "user", principal_json(&r->who)));
}
