/* Tests of src/match/compile.c and match.c: each plan operator against the naive reference evaluator, then
 * thousands of random rules over random enterprises (eligible / not eligible / unknown and near miss must be
 * identical row by row), also after in-place index updates. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "core/alloc.h"
#include "core/codes.h"
#include "match/match.h"
#include "match/match_int.h"
#include "rand_ent.h"
#include "ref_eval.h"

enum { N = 3000 };

typedef struct fixture {
    tu_ent *ents;
    tu_index *ix;
} fixture;

static int setup(void **state) {
    fixture *f = calloc(1, sizeof *f);
    f->ents = calloc(N, sizeof *f->ents);
    rnd_state = 12345;
    for (uint32_t i = 0; i < N; i++) rnd_ent(&f->ents[i], i);
    tu_err err;
    if (tu_index_build(f->ents, N, &f->ix, &err) != TU_OK) return -1;
    *state = f;
    return 0;
}

static int teardown(void **state) {
    fixture *f = *state;
    tu_index_close(f->ix);
    free(f->ents);
    free(f);
    return 0;
}

/* Runs the rule through the plan and compares every row with rules/' row-wise evaluator (tu_rule_eval_ent):
 * eligible / not eligible / unknown and near miss must be identical. In the operator tests (naive = 1) the
 * naive evaluator of ref_eval.h must agree as well. */
static void check_rule_ex(fixture *f, const json_t *rule, int naive) {
    tu_plan *p;
    tu_matchset *m, *m2;
    tu_err err;
    rs_rule rs;
    char *s = json_dumps(rule, JSON_COMPACT | JSON_ENCODE_ANY);
    if (rs_build(&rs, rule)) fail_msg("rules/ rejects %s", s);
    if (tu_plan_compile(rule, &p, &err)) fail_msg("compile failed: %s: %s", s, err.msg);
    assert_int_equal(tu_match_run(f->ix, p, TU_MATCH_NEAR_MISS, &m, &err), TU_OK);
    assert_int_equal(tu_match_run(f->ix, p, 0, &m2, &err), TU_OK);
    uint64_t counts[3] = {0};
    for (uint32_t i = 0; i < N; i++) {
        tu_tri want = tu_rule_eval_ent(rs.whole, &f->ents[i]);
        tu_tri got = tu_matchset_has(m, TU_MS_ELIGIBLE, i)       ? TU_TRI_TRUE
                     : tu_matchset_has(m, TU_MS_NOT_ELIGIBLE, i) ? TU_TRI_FALSE
                                                                 : TU_TRI_UNKNOWN;
        tu_tri got2 = tu_matchset_has(m2, TU_MS_ELIGIBLE, i)       ? TU_TRI_TRUE
                      : tu_matchset_has(m2, TU_MS_NOT_ELIGIBLE, i) ? TU_TRI_FALSE
                                                                   : TU_TRI_UNKNOWN;
        if (got != want || got2 != want || tu_matchset_has(m, TU_MS_UNKNOWN, i) != (want == TU_TRI_UNKNOWN))
            fail_msg("row %u: rule %s: want %d, got %d / %d", i, s, want, got, got2);
        if (naive && ref_tri(rule, &f->ents[i]) != want)
            fail_msg("row %u: rule %s: naive evaluator says %d, rules/ %d", i, s, ref_tri(rule, &f->ents[i]), want);
        if (tu_matchset_has(m, TU_MS_NEAR_MISS, i) != rs_near_miss(&rs, &f->ents[i]))
            fail_msg("row %u: rule %s: near miss differs (want %d)", i, s, rs_near_miss(&rs, &f->ents[i]));
        counts[want]++;
    }
    assert_int_equal(tu_matchset_count(m, TU_MS_ELIGIBLE), counts[TU_TRI_TRUE]);
    /* the eligible set alone: from bitmaps whenever possible (1), when cheaper (2), never (0) */
    static const int sparse[] = {1, 2, 0};
    for (int k = 0; k < 3; k++) {
        tu__match_sparse = sparse[k];
        roaring_bitmap_t *b = NULL;
        assert_int_equal(tu_match_eligible(f->ix, p, &b, &err), TU_OK);
        for (uint32_t i = 0; i < N; i++)
            if (roaring_bitmap_contains(b, i) != tu_matchset_has(m, TU_MS_ELIGIBLE, i))
                fail_msg("row %u: rule %s: tu_match_eligible (sparse %d) says %d", i, s, sparse[k], !tu_matchset_has(m, TU_MS_ELIGIBLE, i));
        assert_int_equal(roaring_bitmap_get_cardinality(b), counts[TU_TRI_TRUE]);
        roaring_bitmap_free(b);
    }
    tu__match_sparse = 2;
    assert_int_equal(tu_matchset_count(m, TU_MS_NOT_ELIGIBLE), counts[TU_TRI_FALSE]);
    assert_int_equal(tu_matchset_count(m, TU_MS_UNKNOWN), counts[TU_TRI_UNKNOWN]);
    tu_matchset_free(m);
    tu_matchset_free(m2);
    tu_plan_free(p);
    rs_free(&rs);
    free(s);
}

