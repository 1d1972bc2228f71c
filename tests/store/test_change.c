/* Tests of the enterprise change feed (src/store/change.h, sqlite_registry.c): rows come back in seq order after
 * a given seq, with origin, count and blob intact; a rolled-back row leaves no trace; scans stop at the limit and
 * on the callback's return; cursors are per name and survive reopening the database; the transaction and argument
 * rules. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <cmocka.h>

#include "store/change.h"
#include "tmpdir.h"

typedef struct seen {
    int64_t seq[8], origin[8], n[8];
    char blob[8][16];
    int count, stop_after;
} seen;

static int collect(void *ctx, const tu_change *c) {
    seen *s = ctx;
    s->seq[s->count] = c->seq, s->origin[s->count] = c->origin, s->n[s->count] = c->n;
    snprintf(s->blob[s->count], sizeof s->blob[0], "%.*s", (int)c->len, (const char *)c->ids);
    s->count++;
    return s->stop_after && s->count == s->stop_after ? 7 : 0;
}

static int64_t add(tu_store *s, int64_t origin, const char *blob, int64_t n, int commit) {
    tu_err err = {0};
    int64_t seq = 0;
    assert_int_equal(tu_store_begin(s, &err), TU_OK);
    assert_int_equal(tu_store_change_add(s, origin, blob, strlen(blob), n, &seq, &err), TU_OK);
    if (commit) assert_int_equal(tu_store_commit(s, &err), TU_OK);
    else tu_store_rollback(s);
    return seq;
}

/* The test's database file (the same path on every open: cursors must survive a reopen). */
static tu_store *open_db(void) {
    char path[128];
    snprintf(path, sizeof path, "%s/feed.db", dir);
    tu_store *s = NULL;
    assert_int_equal(tu_store_open(path, 0, &s, NULL), TU_OK);
    return s;
}

static void test_rows_in_order_after_seq(void **state) {
    (void)state;
    tu_store *s = open_db();
    tu_err err = {0};
    int64_t last = -1;
    assert_int_equal(tu_store_change_last(s, &last, &err), TU_OK);
    assert_int_equal(last, 0);
    int64_t a = add(s, 11, "aaa", 3, 1);
    add(s, 12, "lost", 4, 0); /* rolled back: not in the feed */
    int64_t b = add(s, 12, "bb", 2, 1), c = add(s, 11, "c", 1, 1);
    assert_true(a < b && b < c);
    assert_int_equal(tu_store_change_last(s, &last, &err), TU_OK);
    assert_int_equal(last, c);
    seen all = {0};
    assert_int_equal(tu_store_change_scan(s, 0, 100, collect, &all, &err), TU_OK);
    assert_int_equal(all.count, 3);
    assert_int_equal(all.seq[0], a), assert_int_equal(all.seq[1], b), assert_int_equal(all.seq[2], c);
    assert_int_equal(all.origin[1], 12), assert_int_equal(all.n[1], 2);
    assert_string_equal(all.blob[0], "aaa"), assert_string_equal(all.blob[1], "bb"), assert_string_equal(all.blob[2], "c");
    seen after = {0};
    assert_int_equal(tu_store_change_scan(s, a, 1, collect, &after, &err), TU_OK); /* limit 1 */
    assert_int_equal(after.count, 1);
    assert_int_equal(after.seq[0], b);
    seen stop = {.stop_after = 1};
    assert_int_equal(tu_store_change_scan(s, 0, 100, collect, &stop, &err), 7); /* the callback's return */
    assert_int_equal(stop.count, 1);
    seen none = {0};
    assert_int_equal(tu_store_change_scan(s, c, 100, collect, &none, &err), TU_OK);
    assert_int_equal(none.count, 0);
    tu_store_close(s);
}

