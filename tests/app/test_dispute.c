/* Tests of src/app/dispute.c: creation validates the attribute against the catalog and the value against its
 * type, and stays in reach; accepting writes the value with source "dispute" dated today, in one transaction with
 * the status change and audit rows, and runs the change hook; rejecting changes nothing but the dispute; a
 * resolved dispute cannot be resolved again; city officials reach only their city's disputes. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "app/audit.h"
#include "app/dispute.h"
#include "app/registry.h"
#include "core/codes.h"
#include "core/num.h"
#include "store/registry.h"
#include "tempdb.h"

static char usccs[2][19]; /* 0: Shenzhen (440300), 1: Guangzhou (440100) */
static int64_t ids[2];
static int hook_calls;

static void on_change(void *ctx, const int64_t *id, const tu_ent *ents, size_t n) {
    (void)ctx, (void)id, (void)ents;
    hook_calls += (int)n;
}

static void make(int i, tu_ent *e) {
    tu_ent_init(e);
    snprintf(usccs[i], 19, "91440%d00MA5D%05d", i ? 1 : 3, i);
    usccs[i][17] = tu_uscc_check_char(usccs[i]), usccs[i][18] = '\0';
    assert_int_equal(tu_ent_set_cell(e, TU_A_USCC, usccs[i], 18, 0, NULL), TU_OK);
    assert_int_equal(tu_ent_set_cell(e, TU_A_NAME, "Co", 2, 0, NULL), TU_OK);
    assert_int_equal(tu_ent_set_cell(e, TU_A_CITY, i ? "440100" : "440300", 6, 0, NULL), TU_OK);
    assert_int_equal(tu_ent_set_cell(e, TU_A_REVENUE, "2500", 4, 0, NULL), TU_OK);
    assert_int_equal(tu_ent_set_cell(e, TU_A_EMPLOYEES, "60", 2, 0, NULL), TU_OK);
    assert_int_equal(tu_ent_finish(e, NULL), TU_OK);
}

static int setup(void **state) {
    if (tempdb_setup(state)) return -1;
    tu_ent ents[2];
    make(0, &ents[0]), make(1, &ents[1]);
    if (tempdb_seed(ents, 2, ids)) return -1;
    return tu_app_on_enterprise_change(on_change, NULL);
}

static int teardown(void **state) {
    tu_app_enterprise_subscribers_clear();
    return tempdb_teardown(state);
}

static tu_principal who(int role, const char *scope, const char *name) {
    tu_principal p = {.user_id = 7, .role = role};
    snprintf(p.scope, sizeof p.scope, "%s", scope);
    snprintf(p.username, sizeof p.username, "%s", name);
    return p;
}

static tu_actor actor(const tu_principal *p) { return (tu_actor){p->user_id, p->username, NULL}; }

static void value_of(int i, int attr, char *buf, size_t n, tu_source *src) {
    tu_ent e;
    tu_err err = {0};
    assert_int_equal(tu_store_ent_get_by_id(st, ids[i], &e, NULL, &err), TU_OK);
    tu_ent_format(&e, attr, buf, n);
    if (src) assert_int_equal(tu_store_value_source(st, ids[i], attr, src, &err), TU_OK);
}

static int64_t audit_rows(void) {
    tu_audit_report rep;
    tu_err err = {0};
    assert_int_equal(tu_audit_verify(st, &rep, &err), TU_OK);
    return rep.rows;
}

