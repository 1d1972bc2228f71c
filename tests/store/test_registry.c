/* Tests of src/store/registry.c and sqlite_registry.c: sources, upsert by USCC with stable dense ids, reads, the
 * id-order scan, per-value sources, import runs, and the transaction rules. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <cmocka.h>

#include "core/codes.h"
#include "core/num.h"
#include "store/registry.h"

/* A finished record with a valid USCC built from a serial number. */
static void make_ent(tu_ent *e, int serial, const char *name) {
    char u[19];
    snprintf(u, sizeof u, "91440300%08d", serial);
    u[16] = tu_org_check_char(u + 8);
    u[17] = tu_uscc_check_char(u);
    u[18] = '\0';
    tu_ent_init(e);
    tu_err err = {0};
    int32_t today = tu_date_today();
    assert_int_equal(tu_ent_set_cell(e, TU_A_USCC, u, 18, today, &err), TU_OK);
    assert_int_equal(tu_ent_set_cell(e, TU_A_NAME, name, strlen(name), today, &err), TU_OK);
    assert_int_equal(tu_ent_set_cell(e, TU_A_CITY, "440300", 6, today, &err), TU_OK);
    assert_int_equal(tu_ent_set_cell(e, TU_A_INDUSTRY, "C3311", 5, today, &err), TU_OK);
    assert_int_equal(tu_ent_set_cell(e, TU_A_REVENUE, "2500.5", 6, today, &err), TU_OK);
    assert_int_equal(tu_ent_set_cell(e, TU_A_EMPLOYEES, "120", 3, today, &err), TU_OK);
    assert_int_equal(tu_ent_set_cell(e, TU_A_FOUNDED, "2010-05-04", 10, today, &err), TU_OK);
    assert_int_equal(tu_ent_set_cell(e, TU_A_TAGS, "high_tech;above_scale", 21, today, &err), TU_OK);
    assert_int_equal(tu_ent_finish(e, &err), TU_OK);
}

static tu_store *open_mem(void) {
    tu_store *s = NULL;
    tu_err err = {0};
    assert_int_equal(tu_store_open(":memory:", 0, &s, &err), TU_OK);
    return s;
}

static int64_t add_source(tu_store *s, const char *name) {
    tu_err err = {0};
    int64_t id = 0;
    assert_int_equal(tu_store_begin(s, &err), TU_OK);
    assert_int_equal(tu_store_source_add(s, "import", name, tu_date_from_ymd(2025, 12, 31), &id, &err), TU_OK);
    assert_int_equal(tu_store_commit(s, &err), TU_OK);
    return id;
}

static void test_sources(void **state) {
    (void)state;
    tu_store *s = open_mem();
    tu_err err = {0};
    int64_t id = 0;
    assert_int_equal(tu_store_source_add(s, "import", "a.csv", 0, &id, &err), TU_ESTATE); /* no transaction */
    id = add_source(s, "a.csv");
    tu_source src;
    assert_int_equal(tu_store_source_get(s, id, &src, &err), TU_OK);
    assert_string_equal(src.kind, "import");
    assert_string_equal(src.name, "a.csv");
    assert_int_equal(src.as_of, tu_date_from_ymd(2025, 12, 31));
    assert_int_equal(tu_store_source_get(s, id + 1, &src, &err), TU_ENOTFOUND);
    assert_int_equal(tu_store_begin(s, &err), TU_OK);
    assert_int_equal(tu_store_source_add(s, "", "x", 0, &id, &err), TU_EINVAL);
    tu_store_rollback(s);
    tu_store_close(s);
}

