/* match_service.c — the server's in-memory matching (see match_service.h): index + change hook, rule counts
 * with breakdowns, one enterprise's policies with explanations. */
#include "app/match_service.h"

#include <roaring/roaring.h>
#include <stdatomic.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "app/registry.h"
#include "core/alloc.h"
#include "core/codes.h"
#include "core/log.h"
#include "core/metrics.h"
#include "match/index.h"
#include "match/match.h"
#include "match/policies.h"
#include "rules/explain.h"
#include "rules/rules.h"

static tu_metric m_matches = TU_METRIC_INIT("techup_matches_total", "rules matched against every enterprise");
static tu_metric m_policy_matches =
    TU_METRIC_INIT("techup_policy_matches_total", "enterprises matched against every active policy");
static tu_metric m_index_updates =
    TU_METRIC_INIT("techup_index_updates_total", "enterprise records applied to the match index");

/* roaring_bitmap_free(NULL) is not a no-op in every CRoaring release. */
static void bitmap_free(roaring_bitmap_t *b) {
    if (b) roaring_bitmap_free(b);
}

struct tu_match_svc {
    tu_index *ix;
    json_t *doc;       /* the policy file's array */
    tu_polindex *pi;   /* NULL without policies */
    tu_rule **rules;   /* compiled policy rules by position, for explanations */
    size_t npol;
    double build_ms;
    _Atomic uint64_t updates, skipped;
};

static double now_ms(void) {
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec * 1e3 + (double)ts.tv_nsec / 1e6;
}

/* Change hook: store id i is index id i - 1. Only updates and the next new id can be applied in place. */
static void on_change(void *ctx, const int64_t *ids, const tu_ent *ents, size_t n) {
    tu_match_svc *m = ctx;
    for (size_t i = 0; i < n; i++) {
        tu_err err = {0};
        int64_t id = ids[i] - 1;
        if (id < 0 || (size_t)id > tu_index_count(m->ix) || tu_index_update(m->ix, (uint32_t)id, &ents[i], &err)) {
            atomic_fetch_add(&m->skipped, 1);
            tu_log(TU_LOG_WARN, "match.index", "enterprise %lld not applied to the index: %s", (long long)ids[i],
                   err.msg[0] ? err.msg : "outside the index's id range");
            continue;
        }
        atomic_fetch_add(&m->updates, 1);
        tu_metric_add(&m_index_updates, 1);
    }
}

/* Reads the policy file and builds the policy index and the compiled rules. */
static int load_policies(tu_match_svc *m, const char *path, tu_err *err) {
    json_error_t je;
    if (!(m->doc = json_load_file(path, 0, &je))) {
        err->line = je.line, err->col = je.column;
        return tu_err_set(err, TU_EPARSE, "%s: line %d: %s", path, je.line, je.text);
    }
    if (!json_is_array(m->doc)) return tu_err_set(err, TU_EPARSE, "%s: expected a JSON array of policies", path);
    m->npol = json_array_size(m->doc);
    tu_policy_rule *pr = tu_calloc(m->npol + 1, sizeof *pr);
    m->rules = tu_calloc(m->npol + 1, sizeof *m->rules);
    if (!pr || !m->rules) return tu_free(pr), tu_err_set(err, TU_ENOMEM, "out of memory");
    int rc = TU_OK;
    for (size_t i = 0; !rc && i < m->npol; i++) {
        json_t *o = json_array_get(m->doc, i), *id = json_object_get(o, "id"), *rule = json_object_get(o, "rule");
        if (!json_is_integer(id) || !rule || !json_is_string(json_object_get(o, "title")))
            rc = tu_err_set(err, TU_EPARSE, "%s: policy %zu needs an integer id, a title and a rule", path, i + 1);
        else pr[i] = (tu_policy_rule){json_integer_value(id), rule};
        if (!rc) rc = tu_rule_from_json(rule, &m->rules[i], err);
    }
    if (!rc) rc = tu_polindex_build(pr, m->npol, &m->pi, err);
    tu_free(pr);
    return rc;
}

int tu_match_svc_open(tu_store *s, const char *policies_path, tu_match_svc **out, tu_err *err) {
    *out = NULL;
    tu_match_svc *m = tu_calloc(1, sizeof *m);
    if (!m) return tu_err_set(err, TU_ENOMEM, "out of memory");
    double t0 = now_ms();
    int rc = tu_index_load_store(s, &m->ix, err);
    m->build_ms = now_ms() - t0;
    if (!rc && policies_path) rc = load_policies(m, policies_path, err);
    if (!rc) rc = tu_app_on_enterprise_change(on_change, m);
    tu_metric_register(&m_matches), tu_metric_register(&m_policy_matches), tu_metric_register(&m_index_updates);
    if (rc) {
        tu_match_svc_close(m);
        return rc;
    }
    *out = m;
    return TU_OK;
}