static void check_rule(fixture *f, const json_t *rule) { check_rule_ex(f, rule, 0); }
static void check_pair(const tu_index *ix);

static void check_text(fixture *f, const char *text) {
    json_error_t je;
    json_t *rule = json_loads(text, JSON_DECODE_ANY, &je);
    assert_non_null(rule);
    check_rule_ex(f, rule, 1);
    json_decref(rule);
}

static void test_operators(void **state) {
    fixture *f = *state;
    static const char *const rules[] = {
        "true", "false",
        "{\">=\":[{\"var\":\"revenue\"},2000]}", "{\">\":[{\"var\":\"revenue\"},2000]}",
        "{\"<\":[{\"var\":\"revenue\"},1999.99]}", "{\"<=\":[{\"var\":\"employees\"},300]}",
        "{\"==\":[{\"var\":\"employees\"},300]}", "{\"!=\":[{\"var\":\"employees\"},300]}",
        "{\"<=\":[20,{\"var\":\"employees\"},1000]}", "{\"<\":[1,{\"var\":\"rd_ratio\"},3.5]}",
        "{\">=\":[{\"var\":\"energy_tce\"},1000.0001]}", "{\">=\":[5000,{\"var\":\"revenue\"}]}",
        "{\">=\":[{\"var\":\"founded\"},\"2010-01-01\"]}", "{\"==\":[{\"var\":\"founded\"},\"2010-01-01\"]}",
        "{\"==\":[{\"var\":\"city\"},\"440300\"]}", "{\"!=\":[{\"var\":\"city\"},\"440300\"]}",
        "{\"in\":[{\"var\":\"industry_division\"},[\"C38\",\"C39\",\"X99\"]]}",
        "{\"in\":[{\"var\":\"region\"},[\"pearl_river_delta\",\"east\"]]}",
        "{\"==\":[{\"var\":\"size\"},\"small\"]}", "{\"in\":[\"high_tech\",{\"var\":\"tags\"}]}",
        "{\"in\":[\"no_such_tag\",{\"var\":\"tags\"}]}", "{\"==\":[{\"var\":\"industry\"},\"C382\"]}",
        "{\"!\":{\">=\":[{\"var\":\"revenue\"},2000]}}", "{\"!!\":[{\"in\":[\"high_tech\",{\"var\":\"tags\"}]}]}",
        "{\"or\":[{\"in\":[\"high_tech\",{\"var\":\"tags\"}]},{\"in\":[\"little_giant\",{\"var\":\"tags\"}]}]}",
        ("{\"and\":[{\">=\":[{\"var\":\"revenue\"},2000]},{\"<\":[{\"var\":\"employees\"},100]},"
         "{\"==\":[{\"var\":\"industry\"},\"C38\"]}]}"),
        "{\"or\":[{\">=\":[{\"var\":\"revenue\"},2000]},{\"==\":[{\"var\":\"industry\"},\"C38\"]}]}",
    };
    for (size_t i = 0; i < sizeof rules / sizeof rules[0]; i++) check_text(f, rules[i]);
}

