/* Tests of src/app/workflow.c: every (state, action, role) of the table, allowed or forbidden; scope; deadlines and
 * overdue lists; energy-review tiers at their boundaries and the construction gate; the green channel. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "app/workflow.h"
#include "fixture.h"

#define S TU_DEC_SCALE

/* The distinct actions of the table. */
static int actions(const char *out[], int cap) {
    int n = 0;
    for (int i = 0; i < tu_wf_transition_count; i++) {
        int seen = 0;
        for (int k = 0; k < n; k++) seen |= !strcmp(out[k], tu_wf_transitions[i].action);
        if (!seen && n < cap) out[n++] = tu_wf_transitions[i].action;
    }
    return n;
}

/* For every state x action x role (each role in scope of the project) the move succeeds exactly when the table
 * has that transition for that role; then the state is the table's target and the step is recorded. */
static void test_matrix(void **state) {
    (void)state;
    tu_store *s = fx_open("matrix");
    const char *acts[32];
    int na = actions(acts, 32), seq = 0, allowed = 0, refused = 0;
    int32_t today = fx_day("2024-03-04");
    for (int si = 0; si < tu_wf_state_count; si++)
        for (int ai = 0; ai < na; ai++)
            for (int role = 0; role < TU_ROLE_COUNT; role++) {
                int64_t id = fx_declare(s, CITY_A, 1, ++seq, 0, 0);
                fx_force(s, id, tu_wf_states[si].name, "bank1");
                tu_caller a = fx_actor(role, CITY_A, 1);
                const tu_wf_transition *t = tu_workflow_find(tu_wf_states[si].name, acts[ai]);
                int want = !t ? TU_ESTATE : t->role != role ? TU_EFORBIDDEN : TU_OK;
                if (role == TU_ROLE_BANK_OFFICER || role == TU_ROLE_AUDITOR || role == TU_ROLE_ADMIN)
                    want = t ? TU_EFORBIDDEN : TU_ESTATE; /* they see the project but take no step */
                tu_err err = {0};
                int rc = tu_workflow_move(s, &a, id, acts[ai], "reason", today, NULL, &err);
                if (rc != want)
                    fail_msg("%s --%s--> as %s: got %d (%s), want %d", tu_wf_states[si].name, acts[ai],
                             tu_role_name(role), rc, err.msg, want);
                char st[24];
                fx_state(s, id, st);
                assert_string_equal(st, rc ? tu_wf_states[si].name : t->to);
                tu_project_event *ev;
                int nev;
                assert_int_equal(tu_store_project_events(s, id, &ev, &nev, &err), TU_OK);
                assert_int_equal(nev, rc ? 1 : 2); /* declare (+ the move) */
                if (!rc) {
                    assert_string_equal(ev[1].action, acts[ai]);
                    assert_string_equal(ev[1].role, tu_role_name(role));
                    assert_string_equal(ev[1].comment, "reason");
                    allowed++;
                } else
                    refused++;
                tu_free(ev);
            }
    assert_int_equal(allowed, tu_wf_transition_count); /* each transition exactly once */
    assert_true(refused > 0);
    tu_store_close(s);
}