static void test_create_validates(void **state) {
    (void)state;
    tu_principal ent = who(TU_ROLE_ENTERPRISE, usccs[0], "ent0");
    tu_actor a = actor(&ent);
    tu_err err = {0};
    int64_t id = 0, rows = audit_rows();
    assert_int_equal(tu_app_dispute_create(st, &ent, &a, usccs[0], "no_such_attr", "1", "", &id, &err), TU_EVALIDATION);
    assert_int_equal(tu_app_dispute_create(st, &ent, &a, usccs[0], "uscc", usccs[1], "", &id, &err), TU_EVALIDATION);
    assert_int_equal(tu_app_dispute_create(st, &ent, &a, usccs[0], "industry_section", "C", "", &id, &err), TU_EVALIDATION);
    assert_int_equal(tu_app_dispute_create(st, &ent, &a, usccs[0], "revenue", "lots", "", &id, &err), TU_EVALIDATION);
    assert_non_null(strstr(err.msg, "revenue"));
    assert_int_equal(tu_app_dispute_create(st, &ent, &a, usccs[0], "employees", "-3", "", &id, &err), TU_EVALIDATION);
    assert_int_equal(tu_app_dispute_create(st, &ent, &a, usccs[0], "tags", "not_a_tag", "", &id, &err), TU_EVALIDATION);
    assert_int_equal(tu_app_dispute_create(st, &ent, &a, usccs[0], "revenue", "2500", "", &id, &err), TU_EVALIDATION);
    /* another enterprise's data */
    assert_int_equal(tu_app_dispute_create(st, &ent, &a, usccs[1], "revenue", "10", "", &id, &err), TU_EFORBIDDEN);
    assert_int_equal(tu_app_dispute_create(st, &ent, &a, "91440300MA5D99999", "revenue", "10", "", &id, &err), TU_ENOTFOUND);
    assert_int_equal(audit_rows(), rows); /* nothing written */
    assert_int_equal(tu_app_dispute_create(st, &ent, &a, usccs[0], "revenue", "3100.5", "the 2025 report says so", &id, &err), TU_OK);
    tu_dispute d;
    assert_int_equal(tu_store_dispute_get(st, id, &d, &err), TU_OK);
    assert_string_equal(d.status, "open");
    assert_string_equal(d.attribute, "revenue");
    assert_string_equal(d.current_value, "2500");
    assert_string_equal(d.proposed_value, "3100.5");
    assert_string_equal(d.created_by, "ent0");
    assert_int_equal(d.city, 440300);
    assert_int_equal(audit_rows(), rows + 1);
}

static void test_accept_writes_value_with_dispute_source(void **state) {
    (void)state;
    tu_principal ent = who(TU_ROLE_ENTERPRISE, usccs[0], "ent0"), city = who(TU_ROLE_CITY_OFFICIAL, "440300", "sz1");
    tu_principal other_city = who(TU_ROLE_CITY_OFFICIAL, "440100", "gz1");
    tu_actor a = actor(&ent), ca = actor(&city), oa = actor(&other_city);
    tu_err err = {0};
    int64_t id;
    assert_int_equal(tu_app_dispute_create(st, &ent, &a, usccs[0], "employees", "75", "", &id, &err), TU_OK);
    assert_int_equal(tu_app_dispute_resolve(st, &other_city, &oa, id, 1, NULL, "no", &err), TU_EFORBIDDEN);
    int64_t rows = audit_rows();
    hook_calls = 0;
    assert_int_equal(tu_app_dispute_resolve(st, &city, &ca, id, 1, NULL, "checked the payroll", &err), TU_OK);
    char v[64];
    tu_source src;
    value_of(0, TU_A_EMPLOYEES, v, sizeof v, &src);
    assert_string_equal(v, "75");
    assert_string_equal(src.kind, "dispute");
    assert_int_equal(src.as_of, tu_date_today());
    assert_non_null(strstr(src.name, "sz1"));
    value_of(0, TU_A_REVENUE, v, sizeof v, &src); /* other values keep their source */
    assert_string_equal(src.kind, "import");
    assert_int_equal(hook_calls, 1);
    assert_int_equal(audit_rows(), rows + 2); /* enterprise.update + dispute.accept */
    tu_dispute d;
    assert_int_equal(tu_store_dispute_get(st, id, &d, &err), TU_OK);
    assert_string_equal(d.status, "accepted");
    assert_string_equal(d.resolved_by, "sz1");
    assert_string_equal(d.resolution_comment, "checked the payroll");
    assert_true(d.resolved_at[0] != '\0');
    /* once only */
    assert_int_equal(tu_app_dispute_resolve(st, &city, &ca, id, 0, NULL, "", &err), TU_ESTATE);
}

