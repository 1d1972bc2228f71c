/* Tests of src/http/body.c: the depth pre-scan (strings and escapes skipped) and the body parser's errors. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>

#include "http/body.h"

static int parse(const char *s, int depth, tu_err *err) {
    json_t *j = NULL;
    int rc = tu_http_parse_body(s, strlen(s), depth, &j, err);
    assert_true(rc == TU_OK ? j != NULL : j == NULL);
    json_decref(j);
    return rc;
}

static void test_depth(void **state) {
    (void)state;
    assert_int_equal(tu_json_depth("{}", 2, 10), 1);
    assert_int_equal(tu_json_depth("{\"a\":[[1]]}", 11, 10), 3);
    assert_int_equal(tu_json_depth("{\"a\":\"[[[[\"}", 12, 10), 1);     /* brackets in strings do not count */
    assert_int_equal(tu_json_depth("{\"a\\\"[[\":1}", 11, 10), 1);     /* nor after an escaped quote */
    assert_int_equal(tu_json_depth("[[[[[[", 6, 3), 4);                 /* stops at max + 1 */
    assert_int_equal(tu_json_depth("]]]]", 4, 3), 0);
}

static void test_parse(void **state) {
    (void)state;
    tu_err err = {0};
    assert_int_equal(parse("{\"a\":1}", 32, &err), TU_OK);
    assert_int_equal(parse("{\"a\":[[[[1]]]]}", 3, &err), TU_EDEPTH);
    assert_int_equal(parse("{\"a\":1", 32, &err), TU_EPARSE);
    assert_true(err.line >= 1);
    assert_int_equal(parse("[1]", 32, &err), TU_EVALIDATION);
    assert_int_equal(parse("{\"a\":1,\"a\":2}", 32, &err), TU_EPARSE); /* duplicate keys */
    assert_int_equal(parse("{\"a\":\"\xff\"}", 32, &err), TU_EPARSE);     /* bad UTF-8 */
    assert_int_equal(parse("", 32, &err), TU_EPARSE);
    json_t *j = NULL;
    assert_int_equal(tu_http_parse_body("{\"a\":1}\0junk", 12, 32, &j, &err), TU_EPARSE); /* NUL inside */
    assert_null(j);
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_depth),
        cmocka_unit_test(test_parse),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
