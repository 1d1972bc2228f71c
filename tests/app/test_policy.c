/* Tests of src/app/policy.c: the document check, every lifecycle step and refused transition, rule tests
 * blocking publish, versions "as of" a date (the 2023 cap of 15 million yuan vs the earlier 50 million), and the
 * campaign recorded in the publish transaction. argv[1] is tests/app/data. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <cmocka.h>

#include "app/campaign.h"
#include "app/policy.h"
#include "rules/benefit.h"
#include "rules/ruletest.h"
#include "store/push.h"
#include "tempdb.h"

static const char *data_dir;
static int teardown(void **state) {
    tu_app_policy_set_test_runner(NULL);
    return tempdb_teardown(state);
}

#define setup tempdb_setup
static json_t *load(const char *name) {
    char path[512];
    snprintf(path, sizeof path, "%s/%s", data_dir, name);
    json_t *doc = json_load_file(path, 0, NULL);
    assert_non_null(doc);
    return doc;
}

static int64_t add(const char *name) {
    json_t *doc = load(name);
    int64_t id = 0;
    tu_err err = {0};
    assert_int_equal(tu_app_policy_add(st, doc, &id, &err), TU_OK);
    json_decref(doc);
    return id;
}

static const char *status_of(int64_t id) {
    static tu_policy_head h;
    assert_int_equal(tu_store_policy_get(st, id, &h, NULL), TU_OK);
    return h.status;
}

static roaring_bitmap_t *range_set(uint32_t from, uint32_t to) {
    roaring_bitmap_t *r = roaring_bitmap_create();
    roaring_bitmap_add_range(r, from, to);
    return r;
}

static int count_campaigns(void *ctx, const tu_campaign *c, const void *blob, size_t len) {
    (void)c, (void)blob, (void)len;
    ++*(int *)ctx;
    return 0;
}

static int campaigns(void) {
    int n = 0;
    assert_int_equal(tu_store_push_campaign_scan(st, 0, count_campaigns, &n, NULL), TU_OK);
    return n;
}

static void test_doc_check(void **state) {
    (void)state;
    json_t *doc = load("equipment-2021.json");
    tu_err err = {0};
    assert_int_equal(tu_policy_doc_check(doc, &err), TU_OK);
    static const struct { const char *field, *json; } bad[] = {
        {"category", "\"rocket\""},      {"mode", "\"maybe\""},        {"valid_to", "\"2020-01-01\""},
        {"cap_fen", "-5"},               {"title", "{\"zh\":\"x\"}"},   {"code", "\"Has Space\""},
        {"surprise", "1"},               {"valid_from", "\"2021-02-30\""}, {"tests", "[{\"data\":{}}]"},
    };
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        json_t *copy = json_deep_copy(doc);
        json_object_set_new(copy, bad[i].field, json_loads(bad[i].json, JSON_DECODE_ANY, NULL));
        memset(&err, 0, sizeof err);
        assert_int_equal(tu_policy_doc_check(copy, &err), TU_EVALIDATION);
        assert_string_equal(err.field, bad[i].field);
        json_decref(copy);
    }
    json_object_del(doc, "rule");
    assert_int_equal(tu_policy_doc_check(doc, &err), TU_EVALIDATION);
    assert_string_equal(err.field, "rule");
    json_object_set_new(doc, "rule_text", json_string("industry_section == \"C\""));
    assert_int_equal(tu_policy_doc_check(doc, &err), TU_OK); /* the readable syntax will do */
    json_decref(doc);
}

static void test_transition_table(void **state) {
    (void)state;
    assert_int_equal(tu_policy_next_status(TU_PS_DRAFT, TU_PEV_PREVIEW), TU_PS_PREVIEW);
    assert_int_equal(tu_policy_next_status(TU_PS_DRAFT, TU_PEV_PUBLISH), -1);
    assert_int_equal(tu_policy_next_status(TU_PS_PREVIEW, TU_PEV_PUBLISH), TU_PS_PUBLISHED);
    assert_int_equal(tu_policy_next_status(TU_PS_PUBLISHED, TU_PEV_REVISE), TU_PS_REVISED);
    assert_int_equal(tu_policy_next_status(TU_PS_REVISED, TU_PEV_EXPIRE), TU_PS_EXPIRED);
    for (int ev = 0; ev < TU_PEV_COUNT; ev++) {
        assert_int_equal(tu_policy_next_status(TU_PS_WITHDRAWN, ev), -1);
        assert_int_equal(tu_policy_next_status(TU_PS_EXPIRED, ev), -1);
    }
    for (int s = 0; s < TU_PS_COUNT; s++) assert_int_equal(tu_policy_status_parse(tu_policy_status_name(s)), s);
}

