/* Tests of src/app/enterprises.c: reach, search narrowed to the caller, keyset positions, and corrections (values
 * validated, only changed values get the api source, earlier overrides kept, audit row, change hook after commit,
 * nothing written on error). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "app/audit.h"
#include "app/enterprises.h"
#include "app/registry.h"
#include "core/codes.h"
#include "core/num.h"
#include "tempdb.h"

static char usccs[6][19];
static int hook_calls;
static tu_ent hook_last;

static void on_change(void *ctx, const int64_t *ids, const tu_ent *ents, size_t n) {
    (void)ctx, (void)ids;
    hook_calls++;
    hook_last = ents[n - 1];
}

/* Enterprise i: city 440300 for i < 4 else 440100, revenue 100 * (i % 3) (ties on purpose). */
static void make(int i, tu_ent *e) {
    char buf[32];
    tu_ent_init(e);
    snprintf(usccs[i], 19, "91440300MA5D%05d", i);
    usccs[i][17] = tu_uscc_check_char(usccs[i]), usccs[i][18] = '\0';
    assert_int_equal(tu_ent_set_cell(e, TU_A_USCC, usccs[i], 18, 0, NULL), TU_OK);
    snprintf(buf, sizeof buf, "Co %d", 5 - i);
    assert_int_equal(tu_ent_set_cell(e, TU_A_NAME, buf, strlen(buf), 0, NULL), TU_OK);
    const char *city = i < 4 ? "440300" : "440100";
    assert_int_equal(tu_ent_set_cell(e, TU_A_CITY, city, 6, 0, NULL), TU_OK);
    snprintf(buf, sizeof buf, "%d", 100 * (i % 3));
    assert_int_equal(tu_ent_set_cell(e, TU_A_REVENUE, buf, strlen(buf), 0, NULL), TU_OK);
    assert_int_equal(tu_ent_set_cell(e, TU_A_EMPLOYEES, "10", 2, 0, NULL), TU_OK);
    assert_int_equal(tu_ent_finish(e, NULL), TU_OK);
}

static int setup(void **state) {
    if (tempdb_setup(state)) return -1;
    tu_ent ents[6];
    for (int i = 0; i < 6; i++) make(i, &ents[i]);
    if (tempdb_seed(ents, 6, NULL)) return -1;
    return tu_app_on_enterprise_change(on_change, NULL);
}

static int teardown(void **state) {
    tu_app_enterprise_subscribers_clear();
    return tempdb_teardown(state);
}

static tu_principal who(int role, const char *scope) {
    tu_principal p = {0};
    p.role = role, p.user_id = 9;
    snprintf(p.username, sizeof p.username, "u%d", role);
    snprintf(p.scope, sizeof p.scope, "%s", scope);
    return p;
}

static int search(const tu_principal *p, const tu_ent_query *q, tu_ent_row *rows, int max, int *more) {
    int n;
    tu_err err = {0};
    assert_int_equal(tu_app_ent_search(st, p, q, rows, max, &n, more, &err), TU_OK);
    return n;
}

static void test_search_reach(void **state) {
    (void)state;
    tu_ent_row rows[8];
    int more;
    tu_ent_query q = {0};
    tu_principal prov = who(TU_ROLE_PROVINCIAL_OFFICIAL, ""), city = who(TU_ROLE_CITY_OFFICIAL, "440100"),
                 ent = who(TU_ROLE_ENTERPRISE, usccs[2]);
    assert_int_equal(search(&prov, &q, rows, 7, &more), 6);
    assert_int_equal(search(&city, &q, rows, 7, &more), 2);
    assert_int_equal(search(&ent, &q, rows, 7, &more), 1);
    assert_string_equal(rows[0].e.uscc, usccs[2]);
    assert_true(tu_app_ent_in_reach(&ent, &rows[0].e));
    assert_false(tu_app_ent_in_reach(&city, &rows[0].e)); /* 440300 is not the official's city */
    assert_true(tu_app_ent_in_reach(&prov, &rows[0].e));
    q.uscc = usccs[3];
    assert_int_equal(search(&ent, &q, rows, 7, &more), 0); /* asking for another is an empty answer */
    q.uscc = NULL, q.city = 440300;
    assert_int_equal(search(&city, &q, rows, 7, &more), 0);
}

