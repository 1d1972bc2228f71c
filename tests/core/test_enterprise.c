/* Tests of src/core/enterprise.c: cell parsing, missing values, derivation, printing. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>

#include "core/codes.h"
#include "core/enterprise.h"
#include "core/num.h"

#define TODAY tu_date_from_ymd(2026, 11, 27)

static int set(tu_ent *e, int attr, const char *s, tu_err *err) {
    return tu_ent_set_cell(e, attr, s, strlen(s), TODAY, err);
}

static void base(tu_ent *e) {
    tu_ent_init(e);
    assert_int_equal(set(e, TU_A_USCC, "914403001922038216", NULL), TU_OK);
    assert_int_equal(set(e, TU_A_NAME, "华为技术有限公司", NULL), TU_OK);
    assert_int_equal(set(e, TU_A_CITY, "440300", NULL), TU_OK);
}

static void test_derive(void **state) {
    (void)state;
    tu_ent e;
    base(&e);
    assert_int_equal(set(&e, TU_A_INDUSTRY, "C3921", NULL), TU_OK);
    assert_int_equal(set(&e, TU_A_EMPLOYEES, "207000", NULL), TU_OK);
    assert_int_equal(set(&e, TU_A_REVENUE, "70420000", NULL), TU_OK);
    assert_int_equal(tu_ent_finish(&e, NULL), TU_OK);
    tu_value v;
    tu_ent_get(&e, TU_A_INDUSTRY_DIVISION, &v);
    assert_int_equal(v.kind, TU_V_STR);
    assert_memory_equal(v.str, "C39", 3);
    tu_ent_get(&e, TU_A_INDUSTRY_SECTION, &v);
    assert_int_equal(v.len, 1);
    assert_memory_equal(v.str, "C", 1);
    tu_ent_get(&e, TU_A_REGION, &v);
    assert_memory_equal(v.str, "pearl_river_delta", v.len);
    tu_ent_get(&e, TU_A_SIZE, &v);
    assert_memory_equal(v.str, "large", v.len);
    assert_int_equal(e.size_given, 0);
    char buf[64];
    assert_int_equal(tu_ent_format(&e, TU_A_SIZE, buf, sizeof buf), 0); /* derived size is not exported */
}

static void test_missing_is_not_zero(void **state) {
    (void)state;
    tu_ent e;
    base(&e);
    assert_int_equal(tu_ent_finish(&e, NULL), TU_OK);
    tu_value v;
    tu_ent_get(&e, TU_A_REVENUE, &v);
    assert_int_equal(v.kind, TU_V_MISSING);
    tu_ent_get(&e, TU_A_SIZE, &v);
    assert_int_equal(v.kind, TU_V_MISSING);
    tu_ent_get(&e, TU_A_TAGS, &v); /* tags: empty set, not missing */
    assert_int_equal(v.kind, TU_V_TAGS);
    assert_int_equal(v.tags, 0);
    assert_int_equal(set(&e, TU_A_REVENUE, "0", NULL), TU_OK);
    tu_ent_get(&e, TU_A_REVENUE, &v);
    assert_int_equal(v.kind, TU_V_NUM);
    assert_int_equal(v.num, 0);
    assert_int_equal(set(&e, TU_A_REVENUE, "", NULL), TU_OK);
    tu_ent_get(&e, TU_A_REVENUE, &v);
    assert_int_equal(v.kind, TU_V_MISSING);
}

static void test_bad_cells(void **state) {
    (void)state;
    tu_ent e;
    tu_err err;
    base(&e);
    tu_err_clear(&err);
    assert_int_equal(set(&e, TU_A_CITY, "110000", &err), TU_EINVAL);
    assert_string_equal(err.field, "city");
    assert_int_equal(set(&e, TU_A_REVENUE, "-5", &err), TU_EINVAL);
    assert_int_equal(set(&e, TU_A_EMPLOYEES, "12.5", &err), TU_EINVAL);
    assert_int_equal(set(&e, TU_A_EMPLOYEES, "2147483648", &err), TU_EINVAL); /* the index keeps 32 bits */
    assert_non_null(strstr(err.msg, "2147483647"));
    assert_int_equal(set(&e, TU_A_EMPLOYEES, "2147483647", &err), TU_OK);
    assert_int_equal(set(&e, TU_A_FOUNDED, "2099-01-01", &err), TU_EINVAL);
    assert_non_null(strstr(err.msg, "future"));
    assert_int_equal(set(&e, TU_A_TAGS, "high_tech;flying_car", &err), TU_EINVAL);
    assert_non_null(strstr(err.msg, "flying_car"));
    assert_int_equal(set(&e, TU_A_SIZE, "huge", &err), TU_EINVAL);
    assert_int_equal(set(&e, TU_A_NAME, "", &err), TU_EINVAL);
    assert_int_equal(set(&e, TU_A_NAME, "bad\xff", &err), TU_EINVAL);
    assert_int_equal(set(&e, TU_A_DISTRICT, "440105", NULL), TU_OK);
    assert_int_equal(tu_ent_finish(&e, &err), TU_EINVAL); /* a Guangzhou district under Shenzhen */
    assert_string_equal(err.field, "district");
}

static void test_format_round_trip(void **state) {
    (void)state;
    static const struct {
        int attr;
        const char *text;
    } cells[] = {
        {TU_A_DISTRICT, "440305"}, {TU_A_INDUSTRY, "C38"},        {TU_A_SIZE, "small"},
        {TU_A_REVENUE, "1234.5"},  {TU_A_EMPLOYEES, "88"},         {TU_A_FOUNDED, "2001-09-30"},
        {TU_A_RD_RATIO, "3.1"},    {TU_A_ENERGY_TCE, "0.0001"},    {TU_A_TAGS, "high_tech;above_scale"},
    };
    tu_ent e;
    base(&e);
    for (size_t i = 0; i < sizeof cells / sizeof cells[0]; i++)
        assert_int_equal(set(&e, cells[i].attr, cells[i].text, NULL), TU_OK);
    assert_int_equal(tu_ent_finish(&e, NULL), TU_OK);
    char buf[128];
    for (size_t i = 0; i < sizeof cells / sizeof cells[0]; i++) {
        assert_true(tu_ent_format(&e, cells[i].attr, buf, sizeof buf) > 0);
        assert_string_equal(buf, cells[i].text);
    }
    assert_int_equal(tu_ent_format(&e, TU_A_CITY, buf, sizeof buf), 6);
    assert_string_equal(buf, "440300");
    assert_int_equal(tu_ent_format(&e, TU_A_NAME, buf, 4), -1); /* does not fit */
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_derive), cmocka_unit_test(test_missing_is_not_zero), cmocka_unit_test(test_bad_cells),
        cmocka_unit_test(test_format_round_trip),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
