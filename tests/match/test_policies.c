/* Tests of src/match/policies.c: enterprise -> policies and change -> delta against the naive reference
 * evaluator, over random policies (single- and multi-attribute conditions) and random enterprises. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "core/alloc.h"
#include "match/policies.h"
#include "rand_ent.h"
#include "ref_eval.h"

enum { NPOL = 400, NENT = 400 };

/* A policy-like rule: an "and" of 1-4 conditions, mostly single leaves, some nested. */
static json_t *rnd_policy(void) {
    json_t *kids = json_array();
    for (int i = rndn(4); i >= 0; i--) json_array_append_new(kids, rndn(4) ? rnd_leaf() : rnd_rule(2));
    return rndn(10) ? json_pack("{s:o}", "and", kids) : json_pack("{s:o}", "or", kids);
}

static void check(const tu_polindex *pi, rs_rule *rs, const tu_ent *e, tu_polres *r) {
    tu_polindex_match(pi, e, r);
    for (size_t p = 0; p < NPOL; p++) {
        tu_tri want = tu_rule_eval_ent(rs[p].whole, e);
        int near = rs_near_miss(&rs[p], e);
        if (tu_polres_has(r, TU_PR_ELIGIBLE, p) != (want == TU_TRI_TRUE) ||
            tu_polres_has(r, TU_PR_UNKNOWN, p) != (want == TU_TRI_UNKNOWN) || tu_polres_has(r, TU_PR_NEAR_MISS, p) != near)
            fail_msg("policy %zu: want %d near %d, got eligible %d unknown %d near %d", p, want, near,
                     tu_polres_has(r, TU_PR_ELIGIBLE, p), tu_polres_has(r, TU_PR_UNKNOWN, p),
                     tu_polres_has(r, TU_PR_NEAR_MISS, p));
    }
}

static void test_against_reference(void **state) {
    (void)state;
    rnd_state = 99;
    json_t *rules[NPOL];
    static rs_rule rs[NPOL];
    tu_policy_rule pols[NPOL];
    for (int i = 0; i < NPOL; i++) {
        rules[i] = rnd_policy(), pols[i] = (tu_policy_rule){1000 + i, rules[i]};
        assert_int_equal(rs_build(&rs[i], rules[i]), 0);
    }
    tu_polindex *pi;
    tu_err err;
    assert_int_equal(tu_polindex_build(pols, NPOL, &pi, &err), TU_OK);
    assert_int_equal(tu_polindex_count(pi), NPOL);
    assert_int_equal(tu_polindex_id(pi, 7), 1007);
    tu_polres *r = tu_polres_new(pi), *r2 = tu_polres_new(pi);
    for (uint32_t k = 0; k < NENT; k++) {
        tu_ent e, e2;
        rnd_ent(&e, k);
        check(pi, rs, &e, r);
        rnd_ent(&e2, k);
        uint32_t gained[NPOL], lost[NPOL];
        size_t ng, nl;
        tu_polindex_delta(pi, &e, &e2, r, r2, gained, &ng, lost, &nl, NPOL);
        size_t wg = 0, wl = 0;
        for (size_t p = 0; p < NPOL; p++) {
            int o = tu_rule_eval_ent(rs[p].whole, &e) == TU_TRI_TRUE, n = tu_rule_eval_ent(rs[p].whole, &e2) == TU_TRI_TRUE;
            if (n && !o) assert_int_equal(gained[wg++], p);
            if (o && !n) assert_int_equal(lost[wl++], p);
        }
        assert_int_equal(ng, wg);
        assert_int_equal(nl, wl);
    }
    uint32_t pos[NPOL];
    tu_ent e;
    rnd_ent(&e, 1);
    tu_polindex_match(pi, &e, r);
    size_t nn = tu_polres_list(r, TU_PR_NEAR_MISS, pos, NPOL);
    char buf[256];
    if (nn) assert_non_null(strstr(tu_polindex_reason(pi, pos[0], &e, buf, sizeof buf), "not met: "));
    size_t ne = tu_polres_list(r, TU_PR_ELIGIBLE, pos, NPOL);
    if (ne) assert_string_equal(tu_polindex_reason(pi, pos[0], &e, buf, sizeof buf), "all conditions met");
    tu_polres_free(r);
    tu_polres_free(r2);
    tu_polindex_close(pi);
    for (int i = 0; i < NPOL; i++) json_decref(rules[i]), rs_free(&rs[i]);
}

static void test_bad_policy(void **state) {
    (void)state;
    json_t *bad = json_loads("{\"frobnicate\":[1,2]}", 0, NULL);
    tu_policy_rule p = {42, bad};
    tu_polindex *pi;
    tu_err err;
    assert_int_not_equal(tu_polindex_build(&p, 1, &pi, &err), TU_OK);
    assert_non_null(strstr(err.msg, "policy 42"));
    assert_null(pi);
    json_decref(bad);
}

/* The policy-list format shared by `techup serve --policies` and `techup policies-for`. */
static void test_policy_list(void **state) {
    (void)state;
    tu_policy_rule *pr = NULL;
    size_t n = 9;
    tu_err err = {0};
    json_t *ok = json_loads("[{\"id\":7,\"title\":{\"zh\":\"甲\"},\"rule\":true},{\"id\":8,\"title\":\"b\",\"rule\":false}]", 0, NULL);
    assert_int_equal(tu_policy_rules_from_json(ok, "t", &pr, &n, &err), TU_OK);
    assert_int_equal(n, 2);
    assert_int_equal(pr[1].id, 8);
    assert_ptr_equal(pr[0].rule, json_object_get(json_array_get(ok, 0), "rule"));
    tu_free(pr);
    json_t *bad = json_loads("[{\"id\":1,\"title\":\"a\",\"rule\":true},{\"id\":\"2\",\"title\":\"b\",\"rule\":true}]", 0, NULL);
    assert_int_equal(tu_policy_rules_from_json(bad, "f.json", &pr, &n, &err), TU_EPARSE);
    assert_null(pr);
    assert_non_null(strstr(err.msg, "f.json: policy 2 needs an integer id"));
    assert_int_equal(tu_policy_rules_from_json(json_object_get(ok, "x"), "f.json", &pr, &n, &err), TU_EPARSE);
    json_t *doc = NULL;
    assert_int_equal(tu_policy_rules_load("/nonexistent/policies.json", &doc, &pr, &n, &err), TU_EPARSE);
    assert_null(doc);
    json_decref(ok), json_decref(bad);
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_against_reference),
        cmocka_unit_test(test_bad_policy),
        cmocka_unit_test(test_policy_list),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