/* Keyset pages of 2 by revenue (with ties) cover every row once, in order. */
static void test_keyset_pages(void **state) {
    (void)state;
    tu_principal prov = who(TU_ROLE_PROVINCIAL_OFFICIAL, "");
    tu_ent_query q = {.sort = TU_ENT_SORT_REVENUE, .reverse = 1};
    tu_ent_row rows[3];
    int more = 1, seen = 0;
    int64_t last_rev = INT64_MAX, last_id = INT64_MAX;
    while (more) {
        int n = search(&prov, &q, rows, 2, &more);
        for (int i = 0; i < n; i++, seen++) {
            assert_true(rows[i].e.revenue < last_rev || (rows[i].e.revenue == last_rev && rows[i].id < last_id));
            last_rev = rows[i].e.revenue, last_id = rows[i].id;
        }
        q.after = 1, q.after_num = last_rev, q.after_id = last_id;
    }
    assert_int_equal(seen, 6);
}

static void source_of(int64_t id, int attr, tu_source *src) {
    tu_err err = {0};
    assert_int_equal(tu_store_value_source(st, id, attr, src, &err), TU_OK);
}

static void test_patch(void **state) {
    (void)state;
    tu_principal city = who(TU_ROLE_CITY_OFFICIAL, "440300");
    tu_actor a = {9, "u1", "rid-1"};
    tu_err err = {0};
    tu_ent out;
    int changed;
    int64_t id;
    json_t *v = json_pack("{s:s,s:i}", "revenue", "2500.5", "employees", 10); /* employees unchanged */
    hook_calls = 0;
    assert_int_equal(tu_app_ent_patch(st, &city, &a, usccs[1], v, tu_date_from_ymd(2026, 6, 30), &out, &changed, &err), TU_OK);
    json_decref(v);
    assert_int_equal(changed, 1);
    assert_int_equal(hook_calls, 1);
    assert_int_equal(hook_last.revenue, out.revenue);
    tu_ent e;
    assert_int_equal(tu_store_ent_get_by_uscc(st, usccs[1], &id, &e, NULL, &err), TU_OK);
    char buf[32];
    tu_ent_format(&e, TU_A_REVENUE, buf, sizeof buf);
    assert_string_equal(buf, "2500.5");
    tu_source src;
    source_of(id, TU_A_REVENUE, &src);
    assert_string_equal(src.kind, "api");
    assert_string_equal(src.name, "u1");
    source_of(id, TU_A_EMPLOYEES, &src);
    assert_string_equal(src.kind, "import");
    /* a second correction keeps the first one's source on revenue */
    tu_principal prov = who(TU_ROLE_PROVINCIAL_OFFICIAL, "");
    v = json_pack("{s:s}", "tags", "high_tech");
    assert_int_equal(tu_app_ent_patch(st, &prov, &a, usccs[1], v, 0, NULL, &changed, &err), TU_OK);
    json_decref(v);
    source_of(id, TU_A_REVENUE, &src);
    assert_string_equal(src.kind, "api");
    assert_int_equal(src.as_of, tu_date_from_ymd(2026, 6, 30));
    tu_audit_report rep;
    assert_int_equal(tu_audit_verify(st, &rep, &err), TU_OK);
    assert_int_equal(rep.rows, 2);
}

static void test_patch_refused_changes_nothing(void **state) {
    (void)state;
    tu_principal city = who(TU_ROLE_CITY_OFFICIAL, "440300");
    tu_actor a = {9, "u1", NULL};
    tu_err err = {0};
    int changed;
    hook_calls = 0;
    json_t *v = json_pack("{s:s,s:s}", "revenue", "7", "employees", "-1");
    assert_int_equal(tu_app_ent_patch(st, &city, &a, usccs[2], v, 0, NULL, &changed, &err), TU_EVALIDATION);
    assert_non_null(strstr(err.msg, "employees"));
    json_decref(v);
    v = json_pack("{s:s}", "city", "440100");
    assert_int_equal(tu_app_ent_patch(st, &city, &a, usccs[2], v, 0, NULL, &changed, &err), TU_EFORBIDDEN);
    json_decref(v);
    v = json_pack("{s:s}", "revenue", "7");
    assert_int_equal(tu_app_ent_patch(st, &city, &a, usccs[5], v, 0, NULL, &changed, &err), TU_EFORBIDDEN); /* 440100 */
    assert_int_equal(tu_app_ent_patch(st, &city, &a, "91440300MA5D999990", v, 0, NULL, &changed, &err), TU_ENOTFOUND);
    json_decref(v);
    v = json_pack("{s:s}", "colour", "red");
    assert_int_equal(tu_app_ent_patch(st, &city, &a, usccs[2], v, 0, NULL, &changed, &err), TU_EVALIDATION);
    json_decref(v);
    tu_ent e;
    assert_int_equal(tu_store_ent_get_by_uscc(st, usccs[2], NULL, &e, NULL, &err), TU_OK);
    assert_int_equal(e.employees, 10);
    assert_int_equal(hook_calls, 0);
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_search_reach),
        cmocka_unit_test(test_keyset_pages),
        cmocka_unit_test(test_patch),
        cmocka_unit_test(test_patch_refused_changes_nothing),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