void tu_match_svc_close(tu_match_svc *m) {
    if (!m) return;
    tu_app_enterprise_subscribers_clear();
    for (size_t i = 0; m->rules && i < m->npol; i++) tu_rule_free(m->rules[i]);
    tu_free(m->rules);
    tu_polindex_close(m->pi);
    json_decref(m->doc);
    tu_index_close(m->ix);
    tu_free(m);
}

void tu_match_svc_stats_get(const tu_match_svc *m, tu_match_svc_stats *out) {
    memset(out, 0, sizeof *out);
    out->enterprises = tu_index_count(m->ix);
    out->policies = m->npol;
    tu_index_memory(m->ix, &out->column_bytes, &out->bitmap_bytes);
    out->build_ms = m->build_ms;
    out->updates = atomic_load(&((tu_match_svc *)m)->updates);
    out->updates_skipped = atomic_load(&((tu_match_svc *)m)->skipped);
}

/* ---- counts ---- */

static const char *const set_names[] = {"eligible", "not_eligible", "unknown", "near_miss"};
static const int dims[] = {TU_A_CITY, TU_A_INDUSTRY_DIVISION, TU_A_SIZE};
static const char *const dim_names[] = {"city", "division", "size"};

static void key_of(int attr, int i, char *buf, size_t n) {
    if (attr == TU_A_CITY) snprintf(buf, n, "%u", tu_city_at(i)->code);
    else if (attr == TU_A_SIZE) snprintf(buf, n, "%s", tu_size_name(i));
    else snprintf(buf, n, "%s", tu_division_at(i)->code);
}

static json_t *counts_json(int attr, const uint64_t *c) {
    json_t *o = json_object();
    char key[16];
    for (int i = 0; i < tu_match_breakdown_len(attr); i++)
        if (c[i]) key_of(attr, i, key, sizeof key), json_object_set_new(o, key, json_integer((json_int_t)c[i]));
    return o;
}

typedef struct tally {
    tu_index *ix;
    uint64_t **by;
    uint64_t n;
} tally;

static bool tally_one(uint32_t id, void *ctx) {
    tally *t = ctx;
    tu_ent e;
    if (tu_index_get(t->ix, id, &e)) return true;
    t->n++;
    t->by[0][tu_city_index(e.city)]++;
    if (TU_ENT_HAS(&e, TU_A_INDUSTRY)) t->by[1][tu_division_index(e.division)]++;
    if (TU_ENT_HAS(&e, TU_A_SIZE)) t->by[2][e.size]++;
    return true;
}

/* Counts of one set within a city: the ids of set ∩ city, tallied from the index's records. */
static uint64_t tally_city(tu_index *ix, const roaring_bitmap_t *set, const roaring_bitmap_t *city, uint64_t *by[3]) {
    roaring_bitmap_t *both = roaring_bitmap_and(set, city);
    tally t = {ix, by, 0};
    if (both) roaring_iterate(both, tally_one, &t);
    bitmap_free(both);
    return t.n;
}

/* The ids of one city (the eligible set of city == code). */
static roaring_bitmap_t *city_ids(tu_index *ix, uint32_t code, tu_err *err) {
    char v[8];
    snprintf(v, sizeof v, "%u", code);
    json_t *rule = json_pack("{s:[{s:s},s]}", "==", "var", "city", v);
    tu_plan *p = NULL;
    tu_matchset *ms = NULL;
    roaring_bitmap_t *b = NULL;
    if (rule && !tu_plan_compile(rule, &p, err) && !tu_match_run(ix, p, 0, &ms, err))
        b = tu_matchset_bitmap(ms, TU_MS_ELIGIBLE);
    tu_matchset_free(ms), tu_plan_free(p), json_decref(rule);
    return b;
}

static int count_sets(tu_match_svc *m, const tu_matchset *ms, const roaring_bitmap_t *city, json_t *out) {
    json_t *bd = json_object();
    int rc = TU_OK;
    for (int w = 0; !rc && w < 4; w++) {
        uint64_t c0[32] = {0}, c1[128] = {0}, c2[8] = {0}, *by[3] = {c0, c1, c2}, n;
        if (city) {
            roaring_bitmap_t *set = tu_matchset_bitmap(ms, (tu_ms_which)w);
            if (!set) rc = TU_ENOMEM;
            n = set ? tally_city(m->ix, set, city, by) : 0;
            bitmap_free(set);
        } else {
            n = tu_matchset_count(ms, (tu_ms_which)w);
            for (int d = 0; !rc && d < 3; d++) rc = tu_match_breakdown(m->ix, ms, (tu_ms_which)w, dims[d], by[d]);
        }
        json_object_set_new(out, set_names[w], json_integer((json_int_t)n));
        json_t *one = json_object();
        for (int d = 0; d < 3; d++) json_object_set_new(one, dim_names[d], counts_json(dims[d], by[d]));
        json_object_set_new(bd, set_names[w], one);
    }
    json_object_set_new(out, "breakdown", bd);
    return rc;
}

