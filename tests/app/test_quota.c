/* Tests of src/app/quota.c: allocation, reservation, use and release; an advance and its automatic settlement
 * (whole and partial); scopes; and concurrent reviewers on one city's quota, each with its own connection to the
 * same database file — the ledger stays consistent and nothing is double-spent. */
#include <pthread.h>
#include <sys/wait.h>
#include <unistd.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "app/audit.h"
#include "app/quota.h"
#include "app/workflow.h"
#include "fixture.h"

#define MU(x) ((int64_t)(x)*TU_DEC_SCALE)

static int64_t declare_land(tu_store *s, int seq, int64_t mu, const char *state) {
    int64_t id = fx_declare(s, CITY_A, 1, seq, 0, 0);
    tu_project p;
    tu_err err = {0};
    assert_int_equal(tu_store_project_get(s, id, &p, &err), TU_OK);
    p.land_mu = mu;
    snprintf(p.state, sizeof p.state, "%s", state);
    assert_int_equal(tu_store_begin(s, &err), TU_OK);
    assert_int_equal(tu_store_project_update(s, &p, &err), TU_OK);
    assert_int_equal(tu_store_commit(s, &err), TU_OK);
    tu_project_clear(&p);
    return id;
}

static tu_quota_balance bal(tu_store *s, int year) {
    tu_caller prov = fx_actor(TU_ROLE_PROVINCIAL_OFFICIAL, 0, 1);
    tu_quota_balance b;
    tu_err err = {0};
    assert_int_equal(tu_quota_balance_get(s, &prov, CITY_A, year, &b, &err), TU_OK);
    return b;
}

static void test_reserve_use_release(void **state) {
    (void)state;
    tu_store *s = fx_open("ledger");
    tu_err err = {0};
    int32_t today = fx_day("2026-03-02");
    tu_caller prov = fx_actor(TU_ROLE_PROVINCIAL_OFFICIAL, 0, 1), city = fx_actor(TU_ROLE_CITY_OFFICIAL, CITY_A, 1);
    tu_caller city_b = fx_actor(TU_ROLE_CITY_OFFICIAL, CITY_B, 1), ent = fx_actor(TU_ROLE_ENTERPRISE, CITY_A, 1);
    assert_int_equal(tu_quota_allocate(s, &city, CITY_A, 2026, MU(10), "", today, &err), TU_EFORBIDDEN);
    assert_int_equal(tu_quota_allocate(s, &prov, CITY_A, 2026, 0, "", today, &err), TU_EINVAL);
    assert_int_equal(tu_quota_allocate(s, &prov, 999999, 2026, MU(10), "", today, &err), TU_EINVAL);
    assert_int_equal(tu_quota_allocate(s, &prov, CITY_A, 2026, MU(10), "2026 批次", today, &err), TU_OK);

    int64_t p1 = declare_land(s, 1, MU(6), "city_review"), p2 = declare_land(s, 2, 55000, "city_review");
    int64_t draft = declare_land(s, 3, MU(1), "draft");
    assert_int_equal(tu_quota_reserve(s, &city_b, p1, 2026, today, &err), TU_EFORBIDDEN);
    assert_int_equal(tu_quota_reserve(s, &ent, p1, 2026, today, &err), TU_EFORBIDDEN);
    assert_int_equal(tu_quota_reserve(s, &city, draft, 2026, today, &err), TU_ESTATE);
    assert_int_equal(tu_quota_reserve(s, &city, p1, 2026, today, &err), TU_OK);
    assert_int_equal(tu_quota_reserve(s, &city, p1, 2026, today, &err), TU_ECONFLICT);
    assert_int_equal(tu_quota_reserve(s, &city, p2, 2026, today, &err), TU_ELIMIT); /* 5.5 > 4 */
    assert_non_null(strstr(err.msg, "has 4 mu available"));
    tu_quota_balance b = bal(s, 2026);
    assert_int_equal(b.available, MU(4));
    assert_int_equal(b.reserved, MU(6));

    assert_int_equal(tu_quota_use(s, &city, p2, 2026, today, &err), TU_ESTATE); /* holds nothing */
    assert_int_equal(tu_quota_use(s, &city, p1, 2026, today, &err), TU_OK);
    b = bal(s, 2026);
    assert_int_equal(b.reserved, 0);
    assert_int_equal(b.used, MU(6));
    assert_int_equal(tu_quota_release(s, &city, p1, 2026, today, &err), TU_ESTATE);    /* already used */
    assert_int_equal(tu_quota_reserve(s, &city, p1, 2026, today, &err), TU_ECONFLICT); /* no second draw */

    assert_int_equal(tu_quota_allocate(s, &prov, CITY_A, 2026, MU(2), "", today, &err), TU_OK);
    assert_int_equal(tu_quota_reserve(s, &prov, p2, 2026, today, &err), TU_OK);
    assert_int_equal(tu_quota_release(s, &city, p2, 2026, today, &err), TU_OK);
    b = bal(s, 2026);
    assert_int_equal(b.available, MU(6));
    assert_int_equal(b.reserved, 0);

    tu_quota_entry *e;
    int n;
    assert_int_equal(tu_store_quota_entries(s, CITY_A, 2026, &e, &n, &err), TU_OK);
    assert_int_equal(n, 10); /* 2 allocations + 2 movements x 4 (reserve, use, reserve, release) */
    assert_string_equal(e[0].note, "2026 批次");
    tu_free(e);
    assert_int_equal(tu_quota_balance_get(s, &city_b, CITY_A, 2026, &b, &err), TU_EFORBIDDEN);
    assert_int_equal(tu_quota_check(s, &err), TU_OK);
    tu_store_close(s);
}

