/* Tests of src/rules/jsonlogic.c: the whole official JsonLogic suite ($TECHUP_SHARED/conformance), plus the
 * coercion corners the suite does not reach (strings in <, + on strings, var paths, Chinese substr, limits). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "rules/rules.h"
#include "rules/rules_int.h"

static json_t *load(const char *text) {
    json_error_t je;
    json_t *v = json_loads(text, JSON_DECODE_ANY, &je);
    if (!v) fail_msg("bad test JSON %s: %s", text, je.text);
    return v;
}

/* Evaluates rule on data (JSON texts) and compares with the expected JSON text. */
static void check(const char *rule, const char *data, const char *expected) {
    json_t *r = load(rule), *d = load(data), *want = load(expected);
    tu_err err = {0};
    json_t *got = tu_jsonlogic_apply(r, d, &err);
    if (!got) fail_msg("%s on %s: error %s", rule, data, err.msg);
    if (!tu__json_same(got, want)) {
        char *g = json_dumps(got, JSON_ENCODE_ANY);
        fail_msg("%s on %s: got %s, want %s", rule, data, g, expected);
    }
    json_decref(r), json_decref(d), json_decref(want), json_decref(got);
}

static void test_official_suite(void **state) {
    (void)state;
    const char *shared = getenv("TECHUP_SHARED");
    assert_non_null(shared);
    char path[1024];
    snprintf(path, sizeof path, "%s/conformance/jsonlogic-tests.json", shared);
    json_error_t je;
    json_t *suite = json_load_file(path, 0, &je);
    if (!suite) fail_msg("cannot read %s: %s", path, je.text);
    size_t i, total = 0, failed = 0;
    json_t *c;
    json_array_foreach(suite, i, c) {
        if (!json_is_array(c)) continue; /* section comments */
        total++;
        tu_err err = {0};
        json_t *got = tu_jsonlogic_apply(json_array_get(c, 0), json_array_get(c, 1), &err);
        if (!got || !tu__json_same(got, json_array_get(c, 2))) {
            char *rule = json_dumps(json_array_get(c, 0), JSON_ENCODE_ANY);
            char *g = got ? json_dumps(got, JSON_ENCODE_ANY) : NULL;
            char *w = json_dumps(json_array_get(c, 2), JSON_ENCODE_ANY);
            fprintf(stderr, "MISS case %zu: %s -> %s, expected %s\n", total, rule, g ? g : err.msg, w);
            free(rule), free(g), free(w);
            failed++;
        }
        json_decref(got);
    }
    json_decref(suite);
    printf("jsonlogic official suite: %zu/%zu cases pass\n", total - failed, total);
    assert_true(total > 250);
    assert_int_equal(failed, 0);
}

static void test_coercions(void **state) {
    (void)state;
    check("{\"==\":[null,0]}", "null", "false");
    check("{\"==\":[false,0]}", "null", "true");
    check("{\"==\":[\"\",0]}", "null", "true");
    check("{\"==\":[[1],1]}", "null", "true");
    check("{\"==\":[true,\"1\"]}", "null", "true");
    check("{\"<\":[\"10\",\"9\"]}", "null", "true");  /* two strings compare lexicographically */
    check("{\"<\":[\"10\",9]}", "null", "false");     /* otherwise numerically */
    check("{\"<\":[\"a\",1]}", "null", "false");      /* NaN is unordered */
    check("{\">=\":[\"a\",1]}", "null", "false");
    check("{\"+\":[\"3.5abc\",1]}", "null", "4.5");   /* + is parseFloat */
    check("{\"+\":[\"abc\",1]}", "null", "null");     /* NaN becomes null */
    check("{\"-\":[\"3.5abc\",1]}", "null", "null");  /* - is Number() */
    check("{\"/\":[1,0]}", "null", "null");
    check("{\"*\":[\"2\",\"3\"]}", "null", "6");
    check("{\"cat\":[1.5,null,true,[1,2]]}", "null", "\"1.5nulltrue1,2\"");
    check("{\"cat\":[0.1]}", "null", "\"0.1\"");
    check("{\"max\":[]}", "null", "null");
    check("{\"min\":[1,\"x\"]}", "null", "null");
    check("{\"in\":[1,[\"1\"]]}", "null", "false"); /* strict in arrays */
    check("{\"in\":[\"\",\"abc\"]}", "null", "true");
    check("{\"in\":[\"a\",null]}", "null", "false");
}

