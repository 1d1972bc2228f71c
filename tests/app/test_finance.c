/* Tests of src/app/finance.c: publishing products, which products a project qualifies for, choosing one, the
 * bank officer's project list, and interest subsidies (the exact formula and a policy's own formula agree, for a
 * JSON source and for a loan_interest policy published through app/policy.h). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "app/finance.h"
#include "fixture.h"

#define YUAN(x) ((int64_t)(x)*100)

static int64_t publish(tu_store *s, const tu_caller *bank, const char *name, int rate, const char *rule) {
    tu_loan_product l = {.rate_bp = rate, .term_months = 36, .min_amount = YUAN(1000000), .max_amount = YUAN(50000000)};
    snprintf(l.name, sizeof l.name, "%s", name);
    snprintf(l.eligibility, sizeof l.eligibility, "%s", rule);
    tu_err err = {0};
    if (tu_loan_publish(s, bank, &l, &err)) fail_msg("publish: %s", err.msg);
    return l.id;
}

static void test_products(void **state) {
    (void)state;
    tu_store *s = fx_open("loans");
    tu_err err = {0};
    tu_caller b1 = fx_actor(TU_ROLE_BANK_OFFICER, 0, 1), b2 = fx_actor(TU_ROLE_BANK_OFFICER, 0, 2);
    tu_caller ent = fx_actor(TU_ROLE_ENTERPRISE, CITY_A, 1), city = fx_actor(TU_ROLE_CITY_OFFICIAL, CITY_A, 1);
    tu_loan_product bad = {.rate_bp = 0, .term_months = 12, .min_amount = 1, .max_amount = 2};
    snprintf(bad.name, sizeof bad.name, "x");
    assert_int_equal(tu_loan_publish(s, &ent, &bad, &err), TU_EFORBIDDEN);
    assert_int_equal(tu_loan_publish(s, &b1, &bad, &err), TU_EINVAL);
    bad.rate_bp = 300;
    snprintf(bad.eligibility, sizeof bad.eligibility, "{\"==\":[1,");
    assert_int_equal(tu_loan_publish(s, &b1, &bad, &err), TU_EPARSE);

    int64_t any = publish(s, &b1, "技改贷", 345, "true");
    int64_t big = publish(s, &b1, "大额设备贷", 320, "{\">=\":[{\"var\":\"project.equipment_investment\"},50000000]}");
    int64_t green = publish(s, &b2, "绿色贷", 300, "{\"==\":[{\"var\":\"project.type\"},\"green_low_carbon\"]}");
    int64_t pearl = publish(s, &b2, "湾区贷", 310, "{\"==\":[{\"var\":\"region\"},\"pearl_river_delta\"]}");
    (void)green;

    int64_t id = fx_declare(s, CITY_A, 1, 1, 0, 0); /* equipment 30 M yuan, equipment_renewal, Shenzhen */
    tu_loan_product *l;
    int n;
    assert_int_equal(tu_loan_products_for(s, &ent, id, NULL, &l, &n, &err), TU_OK);
    assert_int_equal(n, 2);
    assert_int_equal(l[0].id, any);
    assert_int_equal(l[1].id, pearl);
    tu_free(l);
    tu_caller other = fx_actor(TU_ROLE_ENTERPRISE, CITY_A, 2);
    assert_int_equal(tu_loan_products_for(s, &other, id, NULL, &l, &n, &err), TU_EFORBIDDEN);

    int32_t today = fx_day("2024-03-01");
    assert_int_equal(tu_loan_choose(s, &ent, id, any, YUAN(10000000), NULL, today, &err), TU_ESTATE); /* draft */
    fx_force(s, id, "approved", NULL);
    assert_int_equal(tu_loan_choose(s, &city, id, any, YUAN(10000000), NULL, today, &err), TU_EFORBIDDEN);
    assert_int_equal(tu_loan_choose(s, &ent, id, big, YUAN(10000000), NULL, today, &err), TU_EFORBIDDEN);
    assert_int_equal(tu_loan_choose(s, &ent, id, any, YUAN(999999), NULL, today, &err), TU_EINVAL);
    assert_int_equal(tu_loan_choose(s, &ent, id, any, YUAN(10000000), NULL, today, &err), TU_OK);

    tu_project_list pl;
    assert_int_equal(tu_loan_bank_projects(s, &b1, &pl, &err), TU_OK);
    assert_int_equal(pl.n, 1);
    assert_int_equal(pl.items[0].id, id);
    assert_int_equal(pl.items[0].loan_principal, YUAN(10000000));
    tu_project_list_free(&pl);
    assert_int_equal(tu_loan_bank_projects(s, &b2, &pl, &err), TU_OK);
    assert_int_equal(pl.n, 0);
    tu_project_list_free(&pl);
    assert_int_equal(tu_loan_bank_projects(s, &city, &pl, &err), TU_EFORBIDDEN);
    tu_project p;
    assert_int_equal(tu_project_get(s, &b1, id, &p, &err), TU_OK); /* the chosen bank sees the project */
    tu_project_clear(&p);
    assert_int_equal(tu_project_get(s, &b2, id, &p, &err), TU_EFORBIDDEN);
    tu_store_close(s);
}