static void test_advance_and_settlement(void **state) {
    (void)state;
    tu_store *s = fx_open("advance");
    tu_err err = {0};
    int32_t today = fx_day("2026-09-01");
    tu_caller prov = fx_actor(TU_ROLE_PROVINCIAL_OFFICIAL, 0, 1), city = fx_actor(TU_ROLE_CITY_OFFICIAL, CITY_A, 1);
    tu_caller city_b = fx_actor(TU_ROLE_CITY_OFFICIAL, CITY_B, 1);
    assert_int_equal(tu_quota_allocate(s, &prov, CITY_A, 2026, MU(10), "", today, &err), TU_OK);
    int64_t p1 = declare_land(s, 1, MU(8), "approved"), p2 = declare_land(s, 2, MU(8), "approved");
    assert_int_equal(tu_quota_reserve(s, &city, p1, 2026, today, &err), TU_OK);
    assert_int_equal(tu_quota_reserve(s, &city, p2, 2026, today, &err), TU_ELIMIT);

    int64_t adv = 0;
    assert_int_equal(tu_quota_advance_request(s, &city_b, CITY_A, 2026, MU(6), "重点项目", today, &adv, &err),
                     TU_EFORBIDDEN);
    assert_int_equal(tu_quota_advance_request(s, &city, CITY_A, 2026, MU(6), "", today, &adv, &err), TU_EINVAL);
    assert_int_equal(tu_quota_advance_request(s, &city, CITY_A, 2026, MU(6), "重点项目", today, &adv, &err), TU_OK);
    assert_int_equal(tu_quota_reserve(s, &city, p2, 2026, today, &err), TU_ELIMIT); /* not approved yet */
    assert_int_equal(tu_quota_advance_decide(s, &city, adv, 1, today, &err), TU_EFORBIDDEN);
    assert_int_equal(tu_quota_advance_decide(s, &prov, adv, 1, today, &err), TU_OK);
    assert_int_equal(tu_quota_advance_decide(s, &prov, adv, 1, today, &err), TU_ESTATE);
    assert_int_equal(tu_quota_reserve(s, &city, p2, 2026, today, &err), TU_OK);
    tu_quota_balance b = bal(s, 2026);
    assert_int_equal(b.available, 0);
    assert_int_equal(b.reserved, MU(16));
    b = bal(s, 2027);
    assert_int_equal(b.owed, MU(6));
    assert_int_equal(b.available, 0);

    /* next year's allocation arrives: the advance is settled from it automatically */
    assert_int_equal(tu_quota_allocate(s, &prov, CITY_A, 2027, MU(100), "", fx_day("2027-01-05"), &err), TU_OK);
    b = bal(s, 2027);
    assert_int_equal(b.available, MU(94));
    assert_int_equal(b.owed, 0);
    tu_quota_advance a;
    assert_int_equal(tu_store_advance_get(s, adv, &a, &err), TU_OK);
    assert_string_equal(a.status, "settled");
    assert_int_equal(a.settled, MU(6));

    /* a larger advance settled in two steps; a rejected one moves nothing */
    int64_t big = 0, no = 0;
    assert_int_equal(tu_quota_advance_request(s, &city, CITY_A, 2027, MU(50), "产业园", today, &big, &err), TU_OK);
    assert_int_equal(tu_quota_advance_request(s, &city, CITY_A, 2027, MU(7), "其他", today, &no, &err), TU_OK);
    assert_int_equal(tu_quota_advance_decide(s, &prov, no, 0, today, &err), TU_OK);
    assert_int_equal(tu_quota_advance_decide(s, &prov, big, 1, today, &err), TU_OK);
    assert_int_equal(bal(s, 2027).available, MU(144));
    assert_int_equal(tu_quota_allocate(s, &prov, CITY_A, 2028, MU(30), "", today, &err), TU_OK);
    b = bal(s, 2028);
    assert_int_equal(b.available, 0);
    assert_int_equal(b.owed, MU(20));
    assert_int_equal(tu_store_advance_get(s, big, &a, &err), TU_OK);
    assert_string_equal(a.status, "approved");
    assert_int_equal(a.settled, MU(30));
    assert_int_equal(tu_quota_allocate(s, &prov, CITY_A, 2028, MU(40), "", today, &err), TU_OK);
    b = bal(s, 2028);
    assert_int_equal(b.available, MU(20));
    assert_int_equal(b.owed, 0);
    assert_int_equal(tu_store_advance_get(s, big, &a, &err), TU_OK);
    assert_string_equal(a.status, "settled");
    assert_int_equal(tu_store_advance_get(s, no, &a, &err), TU_OK);
    assert_string_equal(a.status, "rejected");

    /* an advance approved after next year's quota has arrived is settled at once */
    int64_t late = 0;
    assert_int_equal(tu_quota_advance_request(s, &city, CITY_A, 2027, MU(5), "补充", today, &late, &err), TU_OK);
    assert_int_equal(tu_quota_advance_decide(s, &prov, late, 1, today, &err), TU_OK);
    assert_int_equal(bal(s, 2028).available, MU(15));
    assert_int_equal(bal(s, 2028).owed, 0);
    assert_int_equal(tu_quota_check(s, &err), TU_OK);
    tu_store_close(s);
}

