/* routes.c — THE route table of the API and its dispatcher: the single place where authentication, roles and
 * scopes are enforced for every route. A handler only runs after its row's checks have passed.
 *
 * To add a route: one row here (method, pattern, roles, scope, body, handler, summary), the path in
 * docs/openapi.yaml, and a row in the role matrix of tests/http/test_routes.c (both checked by tests).
 *
 * Enterprise data: enterprise users reach only their own enterprise, city officials those of their city; a
 * resource outside the caller's reach is refused with 403 whether or not it exists (no existence leak), while
 * province-wide roles get 404 for an unknown USCC. Bank officers and admins do not read enterprise data.
 */
#include <string.h>

#include "app/enterprises.h"
#include "core/log.h"
#include "http/body.h"
#include "http/http_int.h"
#include "http/pool.h"

#define ANY TU_ROLES_ALL
#define R(x) TU_ROLE_BIT(TU_ROLE_##x)
#define BODY TU_RF_BODY
#define SLOW TU_RF_SLOW
#define STORE TU_RF_STORE
#define ENT_READERS (R(ENTERPRISE) | R(CITY_OFFICIAL) | R(PROVINCIAL_OFFICIAL) | R(AUDITOR))
#define OFFICIALS (R(CITY_OFFICIAL) | R(PROVINCIAL_OFFICIAL))
#define ENT TU_SCOPE_ENTERPRISE

