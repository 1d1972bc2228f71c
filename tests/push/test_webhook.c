/* Tests of src/push/webhook.c and worker.c against a local receiver (tests/push/receiver.h): HMAC signatures
 * and their verification, delivery of every recipient exactly once, retries with exponential backoff, the
 * dead-letter list, preferences and weekly caps. argv[1] is tests/app/data. */
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
#include "push/inbox.h"
#include "push/worker.h"
#include "receiver.h"
#include "tempdb.h"

#define SECRET "test-secret-0123456789abcdef"
#define setup tempdb_setup
#define teardown tempdb_teardown

static const char *data_dir;
static receiver rv;

static int64_t publish(const char *code, const roaring_bitmap_t *set) { return publish_sample(data_dir, code, set); }

static void add_channel(const char *name, const char *path, int max_attempts, int64_t backoff_ms, int batch) {
    tu_channel ch = {.max_attempts = max_attempts, .backoff_ms = backoff_ms, .batch = batch};
    strcpy(ch.kind, "webhook");
    snprintf(ch.name, sizeof ch.name, "%s", name);
    snprintf(ch.url, sizeof ch.url, "http://127.0.0.1:%d%s", rv.port, path);
    strcpy(ch.secret, SECRET);
    int64_t id;
    assert_int_equal(tu_store_begin(st, NULL), TU_OK);
    assert_int_equal(tu_store_push_channel_add(st, &ch, &id, NULL), TU_OK);
    assert_int_equal(tu_store_commit(st, NULL), TU_OK);
}

static tu_push_stats run_once(void) {
    tu_inbox *ib;
    tu_err err = {0};
    tu_push_stats stats = {0};
    tu_push_run_opts o = {.once = 1, .timeout_ms = 5000};
    assert_int_equal(tu_inbox_open(st, &ib, &err), TU_OK);
    assert_int_equal(tu_push_run(st, ib, &o, &stats, &err), TU_OK);
    tu_inbox_close(ib);
    return stats;
}

/* The union of the recipients of all keys; fails if two keys share a recipient. */
static roaring_bitmap_t *received(void) {
    roaring_bitmap_t *all = roaring_bitmap_create();
    for (int i = 0; i < rv.nkeys; i++) {
        if (!rv.keys[i].ids) continue;
        assert_int_equal(roaring_bitmap_and_cardinality(all, rv.keys[i].ids), 0);
        roaring_bitmap_or_inplace(all, rv.keys[i].ids);
        assert_false(rv.keys[i].body_differs);
    }
    return all;
}

static void test_signature(void **state) {
    (void)state;
    assert_true(sodium_init() >= 0);
    const char *body = "{\"recipients\":[1,2,3]}";
    char sig[TU_WEBHOOK_SIG_BUFSZ];
    tu_webhook_sign(SECRET, 1700000000, "c1.ch1.r0", body, strlen(body), sig);
    assert_int_equal(strncmp(sig, "sha256=", 7), 0);
    assert_int_equal(strlen(sig), 71);
    assert_int_equal(tu_webhook_verify(SECRET, 1700000000, "c1.ch1.r0", body, strlen(body), sig, 1700000010, 300), TU_OK);
    /* tampering with anything signed, a wrong secret or a stale timestamp fails */
    assert_int_equal(tu_webhook_verify(SECRET, 1700000000, "c1.ch1.r0", "{\"recipients\":[1,2,4]}", strlen(body), sig, 1700000000, 300), TU_EAUTH);
    assert_int_equal(tu_webhook_verify(SECRET, 1700000000, "c1.ch1.r1", body, strlen(body), sig, 1700000000, 300), TU_EAUTH);
    assert_int_equal(tu_webhook_verify(SECRET, 1700000001, "c1.ch1.r0", body, strlen(body), sig, 1700000000, 300), TU_EAUTH);
    assert_int_equal(tu_webhook_verify("another-secret-0123456789", 1700000000, "c1.ch1.r0", body, strlen(body), sig, 1700000000, 300), TU_EAUTH);
    assert_int_equal(tu_webhook_verify(SECRET, 1700000000, "c1.ch1.r0", body, strlen(body), sig, 1700000301, 300), TU_EAUTH);
    assert_int_equal(tu_webhook_verify(SECRET, 1700000000, "c1.ch1.r0", body, strlen(body), "sha256=00", 1700000000, 300), TU_EAUTH);
    /* the same MAC as libsodium's one-shot HMAC over "ts.key.body" with a 32-byte key */
    const char *key32 = "0123456789abcdef0123456789abcdef";
    const char *msg = "1700000000.k.{}";
    unsigned char mac[32];
    char hex[65];
    crypto_auth_hmacsha256(mac, (const unsigned char *)msg, strlen(msg), (const unsigned char *)key32);
    sodium_bin2hex(hex, sizeof hex, mac, sizeof mac);
    tu_webhook_sign(key32, 1700000000, "k", "{}", 2, sig);
    assert_string_equal(sig + 7, hex);
}

