/* Tests of src/app/project.c: JSON form, validation naming the field, declare / edit / read / list with scopes. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "fixture.h"

static void expect_invalid(tu_project *p, const char *field, const char *words) {
    tu_err err = {0};
    assert_int_equal(tu_project_validate(p, fx_day("2024-02-01"), &err), TU_EVALIDATION);
    assert_string_equal(err.field, field);
    if (words && !strstr(err.msg, words)) fail_msg("message '%s' lacks '%s'", err.msg, words);
}

static void test_validation(void **state) {
    (void)state;
    tu_project p;
    tu_err err = {0};
    fx_project(&p, CITY_A, 1, 1);
    assert_int_equal(tu_project_validate(&p, fx_day("2024-02-01"), &err), TU_OK);

    p.equipment_investment = p.total_investment + 1;
    expect_invalid(&p, "equipment_investment", "exceeds the total investment");
    p.equipment_investment = 3000000000 - 1; /* lines sum to 30,000,000.00 */
    expect_invalid(&p, "equipment", "sum to 30000000.00 yuan");
    p.equipment_investment = 3000000000;

    p.planned_completion = p.planned_start - 1;
    expect_invalid(&p, "planned_completion", "before the planned start");
    p.planned_completion = fx_day("2025-06-30");
    p.planned_start = p.filing_date - 1;
    expect_invalid(&p, "planned_start", "before the filing date");
    p.planned_start = fx_day("2024-03-01");
    p.filing_date = fx_day("2024-02-02");
    expect_invalid(&p, "filing_date", "future");
    p.filing_date = fx_day("2024-01-10");

    p.city = 110000;
    expect_invalid(&p, "city", "not a city");
    p.city = CITY_A;
    p.district = 440100 + 5;
    expect_invalid(&p, "district", NULL);
    p.district = 440305;
    snprintf(p.type, sizeof p.type, "shopping");
    expect_invalid(&p, "type", "'shopping'");
    snprintf(p.type, sizeof p.type, "digital_transformation");
    p.equipment[1].quantity = 0;
    expect_invalid(&p, "equipment[1].quantity", NULL);
    p.equipment[1].quantity = 5;
    p.total_investment = 0;
    expect_invalid(&p, "total_investment", "> 0");
    p.total_investment = 5200000000;
    p.land_mu = -1;
    expect_invalid(&p, "land_mu", NULL);
    p.land_mu = 0;
    p.uscc[17] = p.uscc[17] == '0' ? '1' : '0';
    expect_invalid(&p, "uscc", NULL);
    fx_uscc(p.uscc, CITY_A, 1);
    assert_int_equal(tu_project_validate(&p, fx_day("2024-02-01"), &err), TU_OK);
    tu_project_clear(&p);
}

static const char *good_json =
    "{\"uscc\":\"%s\",\"name\":\"绿色工厂改造\",\"type\":\"green_low_carbon\",\"city\":\"440300\","
    "\"district\":\"440305\",\"filing_code\":\"2401-440305-04-02-000001\",\"filing_date\":\"2024-01-10\","
    "\"planned_start\":\"2024-03-01\",\"planned_completion\":\"2025-06-30\",\"total_investment\":\"1234567.89\","
    "\"equipment_investment\":\"1000000.01\",\"energy_tce\":\"999.9\",\"energy_kwh\":4999999.5,\"land_mu\":\"12.5\","
    "\"equipment\":[{\"item\":\"余热锅炉\",\"category\":\"boiler\",\"quantity\":1,\"unit_price\":\"1000000.01\","
    "\"imported\":false}],\"attachments\":[{\"name\":\"备案证.pdf\",\"sha256\":\"%s\",\"size\":204800}]}";

static json_t *load(const char *uscc, const char *sha) {
    char text[2048];
    snprintf(text, sizeof text, good_json, uscc, sha);
    json_t *j = json_loads(text, 0, NULL);
    assert_non_null(j);
    return j;
}

