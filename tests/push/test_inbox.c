/* Tests of src/push/inbox.c and change.c: an inbox read from campaign bitmaps (checked against a naive
 * reference), states stored only where set, items from a change delta, idempotent replays. argv[1] is
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

#include "app/campaign.h"
#include "app/policy.h"
#include "core/alloc.h"
#include "push/change.h"
#include "push/inbox.h"
#include "tempdb.h"

static const char *data_dir;
#define setup tempdb_setup
#define teardown tempdb_teardown

static int64_t publish(const char *code, const roaring_bitmap_t *set) { return publish_sample(data_dir, code, set); }

static void test_inbox_matches_reference(void **state) {
    (void)state;
    enum { CAMPAIGNS = 40, ENTS = 5000 };
    static uint8_t member[CAMPAIGNS][ENTS];
    srand(7);
    for (int c = 0; c < CAMPAIGNS; c++) {
        roaring_bitmap_t *set = roaring_bitmap_create();
        int density = 1 + rand() % 90;
        for (uint32_t e = 0; e < ENTS; e++)
            if ((member[c][e] = (uint8_t)(rand() % 100 < density))) roaring_bitmap_add(set, e);
        char code[32];
        snprintf(code, sizeof code, "p%d", c);
        publish(code, set);
        tu_bitmap_free(set);
    }
    tu_inbox *ib;
    tu_err err = {0};
    assert_int_equal(tu_inbox_open(st, &ib, &err), TU_OK);
    assert_int_equal(tu_inbox_campaign_count(ib), CAMPAIGNS);
    for (uint32_t e = 0; e < ENTS; e++) {
        int64_t ids[CAMPAIGNS];
        size_t n = tu_inbox_campaigns_of(ib, e, ids, CAMPAIGNS), k = 0;
        for (int c = 0; c < CAMPAIGNS; c++)
            if (member[c][e]) {
                assert_true(k < n);
                assert_int_equal(ids[k++], c + 1); /* campaign ids follow publication order */
            }
        assert_int_equal(k, n);
    }
    assert_int_equal(tu_inbox_campaigns_of(ib, ENTS + 10, NULL, 0), 0);
    tu_inbox_close(ib);
}

/* The block index, the tail and wide campaigns agree with probing every campaign, across refreshes. */
static void test_index_blocks_tail_and_wide(void **state) {
    (void)state;
    tu_inbox *ib = NULL;
    tu_err err = {0};
    srand(11);
    for (int c = 0; c < 600; c++) {
        roaring_bitmap_t *set = roaring_bitmap_create();
        if (c % 97 == 5) roaring_bitmap_add_range(set, 0, 200000); /* wide: probed directly */
        else for (int k = 0; k < 50; k++) roaring_bitmap_add(set, (uint32_t)(rand() % 3000));
        char code[32];
        snprintf(code, sizeof code, "q%d", c);
        publish(code, set);
        tu_bitmap_free(set);
        if (c == 100) assert_int_equal(tu_inbox_open(st, &ib, &err), TU_OK);
        if (c > 100 && c % 50 == 0) assert_int_equal(tu_inbox_refresh(ib, st, &err), TU_OK);
    }
    assert_int_equal(tu_inbox_refresh(ib, st, &err), TU_OK);
    assert_int_equal(tu_inbox_campaign_count(ib), 600);
    for (uint32_t e = 0; e < 3100; e++) {
        int64_t ids[600];
        size_t n = tu_inbox_campaigns_of(ib, e, ids, 600), k = 0;
        for (int64_t c = 1; c <= 600; c++)
            if (tu_inbox_has(ib, c, e)) {
                assert_true(k < n);
                assert_int_equal(ids[k++], c);
            }
        assert_int_equal(k, n);
    }
    tu_inbox_close(ib);
}

static const char *state_of(tu_inbox *ib, int64_t ent, char source, int64_t ref) {
    static char out[16];
    tu_inbox_entry *e;
    size_t n;
    assert_int_equal(tu_inbox_read(ib, st, ent, &e, &n, NULL), TU_OK);
    strcpy(out, "absent");
    for (size_t i = 0; i < n; i++)
        if (e[i].source == source && e[i].ref_id == ref) strcpy(out, e[i].state);
    tu_free(e);
    return out;
}

static int state_rows(void *ctx, char source, int64_t ref, const char *state) {
    (void)source, (void)ref, (void)state;
    ++*(int *)ctx;
    return 0;
}

