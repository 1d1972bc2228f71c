/* Tests of src/app/award.c against hand-computed awards: a rate of 17.9 % of an odd amount, regional rate tiers,
 * the version in force at the application date (50 M vs 15 M yuan caps), per-enterprise caps, non-combinable
 * groups (one per policy from a JSON source, several per policy from the policy store), reviewer adjustments with
 * reasons and disbursements. */
#include <pthread.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "app/award.h"
#include "fixture.h"

#define YUAN(x) ((int64_t)(x)*100)

static const char *policies =
    "{\"policies\":["
    /* 17.9 % of the equipment investment */
    "{\"id\":\"odd\",\"versions\":[{\"version\":1,\"from\":\"2020-01-01\",\"formula\":"
    "{\"*\":[{\"var\":\"project.equipment_investment\"},0.179]}}]},"
    /* regional tiers: 10 % in the Pearl River Delta, 15 % elsewhere, at most 15 M yuan; group equipment */
    "{\"id\":\"tiers\",\"group\":\"equipment\",\"versions\":[{\"version\":3,\"from\":\"2023-01-01\",\"formula\":"
    "{\"min\":[{\"*\":[{\"var\":\"project.equipment_investment\"},"
    "{\"if\":[{\"==\":[{\"var\":\"region\"},\"pearl_river_delta\"]},0.1,0.15]}]},15000000]}}]},"
    /* versions: 20 % up to 50 M yuan until 2023-05-31, then at most 15 M yuan */
    "{\"id\":\"versions\",\"group\":\"equipment\",\"versions\":["
    "{\"version\":1,\"from\":\"2021-01-01\",\"formula\":{\"min\":[{\"*\":[{\"var\":\"project.equipment_investment\"},0."
    "2]},50000000]}},"
    "{\"version\":2,\"from\":\"2023-06-01\",\"formula\":{\"min\":[{\"*\":[{\"var\":\"project.equipment_investment\"},0."
    "2]},15000000]}}]},"
    /* a flat 3 M yuan per project, at most 5 M yuan per enterprise */
    "{\"id\":\"capped\",\"cap\":\"5000000\",\"versions\":[{\"version\":1,\"from\":\"2020-01-01\",\"formula\":3000000}]}"
    ","
    "{\"id\":\"missing\",\"versions\":[{\"version\":1,\"from\":\"2020-01-01\",\"formula\":"
    "{\"*\":[{\"var\":\"project.nothing\"},2]}}]}"
    "]}";

/* An approved project with the given equipment investment (no itemised lines). */
static int64_t approved(tu_store *s, uint32_t city, int n, int seq, int64_t equipment) {
    tu_project p;
    fx_project(&p, city, n, seq);
    tu_project_clear(&p);
    p.equipment_investment = equipment;
    p.total_investment = equipment * 2;
    tu_caller a = fx_actor(TU_ROLE_ENTERPRISE, city, n);
    tu_err err = {0};
    if (tu_project_declare(s, &a, &p, fx_day("2024-02-01"), &err)) fail_msg("declare: %s", err.msg);
    fx_force(s, p.id, "approved", NULL);
    return p.id;
}

static int apply(tu_store *s, uint32_t city, int n, int64_t id, const char *policy, const char *day,
                 const tu_policy_source *src, tu_application *out, tu_err *err) {
    tu_caller a = fx_actor(TU_ROLE_ENTERPRISE, city, n);
    return tu_award_apply(s, &a, id, policy, fx_day(day), src, NULL, out, err);
}

