/* Tests of src/push/prefs.c (an enterprise's preferences over the push_pref rows: defaults, round trip, the
 * worker's counters kept, validation, near misses turned off reach change.c) and of tu_inbox_policy_recipients
 * (a policy's eligible set from its publish / revision campaigns). argv[1] is tests/app/data. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <cmocka.h>

#include "app/audit.h"
#include "app/campaign.h"
#include "core/alloc.h"
#include "push/change.h"
#include "push/inbox.h"
#include "push/prefs.h"
#include "tempdb.h"

static const char *data_dir;
#define setup tempdb_setup
#define teardown tempdb_teardown

static const tu_actor actor = {1, "ent-user", NULL};

typedef struct row_query {
    int64_t ent;
    const char *kind;
    tu_push_pref found;
} row_query;

static int pick(void *ctx, const tu_push_pref *p) {
    row_query *q = ctx;
    if (p->ent_id == q->ent && strcmp(p->channel_kind, q->kind) == 0) q->found = *p;
    return 0;
}

/* The push_pref row of (ent, kind); ent_id 0 when there is none. */
static tu_push_pref row_of(int64_t ent, const char *kind) {
    row_query q = {ent, kind, {0}};
    tu_err err = {0};
    assert_int_equal(tu_store_push_pref_scan(st, pick, &q, &err), TU_OK);
    return q.found;
}

static void test_defaults_and_round_trip(void **state) {
    (void)state;
    tu_push_prefs p;
    tu_err err = {0};
    assert_int_equal(tu_push_prefs_get(st, 7, &p, &err), TU_OK);
    assert_true(p.webhook && !p.email && p.near_miss);
    assert_string_equal(p.digest, "off");
    assert_int_equal(p.max_per_week, 0);
    /* the worker has counted messages on the webhook row: a new preference keeps the count */
    tu_push_pref counted = {.ent_id = 7, .enabled = 1, .max_per_week = 5, .sent_count = 4};
    snprintf(counted.channel_kind, sizeof counted.channel_kind, "webhook");
    snprintf(counted.sent_week, sizeof counted.sent_week, "2026-11-23");
    assert_int_equal(tu_store_begin(st, &err), TU_OK);
    assert_int_equal(tu_store_push_pref_set(st, &counted, &err), TU_OK);
    assert_int_equal(tu_store_commit(st, &err), TU_OK);
    tu_push_prefs in = {.webhook = 0, .email = 1, .max_per_week = 2, .near_miss = 0};
    snprintf(in.address, sizeof in.address, "a@b.example");
    snprintf(in.digest, sizeof in.digest, "daily");
    assert_int_equal(tu_push_prefs_put(st, &actor, 7, "91440300MA5D000015", &in, &err), TU_OK);
    assert_int_equal(tu_push_prefs_get(st, 7, &p, &err), TU_OK);
    assert_true(!p.webhook && p.email && !p.near_miss);
    assert_string_equal(p.address, "a@b.example");
    assert_string_equal(p.digest, "daily");
    assert_int_equal(p.max_per_week, 2);
    tu_push_pref w = row_of(7, "webhook"), e = row_of(7, "email");
    assert_int_equal(w.sent_count, 4);
    assert_string_equal(w.sent_week, "2026-11-23");
    assert_int_equal(w.enabled, 0);
    assert_string_equal(e.digest, "daily"); /* what email.c reads */
    tu_audit_report rep;
    assert_int_equal(tu_audit_verify(st, &rep, &err), TU_OK);
    assert_int_equal(rep.rows, 1);
    /* another enterprise keeps its defaults */
    assert_int_equal(tu_push_prefs_get(st, 8, &p, &err), TU_OK);
    assert_true(p.webhook && p.near_miss);
}

static void test_validation_changes_nothing(void **state) {
    (void)state;
    tu_err err = {0};
    tu_push_prefs bad[4] = {{.email = 1}, {.max_per_week = -1}, {.max_per_week = 1001}, {0}};
    for (int i = 0; i < 4; i++) snprintf(bad[i].digest, sizeof bad[i].digest, "%s", i == 0 ? "weekly" : "off");
    snprintf(bad[3].digest, sizeof bad[3].digest, "hourly");
    for (int i = 0; i < 4; i++) assert_int_equal(tu_push_prefs_put(st, &actor, 9, "x", &bad[i], &err), TU_EVALIDATION);
    tu_push_prefs addr = {.webhook = 1};
    snprintf(addr.digest, sizeof addr.digest, "off");
    snprintf(addr.address, sizeof addr.address, "not an address");
    assert_int_equal(tu_push_prefs_put(st, &actor, 9, "x", &addr, &err), TU_EVALIDATION);
    assert_int_equal(row_of(9, "webhook").ent_id, 0); /* no row written */
}

static void test_near_miss_off_reaches_change(void **state) {
    (void)state;
    roaring_bitmap_t *none = roaring_bitmap_create();
    int64_t p = publish_sample(data_dir, "near", none);
    tu_err err = {0};
    tu_push_prefs off = {.webhook = 1, .near_miss = 0};
    snprintf(off.digest, sizeof off.digest, "off");
    assert_int_equal(tu_push_prefs_put(st, &actor, 11, "x", &off, &err), TU_OK);
    tu_near_miss near[] = {{p, "研发投入占比 3.1% < 4%"}};
    tu_policy_delta d = {.near = near, .nnear = 1};
    int added = -1;
    assert_int_equal(tu_push_on_enterprise_change(st, NULL, 11, &d, &added, &err), TU_OK);
    assert_int_equal(added, 0);
    assert_int_equal(tu_push_on_enterprise_change(st, NULL, 12, &d, &added, &err), TU_OK);
    assert_int_equal(added, 1); /* the default wants near misses */
    tu_bitmap_free(none);
}

static void test_policy_recipients(void **state) {
    (void)state;
    roaring_bitmap_t *first = roaring_bitmap_of(3, 1, 2, 3), *gained = roaring_bitmap_of(1, 9),
                     *lost = roaring_bitmap_of(1, 2);
    int64_t p = publish_sample(data_dir, "rec", first), id;
    tu_err err = {0};
    assert_int_equal(tu_store_begin(st, &err), TU_OK);
    assert_int_equal(tu_app_campaign_record(st, p, 2, "revision_gained", gained, &id, NULL, &err), TU_OK);
    assert_int_equal(tu_app_campaign_record(st, p, 2, "revision_lost", lost, &id, NULL, &err), TU_OK);
    assert_int_equal(tu_store_commit(st, &err), TU_OK);
    tu_inbox *ib;
    assert_int_equal(tu_inbox_open(st, &ib, &err), TU_OK);
    roaring_bitmap_t *set = tu_inbox_policy_recipients(ib, p), *want = roaring_bitmap_of(3, 1, 3, 9);
    assert_true(roaring_bitmap_equals(set, want));
    tu_bitmap_free(set);
    set = tu_inbox_policy_recipients(ib, p + 100);
    assert_true(roaring_bitmap_is_empty(set));
    tu_bitmap_free(set), tu_bitmap_free(want), tu_bitmap_free(first), tu_bitmap_free(gained), tu_bitmap_free(lost);
    tu_inbox_close(ib);
}

int main(int argc, char **argv) {
    data_dir = argc > 1 ? argv[1] : "tests/app/data";
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_defaults_and_round_trip, setup, teardown),
        cmocka_unit_test_setup_teardown(test_validation_changes_nothing, setup, teardown),
        cmocka_unit_test_setup_teardown(test_near_miss_off_reaches_change, setup, teardown),
        cmocka_unit_test_setup_teardown(test_policy_recipients, setup, teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
