/* Tests of src/rules/explain.c on real policy shapes: revenue and R&D thresholds, tags, industry lists,
 * region conditions, missing data, near misses with k, sentences in zh and en. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <cmocka.h>

#include "core/alloc.h"
#include "rules/explain.h"
#include "rules/text.h"
#include "rules_fixture.h"

/* 专精特新 equipment-renewal reward: a typical six-condition rule */
#define POLICY                                                                                                     \
    "industry_section == \"C\" and revenue >= 2000 and rd_ratio >= 4 and \"specialized_sme\" in tags and "         \
    "industry_division in [\"C34\", \"C35\", \"C38\", \"C39\"] and (region != \"pearl_river_delta\" or employees >= 100)"

static tu_rule *text_rule(const char *text) {
    tu_rule *r = NULL;
    tu_err err = {0};
    if (tu_rule_from_text(text, strlen(text), &r, &err)) fail_msg("%s: %s", text, err.msg);
    return r;
}

static json_t *explain(const char *rule, const char *ent, int k, json_t *prov) {
    tu_rule *r = text_rule(rule);
    tu_ent e = fx_ent(ent);
    tu_explain_opts o = {k, prov};
    json_t *x = tu_rule_explain(r, &e, &o, NULL);
    assert_non_null(x);
    tu_rule_free(r);
    return x;
}

static void has_line(const json_t *x, const char *lang, const char *line) {
    char *s = tu_explain_sentences(x, lang);
    assert_non_null(s);
    if (!strstr(s, line)) fail_msg("no \"%s\" in:\n%s", line, s);
    tu_free(s);
}

static const char *field(const json_t *x, int cond, const char *name) {
    return json_string_value(json_object_get(json_array_get(json_object_get(x, "conditions"), (size_t)cond), name));
}

static void test_near_miss_on_rd_ratio(void **state) {
    (void)state;
    json_t *prov = fx_json("{\"rd_ratio\":{\"source\":\"税务局研发加计扣除\",\"as_of\":\"2025-12-31\"}}");
    json_t *x = explain(POLICY,
                        "{\"city\":\"440300\",\"industry\":\"C3562\",\"revenue\":\"5200\",\"rd_ratio\":\"3.1\","
                        "\"employees\":230,\"tags\":\"specialized_sme\"}", 1, prov);
    assert_string_equal(json_string_value(json_object_get(x, "outcome")), "not_eligible");
    assert_int_equal(json_array_size(json_object_get(x, "conditions")), 6);
    assert_string_equal(field(x, 2, "outcome"), "not_met");
    assert_string_equal(field(x, 2, "attribute"), "rd_ratio");
    assert_string_equal(field(x, 2, "op"), ">=");
    assert_string_equal(field(x, 2, "source"), "税务局研发加计扣除");
    assert_string_equal(field(x, 2, "as_of"), "2025-12-31");
    assert_string_equal(field(x, 0, "outcome"), "met");
    assert_string_equal(field(x, 5, "kind"), "any");
    assert_int_equal(json_array_size(json_object_get(json_object_get(x, "near_miss"), "unmet")), 1);
    has_line(x, "zh", "✗ 研发投入占比 3.1% < 4%");
    has_line(x, "en", "✗ R&D ratio 3.1 % is below 4 %");
    has_line(x, "zh", "✓ 营业收入 5200万元 ≥ 2000万元");
    has_line(x, "en", "✓ industry division C35 is one of C34, C35, C38, C39");
    has_line(x, "zh", "✓ 具有资质：专精特新中小企业");
    has_line(x, "zh", "差一点：只需 研发投入占比 ≥ 4%（当前 3.1%） 即可符合条件");
    has_line(x, "en", "Near miss: eligible if R&D ratio were at least 4 % (now 3.1 %)");
    has_line(x, "en", "  ✓ employees 230 persons is at least 100 persons");
    json_decref(x), json_decref(prov);
}

