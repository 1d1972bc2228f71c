/* Tests of src/app/match_service.c: counts and breakdowns over the index built from the store, the same counts
 * restricted to a city, the change hook keeping the index current, one enterprise's policies from a file, and the
 * active policies of the store (publish with the engine's eligible set in store ids, deltas, withdraw), and
 * following the change feed written by other processes. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "app/enterprises.h"
#include "app/match_service.h"
#include "app/policy.h"
#include "app/registry.h"
#include "core/alloc.h"
#include "store/change.h"
#include "core/codes.h"
#include "tmpdir.h"

#define N 40

static tu_store *s;
static tu_match_svc *m;
static char first_uscc[19];

/* Enterprise i: Shenzhen when even, Guangzhou when odd; revenue 100 * i; rd_ratio missing when i % 5 == 0. */
static void make(int i, tu_ent *e) {
    char u[19], buf[32];
    tu_ent_init(e);
    snprintf(u, sizeof u, "91440300MA5D%05d", i);
    u[17] = tu_uscc_check_char(u), u[18] = '\0';
    if (i == 0) memcpy(first_uscc, u, 19);
    assert_int_equal(tu_ent_set_cell(e, TU_A_USCC, u, 18, 0, NULL), TU_OK);
    assert_int_equal(tu_ent_set_cell(e, TU_A_NAME, "Co", 2, 0, NULL), TU_OK);
    assert_int_equal(tu_ent_set_cell(e, TU_A_CITY, i % 2 ? "440100" : "440300", 6, 0, NULL), TU_OK);
    assert_int_equal(tu_ent_set_cell(e, TU_A_INDUSTRY, "C38", 3, 0, NULL), TU_OK);
    snprintf(buf, sizeof buf, "%d", 100 * i);
    assert_int_equal(tu_ent_set_cell(e, TU_A_REVENUE, buf, strlen(buf), 0, NULL), TU_OK);
    assert_int_equal(tu_ent_set_cell(e, TU_A_EMPLOYEES, "50", 2, 0, NULL), TU_OK);
    if (i % 5) assert_int_equal(tu_ent_set_cell(e, TU_A_RD_RATIO, "3", 1, 0, NULL), TU_OK);
    assert_int_equal(tu_ent_finish(e, NULL), TU_OK);
}

static int setup(void **state) {
    if (tmpdir_setup(state)) return -1;
    char path[128], pols[128];
    snprintf(path, sizeof path, "%s/t.db", dir);
    snprintf(pols, sizeof pols, "%s/p.json", dir);
    FILE *f = fopen(pols, "w");
    if (!f) return -1;
    fputs("[{\"id\":7,\"title\":\"a\",\"rule\":{\"and\":[{\">=\":[{\"var\":\"revenue\"},0]},{\">=\":[{\"var\":\"rd_ratio\"},4]}]}},"
          " {\"id\":8,\"title\":\"say \\\"hi\\\" \\\\ 设备\",\"rule\":{\">=\":[{\"var\":\"revenue\"},0]}},"
          " {\"id\":9,\"title\":{\"zh\":\"九\",\"en\":\"nine\"},\"rule\":{\"==\":[{\"var\":\"city\"},\"440300\"]}},"
          " {\"id\":10,\"title\":\"ten\",\"rule\":{\">=\":[{\"var\":\"revenue\"},0]}}]", f);
    fclose(f);
    tu_err err = {0};
    tu_ent ents[N];
    for (int i = 0; i < N; i++) make(i, &ents[i]);
    int64_t sid;
    if (tu_store_open(path, 0, &s, &err) || tu_store_begin(s, &err) ||
        tu_store_source_add(s, "import", "seed", 20000, &sid, &err) || tu_store_ent_upsert(s, ents, N, sid, NULL, &err) ||
        tu_store_commit(s, &err))
        return -1;
    return tu_match_svc_open(s, pols, &m, &err);
}

static int teardown(void **state) {
    tu_match_svc_close(m);
    tu_store_close(s);
    return tmpdir_teardown(state);
}

static json_int_t num(const json_t *o, const char *k) { return json_integer_value(json_object_get(o, k)); }

static json_t *count(const char *rule_json, uint32_t city) {
    json_error_t je;
    json_t *rule = json_loads(rule_json, 0, &je), *out = NULL;
    tu_err err = {0};
    assert_int_equal(tu_match_svc_count(m, rule, city, &out, &err), TU_OK);
    json_decref(rule);
    return out;
}

