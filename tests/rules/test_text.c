/* Tests of src/rules/text.c: the readable syntax — examples, precedence, strings, comments, errors with
 * positions and carets, limits, and round trips (random trees -> text -> tree; text -> tree -> text -> tree). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <cmocka.h>

#include "core/alloc.h"
#include "rules/rules_int.h"
#include "rules/text.h"
#include "rules_fixture.h"

static void parses_to(const char *text, const char *want_json) {
    tu_err err = {0};
    json_t *got = tu_rule_text_parse(text, strlen(text), &err);
    if (!got) fail_msg("%s: line %d col %d: %s", text, err.line, err.col, err.msg);
    json_t *want = fx_json(want_json);
    if (!tu__json_same(got, want)) fail_msg("%s: got %s, want %s", text, json_dumps(got, 0), want_json);
    /* and the printed form parses back to the same tree */
    char *again = tu_rule_text_print(got, &err);
    assert_non_null(again);
    json_t *back = tu_rule_text_parse(again, strlen(again), &err);
    if (!back || !tu__json_same(back, got)) fail_msg("%s printed as %s does not parse back", text, again);
    tu_free(again);
    json_decref(got), json_decref(want), json_decref(back);
}

static void prints_as(const char *json, const char *want_text) {
    json_t *v = fx_json(json);
    tu_err err = {0};
    char *s = tu_rule_text_print(v, &err);
    if (!s) fail_msg("%s: %s", json, err.msg);
    if (strcmp(s, want_text) != 0) fail_msg("%s printed as %s, want %s", json, s, want_text);
    tu_free(s);
    json_decref(v);
}

static void test_examples(void **state) {
    (void)state;
    parses_to("industry_division in [\"C38\",\"C39\"] and revenue >= 2000 and \"high_tech\" in tags",
              "{\"and\":[{\"in\":[{\"var\":\"industry_division\"},[\"C38\",\"C39\"]]},"
              "{\">=\":[{\"var\":\"revenue\"},2000]},{\"in\":[\"high_tech\",{\"var\":\"tags\"}]}]}");
    parses_to("min(project.equipment_investment * 0.2, 15000000)",
              "{\"min\":[{\"*\":[{\"var\":\"project.equipment_investment\"},0.2]},15000000]}");
    parses_to("if(region == \"pearl_river_delta\", 0.1, region in [\"east\", \"west\"], 0.15, 0.2)",
              "{\"if\":[{\"==\":[{\"var\":\"region\"},\"pearl_river_delta\"]},0.1,"
              "{\"in\":[{\"var\":\"region\"},[\"east\",\"west\"]]},0.15,0.2]}");
    parses_to("1000 <= employees <= 2000", "{\"<=\":[1000,{\"var\":\"employees\"},2000]}");
    parses_to("\"!!\"(x)", "{\"!!\":[{\"var\":\"x\"}]}");
    parses_to("var(\"a\", 3) + var(\"\")", "{\"+\":[{\"var\":[\"a\",3]},{\"var\":\"\"}]}");
    parses_to("not \"little_giant\" in tags", "{\"!\":[{\"in\":[\"little_giant\",{\"var\":\"tags\"}]}]}");
}

static void test_precedence(void **state) {
    (void)state;
    parses_to("a or b and c", "{\"or\":[{\"var\":\"a\"},{\"and\":[{\"var\":\"b\"},{\"var\":\"c\"}]}]}");
    parses_to("(a or b) and c", "{\"and\":[{\"or\":[{\"var\":\"a\"},{\"var\":\"b\"}]},{\"var\":\"c\"}]}");
    parses_to("not a and b", "{\"and\":[{\"!\":[{\"var\":\"a\"}]},{\"var\":\"b\"}]}");
    parses_to("1 + 2 * 3 == 7", "{\"==\":[{\"+\":[1,{\"*\":[2,3]}]},7]}");
    parses_to("1 + 2 + 3", "{\"+\":[1,2,3]}");
    parses_to("(1 + 2) + 3", "{\"+\":[{\"+\":[1,2]},3]}");
    parses_to("8 - 2 - 1", "{\"-\":[{\"-\":[8,2]},1]}");
    parses_to("8 - (2 - 1)", "{\"-\":[8,{\"-\":[2,1]}]}");
    parses_to("-x * -2", "{\"*\":[{\"-\":[{\"var\":\"x\"}]},-2]}");
    parses_to("-(2)", "{\"-\":[2]}");
    parses_to("a and b and c or d", "{\"or\":[{\"and\":[{\"var\":\"a\"},{\"var\":\"b\"},{\"var\":\"c\"}]},{\"var\":\"d\"}]}");
    prints_as("{\"and\":[{\"and\":[1,2]},3]}", "(1 and 2) and 3");
    prints_as("{\"-\":[{\"-\":[5]}]}", "-(-(5))");
    prints_as("{\"and\":[true]}", "\"and\"(true)");
    prints_as("{\"==\":[1,2,3]}", "\"==\"(1, 2, 3)");
    prints_as("{\"var\":\"研发.x\"}", "var(\"研发.x\")");
    prints_as("{\"*\":[2.0,1e300]}", "2.0 * 1e+300");
}