static void test_random_rules(void **state) {
    fixture *f = *state;
    rnd_state = 777;
    unsigned long sparse0 = tu__match_sparse_runs;
    for (int i = 0; i < 2000; i++) {
        json_t *rule = rnd_rule(3);
        check_rule(f, rule);
        json_decref(rule);
    }
    /* most random rules can start from a bitmap: the sparse path must really have answered them */
    if (tu__match_sparse_runs - sparse0 < 1000) fail_msg("sparse path answered only %lu of 2000 rules", tu__match_sparse_runs - sparse0);
}

static void test_small_chunks(void **state) { /* many chunks, chunk edges inside roaring containers */
    fixture *f = *state;
    rnd_state = 31337;
    for (size_t chunk = 1; chunk <= 16; chunk *= 4) {
        tu__match_chunk = chunk;
        for (int i = 0; i < 150; i++) {
            json_t *rule = rnd_rule(3);
            check_rule(f, rule);
            json_decref(rule);
        }
    }
    tu__match_chunk = 1024;
}

static void random_rules(fixture *f, int n) {
    for (int i = 0; i < n; i++) {
        json_t *rule = rnd_rule(3);
        check_rule(f, rule);
        json_decref(rule);
    }
}

/* Ranges answered from the bucket bitmaps and by scanning the bucket codes give the same sets. */
static void test_range_paths(void **state) {
    fixture *f = *state;
    int narrow[] = {0, TU__QBUCKETS};
    for (int k = 0; k < 2; k++) {
        tu__match_narrow = narrow[k];
        rnd_state = 2024;
        random_rules(f, 400);
    }
    tu__match_narrow = 8;
}

/* Bucket bounds: strictly increasing, and every round value within the data's span is one of them (d x 10^k
 * for numbers, 1 January for dates), so a rule with a round threshold has no boundary bucket to check row by
 * row; a threshold that is not round still has one. */
static int is_bound(const int64_t *b, int64_t v) {
    for (int q = 1; q < TU__QBUCKETS; q++)
        if (b[q] == v) return 1;
    return 0;
}