static void test_var_paths(void **state) {
    (void)state;
    check("{\"var\":\"a.1.b\"}", "{\"a\":[0,{\"b\":7}]}", "7");
    check("{\"var\":\"a.01\"}", "{\"a\":[0,1]}", "null");
    check("{\"var\":[\"a.x\",\"d\"]}", "{\"a\":{\"x\":null}}", "null"); /* a present null is not missing */
    check("{\"var\":[\"a.x.y\",\"d\"]}", "{\"a\":{\"x\":null}}", "\"d\"");
    check("{\"var\":1.5}", "{\"1\":{\"5\":\"ok\"}}", "\"ok\"");
    check("{\"missing\":[\"a\",\"b\"]}", "{\"a\":\"\",\"b\":0}", "[\"a\"]");
    check("{\"missing_some\":[1,[\"a\",\"b\"]]}", "{\"a\":\"\"}", "[\"a\",\"b\"]");
    check("{\"if\":[{\"missing\":\"a\"},\"no\",\"yes\"]}", "{\"a\":\"x\"}", "\"yes\"");
}

static void test_strings(void **state) {
    (void)state;
    check("{\"substr\":[\"广东省深圳市\",3,3]}", "null", "\"深圳市\"");
    check("{\"substr\":[\"广东省深圳市\",-3]}", "null", "\"深圳市\"");
    check("{\"substr\":[\"广东省深圳市\",0,-3]}", "null", "\"广东省\"");
    check("{\"substr\":[\"abc\",10]}", "null", "\"\"");
    check("{\"substr\":[\"abc\",-10,-10]}", "null", "\"\"");
    check("{\"in\":[\"深圳\",\"广东省深圳市\"]}", "null", "true");
    check("{\"cat\":[\"研发\",\"投入\"]}", "null", "\"研发投入\"");
}

static void test_scoped(void **state) {
    (void)state;
    check("{\"reduce\":[[1,2,3],{\"cat\":[{\"var\":\"accumulator\"},{\"var\":\"current\"}]},\"\"]}", "null", "\"123\"");
    check("{\"map\":[{\"var\":\"xs\"},{\"+\":[{\"var\":\"\"},1]}]}", "{\"xs\":\"notarray\"}", "[]");
    check("{\"all\":[[1,2],{\">\":[{\"var\":\"\"},0]}]}", "null", "true");
    check("{\"some\":[null,true]}", "null", "false");
    check("{\"none\":[[],true]}", "null", "true");
}

static void test_errors(void **state) {
    (void)state;
    tu_err err = {0};
    json_t *r = load("{\"nope\":[1]}");
    assert_null(tu_jsonlogic_apply(r, NULL, &err));
    assert_int_equal(err.code, TU_EEVAL);
    assert_non_null(strstr(err.msg, "nope"));
    json_decref(r);
    /* nested merge doubles a list at every level: the work budget stops it cleanly */
    json_t *big = json_pack("[i]", 1);
    for (int i = 0; i < 40; i++) big = json_pack("{s[oO]}", "merge", big, big);
    memset(&err, 0, sizeof err);
    assert_null(tu_jsonlogic_apply(big, NULL, &err));
    assert_int_equal(err.code, TU_ELIMIT);
    json_decref(big);
    /* a deep rule built in memory (jansson's own parser stops at 2048 levels) is a clean error */
    json_t *root = json_integer(1);
    for (int i = 0; i < 100000; i++) root = json_pack("{s[o]}", "!", root);
    memset(&err, 0, sizeof err);
    assert_null(tu_jsonlogic_apply(root, NULL, &err));
    assert_int_equal(err.code, TU_EDEPTH);
    /* free level by level: json_decref of a 100,000-deep tree would recurse 100,000 times */
    while (json_is_object(root)) {
        json_t *child = json_incref(json_array_get(json_object_get(root, "!"), 0));
        json_decref(root);
        root = child;
    }
    json_decref(root);
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_official_suite), cmocka_unit_test(test_coercions), cmocka_unit_test(test_var_paths),
        cmocka_unit_test(test_strings),        cmocka_unit_test(test_scoped),    cmocka_unit_test(test_errors),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
