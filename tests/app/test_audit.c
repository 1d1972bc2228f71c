/* Tests of src/app/audit.c: rows chain, state hashes are canonical, and editing, deleting or inserting a row is
 * found at that row. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sqlite3.h>
#include <unistd.h>
#include <cmocka.h>

#include "app/audit.h"

static char dir[64], path[128];

static int setup(void **state) {
    (void)state;
    snprintf(dir, sizeof dir, "/tmp/techup-audit-XXXXXX");
    if (!mkdtemp(dir)) return -1;
    snprintf(path, sizeof path, "%s/t.db", dir);
    return 0;
}

static int teardown(void **state) {
    (void)state;
    char cmd[128];
    snprintf(cmd, sizeof cmd, "rm -rf %s", dir);
    return system(cmd);
}

static void write_rows(int n) {
    tu_store *s;
    tu_err err = {0};
    assert_int_equal(tu_store_open(path, 0, &s, &err), TU_OK);
    tu_actor a = {7, "tester", "rid"};
    for (int i = 0; i < n; i++) {
        json_t *after = json_pack("{s:i}", "n", i);
        assert_int_equal(tu_audit_record(s, &a, "x", "y", NULL, after, &err), TU_ESTATE); /* needs a transaction */
        assert_int_equal(tu_store_begin(s, &err), TU_OK);
        assert_int_equal(tu_audit_record(s, &a, "thing.update", "thing:1", NULL, after, &err), TU_OK);
        assert_int_equal(tu_store_commit(s, &err), TU_OK);
        json_decref(after);
    }
    tu_store_close(s);
}

static int64_t verify(int64_t *bad) {
    tu_store *s;
    tu_err err = {0};
    assert_int_equal(tu_store_open(path, 0, &s, &err), TU_OK);
    tu_audit_report rep;
    int rc = tu_audit_verify(s, &rep, &err);
    tu_store_close(s);
    *bad = rep.bad_id;
    assert_true(rc == TU_OK || rc == TU_ECORRUPT);
    return rc == TU_OK ? rep.rows : -1;
}

static void sql(const char *q) {
    sqlite3 *db;
    assert_int_equal(sqlite3_open(path, &db), SQLITE_OK);
    assert_int_equal(sqlite3_exec(db, q, NULL, NULL, NULL), SQLITE_OK);
    sqlite3_close(db);
}

static void test_state_hash(void **state) {
    (void)state;
    json_t *a = json_pack("{s:i,s:s}", "b", 1, "a", "x"), *b = json_pack("{s:s,s:i}", "a", "x", "b", 1);
    char ha[65], hb[65];
    tu_audit_state_hash(a, ha);
    tu_audit_state_hash(b, hb);
    assert_string_equal(ha, hb); /* key order does not matter */
    assert_int_equal(strlen(ha), 64);
    tu_audit_state_hash(NULL, ha);
    assert_string_equal(ha, "");
    json_decref(a);
    json_decref(b);
}

static void test_tamper(void **state) {
    (void)state;
    int64_t bad;
    write_rows(5);
    assert_int_equal(verify(&bad), 5);
    sql("UPDATE audit_log SET actor = 'mallory' WHERE id = 3");
    assert_int_equal(verify(&bad), -1);
    assert_int_equal(bad, 3);
    sql("UPDATE audit_log SET actor = 'tester' WHERE id = 3");
    assert_int_equal(verify(&bad), 5);
    sql("DELETE FROM audit_log WHERE id = 2");
    assert_int_equal(verify(&bad), -1);
    assert_int_equal(bad, 3);
    /* a forged row with a recomputed-looking id still does not chain */
    sql("INSERT INTO audit_log SELECT 2, ts, actor_id, actor, action, target, before_hash, after_hash, request_id,"
        " prev_hash, hash FROM audit_log WHERE id = 1");
    assert_int_equal(verify(&bad), -1);
    assert_int_equal(bad, 2);
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_state_hash),
        cmocka_unit_test(test_tamper),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
