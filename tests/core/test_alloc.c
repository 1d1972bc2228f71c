/* Tests of src/core/alloc.c: byte counting and failure injection. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>

#include "core/alloc.h"

static void test_counts(void **state) {
    (void)state;
    int64_t before = tu_alloc_live();
    char *p = tu_malloc(100);
    assert_int_equal(tu_alloc_live() - before, 100);
    p = tu_realloc(p, 300);
    assert_int_equal(tu_alloc_live() - before, 300);
    char *s = tu_strdup("hello");
    assert_string_equal(s, "hello");
    tu_free(p);
    tu_free(s);
    tu_free(NULL);
    assert_int_equal(tu_alloc_live(), before);
}

static void test_injection(void **state) {
    (void)state;
    tu_alloc_fail_after(1);
    void *a = tu_malloc(8);
    void *b = tu_malloc(8);
    void *c = tu_malloc(8);
    assert_non_null(a);
    assert_null(b);
    assert_non_null(c);
    tu_alloc_fail_after(-1);
    tu_free(a);
    tu_free(c);
    assert_null(tu_calloc(SIZE_MAX / 2, 4)); /* overflow is refused */
}

int main(void) {
    const struct CMUnitTest tests[] = {cmocka_unit_test(test_counts), cmocka_unit_test(test_injection)};
    return cmocka_run_group_tests(tests, NULL, NULL);
}