/* Starting construction uses the reservation; a rejection gives it back. */
static void test_workflow_moves_quota(void **state) {
    (void)state;
    tu_store *s = fx_open("wfquota");
    tu_err err = {0};
    int32_t today = fx_day("2026-03-02");
    tu_caller prov = fx_actor(TU_ROLE_PROVINCIAL_OFFICIAL, 0, 1), city = fx_actor(TU_ROLE_CITY_OFFICIAL, CITY_A, 1);
    tu_caller own = fx_actor(TU_ROLE_ENTERPRISE, CITY_A, 1);
    assert_int_equal(tu_quota_allocate(s, &prov, CITY_A, 2026, MU(20), "", today, &err), TU_OK);
    int64_t a = declare_land(s, 1, MU(6), "provincial_review"), b = declare_land(s, 2, MU(4), "city_review");
    assert_int_equal(tu_quota_reserve(s, &city, a, 2026, today, &err), TU_OK);
    assert_int_equal(tu_quota_reserve(s, &city, b, 2026, today, &err), TU_OK);
    assert_int_equal(bal(s, 2026).available, MU(10));
    assert_int_equal(tu_workflow_move(s, &prov, a, "approve", NULL, today, NULL, &err), TU_OK);
    assert_int_equal(tu_workflow_move(s, &own, a, "start", NULL, today, NULL, &err), TU_OK);
    assert_int_equal(tu_workflow_move(s, &city, b, "reject", "不符合产业政策", today, NULL, &err), TU_OK);
    tu_quota_balance q = bal(s, 2026);
    assert_int_equal(q.available, MU(14));
    assert_int_equal(q.reserved, 0);
    assert_int_equal(q.used, MU(6));
    assert_int_equal(tu_quota_check(s, &err), TU_OK);
    tu_store_close(s);
}

