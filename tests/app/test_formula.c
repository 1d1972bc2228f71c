/* Tests of src/app/formula.c: exact money arithmetic (0.1 + 0.2, 17.9 % of an odd amount), half-up rounding to the
 * fen, JsonLogic operators (boolean rules through the rules engine), missing data as an error, limits. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>

#include "app/formula.h"

static int holds(const char *rule, const char *data) {
    json_t *r = json_loads(rule, JSON_DECODE_ANY, NULL), *d = json_loads(data, 0, NULL);
    assert_non_null(r);
    int h = -1;
    tu_err err = {0};
    int rc = tu_formula_holds(r, d, &h, &err);
    json_decref(r);
    json_decref(d);
    if (rc) fail_msg("%s: %s", rule, err.msg);
    return h;
}

static int money(const char *formula, const char *data, int64_t *fen, tu_err *err) {
    json_t *r = json_loads(formula, JSON_DECODE_ANY, NULL), *d = json_loads(data, 0, NULL);
    assert_non_null(r);
    char expl[1024];
    int rc = tu_formula_money(r, d, fen, expl, sizeof expl, err);
    json_decref(r);
    json_decref(d);
    return rc;
}

static int64_t fen_of(const char *formula, const char *data) {
    int64_t fen = -1;
    tu_err err = {0};
    if (money(formula, data, &fen, &err)) fail_msg("%s: %s", formula, err.msg);
    return fen;
}

static void test_exact(void **state) {
    (void)state;
    /* boolean rules follow standard JsonLogic (binary doubles: 0.1 + 0.2 != 0.3); money formulas are exact */
    assert_int_equal(holds("{\"==\":[{\"+\":[0.1,0.2]},0.3]}", "{}"), 0);
    assert_int_equal(fen_of("{\"*\":[{\"-\":[{\"+\":[0.1,0.2]},0.3]},1e20]}", "{}"), 0);
    assert_int_equal(fen_of("{\"*\":[{\"var\":\"x\"},0.179]}", "{\"x\":1234567.89}"), 22098765); /* 220987.65231 */
    assert_int_equal(fen_of("{\"*\":[1234.45,0.1]}", "{}"), 12345); /* 123.445 -> half up */
    assert_int_equal(fen_of("{\"*\":[1234.44,0.1]}", "{}"), 12344); /* 123.444 */
    assert_int_equal(fen_of("{\"/\":[100,3]}", "{}"), 3333);        /* 33.333... */
    assert_int_equal(fen_of("{\"/\":[200,3]}", "{}"), 6667);        /* 66.666... */
    assert_int_equal(fen_of("{\"min\":[{\"*\":[0.2,{\"var\":\"p.e\"}]},15000000]}", "{\"p\":{\"e\":100000000}}"),
                     1500000000);
    assert_int_equal(fen_of("{\"-\":[10,2.5,0.01]}", "{}"), 749);
    assert_int_equal(fen_of("{\"%\":[10,4]}", "{}"), 200);
    assert_int_equal(fen_of("{\"max\":[1,{\"var\":\"a\"},3]}", "{\"a\":7.005}"), 701);
    assert_int_equal(fen_of("{\"*\":[{\"var\":\"n\"},1e-3]}", "{\"n\":\"5000\"}"), 500); /* numeric string */
    assert_int_equal(fen_of("{\"if\":[{\"var\":\"big\"},100,{\"<\":[{\"var\":\"x\"},5]},1,2]}", "{\"x\":4}"), 100);
}

static void test_logic(void **state) {
    (void)state;
    const char *d = "{\"region\":\"east\",\"tags\":[\"high_tech\",\"above_scale\"],\"x\":5,\"s\":\"abc\"}";
    assert_int_equal(holds("{\"in\":[\"high_tech\",{\"var\":\"tags\"}]}", d), 1);
    assert_int_equal(holds("{\"in\":[\"little_giant\",{\"var\":\"tags\"}]}", d), 0);
    assert_int_equal(holds("{\"in\":[{\"var\":\"region\"},[\"east\",\"west\"]]}", d), 1);
    assert_int_equal(holds("{\"in\":[\"bc\",{\"var\":\"s\"}]}", d), 1);
    assert_int_equal(holds("{\"and\":[{\">=\":[{\"var\":\"x\"},5]},{\"!\":{\"==\":[{\"var\":\"x\"},6]}}]}", d), 1);
    assert_int_equal(holds("{\"<\":[1,{\"var\":\"x\"},5]}", d), 0); /* between, exclusive */
    assert_int_equal(holds("{\"<=\":[1,{\"var\":\"x\"},5]}", d), 1);
    assert_int_equal(holds("{\"==\":[\"5\",{\"var\":\"x\"}]}", d), 1);
    assert_int_equal(holds("{\"===\":[\"5\",{\"var\":\"x\"}]}", d), 0);
    assert_int_equal(holds("{\"or\":[false,0,\"\"]}", d), 0);
    assert_int_equal(holds("{\"!!\":[{\"var\":\"tags\"}]}", d), 1);
    assert_int_equal(holds("{\"var\":[\"nothing\",true]}", d), 1); /* default */
    assert_int_equal(holds("{\"==\":[{\"cat\":[\"a\",1,\"c\"]},\"a1c\"]}", d), 1);
    assert_int_equal(holds("true", d), 1);
}

static void test_errors(void **state) {
    (void)state;
    int64_t fen;
    tu_err err = {0};
    assert_int_equal(money("{\"*\":[{\"var\":\"project.equipment_investment\"},0.2]}", "{}", &fen, &err), TU_EEVAL);
    assert_non_null(strstr(err.msg, "project.equipment_investment"));
    assert_int_equal(money("{\"/\":[1,0]}", "{}", &fen, &err), TU_EEVAL);
    assert_int_equal(money("{\"substr\":[\"abc\",1]}", "{}", &fen, &err), TU_EUNSUPPORTED);
    assert_int_equal(money("\"abc\"", "{}", &fen, &err), TU_EEVAL);
    assert_int_equal(money("-5", "{}", &fen, &err), TU_EEVAL);
    assert_int_equal(money("{\"a\":1,\"b\":2}", "{}", &fen, &err), TU_EPARSE);
    assert_int_equal(money("{\"*\":[1e300,1e300]}", "{}", &fen, &err), TU_ELIMIT);
    char deep[2048] = "";
    for (int i = 0; i < 100; i++) strcat(deep, "{\"+\":[");
    strcat(deep, "1");
    for (int i = 0; i < 100; i++) strcat(deep, "]}");
    assert_int_equal(money(deep, "{}", &fen, &err), TU_EDEPTH);
}

static void test_explanation(void **state) {
    (void)state;
    json_t *r = json_loads("{\"min\":[{\"*\":[{\"var\":\"e\"},0.179]},150000]}", 0, NULL);
    json_t *d = json_loads("{\"e\":1234567.89}", 0, NULL);
    char expl[512];
    int64_t fen;
    tu_err err = {0};
    assert_int_equal(tu_formula_money(r, d, &fen, expl, sizeof expl, &err), TU_OK);
    assert_int_equal(fen, 15000000);
    assert_non_null(strstr(expl, "e = 1234567.89"));
    assert_non_null(strstr(expl, "*(1234567.89, 0.179) = 220987.65231"));
    assert_non_null(strstr(expl, "min(220987.65231, 150000) = 150000"));
    json_decref(r);
    json_decref(d);
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_exact),
        cmocka_unit_test(test_logic),
        cmocka_unit_test(test_errors),
        cmocka_unit_test(test_explanation),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