static void test_round_bounds(void **state) {
    fixture *f = *state;
    const tu_index *ix = f->ix;
    for (int k = 0; k < TU__NUM_COUNT; k++) {
        assert_true(ix->bounds[k][0] == INT64_MIN);
        for (int q = 1; q < TU__QBUCKETS; q++)
            if (ix->bounds[k][q] <= ix->bounds[k][q - 1]) fail_msg("slot %d: bound %d does not increase", k, q);
    }
    int64_t lo = INT64_MAX, hi = INT64_MIN, dlo = INT64_MAX, dhi = INT64_MIN, elo = INT64_MAX, ehi = INT64_MIN;
    for (uint32_t i = 0; i < N; i++) {
        const tu_ent *e = &f->ents[i];
        if (TU_ENT_HAS(e, TU_A_REVENUE)) lo = e->revenue < lo ? e->revenue : lo, hi = e->revenue > hi ? e->revenue : hi;
        if (TU_ENT_HAS(e, TU_A_EMPLOYEES))
            elo = e->employees < elo ? e->employees : elo, ehi = e->employees > ehi ? e->employees : ehi;
        if (TU_ENT_HAS(e, TU_A_FOUNDED)) dlo = e->founded < dlo ? e->founded : dlo, dhi = e->founded > dhi ? e->founded : dhi;
    }
    int checked = 0;
    for (int64_t p = 1; p <= hi; p *= 10)
        for (int64_t d = 1; d <= 9; d++)
            if (d * p > lo && d * p <= hi) {
                if (!is_bound(ix->bounds[TU__NUM_REVENUE], d * p)) fail_msg("revenue %lld is not a bound", (long long)(d * p));
                checked++;
            }
    for (int64_t p = 1; p <= ehi; p *= 10)
        for (int64_t d = 1; d <= 9; d++)
            if (d * p > elo && d * p <= ehi && !is_bound(ix->bounds[TU__NUM_EMPLOYEES], d * p))
                fail_msg("employees %lld is not a bound", (long long)(d * p));
    int y0, y1, m, d;
    tu_date_to_ymd((int32_t)dlo, &y0, &m, &d);
    tu_date_to_ymd((int32_t)dhi, &y1, &m, &d);
    for (int y = y0 + 1; y <= y1; y++, checked++)
        if (!is_bound(ix->bounds[TU__NUM_FOUNDED], tu_date_from_ymd(y, 1, 1))) fail_msg("%d-01-01 is not a bound", y);
    assert_true(checked > 40);
    /* revenue >= 2000 万元 and founded <= 2016-12-31 lie on bounds; revenue >= 2000.01 does not */
    tu__rbuckets rb = tu__range_buckets(ix->bounds[TU__NUM_REVENUE], 2000 * TU_DEC_SCALE, INT64_MAX);
    assert_int_equal(rb.e1, -1);
    rb = tu__range_buckets(ix->bounds[TU__NUM_FOUNDED], INT64_MIN, tu_date_from_ymd(2016, 12, 31));
    assert_int_equal(rb.e2, -1);
    rb = tu__range_buckets(ix->bounds[TU__NUM_REVENUE], 2000 * TU_DEC_SCALE + 1, INT64_MAX);
    assert_true(rb.e1 >= 0);
}

/* The division x revenue pair (pair.c) holds, for every division, its members' revenue bucket codes in id order:
 * compared with the columns. */
static void check_pair(const tu_index *ix) {
    for (int v = 0; v < tu__code_nvalues(TU__CODE_DIVISION); v++) {
        uint32_t k = 0;
        for (uint32_t id = 0; id < tu_index_count(ix); id++) {
            if (!(ix->present[id] >> TU_A_INDUSTRY_DIVISION & 1u) || ix->division[id] != v) continue;
            if (k >= ix->pair[v].n) fail_msg("division %d: pair holds %u members, more exist", v, ix->pair[v].n);
            if (ix->pair[v].q[k] != ix->qcode[TU__NUM_REVENUE][id])
                fail_msg("division %d, member %u (id %u): pair code %d, column %d", v, k, id, ix->pair[v].q[k],
                         ix->qcode[TU__NUM_REVENUE][id]);
            k++;
        }
        assert_int_equal(k, ix->pair[v].n);
    }
}

/* Rules with a division list and a revenue range answered from the pair and without it agree (check_rule
 * compares every path with the row-wise evaluator), also with boundary buckets and with ranges that include
 * the code of a missing revenue. */
static void pair_rules(fixture *f, int n) {
    static const char *const lists[] = {"[\"C38\"]", "[\"C34\",\"C35\",\"C38\",\"C39\",\"C40\"]",
                                        "[\"C13\",\"I65\",\"X99\"]"};
    static const char *const ranges[] = {"{\">=\":[{\"var\":\"revenue\"},2000]}",
                                         "{\"<\":[{\"var\":\"revenue\"},1234.56]}",
                                         "{\"<=\":[100.5,{\"var\":\"revenue\"},4999.99]}",
                                         "{\">\":[{\"var\":\"revenue\"},-1]}", "{\"==\":[{\"var\":\"revenue\"},0]}"};
    unsigned long runs0 = tu__match_pair_runs;
    for (int i = 0; i < n; i++) {
        char text[512];
        const char *extra = i % 3 == 0 ? ",{\">=\":[{\"var\":\"employees\"},20]}" : i % 3 == 1 ? ",{\"in\":[\"high_tech\",{\"var\":\"tags\"}]}" : "";
        snprintf(text, sizeof text, "{\"and\":[{\"in\":[{\"var\":\"industry_division\"},%s]},%s%s]}",
                 lists[i % 3], ranges[i % 5], extra);
        json_t *rule = json_loads(text, 0, NULL);
        if (!rule) fail_msg("bad test rule %s", text);
        check_rule(f, rule);
        json_decref(rule);
    }
    if (tu__match_pair == 1 && tu__match_pair_runs - runs0 < (unsigned long)n)
        fail_msg("the pair answered %lu of %d rules", tu__match_pair_runs - runs0, n);
}