static void test_upsert_keeps_ids(void **state) {
    (void)state;
    tu_store *s = open_mem();
    tu_err err = {0};
    int64_t src1 = add_source(s, "one.csv"), src2 = add_source(s, "two.csv");
    tu_ent batch[3];
    make_ent(&batch[0], 1, "甲公司");
    make_ent(&batch[1], 2, "乙公司");
    make_ent(&batch[2], 3, "丙公司");
    int64_t ids[3];
    assert_int_equal(tu_store_ent_upsert(s, batch, 3, src1, ids, &err), TU_ESTATE);
    assert_int_equal(tu_store_begin(s, &err), TU_OK);
    assert_int_equal(tu_store_ent_upsert(s, batch, 3, src1, ids, &err), TU_OK);
    assert_int_equal(tu_store_commit(s, &err), TU_OK);
    assert_int_equal(ids[0], 1);
    assert_int_equal(ids[1], 2);
    assert_int_equal(ids[2], 3);

    /* The second enterprise changes; a new one arrives: the old keeps id 2, the new gets 4. */
    tu_ent again[2];
    make_ent(&again[0], 2, "乙公司（更名）");
    again[0].present &= ~(1u << TU_A_REVENUE); /* now missing */
    tu_ent_finish(&again[0], &err);
    make_ent(&again[1], 4, "丁公司");
    int64_t ids2[2];
    assert_int_equal(tu_store_begin(s, &err), TU_OK);
    assert_int_equal(tu_store_ent_upsert(s, again, 2, src2, ids2, &err), TU_OK);
    assert_int_equal(tu_store_commit(s, &err), TU_OK);
    assert_int_equal(ids2[0], 2);
    assert_int_equal(ids2[1], 4);

    int64_t n = 0, max = 0, id = 0, sid = 0;
    assert_int_equal(tu_store_ent_count(s, &n, &err), TU_OK);
    assert_int_equal(n, 4);
    assert_int_equal(tu_store_ent_max_id(s, &max, &err), TU_OK);
    assert_int_equal(max, 4);
    tu_ent got;
    assert_int_equal(tu_store_ent_get_by_uscc(s, again[0].uscc, &id, &got, &sid, &err), TU_OK);
    assert_int_equal(id, 2);
    assert_int_equal(sid, src2);
    assert_string_equal(got.name, "乙公司（更名）");
    assert_false(TU_ENT_HAS(&got, TU_A_REVENUE));
    assert_int_equal(tu_store_ent_get_by_id(s, 1, &got, &sid, &err), TU_OK);
    assert_int_equal(sid, src1);
    assert_memory_equal(&got, &batch[0], sizeof got); /* the whole record, derived values included */
    assert_int_equal(tu_store_ent_get_by_id(s, 99, &got, NULL, &err), TU_ENOTFOUND);
    assert_int_equal(tu_store_ent_get_by_uscc(s, "nope", NULL, &got, NULL, &err), TU_ENOTFOUND);
    tu_store_close(s);
}

static void test_same_uscc_twice_in_batch(void **state) {
    (void)state;
    tu_store *s = open_mem();
    tu_err err = {0};
    int64_t src = add_source(s, "dup.csv");
    tu_ent b[2];
    make_ent(&b[0], 7, "先");
    make_ent(&b[1], 7, "后");
    int64_t ids[2];
    assert_int_equal(tu_store_begin(s, &err), TU_OK);
    assert_int_equal(tu_store_ent_upsert(s, b, 2, src, ids, &err), TU_OK);
    assert_int_equal(tu_store_commit(s, &err), TU_OK);
    assert_int_equal(ids[0], ids[1]);
    tu_ent got;
    assert_int_equal(tu_store_ent_get_by_id(s, ids[0], &got, NULL, &err), TU_OK);
    assert_string_equal(got.name, "后");
    tu_store_close(s);
}

typedef struct scan_ctx {
    int64_t last, count, stop_at;
} scan_ctx;

static int scan_cb(void *ctx, int64_t id, const tu_ent *e, int64_t source_id) {
    scan_ctx *c = ctx;
    assert_true(id > c->last);
    assert_true(source_id > 0);
    assert_int_equal(strlen(e->uscc), 18);
    assert_true(TU_ENT_HAS(e, TU_A_REGION)); /* derived values are computed */
    c->last = id;
    c->count++;
    return c->count == c->stop_at ? 42 : 0;
}