static void test_lifecycle(void **state) {
    (void)state;
    tu_err err = {0};
    int64_t id = add("equipment-2021.json");
    roaring_bitmap_t *set = range_set(1, 1001);
    assert_string_equal(status_of(id), "draft");
    assert_int_equal(tu_app_policy_publish(st, id, set, NULL, &err), TU_ESTATE); /* preview first */
    assert_int_equal(campaigns(), 0);
    assert_int_equal(tu_app_policy_preview(st, id, &err), TU_OK);
    assert_string_equal(status_of(id), "preview");
    json_t *doc = load("equipment-2021.json");
    assert_int_equal(tu_app_policy_edit(st, id, doc, &err), TU_OK); /* an edit sends it back to draft */
    assert_string_equal(status_of(id), "draft");
    assert_int_equal(tu_app_policy_preview(st, id, &err), TU_OK);
    int64_t cid = 0;
    assert_int_equal(tu_app_policy_publish(st, id, set, &cid, &err), TU_OK);
    assert_string_equal(status_of(id), "published");
    assert_true(cid > 0);
    assert_int_equal(campaigns(), 1);
    assert_int_equal(tu_app_policy_publish(st, id, set, NULL, &err), TU_ESTATE); /* nothing new to publish */
    assert_int_equal(tu_app_policy_preview(st, id, &err), TU_ESTATE);
    assert_int_equal(tu_app_policy_withdraw(st, id, &err), TU_OK);
    assert_string_equal(status_of(id), "withdrawn");
    assert_int_equal(tu_app_policy_edit(st, id, doc, &err), TU_ESTATE);
    assert_int_equal(tu_app_policy_expire(st, id, &err), TU_ESTATE);
    json_object_set_new(doc, "code", json_string("another"));
    int64_t id2;
    assert_int_equal(tu_app_policy_add(st, doc, &id2, &err), TU_OK);
    assert_int_equal(tu_app_policy_add(st, doc, &id2, &err), TU_ECONFLICT); /* codes are unique */
    json_object_set_new(doc, "code", json_string("renamed"));
    assert_int_equal(tu_app_policy_edit(st, id2, doc, &err), TU_EVALIDATION); /* the code cannot change */
    assert_int_equal(tu_app_policy_preview(st, id2, &err), TU_OK);
    assert_int_equal(tu_app_policy_publish(st, id2, set, NULL, &err), TU_OK);
    assert_int_equal(tu_app_policy_expire(st, id2, &err), TU_OK);
    assert_string_equal(status_of(id2), "expired");
    json_decref(doc);
    tu_bitmap_free(set);
}

/* A runner standing in for the rules module's: fails when the fixture's expected eligibility is false. */
static int failing_runner(const json_t *doc, int *failed, char *report, size_t n, tu_err *err) {
    (void)err;
    *failed = 0;
    size_t i;
    json_t *t;
    json_array_foreach(json_object_get(doc, "tests"), i, t) if (strcmp(json_string_value(json_object_get(t, "expect")), "not_eligible") == 0) {
        ++*failed;
        snprintf(report, n, "%s: expected not eligible, got eligible", json_string_value(json_object_get(t, "name")));
    }
    return TU_OK;
}

