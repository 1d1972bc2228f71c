/* http_int.h — shared by the files of src/http/ only: the request object, the route table's row type, the
 * reply helpers and the handler functions. */
#ifndef TU_HTTP_INT_H
#define TU_HTTP_INT_H

#include <jansson.h>
#include <microhttpd.h>
#include <stdint.h>
#include <time.h>

#include "app/accounts.h"
#include "core/enterprise.h"
#include "core/error.h"
#include "http/router.h"
#include "http/server.h"
#include "store/store.h"

enum { TU_M_GET = 1, TU_M_HEAD = 2, TU_M_POST = 4, TU_M_PUT = 8, TU_M_PATCH = 16, TU_M_DELETE = 32 };

/* Which resource a route's scope check looks at (enforced in routes.c, nowhere else). */
typedef enum {
    TU_SCOPE_NONE = 0,   /* the role check is enough */
    TU_SCOPE_ENTERPRISE, /* path param "uscc": enterprise = own, city official = own city, others by role */
    TU_SCOPE_CITY,       /* path param "city": city official = own city */
    TU_SCOPE_BANK,       /* path param "bank": bank officer = own bank */
    TU_SCOPE_BODY_USCC,  /* as TU_SCOPE_ENTERPRISE for the "uscc" member of the JSON body (read first) */
    TU_SCOPE_PROJECT     /* path param "id", a project: enterprise = own, city official = own city, bank officer =
                            projects that chose its bank (app/caller.h tu_caller_sees) */
} tu_scope_kind;

typedef struct tu_req tu_req;

/* A handler replies through tu_reply_* and returns TU_OK, or returns an error code (with err->msg for 4xx) and
 * the dispatcher writes the error response. */
typedef int (*tu_handler)(tu_req *r, tu_err *err);

#define TU_PUBLIC 0u /* roles value of a route open to everyone */

enum {
    TU_RF_BODY = 1, /* a JSON object body is required */
    TU_RF_SLOW = 2, /* the handler is slow (password hashing, a publish): run it on the blocking pool (pool.h) */
    TU_RF_STORE = 4 /* a public route that reads the database (the handler may call tu__authenticate) */
};

typedef struct tu_route {
    int method;          /* one TU_M_* */
    const char *pattern; /* "/api/v1/users/{id}" */
    unsigned roles;      /* TU_ROLE_BIT()s allowed; TU_PUBLIC = no login needed */
    tu_scope_kind scope;
    unsigned flags;      /* TU_RF_* */
    tu_handler fn;
    const char *summary; /* one line, also checked against docs/openapi.yaml */
} tu_route;

extern const tu_route tu__routes[];
extern const int tu__route_count;

struct tu_req {
    struct MHD_Connection *conn;
    tu_server *srv;
    const tu_http_config *cfg;
    int method;
    const char *method_name;
    const char *path;
    int route_idx; /* index in tu__routes, or -1 */
    tu_params params;
    char *body;
    size_t body_len, body_cap;
    int too_big, replied, queue_failed, secure;
    int deferred;                  /* running on the blocking pool: replies are kept in `pending` */
    struct MHD_Response *pending;  /* the response to queue when the connection resumes */
    json_t *json; /* parsed body (routes with body = 1) */
    tu_store *store;
    tu_principal who;
    int authed;
    char rid[40];
    char ip[64];
    char cookie[192]; /* Set-Cookie value to send, "" = none */
    char allow[64];   /* Allow header of a 405 reply */
    int retry_after;  /* Retry-After seconds of a 429 reply */
    int status;
    struct timespec t0;
};