static void test_subsidy(void **state) {
    (void)state;
    int64_t fen;
    tu_err err = {0};
    /* 10,000,000 x min(3.45 %, 3 %) x 50 % x 365 / 360 = 152,083.333... -> 152,083.33 yuan */
    assert_int_equal(tu_interest_subsidy(YUAN(10000000), 345, 300, 5000, 365, &fen, &err), TU_OK);
    assert_int_equal(fen, 15208333);
    /* the rate below the cap is used as is: 10,000,000 x 2.8 % x 50 % x 360/360 = 140,000 */
    assert_int_equal(tu_interest_subsidy(YUAN(10000000), 280, 300, 5000, 360, &fen, &err), TU_OK);
    assert_int_equal(fen, YUAN(140000));
    /* half a fen rounds up: 3,600 x 2.5 % x 50 % / 360 = 0.125 yuan */
    assert_int_equal(tu_interest_subsidy(YUAN(3600), 250, 300, 5000, 1, &fen, &err), TU_OK);
    assert_int_equal(fen, 13);
    /* an odd principal: 1,234,567.89 x 3 % x 100 % x 90 / 360 = 9,259.259175 -> 9,259.26 */
    assert_int_equal(tu_interest_subsidy(123456789, 345, 300, 10000, 90, &fen, &err), TU_OK);
    assert_int_equal(fen, 925926);
    assert_int_equal(tu_interest_subsidy(-1, 345, 300, 5000, 1, &fen, &err), TU_EINVAL);
    assert_int_equal(tu_interest_subsidy(1, 345, 300, 10001, 1, &fen, &err), TU_EINVAL);
}

/* A policy's own formula over the chosen loan gives the same figure as the exact formula. */
static void test_policy_subsidy(void **state) {
    (void)state;
    tu_store *s = fx_open("subsidy");
    tu_err err = {0};
    tu_caller bank = fx_actor(TU_ROLE_BANK_OFFICER, 0, 1), ent = fx_actor(TU_ROLE_ENTERPRISE, CITY_A, 1);
    int64_t prod = publish(s, &bank, "技改贷", 345, "true");
    int64_t id = fx_declare(s, CITY_A, 1, 1, 0, 0);
    fx_force(s, id, "in_construction", NULL);
    assert_int_equal(tu_loan_choose(s, &ent, id, prod, 123456789, NULL, fx_day("2024-03-01"), &err), TU_OK);
    json_t *doc = json_loads(
        "{\"policies\":[{\"id\":\"interest\",\"versions\":[{\"version\":1,\"from\":\"2024-01-01\",\"formula\":"
        "{\"*\":[{\"var\":\"loan.principal\"},{\"min\":[{\"var\":\"loan.rate_bp\"},300]},0.0001,1,"
        "{\"/\":[{\"var\":\"loan.days\"},360]}]}}]}]}",
        0, NULL);
    tu_policy_source src = tu_policy_source_json(doc);
    int64_t fen = 0, exact = 0;
    char expl[1024];
    assert_int_equal(tu_finance_policy_subsidy(s, &ent, id, "interest", 90, fx_day("2024-06-30"), &src, &fen, expl,
                                               sizeof expl, &err),
                     TU_OK);
    assert_int_equal(tu_interest_subsidy(123456789, 345, 300, 10000, 90, &exact, &err), TU_OK);
    assert_int_equal(fen, exact);
    assert_non_null(strstr(expl, "loan.principal = 1234567.89"));
    tu_caller other = fx_actor(TU_ROLE_ENTERPRISE, CITY_A, 2);
    assert_int_equal(
        tu_finance_policy_subsidy(s, &other, id, "interest", 90, fx_day("2024-06-30"), &src, &fen, NULL, 0, &err),
        TU_EFORBIDDEN);
    json_decref(doc);
    tu_store_close(s);
}

