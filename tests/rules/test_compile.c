/* Tests of src/rules/compile.c: three-valued eligibility (Kleene logic, missing attributes), and the compiled
 * program checked against the standard evaluator on thousands of random rules and enterprises. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <cmocka.h>

#include "rules/rules_int.h"
#include "core/alloc.h"
#include "core/num.h"
#include "rules_fixture.h"

#define FULL "{\"city\":\"440300\",\"industry\":\"C3811\",\"revenue\":\"2500\",\"employees\":120,\"rd_ratio\":\"3.1\"," \
             "\"energy_tce\":\"800\",\"founded\":\"2015-06-01\",\"tags\":\"high_tech;above_scale\"}"
#define SPARSE "{\"city\":\"441400\",\"industry\":\"C3512\",\"employees\":40}"

static tu_tri tri(const char *rule, const char *ent) {
    tu_rule *r = fx_rule(rule);
    tu_ent e = fx_ent(ent);
    tu_tri t = tu_rule_eval_ent(r, &e);
    tu_rule_free(r);
    return t;
}

static void test_conditions(void **state) {
    (void)state;
    assert_int_equal(tri("{\">=\":[{\"var\":\"revenue\"},2000]}", FULL), TU_TRI_TRUE);
    assert_int_equal(tri("{\">=\":[{\"var\":\"rd_ratio\"},4]}", FULL), TU_TRI_FALSE);
    assert_int_equal(tri("{\"<\":[3,{\"var\":\"rd_ratio\"}]}", FULL), TU_TRI_TRUE); /* constant on the left */
    assert_int_equal(tri("{\"==\":[{\"var\":\"rd_ratio\"},3.1]}", FULL), TU_TRI_TRUE); /* exact decimal view */
    assert_int_equal(tri("{\"in\":[\"high_tech\",{\"var\":\"tags\"}]}", FULL), TU_TRI_TRUE);
    assert_int_equal(tri("{\"in\":[\"little_giant\",{\"var\":\"tags\"}]}", FULL), TU_TRI_FALSE);
    assert_int_equal(tri("{\"in\":[\"little_giant\",{\"var\":\"tags\"}]}", SPARSE), TU_TRI_FALSE); /* no tags = [] */
    assert_int_equal(tri("{\"in\":[{\"var\":\"industry_division\"},[\"C38\",\"C39\"]]}", FULL), TU_TRI_TRUE);
    assert_int_equal(tri("{\"==\":[{\"var\":\"city\"},\"440300\"]}", FULL), TU_TRI_TRUE); /* codes are strings */
    assert_int_equal(tri("{\"===\":[{\"var\":\"city\"},440300]}", FULL), TU_TRI_FALSE);
    assert_int_equal(tri("{\"==\":[{\"var\":\"region\"},\"pearl_river_delta\"]}", FULL), TU_TRI_TRUE);
    assert_int_equal(tri("{\"<\":[{\"var\":\"founded\"},\"2016-01-01\"]}", FULL), TU_TRI_TRUE); /* ISO dates */
    assert_int_equal(tri("{\">\":[{\"*\":[{\"var\":\"revenue\"},2]},{\"var\":\"energy_tce\"}]}", FULL), TU_TRI_TRUE);
    assert_int_equal(tri("{\"<\":[100,{\"var\":\"employees\"},200]}", FULL), TU_TRI_TRUE);
}

