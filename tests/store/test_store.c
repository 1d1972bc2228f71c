/* Tests of src/store/store.c and sqlite.c: open, migrations recorded once, transactions. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <cmocka.h>

#include "store/store.h"
#include "../tmpdir.h"


static void test_open_migrate_reopen(void **state) {
    (void)state;
    char path[128];
    snprintf(path, sizeof path, "%s/sub/dir/t.db", dir); /* parent folders are created */
    tu_store *s = NULL;
    tu_err err = {0};
    assert_int_equal(tu_store_open(path, 0, &s, &err), TU_OK);
    int v = tu_store_schema_version(s);
    assert_true(v >= 1);
    assert_string_equal(tu_store_backend_name(s), "sqlite");
    tu_store_close(s);
    assert_int_equal(tu_store_open(path, 0, &s, &err), TU_OK); /* second open applies nothing new */
    assert_int_equal(tu_store_schema_version(s), v);
    tu_store_close(s);
    assert_int_equal(tu_store_open(path, TU_STORE_READONLY, &s, &err), TU_OK);
    tu_store_close(s);
}

static void test_bad_locations(void **state) {
    (void)state;
    tu_store *s = NULL;
    tu_err err = {0};
    char path[128];
    snprintf(path, sizeof path, "%s/not-a-db", dir);
    FILE *f = fopen(path, "w");
    fputs("this is not a database, just some text that is long enough to look like a header......", f);
    fclose(f);
    assert_int_not_equal(tu_store_open(path, 0, &s, &err), TU_OK);
    assert_null(s);
    assert_non_null(strstr(err.msg, "not-a-db"));
    assert_int_equal(tu_store_open("postgres://localhost/x", 0, &s, &err), TU_EUNSUPPORTED);
    snprintf(path, sizeof path, "%s/missing.db", dir);
    assert_int_not_equal(tu_store_open(path, TU_STORE_READONLY, &s, &err), TU_OK);
}

static void test_transactions(void **state) {
    (void)state;
    tu_store *s = NULL;
    tu_err err = {0};
    assert_int_equal(tu_store_open(":memory:", 0, &s, &err), TU_OK);
    assert_int_equal(tu_store_commit(s, &err), TU_ESTATE);
    assert_int_equal(tu_store_begin(s, &err), TU_OK);
    assert_true(tu_store_in_tx(s));
    assert_int_equal(tu_store_begin(s, &err), TU_ESTATE);
    tu_store_rollback(s);
    assert_false(tu_store_in_tx(s));
    assert_int_equal(tu_store_begin(s, &err), TU_OK);
    assert_int_equal(tu_store_commit(s, &err), TU_OK);
    tu_store_close(s);
    tu_store_close(NULL);
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_open_migrate_reopen), cmocka_unit_test(test_bad_locations),
        cmocka_unit_test(test_transactions),
    };
    return cmocka_run_group_tests(tests, tmpdir_setup, tmpdir_teardown);
}
