/* Tests of src/core/codes.c: USCC check characters, code lists, size classes, above-scale, energy tiers. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>

#include "core/codes.h"
#include "core/num.h"

static int valid(const char *s) { return tu_uscc_validate(s, strlen(s), NULL, NULL) == TU_OK; }

static void test_uscc_known_valid(void **state) {
    (void)state;
    int warn = -1;
    assert_int_equal(tu_uscc_validate("914403001922038216", 18, &warn, NULL), TU_OK);
    assert_int_equal(warn, 0);
    assert_int_equal(tu_uscc_check_char("91440300192203821"), '6');
}

static void test_uscc_invalid(void **state) {
    (void)state;
    tu_err e = {0};
    assert_false(valid("914403001922038217")); /* wrong check character */
    assert_int_equal(tu_uscc_validate("914403001922038217", 18, NULL, &e), TU_EINVAL);
    assert_non_null(strstr(e.msg, "expected '6'"));
    assert_false(valid("91440300192203821"));   /* 17 characters */
    assert_false(valid("9144030019220382166")); /* 19 */
    assert_false(valid("91440300192203821I"));  /* I is not in the alphabet */
    assert_false(valid("91440300192203821O"));
    assert_false(valid("914403001922038z16")); /* lower case */
    assert_false(valid(""));
    /* every single-character substitution of a valid code is caught */
    char code[19] = "914403001922038216";
    for (int pos = 0; pos < 18; pos++) {
        char orig = code[pos];
        for (int k = 0; k < 31; k++) {
            char c = tu_uscc_alphabet[k];
            if (c == orig) continue;
            code[pos] = c;
            assert_false(valid(code));
        }
        code[pos] = orig;
    }
}

static void test_uscc_org_warning(void **state) {
    (void)state;
    /* Build a code whose organisation-code check (position 17) is wrong but whose USCC check is right. */
    char code[19] = "91440300192203821";
    code[16] = tu_org_check_char(code + 8) == '1' ? '2' : '1';
    code[17] = tu_uscc_check_char(code);
    code[18] = '\0';
    int warn = 0;
    assert_int_equal(tu_uscc_validate(code, 18, &warn, NULL), TU_OK);
    assert_int_equal(warn, 1);
}

static void test_org_check_char(void **state) {
    (void)state;
    assert_int_equal(tu_org_check_char("19220382"), '1'); /* Huawei's organisation code 19220382-1 */
    assert_int_equal(tu_org_check_char("1922038?"), '\0');
}

static void test_cities(void **state) {
    (void)state;
    assert_int_equal(tu_city_count(), 21);
    const tu_city *sz = tu_city_find(440300);
    assert_non_null(sz);
    assert_string_equal(sz->name_en, "Shenzhen");
    assert_int_equal(sz->region, TU_REGION_PRD);
    assert_int_equal(tu_city_find(441500)->region, TU_REGION_EAST);
    assert_null(tu_city_find(110000));
    assert_null(tu_city_find(441000)); /* no such city */
    assert_true(tu_district_valid(440300, 440305));
    assert_false(tu_district_valid(440300, 440300));
    assert_false(tu_district_valid(440300, 440105));
    int sum = 0;
    for (int i = 0; i < tu_city_count(); i++) sum += tu_city_at(i)->above_scale_2023;
    assert_int_equal(sum, 71996);
}

static void test_industries(void **state) {
    (void)state;
    char div[4];
    tu_err e = {0};
    assert_int_equal(tu_industry_validate("C38", 3, div, NULL), TU_OK);
    assert_string_equal(div, "C38");
    assert_int_equal(tu_industry_validate("C3811", 5, div, NULL), TU_OK);
    assert_string_equal(div, "C38");
    assert_int_equal(tu_industry_validate("C", 1, div, NULL), TU_EINVAL);
    assert_int_equal(tu_industry_validate("C381122", 7, div, NULL), TU_EINVAL);
    assert_int_equal(tu_industry_validate("C05", 3, div, &e), TU_EINVAL); /* A05 exists, C05 does not */
    assert_non_null(strstr(e.msg, "C05"));
    assert_int_equal(tu_industry_validate("c38", 3, div, NULL), TU_EINVAL);
    assert_int_equal(tu_division_count(), 97);
    assert_int_equal(tu_division_index("A01"), 0);
    assert_int_equal(tu_division_index("T97"), 96);
    assert_string_equal(tu_division_at(tu_division_index("C39"))->code, "C39");
    assert_int_equal(tu_division_index("C"), -1);
}

#define W(x) ((int64_t)(x) * TU_DEC_SCALE)

