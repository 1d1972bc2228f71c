/* Tests of src/app/award_source.c: the policy store as the award terms source — the version in force on a date
 * (the 2021 equipment reward capped at 50 million yuan, its 2023 revision at 15 million), lookup by code or id,
 * benefit_text compiled by the rules engine, and a policy without a benefit formula refused. argv[1] is
 * tests/app/data. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <cmocka.h>

#include "app/award.h"
#include "core/num.h"
#include "tempdb.h"

static const char *data_dir;
#define setup    tempdb_setup
#define teardown tempdb_teardown

static json_t *load(const char *name) { return tempdb_load(data_dir, name); }

/* Publishes doc (recipients do not matter here) and drops it. */
static int64_t publish(json_t *doc) {
    roaring_bitmap_t *none = roaring_bitmap_create();
    int64_t id = tempdb_publish(doc, none);
    roaring_bitmap_free(none);
    json_decref(doc);
    return id;
}

static int32_t day(const char *s) {
    int32_t d = 0;
    assert_int_equal(tu_date_parse(s, strlen(s), &d, NULL), TU_OK);
    return d;
}

/* The award the terms in force on `date` give a project with 400 million yuan of equipment (fen), or an error. */
static int64_t award_on(const char *policy, const char *date, tu_policy_terms *t) {
    tu_policy_source src = tu_policy_source_store(st);
    tu_err err = {0};
    int rc = src.terms(src.ctx, policy, day(date), t, &err);
    if (rc) return rc;
    tu_project p = {.equipment_investment = INT64_C(40000000000), .total_investment = INT64_C(50000000000)};
    int64_t fen = -1;
    char expl[1024];
    assert_int_equal(tu_award_compute(t, &p, NULL, &fen, expl, sizeof expl, &err), TU_OK);
    return fen;
}

static void test_version_in_force(void **state) {
    (void)state;
    tu_err err = {0};
    int64_t id = publish(load("equipment-2021.json"));
    roaring_bitmap_t *none = roaring_bitmap_create();
    json_t *rev = load("equipment-2023.json");
    assert_int_equal(tu_app_policy_edit(st, id, rev, &err), TU_OK);
    assert_int_equal(tu_app_policy_publish_revision(st, id, none, none, NULL, &err), TU_OK);
    json_decref(rev);
    roaring_bitmap_free(none);
    tu_policy_terms t;
    assert_int_equal(award_on("gd-equipment-reward", "2023-06-30", &t), INT64_C(5000000000)); /* 50 million yuan */
    assert_int_equal(t.version, 1);
    assert_int_equal(t.cap, INT64_C(5000000000));
    assert_int_equal(t.effective_from, day("2021-01-01"));
    assert_string_equal(json_string_value(json_array_get(t.groups, 0)), "equipment-renewal");
    assert_int_equal(json_array_size(t.groups), 1);
    tu_policy_terms_clear(&t);
    char by_id[24];
    snprintf(by_id, sizeof by_id, "%lld", (long long)id);
    assert_int_equal(award_on(by_id, "2023-07-01", &t), INT64_C(1500000000)); /* 15 million from 2023-07-01 */
    assert_int_equal(t.version, 2);
    assert_int_equal(t.cap, INT64_C(1500000000));
    assert_string_equal(t.policy_id, "gd-equipment-reward"); /* named by code, however it was asked for */
    tu_policy_terms_clear(&t);
    assert_int_equal(award_on("gd-equipment-reward", "2020-12-31", &t), TU_ENOTFOUND);
    assert_int_equal(award_on("no-such-policy", "2023-07-01", &t), TU_ENOTFOUND);
    assert_null(t.formula);
}

static void test_benefit_text_and_missing_formula(void **state) {
    (void)state;
    json_t *doc = load("equipment-2021.json");
    json_object_set_new(doc, "code", json_string("text-benefit"));
    json_object_del(doc, "benefit");
    json_object_del(doc, "tests");
    json_object_set_new(doc, "benefit_text", json_string("min(project.equipment_investment * 0.179, 100000000)"));
    json_t *none = json_deep_copy(doc);
    json_object_set_new(none, "code", json_string("no-benefit"));
    json_object_del(none, "benefit_text");
    publish(doc);
    publish(none);
    tu_policy_terms t;
    assert_int_equal(award_on("text-benefit", "2024-01-01", &t), INT64_C(7160000000)); /* 17.9 % of 400 million */
    assert_true(json_is_object(t.formula));
    tu_policy_terms_clear(&t);
    assert_int_equal(award_on("no-benefit", "2024-01-01", &t), TU_EVALIDATION);
    assert_null(t.formula);
}

int main(int argc, char **argv) {
    data_dir = argc > 1 ? argv[1] : "tests/app/data";
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_version_in_force, setup, teardown),
        cmocka_unit_test_setup_teardown(test_benefit_text_and_missing_formula, setup, teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