/* Out-of-scope actors of the right role are refused, and return/reject need a reason. */
static void test_scope_and_comment(void **state) {
    (void)state;
    tu_store *s = fx_open("scope");
    tu_err err = {0};
    int32_t today = fx_day("2024-03-04");
    int64_t id = fx_declare(s, CITY_A, 1, 1, 0, 0);
    tu_caller other_ent = fx_actor(TU_ROLE_ENTERPRISE, CITY_A, 2), other_city = fx_actor(TU_ROLE_CITY_OFFICIAL, CITY_B, 1);
    tu_caller own = fx_actor(TU_ROLE_ENTERPRISE, CITY_A, 1), city = fx_actor(TU_ROLE_CITY_OFFICIAL, CITY_A, 1);
    assert_int_equal(tu_workflow_move(s, &other_ent, id, "submit", NULL, today, NULL, &err), TU_EFORBIDDEN);
    assert_int_equal(tu_workflow_move(s, &own, id, "submit", NULL, today, NULL, &err), TU_OK);
    assert_int_equal(tu_workflow_move(s, &other_city, id, "accept", NULL, today, NULL, &err), TU_EFORBIDDEN);
    assert_int_equal(tu_workflow_move(s, &city, id, "accept", NULL, today, NULL, &err), TU_OK);
    assert_int_equal(tu_workflow_move(s, &city, id, "return", "", today, NULL, &err), TU_EINVAL);
    assert_int_equal(tu_workflow_move(s, &city, id, "return", "补充能评材料", today, NULL, &err), TU_OK);
    assert_int_equal(tu_workflow_move(s, &own, id, "resubmit", NULL, today, NULL, &err), TU_OK);
    assert_int_equal(tu_workflow_move(s, &own, id, "fly", NULL, today, NULL, &err), TU_ESTATE);
    assert_non_null(strstr(err.msg, "possible: accept"));
    assert_int_equal(tu_workflow_move(s, &own, id + 99, "submit", NULL, today, NULL, &err), TU_ENOTFOUND);
    tu_store_close(s);
}

static void test_workdays(void **state) {
    (void)state;
    /* 2024-03-01 is a Friday */
    assert_int_equal(tu_workdays_add(fx_day("2024-03-01"), 1), fx_day("2024-03-04"));
    assert_int_equal(tu_workdays_add(fx_day("2024-03-01"), 5), fx_day("2024-03-08"));
    assert_int_equal(tu_workdays_add(fx_day("2024-03-02"), 1), fx_day("2024-03-04")); /* from a Saturday */
    assert_int_equal(tu_workdays_add(fx_day("2024-03-04"), 20), fx_day("2024-04-01"));
    assert_int_equal(tu_workdays_add(fx_day("2024-03-04"), 0), fx_day("2024-03-04"));
}

