/* Tests of src/rules/benefit.c: exact money — 0.1 + 0.2, rates of odd amounts, half-up rounding where binary
 * floating point would round the other way, caps, region tiers, missing data and errors; each also through the
 * compiled form (tu_benefit_compile / tu_benefit_run). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <cmocka.h>

#include "rules/benefit.h"
#include "rules/text.h"
#include "rules_fixture.h"

#define SZ "{\"city\":\"440300\",\"industry\":\"C3811\",\"revenue\":\"2500\",\"rd_ratio\":\"3.1\"}"
#define ST "{\"city\":\"440500\",\"industry\":\"C3811\",\"revenue\":\"2500\"}" /* Shantou: east */

static int eval(const char *formula_text, const char *ent, const char *project, int64_t *fen, tu_err *err) {
    json_t *f = tu_rule_text_parse(formula_text, strlen(formula_text), err);
    if (!f) fail_msg("%s: %s", formula_text, err->msg);
    tu_ent e = fx_ent(ent);
    json_t *p = project ? fx_json(project) : NULL;
    int rc = tu_benefit_eval(f, &e, p, fen, err);
    /* the compiled form (compiled once, run many times) gives the same result, or the same error */
    tu_benefit *b = NULL;
    tu_err err2 = {0};
    int64_t fen2 = -1;
    int rc2 = tu_benefit_compile(f, &b, &err2);
    if (!rc2) rc2 = tu_benefit_run(b, &e, p, &fen2, &err2);
    if (!rc2) rc2 = tu_benefit_run(b, &e, p, &fen2, &err2); /* a second run of the same program */
    assert_int_equal(rc2, rc);
    if (!rc) assert_int_equal(fen2, *fen);
    tu_benefit_free(b);
    json_decref(f), json_decref(p);
    return rc;
}

static void fen_is(const char *formula, const char *ent, const char *project, int64_t want) {
    int64_t fen = -1;
    tu_err err = {0};
    if (eval(formula, ent, project, &fen, &err)) fail_msg("%s: %s", formula, err.msg);
    if (fen != want) fail_msg("%s: %lld fen, want %lld", formula, (long long)fen, (long long)want);
}

static void test_exact_decimals(void **state) {
    (void)state;
    fen_is("0.1 + 0.2", SZ, NULL, 30);
    fen_is("0.1 + 0.2 - 0.3", SZ, NULL, 0); /* 5.55e-17 in binary floating point */
    fen_is("project.x * 0.179", SZ, "{\"x\":\"12345.67\"}", 220987);  /* 2209.87493 */
    fen_is("project.x * 0.179", SZ, "{\"x\":\"10000.05\"}", 179001);  /* 1790.00895: the half fen rounds up */
    fen_is("project.x * 0.5", SZ, "{\"x\":\"2.03\"}", 102);           /* 1.015: a double gives 101.4999... -> 101 */
    fen_is("project.x * 17.9 / 100", SZ, "{\"x\":\"3\"}", 54);        /* 0.537 */
    fen_is("project.x / 3", SZ, "{\"x\":\"100\"}", 3333);             /* 33.333... */
    fen_is("project.x / 3", SZ, "{\"x\":\"0.05\"}", 2);               /* 1.666 fen */
    fen_is("project.x", SZ, "{\"x\":1234.56}", 123456);              /* a JSON number, by its decimal text */
    fen_is("\"0.1\" * 3", SZ, NULL, 30);                              /* a decimal string constant */
    fen_is("\"92233720368547758.07\"", SZ, NULL, INT64_MAX); /* past 15 digits: a string keeps every digit */
}

static void test_policy_formulas(void **state) {
    (void)state;
    const char *cap = "min(project.equipment_investment * 0.2, 15000000)"; /* 20 %, at most 15 million yuan */
    fen_is(cap, SZ, "{\"equipment_investment\":\"12345678.91\"}", 246913578); /* 2469135.782 */
    fen_is(cap, SZ, "{\"equipment_investment\":\"80000000.00\"}", 1500000000);
    const char *tier = "project.equipment_investment * if(region == \"pearl_river_delta\", 0.1, "
                       "region in [\"east\", \"west\", \"north\"], 0.15, 0)";
    fen_is(tier, SZ, "{\"equipment_investment\":\"1000000.10\"}", 10000001); /* 100000.01 */
    fen_is(tier, ST, "{\"equipment_investment\":\"1000000.10\"}", 15000002); /* 150000.015: half a fen rounds up */
    /* a bonus for R&D-intensive enterprises, from an enterprise decimal attribute */
    fen_is("if(rd_ratio >= 3, 50000, 0) + revenue * 1.5", SZ, NULL, 5375000); /* 50000 + 3750 yuan */
    fen_is("if(\"high_tech\" in tags, 100, 0)", SZ, NULL, 0);
}

static void fails(const char *formula, const char *project, int code, const char *needle) {
    int64_t fen;
    tu_err err = {0};
    int rc = eval(formula, SZ, project, &fen, &err);
    if (rc != code || !strstr(err.msg, needle)) fail_msg("%s: %d %s", formula, rc, err.msg);
}

static void test_errors(void **state) {
    (void)state;
    fails("project.x * 0.2", "{}", TU_EEVAL, "project field x is missing");
    fails("energy_tce * 2", NULL, TU_EEVAL, "attribute energy_tce is missing");
    fails("var(\"project.x\", 7) + 1", "{}", TU_OK, "");
    fails("1 / (project.x - 5)", "{\"x\":\"5\"}", TU_EEVAL, "division by zero");
    fails("0 - 1", NULL, TU_EEVAL, "negative");
    fails("cat(1, 2)", NULL, TU_EUNSUPPORTED, "cat");
    fails("\"abc\" + 1", NULL, TU_EEVAL, "not a number");
    fails("rd_ratio >= 3", NULL, TU_EEVAL, "not a number");
    fails("\"92233720368547758.08\"", NULL, TU_ELIMIT, "64-bit");
    fails("turnover * 2", NULL, TU_EEVAL, "neither an attribute");
}

/* An interest subsidy over the chosen loan's fields (loan.*), exactly; a missing loan field is named. */
static void test_loan_fields(void **state) {
    (void)state;
    const char *text = "loan.principal * min(loan.rate_bp, 300) / 10000 * 0.5 * loan.days / 360";
    tu_err err = {0};
    json_t *f = tu_rule_text_parse(text, strlen(text), &err);
    json_t *loan = fx_json("{\"principal\":\"1234567.89\",\"rate_bp\":345,\"days\":90}");
    tu_ent e = fx_ent(SZ);
    int64_t fen = -1;
    /* 1,234,567.89 x 3 % x 50 % x 90 / 360 = 4,629.6295875 yuan -> 4,629.63 */
    assert_int_equal(tu_benefit_eval_loan(f, &e, NULL, loan, &fen, &err), TU_OK);
    assert_int_equal(fen, 462963);
    assert_int_equal(tu_benefit_eval(f, &e, NULL, &fen, &err), TU_EEVAL);
    assert_non_null(strstr(err.msg, "loan field principal is missing"));
    json_decref(f), json_decref(loan);
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_exact_decimals),
        cmocka_unit_test(test_policy_formulas),
        cmocka_unit_test(test_errors),
        cmocka_unit_test(test_loan_fields),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
