/* Tests of src/core/num.c: fixed-point decimals, integers, dates, money, UTF-8 validation. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>

#include "core/num.h"

static int64_t dec(const char *s) {
    int64_t v = 0;
    assert_int_equal(tu_dec_parse(s, strlen(s), &v, NULL), TU_OK);
    return v;
}

static int dec_bad(const char *s) {
    int64_t v;
    return tu_dec_parse(s, strlen(s), &v, NULL) == TU_EINVAL;
}

static void test_dec(void **state) {
    (void)state;
    char buf[TU_DEC_BUFSZ];
    assert_int_equal(dec("1234.5"), 12345000);
    assert_int_equal(dec("0"), 0);
    assert_int_equal(dec("-0.0001"), -1);
    assert_int_equal(dec("3.1"), 31000);
    assert_string_equal(tu_dec_format(12345000, buf), "1234.5");
    assert_string_equal(tu_dec_format(-1, buf), "-0.0001");
    assert_string_equal(tu_dec_format(20000000, buf), "2000");
    assert_true(dec_bad(""));
    assert_true(dec_bad("1.23456")); /* more than 4 places */
    assert_true(dec_bad("1."));
    assert_true(dec_bad(".5"));
    assert_true(dec_bad("1e3"));
    assert_true(dec_bad("+1"));
    assert_true(dec_bad("12 "));
    assert_true(dec_bad("99999999999999999999"));
    /* round trip over a range of values */
    for (int64_t v = -100000; v <= 100000; v += 7) {
        tu_dec_format(v, buf);
        assert_int_equal(dec(buf), v);
    }
}

static void test_int(void **state) {
    (void)state;
    int64_t v;
    assert_int_equal(tu_int_parse("42", 2, &v, NULL), TU_OK);
    assert_int_equal(v, 42);
    assert_int_equal(tu_int_parse("-7", 2, &v, NULL), TU_OK);
    assert_int_equal(v, -7);
    assert_int_equal(tu_int_parse("9223372036854775807", 19, &v, NULL), TU_OK);
    assert_int_equal(tu_int_parse("9223372036854775808", 19, &v, NULL), TU_EINVAL);
    assert_int_equal(tu_int_parse("4.0", 3, &v, NULL), TU_EINVAL);
    assert_int_equal(tu_int_parse("-", 1, &v, NULL), TU_EINVAL);
}

static void test_dates(void **state) {
    (void)state;
    int32_t d;
    char buf[TU_DATE_BUFSZ];
    assert_int_equal(tu_date_parse("1970-01-01", 10, &d, NULL), TU_OK);
    assert_int_equal(d, 0);
    assert_int_equal(tu_date_parse("2024-02-29", 10, &d, NULL), TU_OK);
    assert_string_equal(tu_date_format(d, buf), "2024-02-29");
    assert_int_equal(tu_date_parse("2023-02-29", 10, &d, NULL), TU_EINVAL);
    assert_int_equal(tu_date_parse("2023-13-01", 10, &d, NULL), TU_EINVAL);
    assert_int_equal(tu_date_parse("2023-1-01", 9, &d, NULL), TU_EINVAL);
    assert_int_equal(tu_date_parse("2023/01/01", 10, &d, NULL), TU_EINVAL);
    for (int32_t x = -50000; x < 50000; x += 13) {
        tu_date_format(x, buf);
        assert_int_equal(tu_date_parse(buf, 10, &d, NULL), TU_OK);
        assert_int_equal(d, x);
    }
}

static void test_money(void **state) {
    (void)state;
    int64_t fen;
    char buf[TU_DEC_BUFSZ];
    assert_int_equal(tu_money_parse("1500.5", 6, &fen, NULL), TU_OK);
    assert_int_equal(fen, 150050);
    assert_string_equal(tu_money_format(fen, buf), "1500.50");
    assert_string_equal(tu_money_format(7, buf), "0.07");
    assert_int_equal(tu_money_parse("0.001", 5, &fen, NULL), TU_EINVAL);
}

static void test_utf8(void **state) {
    (void)state;
    const char *ok = "广州市 ok";
    assert_int_equal(tu_utf8_invalid_at(ok, strlen(ok)), -1);
    assert_int_equal(tu_utf8_invalid_at("ab\xff", 3), 2);
    assert_int_equal(tu_utf8_invalid_at("\xc0\xaf", 2), 0);         /* overlong */
    assert_int_equal(tu_utf8_invalid_at("\xed\xa0\x80", 3), 0);     /* surrogate */
    assert_int_equal(tu_utf8_invalid_at("a\xe5\xb9", 3), 1);        /* truncated */
    assert_int_equal(tu_utf8_invalid_at("\xf0\x9f\x98\x80", 4), -1); /* emoji */
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_dec),   cmocka_unit_test(test_int),  cmocka_unit_test(test_dates),
        cmocka_unit_test(test_money), cmocka_unit_test(test_utf8),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