static void test_counts_and_city(void **state) {
    (void)state;
    const char *rule = "{\"and\":[{\">=\":[{\"var\":\"revenue\"},2000]},{\">=\":[{\"var\":\"rd_ratio\"},3]}]}";
    json_t *all = count(rule, 0), *sz = count(rule, 440300), *gz = count(rule, 440100);
    /* revenue >= 2000: i >= 20 (20 ids); of those i % 5 == 0 (4 ids) are unknown */
    assert_int_equal(num(all, "eligible"), 16);
    assert_int_equal(num(all, "unknown"), 4);
    assert_int_equal(num(sz, "eligible") + num(gz, "eligible"), 16);
    assert_int_equal(num(sz, "eligible"), 8);
    json_t *bd = json_object_get(json_object_get(sz, "breakdown"), "eligible");
    assert_int_equal(num(json_object_get(bd, "city"), "440300"), 8);
    assert_null(json_object_get(json_object_get(bd, "city"), "440100"));
    assert_int_equal(num(json_object_get(bd, "division"), "C38"), 8);
    bd = json_object_get(json_object_get(all, "breakdown"), "eligible");
    assert_int_equal(num(json_object_get(bd, "city"), "440100"), num(gz, "eligible"));
    json_decref(all), json_decref(sz), json_decref(gz);
}

/* The estimated total benefit, hand-computed. Enterprise i has revenue 100 * i (万元), rd_ratio 3 unless i % 5 == 0.
 * Rule revenue >= 3000 -> i = 30..39. */
static tu_benefit_estimate estimate(const char *benefit, int64_t cap_fen, uint32_t city) {
    json_error_t je;
    json_t *doc = json_pack("{s:o}", "rule", json_loads("{\">=\":[{\"var\":\"revenue\"},3000]}", 0, &je));
    if (benefit && benefit[0] == '{') json_object_set_new(doc, "benefit", json_loads(benefit, 0, &je));
    else if (benefit) json_object_set_new(doc, "benefit_text", json_string(benefit)); /* the readable syntax */
    if (cap_fen) json_object_set_new(doc, "cap_fen", json_integer(cap_fen));
    tu_benefit_estimate e;
    tu_err err = {0};
    assert_int_equal(tu_match_svc_estimate(m, doc, city, &e, &err), TU_OK);
    json_decref(doc);
    assert_true(e.reason[0] != '\0');
    return e;
}

static void test_estimate(void **state) {
    (void)state;
    const char *by_revenue = "{\"*\":[{\"var\":\"revenue\"},10]}"; /* 1,000 * i yuan */
    tu_benefit_estimate e = estimate(by_revenue, 0, 0);
    assert_int_equal(e.basis, TU_EST_FORMULA);
    assert_int_equal(e.eligible, 10), assert_int_equal(e.counted, 10), assert_int_equal(e.missing, 0);
    assert_int_equal(e.total_fen, 1000LL * (30 + 31 + 32 + 33 + 34 + 35 + 36 + 37 + 38 + 39) * 100);
    tu_benefit_estimate t = estimate("revenue * 10", 0, 0);
    assert_int_equal(t.basis, TU_EST_FORMULA);
    assert_int_equal(t.total_fen, e.total_fen);
    e = estimate(by_revenue, 3500000, 0); /* capped at 35,000 yuan: 30..34 as they are, 35..39 at the cap */
    assert_int_equal(e.total_fen, (30000LL + 31000 + 32000 + 33000 + 34000 + 5 * 35000) * 100);
    e = estimate(by_revenue, 0, 440300); /* Shenzhen: the even ones */
    assert_int_equal(e.eligible, 5);
    assert_int_equal(e.total_fen, 1000LL * (30 + 32 + 34 + 36 + 38) * 100);
    e = estimate("{\"*\":[{\"var\":\"rd_ratio\"},1000]}", 0, 0); /* 3,000 yuan each; 30 and 35 lack rd_ratio */
    assert_int_equal(e.basis, TU_EST_FORMULA);
    assert_int_equal(e.counted, 8), assert_int_equal(e.missing, 2);
    assert_int_equal(e.total_fen, 8 * 3000LL * 100);
    e = estimate("{\"min\":[{\"*\":[{\"var\":\"project.equipment_investment\"},0.2]},50000000]}", 500000, 0);
    assert_int_equal(e.basis, TU_EST_CAP_BOUND);
    assert_int_equal(e.total_fen, 10 * 500000LL);
    assert_non_null(strstr(e.reason, "project.equipment_investment"));
    e = estimate("{\"*\":[{\"var\":\"project.equipment_investment\"},0.2]}", 0, 0); /* no cap: no bound */
    assert_int_equal(e.basis, TU_EST_NONE);
    e = estimate(NULL, 500000, 0);
    assert_int_equal(e.basis, TU_EST_NONE);
    assert_int_equal(e.total_fen, 0);
    /* a cap so large that eligible x cap overflows int64 */
    json_error_t je;
    json_t *doc = json_pack("{s:o,s:o,s:I}", "rule", json_loads("{\">=\":[{\"var\":\"revenue\"},3000]}", 0, &je),
                            "benefit", json_loads("{\"var\":\"project.x\"}", 0, &je), "cap_fen", (json_int_t)INT64_MAX / 4);
    tu_err err = {0};
    assert_int_equal(tu_match_svc_estimate(m, doc, 0, &e, &err), TU_ELIMIT);
    json_decref(doc);
}