static void test_states_stored_only_where_set(void **state) {
    (void)state;
    roaring_bitmap_t *set = roaring_bitmap_create();
    roaring_bitmap_add_range(set, 100, 200);
    int64_t pid = publish("p", set);
    tu_inbox *ib;
    tu_err err = {0};
    assert_int_equal(tu_inbox_open(st, &ib, &err), TU_OK);
    assert_string_equal(state_of(ib, 150, 'c', 1), "unread");
    assert_string_equal(state_of(ib, 50, 'c', 1), "absent");
    for (int64_t e = 100; e < 200; e++) {
        int rows = 0;
        tu_store_push_state_scan(st, e, state_rows, &rows, NULL);
        assert_int_equal(rows, 0); /* unread costs no row */
    }
    assert_int_equal(tu_inbox_set_state(ib, st, 150, 'c', 1, "read", &err), TU_OK);
    assert_string_equal(state_of(ib, 150, 'c', 1), "read");
    assert_string_equal(state_of(ib, 151, 'c', 1), "unread");
    assert_int_equal(tu_inbox_set_state(ib, st, 150, 'c', 1, "not_relevant", &err), TU_OK);
    assert_string_equal(state_of(ib, 150, 'c', 1), "not_relevant");
    assert_int_equal(tu_inbox_set_state(ib, st, 150, 'c', 1, "dismissed", &err), TU_OK);
    assert_string_equal(state_of(ib, 150, 'c', 1), "dismissed");
    assert_int_equal(tu_inbox_set_state(ib, st, 150, 'c', 1, "unread", &err), TU_OK);
    int rows = 0;
    tu_store_push_state_scan(st, 150, state_rows, &rows, NULL);
    assert_int_equal(rows, 0); /* back to unread deletes the row */
    assert_int_equal(tu_inbox_set_state(ib, st, 150, 'c', 1, "archived", &err), TU_EINVAL);
    assert_int_equal(tu_inbox_set_state(ib, st, 50, 'c', 1, "read", &err), TU_ENOTFOUND); /* not a recipient */
    assert_int_equal(tu_inbox_set_state(ib, st, 150, 'c', 99, "read", &err), TU_ENOTFOUND);
    (void)pid;
    tu_inbox_close(ib);
    tu_bitmap_free(set);
}

static void test_change_delta_items(void **state) {
    (void)state;
    roaring_bitmap_t *set = roaring_bitmap_create();
    roaring_bitmap_add_range(set, 1, 10);
    int64_t told = publish("told", set), other = publish("other", set);
    roaring_bitmap_t *none = roaring_bitmap_create();
    int64_t later = publish("later", none);
    tu_inbox *ib;
    tu_err err = {0};
    assert_int_equal(tu_inbox_open(st, &ib, &err), TU_OK);
    int64_t gained[] = {told, later, 999};
    tu_near_miss near[] = {{other, "研发投入占比 3.1% < 4%"}};
    tu_policy_delta d = {.gained = gained, .ngained = 3, .near = near, .nnear = 1};
    int added = -1;
    /* ent 5 was told about `told` by its campaign: only `later` and the near miss are new; 999 does not exist */
    assert_int_equal(tu_push_on_enterprise_change(st, ib, 5, &d, &added, &err), TU_OK);
    assert_int_equal(added, 2);
    assert_int_equal(tu_push_on_enterprise_change(st, ib, 5, &d, &added, &err), TU_OK);
    assert_int_equal(added, 0); /* a replay adds nothing */
    assert_int_equal(tu_push_on_enterprise_change(st, ib, 50, &d, &added, &err), TU_OK);
    assert_int_equal(added, 3); /* ent 50 was in no campaign */
    tu_inbox_entry *e;
    size_t n;
    assert_int_equal(tu_inbox_read(ib, st, 5, &e, &n, &err), TU_OK);
    assert_int_equal(n, 4); /* two campaigns, two items */
    assert_string_equal(e[3].kind, "near_miss");
    assert_string_equal(e[3].detail, "研发投入占比 3.1% < 4%");
    tu_free(e);
    /* lose and qualify again: told each time, and a replay of any step adds nothing (ent 5 had `told` from its
     * campaign: losing it is news, qualifying again is news again) */
    int64_t only_told[] = {told};
    tu_policy_delta lose = {.lost = only_told, .nlost = 1}, regain = {.gained = only_told, .ngained = 1};
    const tu_policy_delta *steps[] = {&lose, &regain, &lose, &regain};
    for (int k = 0; k < 4; k++) {
        assert_int_equal(tu_push_on_enterprise_change(st, ib, 5, steps[k], &added, &err), TU_OK);
        assert_int_equal(added, 1);
        assert_int_equal(tu_push_on_enterprise_change(st, ib, 5, steps[k], &added, &err), TU_OK);
        assert_int_equal(added, 0);
    }
    assert_int_equal(tu_inbox_read(ib, st, 5, &e, &n, &err), TU_OK);
    assert_int_equal(n, 8); /* the four above and two "no_longer", two "qualified" */
    tu_free(e);
    assert_int_equal(tu_app_policy_withdraw(st, later, &err), TU_OK);
    int64_t lost[] = {later};
    tu_policy_delta d2 = {.lost = lost, .nlost = 1, .gained = lost, .ngained = 1};
    assert_int_equal(tu_push_on_enterprise_change(st, ib, 60, &d2, &added, &err), TU_OK);
    assert_int_equal(added, 0); /* a withdrawn policy tells nobody */
    tu_inbox_close(ib);
    tu_bitmap_free(set);
    tu_bitmap_free(none);
}

int main(int argc, char **argv) {
    data_dir = argc > 1 ? argv[1] : "tests/app/data";
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_inbox_matches_reference, setup, teardown),
        cmocka_unit_test_setup_teardown(test_index_blocks_tail_and_wide, setup, teardown),
        cmocka_unit_test_setup_teardown(test_states_stored_only_where_set, setup, teardown),
        cmocka_unit_test_setup_teardown(test_change_delta_items, setup, teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