static void test_publish_refused_while_a_rule_test_fails(void **state) {
    (void)state;
    tu_err err = {0};
    int64_t id = add("equipment-2021.json");
    roaring_bitmap_t *set = range_set(1, 11);
    assert_int_equal(tu_app_policy_preview(st, id, &err), TU_OK);
    tu_app_policy_set_test_runner(failing_runner);
    assert_int_equal(tu_app_policy_publish(st, id, set, NULL, &err), TU_EVALIDATION);
    assert_non_null(strstr(err.msg, "services firm"));
    assert_string_equal(status_of(id), "preview"); /* nothing changed */
    assert_int_equal(campaigns(), 0);
    tu_app_policy_set_test_runner(NULL);
    assert_int_equal(tu_app_policy_publish(st, id, set, NULL, &err), TU_OK); /* the rules module's runner passes */
    tu_bitmap_free(set);
}

/* The real runner (rules/ruletest.h) refuses a policy whose fixture expects the wrong outcome or benefit. */
static void test_publish_refused_by_the_rules_runner(void **state) {
    (void)state;
    tu_err err = {0};
    json_t *doc = load("equipment-2021.json");
    json_t *fx = json_array_get(json_object_get(doc, "tests"), 0);
    json_object_set_new(fx, "benefit", json_string("49999999.99")); /* the formula gives 50,000,000.00 */
    int64_t id;
    roaring_bitmap_t *set = range_set(1, 3);
    assert_int_equal(tu_app_policy_add(st, doc, &id, &err), TU_OK);
    assert_int_equal(tu_app_policy_preview(st, id, &err), TU_OK);
    assert_int_equal(tu_app_policy_publish(st, id, set, NULL, &err), TU_EVALIDATION);
    assert_non_null(strstr(err.msg, "FAIL 1"));
    assert_string_equal(status_of(id), "preview");
    json_object_set_new(fx, "benefit", json_string("50000000.00"));
    assert_int_equal(tu_app_policy_edit(st, id, doc, &err), TU_OK);
    assert_int_equal(tu_app_policy_preview(st, id, &err), TU_OK);
    assert_int_equal(tu_app_policy_publish(st, id, set, NULL, &err), TU_OK);
    json_decref(doc);
    tu_bitmap_free(set);
}

/* The benefit in fen, as of date, of a 400-million-yuan equipment project of an above-scale manufacturer. */
static int64_t benefit_as_of(int64_t id, const char *date) {
    tu_policy_version v;
    json_t *doc = NULL;
    int rc = tu_app_policy_as_of(st, id, date, &v, &doc, NULL);
    if (rc) return rc;
    tu_ent e;
    json_t *attrs = json_pack("{s:s,s:s,s:s}", "city", "440300", "industry", "C3562", "tags", "above_scale");
    json_t *project = json_pack("{s:s}", "equipment_investment", "400000000.00");
    int64_t fen = -1;
    tu_err err = {0};
    assert_int_equal(tu_ent_from_json(attrs, &e, &err), TU_OK);
    assert_int_equal(tu_benefit_eval(json_object_get(doc, "benefit"), &e, project, &fen, &err), TU_OK);
    json_decref(attrs), json_decref(project), json_decref(doc);
    tu_store_policy_version_clear(&v);
    return fen;
}

static int64_t cap_as_of(int64_t id, const char *date, int *version) {
    tu_policy_version v;
    json_t *doc = NULL;
    int rc = tu_app_policy_as_of(st, id, date, &v, &doc, NULL);
    if (rc) return rc;
    int64_t cap = json_integer_value(json_object_get(doc, "cap_fen"));
    *version = v.version;
    tu_store_policy_version_clear(&v);
    json_decref(doc);
    return cap;
}

typedef struct { const char *kind; int64_t count; } kind_q;
static int find_kind(void *ctx, const tu_campaign *c, const void *blob, size_t len) {
    (void)blob, (void)len;
    kind_q *q = ctx;
    if (strcmp(c->kind, q->kind) == 0) q->count = c->count;
    return 0;
}

