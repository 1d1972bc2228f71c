/* Tests of src/core/sbuf.c: appends, growth across many doublings, formatted appends longer than the small
 * buffer, take/reset, and that an allocation failure is remembered (take gives NULL, nothing leaks). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>

#include "core/alloc.h"
#include "core/sbuf.h"

static void test_append_and_grow(void **state) {
    (void)state;
    int64_t live0 = tu_alloc_live();
    tu_sbuf b = {0};
    char expect[20001];
    for (int i = 0; i < 20000; i++) {
        tu_sbuf_add(&b, &"abcdefghij"[i % 10], 1);
        expect[i] = "abcdefghij"[i % 10];
    }
    expect[20000] = '\0';
    assert_int_equal(b.len, 20000);
    assert_string_equal(b.p, expect);
    size_t len;
    char *s = tu_sbuf_take(&b, &len);
    assert_int_equal(len, 20000);
    assert_memory_equal(s, expect, 20001);
    assert_null(b.p);
    assert_int_equal(b.len, 0);
    tu_free(s);
    assert_int_equal(tu_alloc_live(), live0);
}

static void test_format(void **state) {
    (void)state;
    tu_sbuf b = {0};
    tu_sbuf_adds(&b, "{\"n\":");
    tu_sbuf_addf(&b, "%d", -42);
    tu_sbuf_adds(&b, ",\"s\":\"");
    char big[500];
    memset(big, 'x', sizeof big - 1), big[sizeof big - 1] = '\0';
    tu_sbuf_addf(&b, "%s\"}", big); /* longer than the formatter's small buffer */
    assert_int_equal(b.len, strlen("{\"n\":-42,\"s\":\"") + 499 + 2);
    assert_int_equal(strncmp(b.p, "{\"n\":-42,\"s\":\"xxx", 17), 0);
    assert_string_equal(b.p + b.len - 3, "x\"}");
    tu_sbuf_reset(&b);
    assert_null(b.p);
    char *empty = tu_sbuf_take(&b, NULL); /* nothing appended: an empty string, not NULL */
    assert_non_null(empty);
    assert_string_equal(empty, "");
    tu_free(empty);
}

static void test_oom_is_sticky(void **state) {
    (void)state;
    int64_t live0 = tu_alloc_live();
    tu_sbuf b = {0};
    tu_sbuf_adds(&b, "start");
    tu_alloc_fail_after(0);
    char big[1000];
    memset(big, 'y', sizeof big);
    tu_sbuf_add(&b, big, sizeof big); /* needs to grow: fails */
    tu_alloc_fail_after(-1);
    assert_true(b.oom);
    tu_sbuf_adds(&b, "more"); /* ignored after a failure */
    size_t len = 7;
    assert_null(tu_sbuf_take(&b, &len));
    assert_int_equal(len, 0);
    assert_int_equal(tu_alloc_live(), live0);
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_append_and_grow),
        cmocka_unit_test(test_format),
        cmocka_unit_test(test_oom_is_sticky),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