static void test_deadlines_overdue(void **state) {
    (void)state;
    tu_store *s = fx_open("deadlines");
    tu_err err = {0};
    int64_t id = fx_declare(s, CITY_A, 1, 1, 0, 0), id2 = fx_declare(s, CITY_B, 3, 2, 0, 0);
    tu_caller own = fx_actor(TU_ROLE_ENTERPRISE, CITY_A, 1), city = fx_actor(TU_ROLE_CITY_OFFICIAL, CITY_A, 1);
    tu_caller city_b = fx_actor(TU_ROLE_CITY_OFFICIAL, CITY_B, 1), prov = fx_actor(TU_ROLE_PROVINCIAL_OFFICIAL, 0, 1);
    tu_caller own2 = fx_actor(TU_ROLE_ENTERPRISE, CITY_B, 3);
    assert_int_equal(tu_workflow_move(s, &own, id, "submit", NULL, fx_day("2024-03-01"), NULL, &err), TU_OK);
    assert_int_equal(tu_workflow_move(s, &own2, id2, "submit", NULL, fx_day("2024-03-01"), NULL, &err), TU_OK);
    tu_project p;
    assert_int_equal(tu_store_project_get(s, id, &p, &err), TU_OK);
    assert_int_equal(p.deadline, fx_day("2024-03-08")); /* 5 working days */
    tu_project_clear(&p);

    tu_project_list l;
    assert_int_equal(tu_workflow_overdue(s, &city, fx_day("2024-03-08"), &l, &err), TU_OK);
    assert_int_equal(l.n, 0); /* the deadline day itself is not overdue */
    tu_project_list_free(&l);
    assert_int_equal(tu_workflow_overdue(s, &city, fx_day("2024-03-09"), &l, &err), TU_OK);
    assert_int_equal(l.n, 1);
    assert_int_equal(l.items[0].id, id);
    tu_project_list_free(&l);
    assert_int_equal(tu_workflow_overdue(s, &prov, fx_day("2024-03-09"), &l, &err), TU_OK);
    assert_int_equal(l.n, 2);
    tu_project_list_free(&l);
    assert_int_equal(tu_workflow_overdue(s, &city_b, fx_day("2024-03-09"), &l, &err), TU_OK);
    assert_int_equal(l.n, 1);
    assert_int_equal(l.items[0].id, id2);
    tu_project_list_free(&l);
    assert_int_equal(tu_workflow_due_soon(s, &city, fx_day("2024-03-06"), 2, &l, &err), TU_OK);
    assert_int_equal(l.n, 1);
    tu_project_list_free(&l);
    assert_int_equal(tu_workflow_due_soon(s, &city, fx_day("2024-03-04"), 2, &l, &err), TU_OK);
    assert_int_equal(l.n, 0);
    tu_project_list_free(&l);

    /* accepted late: city_review gets 20 working days from the day it was entered; returned: 30 calendar days */
    assert_int_equal(tu_workflow_move(s, &city, id, "accept", NULL, fx_day("2024-03-11"), NULL, &err), TU_OK);
    assert_int_equal(tu_store_project_get(s, id, &p, &err), TU_OK);
    assert_int_equal(p.deadline, fx_day("2024-04-08"));
    tu_project_clear(&p);
    assert_int_equal(tu_workflow_move(s, &city, id, "return", "材料不全", fx_day("2024-03-12"), NULL, &err), TU_OK);
    assert_int_equal(tu_store_project_get(s, id, &p, &err), TU_OK);
    assert_int_equal(p.deadline, fx_day("2024-04-11"));
    tu_project_clear(&p);
    assert_int_equal(tu_workflow_overdue(s, &city, fx_day("2024-04-11"), &l, &err), TU_OK);
    assert_int_equal(l.n, 0);
    tu_project_list_free(&l);
    /* approved has no deadline; in construction runs to the planned completion */
    fx_force(s, id, "approved", NULL);
    assert_int_equal(tu_workflow_move(s, &own, id, "start", NULL, fx_day("2024-05-01"), NULL, &err), TU_OK);
    assert_int_equal(tu_store_project_get(s, id, &p, &err), TU_OK);
    assert_int_equal(p.deadline, fx_day("2025-06-30"));
    tu_project_clear(&p);
    tu_store_close(s);
}

static void test_energy_tiers(void **state) {
    (void)state;
    struct {
        int64_t tce, kwh;
        int tier;
    } cases[] = {
        {9999000, 0, TU_ENERGY_NONE},           /* 999.9 tce */
        {1000 * S, 0, TU_ENERGY_COUNTY},        /* 1000 */
        {4999 * S + 9999, 0, TU_ENERGY_COUNTY}, /* 4999.9999 */
        {5000 * S, 0, TU_ENERGY_CITY},          /* 5000 */
        {9999 * S + 9999, 0, TU_ENERGY_CITY},   /* 9999.9999 */
        {10000 * S, 0, TU_ENERGY_PROVINCE},     /* 10000 */
        {0, 5000000LL * S - 1, TU_ENERGY_NONE}, /* 4,999,999.9999 kWh */
        {0, 5000000LL * S, TU_ENERGY_COUNTY},   /* 5 million kWh */
        {9999000, 5000000LL * S, TU_ENERGY_COUNTY},
        {10000 * S, 5000000LL * S, TU_ENERGY_PROVINCE},
    };
    tu_store *s = fx_open("tiers");
    tu_err err = {0};
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        int64_t id = fx_declare(s, CITY_A, 1, (int)i + 1, cases[i].tce, cases[i].kwh);
        tu_project p;
        assert_int_equal(tu_store_project_get(s, id, &p, &err), TU_OK);
        if (p.energy_tier != cases[i].tier) fail_msg("case %zu: tier %d, want %d", i, p.energy_tier, cases[i].tier);
        tu_project_clear(&p);
    }
    tu_store_close(s);
}