static void test_size_industry_boundaries(void **state) {
    (void)state;
    /* large needs X >= 1000 and Y >= 40000; inclusive */
    assert_int_equal(tu_size_derive("C38", 3, 1, 1000, 1, W(40000)), TU_SIZE_LARGE);
    assert_int_equal(tu_size_derive("C38", 3, 1, 999, 1, W(40000)), TU_SIZE_MEDIUM);
    assert_int_equal(tu_size_derive("C38", 3, 1, 1000, 1, W(40000) - 1), TU_SIZE_MEDIUM);
    assert_int_equal(tu_size_derive("C38", 3, 1, 300, 1, W(2000)), TU_SIZE_MEDIUM);
    assert_int_equal(tu_size_derive("C38", 3, 1, 299, 1, W(2000)), TU_SIZE_SMALL);
    assert_int_equal(tu_size_derive("C38", 3, 1, 20, 1, W(300)), TU_SIZE_SMALL);
    assert_int_equal(tu_size_derive("C38", 3, 1, 19, 1, W(300)), TU_SIZE_MICRO);
    assert_int_equal(tu_size_derive("C38", 3, 1, 20, 1, W(299)), TU_SIZE_MICRO);
    /* mixed: many employees, tiny revenue -> the smaller class */
    assert_int_equal(tu_size_derive("C38", 3, 1, 5000, 1, W(100)), TU_SIZE_MICRO);
    assert_int_equal(tu_size_derive("D44", 3, 1, 5000, 1, W(2500)), TU_SIZE_MEDIUM);
    /* one indicator known: decides only micro */
    assert_int_equal(tu_size_derive("C38", 3, 1, 5, 0, 0), TU_SIZE_MICRO);
    assert_int_equal(tu_size_derive("C38", 3, 1, 5000, 0, 0), -1);
    assert_int_equal(tu_size_derive("C38", 3, 0, 0, 0, 0), -1);
}

static void test_size_other_groups(void **state) {
    (void)state;
    /* retail: large X >= 300 and Y >= 20000; small X >= 10 and Y >= 100 */
    assert_int_equal(tu_size_derive("F52", 3, 1, 300, 1, W(20000)), TU_SIZE_LARGE);
    assert_int_equal(tu_size_derive("F5211", 5, 1, 10, 1, W(100)), TU_SIZE_SMALL);
    /* software: small X >= 10, Y >= 50 */
    assert_int_equal(tu_size_derive("I65", 3, 1, 10, 1, W(50)), TU_SIZE_SMALL);
    /* other industries (M73): employees only */
    assert_int_equal(tu_size_derive("M73", 3, 1, 300, 0, 0), TU_SIZE_LARGE);
    assert_int_equal(tu_size_derive("M73", 3, 1, 9, 1, W(99999)), TU_SIZE_MICRO);
    assert_string_equal(tu_size_group_for("C3811", 5)->group, "industry");
    assert_string_equal(tu_size_group_for("P83", 3)->group, "other");
}

static void test_above_scale(void **state) {
    (void)state;
    assert_true(tu_is_above_scale('C', W(2000)));
    assert_false(tu_is_above_scale('C', W(2000) - 1));
    assert_true(tu_is_above_scale('D', W(50000)));
    assert_false(tu_is_above_scale('F', W(50000)));
}

static void test_energy_tiers(void **state) {
    (void)state;
    assert_int_equal(tu_energy_review_tier(W(999) + 9000, 0), TU_ENERGY_NONE); /* 999.9 */
    assert_int_equal(tu_energy_review_tier(W(1000), 0), TU_ENERGY_COUNTY);
    assert_int_equal(tu_energy_review_tier(W(4999), 0), TU_ENERGY_COUNTY);
    assert_int_equal(tu_energy_review_tier(W(5000), 0), TU_ENERGY_CITY);
    assert_int_equal(tu_energy_review_tier(W(10000), 0), TU_ENERGY_PROVINCE);
    assert_int_equal(tu_energy_review_tier(W(10), W(5000000)), TU_ENERGY_COUNTY);
    assert_int_equal(tu_energy_review_tier(W(10), W(5000000) - 1), TU_ENERGY_NONE);
    assert_string_equal(tu_energy_tier_name(TU_ENERGY_PROVINCE), "provincial");
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_uscc_known_valid), cmocka_unit_test(test_uscc_invalid),
        cmocka_unit_test(test_uscc_org_warning), cmocka_unit_test(test_org_check_char),
        cmocka_unit_test(test_cities),           cmocka_unit_test(test_industries),
        cmocka_unit_test(test_size_industry_boundaries), cmocka_unit_test(test_size_other_groups),
        cmocka_unit_test(test_above_scale),      cmocka_unit_test(test_energy_tiers),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