static void test_reject_changes_nothing(void **state) {
    (void)state;
    tu_principal ent = who(TU_ROLE_ENTERPRISE, usccs[1], "ent1"), prov = who(TU_ROLE_PROVINCIAL_OFFICIAL, "", "p1");
    tu_actor a = actor(&ent), pa = actor(&prov);
    tu_err err = {0};
    int64_t id;
    assert_int_equal(tu_app_dispute_create(st, &ent, &a, usccs[1], "rd_ratio", "5.5", "", &id, &err), TU_OK);
    hook_calls = 0;
    assert_int_equal(tu_app_dispute_resolve(st, &prov, &pa, id, 0, NULL, "no evidence", &err), TU_OK);
    char v[64];
    tu_source src;
    value_of(1, TU_A_RD_RATIO, v, sizeof v, &src);
    assert_string_equal(v, "");
    assert_string_equal(src.kind, "import");
    assert_int_equal(hook_calls, 0);
    tu_dispute d;
    assert_int_equal(tu_store_dispute_get(st, id, &d, &err), TU_OK);
    assert_string_equal(d.status, "rejected");
}

static void test_accept_bad_override_rolls_back(void **state) {
    (void)state;
    tu_principal ent = who(TU_ROLE_ENTERPRISE, usccs[1], "ent1"), prov = who(TU_ROLE_PROVINCIAL_OFFICIAL, "", "p1");
    tu_actor a = actor(&ent), pa = actor(&prov);
    tu_err err = {0};
    int64_t id;
    assert_int_equal(tu_app_dispute_create(st, &ent, &a, usccs[1], "revenue", "10", "", &id, &err), TU_OK);
    int64_t rows = audit_rows();
    assert_int_equal(tu_app_dispute_resolve(st, &prov, &pa, id, 1, "ten", "", &err), TU_EVALIDATION);
    tu_dispute d;
    assert_int_equal(tu_store_dispute_get(st, id, &d, &err), TU_OK);
    assert_string_equal(d.status, "open");
    assert_int_equal(audit_rows(), rows);
    /* an official may accept with a corrected value */
    assert_int_equal(tu_app_dispute_resolve(st, &prov, &pa, id, 1, "12", "", &err), TU_OK);
    char v[64];
    value_of(1, TU_A_REVENUE, v, sizeof v, NULL);
    assert_string_equal(v, "12");
}

static int count(void *ctx, const tu_dispute *d) {
    (void)d;
    ++*(int *)ctx;
    return 0;
}

static void test_scan_filters(void **state) {
    (void)state;
    tu_err err = {0};
    int n = 0;
    tu_dispute_filter open_sz = {.city = 440300, .resolved = 1}, done = {.resolved = 2}, gz = {.ent_id = 0};
    gz.ent_id = ids[1];
    assert_int_equal(tu_store_dispute_scan(st, &open_sz, 100, count, &n, &err), TU_OK);
    assert_int_equal(n, 1); /* the revenue dispute of the first test */
    n = 0;
    assert_int_equal(tu_store_dispute_scan(st, &done, 100, count, &n, &err), TU_OK);
    assert_int_equal(n, 3);
    n = 0;
    assert_int_equal(tu_store_dispute_scan(st, &gz, 100, count, &n, &err), TU_OK);
    assert_int_equal(n, 2);
    n = 0;
    assert_int_equal(tu_store_dispute_scan(st, &gz, 1, count, &n, &err), TU_OK);
    assert_int_equal(n, 1);
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_create_validates),
        cmocka_unit_test(test_accept_writes_value_with_dispute_source),
        cmocka_unit_test(test_reject_changes_nothing),
        cmocka_unit_test(test_accept_bad_override_rolls_back),
        cmocka_unit_test(test_scan_filters),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