static void test_strings_and_comments(void **state) {
    (void)state;
    parses_to("name == \"深圳市\\\"科技\\\"有限公司\"  # 中文注释",
              "{\"==\":[{\"var\":\"name\"},\"深圳市\\\"科技\\\"有限公司\"]}");
    parses_to("\"\\u6df1\\u5733\\ud83d\\ude00\\n\\t\\\\\"", "\"深圳😀\\n\\t\\\\\"");
    parses_to("# leading comment\n revenue > 1 # trailing\n", "{\">\":[{\"var\":\"revenue\"},1]}");
    parses_to("[1, 2.5, -3, 1e3, null, true, false, []]", "[1,2.5,-3,1000.0,null,true,false,[]]");
}

static void error_at(const char *text, int line, int col, const char *needle) {
    tu_err err = {0};
    json_t *v = tu_rule_text_parse(text, strlen(text), &err);
    if (v) fail_msg("%s parsed", text);
    if (err.line != line || err.col != col || !strstr(err.msg, needle))
        fail_msg("%s: line %d col %d: %s (want %d:%d %s)", text, err.line, err.col, err.msg, line, col, needle);
}

static void test_errors(void **state) {
    (void)state;
    error_at("revenue >= and", 1, 12, "expected an expression, found 'and'");
    error_at("a and\n  (b or c", 2, 10, "')' to close the '(' of line 2, column 3");
    error_at("x in [1, 2", 1, 11, "',' or ']'");
    error_at("\"abc", 1, 1, "unterminated string");
    error_at("x == \"\xe6\xb7\xb1", 1, 6, "unterminated string"); /* found by the fuzzer */
    error_at("\"a\\qb\"", 1, 3, "invalid escape");
    error_at("a == b == c", 1, 8, "do not chain");
    error_at("frob(1)", 1, 1, "unknown operation 'frob'");
    error_at("名称 == 1", 1, 1, "unexpected character '名'");
    error_at("a b", 1, 3, "expected 'and', 'or'");
    error_at("99999999999999999999", 1, 1, "out of range");
    const char *text = "revenue >= 2000 and\n  研发 >= 4";
    tu_err err = {0};
    assert_null(tu_rule_text_parse(text, strlen(text), &err));
    char buf[512];
    tu_rule_text_caret(text, strlen(text), &err, buf, sizeof buf);
    assert_string_equal(buf, "line 2, column 3: unexpected character '研'\n    研发 >= 4\n    ^\n");
    error_at("x == \"研发\" +", 1, 12, "expected an expression, found end of input");
    tu_err e2 = {0};
    tu_err_set(&e2, TU_EPARSE, "m");
    e2.line = 1, e2.col = 6;
    tu_rule_text_caret("\"研发\" x", strlen("\"研发\" x"), &e2, buf, sizeof buf); /* wide characters take two columns */
    assert_string_equal(buf, "line 1, column 6: m\n  \"研发\" x\n         ^\n");
}

static char *repeat(const char *unit, int n, const char *tail) {
    size_t u = strlen(unit), t = strlen(tail);
    char *s = malloc(u * (size_t)n + t + 1);
    for (int i = 0; i < n; i++) memcpy(s + u * (size_t)i, unit, u);
    memcpy(s + u * (size_t)n, tail, t + 1);
    return s;
}

