/* Tests of src/http/throttle.c: the limit within a window, the window's end, reset, independence of keys and
 * bounded memory under many keys. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <cmocka.h>

#include "http/throttle.h"

static void test_limit_and_window(void **state) {
    (void)state;
    tu_throttle *t = tu_throttle_new(3, 100);
    assert_non_null(t);
    for (int i = 0; i < 3; i++) {
        assert_int_equal(tu_throttle_wait(t, "user:a", 1000), 0);
        tu_throttle_fail(t, "user:a", 1000 + i);
    }
    assert_int_equal(tu_throttle_wait(t, "user:a", 1010), 90);
    assert_int_equal(tu_throttle_wait(t, "user:b", 1010), 0); /* other keys are free */
    assert_int_equal(tu_throttle_wait(t, "user:a", 1100), 0); /* the window ended */
    tu_throttle_fail(t, "user:a", 1100);
    assert_int_equal(tu_throttle_wait(t, "user:a", 1101), 0); /* a fresh window counts from one */
    tu_throttle_free(t);
}

static void test_reset(void **state) {
    (void)state;
    tu_throttle *t = tu_throttle_new(1, 60);
    tu_throttle_fail(t, "user:a", 5);
    assert_true(tu_throttle_wait(t, "user:a", 6) > 0);
    tu_throttle_reset(t, "user:a");
    assert_int_equal(tu_throttle_wait(t, "user:a", 6), 0);
    tu_throttle_free(t);
    tu_throttle_free(NULL);
}

static void test_many_keys(void **state) {
    (void)state;
    tu_throttle *t = tu_throttle_new(2, 60);
    char key[32];
    tu_throttle_fail(t, "user:victim", 0);
    tu_throttle_fail(t, "user:victim", 0);
    for (int i = 0; i < 100000; i++) { /* a flood of other keys, later in time, cannot grow memory */
        snprintf(key, sizeof key, "addr:%d", i);
        tu_throttle_fail(t, key, 0);
    }
    snprintf(key, sizeof key, "addr:%d", 99999);
    assert_int_equal(tu_throttle_wait(t, key, 1), 0); /* one failure: under the limit */
    tu_throttle_fail(t, key, 1);
    assert_true(tu_throttle_wait(t, key, 1) > 0);
    tu_throttle_free(t);
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_limit_and_window),
        cmocka_unit_test(test_reset),
        cmocka_unit_test(test_many_keys),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