static void test_change_hook_updates_index(void **state) {
    (void)state;
    const char *rule = "{\">=\":[{\"var\":\"revenue\"},100000]}";
    json_t *before = count(rule, 0);
    assert_int_equal(num(before, "eligible"), 0);
    json_decref(before);
    tu_principal p = {0};
    p.role = TU_ROLE_PROVINCIAL_OFFICIAL;
    snprintf(p.username, sizeof p.username, "prov");
    tu_actor a = {1, "prov", NULL};
    tu_err err = {0};
    int changed;
    json_t *v = json_pack("{s:s}", "revenue", "200000");
    assert_int_equal(tu_app_ent_patch(s, &p, &a, first_uscc, v, 0, NULL, &changed, &err), TU_OK);
    json_decref(v);
    json_t *after = count(rule, 0);
    assert_int_equal(num(after, "eligible"), 1);
    json_decref(after);
    tu_match_svc_stats st;
    tu_match_svc_stats_get(m, &st);
    assert_int_equal(st.enterprises, N);
    assert_int_equal(st.updates, 1);
}

/* One enterprise's policies as the reply text: parsed back, it must be valid JSON with exactly these items. */
static json_t *policies(const tu_ent *e, unsigned lists, size_t offset, size_t limit, int explain) {
    char *text = NULL;
    size_t len = 0;
    tu_err err = {0};
    assert_int_equal(tu_match_svc_policies(m, e, lists, offset, limit, explain, NULL, &text, &len, &err), TU_OK);
    assert_int_equal(strlen(text), len);
    json_error_t je;
    json_t *out = json_loadb(text, len, 0, &je);
    if (!out) fail_msg("not JSON (%s at %d): %s", je.text, je.position, text);
    tu_free(text);
    return out;
}

static json_int_t id_at(const json_t *out, const char *list, size_t i) {
    return num(json_array_get(json_object_get(out, list), i), "id");
}