static void test_hand_computed(void **state) {
    (void)state;
    json_t *doc = json_loads(policies, 0, NULL);
    assert_non_null(doc);
    tu_policy_source src = tu_policy_source_json(doc);
    tu_store *s = fx_open("awards");
    tu_err err = {0};
    tu_application ap;

    /* 17.9 % of 1,234,567.89 yuan = 220,987.65231 -> 220,987.65 yuan */
    int64_t odd = approved(s, CITY_A, 1, 1, 123456789);
    assert_int_equal(apply(s, CITY_A, 1, odd, "odd", "2024-03-01", &src, &ap, &err), TU_OK);
    assert_int_equal(ap.computed, 22098765);
    assert_int_equal(ap.awarded, 22098765);
    assert_non_null(strstr(ap.explanation, "220987.65231"));
    assert_non_null(strstr(ap.explanation, "computed 220987.65 yuan"));

    /* regional tiers: Shenzhen (delta) 10 %, Shaoguan (north) 15 %, capped at 15 M */
    int64_t sz = approved(s, CITY_A, 2, 2, YUAN(30000000)), sg = approved(s, 440200, 3, 3, YUAN(30000000));
    int64_t big = approved(s, 440200, 4, 4, YUAN(200000000));
    assert_int_equal(apply(s, CITY_A, 2, sz, "tiers", "2024-03-01", &src, &ap, &err), TU_OK);
    assert_int_equal(ap.awarded, YUAN(3000000));
    assert_int_equal(apply(s, 440200, 3, sg, "tiers", "2024-03-01", &src, &ap, &err), TU_OK);
    assert_int_equal(ap.awarded, YUAN(4500000));
    assert_int_equal(ap.policy_version, 3);
    assert_int_equal(apply(s, 440200, 4, big, "tiers", "2024-03-01", &src, &ap, &err), TU_OK);
    assert_int_equal(ap.awarded, YUAN(15000000));

    /* the version in force at the application date */
    int64_t v1 = approved(s, CITY_A, 5, 5, YUAN(100000000)), v2 = approved(s, CITY_A, 6, 6, YUAN(100000000));
    assert_int_equal(apply(s, CITY_A, 5, v1, "versions", "2023-05-31", &src, &ap, &err), TU_OK);
    assert_int_equal(ap.awarded, YUAN(20000000));
    assert_int_equal(ap.policy_version, 1);
    assert_int_equal(apply(s, CITY_A, 6, v2, "versions", "2023-06-01", &src, &ap, &err), TU_OK);
    assert_int_equal(ap.awarded, YUAN(15000000));
    assert_int_equal(ap.policy_version, 2);
    assert_int_equal(apply(s, CITY_A, 6, v2, "odd", "2019-06-01", &src, &ap, &err), TU_ENOTFOUND);

    /* missing data is an error, not a zero award; only the owner applies; only once approved */
    assert_int_equal(apply(s, CITY_A, 1, odd, "missing", "2024-03-01", &src, &ap, &err), TU_EEVAL);
    assert_int_equal(apply(s, CITY_A, 9, odd, "capped", "2024-03-01", &src, &ap, &err), TU_EFORBIDDEN);
    int64_t draft = fx_declare(s, CITY_A, 1, 50, 0, 0);
    assert_int_equal(apply(s, CITY_A, 1, draft, "capped", "2024-03-01", &src, &ap, &err), TU_ESTATE);
    tu_store_close(s);
    json_decref(doc);
}