/* clang-format off */
const tu_route tu__routes[] = {
    /* method      pattern                          roles              scope          flags handler              summary */
    {TU_M_GET,    "/healthz",                      TU_PUBLIC,         TU_SCOPE_NONE, 0, tu_h_healthz,         "liveness and database health"},
    {TU_M_GET,    "/metrics",                      TU_PUBLIC,         TU_SCOPE_NONE, 0, tu_h_metrics,         "Prometheus metrics"},
    {TU_M_GET,    "/api/v1/session",               TU_PUBLIC,         TU_SCOPE_NONE, 0, tu_h_session_get,     "who is logged in (never 401)"},
    {TU_M_POST,   "/api/v1/session",               TU_PUBLIC,         TU_SCOPE_NONE, BODY | SLOW, tu_h_session_create,  "log in (password) and open a session"},
    {TU_M_DELETE, "/api/v1/session",               ANY,               TU_SCOPE_NONE, 0, tu_h_session_delete,  "log out"},
    {TU_M_GET,    "/api/v1/me",                    ANY,               TU_SCOPE_NONE, 0, tu_h_me,              "the caller's account"},
    {TU_M_PUT,    "/api/v1/me/password",           ANY,               TU_SCOPE_NONE, BODY | SLOW, tu_h_me_password,     "change the caller's password"},
    {TU_M_GET,    "/api/v1/me/keys",               ANY,               TU_SCOPE_NONE, 0, tu_h_keys_list,       "the caller's API keys"},
    {TU_M_POST,   "/api/v1/me/keys",               ANY,               TU_SCOPE_NONE, BODY, tu_h_keys_create,     "create an API key (secret shown once)"},
    {TU_M_DELETE, "/api/v1/me/keys/{id}",          ANY,               TU_SCOPE_NONE, 0, tu_h_keys_delete,     "revoke an API key"},
    {TU_M_GET,    "/api/v1/users",                 R(ADMIN) | R(AUDITOR), TU_SCOPE_NONE, 0, tu_h_users_list,  "list users (paged)"},
    {TU_M_POST,   "/api/v1/users",                 R(ADMIN),          TU_SCOPE_NONE, BODY | SLOW, tu_h_users_create,    "create a user"},
    {TU_M_GET,    "/api/v1/users/{id}",            R(ADMIN) | R(AUDITOR), TU_SCOPE_NONE, 0, tu_h_users_get,   "one user"},
    {TU_M_PATCH,  "/api/v1/users/{id}",            R(ADMIN),          TU_SCOPE_NONE, BODY, tu_h_users_update,    "change role, scope or disabled"},
    {TU_M_PUT,    "/api/v1/users/{id}/password",   R(ADMIN),          TU_SCOPE_NONE, BODY | SLOW, tu_h_users_password,  "reset a user's password"},
    {TU_M_GET,    "/api/v1/audit",                 R(ADMIN) | R(AUDITOR), TU_SCOPE_NONE, 0, tu_h_audit_list,  "the audit trail (paged)"},
    {TU_M_GET,    "/api/v1/audit/verify",          R(ADMIN) | R(AUDITOR), TU_SCOPE_NONE, 0, tu_h_audit_verify, "check the audit hash chain"},
    {TU_M_GET,    "/api/v1/catalog",               TU_PUBLIC,         TU_SCOPE_NONE, 0, tu_h_catalog,         "the attribute and tag catalog"},
    {TU_M_GET,    "/api/v1/enterprises",           ENT_READERS,       TU_SCOPE_NONE, 0, tu_h_ent_list,        "search enterprises (paged)"},
    {TU_M_GET,    "/api/v1/enterprises/{uscc}",    ENT_READERS,       ENT,           0, tu_h_ent_get,         "one enterprise, each value with its source"},
    {TU_M_PATCH,  "/api/v1/enterprises/{uscc}",    OFFICIALS,         ENT,           BODY, tu_h_ent_patch,       "correct values of an enterprise"},
    {TU_M_GET,    "/api/v1/enterprises/{uscc}/policies", ENT_READERS, ENT,         0, tu_h_ent_policies,    "eligible, near-miss and unknown policies of an enterprise"},
    {TU_M_POST,   "/api/v1/rules/match",           OFFICIALS,         TU_SCOPE_NONE, BODY, tu_h_rules_match,     "count and breakdown of the enterprises a rule finds"},
    {TU_M_POST,   "/api/v1/rules/validate",        ANY,               TU_SCOPE_NONE, BODY, tu_h_rules_validate,  "static checks of a rule"},
    {TU_M_POST,   "/api/v1/rules/explain",         ENT_READERS,       TU_SCOPE_BODY_USCC, BODY, tu_h_rules_explain, "why an enterprise meets a rule or not"},
    {TU_M_GET,    "/api/v1/enterprises/{uscc}/inbox", ENT_READERS,    ENT,           0, tu_h_inbox_list,      "an enterprise's inbox with policy titles and unread count"},
    {TU_M_PATCH,  "/api/v1/enterprises/{uscc}/inbox/{item}", R(ENTERPRISE), ENT,     BODY, tu_h_inbox_patch,     "mark an inbox item read, unread, dismissed or not relevant"},
    {TU_M_POST,   "/api/v1/enterprises/{uscc}/disputes", R(ENTERPRISE), ENT,         BODY, tu_h_disputes_create, "dispute a value of the caller's enterprise"},
    {TU_M_GET,    "/api/v1/enterprises/{uscc}/disputes", ENT_READERS, ENT,           0, tu_h_disputes_of,     "the data disputes of an enterprise (paged)"},
    {TU_M_GET,    "/api/v1/disputes",              OFFICIALS,         TU_SCOPE_NONE, 0, tu_h_disputes_list,   "data disputes in the caller's reach (paged)"},
    {TU_M_POST,   "/api/v1/disputes/{id}/resolve", OFFICIALS,         TU_SCOPE_NONE, BODY, tu_h_disputes_resolve, "accept (write the value) or reject a data dispute"},
    {TU_M_GET,    "/api/v1/enterprises/{uscc}/preferences", ENT_READERS, ENT,        0, tu_h_prefs_get,       "notification preferences of an enterprise"},
    {TU_M_PUT,    "/api/v1/enterprises/{uscc}/preferences", R(ENTERPRISE), ENT,      BODY, tu_h_prefs_put,       "change the notification preferences of the caller's enterprise"},
    {TU_M_GET,    "/api/v1/me/subscriptions",      ANY,               TU_SCOPE_NONE, 0, tu_h_subs_list,       "the caller's policy-library subscriptions"},
    {TU_M_POST,   "/api/v1/me/subscriptions",      ANY,               TU_SCOPE_NONE, BODY, tu_h_subs_create,     "subscribe to new policies matching a query"},
    {TU_M_DELETE, "/api/v1/me/subscriptions/{id}", ANY,               TU_SCOPE_NONE, 0, tu_h_subs_delete,     "remove one of the caller's subscriptions"},
    {TU_M_GET,    "/api/v1/policies/{id}/funnel",  OFFICIALS,         TU_SCOPE_NONE, 0, tu_h_funnel,          "campaign funnel of a policy: matched, delivered, read, applied"},
    {TU_M_GET,    "/api/v1/grants",                OFFICIALS,         TU_SCOPE_NONE, 0, tu_h_grants_list,     "grant lists (免申即享) of a policy"},
    {TU_M_POST,   "/api/v1/grants",                OFFICIALS,         TU_SCOPE_NONE, BODY, tu_h_grants_create,   "generate a grant list for a no-application policy"},
    {TU_M_GET,    "/api/v1/grants/{id}",           OFFICIALS,         TU_SCOPE_NONE, 0, tu_h_grants_get,      "one grant list with its items (paged)"},
    {TU_M_POST,   "/api/v1/grants/{id}/approve",   OFFICIALS,         TU_SCOPE_NONE, 0, tu_h_grants_approve,  "approve a generated grant list"},
    {TU_M_GET,    "/api/v1/grants/{id}/export",    OFFICIALS,         TU_SCOPE_NONE, 0, tu_h_grants_export,   "download a grant list as CSV or XLSX"},
    {TU_M_GET,    "/api/v1/policies",              TU_PUBLIC,         TU_SCOPE_NONE, STORE, tu_h_policies_list,  "search the policy library (paged)"},
    {TU_M_GET,    "/api/v1/policies/{id}",         TU_PUBLIC,         TU_SCOPE_NONE, STORE, tu_h_policy_get,     "one policy with its rule as text and sentences"},
    {TU_M_POST,   "/api/v1/policies",              OFFICIALS,         TU_SCOPE_NONE, BODY, tu_h_policy_create,   "add a policy (a draft)"},
    {TU_M_PUT,    "/api/v1/policies/{id}",         OFFICIALS,         TU_SCOPE_NONE, BODY, tu_h_policy_put,      "edit a draft or stage a revision"},
    {TU_M_POST,   "/api/v1/policies/{id}/preview", OFFICIALS,         TU_SCOPE_NONE, SLOW, tu_h_policy_preview,     "impact preview (draft -> preview)"},
    {TU_M_POST,   "/api/v1/policies/{id}/publish", OFFICIALS,         TU_SCOPE_NONE, SLOW, tu_h_policy_publish,     "publish to the enterprises that qualify"},
    {TU_M_POST,   "/api/v1/policies/{id}/withdraw", OFFICIALS,        TU_SCOPE_NONE, 0, tu_h_policy_withdraw,    "withdraw a policy"},
    {TU_M_GET,    "/api/v1/policies/{id}/versions", OFFICIALS,        TU_SCOPE_NONE, 0, tu_h_policy_versions,    "the versions of a policy"},
};
/* clang-format on */
const int tu__route_count = (int)(sizeof tu__routes / sizeof tu__routes[0]);