static void test_versions_as_of(void **state) {
    (void)state;
    tu_err err = {0};
    int64_t id = add("equipment-2021.json");
    roaring_bitmap_t *v1 = range_set(1, 101), *v2 = range_set(51, 201);
    int version = 0;
    assert_int_equal(cap_as_of(id, "2022-06-30", &version), TU_ENOTFOUND); /* a draft is in force nowhere */
    assert_int_equal(tu_app_policy_preview(st, id, &err), TU_OK);
    assert_int_equal(tu_app_policy_publish(st, id, v1, NULL, &err), TU_OK);
    json_t *rev = load("equipment-2023.json");
    json_t *early = json_deep_copy(rev);
    json_object_set_new(early, "effective_from", json_string("2020-06-01"));
    assert_int_equal(tu_app_policy_edit(st, id, early, &err), TU_EVALIDATION); /* before the version in force */
    assert_int_equal(tu_app_policy_edit(st, id, rev, &err), TU_OK);
    assert_string_equal(status_of(id), "published");
    /* a staged revision is not in force until published */
    assert_int_equal(cap_as_of(id, "2024-01-01", &version), 5000000000LL);
    assert_int_equal(version, 1);
    assert_int_equal(tu_app_policy_publish_revision(st, id, v2, v1, NULL, &err), TU_OK);
    assert_string_equal(status_of(id), "revised");
    assert_int_equal(cap_as_of(id, "2020-12-31", &version), TU_ENOTFOUND);
    assert_int_equal(cap_as_of(id, "2021-01-01", &version), 5000000000LL); /* 50 million yuan */
    assert_int_equal(cap_as_of(id, "2023-06-30", &version), 5000000000LL);
    assert_int_equal(version, 1);
    assert_int_equal(cap_as_of(id, "2023-07-01", &version), 1500000000LL); /* 15 million yuan from 2023-07-01 */
    assert_int_equal(version, 2);
    /* the eligibility diff: 51..200 vs 1..100 -> 100 gained (101..200), 50 lost (1..50) */
    kind_q g = {"revision_gained", -1}, l = {"revision_lost", -1};
    tu_store_push_campaign_scan(st, 0, find_kind, &g, NULL);
    tu_store_push_campaign_scan(st, 0, find_kind, &l, NULL);
    assert_int_equal(g.count, 100);
    assert_int_equal(l.count, 50);
    /* the benefit formula as of each date on the same 400-million-yuan project: 50 M yuan, then 15 M yuan */
    assert_int_equal(benefit_as_of(id, "2023-06-30"), 5000000000LL);
    assert_int_equal(benefit_as_of(id, "2023-07-01"), 1500000000LL);
    json_decref(rev);
    json_decref(early);
    tu_bitmap_free(v1);
    tu_bitmap_free(v2);
}

static void test_export_round_trip(void **state) {
    (void)state;
    tu_err err = {0};
    int64_t id = add("equipment-2021.json");
    json_t *out = tu_app_policy_export(st, id, 0, &err);
    assert_non_null(out);
    assert_string_equal(json_string_value(json_object_get(out, "status")), "draft");
    assert_int_equal(json_integer_value(json_object_get(out, "version")), 1);
    assert_int_equal(tu_policy_doc_check(out, &err), TU_OK); /* an export imports again */
    json_t *orig = load("equipment-2021.json");
    json_object_del(out, "status");
    json_object_del(out, "version");
    assert_true(json_equal(out, orig));
    json_decref(out);
    json_decref(orig);
    int64_t found;
    assert_int_equal(tu_app_policy_lookup(st, "gd-equipment-reward", &found, &err), TU_OK);
    assert_int_equal(found, id);
    assert_int_equal(tu_app_policy_lookup(st, "999", &found, &err), TU_ENOTFOUND);
}

int main(int argc, char **argv) {
    data_dir = argc > 1 ? argv[1] : "tests/app/data";
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_transition_table),
        cmocka_unit_test_setup_teardown(test_doc_check, setup, teardown),
        cmocka_unit_test_setup_teardown(test_lifecycle, setup, teardown),
        cmocka_unit_test_setup_teardown(test_publish_refused_while_a_rule_test_fails, setup, teardown),
        cmocka_unit_test_setup_teardown(test_publish_refused_by_the_rules_runner, setup, teardown),
        cmocka_unit_test_setup_teardown(test_versions_as_of, setup, teardown),
        cmocka_unit_test_setup_teardown(test_export_round_trip, setup, teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