/* ---- concurrency ---- */

#define THREADS  8
#define PROJECTS 40

typedef struct worker {
    const char *path;
    int t;
    int64_t *ids;
    int reserved, limited, conflicted, forwarded, failed;
} worker;

static void *work(void *arg) {
    worker *w = arg;
    tu_store *s = NULL;
    tu_err err = {0};
    if (tu_store_open(w->path, 0, &s, &err)) return w->failed++, NULL;
    tu_caller city = fx_actor(TU_ROLE_CITY_OFFICIAL, CITY_A, w->t);
    int32_t today = fx_day("2026-03-02");
    for (int k = 0; k < PROJECTS; k++) {
        int64_t id = w->ids[(k + w->t * 5) % PROJECTS]; /* each thread walks the projects from its own offset */
        int rc = tu_quota_reserve(s, &city, id, 2026, today, &err);
        if (rc == TU_OK) {
            w->reserved++;
            if (id % 3 == 0 && tu_quota_use(s, &city, id, 2026, today, &err) != TU_OK)
                w->failed++, fprintf(stderr, "use: %s\n", err.msg);
        } else if (rc == TU_ELIMIT)
            w->limited++;
        else if (rc == TU_ECONFLICT || rc == TU_ESTATE)
            w->conflicted++;
        else
            w->failed++, fprintf(stderr, "reserve: %d %s\n", rc, err.msg);
        rc = tu_workflow_move(s, &city, id, "forward", NULL, today, NULL, &err); /* reviewers race too */
        if (rc == TU_OK)
            w->forwarded++;
        else if (rc != TU_ESTATE)
            w->failed++, fprintf(stderr, "forward: %d %s\n", rc, err.msg);
    }
    tu_store_close(s);
    return NULL;
}

/* The ledger after every reviewer is done: 100 mu / 3 mu -> exactly 33 projects got quota, each once; every
 * project was forwarded exactly once. */
static void check_race(tu_store *s, const int64_t *ids) {
    tu_err err = {0};
    tu_quota_balance b = bal(s, 2026);
    assert_int_equal(b.available, MU(1));
    assert_int_equal(b.reserved + b.used, MU(99));
    int holders = 0;
    for (int i = 0; i < PROJECTS; i++) {
        int64_t held, used;
        assert_int_equal(tu_store_quota_sum(s, CITY_A, 2026, "reserved", ids[i], &held, &err), TU_OK);
        assert_int_equal(tu_store_quota_sum(s, CITY_A, 2026, "used", ids[i], &used, &err), TU_OK);
        assert_true(held == 0 || held == MU(3));
        assert_true(used == 0 || used == MU(3));
        assert_false(held && used);
        holders += held || used;
        char st[24];
        fx_state(s, ids[i], st);
        assert_string_equal(st, "provincial_review");
        tu_project_event *ev;
        int nev;
        assert_int_equal(tu_store_project_events(s, ids[i], &ev, &nev, &err), TU_OK);
        assert_int_equal(nev, 2); /* declare + one forward */
        tu_free(ev);
    }
    assert_int_equal(holders, 33);
    assert_int_equal(tu_quota_check(s, &err), TU_OK);
    /* every movement and step was audited, and the hash chain held under the race */
    tu_audit_report rep;
    assert_int_equal(tu_audit_verify(s, &rep, &err), TU_OK);
    assert_int_equal(rep.bad_id, 0);
    int64_t entries = 0;
    tu_quota_entry *e;
    int n;
    assert_int_equal(tu_store_quota_entries(s, CITY_A, 2026, &e, &n, &err), TU_OK);
    entries = n;
    tu_free(e);
    assert_true(rep.rows >= entries + 2 * PROJECTS); /* ledger entries + declare and forward of each project */
}

