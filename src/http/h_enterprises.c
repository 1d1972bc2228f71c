/* h_enterprises.c — enterprise search, one enterprise with its sources, and corrections. The route table has
 * checked role and scope (for {uscc} routes) before these run; lists are narrowed to the caller's reach by
 * app/enterprises.c. Cursors are keyset positions "<sort>:<key>:<id>", stable while rows are inserted. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "app/enterprises.h"
#include "app/match_service.h"
#include "core/alloc.h"
#include "core/codes.h"
#include "core/num.h"
#include "http/http_int.h"

static const char *const sorts[] = {"id", "name", "revenue", "employees", NULL};

/* An optional query parameter of at most max bytes; "" counts as absent. */
static int query_opt(tu_req *r, const char *name, size_t max, const char **out, tu_err *err) {
    const char *v = tu_req_query(r, name);
    *out = v && *v ? v : NULL;
    if (*out && strlen(*out) > max) return tu_err_set(err, TU_EINVAL, "'%s' is longer than %zu bytes", name, max);
    return TU_OK;
}

static int industry_ok(const char *s) {
    size_t n = strlen(s), i = 1;
    if (n < 1 || n > 5 || s[0] < 'A' || s[0] > 'T') return 0;
    while (i < n && s[i] >= '0' && s[i] <= '9') i++;
    return i == n;
}

/* The search filters of the query string, checked against the code lists. */
static int parse_filters(tu_req *r, tu_ent_query *q, tu_err *err) {
    const char *city;
    int rc = query_opt(r, "q", TU_NAME_MAX, &q->name_part, err);
    if (!rc) rc = query_opt(r, "uscc", 18, &q->uscc, err);
    if (!rc) rc = query_opt(r, "industry", 5, &q->industry, err);
    if (!rc) rc = query_opt(r, "tag", 64, &q->tag, err);
    if (!rc) rc = query_opt(r, "city", 6, &city, err);
    if (rc) return rc;
    if (city && (strlen(city) != 6 || !tu_city_find(q->city = (uint32_t)strtoul(city, NULL, 10))))
        return tu_err_set(err, TU_EINVAL, "'city' must be a 6-digit city code of the province");
    if (q->industry && !industry_ok(q->industry))
        return tu_err_set(err, TU_EINVAL, "'industry' must be a GB/T 4754 section letter and up to 4 digits");
    if (q->tag && !tu_tag_find(q->tag, strlen(q->tag))) return tu_err_set(err, TU_EINVAL, "no tag '%s'", q->tag);
    return TU_OK;
}

/* The sort and the position after the cursor. For name the key is read back from the cursor's row. */
static int apply_cursor(tu_req *r, const tu_page *p, tu_ent_query *q, tu_ent *name_row, tu_err *err) {
    q->sort = (tu_ent_sort)(p->sort == sorts[1] ? 1 : p->sort == sorts[2] ? 2 : p->sort == sorts[3] ? 3 : 0);
    q->reverse = p->reverse;
    if (!p->after[0]) return TU_OK;
    char want[16];
    snprintf(want, sizeof want, "%s%s:", p->reverse ? "-" : "", p->sort);
    size_t wl = strlen(want);
    long long a = 0, b = 0;
    int two = q->sort == TU_ENT_SORT_REVENUE || q->sort == TU_ENT_SORT_EMPLOYEES;
    if (strncmp(p->after, want, wl) != 0 ||
        (two ? sscanf(p->after + wl, "%lld:%lld", &a, &b) != 2 : sscanf(p->after + wl, "%lld", &b) != 1) || b < 0)
        return tu_err_set(err, TU_EINVAL, "bad cursor (it belongs to another sort)");
    q->after = 1, q->after_num = a, q->after_id = b;
    if (q->sort != TU_ENT_SORT_NAME) return TU_OK;
    int rc = tu_store_ent_get_by_id(r->store, b, name_row, NULL, err);
    if (rc == TU_ENOTFOUND) return tu_err_set(err, TU_EINVAL, "bad cursor");
    q->after_text = name_row->name;
    return rc;
}

static void cursor_key(const tu_page *p, const tu_ent_row *last, char *buf, size_t n) {
    const char *dir = p->reverse ? "-" : "";
    int64_t v = -1;
    if (p->sort == sorts[2] && TU_ENT_HAS(&last->e, TU_A_REVENUE)) v = last->e.revenue;
    if (p->sort == sorts[3] && TU_ENT_HAS(&last->e, TU_A_EMPLOYEES)) v = last->e.employees;
    if (p->sort == sorts[2] || p->sort == sorts[3])
        snprintf(buf, n, "%s%s:%lld:%lld", dir, p->sort, (long long)v, (long long)last->id);
    else
        snprintf(buf, n, "%s%s:%lld", dir, p->sort, (long long)last->id);
}

int tu_h_ent_list(tu_req *r, tu_err *err) {
    tu_page p;
    tu_ent_query q = {0};
    tu_ent name_row;
    int rc = tu_req_page(r, sorts, &p, err);
    if (!rc) rc = parse_filters(r, &q, err);
    if (!rc) rc = apply_cursor(r, &p, &q, &name_row, err);
    if (rc) return rc;
    tu_ent_row *rows = tu_xcalloc((size_t)p.limit + 1, sizeof *rows);
    int n = 0, more = 0;
    rc = tu_app_ent_search(r->store, &r->who, &q, rows, p.limit, &n, &more, err);
    json_t *items = json_array();
    for (int i = 0; !rc && i < n; i++) json_array_append_new(items, tu_app_ent_summary(&rows[i].e));
    char key[96];
    if (!rc && more && n > 0) cursor_key(&p, &rows[n - 1], key, sizeof key);
    tu_free(rows);
    if (rc) {
        json_decref(items);
        return rc;
    }
    return tu_reply_page(r, items, more && n > 0 ? key : NULL);
}

