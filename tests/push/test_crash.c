/* The crash test: `techup policy publish` to 1,000,000 recipients and a `techup push run` webhook delivery are
 * SIGKILLed at random moments, many times (the binary comes from $TECHUP_BIN). After restarts every recipient has
 * exactly one inbox item for the policy and the receiver (tests/push/receiver.h) got every recipient under exactly
 * one idempotency key, with a retransmitted key always carrying the same body. The seed is printed (set
 * TECHUP_CRASH_SEED to replay). argv[1] is tests/app/data. */
#include <setjmp.h>
#include <signal.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <fcntl.h>
#include <sys/wait.h>
#include <unistd.h>
#include <cmocka.h>

#include "app/campaign.h"
#include "push/inbox.h"
#include "receiver.h"
#include "tempdb.h"

#define SECRET "crash-secret-0123456789abcdef"
#define RECIPIENTS 1000000u
#define ID_SPACE 3000000u

static const char *data_dir, *bin;
static char db[160];
static receiver rv;

/* Runs techup with args; kills it with SIGKILL after kill_us microseconds unless kill_us < 0. Returns the exit
 * status, or -1 when it was killed. */
static int run_techup(const char *const *args, long kill_us) {
    pid_t pid = fork();
    assert_true(pid >= 0);
    if (pid == 0) {
        char *argv[24];
        int n = 0;
        argv[n++] = (char *)bin;
        for (int i = 0; args[i] && n < 20; i++) argv[n++] = (char *)args[i];
        argv[n++] = (char *)"--db";
        argv[n++] = db;
        argv[n] = NULL;
        int null = open("/dev/null", 1);
        dup2(null, 1);
        dup2(null, 2);
        execv(bin, argv);
        _exit(127);
    }
    if (kill_us >= 0) {
        usleep((useconds_t)kill_us);
        kill(pid, SIGKILL);
    }
    int status;
    waitpid(pid, &status, 0);
    return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
}

static roaring_bitmap_t *make_recipients(const char *path) {
    roaring_bitmap_t *set = roaring_bitmap_create();
    FILE *f = fopen(path, "w");
    assert_non_null(f);
    while (roaring_bitmap_get_cardinality(set) < RECIPIENTS) {
        uint32_t id = (uint32_t)(((uint64_t)rand() << 16 ^ (uint64_t)rand()) % ID_SPACE);
        if (roaring_bitmap_contains(set, id)) continue;
        roaring_bitmap_add(set, id);
        fprintf(f, "%u\n", id);
    }
    fclose(f);
    return set;
}

static int policy_status_is(const char *want) {
    tu_store *s;
    assert_int_equal(tu_store_open(db, 0, &s, NULL), TU_OK);
    tu_policy_head h;
    assert_int_equal(tu_store_policy_get(s, 1, &h, NULL), TU_OK);
    tu_store_close(s);
    return strcmp(h.status, want) == 0;
}

static void check_inbox_once(const roaring_bitmap_t *set) {
    tu_store *s;
    tu_inbox *ib;
    assert_int_equal(tu_store_open(db, 0, &s, NULL), TU_OK);
    assert_int_equal(tu_inbox_open(s, &ib, NULL), TU_OK);
    assert_int_equal(tu_inbox_campaign_count(ib), 1); /* one campaign row, whatever the kills */
    tu_campaign c;
    const roaring_bitmap_t *got = tu_inbox_campaign_at(ib, 0, &c);
    assert_true(roaring_bitmap_equals(got, set));
    for (uint32_t e = 0; e < ID_SPACE; e++) {
        int64_t ids[2];
        size_t n = tu_inbox_campaigns_of(ib, e, ids, 2);
        assert_int_equal(n, roaring_bitmap_contains(set, e) ? 1 : 0);
    }
    tu_inbox_close(ib);
    tu_store_close(s);
}

static void test_publish_and_delivery_survive_kill_9(void **state) {
    (void)state;
    unsigned seed = getenv("TECHUP_CRASH_SEED") ? (unsigned)atoi(getenv("TECHUP_CRASH_SEED")) : (unsigned)time(NULL);
    printf("# crash test seed %u\n", seed);
    srand(seed);
    snprintf(db, sizeof db, "%s/crash.db", dir);
    char ids_path[160], policy_path[512], url[64];
    snprintf(ids_path, sizeof ids_path, "%s/recipients.txt", dir);
    snprintf(policy_path, sizeof policy_path, "%s/equipment-2021.json", data_dir);
    roaring_bitmap_t *set = make_recipients(ids_path);
    assert_int_equal(recv_start(&rv, SECRET, 0), 0);
    snprintf(url, sizeof url, "http://127.0.0.1:%d/hook", rv.port);
    const char *add[] = {"policy", "add", policy_path, NULL}, *preview[] = {"policy", "preview", "1", NULL};
    const char *chan[] = {"push", "channel-add", "gw", "--webhook", url, "--secret", SECRET, "--batch", "1000",
                          "--backoff-ms", "20", "--max-attempts", "50", NULL};
    assert_int_equal(run_techup(add, -1), 0);
    assert_int_equal(run_techup(preview, -1), 0);
    assert_int_equal(run_techup(chan, -1), 0);

    /* publish, killed at random moments until one run completes */
    const char *publish[] = {"policy", "publish", "1", "--recipients-from", ids_path, NULL};
    int kills = 0, done = 0;
    for (int i = 0; i < 40 && !done; i++) {
        int rc = run_techup(publish, rand() % 500000);
        kills += rc < 0;
        done = rc == 0;
    }
    if (!done) done = run_techup(publish, -1) == 0 || policy_status_is("published");
    assert_true(done);
    assert_true(policy_status_is("published"));
    assert_int_equal(run_techup(publish, -1), 1); /* a second publish is refused, records nothing */
    check_inbox_once(set);
    printf("# publish: %d runs killed\n", kills);

    /* delivery, killed at random moments, then run to the end */
    const char *deliver[] = {"push", "run", "--once", NULL};
    kills = 0;
    for (int i = 0; i < 40; i++) kills += run_techup(deliver, rand() % 400000) < 0;
    assert_int_equal(run_techup(deliver, -1), 0);
    assert_int_equal(rv.bad_signatures, 0);
    roaring_bitmap_t *all = roaring_bitmap_create();
    long retransmitted = 0;
    for (int i = 0; i < rv.nkeys; i++) {
        assert_non_null(rv.keys[i].ids);
        assert_false(rv.keys[i].body_differs); /* a retransmission is the same delivery */
        assert_int_equal(roaring_bitmap_and_cardinality(all, rv.keys[i].ids), 0); /* no recipient under two keys */
        roaring_bitmap_or_inplace(all, rv.keys[i].ids);
        retransmitted += rv.keys[i].arrivals - 1;
    }
    assert_int_equal(rv.nkeys, RECIPIENTS / 1000);
    assert_true(roaring_bitmap_equals(all, set));
    printf("# delivery: %d runs killed, %d keys, %ld retransmissions of a key (de-duplicated by the receiver)\n",
           kills, rv.nkeys, retransmitted);
    recv_stop(&rv);
    tu_bitmap_free(all);
    tu_bitmap_free(set);
}

int main(int argc, char **argv) {
    data_dir = argc > 1 ? argv[1] : "tests/app/data";
    bin = getenv("TECHUP_BIN");
    if (!bin) {
        fprintf(stderr, "TECHUP_BIN is not set\n");
        return 1;
    }
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_publish_and_delivery_survive_kill_9, tempdb_setup, tempdb_teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