int tu_match_svc_count(tu_match_svc *m, const json_t *logic, uint32_t city, json_t **out, tu_err *err) {
    *out = NULL;
    tu_plan *p = NULL;
    tu_matchset *ms = NULL;
    roaring_bitmap_t *cb = NULL;
    double t0 = now_ms();
    int rc = tu_plan_compile(logic, &p, err);
    if (!rc) rc = tu_match_run(m->ix, p, TU_MATCH_NEAR_MISS, &ms, err);
    if (!rc && city && !(cb = city_ids(m->ix, city, err))) rc = err->code ? err->code : TU_ENOMEM;
    json_t *o = rc ? NULL : json_object();
    if (o) rc = count_sets(m, ms, cb, o);
    if (o && !rc) {
        tu_metric_add(&m_matches, 1);
        json_object_set_new(o, "city", city ? json_integer(city) : json_null());
        json_object_set_new(o, "ms", json_real(now_ms() - t0));
    }
    bitmap_free(cb), tu_matchset_free(ms), tu_plan_free(p);
    if (rc) json_decref(o), o = NULL;
    *out = o;
    return rc ? rc : TU_OK;
}

/* ---- one enterprise's policies ---- */

json_t *tu_explain_lines(const json_t *explanation, const char *lang) {
    char *s = tu_explain_sentences(explanation, lang);
    json_t *a = json_array();
    for (char *line = s, *nl; line && *line; line = nl ? nl + 1 : line + strlen(line)) {
        nl = strchr(line, '\n');
        json_array_append_new(a, json_stringn(line, nl ? (size_t)(nl - line) : strlen(line)));
    }
    tu_free(s);
    return a;
}

static json_t *policy_json(tu_match_svc *m, size_t pos, const tu_ent *e, tu_pr_which w, int explain,
                           const json_t *prov) {
    char why[512];
    json_t *pol = json_array_get(m->doc, pos);
    json_t *o = json_pack("{s:I,s:O,s:s}", "id", (json_int_t)tu_polindex_id(m->pi, pos), "title",
                          json_object_get(pol, "title"), "reason",
                          w == TU_PR_ELIGIBLE ? "all conditions met" : tu_polindex_reason(m->pi, pos, e, why, sizeof why));
    if (!o || !explain) return o;
    tu_explain_opts opts = {1, prov};
    json_t *x = tu_rule_explain(m->rules[pos], e, &opts, NULL);
    if (x) {
        json_object_set_new(o, "sentences", json_pack("{s:o,s:o}", "zh", tu_explain_lines(x, "zh"), "en",
                                                      tu_explain_lines(x, "en")));
        json_object_set_new(o, "explanation", x);
    }
    return o;
}

int tu_match_svc_policies(tu_match_svc *m, const tu_ent *e, int explain, const json_t *provenance, json_t **out,
                          tu_err *err) {
    static const char *const names[] = {"eligible", "near_miss", "unknown"};
    json_t *o = json_pack("{s:I}", "policies", (json_int_t)m->npol);
    tu_polres *r = m->pi ? tu_polres_new(m->pi) : NULL;
    if (!o || (m->pi && !r)) {
        json_decref(o);
        return tu_err_set(err, TU_ENOMEM, "out of memory");
    }
    if (r) tu_polindex_match(m->pi, e, r), tu_metric_add(&m_policy_matches, 1);
    for (int w = 0; w < 3; w++) {
        json_t *list = json_array();
        size_t n = r ? tu_polres_list(r, (tu_pr_which)w, NULL, 0) : 0;
        uint32_t *pos = tu_calloc(n + 1, sizeof *pos);
        if (pos && r) tu_polres_list(r, (tu_pr_which)w, pos, n);
        for (size_t i = 0; pos && i < n; i++)
            json_array_append_new(list, policy_json(m, pos[i], e, (tu_pr_which)w, explain, provenance));
        tu_free(pos);
        json_object_set_new(o, names[w], list);
    }
    tu_polres_free(r);
    *out = o;
    return TU_OK;
}