/* A project needing review cannot start construction until the review passed. */
static void test_no_construction_before_review(void **state) {
    (void)state;
    tu_store *s = fx_open("gate");
    tu_err err = {0};
    int32_t today = fx_day("2024-03-04");
    tu_caller own = fx_actor(TU_ROLE_ENTERPRISE, CITY_A, 1), city = fx_actor(TU_ROLE_CITY_OFFICIAL, CITY_A, 1);
    tu_caller prov = fx_actor(TU_ROLE_PROVINCIAL_OFFICIAL, 0, 1), city_b = fx_actor(TU_ROLE_CITY_OFFICIAL, CITY_B, 1);

    int64_t c = fx_declare(s, CITY_A, 1, 1, 5000 * S, 0);                                  /* city tier */
    assert_int_equal(tu_energy_review_decide(s, &city, c, 1, "", today, &err), TU_ESTATE); /* a draft */
    fx_force(s, c, "approved", NULL);
    assert_int_equal(tu_workflow_move(s, &own, c, "start", NULL, today, NULL, &err), TU_ESTATE);
    assert_non_null(strstr(err.msg, "city energy review"));
    assert_int_equal(tu_energy_review_decide(s, &prov, c, 1, "", today, &err), TU_EFORBIDDEN);
    assert_int_equal(tu_energy_review_decide(s, &city_b, c, 1, "", today, &err), TU_EFORBIDDEN);
    assert_int_equal(tu_energy_review_decide(s, &city, c, 0, "能效不达标", today, &err), TU_OK);
    assert_int_equal(tu_workflow_move(s, &own, c, "start", NULL, today, NULL, &err), TU_ESTATE);
    assert_int_equal(tu_energy_review_decide(s, &city, c, 1, "整改后通过", today, &err), TU_OK);
    assert_int_equal(tu_workflow_move(s, &own, c, "start", NULL, today, NULL, &err), TU_OK);

    int64_t p = fx_declare(s, CITY_A, 1, 2, 10000 * S, 0); /* provincial tier */
    fx_force(s, p, "provincial_review", NULL);
    assert_int_equal(tu_energy_review_decide(s, &city, p, 1, "", today, &err), TU_EFORBIDDEN);
    assert_int_equal(tu_workflow_move(s, &prov, p, "approve", NULL, today, NULL, &err), TU_OK);
    assert_int_equal(tu_workflow_move(s, &own, p, "start", NULL, today, NULL, &err), TU_ESTATE);
    assert_int_equal(tu_energy_review_decide(s, &prov, p, 1, "", today, &err), TU_OK);
    assert_int_equal(tu_workflow_move(s, &own, p, "start", NULL, today, NULL, &err), TU_OK);

    int64_t n = fx_declare(s, CITY_A, 1, 3, 999 * S, 0); /* none: starts at once, no review possible */
    fx_force(s, n, "approved", NULL);
    assert_int_equal(tu_energy_review_decide(s, &city, n, 1, "", today, &err), TU_ESTATE);
    assert_int_equal(tu_workflow_move(s, &own, n, "start", NULL, today, NULL, &err), TU_OK);
    tu_store_close(s);
}