static void test_caps_groups_adjust_pay(void **state) {
    (void)state;
    json_t *doc = json_loads(policies, 0, NULL);
    tu_policy_source src = tu_policy_source_json(doc);
    tu_store *s = fx_open("caps");
    tu_err err = {0};
    tu_application ap;
    int64_t p1 = approved(s, CITY_A, 1, 1, YUAN(1000000)), p2 = approved(s, CITY_A, 1, 2, YUAN(1000000));
    int64_t p3 = approved(s, CITY_A, 1, 3, YUAN(1000000));

    /* per-enterprise cap 5 M: 3 M, then 2 M, then 0 */
    assert_int_equal(apply(s, CITY_A, 1, p1, "capped", "2024-03-01", &src, &ap, &err), TU_OK);
    assert_int_equal(ap.awarded, YUAN(3000000));
    int64_t first = ap.id;
    assert_int_equal(apply(s, CITY_A, 1, p2, "capped", "2024-03-01", &src, &ap, &err), TU_OK);
    assert_int_equal(ap.computed, YUAN(3000000));
    assert_int_equal(ap.awarded, YUAN(2000000));
    assert_non_null(strstr(ap.explanation, "award limited to 2000000.00 yuan"));
    int64_t second = ap.id;
    assert_int_equal(apply(s, CITY_A, 1, p3, "capped", "2024-03-01", &src, &ap, &err), TU_OK);
    assert_int_equal(ap.awarded, 0);
    assert_int_equal(apply(s, CITY_A, 1, p3, "capped", "2024-03-01", &src, &ap, &err), TU_ECONFLICT); /* twice */

    /* non-combinable group: tiers and versions are both "equipment"; odd has no group */
    assert_int_equal(apply(s, CITY_A, 1, p1, "tiers", "2024-03-01", &src, &ap, &err), TU_OK);
    assert_int_equal(apply(s, CITY_A, 1, p1, "versions", "2024-03-01", &src, &ap, &err), TU_ECONFLICT);
    assert_non_null(strstr(err.msg, "cannot be combined"));
    assert_int_equal(apply(s, CITY_A, 1, p1, "odd", "2024-03-01", &src, &ap, &err), TU_OK);

    /* adjustment: a reason, a reviewer in scope, within the cap */
    tu_caller prov = fx_actor(TU_ROLE_PROVINCIAL_OFFICIAL, 0, 1), city = fx_actor(TU_ROLE_CITY_OFFICIAL, CITY_A, 1);
    tu_caller city_b = fx_actor(TU_ROLE_CITY_OFFICIAL, CITY_B, 1), ent = fx_actor(TU_ROLE_ENTERPRISE, CITY_A, 1);
    int32_t today = fx_day("2024-04-01");
    assert_int_equal(tu_award_adjust(s, &prov, first, YUAN(2500000), "", today, &src, &err), TU_EINVAL);
    assert_int_equal(tu_award_adjust(s, &ent, first, YUAN(2500000), "x", today, &src, &err), TU_EFORBIDDEN);
    assert_int_equal(tu_award_adjust(s, &city_b, first, YUAN(2500000), "x", today, &src, &err), TU_EFORBIDDEN);
    assert_int_equal(tu_award_adjust(s, &city, first, YUAN(3000001), "x", today, &src, &err), TU_ELIMIT);
    assert_int_equal(tu_award_adjust(s, &city, first, YUAN(2500000), "发票核减50万元", today, &src, &err), TU_OK);
    assert_int_equal(tu_store_application_get(s, first, &ap, &err), TU_OK);
    assert_int_equal(ap.awarded, YUAN(2500000));
    assert_int_equal(ap.computed, YUAN(3000000));
    assert_string_equal(ap.status, "adjusted");
    assert_string_equal(ap.adjust_reason, "发票核减50万元");
    assert_non_null(strstr(ap.explanation, "adjusted from 3000000.00 to 2500000.00 yuan"));
    /* the freed 0.5 M may now go to the second project, not more */
    assert_int_equal(tu_award_adjust(s, &prov, second, YUAN(2500001), "复核", today, &src, &err), TU_ELIMIT);
    assert_int_equal(tu_award_adjust(s, &prov, second, YUAN(2500000), "复核", today, &src, &err), TU_OK);

    /* disbursements never exceed the award; adjusting below what was paid is refused */
    assert_int_equal(tu_award_disburse(s, &city, first, YUAN(1000000), "TX-1", today, &err), TU_EFORBIDDEN);
    assert_int_equal(tu_award_disburse(s, &prov, first, YUAN(1000000), "TX-1", today, &err), TU_OK);
    assert_int_equal(tu_award_disburse(s, &prov, first, YUAN(1500000) + 1, "TX-2", today, &err), TU_ELIMIT);
    assert_int_equal(tu_award_disburse(s, &prov, first, YUAN(1500000), "TX-2", today, &err), TU_OK);
    assert_int_equal(tu_store_application_get(s, first, &ap, &err), TU_OK);
    assert_int_equal(ap.paid, YUAN(2500000));
    assert_int_equal(tu_award_adjust(s, &prov, first, YUAN(2000000), "再核减", today, &src, &err), TU_ELIMIT);
    assert_int_equal(tu_award_disburse(s, &prov, first, 1, "TX-3", today, &err), TU_ELIMIT);
    tu_store_close(s);
    json_decref(doc);
}