static void test_policies_of_one(void **state) {
    (void)state;
    tu_ent e;
    make(1, &e); /* Guangzhou, rd_ratio 3 < 4: near miss of 7 and of 9 (city), eligible for 8 and 10 */
    json_t *out = policies(&e, 0, 0, 0, 1);
    assert_int_equal(num(out, "policies"), 4);
    assert_string_equal(json_string_value(json_object_get(out, "uscc")), e.uscc);
    json_t *counts = json_object_get(out, "counts");
    assert_int_equal(num(counts, "eligible"), 2);
    assert_int_equal(num(counts, "near_miss"), 2);
    assert_int_equal(num(counts, "unknown"), 0);
    assert_int_equal(id_at(out, "eligible", 0), 8);
    assert_int_equal(id_at(out, "eligible", 1), 10);
    json_t *eight = json_array_get(json_object_get(out, "eligible"), 0);
    assert_string_equal(json_string_value(json_object_get(eight, "title")), "say \"hi\" \\ 设备");
    assert_string_equal(json_string_value(json_object_get(eight, "reason")), "all conditions met");
    json_t *near = json_object_get(out, "near_miss");
    assert_int_equal(json_array_size(near), 2);
    assert_int_equal(id_at(out, "near_miss", 0), 7);
    assert_int_equal(id_at(out, "near_miss", 1), 9);
    assert_non_null(strstr(json_string_value(json_object_get(json_array_get(near, 0), "reason")), "rd_ratio"));
    assert_string_equal(json_string_value(json_object_get(json_object_get(json_array_get(near, 1), "title"), "en")),
                        "nine");
    assert_non_null(json_object_get(json_array_get(near, 0), "explanation"));
    assert_true(json_array_size(json_object_get(json_object_get(json_array_get(near, 0), "sentences"), "zh")) > 0);
    assert_int_equal(json_array_size(json_object_get(out, "unknown")), 0);
    json_decref(out);

    /* one list, one page: counts of all three stay */
    out = policies(&e, TU_POLS_ELIGIBLE, 1, 1, 0);
    assert_int_equal(json_array_size(json_object_get(out, "eligible")), 1);
    assert_int_equal(id_at(out, "eligible", 0), 10);
    assert_null(json_object_get(out, "near_miss"));
    assert_null(json_object_get(json_array_get(json_object_get(out, "eligible"), 0), "explanation"));
    assert_int_equal(num(json_object_get(out, "counts"), "near_miss"), 2);
    json_decref(out);
    out = policies(&e, TU_POLS_ELIGIBLE | TU_POLS_NEAR_MISS, 5, 0, 0); /* past the end: empty lists */
    assert_int_equal(json_array_size(json_object_get(out, "eligible")), 0);
    assert_int_equal(json_array_size(json_object_get(out, "near_miss")), 0);
    assert_int_equal(num(json_object_get(out, "counts"), "eligible"), 2);
    json_decref(out);
    out = policies(&e, 0, 1, 100, 0); /* a page longer than the list */
    assert_int_equal(json_array_size(json_object_get(out, "eligible")), 1);
    assert_int_equal(json_array_size(json_object_get(out, "near_miss")), 1);
    assert_int_equal(id_at(out, "near_miss", 0), 9);
    json_decref(out);

    make(5, &e); /* rd_ratio missing: 7 unknown */
    out = policies(&e, 0, 0, 0, 0);
    assert_int_equal(json_array_size(json_object_get(out, "unknown")), 1);
    assert_int_equal(id_at(out, "unknown", 0), 7);
    assert_null(json_object_get(json_array_get(json_object_get(out, "unknown"), 0), "explanation"));
    json_decref(out);

    /* out of memory anywhere: an error, no partial text, nothing leaked */
    for (long k = 0; k < 40; k++) {
        char *text = NULL;
        size_t len = 0;
        tu_err err = {0};
        tu_alloc_fail_after(k);
        int rc = tu_match_svc_policies(m, &e, 0, 0, 0, 1, NULL, &text, &len, &err);
        tu_alloc_fail_after(-1);
        if (rc) assert_null(text);
        else assert_non_null(text);
        tu_free(text);
    }
}

typedef struct drained {
    int n;
    int64_t ent, gained;
} drained;

static void on_delta(void *ctx, const tu_match_delta *d) {
    drained *x = ctx;
    x->n++, x->ent = d->ent_id, x->gained = d->ngained == 1 ? d->gained[0] : -1;
}

/* Policies from the store: only published ones are active; publishing computes the eligible set in store ids
 * (the id space of push campaigns); a change queues the delta; withdrawing takes the policy out again. */