/* The worker's own database connection (opened on first use). NULL with err set on failure. */
tu_store *tu__server_store(tu_server *s, tu_err *err);
/* The blocking pool of the server (pool.h). */
struct tu_pool *tu__server_pool(tu_server *s);
/* The login throttles of the server: per account (by_addr = 0) or per client address. */
struct tu_throttle *tu__server_throttle(tu_server *s, int by_addr);
double tu__server_uptime(const tu_server *s);
/* The match service (index of every enterprise, active policies), never NULL once the server runs. */
struct tu_match_svc *tu__server_match(tu_server *s);
/* The projects' green channel (app/workflow.h) read at start; never NULL (no rule = no green channel). */
const struct tu_green_config *tu__server_green(tu_server *s);
/* The campaign cache of the server (push/inbox.h), first brought up to date from st (new campaigns only: cheap
 * when there are none; st NULL = no refresh). NULL with err set when the refresh failed. */
struct tu_inbox *tu__server_inbox(tu_server *s, tu_store *st, tu_err *err);

/* Replies: each queues exactly one response with the security headers and X-Request-Id and returns TU_OK (a
 * refused queue is noted in r->queue_failed), or TU_ENOMEM when no response could be built. */
int tu_reply_json(tu_req *r, int status, json_t *body);   /* steals body */
/* Replies with JSON text already written (tu_malloc'd; taken over, also on failure; NULL = out of memory). */
int tu_reply_json_text(tu_req *r, int status, char *text, size_t len);
int tu_reply_error(tu_req *r, int code, const char *msg); /* msg NULL = the table's message */
int tu_reply_raw(tu_req *r, int status, const char *ctype, const char *data, size_t len); /* ctype may be NULL */
/* Adds the common headers to resp and queues it (taking it). */
int tu__reply_queue(tu_req *r, int status, struct MHD_Response *resp);
/* Adds a Set-Cookie for the session token (Secure when the request came over TLS); token NULL clears it. */
void tu_reply_set_cookie(tu_req *r, const char *token, int max_age);
/* Finishes the request after a handler failure: 4xx carry err->msg, 5xx only the generic message (the detail is
 * logged with the request id). */
int tu_reply_failure(tu_req *r, int code, const tu_err *err);

/* Request helpers. */
const char *tu_req_header(tu_req *r, const char *name);
const char *tu_req_query(tu_req *r, const char *name);
/* Reads the integer query parameter `name` into *out (left alone when absent): TU_OK, or TU_EINVAL naming it
 * when it is not an integer in min..max. */
int tu_req_query_int(tu_req *r, const char *name, int64_t min, int64_t max, int64_t *out, tu_err *err);
/* Reads a required string member of the body (1..max bytes) or fails with TU_EVALIDATION naming it. */
int tu_req_body_str(tu_req *r, const char *key, size_t max, const char **out, tu_err *err);
/* The caller as the audit trail names it (user, request id). */
tu_actor tu_req_actor(const tu_req *r);
/* Parses a path parameter as a positive int64 (TU_ENOTFOUND when it is not one). */
int tu_req_param_id(tu_req *r, const char *name, int64_t *out, tu_err *err);
/* Paging query: limit (1..500, default 50), cursor (opaque), sort (one of `sorts`, "-" prefix = descending). */
typedef struct tu_page {
    int limit;
    int reverse;
    const char *sort;
    char after[256]; /* decoded cursor, "" for the first page */
} tu_page;
int tu_req_page(tu_req *r, const char *const *sorts, tu_page *p, tu_err *err);
/* Replies {"items":[...],"next_cursor":...} (steals items); last_key NULL = no further page. */
int tu_reply_page(tu_req *r, json_t *items, const char *last_key);
/* Lists keyed by an increasing id: the id after which the page starts (0 = first page; TU_EINVAL for a cursor of
 * another list), and the reply whose next cursor follows last_id when more rows exist. */
int tu_page_after_id(const tu_page *p, int64_t *after, tu_err *err);
int tu_reply_page_id(tu_req *r, json_t *items, int more, int64_t last_id);
/* Opaque cursor text for a key (base64url); buf of 400 bytes. */
void tu_cursor_encode(const char *key, char *buf, size_t n);

