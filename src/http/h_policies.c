/* h_policies.c — the policy library and the policy lifecycle over HTTP (/work/contract.md, "polapi"): search with
 * full text (FTS5 trigram, so Chinese works without segmentation) and filters, one policy with its rule as text and
 * sentences, add / edit, impact preview, publish with the eligible set from the match engine, withdraw, versions.
 *
 * The route table has checked roles; the rules that depend on the policy are here: drafts and previews exist only
 * for officials (404 to everyone else, as if absent); a city official publishes or withdraws only policies limited
 * to its own city (province-wide ones are the provincial officials'). Workload: a few thousand policies; a search
 * is one indexed query, a publish one match over every enterprise (tens of ms at 7M) and one campaign row.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "app/audit.h"
#include "app/match_service.h"
#include "app/policy.h"
#include "core/alloc.h"
#include "core/codes.h"
#include "core/log.h"
#include "core/num.h"
#include "http/http_int.h"
#include "push/change.h"
#include "rules/explain.h"
#include "rules/rules.h"
#include "rules/text.h"
#include "store/policy.h"

#define PROVINCE_CODE "440000" /* a policy listing it applies in every city */
#define LIST_DEFAULT 20
#define LIST_MAX 200

static int is_official(const tu_req *r) {
    return r->authed && (r->who.role == TU_ROLE_CITY_OFFICIAL || r->who.role == TU_ROLE_PROVINCIAL_OFFICIAL);
}

/* Learns who asks on a public route; anonymous (or a bad credential) is fine. */
static void who_is_asking(tu_req *r) {
    tu_err ignored = {0};
    if (tu__authenticate(r, &ignored) != TU_OK) {
        memset(&r->who, 0, sizeof r->who);
        r->authed = 0;
    }
}

static int draft_status(const char *status) { return strcmp(status, "draft") == 0 || strcmp(status, "preview") == 0; }

/* The {id} path parameter (a number or a policy code) -> id and head; drafts are absent for non-officials. */
static int param_policy(tu_req *r, int64_t *id, tu_policy_head *h, tu_err *err) {
    char v[TU_POLICY_CODE_MAX + 1];
    if (tu_params_get(&r->params, "id", v, sizeof v) <= 0) return tu_err_set(err, TU_ENOTFOUND, "no such policy");
    tu_err e = {0};
    int rc = tu_app_policy_lookup(r->store, v, id, &e);
    if (!rc) rc = tu_store_policy_get(r->store, *id, h, &e);
    if (rc == TU_ENOTFOUND || (!rc && draft_status(h->status) && !is_official(r)))
        return tu_err_set(err, TU_ENOTFOUND, "no such policy");
    return rc ? tu_err_set(err, rc, "%s", e.msg) : TU_OK;
}

/* ---- the library ---- */

static json_t *str_or_null(const json_t *doc, const char *key) {
    json_t *v = json_object_get(doc, key);
    return v ? json_incref(v) : json_null();
}

/* A list item of the contract from a policy's head and displayed version. */
static json_t *item_json(const tu_policy_head *h, const tu_policy_version *v, const char *published_at) {
    json_t *doc = json_loads(v->doc, 0, NULL);
    if (!doc) return NULL;
    json_t *o = json_pack("{s:I,s:s,s:o,s:o,s:s,s:o,s:s,s:s,s:s,s:i,s:o,s:o,s:o,s:o,s:o}", "id", (json_int_t)h->id,
                          "code", h->code, "title", str_or_null(doc, "title"), "summary", str_or_null(doc, "summary"),
                          "department", v->department, "doc_number", str_or_null(doc, "doc_number"), "category",
                          v->category, "mode", v->mode, "status", h->status, "version", v->version, "published_at",
                          published_at && *published_at ? json_string(published_at) : json_null(), "valid_from",
                          str_or_null(doc, "valid_from"), "valid_to", str_or_null(doc, "valid_to"), "apply_from",
                          str_or_null(doc, "apply_from"), "apply_to", str_or_null(doc, "apply_to"));
    json_decref(doc);
    return o;
}

typedef struct hits {
    json_t *items;
    int n, limit, more;
    char last_key[32];
    int64_t last_id;
} hits;

