/* Tests of src/rules/rule.c: canonical form, operators, depth and size limits, references, enterprise view. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <cmocka.h>

#include "rules/rules_int.h"
#include "rules_fixture.h"

static void assert_canonical(const char *in, const char *want) {
    tu_rule *r = fx_rule(in);
    json_t *w = fx_json(want);
    if (!tu__json_same(tu_rule_json(r), w)) fail_msg("%s: got %s", in, json_dumps(tu_rule_json(r), 0));
    json_decref(w);
    tu_rule_free(r);
}

static void test_canonical(void **state) {
    (void)state;
    assert_canonical("{\"!\":true}", "{\"!\":[true]}");
    assert_canonical("{\"var\":[\"revenue\"]}", "{\"var\":\"revenue\"}");
    assert_canonical("{\"var\":[\"revenue\",0]}", "{\"var\":[\"revenue\",0]}");
    assert_canonical("{\"missing\":\"a\"}", "{\"missing\":[\"a\"]}");
    assert_canonical("[1,{\"cat\":\"x\"},{}]", "[1,{\"cat\":[\"x\"]},{}]");
    assert_canonical("{\"a\":1,\"b\":2}", "{\"a\":1,\"b\":2}"); /* data, not logic */
}

/* A chain of n nested {"!":[...]}; freed level by level by free_chain. */
static json_t *chain(int n) {
    json_t *root = json_true();
    for (int i = 0; i < n; i++) root = json_pack("{s[o]}", "!", root);
    return root;
}

static void free_chain(json_t *root) {
    while (json_is_object(root)) {
        json_t *child = json_incref(json_array_get(json_object_get(root, "!"), 0));
        json_decref(root);
        root = child;
    }
    json_decref(root);
}

static void test_limits(void **state) {
    (void)state;
    tu_rule *r = NULL;
    tu_err err = {0};
    json_t *deep = chain(100000);
    assert_int_equal(tu_rule_from_json(deep, &r, &err), TU_EDEPTH);
    assert_null(r);
    free_chain(deep);
    json_t *ok = chain(98); /* each level is an object and its argument array: 196 of 200 */
    assert_int_equal(tu_rule_from_json(ok, &r, &err), TU_OK);
    assert_int_equal(tu_rule_eval_ent(r, NULL), TU_TRI_TRUE); /* an even number of ! over true */
    tu_rule_free(r);
    free_chain(ok);
    json_t *wide = json_array();
    for (int i = 0; i < TU_RULE_MAX_NODES + 1; i++) json_array_append_new(wide, json_integer(i));
    json_t *big = json_pack("{so}", "and", wide);
    assert_int_equal(tu_rule_from_json(big, &r, &err), TU_ETOOBIG);
    json_decref(big);
    json_t *bad = fx_json("{\"and\":[{\"frobnicate\":[1]}]}");
    assert_int_equal(tu_rule_from_json(bad, &r, &err), TU_EPARSE);
    assert_non_null(strstr(err.msg, "frobnicate"));
    json_decref(bad);
}

static void test_refs(void **state) {
    (void)state;
    tu_rule *r = fx_rule("{\">\":[{\"var\":\"revenue\"},1]}");
    assert_ptr_equal(tu_rule_ref(r), r);
    tu_rule_free(r);
    assert_non_null(tu_rule_json(r)); /* still alive: one reference left */
    tu_rule_free(r);
    tu_rule_free(NULL);
}

static void test_ent_view(void **state) {
    (void)state;
    tu_ent e = fx_ent("{\"city\":\"440300\",\"industry\":\"C3811\",\"revenue\":\"2500.5\",\"founded\":\"2015-06-01\","
                      "\"tags\":[\"high_tech\",\"above_scale\"]}");
    json_t *got = tu_ent_to_json(&e);
    json_t *want = fx_json("{\"uscc\":\"91440300MA5F000007\",\"name\":\"fixture\",\"city\":\"440300\","
                           "\"industry\":\"C3811\",\"revenue\":2500.5,\"founded\":\"2015-06-01\","
                           "\"tags\":[\"high_tech\",\"above_scale\"],\"industry_section\":\"C\","
                           "\"industry_division\":\"C38\",\"region\":\"pearl_river_delta\"}");
    json_object_del(got, "size"); /* derived from the size table; checked in core */
    if (!tu__json_same(got, want)) fail_msg("got %s", json_dumps(got, 0));
    json_decref(got), json_decref(want);
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_canonical),
        cmocka_unit_test(test_limits),
        cmocka_unit_test(test_refs),
        cmocka_unit_test(test_ent_view),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