static const char *method_name(int m) {
    switch (m) {
    case TU_M_GET: return "GET";
    case TU_M_HEAD: return "HEAD";
    case TU_M_POST: return "POST";
    case TU_M_PUT: return "PUT";
    case TU_M_PATCH: return "PATCH";
    default: return "DELETE";
    }
}

/* Finds the route for r; on a path match with the wrong method fills r->allow and returns -2; -1 = no path. */
static int find_route(tu_req *r) {
    int method = r->method == TU_M_HEAD ? TU_M_GET : r->method, path_hit = 0;
    size_t o = 0;
    for (int i = 0; i < tu__route_count; i++) {
        tu_params p;
        if (!tu_route_match(tu__routes[i].pattern, r->path, &p)) continue;
        if (tu__routes[i].method == method) {
            r->params = p;
            return i;
        }
        path_hit = 1;
        const char *m = method_name(tu__routes[i].method);
        if (o + strlen(m) + 3 < sizeof r->allow) o += (size_t)snprintf(r->allow + o, sizeof r->allow - o, "%s%s", o ? ", " : "", m);
    }
    return path_hit ? -2 : -1;
}

/* The bearer token or, for browsers, the session cookie. Sets *by_cookie. */
static const char *credential(tu_req *r, int *by_cookie) {
    const char *h = tu_req_header(r, MHD_HTTP_HEADER_AUTHORIZATION);
    *by_cookie = 0;
    if (h && strncasecmp(h, "Bearer ", 7) == 0) return h + 7;
    const char *c = MHD_lookup_connection_value(r->conn, MHD_COOKIE_KIND, "tu_session");
    if (c && *c) *by_cookie = 1;
    return c && *c ? c : NULL;
}