static void test_green_channel(void **state) {
    (void)state;
    tu_store *s = fx_open("green");
    tu_err err = {0};
    json_t *cfg =
        json_loads("{\"rule\":{\"or\":[{\"==\":[{\"var\":\"project.type\"},\"green_low_carbon\"]},"
                   "{\"in\":[{\"var\":\"project.filing_code\"},[\"KEY-0001\"]]}]},\"skip\":[\"city_review\"]}",
                   0, NULL);
    tu_green_config g;
    assert_int_equal(tu_green_config_from_json(cfg, &g, &err), TU_OK);
    json_decref(cfg);
    const char *unskippable[] = {"paid", "approved", "award_claimed", "draft", "in_construction", "nowhere"};
    for (size_t i = 0; i < sizeof unskippable / sizeof unskippable[0]; i++) {
        char text[128];
        snprintf(text, sizeof text, "{\"rule\":true,\"skip\":[\"%s\"]}", unskippable[i]);
        cfg = json_loads(text, 0, NULL);
        tu_green_config bad;
        if (tu_green_config_from_json(cfg, &bad, &err) != TU_EINVAL) fail_msg("%s was skippable", unskippable[i]);
        json_decref(cfg);
    }

    tu_caller own = fx_actor(TU_ROLE_ENTERPRISE, CITY_A, 1), city = fx_actor(TU_ROLE_CITY_OFFICIAL, CITY_A, 1);
    int32_t fri = fx_day("2024-03-01");
    tu_project p;
    fx_project(&p, CITY_A, 1, 1);
    snprintf(p.type, sizeof p.type, "green_low_carbon");
    assert_int_equal(tu_project_declare(s, &own, &p, fri, &err), TU_OK);
    int64_t green = p.id;
    tu_project_clear(&p);
    int64_t plain = fx_declare(s, CITY_A, 1, 2, 0, 0);

    assert_int_equal(tu_workflow_move(s, &own, green, "submit", NULL, fri, &g, &err), TU_OK);
    assert_int_equal(tu_workflow_move(s, &own, plain, "submit", NULL, fri, &g, &err), TU_OK);
    assert_int_equal(tu_store_project_get(s, green, &p, &err), TU_OK);
    assert_int_equal(p.green, 1);
    assert_int_equal(p.deadline, fx_day("2024-03-05")); /* green period: 2 working days */
    tu_project_clear(&p);
    assert_int_equal(tu_store_project_get(s, plain, &p, &err), TU_OK);
    assert_int_equal(p.green, 0);
    assert_int_equal(p.deadline, fx_day("2024-03-08"));
    tu_project_clear(&p);

    int32_t mon = fx_day("2024-03-04");
    assert_int_equal(tu_workflow_move(s, &city, green, "accept", NULL, mon, &g, &err), TU_OK);
    assert_int_equal(tu_workflow_move(s, &city, plain, "accept", NULL, mon, &g, &err), TU_OK);
    assert_int_equal(tu_store_project_get(s, green, &p, &err), TU_OK);
    assert_string_equal(p.state, "provincial_review");  /* city_review skipped */
    assert_int_equal(p.deadline, fx_day("2024-03-11")); /* 5 working days */
    tu_project_clear(&p);
    char st[24];
    fx_state(s, plain, st);
    assert_string_equal(st, "city_review");
    tu_project_event *ev;
    int nev;
    assert_int_equal(tu_store_project_events(s, green, &ev, &nev, &err), TU_OK);
    assert_int_equal(nev, 4);
    assert_string_equal(ev[3].action, "skip:forward");
    assert_string_equal(ev[3].comment, "green channel");
    tu_free(ev);

    /* a key-list project qualifies by its filing code */
    fx_project(&p, CITY_A, 1, 3);
    snprintf(p.filing_code, sizeof p.filing_code, "KEY-0001");
    assert_int_equal(tu_project_declare(s, &own, &p, fri, &err), TU_OK);
    assert_int_equal(tu_workflow_move(s, &own, p.id, "submit", NULL, fri, &g, &err), TU_OK);
    int64_t key = p.id;
    tu_project_clear(&p);
    assert_int_equal(tu_store_project_get(s, key, &p, &err), TU_OK);
    assert_int_equal(p.green, 1);
    tu_project_clear(&p);
    tu_green_config_clear(&g);
    tu_store_close(s);
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_matrix),        cmocka_unit_test(test_scope_and_comment),
        cmocka_unit_test(test_workdays),      cmocka_unit_test(test_deadlines_overdue),
        cmocka_unit_test(test_energy_tiers),  cmocka_unit_test(test_no_construction_before_review),
        cmocka_unit_test(test_green_channel),
    };
    return cmocka_run_group_tests(tests, fx_setup, fx_teardown);
}