static void test_limits(void **state) {
    (void)state;
    static const struct { const char *unit, *tail; } deep[] = {
        {"(", "1"}, {"not ", "true"}, {"-", "x"}, {"[", "1"}, {"1 - ", "1"}, {"min(", "1"}, {"a and ", "b"}};
    for (size_t i = 0; i < sizeof deep / sizeof deep[0]; i++) {
        char *s = repeat(deep[i].unit, 100000, deep[i].tail);
        tu_err err = {0};
        json_t *v = tu_rule_text_parse(s, strlen(s), &err);
        if (v || (err.code != TU_EDEPTH && err.code != TU_ETOOBIG))
            fail_msg("%s x 100000: code %d %s", deep[i].unit, err.code, err.msg);
        free(s);
    }
    /* text and JSON accept the same depth: 98 nested operations print and parse back (found by the fuzzer) */
    json_t *nested = json_pack("{s[s]}", "var", "x");
    for (int i = 0; i < 98; i++) nested = json_pack("{s[o]}", i % 2 ? "-" : "!", nested);
    char *text = tu_rule_text_print(nested, NULL);
    assert_non_null(text);
    json_t *back = tu_rule_text_parse(text, strlen(text), NULL);
    assert_non_null(back);
    json_decref(back), json_decref(nested), tu_free(text);
    /* a chain of negations read from text prints as -(-(...)) and must parse back, at every depth the reader
     * accepts (the fuzzer found min(pr - - ... -1) with 102 signs failing) */
    for (int k = 1; k <= 140; k++) {
        char *src = repeat("-", k, "1)"), *full = malloc(strlen(src) + 8);
        sprintf(full, "min(pr%s", src);
        json_t *v = tu_rule_text_parse(full, strlen(full), NULL);
        if (v) {
            char *t = tu_rule_text_print(v, NULL);
            json_t *again = t ? tu_rule_text_parse(t, strlen(t), NULL) : NULL;
            if (!again || !json_equal(again, v)) fail_msg("%d signs: %s does not parse back", k, t ? t : "(not printed)");
            json_decref(again), tu_free(t), json_decref(v);
        }
        free(src), free(full);
    }
    const char bad_utf8[] = "x == \"\xff\"";
    tu_err err = {0};
    assert_null(tu_rule_text_parse(bad_utf8, strlen(bad_utf8), &err));
    assert_int_equal(err.col, 7);
}

/* ---- random trees -> text -> tree ---- */

static unsigned long long seed = 0x9E3779B97F4A7C15ull;
static unsigned rnd(unsigned n) {
    seed ^= seed << 13, seed ^= seed >> 7, seed ^= seed << 17;
    return (unsigned)(seed % n);
}

static json_t *gen(int depth) {
    static const char *ops[] = {"and", "or", "!", "==", "!=", "===", "!==", "<", "<=", ">", ">=", "in", "+", "-",
                                "*", "/", "%", "min", "max", "if", "cat", "substr", "merge", "missing", "!!", "var"};
    static const char *strs[] = {"", "C38", "深圳市", "a\"b\\c", "\n\t", "high_tech", "x.y", "and", "😀"};
    if (depth <= 0 || rnd(4) == 0) {
        switch (rnd(8)) {
        case 0: return json_integer((json_int_t)rnd(2001) - 1000);
        case 1: return json_real((double)((int)rnd(20001) - 10000) / 64.0);
        case 2: return json_string(strs[rnd(9)]);
        case 3: return json_pack("{ss}", "var", rnd(2) ? "revenue" : strs[rnd(9)]);
        case 4: return rnd(2) ? json_true() : json_false();
        case 5: return json_null();
        case 6: return json_pack("{ss}", "var", "project.equipment_investment");
        default: return json_array();
        }
    }
    json_t *args = json_array();
    unsigned n = rnd(4);
    for (unsigned i = 0; i < n; i++) json_array_append_new(args, gen(depth - 1));
    if (rnd(8) == 0) return args; /* an array literal */
    return json_pack("{so}", ops[rnd(26)], args);
}

static void test_round_trip_random(void **state) {
    (void)state;
    for (int i = 0; i < 5000; i++) {
        json_t *tree = gen(5), *canon = NULL;
        tu_err err = {0};
        assert_int_equal(tu__rule_canonical(tree, &canon, &err), TU_OK);
        char *text = tu_rule_text_print(tree, &err);
        if (!text) fail_msg("print failed: %s", err.msg);
        json_t *back = tu_rule_text_parse(text, strlen(text), &err);
        if (!back) fail_msg("%s: line %d col %d: %s", text, err.line, err.col, err.msg);
        if (!tu__json_same(back, canon)) fail_msg("%s\n-> %s\n-> %s", json_dumps(canon, 0), text, json_dumps(back, 0));
        tu_rule *r = NULL; /* JSON -> rule -> JSON: the canonical form is a fixed point */
        assert_int_equal(tu_rule_from_json(canon, &r, &err), TU_OK);
        if (!tu__json_same(tu_rule_json(r), canon)) fail_msg("not a fixed point: %s", json_dumps(canon, 0));
        tu_rule_free(r);
        char *again = tu_rule_text_print(back, &err); /* printing is a function of the tree */
        assert_string_equal(again, text);
        tu_free(text), tu_free(again);
        json_decref(tree), json_decref(canon), json_decref(back);
    }
}

static void test_unsupported(void **state) {
    (void)state;
    json_t *v = fx_json("{\"==\":[{\"var\":\"a\"},{}]}");
    tu_err err = {0};
    assert_null(tu_rule_text_print(v, &err));
    assert_int_equal(err.code, TU_EUNSUPPORTED);
    json_decref(v);
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_examples), cmocka_unit_test(test_precedence), cmocka_unit_test(test_strings_and_comments),
        cmocka_unit_test(test_errors),   cmocka_unit_test(test_limits),     cmocka_unit_test(test_round_trip_random),
        cmocka_unit_test(test_unsupported),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