static void test_delivery_exactly_once(void **state) {
    (void)state;
    assert_int_equal(recv_start(&rv, SECRET, 0), 0);
    add_channel("gateway", "/hook", 5, 10, 1000);
    roaring_bitmap_t *set = roaring_bitmap_create();
    for (uint32_t i = 0; i < 2500; i++) roaring_bitmap_add(set, i * 7 + 3);
    publish("p", set);
    tu_push_stats s1 = run_once();
    assert_int_equal(s1.posts, 3);
    assert_int_equal(s1.delivered, 2500);
    assert_int_equal(rv.bad_signatures, 0);
    assert_int_equal(rv.nkeys, 3);
    roaring_bitmap_t *got = received();
    assert_true(roaring_bitmap_equals(got, set));
    tu_push_stats s2 = run_once(); /* nothing left: no request at all */
    assert_int_equal(s2.posts, 0);
    assert_int_equal(rv.requests, 3);
    recv_stop(&rv);
    tu_bitmap_free(got);
    tu_bitmap_free(set);
}

static void test_retry_backoff_then_success(void **state) {
    (void)state;
    assert_int_equal(recv_start(&rv, SECRET, 2), 0); /* the first two arrivals of each key fail */
    add_channel("gateway", "/hook", 5, 40, 100);
    roaring_bitmap_t *set = roaring_bitmap_create();
    roaring_bitmap_add_range(set, 1, 201);
    publish("p", set);
    tu_push_stats s = run_once();
    assert_int_equal(s.failures, 4);
    assert_int_equal(s.dead, 0);
    assert_int_equal(rv.nkeys, 2);
    for (int i = 0; i < rv.nkeys; i++) {
        assert_int_equal(rv.keys[i].arrivals, 3);
        assert_true(rv.keys[i].at_ms[1] - rv.keys[i].at_ms[0] >= 40); /* backoff 40 ms, then 80 ms */
        assert_true(rv.keys[i].at_ms[2] - rv.keys[i].at_ms[1] >= 80);
    }
    roaring_bitmap_t *got = received();
    assert_true(roaring_bitmap_equals(got, set));
    recv_stop(&rv);
    tu_bitmap_free(got);
    tu_bitmap_free(set);
}

static int count_dead(void *ctx, const tu_dead_letter *d) {
    assert_int_equal(d->attempts, 3);
    assert_non_null(strstr(d->last_error, "HTTP 500"));
    ++*(int *)ctx;
    return 0;
}

static void test_dead_letter(void **state) {
    (void)state;
    assert_int_equal(recv_start(&rv, SECRET, 0), 0);
    add_channel("broken", "/fail", 3, 5, 100);
    roaring_bitmap_t *set = roaring_bitmap_create();
    roaring_bitmap_add_range(set, 1, 251);
    publish("p", set);
    tu_push_stats s = run_once();
    assert_int_equal(s.dead, 3);           /* three batches, each given up */
    assert_int_equal(s.failures, 9);       /* after three attempts each */
    assert_int_equal(rv.failed_on_purpose, 9);
    int dead = 0;
    assert_int_equal(tu_store_push_dead_scan(st, count_dead, &dead, NULL), TU_OK);
    assert_int_equal(dead, 3);
    tu_cursor cur;
    assert_int_equal(tu_store_push_cursor_get(st, 1, 1, &cur, NULL), TU_OK);
    assert_true(cur.done);
    assert_int_equal(run_once().posts, 0); /* a dead letter is not retried by the worker */
    recv_stop(&rv);
    tu_bitmap_free(set);
}

static void set_pref(int64_t ent, int enabled, int max_per_week) {
    tu_push_pref p = {.ent_id = ent, .enabled = enabled, .max_per_week = max_per_week};
    strcpy(p.channel_kind, "webhook");
    assert_int_equal(tu_store_begin(st, NULL), TU_OK);
    assert_int_equal(tu_store_push_pref_set(st, &p, NULL), TU_OK);
    assert_int_equal(tu_store_commit(st, NULL), TU_OK);
}

static void test_preferences_and_caps(void **state) {
    (void)state;
    assert_int_equal(recv_start(&rv, SECRET, 0), 0);
    add_channel("gateway", "/hook", 3, 5, 1000);
    set_pref(5, 0, 0); /* turned off */
    set_pref(6, 1, 1); /* at most one message a week */
    roaring_bitmap_t *set = roaring_bitmap_create();
    roaring_bitmap_add_range(set, 1, 11);
    publish("p1", set);
    publish("p2", set);
    tu_push_stats s = run_once();
    assert_int_equal(s.skipped_pref, 2);
    assert_int_equal(s.skipped_cap, 1);
    int six = 0;
    for (int i = 0; i < rv.nkeys; i++) {
        assert_false(roaring_bitmap_contains(rv.keys[i].ids, 5));
        six += roaring_bitmap_contains(rv.keys[i].ids, 6);
    }
    assert_int_equal(six, 1);
    recv_stop(&rv);
    tu_bitmap_free(set);
}

int main(int argc, char **argv) {
    data_dir = argc > 1 ? argv[1] : "tests/app/data";
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_signature),
        cmocka_unit_test_setup_teardown(test_delivery_exactly_once, setup, teardown),
        cmocka_unit_test_setup_teardown(test_retry_backoff_then_success, setup, teardown),
        cmocka_unit_test_setup_teardown(test_dead_letter, setup, teardown),
        cmocka_unit_test_setup_teardown(test_preferences_and_caps, setup, teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