/* A policy of the policy store in several non-combinable groups: A {g1,g2} then B {g2} or D {g1} on the same project
 * is refused naming the shared group, A then C {g3} is allowed; the application records all of A's groups; a row of
 * the former one-group form still blocks; A's per-enterprise cap still holds. */
static void test_several_groups(void **state) {
    (void)state;
    tu_store *s = fx_open("groups");
    tu_err err = {0};
    tu_application ap;
    int64_t pid;
    const char *tenth = "{\"*\":[{\"var\":\"project.equipment_investment\"},0.1]}";
    assert_int_equal(fx_policy(s, "pol-a", "equipment_reward", tenth, "{\"groups\":[\"g1\",\"g2\"],\"cap_fen\":15000000}",
                               &pid, &err), TU_OK);
    assert_int_equal(fx_policy(s, "pol-b", "equipment_reward", tenth, "{\"groups\":[\"g2\"]}", &pid, &err), TU_OK);
    assert_int_equal(fx_policy(s, "pol-c", "equipment_reward", tenth, "{\"groups\":[\"g3\"]}", &pid, &err), TU_OK);
    assert_int_equal(fx_policy(s, "pol-d", "equipment_reward", tenth, "{\"groups\":[\"g4\",\"g1\"]}", &pid, &err), TU_OK);
    tu_policy_source src = tu_policy_source_store(s);
    int64_t p1 = approved(s, CITY_A, 1, 1, YUAN(1000000)), p2 = approved(s, CITY_A, 1, 2, YUAN(1000000));
    int64_t p3 = approved(s, CITY_A, 1, 3, YUAN(1000000)), p4 = approved(s, CITY_A, 2, 4, YUAN(1000000));

    assert_int_equal(apply(s, CITY_A, 1, p1, "pol-a", "2024-03-01", &src, &ap, &err), TU_OK);
    assert_int_equal(ap.awarded, YUAN(100000));
    assert_string_equal(ap.policy_group, "[\"g1\",\"g2\"]");
    assert_int_equal(apply(s, CITY_A, 1, p1, "pol-b", "2024-03-01", &src, &ap, &err), TU_ECONFLICT);
    assert_non_null(strstr(err.msg, "policy pol-b cannot be combined with policy pol-a (group g2)"));
    assert_int_equal(apply(s, CITY_A, 1, p1, "pol-d", "2024-03-01", &src, &ap, &err), TU_ECONFLICT);
    assert_non_null(strstr(err.msg, "(group g1)"));
    assert_int_equal(apply(s, CITY_A, 1, p1, "pol-c", "2024-03-01", &src, &ap, &err), TU_OK);
    assert_string_equal(ap.policy_group, "[\"g3\"]");
    /* B first, then A: refused the other way round too; another project may hold B */
    assert_int_equal(apply(s, CITY_A, 1, p2, "pol-b", "2024-03-01", &src, &ap, &err), TU_OK);
    assert_int_equal(apply(s, CITY_A, 1, p2, "pol-a", "2024-03-01", &src, &ap, &err), TU_ECONFLICT);
    assert_non_null(strstr(err.msg, "(group g2)"));
    /* A's cap of 150,000 yuan per enterprise: 100,000 went to p1, 50,000 are left for p3 */
    assert_int_equal(apply(s, CITY_A, 1, p3, "pol-a", "2024-03-01", &src, &ap, &err), TU_OK);
    assert_int_equal(ap.computed, YUAN(100000));
    assert_int_equal(ap.awarded, YUAN(50000));
    assert_non_null(strstr(ap.explanation, "award limited to 50000.00 yuan"));

    /* an application recorded with one bare group name (the former form) still blocks A on its project */
    tu_application old = {.project_id = p4, .policy_version = 1, .applied_on = fx_day("2024-01-15")};
    fx_uscc(old.uscc, CITY_A, 2);
    snprintf(old.policy_id, sizeof old.policy_id, "old-policy");
    snprintf(old.policy_group, sizeof old.policy_group, "g2");
    snprintf(old.status, sizeof old.status, "computed");
    assert_int_equal(tu_store_begin(s, &err), TU_OK);
    assert_int_equal(tu_store_application_insert(s, &old, &err), TU_OK);
    assert_int_equal(tu_store_commit(s, &err), TU_OK);
    assert_int_equal(apply(s, CITY_A, 2, p4, "pol-a", "2024-03-01", &src, &ap, &err), TU_ECONFLICT);
    assert_non_null(strstr(err.msg, "policy old-policy (group g2)"));
    assert_int_equal(apply(s, CITY_A, 2, p4, "pol-c", "2024-03-01", &src, &ap, &err), TU_OK);
    tu_store_close(s);
}

