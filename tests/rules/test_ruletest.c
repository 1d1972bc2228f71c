/* Tests of src/rules/ruletest.c: enterprises from JSON, and policy fixtures — a passing and a failing policy
 * file (tests/rules/policies/), static-check failures, malformed files. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <cmocka.h>

#include "rules_fixture.h"

#ifndef POLICY_DIR
#define POLICY_DIR "."
#endif

/* Runs a policy; returns what it printed (static buffer). */
static const char *run(const json_t *policy, tu_ruletest_summary *sum, int want_rc) {
    static char out[8192];
    FILE *f = fmemopen(out, sizeof out, "w");
    tu_err err = {0};
    int rc = tu_ruletest_run(policy, f, sum, &err);
    fclose(f);
    if (rc != want_rc) fail_msg("rc %d: %s", rc, err.msg);
    return out;
}

static json_t *load(const char *name) {
    char path[512];
    snprintf(path, sizeof path, "%s/%s", POLICY_DIR, name);
    json_t *p = json_load_file(path, 0, NULL);
    if (!p) fail_msg("cannot read %s", path);
    return p;
}

static void test_passing_policy(void **state) {
    (void)state;
    json_t *p = load("equipment_renewal.json");
    tu_ruletest_summary sum;
    const char *out = run(p, &sum, TU_OK);
    assert_int_equal(sum.passed, 5);
    assert_int_equal(sum.failed, 0);
    assert_non_null(strstr(out, "ok   2 汕头 specialised SME"));
    json_decref(p);
}

static void test_failing_fixtures(void **state) {
    (void)state;
    json_t *p = load("failing_fixtures.json");
    tu_ruletest_summary sum;
    const char *out = run(p, &sum, TU_OK);
    assert_int_equal(sum.passed, 2);
    assert_int_equal(sum.failed, 3);
    assert_non_null(strstr(out, "FAIL 1 深圳 high-tech equipment maker, 20 million invested: expected not_eligible, got eligible"));
    assert_non_null(strstr(out, "FAIL 2 汕头 specialised SME: the eastern rate of 15 %, an odd amount: benefit 185185.18 yuan, expected 185185.19"));
    assert_non_null(strstr(out, "FAIL 4 R&D ratio below the threshold: expected unknown, got not_eligible (missing: [])"));
    json_decref(p);
}

static void test_checks_and_malformed(void **state) {
    (void)state;
    tu_ruletest_summary sum;
    json_t *p = fx_json("{\"rule_text\":\"revenue < 0\",\"tests\":[]}");
    const char *out = run(p, &sum, TU_OK);
    assert_int_equal(sum.failed, 1);
    assert_non_null(strstr(out, "FAIL rule: never_true"));
    json_decref(p);
    p = fx_json("{\"rule_text\":\"revenue >= \",\"tests\":[]}");
    run(p, &sum, TU_EPARSE);
    json_decref(p);
    p = fx_json("{\"tests\":[]}");
    run(p, &sum, TU_EINVAL);
    json_decref(p);
    p = fx_json("{\"rule\":true,\"tests\":[{\"name\":\"x\",\"enterprise\":{\"city\":\"110000\"},\"expect\":\"eligible\"},"
                "{\"name\":\"y\",\"enterprise\":{\"city\":\"440300\"},\"expect\":\"maybe\"}]}");
    out = run(p, &sum, TU_OK);
    assert_int_equal(sum.failed, 2);
    assert_non_null(strstr(out, "FAIL 1 x: enterprise: '110000' is not a city code"));
    assert_non_null(strstr(out, "FAIL 2 y: \"expect\" must be"));
    json_decref(p);
}

static void test_ent_from_json(void **state) {
    (void)state;
    tu_ent e;
    tu_err err = {0};
    json_t *a = fx_json("{\"city\":\"440300\",\"revenue\":2500.5,\"tags\":[\"high_tech\"],\"employees\":null}");
    assert_int_equal(tu_ent_from_json(a, &e, &err), TU_OK);
    assert_int_equal(e.revenue, 25005000);
    assert_true(TU_ENT_HAS(&e, TU_A_USCC));
    assert_false(TU_ENT_HAS(&e, TU_A_EMPLOYEES));
    json_decref(a);
    a = fx_json("{\"city\":\"440300\",\"region\":\"east\"}");
    assert_int_equal(tu_ent_from_json(a, &e, &err), TU_EINVAL); /* derived: cannot be given */
    assert_string_equal(err.field, "region");
    json_decref(a);
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_passing_policy),
        cmocka_unit_test(test_failing_fixtures),
        cmocka_unit_test(test_checks_and_malformed),
        cmocka_unit_test(test_ent_from_json),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