static void test_cursors_per_name_and_durable(void **state) {
    (void)state;
    tu_store *s = open_db();
    tu_err err = {0};
    int64_t seq = 0;
    assert_int_equal(tu_store_change_cursor_get(s, "node:a", &seq, &err), TU_ENOTFOUND);
    assert_int_equal(tu_store_change_cursor_set(s, "node:a", 5, &err), TU_ESTATE); /* no transaction */
    assert_int_equal(tu_store_begin(s, &err), TU_OK);
    assert_int_equal(tu_store_change_cursor_set(s, "node:a", 5, &err), TU_OK);
    assert_int_equal(tu_store_change_cursor_set(s, "node:b", 2, &err), TU_OK);
    assert_int_equal(tu_store_change_cursor_set(s, "node:a", 9, &err), TU_OK);
    assert_int_equal(tu_store_change_cursor_set(s, "", 9, &err), TU_EINVAL);
    assert_int_equal(tu_store_commit(s, &err), TU_OK);
    tu_store_close(s);
    s = open_db();
    assert_int_equal(tu_store_change_cursor_get(s, "node:a", &seq, &err), TU_OK);
    assert_int_equal(seq, 9);
    assert_int_equal(tu_store_change_cursor_get(s, "node:b", &seq, &err), TU_OK);
    assert_int_equal(seq, 2);
    tu_store_close(s);
}

/* Pruning keeps every row some follower still needs, the newest row (seqs never go back) and rows younger than
 * the grace; with no follower recorded it keeps everything. */
static void test_prune(void **state) {
    (void)state;
    tu_store *s = open_db();
    tu_err err = {0};
    int64_t a = add(s, 1, "a", 1, 1), b = add(s, 1, "b", 1, 1), c = add(s, 1, "c", 1, 1), d = add(s, 1, "d", 1, 1);
    int64_t n = -1;
    assert_int_equal(tu_store_change_prune(s, 0, &n, &err), TU_OK); /* no cursor yet */
    assert_int_equal(n, 0);
    assert_int_equal(tu_store_begin(s, &err), TU_OK);
    assert_int_equal(tu_store_change_cursor_set(s, "node:a", c, &err), TU_OK);
    assert_int_equal(tu_store_change_cursor_set(s, "node:b", b, &err), TU_OK);
    assert_int_equal(tu_store_commit(s, &err), TU_OK);
    assert_int_equal(tu_store_change_prune(s, 3600, &n, &err), TU_OK); /* all rows are younger than an hour */
    assert_int_equal(n, 0);
    assert_int_equal(tu_store_change_prune(s, 0, &n, &err), TU_OK); /* node:b still needs c and d */
    assert_int_equal(n, 2);
    seen left = {0};
    assert_int_equal(tu_store_change_scan(s, 0, 100, collect, &left, &err), TU_OK);
    assert_int_equal(left.count, 2);
    assert_int_equal(left.seq[0], c), assert_int_equal(left.seq[1], d);
    assert_int_equal(tu_store_begin(s, &err), TU_OK);
    assert_int_equal(tu_store_change_cursor_set(s, "node:a", d, &err), TU_OK);
    assert_int_equal(tu_store_change_cursor_set(s, "node:b", d, &err), TU_OK);
    assert_int_equal(tu_store_commit(s, &err), TU_OK);
    assert_int_equal(tu_store_change_prune(s, 0, NULL, &err), TU_OK);
    seen last = {0};
    assert_int_equal(tu_store_change_scan(s, 0, 100, collect, &last, &err), TU_OK);
    assert_int_equal(last.count, 1); /* the newest row stays */
    assert_int_equal(last.seq[0], d);
    int64_t e = add(s, 1, "e", 1, 1);
    assert_true(e > d && d > a);
    assert_int_equal(tu_store_change_prune(s, -1, NULL, &err), TU_EINVAL);
    tu_store_close(s);
}

static void test_bad_arguments(void **state) {
    (void)state;
    tu_store *s = open_db();
    tu_err err = {0};
    assert_int_equal(tu_store_change_add(s, 1, "x", 1, 1, NULL, &err), TU_ESTATE); /* no transaction */
    assert_int_equal(tu_store_begin(s, &err), TU_OK);
    assert_int_equal(tu_store_change_add(s, 1, "x", 0, 1, NULL, &err), TU_EINVAL);
    assert_int_equal(tu_store_change_add(s, 1, "x", 1, 0, NULL, &err), TU_EINVAL);
    tu_store_rollback(s);
    seen none = {0};
    assert_int_equal(tu_store_change_scan(s, 0, 0, collect, &none, &err), TU_EINVAL);
    tu_store_close(s);
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_rows_in_order_after_seq, tmpdir_setup, tmpdir_teardown),
        cmocka_unit_test_setup_teardown(test_cursors_per_name_and_durable, tmpdir_setup, tmpdir_teardown),
        cmocka_unit_test_setup_teardown(test_prune, tmpdir_setup, tmpdir_teardown),
        cmocka_unit_test_setup_teardown(test_bad_arguments, tmpdir_setup, tmpdir_teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