static void test_kleene(void **state) {
    (void)state;
    const char *miss = "{\">=\":[{\"var\":\"revenue\"},2000]}"; /* SPARSE has no revenue */
    char buf[512];
    assert_int_equal(tri(miss, SPARSE), TU_TRI_UNKNOWN);
    snprintf(buf, sizeof buf, "{\"and\":[%s,true]}", miss);
    assert_int_equal(tri(buf, SPARSE), TU_TRI_UNKNOWN);
    snprintf(buf, sizeof buf, "{\"and\":[%s,false]}", miss);
    assert_int_equal(tri(buf, SPARSE), TU_TRI_FALSE);
    snprintf(buf, sizeof buf, "{\"or\":[%s,true]}", miss);
    assert_int_equal(tri(buf, SPARSE), TU_TRI_TRUE);
    snprintf(buf, sizeof buf, "{\"or\":[%s,false]}", miss);
    assert_int_equal(tri(buf, SPARSE), TU_TRI_UNKNOWN);
    snprintf(buf, sizeof buf, "{\"!\":[%s]}", miss);
    assert_int_equal(tri(buf, SPARSE), TU_TRI_UNKNOWN);
    snprintf(buf, sizeof buf, "{\"!!\":%s}", miss);
    assert_int_equal(tri(buf, SPARSE), TU_TRI_UNKNOWN);
    snprintf(buf, sizeof buf, "{\"if\":[%s,true,false]}", miss);
    assert_int_equal(tri(buf, SPARSE), TU_TRI_UNKNOWN);
    assert_int_equal(tri("{\"+\":[{\"var\":\"revenue\"},1]}", SPARSE), TU_TRI_UNKNOWN);
    assert_int_equal(tri("{\"and\":[]}", FULL), TU_TRI_FALSE); /* null in JsonLogic (found by the fuzzer) */
    assert_int_equal(tri("{\"or\":[]}", FULL), TU_TRI_FALSE);
    assert_int_equal(tri("{\">\":[{\"var\":[\"revenue\",0]},-1]}", SPARSE), TU_TRI_TRUE); /* a default applies */
    assert_int_equal(tri("{\"==\":[{\"var\":\"no_such_attribute\"},1]}", FULL), TU_TRI_UNKNOWN);
    /* an operation the compiler leaves to the standard evaluator is UNKNOWN when its inputs are missing */
    assert_int_equal(tri("{\"==\":[{\"cat\":[{\"var\":\"revenue\"},\"x\"]},\"2500x\"]}", FULL), TU_TRI_TRUE);
    assert_int_equal(tri("{\"==\":[{\"cat\":[{\"var\":\"revenue\"},\"x\"]},\"2500x\"]}", SPARSE), TU_TRI_UNKNOWN);
}

static void test_no_allocation(void **state) {
    (void)state;
    tu_rule *r = fx_rule("{\"and\":[{\"==\":[{\"var\":\"industry_section\"},\"C\"]},{\">=\":[{\"var\":\"revenue\"},2000]},"
                         "{\"in\":[\"high_tech\",{\"var\":\"tags\"}]},{\"in\":[{\"var\":\"industry_division\"},[\"C38\"]]},"
                         "{\"or\":[{\"!=\":[{\"var\":\"city\"},\"440300\"]},{\"<\":[1,{\"var\":\"employees\"},200]}]}]}");
    tu_ent full = fx_ent(FULL), sparse = fx_ent(SPARSE);
    int64_t live = tu_alloc_live();
    tu_alloc_fail_after(0); /* any allocation through the one allocator would now fail */
    for (int i = 0; i < 1000; i++) {
        assert_int_equal(tu_rule_eval_ent(r, &full), TU_TRI_TRUE);
        assert_int_equal(tu_rule_eval_ent(r, &sparse), TU_TRI_FALSE); /* C35 is not in [C38] */
    }
    tu_alloc_fail_after(-1);
    assert_int_equal(tu_alloc_live(), live);
    tu_rule_free(r);
}

/* ---- random rules against the standard evaluator ---- */

static unsigned long long seed = 88172645463325252ull;
static unsigned rnd(unsigned n) {
    seed ^= seed << 13, seed ^= seed >> 7, seed ^= seed << 17;
    return (unsigned)(seed % n);
}

static const char *num_attrs[] = {"revenue", "employees", "rd_ratio", "energy_tce"};
static const char *str_attrs[] = {"city", "industry_division", "region", "size", "founded", "industry_section"};

static json_t *gen_value(int depth);

static json_t *gen_leaf(void) {
    switch (rnd(7)) {
    case 0: return json_pack("{ss}", "var", num_attrs[rnd(4)]);
    case 1: return json_pack("{ss}", "var", str_attrs[rnd(6)]);
    case 2: return json_integer((json_int_t)rnd(3000) - 5);
    case 3: return json_real(rnd(100) / 8.0);
    case 4: {
        static const char *s[] = {"440300", "C38", "east", "large", "", "2015-06-01", "12", "abc", "C"};
        return json_string(s[rnd(9)]);
    }
    case 5: return rnd(2) ? json_true() : json_null();
    default: return json_pack("{s[si]}", "var", num_attrs[rnd(4)], (int)rnd(10));
    }
}

static json_t *gen_value(int depth) {
    static const char *ops[] = {"+", "-", "*", "/", "%", "min", "max", "if", "cat"};
    if (depth <= 0 || rnd(3) == 0) return gen_leaf();
    const char *op = ops[rnd(9)];
    json_t *args = json_array();
    unsigned n = 1 + rnd(3);
    for (unsigned i = 0; i < n; i++) json_array_append_new(args, gen_value(depth - 1));
    return json_pack("{so}", op, args);
}

