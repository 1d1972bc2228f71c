/* Tests of src/push/remind.c: a reminder campaign before an application window closes, to the enterprises told
 * (gained minus lost across a revision), once per policy version; none for windows far off or closed.
 * argv[1] is tests/app/data. */
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
#include "core/num.h"
#include "push/remind.h"
#include "tempdb.h"

static const char *data_dir;

static int64_t add_window(const char *code, int close_in_days, const roaring_bitmap_t *set) {
    char path[512], to[TU_DATE_BUFSZ];
    snprintf(path, sizeof path, "%s/equipment-2021.json", data_dir);
    json_t *doc = json_load_file(path, 0, NULL);
    tu_date_format(tu_date_today() + close_in_days, to);
    json_object_set_new(doc, "code", json_string(code));
    json_object_set_new(doc, "valid_to", json_string("2099-12-31"));
    json_object_set_new(doc, "apply_to", json_string(to));
    int64_t id;
    tu_err err = {0};
    assert_int_equal(tu_app_policy_add(st, doc, &id, &err), TU_OK);
    assert_int_equal(tu_app_policy_preview(st, id, &err), TU_OK);
    assert_int_equal(tu_app_policy_publish(st, id, set, NULL, &err), TU_OK);
    json_decref(doc);
    return id;
}

static void test_reminders(void **state) {
    (void)state;
    roaring_bitmap_t *set = roaring_bitmap_create();
    roaring_bitmap_add_range(set, 1, 6);
    int64_t soon = add_window("soon", 3, set);
    add_window("later", 30, set);
    add_window("closed", -2, set);
    tu_inbox *ib;
    tu_err err = {0};
    int created = -1;
    assert_int_equal(tu_inbox_open(st, &ib, &err), TU_OK);
    assert_int_equal(tu_push_remind(st, ib, tu_date_today(), 7, &created, &err), TU_OK);
    assert_int_equal(created, 1);
    assert_int_equal(tu_push_remind(st, ib, tu_date_today(), 7, &created, &err), TU_OK);
    assert_int_equal(created, 0); /* once per version */
    assert_int_equal(tu_inbox_refresh(ib, st, &err), TU_OK);
    tu_campaign c;
    const roaring_bitmap_t *got = tu_inbox_campaign_at(ib, 3, &c);
    assert_non_null(got);
    assert_string_equal(c.kind, "reminder");
    assert_int_equal(c.policy_id, soon);
    assert_true(roaring_bitmap_equals(got, set));
    tu_inbox_close(ib);
    tu_bitmap_free(set);
}

int main(int argc, char **argv) {
    data_dir = argc > 1 ? argv[1] : "tests/app/data";
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_reminders, tempdb_setup, tempdb_teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