static void test_pair(void **state) {
    fixture *f = *state;
    check_pair(f->ix);
    for (int k = 1; k >= 0; k--) {
        tu__match_pair = k;
        pair_rules(f, 30);
        rnd_state = 99;
        random_rules(f, 200);
    }
    tu__match_pair = 1;
    for (int simd = 1; simd >= 0; simd--) { /* the narrower scans of CPUs without AVX-512 / AVX2 */
        tu__match_simd = simd;
        pair_rules(f, 15);
    }
    tu__match_simd = 2;
    tu__match_pair = 2;
}

/* A larger index (70,000 records, ~7,000 per division: bitset containers, arrays past 256 entries, a second
 * chunk): the pair's answers, at every SIMD width, against the same rules without it. */
static void test_pair_large(void **state) {
    (void)state;
    enum { NL = 70000 };
    tu_ent *ents = calloc(NL, sizeof *ents);
    rnd_state = 5150;
    for (uint32_t i = 0; i < NL; i++) rnd_ent(&ents[i], i);
    tu_index *ix;
    tu_err err;
    assert_int_equal(tu_index_build(ents, NL / 2, &ix, &err), TU_OK);
    for (uint32_t i = NL / 2; i < NL; i++) assert_int_equal(tu_index_update(ix, i, &ents[i], &err), TU_OK);
    for (uint32_t i = 0; i < 300; i++) { /* some move between divisions */
        uint32_t id = (uint32_t)rndn(NL);
        rnd_ent(&ents[id], id);
        assert_int_equal(tu_index_update(ix, id, &ents[id], &err), TU_OK);
    }
    check_pair(ix);
    static const char *const rules[] = {
        "{\"and\":[{\"in\":[{\"var\":\"industry_division\"},[\"C34\",\"C35\",\"C38\",\"C39\",\"C40\"]]},{\">=\":[{\"var\":\"revenue\"},2000]}]}",
        "{\"and\":[{\"in\":[{\"var\":\"industry_division\"},[\"C13\"]]},{\"<=\":[333.33,{\"var\":\"revenue\"},4444.44]}]}",
        "{\"and\":[{\"in\":[{\"var\":\"industry_division\"},[\"C26\",\"F51\"]]},{\"<\":[{\"var\":\"revenue\"},100]}]}",
        "{\"and\":[{\"in\":[{\"var\":\"industry_division\"},[\"C33\",\"I65\"]]},{\">\":[{\"var\":\"revenue\"},-1]}]}",
    };
    for (size_t r = 0; r < sizeof rules / sizeof rules[0]; r++) {
        json_t *j = json_loads(rules[r], 0, NULL);
        tu_plan *p;
        assert_int_equal(tu_plan_compile(j, &p, &err), TU_OK);
        tu__match_pair = 0;
        roaring_bitmap_t *want, *got;
        assert_int_equal(tu_match_eligible(ix, p, &want, &err), TU_OK);
        assert_true(roaring_bitmap_get_cardinality(want) > 0);
        tu__match_pair = 1, tu__match_sparse = 1;
        for (int simd = 2; simd >= 0; simd--) {
            tu__match_simd = simd;
            unsigned long runs = tu__match_pair_runs;
            assert_int_equal(tu_match_eligible(ix, p, &got, &err), TU_OK);
            assert_int_equal(tu__match_pair_runs, runs + 1);
            if (!roaring_bitmap_equals(want, got))
                fail_msg("%s (simd %d): %llu ids, want %llu", rules[r], simd,
                         (unsigned long long)roaring_bitmap_get_cardinality(got),
                         (unsigned long long)roaring_bitmap_get_cardinality(want));
            roaring_bitmap_free(got);
        }
        tu__match_simd = 2, tu__match_pair = 2, tu__match_sparse = 2;
        roaring_bitmap_free(want);
        tu_plan_free(p);
        json_decref(j);
    }
    tu_index_close(ix);
    free(ents);
}