static int on_hit(void *ctx, const tu_policy_head *h, const tu_policy_version *v, const char *published_at,
                  const char *sort_key) {
    hits *x = ctx;
    if (x->n == x->limit) return x->more = 1; /* the extra row only says there is a next page */
    json_t *o = item_json(h, v, published_at);
    if (!o) return 1;
    json_array_append_new(x->items, o);
    x->n++;
    snprintf(x->last_key, sizeof x->last_key, "%s", sort_key ? sort_key : "");
    x->last_id = h->id;
    return 0;
}

static size_t utf8_chars(const char *s) {
    size_t n = 0;
    for (; *s; s++) n += ((unsigned char)*s & 0xC0) != 0x80;
    return n;
}

/* q -> an FTS5 phrase ("..." with quotes doubled) when it has 3+ characters, else a LIKE pattern %q% (escaped). */
static int search_text(const char *q, char **match, char **like, tu_err *err) {
    size_t n = strlen(q), o = 0;
    char *b = tu_malloc(2 * n + 3);
    if (!b) return tu_err_set(err, TU_ENOMEM, "out of memory");
    int fts = utf8_chars(q) >= 3;
    b[o++] = fts ? '"' : '%';
    for (size_t i = 0; i < n; i++) {
        if (fts && q[i] == '"') b[o++] = '"';
        if (!fts && (q[i] == '%' || q[i] == '_' || q[i] == '\\')) b[o++] = '\\';
        b[o++] = q[i];
    }
    b[o++] = fts ? '"' : '%';
    b[o] = '\0';
    *(fts ? match : like) = b;
    return TU_OK;
}

/* An optional query parameter of at most max bytes; "" counts as absent. */
static int query_opt(tu_req *r, const char *name, size_t max, const char **out, tu_err *err) {
    const char *v = tu_req_query(r, name);
    *out = v && *v ? v : NULL;
    if (*out && strlen(*out) > max) return tu_err_set(err, TU_EINVAL, "'%s' is longer than %zu bytes", name, max);
    return TU_OK;
}

static int date_opt(tu_req *r, const char *name, const char **out, tu_err *err) {
    int32_t d;
    int rc = query_opt(r, name, 10, out, err);
    if (!rc && *out && tu_date_parse(*out, strlen(*out), &d, NULL))
        rc = tu_err_set(err, TU_EINVAL, "'%s' must be a date YYYY-MM-DD", name);
    return rc;
}

/* status=a,b: officials may ask for any status, others only for public ones; default published + revised. */
static int statuses_of(tu_req *r, char *out, size_t n, tu_err *err) {
    const char *v;
    int rc = query_opt(r, "status", 80, &v, err);
    if (rc) return rc;
    snprintf(out, n, "%s", ",published,revised,");
    if (!v) return TU_OK;
    size_t o = (size_t)snprintf(out, n, ",");
    for (const char *p = v, *c; *p; p = c + (*c == ',')) {
        c = p + strcspn(p, ",");
        char one[16];
        snprintf(one, sizeof one, "%.*s", (int)(c - p < 15 ? c - p : 15), p);
        if (tu_policy_status_parse(one) < 0 || (size_t)(c - p) > 15)
            return tu_err_set(err, TU_EINVAL, "'status' lists an unknown status '%.*s'", (int)(c - p), p);
        if (draft_status(one) && !is_official(r))
            return tu_err_set(err, TU_EFORBIDDEN, "only officials see drafts and previews");
        o += (size_t)snprintf(out + o, n > o ? n - o : 0, "%s,", one);
    }
    return TU_OK;
}

static int parse_list(tu_req *r, tu_policy_query *q, char *statuses, size_t sn, char *today, tu_err *err) {
    const char *city, *open;
    int rc = query_opt(r, "department", 200, &q->department, err);
    if (!rc) rc = query_opt(r, "category", 32, &q->category, err);
    if (!rc) rc = query_opt(r, "city", 6, &city, err);
    if (!rc) rc = query_opt(r, "open", 5, &open, err);
    if (!rc) rc = date_opt(r, "deadline_before", &q->deadline_before, err);
    if (!rc) rc = statuses_of(r, statuses, sn, err);
    if (rc) return rc;
    if (city && (strlen(city) != 6 || !tu_city_find((uint32_t)strtoul(city, NULL, 10))))
        return tu_err_set(err, TU_EINVAL, "'city' must be a 6-digit city code of the province");
    q->city = city, q->province = PROVINCE_CODE, q->statuses = statuses;
    if (open && strcmp(open, "1") != 0 && strcmp(open, "true") != 0 && strcmp(open, "0") != 0)
        return tu_err_set(err, TU_EINVAL, "'open' must be 1 or 0");
    if (open && open[0] != '0') q->open_on = tu_date_format(tu_date_today(), today);
    return TU_OK;
}