/* The enterprise named by the {uscc} path parameter: its id and record (TU_ENOTFOUND when there is none). */
int tu__req_enterprise(tu_req *r, int64_t *id, tu_ent *e, tu_err *err);

/* Authenticates the request's credential (routes.c): TU_OK with r->who and r->authed set, or TU_EAUTH. Public
 * routes call it to learn who is asking without refusing anyone. */
int tu__authenticate(tu_req *r, tu_err *err);

/* Dispatch: the route table's enforcement point (routes.c). Returns 0, or -1 when the connection must close. */
int tu__dispatch(tu_req *r);
/* Runs a slow route's handler on a pool thread, then resumes the connection (routes.c). */
void tu__run_deferred(tu_req *r);
/* Queues the response a pool thread prepared (called when the connection resumes); returns like tu__dispatch. */
int tu__reply_flush(tu_req *r);
/* Replies with error `code` unless a reply was queued; returns like tu__dispatch. */
int tu__finish(tu_req *r, int code, const char *msg);
/* Static files (static.c): serves GET/HEAD under web_dir, or 404. */
int tu__static_serve(tu_req *r);
int tu__static_open(const char *web_dir);
void tu__static_close(void);

/* Request metrics (metrics.c). */
void tu__metrics_observe(int route_idx, int status, double seconds);
char *tu__metrics_render(size_t *len); /* Prometheus text, free with tu_free */

/* The title {"zh","en"} of a policy's version (0 = latest), looked up once per request through cache (a JSON object
 * owned by the caller); a JSON null when the policy is unknown. Borrowed reference, valid while cache lives. */
json_t *tu__policy_title(tu_store *s, int64_t policy_id, int version, json_t *cache);