/* The {uscc} path parameter (TU_ENOTFOUND when it cannot be a USCC). */
static int param_uscc(tu_req *r, char out[19], tu_err *err) {
    int n = tu_params_get(&r->params, "uscc", out, 19);
    return n == 18 ? TU_OK : tu_err_set(err, TU_ENOTFOUND, "no such enterprise");
}

int tu__req_enterprise(tu_req *r, int64_t *id, tu_ent *e, tu_err *err) {
    char uscc[19];
    int rc = param_uscc(r, uscc, err);
    return rc ? rc : tu_store_ent_get_by_uscc(r->store, uscc, id, e, NULL, err);
}

int tu_h_ent_get(tu_req *r, tu_err *err) {
    char uscc[19];
    int64_t id;
    tu_ent e;
    json_t *body = NULL;
    int rc = param_uscc(r, uscc, err);
    if (!rc) rc = tu_store_ent_get_by_uscc(r->store, uscc, &id, &e, NULL, err);
    if (!rc) rc = tu_app_ent_detail(r->store, id, &e, &body, err);
    return rc ? rc : tu_reply_json(r, 200, body);
}

/* Body: {"values":{"revenue":"2500", "tags":"high_tech;above_scale", "rd_ratio":null, ...}, "as_of":"YYYY-MM-DD"} */
int tu_h_ent_patch(tu_req *r, tu_err *err) {
    char uscc[19];
    int32_t as_of = 0;
    int changed = 0;
    int rc = param_uscc(r, uscc, err);
    json_t *d = json_object_get(r->json, "as_of");
    if (!rc && d && (!json_is_string(d) || tu_date_parse(json_string_value(d), json_string_length(d), &as_of, NULL)))
        rc = tu_err_set(err, TU_EVALIDATION, "'as_of' must be a date YYYY-MM-DD");
    tu_actor a = tu_req_actor(r);
    tu_ent e;
    if (!rc) rc = tu_app_ent_patch(r->store, &r->who, &a, uscc, json_object_get(r->json, "values"), as_of, &e,
                                   &changed, err);
    tu__push_policy_deltas(r); /* continuous matching: whatever the write queued, even when it failed later */
    int64_t id;
    json_t *body = NULL;
    if (!rc) rc = tu_store_ent_get_by_uscc(r->store, uscc, &id, &e, NULL, err);
    if (!rc) rc = tu_app_ent_detail(r->store, id, &e, &body, err);
    if (!rc) json_object_set_new(body, "changed", json_integer(changed));
    return rc ? rc : tu_reply_json(r, 200, body);
}

/* ?lists=eligible,near_miss,unknown (any of them; absent = all) as TU_POLS_* bits; -1 for an unknown name. */
static int parse_lists(const char *q) {
    static const char *const names[] = {"eligible", "near_miss", "unknown"};
    int bits = 0;
    while (q && *q) {
        size_t len = strcspn(q, ","), i = 0;
        while (i < 3 && !(strlen(names[i]) == len && strncmp(q, names[i], len) == 0)) i++;
        if (i == 3) return -1;
        bits |= 1 << i;
        q += len + (q[len] == ',');
    }
    return bits;
}

/* The eligible, near-miss and unknown policies of one enterprise, from its current record; ?explain=0 leaves
 * the explanations out, ?lists=eligible asks for one list only (counts of all three are always there). */
int tu_h_ent_policies(tu_req *r, tu_err *err) {
    char uscc[19], *text = NULL;
    size_t len = 0;
    int64_t id;
    tu_ent e;
    json_t *prov = NULL;
    const char *ex = tu_req_query(r, "explain");
    int explain = !ex || (strcmp(ex, "0") != 0 && strcmp(ex, "false") != 0);
    int lists = parse_lists(tu_req_query(r, "lists"));
    if (lists < 0) return tu_err_set(err, TU_EINVAL, "lists: a comma-separated list of eligible, near_miss, unknown");
    int64_t offset = 0, limit = 0;
    if (tu_req_query_int(r, "offset", 0, INT32_MAX, &offset, err) || tu_req_query_int(r, "limit", 0, 10000, &limit, err))
        return err->code;
    tu_match_svc *m = tu__server_match(r->srv);
    int rc = param_uscc(r, uscc, err);
    /* Without explanations the index's record is all that is needed (the portal's hottest read, no store
     * access); explanations name each value's source and date, which only the store holds. */
    if (!rc && (explain || tu_match_svc_record(m, uscc, &e) != TU_OK)) {
        rc = tu_store_ent_get_by_uscc(r->store, uscc, &id, &e, NULL, err);
        if (!rc && explain) rc = tu_app_ent_provenance(r->store, id, &e, &prov, err);
    }
    if (!rc) rc = tu_match_svc_policies(m, &e, (unsigned)lists, (size_t)offset, (size_t)limit, explain, prov, &text, &len, err);
    json_decref(prov);
    return rc ? rc : tu_reply_json_text(r, 200, text, len);
}