static void test_updates(void **state) {
    fixture *f = *state;
    rnd_state = 4242;
    tu_err err;
    for (int i = 0; i < 500; i++) { /* rewrite rows in place, and append some */
        uint32_t id = (uint32_t)rndn(N);
        rnd_ent(&f->ents[id], id);
        assert_int_equal(tu_index_update(f->ix, id, &f->ents[id], &err), TU_OK);
    }
    assert_int_equal(tu_index_update(f->ix, N + 5, &f->ents[0], &err), TU_EINVAL);
    for (int k = 0; k < TU__NUM_COUNT; k++) /* the cost model's bucket sizes follow the bitmaps and the codes */
        for (int q = 0; q < TU__QBUCKETS; q++) {
            uint64_t codes = 0;
            for (size_t i = 0; i < tu_index_count(f->ix); i++) codes += f->ix->qcode[k][i] == q;
            assert_int_equal(f->ix->qcard[k][q], roaring_bitmap_get_cardinality(f->ix->qbm[k][q]));
            assert_int_equal(f->ix->qcard[k][q], codes);
        }
    for (int k = 0; k < TU__CODE_COUNT; k++) /* so do the code values' and tags' counts */
        for (int v = 0; v < tu__code_nvalues(k); v++)
            assert_int_equal(f->ix->ccard[k][v], roaring_bitmap_get_cardinality(f->ix->code[k][v]));
    for (int t = 0; t < TU_TAG_COUNT; t++)
        assert_int_equal(f->ix->tcard[t], roaring_bitmap_get_cardinality(f->ix->tag[t]));
    check_pair(f->ix); /* rewritten in place, moved between divisions, appended */
    random_rules(f, 300);
    tu__match_narrow = TU__QBUCKETS; /* the bucket bitmaps were kept current too */
    random_rules(f, 300);
    tu__match_narrow = 8;
    tu__match_pair = 1;
    pair_rules(f, 30);
    tu__match_pair = 2;
}

static void test_sets(void **state) {
    fixture *f = *state;
    json_t *rule = json_pack("{s:[{s:s},i]}", ">=", "var", "revenue", 1000);
    tu_plan *p;
    tu_matchset *m;
    assert_int_equal(tu_plan_compile(rule, &p, NULL), TU_OK);
    assert_int_equal(tu_match_run(f->ix, p, 0, &m, NULL), TU_OK);
    roaring_bitmap_t *b = tu_matchset_bitmap(m, TU_MS_ELIGIBLE);
    assert_int_equal(roaring_bitmap_get_cardinality(b), tu_matchset_count(m, TU_MS_ELIGIBLE));
    uint32_t ids[10];
    size_t k = tu_matchset_page(m, TU_MS_ELIGIBLE, 3, ids, 10);
    assert_int_equal(k, 10);
    for (size_t i = 0; i < k; i++) {
        uint32_t want;
        assert_true(roaring_bitmap_select(b, (uint32_t)(3 + i), &want));
        assert_int_equal(ids[i], want);
        assert_true(f->ents[ids[i]].revenue >= 1000 * TU_DEC_SCALE);
    }
    uint64_t by_city[64], total = 0;
    assert_int_equal(tu_match_breakdown(f->ix, m, TU_MS_ELIGIBLE, TU_A_CITY, by_city), TU_OK);
    for (int i = 0; i < tu_match_breakdown_len(TU_A_CITY); i++) total += by_city[i];
    assert_int_equal(total, tu_matchset_count(m, TU_MS_ELIGIBLE));
    assert_int_equal(tu_match_breakdown(f->ix, m, TU_MS_ELIGIBLE, TU_A_REVENUE, by_city), TU_EINVAL);
    roaring_bitmap_free(b);
    tu_matchset_free(m);
    tu_plan_free(p);
    json_decref(rule);
}