/* Handlers. */
int tu_h_healthz(tu_req *r, tu_err *err);
int tu_h_metrics(tu_req *r, tu_err *err);
int tu_h_session_create(tu_req *r, tu_err *err);
int tu_h_session_delete(tu_req *r, tu_err *err);
int tu_h_me(tu_req *r, tu_err *err);
int tu_h_me_password(tu_req *r, tu_err *err);
int tu_h_users_list(tu_req *r, tu_err *err);
int tu_h_users_create(tu_req *r, tu_err *err);
int tu_h_users_get(tu_req *r, tu_err *err);
int tu_h_users_update(tu_req *r, tu_err *err);
int tu_h_users_password(tu_req *r, tu_err *err);
int tu_h_keys_list(tu_req *r, tu_err *err);
int tu_h_keys_create(tu_req *r, tu_err *err);
int tu_h_keys_delete(tu_req *r, tu_err *err);
int tu_h_audit_list(tu_req *r, tu_err *err);
int tu_h_audit_verify(tu_req *r, tu_err *err);
int tu_h_session_get(tu_req *r, tu_err *err);
int tu_h_catalog(tu_req *r, tu_err *err);
int tu_h_ent_list(tu_req *r, tu_err *err);
int tu_h_ent_get(tu_req *r, tu_err *err);
int tu_h_ent_patch(tu_req *r, tu_err *err);
int tu_h_rules_validate(tu_req *r, tu_err *err);
int tu_h_rules_explain(tu_req *r, tu_err *err);
int tu_h_rules_match(tu_req *r, tu_err *err);
int tu_h_ent_policies(tu_req *r, tu_err *err);
/* Upgrade projects (h_projects.c, h_quota.c, h_awards.c). */
int tu_h_proj_create(tu_req *r, tu_err *err);
int tu_h_proj_list(tu_req *r, tu_err *err);
int tu_h_proj_overdue(tu_req *r, tu_err *err);
int tu_h_proj_get(tu_req *r, tu_err *err);
int tu_h_proj_put(tu_req *r, tu_err *err);
int tu_h_proj_events(tu_req *r, tu_err *err);
int tu_h_proj_transition(tu_req *r, tu_err *err);
int tu_h_proj_energy_get(tu_req *r, tu_err *err);
int tu_h_proj_energy_decide(tu_req *r, tu_err *err);
int tu_h_quota_get(tu_req *r, tu_err *err);
int tu_h_quota_allocate(tu_req *r, tu_err *err);
int tu_h_quota_project(tu_req *r, tu_err *err);
int tu_h_quota_advance(tu_req *r, tu_err *err);
int tu_h_quota_advance_decide(tu_req *r, tu_err *err);
int tu_h_quota_settle(tu_req *r, tu_err *err);
int tu_h_award_apply(tu_req *r, tu_err *err);
int tu_h_award_list(tu_req *r, tu_err *err);
int tu_h_award_adjust(tu_req *r, tu_err *err);
int tu_h_award_disburse(tu_req *r, tu_err *err);
int tu_h_loan_list(tu_req *r, tu_err *err);
int tu_h_loan_publish(tu_req *r, tu_err *err);
int tu_h_loan_for_project(tu_req *r, tu_err *err);
int tu_h_loan_choose(tu_req *r, tu_err *err);
int tu_h_loan_subsidy(tu_req *r, tu_err *err);
int tu_h_bank_projects(tu_req *r, tu_err *err);
int tu_h_inbox_list(tu_req *r, tu_err *err);
int tu_h_inbox_patch(tu_req *r, tu_err *err);
int tu_h_prefs_get(tu_req *r, tu_err *err);
int tu_h_prefs_put(tu_req *r, tu_err *err);
int tu_h_subs_list(tu_req *r, tu_err *err);
int tu_h_subs_create(tu_req *r, tu_err *err);
int tu_h_subs_delete(tu_req *r, tu_err *err);
int tu_h_funnel(tu_req *r, tu_err *err);
int tu_h_grants_list(tu_req *r, tu_err *err);
int tu_h_grants_create(tu_req *r, tu_err *err);
int tu_h_grants_get(tu_req *r, tu_err *err);
int tu_h_grants_approve(tu_req *r, tu_err *err);
int tu_h_grants_export(tu_req *r, tu_err *err);
int tu_h_disputes_create(tu_req *r, tu_err *err);
int tu_h_disputes_of(tu_req *r, tu_err *err);
int tu_h_disputes_list(tu_req *r, tu_err *err);
int tu_h_disputes_resolve(tu_req *r, tu_err *err);
int tu_h_policies_list(tu_req *r, tu_err *err);
int tu_h_policy_get(tu_req *r, tu_err *err);
int tu_h_policy_create(tu_req *r, tu_err *err);
int tu_h_policy_put(tu_req *r, tu_err *err);
int tu_h_policy_preview(tu_req *r, tu_err *err);
int tu_h_policy_publish(tu_req *r, tu_err *err);
int tu_h_policy_withdraw(tu_req *r, tu_err *err);
int tu_h_policy_versions(tu_req *r, tu_err *err);
/* Continuous matching: turns the match service's queued policy deltas into inbox items (h_policies.c). Called
 * by the handlers that write enterprises, after the write. */
void tu__push_policy_deltas(tu_req *r);
struct tu_match_delta;
/* Records one policy delta as inbox items (push/change.h; ib may be NULL: no campaign de-duplication), logging a
 * failure. Returns the number of new items (follow.c). */
int tu__deliver_delta(tu_store *st, struct tu_inbox *ib, const struct tu_match_delta *d);

/* The change-feed follower (follow.c): a thread applying other processes' enterprise writes to this node's index
 * and inbox every interval_ms, its progress recorded as the change cursor `name`. NULL when the thread cannot
 * start. Stop it before closing the match service. */
typedef struct tu_follower tu_follower;
tu_follower *tu__follow_start(tu_server *s, const char *db_url, const char *name, int interval_ms, int keep_s);
void tu__follow_stop(tu_follower *f); /* NULL is fine */

#endif
