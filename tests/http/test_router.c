/* Tests of src/http/router.c: literal and {param} segments, trailing slashes, empty segments, too many params. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>

#include "http/router.h"

static void test_literal(void **state) {
    (void)state;
    assert_true(tu_route_match("/healthz", "/healthz", NULL));
    assert_false(tu_route_match("/healthz", "/healthz/", NULL));
    assert_false(tu_route_match("/healthz", "/health", NULL));
    assert_false(tu_route_match("/healthz", "/healthzz", NULL));
    assert_false(tu_route_match("/api/v1/me", "/api/v1", NULL));
    assert_false(tu_route_match("/api/v1", "/api/v1/me", NULL));
    assert_false(tu_route_match("/a", "", NULL));
}

static void test_params(void **state) {
    (void)state;
    tu_params p;
    char buf[32];
    assert_true(tu_route_match("/api/v1/users/{id}/password", "/api/v1/users/42/password", &p));
    assert_int_equal(p.n, 1);
    assert_int_equal(tu_params_get(&p, "id", buf, sizeof buf), 2);
    assert_string_equal(buf, "42");
    assert_int_equal(tu_params_get(&p, "uscc", buf, sizeof buf), -1);
    assert_false(tu_route_match("/api/v1/users/{id}", "/api/v1/users/", &p)); /* a param is never empty */
    assert_false(tu_route_match("/api/v1/users/{id}", "/api/v1/users//", &p));
    assert_false(tu_route_match("/api/v1/users/{id}", "/api/v1/users/4/5", &p));
    assert_true(tu_route_match("/e/{a}/x/{b}", "/e/1/x/two", &p));
    assert_int_equal(p.n, 2);
    assert_int_equal(tu_params_get(&p, "b", buf, sizeof buf), 3);
    assert_string_equal(buf, "two");
    assert_int_equal(tu_params_get(&p, "b", buf, 3), -1); /* does not fit */
}

static void test_too_many_params(void **state) {
    (void)state;
    tu_params p;
    assert_true(tu_route_match("/{a}/{b}/{c}/{d}", "/1/2/3/4", &p));
    assert_false(tu_route_match("/{a}/{b}/{c}/{d}/{e}", "/1/2/3/4/5", &p));
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_literal),
        cmocka_unit_test(test_params),
        cmocka_unit_test(test_too_many_params),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