static void test_index_rows(void **state) {
    fixture *f = *state;
    for (uint32_t i = 0; i < N; i += 7) {
        tu_ent e;
        char u[19];
        assert_int_equal(tu_index_get(f->ix, i, &e), TU_OK);
        assert_string_equal(e.uscc, f->ents[i].uscc);
        assert_int_equal(tu_index_uscc(f->ix, i, u), TU_OK);
        assert_string_equal(u, f->ents[i].uscc);
        assert_int_equal(tu_index_find_uscc(f->ix, u), i);
        assert_int_equal(e.present, f->ents[i].present);
        assert_string_equal(e.industry, f->ents[i].industry);
        assert_int_equal(e.district, TU_ENT_HAS(&f->ents[i], TU_A_DISTRICT) ? f->ents[i].district : 0);
        assert_int_equal(e.revenue, TU_ENT_HAS(&e, TU_A_REVENUE) ? f->ents[i].revenue : 0);
    }
    assert_int_equal(tu_index_find_uscc(f->ix, "nope"), -1);
    size_t cols, bms;
    tu_index_memory(f->ix, &cols, &bms);
    assert_true(cols / tu_index_count(f->ix) <= 64);
}

static void check_all_found(const tu_index *ix, const tu_ent *ents, size_t n) {
    for (size_t i = 0; i < n; i++)
        if (tu_index_find_uscc(ix, ents[i].uscc) != (int64_t)i) fail_msg("USCC of id %zu not found", i);
}

/* USCC -> id through growth of the table (appends), changes of USCCs (deletions shift probe chains) and changes
 * back: after each step every record's USCC finds exactly its id and a USCC no record holds finds nothing. */
static void test_uscc_lookup(void **state) {
    fixture *f = *state;
    tu_index *ix;
    tu_err err = {0};
    tu_ent *ents = calloc(N, sizeof *ents);
    memcpy(ents, f->ents, N * sizeof *ents);
    assert_int_equal(tu_index_build(ents, 10, &ix, &err), TU_OK);
    check_all_found(ix, ents, 10);
    for (uint32_t i = 10; i < N; i++) assert_int_equal(tu_index_update(ix, i, &ents[i], &err), TU_OK);
    check_all_found(ix, ents, N);
    char old[19];
    memcpy(old, ents[3].uscc, sizeof old);
    for (uint32_t i = 0; i < N; i += 3) { /* a new organisation code for every third record */
        snprintf(ents[i].uscc + 8, 10, "Y%08u", i);
        ents[i].uscc[17] = tu_uscc_check_char(ents[i].uscc), ents[i].uscc[18] = '\0';
        assert_int_equal(tu_index_update(ix, i, &ents[i], &err), TU_OK);
    }
    check_all_found(ix, ents, N);
    assert_int_equal(tu_index_find_uscc(ix, old), -1);
    memcpy(ents, f->ents, N * sizeof *ents);
    for (uint32_t i = 0; i < N; i += 3) assert_int_equal(tu_index_update(ix, i, &ents[i], &err), TU_OK);
    check_all_found(ix, ents, N);
    assert_int_equal(tu_index_find_uscc(ix, old), 3);
    assert_int_equal(tu_index_find_uscc(ix, "91440300MA5DYYYYY0"), -1); /* valid letters, held by none */
    assert_int_equal(tu_index_find_uscc(ix, "91440300ma5d000000"), -1); /* not the alphabet */
    tu_index_close(ix);
    free(ents);
}