static json_t *gen_bool(int depth) {
    static const char *cmp[] = {"==", "!=", "===", "!==", "<", "<=", ">", ">="};
    unsigned k = depth <= 0 ? 3 + rnd(3) : rnd(6);
    json_t *args = json_array();
    const char *op;
    switch (k) {
    case 0:
    case 1: {
        op = k ? "or" : "and";
        unsigned n = 1 + rnd(3);
        for (unsigned i = 0; i < n; i++) json_array_append_new(args, gen_bool(depth - 1));
        break;
    }
    case 2: op = rnd(2) ? "!" : "!!", json_array_append_new(args, gen_bool(depth - 1)); break;
    case 3:
        op = "in";
        json_array_append_new(args, rnd(2) ? gen_leaf() : json_string(rnd(2) ? "high_tech" : "above_scale"));
        json_array_append_new(args, rnd(3) == 0 ? json_pack("{ss}", "var", "tags")
                                    : rnd(2) ? json_pack("[sssi]", "C38", "440300", "east", 12) : gen_leaf());
        break;
    default:
        op = cmp[rnd(8)];
        json_array_append_new(args, gen_value(depth - 1));
        json_array_append_new(args, gen_value(depth - 1));
        if ((op[0] == '<') && rnd(4) == 0) json_array_append_new(args, gen_value(depth - 1));
    }
    return json_pack("{so}", op, args);
}

static void random_ent(tu_ent *e, int full) {
    static const char *cities[] = {"440300", "441400", "440800", "440200"};
    static const char *inds[] = {"C3811", "C3512", "C2610", "D4411"};
    char rev[32], rd[32];
    snprintf(rev, sizeof rev, "%u.%u", rnd(5000), rnd(100));
    snprintf(rd, sizeof rd, "%u.%u", rnd(12), rnd(10));
    *e = fx_ent("{\"city\":\"440300\"}");
    tu_ent_set_cell(e, TU_A_CITY, cities[rnd(4)], 6, 0, NULL);
    if (full || rnd(2)) tu_ent_set_cell(e, TU_A_INDUSTRY, inds[rnd(4)], 5, 0, NULL);
    if (full || rnd(2)) tu_ent_set_cell(e, TU_A_REVENUE, rev, strlen(rev), 0, NULL);
    if (full || rnd(2)) tu_ent_set_cell(e, TU_A_RD_RATIO, rd, strlen(rd), 0, NULL);
    if (full || rnd(2)) tu_ent_set_cell(e, TU_A_EMPLOYEES, "120", 3, 0, NULL);
    if (full || rnd(2)) tu_ent_set_cell(e, TU_A_ENERGY_TCE, "12.5", 4, 0, NULL);
    if (full || rnd(2)) tu_ent_set_cell(e, TU_A_FOUNDED, "2015-06-01", 10, tu_date_today(), NULL);
    const char *tags = rnd(2) ? "high_tech" : "";
    tu_ent_set_cell(e, TU_A_TAGS, tags, strlen(tags), 0, NULL);
    e->present &= ~(1u << TU_A_SIZE), e->size_given = 0;
    assert_int_equal(tu_ent_finish(e, NULL), TU_OK);
}

static void test_matches_standard_evaluator(void **state) {
    (void)state;
    int decided = 0, unknown = 0;
    for (int i = 0; i < 4000; i++) {
        json_t *logic = gen_bool(3);
        tu_rule *r = NULL;
        assert_int_equal(tu_rule_from_json(logic, &r, NULL), TU_OK);
        tu_ent e;
        random_ent(&e, i % 2);
        json_t *data = tu_ent_to_json(&e);
        json_t *want = tu_jsonlogic_apply(tu_rule_json(r), data, NULL);
        assert_non_null(want);
        tu_tri got = tu_rule_eval_ent(r, &e);
        if (got == TU_TRI_UNKNOWN) {
            unknown++;
            if (i % 2) fail_msg("unknown on a full record: %s on %s", json_dumps(logic, 0), json_dumps(data, 0));
        } else {
            decided++;
            if ((int)got != tu__js_truthy(want)) {
                char *a = json_dumps(logic, 0), *b = json_dumps(data, 0);
                fail_msg("compiled %d, standard %d for %s on %s", got, tu__js_truthy(want), a, b);
            }
        }
        json_decref(want), json_decref(data), json_decref(logic);
        tu_rule_free(r);
    }
    printf("random rules: %d decided (all equal to the standard evaluator), %d unknown\n", decided, unknown);
    assert_true(decided > 2000);
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_conditions),
        cmocka_unit_test(test_kleene),
        cmocka_unit_test(test_no_allocation),
        cmocka_unit_test(test_matches_standard_evaluator),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