/* A cookie-authenticated write from another origin is refused (SameSite=Strict already stops most). */
static int cross_origin_write(tu_req *r) {
    if (r->method == TU_M_GET || r->method == TU_M_HEAD) return 0;
    const char *origin = tu_req_header(r, "Origin"), *host = tu_req_header(r, MHD_HTTP_HEADER_HOST);
    if (!origin || !host) return 0;
    const char *o = strstr(origin, "://");
    return !o || strcmp(o + 3, host) != 0;
}

int tu__authenticate(tu_req *r, tu_err *err) {
    int by_cookie;
    const char *tok = credential(r, &by_cookie);
    if (!tok) return tu_err_set(err, TU_EAUTH, "log in first (session cookie or Authorization: Bearer)");
    int rc = tu_authenticate(r->store, tok, &r->who, err);
    if (rc) return rc;
    if (by_cookie && cross_origin_write(r)) return tu_err_set(err, TU_EFORBIDDEN, "cross-origin request refused");
    r->authed = 1;
    return TU_OK;
}

/* Whether a scoped role reaches enterprise `uscc`: its own (enterprise user) or one of its city (city official,
 * which needs the registry). Anything not provably in reach, unknown USCCs included, is refused. */
static int enterprise_in_reach(tu_req *r, const char *uscc, tu_err *err) {
    if (r->who.role == TU_ROLE_ENTERPRISE) return strcmp(uscc, r->who.scope) == 0;
    if (r->who.role != TU_ROLE_CITY_OFFICIAL) return 0;
    tu_ent e;
    tu_err lookup = {0};
    int rc = tu_store_ent_get_by_uscc(r->store, uscc, NULL, &e, NULL, &lookup);
    if (rc && rc != TU_ENOTFOUND) return tu_err_set(err, rc, "%s", lookup.msg), -1;
    return rc == TU_OK && tu_app_ent_in_reach(&r->who, &e);
}

/* The resource value a route's scope looks at: a path parameter or the body's "uscc". */
static int scope_value(tu_req *r, const tu_route *rt, char *val, size_t n, tu_err *err) {
    static const char *const param[] = {NULL, "uscc", "city", "bank", "uscc"};
    if (rt->scope != TU_SCOPE_BODY_USCC) {
        if (tu_params_get(&r->params, param[rt->scope], val, n) < 0)
            return tu_err_set(err, TU_ENOTFOUND, "no such %s", param[rt->scope]);
        return TU_OK;
    }
    const char *u;
    int rc = tu_req_body_str(r, "uscc", n - 1, &u, err);
    if (!rc) snprintf(val, n, "%s", u);
    return rc;
}

/* Scope of the caller over the resource named by the route. Roles with province-wide reach (provincial
 * official, auditor, admin) pass; scoped roles must own the resource. THE one place scopes are checked. */
static int check_scope(tu_req *r, const tu_route *rt, tu_err *err) {
    if (rt->scope == TU_SCOPE_NONE) return TU_OK;
    char val[64];
    int rc = scope_value(r, rt, val, sizeof val, err);
    if (rc) return rc;
    int role = r->who.role;
    if (role == TU_ROLE_PROVINCIAL_OFFICIAL || role == TU_ROLE_AUDITOR || role == TU_ROLE_ADMIN) return TU_OK;
    int own = 0;
    if (rt->scope == TU_SCOPE_ENTERPRISE || rt->scope == TU_SCOPE_BODY_USCC) {
        if ((own = enterprise_in_reach(r, val, err)) < 0) return err->code;
    } else if (rt->scope == TU_SCOPE_CITY && role == TU_ROLE_CITY_OFFICIAL) {
        own = strcmp(val, r->who.scope) == 0;
    } else if (rt->scope == TU_SCOPE_BANK && role == TU_ROLE_BANK_OFFICER) {
        own = strcmp(val, r->who.scope) == 0;
    }
    return own ? TU_OK : tu_err_set(err, TU_EFORBIDDEN, "outside your scope");
}