static void test_json_round_trip(void **state) {
    (void)state;
    char uscc[19];
    fx_uscc(uscc, CITY_A, 7);
    const char *sha = "9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08";
    json_t *j = load(uscc, sha);
    tu_project p;
    tu_err err = {0};
    assert_int_equal(tu_project_from_json(j, &p, &err), TU_OK);
    assert_int_equal(p.total_investment, 123456789);
    assert_int_equal(p.equipment_investment, 100000001);
    assert_int_equal(p.energy_tce, 9999000);
    assert_int_equal(p.energy_kwh, 49999995000LL);
    assert_int_equal(p.land_mu, 125000);
    assert_int_equal(p.n_equipment, 1);
    assert_int_equal(p.n_attachments, 1);
    assert_int_equal(tu_project_validate(&p, fx_day("2024-02-01"), &err), TU_OK);
    json_t *back = tu_project_to_json(&p);
    assert_string_equal(json_string_value(json_object_get(back, "total_investment")), "1234567.89");
    assert_string_equal(json_string_value(json_object_get(back, "energy_tce")), "999.9");
    assert_string_equal(json_string_value(json_object_get(back, "district")), "440305");
    json_decref(back);
    tu_project_clear(&p);

    json_object_set_new(j, "total_investment", json_string("12.345"));
    assert_int_equal(tu_project_from_json(j, &p, &err), TU_EVALIDATION);
    assert_string_equal(err.field, "total_investment");
    json_object_set_new(j, "total_investment", json_string("1234567.89"));
    json_object_set_new(json_array_get(json_object_get(j, "equipment"), 0), "quantity", json_string("x"));
    assert_int_equal(tu_project_from_json(j, &p, &err), TU_EVALIDATION);
    assert_string_equal(err.field, "equipment[0].quantity");
    json_decref(j);

    j = load(uscc, "ABC");
    assert_int_equal(tu_project_from_json(j, &p, &err), TU_OK);
    assert_int_equal(tu_project_validate(&p, fx_day("2024-02-01"), &err), TU_EVALIDATION);
    assert_string_equal(err.field, "attachments[0].sha256");
    tu_project_clear(&p);
    json_decref(j);
    json_t *arr = json_array();
    assert_int_equal(tu_project_from_json(arr, &p, &err), TU_EVALIDATION);
    json_decref(arr);
}