/* The page: limit 1..200 (default 20), sort published|deadline, cursor "<sort>:<key>:<id>". */
static int parse_page(tu_req *r, tu_policy_query *q, char *key, size_t kn, tu_err *err) {
    static const char *const sorts[] = {"published", "deadline", NULL};
    tu_page p;
    int rc = tu_req_page(r, sorts, &p, err);
    if (rc) return rc;
    if (p.reverse) return tu_err_set(err, TU_EINVAL, "sort=published is newest first, sort=deadline soonest first");
    q->limit = tu_req_query(r, "limit") ? p.limit : LIST_DEFAULT;
    if (q->limit > LIST_MAX) return tu_err_set(err, TU_EINVAL, "'limit' must be 1..%d", LIST_MAX);
    q->sort_deadline = p.sort == sorts[1];
    if (!p.after[0]) return TU_OK;
    size_t sl = strlen(p.sort);
    const char *k = p.after + sl + 1, *colon = strrchr(p.after, ':');
    char *end;
    if (strncmp(p.after, p.sort, sl) != 0 || p.after[sl] != ':' || !colon || colon < k ||
        (size_t)(colon - k) >= kn)
        return tu_err_set(err, TU_EINVAL, "bad cursor (it belongs to another sort)");
    q->after_id = strtoll(colon + 1, &end, 10);
    if (*end || q->after_id <= 0) return tu_err_set(err, TU_EINVAL, "bad cursor");
    snprintf(key, kn, "%.*s", (int)(colon - k), k);
    q->after = 1, q->after_key = key;
    return TU_OK;
}

int tu_h_policies_list(tu_req *r, tu_err *err) {
    who_is_asking(r);
    tu_policy_query q = {0};
    char statuses[128], today[TU_DATE_BUFSZ], key[32], *match = NULL, *like = NULL;
    const char *text;
    int rc = parse_list(r, &q, statuses, sizeof statuses, today, err);
    if (!rc) rc = parse_page(r, &q, key, sizeof key, err);
    if (!rc) rc = query_opt(r, "q", 400, &text, err);
    if (!rc && text) rc = search_text(text, &match, &like, err);
    q.match = match, q.like = like;
    hits x = {json_array(), 0, q.limit, 0, "", 0};
    q.limit++; /* one row more than the page says whether there is a next one */
    if (!rc) rc = tu_store_policy_search(r->store, &q, on_hit, &x, err);
    tu_free(match), tu_free(like);
    int more = !rc && x.more;
    char cursor[64];
    if (more) snprintf(cursor, sizeof cursor, "%s:%s:%lld", q.sort_deadline ? "deadline" : "published", x.last_key,
                       (long long)x.last_id);
    if (rc) {
        json_decref(x.items);
        return rc;
    }
    return tu_reply_page(r, x.items, more ? cursor : NULL);
}

/* ---- one policy ---- */

/* Which version a caller sees: officials the latest (a pending revision included), others the version in force
 * today, else the latest published one. */
static int visible_version(tu_req *r, int64_t id, int *version, tu_err *err) {
    *version = 0;
    if (is_official(r)) return TU_OK;
    char today[TU_DATE_BUFSZ];
    tu_policy_version v;
    tu_err e = {0};
    int rc = tu_store_policy_version_at(r->store, id, tu_date_format(tu_date_today(), today), &v, &e);
    if (rc == TU_ENOTFOUND) rc = tu_store_policy_version_at(r->store, id, "9999-12-31", &v, &e);
    if (rc == TU_ENOTFOUND) return TU_OK; /* never published: only the latest exists */
    if (rc) return tu_err_set(err, rc, "%s", e.msg);
    *version = v.version;
    tu_store_policy_version_clear(&v);
    return TU_OK;
}