static void test_store_policies(void **state) {
    (void)state;
    tu_err err = {0};
    tu_match_svc_close(m); /* a service over the store's policies instead of the file's */
    m = NULL;
    const char *rule_text = "{\">=\":[{\"var\":\"revenue\"},3500]}";
    json_error_t je;
    json_t *doc = json_pack("{s:s,s:{s:s,s:s},s:s,s:s,s:s,s:s,s:o,s:s}", "code", "rev-3500", "title", "zh", "营收奖励",
                            "en", "Revenue reward", "department", "省工信厅", "doc_number", "粤1号", "category", "other",
                            "valid_from", "2020-01-01", "rule", json_loads(rule_text, 0, &je), "mode", "apply");
    int64_t id;
    assert_int_equal(tu_app_policy_add(s, doc, &id, &err), TU_OK);
    json_decref(doc);
    assert_int_equal(tu_app_policy_preview(s, id, &err), TU_OK);
    assert_int_equal(tu_match_svc_open(s, NULL, &m, &err), TU_OK);
    tu_match_svc_stats st;
    tu_match_svc_stats_get(m, &st);
    assert_int_equal(st.policies, 0); /* a preview is not active */

    json_t *c = count(rule_text, 0);
    int64_t cid = 0;
    uint64_t n = 0;
    assert_int_equal(tu_match_svc_publish(m, s, id, &cid, &n, &err), TU_OK);
    assert_true(cid > 0);
    assert_int_equal(n, num(c, "eligible"));
    json_decref(c);
    tu_match_svc_stats_get(m, &st);
    assert_int_equal(st.policies, 1);

    /* store ids: enterprise 39 (revenue 3900) is in the set under its store id, enterprise 1 is not */
    json_t *rule = json_loads(rule_text, 0, &je);
    roaring_bitmap_t *b = NULL;
    assert_int_equal(tu_match_svc_eligible(m, rule, &b, &err), TU_OK);
    json_decref(rule);
    tu_ent e;
    int64_t sid39, sid1;
    make(39, &e);
    assert_int_equal(tu_store_ent_get_by_uscc(s, e.uscc, &sid39, &e, NULL, &err), TU_OK);
    make(1, &e);
    assert_int_equal(tu_store_ent_get_by_uscc(s, e.uscc, &sid1, &e, NULL, &err), TU_OK);
    assert_true(roaring_bitmap_contains(b, (uint32_t)sid39));
    assert_false(roaring_bitmap_contains(b, (uint32_t)sid1));
    assert_false(roaring_bitmap_contains(b, 0)); /* index id 0 would be store id 0: no such enterprise */
    roaring_bitmap_free(b);

    /* a change makes enterprise 1 eligible: one delta, in store ids */
    tu_match_svc_drain(m, NULL, NULL);
    tu_principal p = {0};
    p.role = TU_ROLE_PROVINCIAL_OFFICIAL;
    snprintf(p.username, sizeof p.username, "prov");
    tu_actor a = {1, "prov", NULL};
    int changed;
    json_t *v = json_pack("{s:s}", "revenue", "5000");
    int rc = tu_app_ent_patch(s, &p, &a, e.uscc, v, 0, NULL, &changed, &err);
    if (rc) fail_msg("patch: %s", err.msg);
    json_decref(v);
    drained x = {0, 0, 0};
    assert_int_equal(tu_match_svc_drain(m, on_delta, &x), 1);
    assert_int_equal(x.n, 1);
    assert_int_equal(x.ent, sid1);
    assert_int_equal(x.gained, id);

    assert_int_equal(tu_app_policy_withdraw(s, id, &err), TU_OK);
    assert_int_equal(tu_match_svc_reload(m, s, &err), TU_OK);
    tu_match_svc_stats_get(m, &st);
    assert_int_equal(st.policies, 0);
}

/* ---- following the change feed ---- */

/* What another process does: writes records (an existing USCC keeps its id) and a feed row of a foreign origin. */
static void foreign_write(tu_ent *ents, size_t n) {
    tu_err err = {0};
    int64_t sid, ids[4];
    roaring_bitmap_t *b = roaring_bitmap_create();
    assert_int_equal(tu_store_begin(s, &err), TU_OK);
    assert_int_equal(tu_store_source_add(s, "import", "other.csv", 20000, &sid, &err), TU_OK);
    assert_int_equal(tu_store_ent_upsert(s, ents, n, sid, ids, &err), TU_OK);
    for (size_t i = 0; i < n; i++) roaring_bitmap_add(b, (uint32_t)ids[i]);
    char buf[256];
    size_t len = roaring_bitmap_portable_serialize(b, buf);
    assert_int_equal(tu_store_change_add(s, tu_app_origin() + 1, buf, len, (int64_t)n, NULL, &err), TU_OK);
    assert_int_equal(tu_store_commit(s, &err), TU_OK);
    roaring_bitmap_free(b);
}

typedef struct followed {
    int n;
    int64_t ent[8];
    size_t ngained[8], nlost[8], nnear[8];
} followed;

static void on_follow(void *ctx, const tu_match_delta *d) {
    followed *f = ctx;
    f->ent[f->n] = d->ent_id, f->ngained[f->n] = d->ngained, f->nlost[f->n] = d->nlost, f->nnear[f->n] = d->nnear;
    f->n++;
}

static int64_t store_id(int i) {
    tu_ent e;
    int64_t id = 0;
    make(i, &e);
    assert_int_equal(tu_store_ent_get_by_uscc(s, e.uscc, &id, &e, NULL, NULL), TU_OK);
    return id;
}

/* Policy 7 (alone in its file): rd_ratio >= 4. A foreign change before the index is built is a catch-up (already in the
 * index; every policy it qualifies for comes as gained); after it, a foreign update and a foreign new enterprise
 * are applied with their deltas; a change of this process (applied by the hook) is skipped; the cursor ends at the
 * feed's last row. */