static void test_declare_scope(void **state) {
    (void)state;
    tu_store *s = fx_open("declare");
    tu_project p, got;
    tu_err err = {0};
    int32_t today = fx_day("2024-02-01");
    fx_project(&p, CITY_A, 1, 1);
    tu_caller own = fx_actor(TU_ROLE_ENTERPRISE, CITY_A, 1), other = fx_actor(TU_ROLE_ENTERPRISE, CITY_A, 2);
    tu_caller city = fx_actor(TU_ROLE_CITY_OFFICIAL, CITY_A, 1), city_b = fx_actor(TU_ROLE_CITY_OFFICIAL, CITY_B, 1);
    tu_caller prov = fx_actor(TU_ROLE_PROVINCIAL_OFFICIAL, 0, 1), bank = fx_actor(TU_ROLE_BANK_OFFICER, 0, 1);
    assert_int_equal(tu_project_declare(s, &other, &p, today, &err), TU_EFORBIDDEN);
    assert_int_equal(tu_project_declare(s, &city, &p, today, &err), TU_EFORBIDDEN);
    assert_int_equal(tu_project_declare(s, &own, &p, today, &err), TU_OK);
    int64_t id = p.id;
    assert_true(id > 0);
    assert_int_equal(tu_project_declare(s, &own, &p, today, &err), TU_ECONFLICT); /* same filing code */
    assert_string_equal(err.field, "filing_code");

    assert_int_equal(tu_project_get(s, &own, id, &got, &err), TU_OK);
    assert_string_equal(got.state, "draft");
    assert_int_equal(got.n_equipment, 2);
    assert_string_equal(got.equipment[0].item, "五轴加工中心");
    assert_int_equal(got.equipment[1].imported, 1);
    assert_int_equal(got.energy_tier, TU_ENERGY_NONE);
    tu_project_clear(&got);
    assert_int_equal(tu_project_get(s, &city, id, &got, &err), TU_OK);
    tu_project_clear(&got);
    assert_int_equal(tu_project_get(s, &prov, id, &got, &err), TU_OK);
    tu_project_clear(&got);
    assert_int_equal(tu_project_get(s, &other, id, &got, &err), TU_EFORBIDDEN);
    assert_int_equal(tu_project_get(s, &city_b, id, &got, &err), TU_EFORBIDDEN);
    assert_int_equal(tu_project_get(s, &bank, id, &got, &err), TU_EFORBIDDEN);
    assert_int_equal(tu_project_get(s, &prov, id + 100, &got, &err), TU_ENOTFOUND);

    tu_project_list l;
    assert_int_equal(tu_project_search(s, &city_b, NULL, &l, &err), TU_OK);
    assert_int_equal(l.n, 0);
    tu_project_list_free(&l);
    assert_int_equal(tu_project_search(s, &own, NULL, &l, &err), TU_OK);
    assert_int_equal(l.n, 1);
    tu_project_list_free(&l);
    /* an actor whose scope is missing sees nothing, never everything */
    tu_caller blank[] = {{.role = TU_ROLE_ENTERPRISE}, {.role = TU_ROLE_CITY_OFFICIAL}, {.role = TU_ROLE_BANK_OFFICER}, {.role = 99}};
    for (size_t i = 0; i < sizeof blank / sizeof blank[0]; i++) {
        assert_int_equal(tu_project_search(s, &blank[i], NULL, &l, &err), TU_OK);
        assert_int_equal(l.n, 0);
        tu_project_list_free(&l);
        assert_int_equal(tu_project_get(s, &blank[i], id, &got, &err), TU_EFORBIDDEN);
    }

    /* edit: only the owner, only in draft/returned; an invalid edit changes nothing */
    p.id = id;
    p.total_investment = 6000000000;
    assert_int_equal(tu_project_edit(s, &own, &p, today, &err), TU_OK);
    p.equipment_investment = p.total_investment + 1;
    assert_int_equal(tu_project_edit(s, &own, &p, today, &err), TU_EVALIDATION);
    assert_int_equal(tu_project_get(s, &own, id, &got, &err), TU_OK);
    assert_int_equal(got.total_investment, 6000000000);
    assert_int_equal(got.equipment_investment, 3000000000);
    tu_project_clear(&got);
    p.equipment_investment = 3000000000;
    fx_force(s, id, "city_review", NULL);
    assert_int_equal(tu_project_edit(s, &own, &p, today, &err), TU_ESTATE);
    tu_project_clear(&p);
    tu_store_close(s);
}

/* Allocation failures are reported as TU_ENOMEM and leak nothing. */
static void test_alloc_failures(void **state) {
    (void)state;
    char uscc[19];
    fx_uscc(uscc, CITY_A, 7);
    json_t *j = load(uscc, "9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08");
    tu_store *s = fx_open("alloc");
    int64_t id = fx_declare(s, CITY_A, 1, 1, 0, 0);
    int failures = 0;
    for (long n = 0; n < 20; n++) {
        tu_project p;
        tu_err err = {0};
        tu_alloc_fail_after(n);
        int rc = tu_project_from_json(j, &p, &err);
        tu_alloc_fail_after(-1);
        assert_true(rc == TU_OK || rc == TU_ENOMEM);
        failures += rc == TU_ENOMEM;
        if (!rc) tu_project_clear(&p);
        tu_alloc_fail_after(n);
        rc = tu_store_project_get(s, id, &p, &err);
        tu_alloc_fail_after(-1);
        assert_true(rc == TU_OK || rc == TU_ENOMEM);
        failures += rc == TU_ENOMEM;
        if (!rc) tu_project_clear(&p);
    }
    assert_true(failures > 0);
    tu_store_close(s);
    json_decref(j);
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_validation),
        cmocka_unit_test(test_json_round_trip),
        cmocka_unit_test(test_declare_scope),
        cmocka_unit_test(test_alloc_failures),
    };
    return cmocka_run_group_tests(tests, fx_setup, fx_teardown);
}