/* A bulk load (the CSV and store loaders): reserved room, appends entered in the USCC table at the end. */
static void test_bulk_uscc(void **state) {
    fixture *f = *state;
    tu_index *ix;
    tu_err err = {0};
    assert_int_equal(tu_index_build(f->ents, 10, &ix, &err), TU_OK);
    assert_int_equal(tu_index_reserve(ix, N, &err), TU_OK);
    assert_int_equal(tu_index_reserve(ix, (size_t)1 << 30, &err), TU_ETOOBIG);
    tu_index_bulk_begin(ix);
    for (uint32_t i = 10; i < N; i++) assert_int_equal(tu_index_update(ix, i, &f->ents[i], &err), TU_OK);
    assert_int_equal(tu_index_update(ix, 4, &f->ents[4], &err), TU_OK); /* an existing row rewritten meanwhile */
    assert_int_equal(tu_index_find_uscc(ix, f->ents[N - 1].uscc), -1); /* not entered yet */
    assert_int_equal(tu_index_bulk_end(ix, &err), TU_OK);
    check_all_found(ix, f->ents, N);
    assert_int_equal(tu_index_update(ix, N, &f->ents[0], &err), TU_OK); /* normal appends again: the USCC moves */
    assert_int_equal(tu_index_find_uscc(ix, f->ents[0].uscc), N);
    check_pair(ix); /* trimmed at the end of the load, grown again by the append */
    tu_index_close(ix);
}

static void test_errors(void **state) {
    (void)state;
    tu_plan *p;
    tu_err err;
    json_t *bad = json_loads("{\"frobnicate\":[1,{\"var\":\"revenue\"}]}", 0, NULL);
    assert_int_not_equal(tu_plan_compile(bad, &p, &err), TU_OK);
    assert_null(p);
    json_decref(bad);
    json_t *deep = json_true();
    for (int i = 0; i < 100; i++) deep = json_pack("{s:o}", "!", deep);
    assert_int_equal(tu_plan_compile(deep, &p, &err), TU_EDEPTH);
    json_decref(deep);
    json_t *ok = json_loads("{\">=\":[{\"var\":\"revenue\"},1]}", 0, NULL);
    for (long k = 0; k < 6; k++) { /* every allocation failure is reported, nothing leaks */
        tu_alloc_fail_after(k);
        int rc = tu_plan_compile(ok, &p, &err);
        tu_alloc_fail_after(-1);
        if (rc == TU_OK) tu_plan_free(p);
        else assert_int_equal(rc, TU_ENOMEM);
    }
    json_decref(ok);
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_errors),
        cmocka_unit_test_setup_teardown(test_operators, setup, teardown),
        cmocka_unit_test_setup_teardown(test_sets, setup, teardown),
        cmocka_unit_test_setup_teardown(test_index_rows, setup, teardown),
        cmocka_unit_test_setup_teardown(test_uscc_lookup, setup, teardown),
        cmocka_unit_test_setup_teardown(test_bulk_uscc, setup, teardown),
        cmocka_unit_test_setup_teardown(test_random_rules, setup, teardown),
        cmocka_unit_test_setup_teardown(test_small_chunks, setup, teardown),
        cmocka_unit_test_setup_teardown(test_range_paths, setup, teardown),
        cmocka_unit_test_setup_teardown(test_round_bounds, setup, teardown),
        cmocka_unit_test_setup_teardown(test_updates, setup, teardown),
        cmocka_unit_test_setup_teardown(test_pair, setup, teardown),
        cmocka_unit_test(test_pair_large),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