static void test_follow_feed(void **state) {
    (void)state;
    tu_err err = {0};
    char pols[128];
    snprintf(pols, sizeof pols, "%s/p7.json", dir); /* policy 7 alone */
    FILE *pf = fopen(pols, "w");
    assert_non_null(pf);
    fputs("[{\"id\":7,\"title\":\"a\",\"rule\":{\"and\":[{\">=\":[{\"var\":\"revenue\"},0]},{\">=\":[{\"var\":\"rd_ratio\"},4]}]}}]", pf);
    fclose(pf);
    tu_match_svc_close(m);
    m = NULL;
    tu_ent e[2];
    make(3, &e[0]);
    assert_int_equal(tu_ent_set_cell(&e[0], TU_A_RD_RATIO, "5", 1, 0, NULL), TU_OK);
    assert_int_equal(tu_ent_finish(&e[0], NULL), TU_OK);
    foreign_write(e, 1); /* while no follower runs */
    assert_int_equal(tu_match_svc_open(s, pols, &m, &err), TU_OK);
    int64_t cursor = 0, last = 0;
    assert_int_equal(tu_store_change_last(s, &last, &err), TU_OK);
    assert_int_equal(tu_match_svc_built_seq(m), last);
    followed f = {0};
    size_t applied = 0;
    assert_int_equal(tu_match_svc_follow(m, s, &cursor, 100, on_follow, &f, &applied, &err), TU_OK);
    assert_int_equal(cursor, last);
    assert_int_equal(f.n, 1); /* the earlier tests' patches were of enterprises not eligible */
    assert_int_equal(f.ent[0], store_id(3));
    assert_int_equal(f.ngained[0], 1), assert_int_equal(f.nlost[0], 0), assert_int_equal(f.nnear[0], 0);

    /* now live: a foreign update (7: rd 3 -> 6) and a new enterprise (rd 3: a near miss), then one of this process */
    make(7, &e[0]);
    assert_int_equal(tu_ent_set_cell(&e[0], TU_A_RD_RATIO, "6", 1, 0, NULL), TU_OK);
    assert_int_equal(tu_ent_finish(&e[0], NULL), TU_OK);
    make(N + 1, &e[1]);
    foreign_write(e, 2);
    tu_principal p = {0};
    p.role = TU_ROLE_PROVINCIAL_OFFICIAL;
    snprintf(p.username, sizeof p.username, "prov");
    tu_actor a = {1, "prov", NULL};
    int changed;
    make(9, &e[0]);
    json_t *v = json_pack("{s:s}", "rd_ratio", "8");
    assert_int_equal(tu_app_ent_patch(s, &p, &a, e[0].uscc, v, 0, NULL, &changed, &err), TU_OK);
    json_decref(v);
    assert_int_equal(tu_match_svc_drain(m, NULL, NULL), 1); /* the hook's delta */
    memset(&f, 0, sizeof f);
    assert_int_equal(tu_match_svc_follow(m, s, &cursor, 100, on_follow, &f, &applied, &err), TU_OK);
    assert_int_equal(tu_store_change_last(s, &last, &err), TU_OK);
    assert_int_equal(cursor, last);
    assert_int_equal(applied, 2);
    assert_int_equal(f.n, 2);
    assert_int_equal(f.ent[0], store_id(7));
    assert_int_equal(f.ngained[0], 1);
    assert_int_equal(f.ent[1], store_id(N + 1));
    assert_int_equal(f.ngained[1], 0), assert_int_equal(f.nnear[1], 1);
    tu_match_svc_stats st;
    tu_match_svc_stats_get(m, &st);
    assert_int_equal(st.enterprises, N + 1);
    json_t *c = count("{\">=\":[{\"var\":\"rd_ratio\"},4]}", 0);
    assert_int_equal(num(c, "eligible"), 3); /* 3, 7 and 9 */
    json_decref(c);
    /* nothing new: a second call does nothing */
    memset(&f, 0, sizeof f);
    assert_int_equal(tu_match_svc_follow(m, s, &cursor, 100, on_follow, &f, &applied, &err), TU_OK);
    assert_int_equal(f.n, 0), assert_int_equal(applied, 0);
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_counts_and_city),
        cmocka_unit_test(test_estimate),
        cmocka_unit_test(test_change_hook_updates_index),
        cmocka_unit_test(test_policies_of_one),
        cmocka_unit_test(test_store_policies),
        cmocka_unit_test(test_follow_feed),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