/* ---- applicants at once: the per-enterprise cap holds under concurrency ---- */

#define APPLICANTS 8

typedef struct applicant {
    const char *path;
    const tu_policy_source *src;
    int64_t project;
    int rc;
    int64_t awarded;
} applicant;

static void *apply_one(void *arg) {
    applicant *w = arg;
    tu_store *s = NULL;
    tu_err err = {0};
    if ((w->rc = tu_store_open(w->path, 0, &s, &err))) return NULL;
    tu_application ap;
    tu_caller a = fx_actor(TU_ROLE_ENTERPRISE, CITY_A, 1);
    w->rc = tu_award_apply(s, &a, w->project, "capped", fx_day("2024-03-01"), w->src, NULL, &ap, &err);
    w->awarded = w->rc ? -1 : ap.awarded;
    tu_store_close(s);
    return NULL;
}

static void test_concurrent_applicants(void **state) {
    (void)state;
    json_t *doc = json_loads(policies, 0, NULL);
    tu_policy_source src = tu_policy_source_json(doc);
    tu_store *s = fx_open("applicants");
    char path[160];
    snprintf(path, sizeof path, "%s/applicants.db", fx_dir);
    applicant w[APPLICANTS];
    pthread_t th[APPLICANTS];
    for (int i = 0; i < APPLICANTS; i++)
        w[i] = (applicant){.path = path, .src = &src, .project = approved(s, CITY_A, 1, i + 1, YUAN(1000000))};
    for (int i = 0; i < APPLICANTS; i++) assert_int_equal(pthread_create(&th[i], NULL, apply_one, &w[i]), 0);
    int64_t total = 0;
    int full = 0, partial = 0, zero = 0;
    for (int i = 0; i < APPLICANTS; i++) {
        pthread_join(th[i], NULL);
        assert_int_equal(w[i].rc, TU_OK);
        total += w[i].awarded;
        full += w[i].awarded == YUAN(3000000), partial += w[i].awarded == YUAN(2000000), zero += w[i].awarded == 0;
    }
    assert_int_equal(total, YUAN(5000000)); /* exactly the cap, never more */
    assert_int_equal(full, 1);
    assert_int_equal(partial, 1);
    assert_int_equal(zero, APPLICANTS - 2);
    tu_store_close(s);
    json_decref(doc);
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_hand_computed),
        cmocka_unit_test(test_caps_groups_adjust_pay),
        cmocka_unit_test(test_several_groups),
        cmocka_unit_test(test_concurrent_applicants),
    };
    return cmocka_run_group_tests(tests, fx_setup, fx_teardown);
}