int tu_h_policy_get(tu_req *r, tu_err *err) {
    who_is_asking(r);
    int64_t id;
    tu_policy_head h;
    int version;
    int rc = param_policy(r, &id, &h, err);
    if (!rc) rc = visible_version(r, id, &version, err);
    if (rc) return rc;
    json_t *doc = tu_app_policy_export(r->store, id, version, err);
    if (!doc) return err->code ? err->code : TU_ENOMEM;
    json_object_set_new(doc, "id", json_integer(id));
    json_t *logic = tu_match_policy_rule(doc, err);
    char *text = logic ? tu_rule_text_print(logic, NULL) : NULL;
    if (!json_object_get(doc, "rule_text")) json_object_set_new(doc, "rule_text", text ? json_string(text) : json_null());
    json_object_set_new(doc, "rule_sentences", logic ? json_pack("{s:o,s:o}", "zh", tu_rule_lines(logic, "zh"), "en",
                                                                 tu_rule_lines(logic, "en"))
                                                     : json_null());
    tu_free(text), json_decref(logic);
    return tu_reply_json(r, 200, doc);
}

/* ---- writes ---- */

/* Records an audit row for a policy write (its own transaction, after the write). */
static void audit(tu_req *r, const char *action, int64_t id, const json_t *after) {
    tu_actor a = tu_req_actor(r);
    char target[32];
    tu_err e = {0};
    snprintf(target, sizeof target, "policy:%lld", (long long)id);
    if (tu_store_begin(r->store, &e)) return;
    if (tu_audit_record(r->store, &a, action, target, NULL, after, &e) || tu_store_commit(r->store, &e))
        tu_store_rollback(r->store);
}

/* A city official reaches a policy only when it is limited to its own city. */
static int policy_in_reach(tu_req *r, int64_t id, tu_err *err) {
    if (r->who.role != TU_ROLE_CITY_OFFICIAL) return TU_OK;
    tu_policy_version v;
    int rc = tu_store_policy_version(r->store, id, 0, &v, err);
    if (rc) return rc;
    json_t *doc = json_loads(v.doc, 0, NULL), *cities = json_object_get(doc, "cities"), *c;
    size_t i;
    int own = json_array_size(cities) > 0;
    json_array_foreach(cities, i, c) own = own && json_is_string(c) && strcmp(json_string_value(c), r->who.scope) == 0;
    json_decref(doc);
    tu_store_policy_version_clear(&v);
    return own ? TU_OK : tu_err_set(err, TU_EFORBIDDEN, "a province-wide or other city's policy is the province's to publish");
}

static int reload(tu_req *r) {
    tu_err e = {0};
    return tu_match_svc_reload(tu__server_match(r->srv), r->store, &e);
}

int tu_h_policy_create(tu_req *r, tu_err *err) {
    int64_t id;
    int rc = tu_app_policy_add(r->store, r->json, &id, err);
    if (rc) return rc;
    audit(r, "policy.add", id, r->json);
    return tu_reply_json(r, 201, json_pack("{s:I,s:O}", "id", (json_int_t)id, "code", json_object_get(r->json, "code")));
}

int tu_h_policy_put(tu_req *r, tu_err *err) {
    int64_t id;
    tu_policy_head h;
    int rc = param_policy(r, &id, &h, err);
    if (!rc) rc = tu_app_policy_edit(r->store, id, r->json, err);
    if (rc) return rc;
    audit(r, "policy.edit", id, r->json);
    json_t *doc = tu_app_policy_export(r->store, id, 0, err);
    if (!doc) return err->code ? err->code : TU_ENOMEM;
    json_object_set_new(doc, "id", json_integer(id));
    return tu_reply_json(r, 200, doc);
}

/* The estimated total benefit fields of a preview (docs/openapi.yaml, PolicyPreview). */
static void set_estimate(json_t *out, const tu_benefit_estimate *e) {
    static const char *const basis[] = {NULL, "formula", "cap_bound"};
    int none = e->basis == TU_EST_NONE;
    json_object_set_new(out, "estimated_benefit_fen", none ? json_null() : json_integer(e->total_fen));
    json_object_set_new(out, "estimated_benefit_basis", none ? json_null() : json_string(basis[e->basis]));
    json_object_set_new(out, "estimated_benefit_reason", json_string(e->reason));
    json_object_set_new(out, "estimated_benefit_counted", json_integer((json_int_t)e->counted));
    json_object_set_new(out, "estimated_benefit_missing", json_integer((json_int_t)e->missing));
}