static int read_body(tu_req *r, tu_err *err) {
    const char *ct = tu_req_header(r, MHD_HTTP_HEADER_CONTENT_TYPE);
    if (!ct || strncasecmp(ct, "application/json", 16) != 0)
        return tu_err_set(err, TU_EUNSUPPORTED, "send the body as Content-Type: application/json");
    return tu_http_parse_body(r->body ? r->body : "", r->body_len, r->cfg->max_json_depth, &r->json, err);
}

/* Hands the request to the blocking pool and suspends its connection; a full pool answers 503. */
static int defer(tu_req *r, tu_err *err) {
    struct tu_pool *p = tu__server_pool(r->srv);
    if (!p || !tu__pool_reserve(p)) return tu_err_set(err, TU_EBUSY, "too many slow requests at once; try again");
    r->deferred = 1;
    MHD_suspend_connection(r->conn);
    tu__pool_push(p, r);
    return TU_OK;
}

void tu__run_deferred(tu_req *r) {
    tu_err err = {0};
    int rc;
    r->store = tu__server_store(r->srv, &err); /* the pool thread's own connection */
    rc = r->store ? tu__routes[r->route_idx].fn(r, &err) : (err.code ? err.code : TU_ESTORE);
    if (rc != TU_OK && !r->replied) tu_reply_failure(r, rc, &err);
    if (!r->replied) tu_reply_error(r, TU_EIO, NULL);
    MHD_resume_connection(r->conn);
}

/* Runs the checks of route i in order: login, role, scope, body; then the handler. */
static int run_route(tu_req *r, int i, tu_err *err) {
    const tu_route *rt = &tu__routes[i];
    if (rt->roles != TU_PUBLIC || (rt->flags & TU_RF_STORE) || rt->fn == tu_h_healthz ||
        rt->fn == tu_h_session_create || rt->fn == tu_h_session_get) {
        r->store = tu__server_store(r->srv, err);
        if (!r->store && rt->fn != tu_h_healthz) return err->code ? err->code : TU_ESTORE; /* healthz says 503 */
    }
    if (rt->roles != TU_PUBLIC) {
        int rc = tu__authenticate(r, err);
        if (rc) return rc;
        if (!(rt->roles & TU_ROLE_BIT(r->who.role)))
            return tu_err_set(err, TU_EFORBIDDEN, "your role (%s) may not do this", tu_role_name(r->who.role));
        if (rt->scope == TU_SCOPE_BODY_USCC && (rc = read_body(r, err)) != TU_OK) return rc;
        if ((rc = check_scope(r, rt, err)) != TU_OK) return rc;
    }
    if ((rt->flags & TU_RF_BODY) && !r->json) {
        int rc = read_body(r, err);
        if (rc) return rc;
    } else if (!(rt->flags & TU_RF_BODY) && r->body_len > 0) {
        return tu_err_set(err, TU_EINVAL, "this route takes no body");
    }
    if (rt->flags & TU_RF_SLOW) return defer(r, err);
    return rt->fn(r, err);
}

int tu__finish(tu_req *r, int code, const char *msg) {
    if (!r->replied) tu_reply_error(r, code, msg);
    return r->replied && !r->queue_failed ? 0 : -1;
}

int tu__dispatch(tu_req *r) {
    tu_err err = {0};
    if (!r->method) return tu__finish(r, TU_EMETHOD, "unsupported method");
    int i = find_route(r);
    if (i == -2) return tu__finish(r, TU_EMETHOD, NULL);
    if (i == -1) {
        if (strncmp(r->path, "/api/", 5) == 0 || strcmp(r->path, "/api") == 0)
            return tu__finish(r, TU_ENOTFOUND, "no such route");
        return tu__finish(r, tu__static_serve(r), NULL);
    }
    r->route_idx = i;
    int rc = run_route(r, i, &err);
    if (rc != TU_OK && !r->replied) tu_reply_failure(r, rc, &err);
    if (r->deferred && rc == TU_OK) return 0; /* the pool replies */
    return tu__finish(r, TU_EIO, NULL);
}
