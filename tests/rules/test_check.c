/* Tests of src/rules/check.c: unknown attributes, type mismatches, codes outside their lists, conditions
 * that can never hold, and the attributes a rule depends on. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <cmocka.h>

#include "rules/check.h"
#include "rules/text.h"
#include "rules_fixture.h"

static json_t *check_text(const char *text, int flags) {
    tu_err err = {0};
    json_t *logic = tu_rule_text_parse(text, strlen(text), &err);
    if (!logic) fail_msg("%s: %s", text, err.msg);
    json_t *r = tu_rule_check(logic, flags, &err);
    assert_non_null(r);
    json_decref(logic);
    return r;
}

/* The rule has exactly one issue, with this code and severity, on this attribute. */
static void one_issue(const char *text, const char *code, const char *severity, const char *attr) {
    json_t *r = check_text(text, 0);
    json_t *issues = json_object_get(r, "issues");
    if (json_array_size(issues) != 1) fail_msg("%s: %s", text, json_dumps(issues, 0));
    json_t *i = json_array_get(issues, 0);
    assert_string_equal(json_string_value(json_object_get(i, "code")), code);
    assert_string_equal(json_string_value(json_object_get(i, "severity")), severity);
    assert_string_equal(json_string_value(json_object_get(i, "attribute")), attr);
    assert_int_equal(json_is_true(json_object_get(r, "ok")), strcmp(severity, "error") != 0);
    json_decref(r);
}

static void clean(const char *text) {
    json_t *r = check_text(text, 0);
    if (json_array_size(json_object_get(r, "issues")) != 0) fail_msg("%s: %s", text, json_dumps(r, 0));
    json_decref(r);
}

static void test_clean_rules(void **state) {
    (void)state;
    clean("industry_division in [\"C38\", \"C39\"] and revenue >= 2000 and \"high_tech\" in tags");
    clean("city == \"440300\" and size in [\"small\", \"medium\"] and region != \"north\" and industry_section == \"C\"");
    clean("founded < \"2020-01-01\" and 100 <= employees <= 300 and rd_ratio > 3 and rd_ratio < 10");
    clean("revenue > 0 and revenue == 5");
}

static void test_issues(void **state) {
    (void)state;
    one_issue("turnover >= 2000", "unknown_attribute", "error", "turnover");
    one_issue("revenue >= \"lots\"", "type_mismatch", "error", "revenue");
    one_issue("revenue >= \"2000\"", "type_mismatch", "warning", "revenue");
    one_issue("city == 440300", "type_mismatch", "warning", "city");
    one_issue("city === 440300", "type_mismatch", "error", "city");
    one_issue("tags == \"high_tech\"", "type_mismatch", "error", "tags");
    one_issue("city == \"110000\"", "unknown_code", "error", "city");
    one_issue("industry_division in [\"C38\", \"C99\"]", "unknown_code", "error", "industry_division");
    one_issue("\"hi_tech\" in tags", "unknown_code", "error", "tags");
    one_issue("size == \"huge\"", "unknown_code", "error", "size");
    one_issue("region == \"south\"", "unknown_code", "error", "region");
    one_issue("founded < \"2020-13-01\"", "unknown_code", "error", "founded");
    one_issue("revenue < 0", "never_true", "error", "revenue");
    one_issue("0 > employees", "never_true", "error", "employees");
    one_issue("employees == 2.5", "never_true", "error", "employees");
    one_issue("rd_ratio > 5 and rd_ratio < 3", "never_true", "error", "rd_ratio");
    one_issue("revenue >= 100 and revenue < 100", "never_true", "error", "revenue");
    one_issue("region == \"east\" and region == \"west\"", "never_true", "error", "region");
    one_issue("industry_division in []", "never_true", "error", "industry_division");
}

static void test_depends_and_paths(void **state) {
    (void)state;
    json_t *r = check_text("revenue >= 2000 and (\"high_tech\" in tags or rd_ratio >= 4) and some(xs, var(\"q\") > 1)"
                           " and revenue < 0", 0);
    json_t *want = fx_json("[\"revenue\",\"tags\",\"rd_ratio\"]"); /* q is read per element of xs, not from the record */
    json_t *deps = json_object_get(r, "depends_on");
    json_t *issues = json_object_get(r, "issues");
    /* revenue >= 2000 contradicts revenue < 0 (at /and); xs is not an attribute; revenue < 0 alone (at /and/3) */
    assert_int_equal(json_array_size(issues), 3);
    assert_string_equal(json_string_value(json_object_get(json_array_get(issues, 0), "path")), "");
    assert_string_equal(json_string_value(json_object_get(json_array_get(issues, 2), "path")), "/and/3");
    assert_string_equal(json_string_value(json_object_get(json_array_get(issues, 2), "text")), "revenue < 0");
    if (!json_equal(deps, want)) fail_msg("depends_on %s", json_dumps(deps, 0));
    json_decref(r), json_decref(want);
    r = check_text("min(project.equipment_investment * 0.2, 15000000)", TU_CHECK_PROJECT);
    assert_true(json_is_true(json_object_get(r, "ok")));
    assert_string_equal(json_string_value(json_array_get(json_object_get(r, "depends_on"), 0)), "project.equipment_investment");
    json_decref(r);
    r = check_text("project.equipment_investment > 1", 0); /* not in an eligibility rule */
    assert_false(json_is_true(json_object_get(r, "ok")));
    json_decref(r);
    /* the chosen loan of an interest subsidy: every field of the catalog's TU_FIELD_MAP is known */
    r = check_text("loan.principal * min(loan.rate_bp, 300) / 10000 * 0.5 * loan.days / 360", TU_CHECK_PROJECT);
    assert_true(json_is_true(json_object_get(r, "ok")));
    assert_int_equal(json_array_size(json_object_get(r, "depends_on")), 3);
    json_decref(r);
    /* a dotted name nobody provides is refused, by name */
    r = check_text("loan.principal * loan.rate_percent + project.equipment_invest", TU_CHECK_PROJECT);
    assert_false(json_is_true(json_object_get(r, "ok")));
    issues = json_object_get(r, "issues");
    assert_int_equal(json_array_size(issues), 2);
    assert_string_equal(json_string_value(json_object_get(json_array_get(issues, 0), "attribute")), "loan.rate_percent");
    assert_non_null(strstr(json_string_value(json_object_get(json_array_get(issues, 1), "message")),
                           "\"project.equipment_invest\" is neither an attribute nor a project.* or loan.* field"));
    json_decref(r);
    r = check_text("loan.rate_bp < 400", 0); /* loan fields only in benefit formulas */
    assert_false(json_is_true(json_object_get(r, "ok")));
    json_decref(r);
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_clean_rules),
        cmocka_unit_test(test_issues),
        cmocka_unit_test(test_depends_and_paths),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