int tu_h_policy_preview(tu_req *r, tu_err *err) {
    int64_t id;
    tu_policy_head h;
    int rc = param_policy(r, &id, &h, err);
    if (rc) return rc;
    if (draft_status(h.status) && (rc = tu_app_policy_preview(r->store, id, err)) != TU_OK) return rc;
    json_t *doc = tu_app_policy_export(r->store, id, 0, err), *logic = doc ? tu_match_policy_rule(doc, err) : NULL;
    uint32_t city = r->who.role == TU_ROLE_CITY_OFFICIAL ? (uint32_t)strtoul(r->who.scope, NULL, 10) : 0;
    json_t *counts = NULL;
    tu_benefit_estimate est;
    rc = logic ? tu_match_svc_count(tu__server_match(r->srv), logic, city, &counts, err) : err->code ? err->code : TU_ENOMEM;
    if (!rc) rc = tu_match_svc_estimate(tu__server_match(r->srv), doc, city, &est, err);
    json_decref(doc), json_decref(logic);
    if (rc) return json_decref(counts), rc;
    json_t *out = json_pack("{s:O,s:O,s:O,s:O,s:O,s:s}", "eligible", json_object_get(counts, "eligible"),
                            "near_miss", json_object_get(counts, "near_miss"), "unknown",
                            json_object_get(counts, "unknown"), "not_eligible", json_object_get(counts, "not_eligible"),
                            "breakdown", json_object_get(counts, "breakdown"), "status",
                            draft_status(h.status) ? "preview" : h.status);
    json_object_set(out, "city", json_object_get(counts, "city"));
    json_decref(counts);
    set_estimate(out, &est);
    audit(r, "policy.preview", id, NULL);
    return tu_reply_json(r, 200, out);
}

int tu_h_policy_publish(tu_req *r, tu_err *err) {
    int64_t id, cid = 0;
    tu_policy_head h;
    uint64_t n = 0;
    int rc = param_policy(r, &id, &h, err);
    if (!rc) rc = policy_in_reach(r, id, err);
    if (!rc) rc = tu_match_svc_publish(tu__server_match(r->srv), r->store, id, &cid, &n, err);
    if (rc) return rc;
    json_t *out = json_pack("{s:I,s:I}", "campaign_id", (json_int_t)cid, "recipients", (json_int_t)n);
    audit(r, "policy.publish", id, out);
    return tu_reply_json(r, 200, out);
}

int tu_h_policy_withdraw(tu_req *r, tu_err *err) {
    int64_t id;
    tu_policy_head h;
    int rc = param_policy(r, &id, &h, err);
    if (!rc) rc = policy_in_reach(r, id, err);
    if (!rc) rc = tu_app_policy_withdraw(r->store, id, err);
    if (rc) return rc;
    reload(r);
    audit(r, "policy.withdraw", id, NULL);
    return tu_reply_json(r, 200, json_pack("{s:I,s:s}", "id", (json_int_t)id, "status", "withdrawn"));
}

int tu_h_policy_versions(tu_req *r, tu_err *err) {
    int64_t id;
    tu_policy_head h;
    tu_policy_version v;
    int rc = param_policy(r, &id, &h, err);
    if (!rc) rc = tu_store_policy_version(r->store, id, 0, &v, err);
    if (rc) return rc;
    int latest = v.version;
    tu_store_policy_version_clear(&v);
    json_t *items = json_array();
    for (int k = 1; !rc && k <= latest; k++) {
        if ((rc = tu_store_policy_version(r->store, id, k, &v, err)) != TU_OK) break;
        json_array_append_new(items, json_pack("{s:i,s:s,s:b,s:{s:s,s:s},s:s,s:s}", "version", v.version,
                                               "effective_from", v.effective_from, "published", v.published, "title",
                                               "zh", v.title_zh, "en", v.title_en, "category", v.category, "mode",
                                               v.mode));
        tu_store_policy_version_clear(&v);
    }
    if (rc) {
        json_decref(items);
        return rc;
    }
    return tu_reply_json(r, 200, json_pack("{s:I,s:s,s:o}", "id", (json_int_t)id, "status", h.status, "items", items));
}

/* ---- continuous matching ---- */

static void push_delta(void *ctx, const tu_match_delta *d) { tu__deliver_delta(ctx, NULL, d); }

void tu__push_policy_deltas(tu_req *r) {
    tu_match_svc_drain(tu__server_match(r->srv), push_delta, r->store);
}