static void test_scan(void **state) {
    (void)state;
    tu_store *s = open_mem();
    tu_err err = {0};
    int64_t src = add_source(s, "scan.csv");
    tu_ent b[50];
    for (int i = 0; i < 50; i++) make_ent(&b[i], 1000 - i, "某公司");
    assert_int_equal(tu_store_begin(s, &err), TU_OK);
    assert_int_equal(tu_store_ent_upsert(s, b, 50, src, NULL, &err), TU_OK);
    assert_int_equal(tu_store_commit(s, &err), TU_OK);
    scan_ctx c = {0, 0, -1};
    assert_int_equal(tu_store_ent_scan(s, scan_cb, &c, &err), TU_OK);
    assert_int_equal(c.count, 50);
    scan_ctx c2 = {0, 0, 10};
    assert_int_equal(tu_store_ent_scan(s, scan_cb, &c2, &err), 42); /* the callback stops it */
    assert_int_equal(c2.count, 10);
    tu_store_close(s);
}

static void test_value_sources(void **state) {
    (void)state;
    tu_store *s = open_mem();
    tu_err err = {0};
    int64_t imp = add_source(s, "base.csv"), api = add_source(s, "api-user");
    tu_ent e;
    make_ent(&e, 5, "戊公司");
    int64_t id;
    assert_int_equal(tu_store_begin(s, &err), TU_OK);
    assert_int_equal(tu_store_ent_upsert(s, &e, 1, imp, &id, &err), TU_OK);
    assert_int_equal(tu_store_value_source_set(s, id, TU_A_REVENUE, api, &err), TU_OK);
    assert_int_equal(tu_store_value_source_set(s, id, TU_A_REGION, api, &err), TU_EINVAL); /* derived */
    assert_int_equal(tu_store_commit(s, &err), TU_OK);
    tu_source src;
    assert_int_equal(tu_store_value_source(s, id, TU_A_REVENUE, &src, &err), TU_OK);
    assert_int_equal(src.id, api);
    assert_string_equal(src.name, "api-user");
    assert_int_equal(tu_store_value_source(s, id, TU_A_EMPLOYEES, &src, &err), TU_OK);
    assert_int_equal(src.id, imp);
    assert_int_equal(tu_store_value_source(s, id + 1, TU_A_EMPLOYEES, &src, &err), TU_ENOTFOUND);
    /* A new import of the row replaces every value, overrides included. */
    int64_t imp2 = add_source(s, "next.csv");
    assert_int_equal(tu_store_begin(s, &err), TU_OK);
    assert_int_equal(tu_store_ent_upsert(s, &e, 1, imp2, NULL, &err), TU_OK);
    assert_int_equal(tu_store_commit(s, &err), TU_OK);
    assert_int_equal(tu_store_value_source(s, id, TU_A_REVENUE, &src, &err), TU_OK);
    assert_int_equal(src.id, imp2);
    tu_store_close(s);
}

static void test_import_runs(void **state) {
    (void)state;
    tu_store *s = open_mem();
    tu_err err = {0};
    int64_t src = add_source(s, "big.csv"), run = 0;
    tu_import_run r;
    assert_int_equal(tu_store_import_find(s, "/x/big.csv", 10, 20, &r, &err), TU_ENOTFOUND);
    assert_int_equal(tu_store_import_start(s, "/x/big.csv", 10, 20, src, &run, &err), TU_ESTATE);
    assert_int_equal(tu_store_begin(s, &err), TU_OK);
    assert_int_equal(tu_store_import_start(s, "/x/big.csv", 10, 20, src, &run, &err), TU_OK);
    assert_int_equal(tu_store_import_progress(s, run, 500, 3, 0, &err), TU_OK);
    assert_int_equal(tu_store_commit(s, &err), TU_OK);
    assert_int_equal(tu_store_import_find(s, "/x/big.csv", 10, 20, &r, &err), TU_OK);
    assert_int_equal(r.id, run);
    assert_int_equal(r.source_id, src);
    assert_int_equal(r.rows_done, 500);
    assert_int_equal(r.rejected, 3);
    assert_int_equal(r.finished, 0);
    assert_int_equal(tu_store_import_find(s, "/x/big.csv", 11, 20, &r, &err), TU_ENOTFOUND); /* changed file */
    tu_store_close(s);
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_sources),       cmocka_unit_test(test_upsert_keeps_ids),
        cmocka_unit_test(test_same_uscc_twice_in_batch), cmocka_unit_test(test_scan),
        cmocka_unit_test(test_value_sources), cmocka_unit_test(test_import_runs),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