static tu_store *race_setup(const char *name, int64_t *ids, char *path, size_t n) {
    tu_store *s = fx_open(name);
    tu_err err = {0};
    tu_caller prov = fx_actor(TU_ROLE_PROVINCIAL_OFFICIAL, 0, 1);
    assert_int_equal(tu_quota_allocate(s, &prov, CITY_A, 2026, MU(100), "", fx_day("2026-01-05"), &err), TU_OK);
    for (int i = 0; i < PROJECTS; i++) ids[i] = declare_land(s, i + 1, MU(3), "city_review");
    snprintf(path, n, "%s/%s.db", fx_dir, name);
    return s;
}

static void test_concurrent_threads(void **state) {
    (void)state;
    int64_t ids[PROJECTS];
    char path[160];
    tu_store *s = race_setup("race_threads", ids, path, sizeof path);
    pthread_t th[THREADS];
    worker w[THREADS];
    for (int t = 0; t < THREADS; t++) {
        w[t] = (worker){.path = path, .t = t, .ids = ids};
        assert_int_equal(pthread_create(&th[t], NULL, work, &w[t]), 0);
    }
    int reserved = 0, limited = 0, forwarded = 0;
    for (int t = 0; t < THREADS; t++) {
        pthread_join(th[t], NULL);
        assert_int_equal(w[t].failed, 0);
        reserved += w[t].reserved, limited += w[t].limited, forwarded += w[t].forwarded;
    }
    assert_int_equal(reserved, 33);
    assert_int_equal(forwarded, PROJECTS);
    assert_true(limited >= PROJECTS - 33);
    check_race(s, ids);
    tu_store_close(s);
}

/* The same race between processes: each child opens the file itself and reports its successes as exit status. */
static void test_concurrent_processes(void **state) {
    (void)state;
    int64_t ids[PROJECTS];
    char path[160];
    tu_store *s = race_setup("race_procs", ids, path, sizeof path);
    pid_t pid[THREADS];
    for (int t = 0; t < THREADS; t++) {
        pid[t] = fork();
        assert_true(pid[t] >= 0);
        if (pid[t] == 0) {
            worker w = {.path = path, .t = t, .ids = ids};
            work(&w);
            _exit(w.failed ? 255 : w.reserved * 2 + (w.forwarded > 0)); /* < 255 for 40 projects */
        }
    }
    int reserved = 0;
    for (int t = 0; t < THREADS; t++) {
        int st = 0;
        assert_int_equal(waitpid(pid[t], &st, 0), pid[t]);
        assert_true(WIFEXITED(st));
        assert_int_not_equal(WEXITSTATUS(st), 255);
        reserved += WEXITSTATUS(st) / 2;
    }
    assert_int_equal(reserved, 33);
    check_race(s, ids);
    tu_store_close(s);
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_reserve_use_release),  cmocka_unit_test(test_advance_and_settlement),
        cmocka_unit_test(test_workflow_moves_quota), cmocka_unit_test(test_concurrent_threads),
        cmocka_unit_test(test_concurrent_processes),
    };
    return cmocka_run_group_tests(tests, fx_setup, fx_teardown);
}