static void test_missing_data(void **state) {
    (void)state;
    json_t *x = explain(POLICY, "{\"city\":\"440500\",\"industry\":\"C3811\",\"revenue\":\"2500\"}", 1, NULL);
    assert_string_equal(json_string_value(json_object_get(x, "outcome")), "not_eligible"); /* no tag: FALSE */
    json_t *missing = json_object_get(x, "missing");
    assert_int_equal(json_array_size(missing), 1);
    assert_string_equal(json_string_value(json_array_get(missing, 0)), "rd_ratio");
    assert_true(json_is_null(json_object_get(x, "near_miss"))); /* an unknown condition: not a near miss */
    has_line(x, "zh", "? 研发投入占比 无数据（条件：≥ 4%）");
    has_line(x, "en", "Missing data: R&D ratio");
    has_line(x, "en", "✗ does not hold the qualification specialised and innovative SME");
    json_decref(x);
    x = explain("revenue >= 2000 and rd_ratio >= 4", "{\"city\":\"441400\",\"revenue\":\"2500\"}", 1, NULL);
    assert_string_equal(json_string_value(json_object_get(x, "outcome")), "unknown");
    has_line(x, "zh", "结论：无法判断，缺少数据");
    json_decref(x);
}

static void test_k(void **state) {
    (void)state;
    const char *ent = "{\"city\":\"440300\",\"industry\":\"C3562\",\"revenue\":\"1500\",\"rd_ratio\":\"3.1\","
                      "\"employees\":230,\"tags\":\"specialized_sme\"}"; /* two unmet */
    json_t *x = explain(POLICY, ent, 1, NULL);
    assert_true(json_is_null(json_object_get(x, "near_miss")));
    json_decref(x);
    x = explain(POLICY, ent, 2, NULL);
    assert_int_equal(json_array_size(json_object_get(json_object_get(x, "near_miss"), "unmet")), 2);
    has_line(x, "en", "; and if R&D ratio were at least 4 % (now 3.1 %)");
    json_decref(x);
}

static void test_shapes(void **state) {
    (void)state;
    json_t *x = explain("employees >= 100 and region == \"east\" and city == \"445100\" and 5 > rd_ratio",
                        "{\"city\":\"440300\",\"employees\":50,\"rd_ratio\":\"2\"}", 3, NULL);
    assert_string_equal(field(x, 0, "kind"), "compare");
    assert_string_equal(field(x, 3, "op"), "<");        /* constant on the left: flipped */
    has_line(x, "en", "✗ region pearl_river_delta is not east");
    has_line(x, "zh", "✗ 所在地市 深圳市 ≠ 潮州市");
    has_line(x, "en", "✓ R&D ratio 2 % is below 5 %");
    json_decref(x);
    x = explain("100 <= employees <= 300 or not \"high_tech\" in tags", "{\"city\":\"440300\",\"employees\":50}", 1, NULL);
    has_line(x, "en", "✓ at least one of:\n  ✗ employees 50 persons is not between 100 persons and 300 persons\n"
                      "  ✓ not:\n    ✗ does not hold the qualification high-tech enterprise\n");
    has_line(x, "zh", "✗ 从业人员 50人 不介于 100人 与 300人 之间");
    json_decref(x);
}

/* The rule in words, the same whatever the enterprise: no outcome marks, no values. */
static void test_rule_sentences(void **state) {
    (void)state;
    json_t *x = explain(POLICY, "{\"city\":\"440300\",\"rd_ratio\":\"3.1\"}", 1, NULL);
    char *zh = tu_explain_rule_sentences(x, "zh"), *en = tu_explain_rule_sentences(x, "en");
    assert_non_null(zh);
    assert_non_null(en);
    if (!strstr(zh, "研发投入占比 ≥ 4%\n") || !strstr(zh, "具有资质：专精特新中小企业\n") ||
        !strstr(zh, "满足以下任一条件：\n  ") || strstr(zh, "3.1") || strstr(zh, "✗"))
        fail_msg("zh:\n%s", zh);
    if (!strstr(en, "R&D ratio is at least 4 %\n") || strstr(en, "3.1")) fail_msg("en:\n%s", en);
    tu_free(zh), tu_free(en);
    json_decref(x);
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_near_miss_on_rd_ratio),
        cmocka_unit_test(test_missing_data),
        cmocka_unit_test(test_k),
        cmocka_unit_test(test_shapes),
        cmocka_unit_test(test_rule_sentences),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