/* The interest subsidy of the test: 50 % of the interest at min(rate, 3 %) over loan.days, in yuan. */
static const char subsidy_formula[] =
    "{\"*\":[{\"var\":\"loan.principal\"},{\"min\":[{\"var\":\"loan.rate_bp\"},300]},0.0001,0.5,"
    "{\"/\":[{\"var\":\"loan.days\"},360]}]}";

/* A loan_interest policy over loan.principal, loan.rate_bp and loan.days passes the policy checks (its fixture
 * computes over a "loan" object too), is published, and gives the hand-computed subsidy of the chosen loan. */
static void test_published_loan_policy(void **state) {
    (void)state;
    tu_store *s = fx_open("published");
    tu_err err = {0};
    int64_t pid, fen = 0, exact = 0;
    /* 1,234,567.89 x min(3.45 %, 3 %) x 50 % x 90 / 360 = 4,629.6295875 -> 4,629.63 yuan */
    const char *tests = "{\"tests\":[{\"name\":\"a 3.45 % loan over 90 days\",\"enterprise\":{\"city\":\"440300\","
                        "\"industry\":\"C3562\"},\"loan\":{\"principal\":\"1234567.89\",\"rate_bp\":345,"
                        "\"days\":90},\"expect\":\"eligible\",\"benefit\":\"4629.63\"}]}";
    assert_int_equal(fx_policy(s, "gd-loan-interest", "loan_interest", subsidy_formula, tests, &pid, &err), TU_OK);

    tu_caller bank = fx_actor(TU_ROLE_BANK_OFFICER, 0, 1), ent = fx_actor(TU_ROLE_ENTERPRISE, CITY_A, 1);
    int64_t prod = publish(s, &bank, "技改贷", 345, "true");
    int64_t id = fx_declare(s, CITY_A, 1, 1, 0, 0);
    fx_force(s, id, "in_construction", NULL);
    tu_policy_source src = tu_policy_source_store(s);
    char expl[1024];
    assert_int_equal(tu_finance_policy_subsidy(s, &ent, id, "gd-loan-interest", 90, fx_day("2024-06-30"), &src, &fen,
                                               NULL, 0, &err),
                     TU_ESTATE); /* no loan chosen yet */
    assert_int_equal(tu_loan_choose(s, &ent, id, prod, 123456789, NULL, fx_day("2024-03-01"), &err), TU_OK);
    assert_int_equal(tu_finance_policy_subsidy(s, &ent, id, "gd-loan-interest", 90, fx_day("2024-06-30"), &src, &fen,
                                               expl, sizeof expl, &err),
                     TU_OK);
    assert_int_equal(fen, 462963);
    assert_int_equal(tu_interest_subsidy(123456789, 345, 300, 5000, 90, &exact, &err), TU_OK);
    assert_int_equal(fen, exact);
    assert_non_null(strstr(expl, "loan.rate_bp = 345"));
    assert_non_null(strstr(expl, "loan.days = 90"));
    tu_store_close(s);
}

/* A formula naming a variable no project or loan provides is refused at publication, naming it. */
static void test_unknown_variable_refused(void **state) {
    (void)state;
    tu_store *s = fx_open("unknown");
    tu_err err = {0};
    int64_t pid;
    const char *bad = "{\"*\":[{\"var\":\"loan.principal\"},{\"var\":\"loan.rate_percent\"},0.01]}";
    assert_int_equal(fx_policy(s, "gd-bad-interest", "loan_interest", bad, NULL, &pid, &err), TU_EVALIDATION);
    assert_non_null(strstr(err.msg, "loan.rate_percent"));
    assert_null(strstr(err.msg, "loan.principal"));
    const char *typo = "{\"*\":[{\"var\":\"project.equipment_invest\"},0.1]}";
    assert_int_equal(fx_policy(s, "gd-bad-reward", "equipment_reward", typo, NULL, &pid, &err), TU_EVALIDATION);
    assert_non_null(strstr(err.msg, "project.equipment_invest"));
    tu_store_close(s);
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_products),
        cmocka_unit_test(test_subsidy),
        cmocka_unit_test(test_policy_subsidy),
        cmocka_unit_test(test_published_loan_policy),
        cmocka_unit_test(test_unknown_variable_refused),
    };
    return cmocka_run_group_tests(tests, fx_setup, fx_teardown);
}
