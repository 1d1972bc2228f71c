/* Tests of src/push/subscription.c: matching by keywords, category, department and city (prefix, province-wide
 * policies), and alerts raised once per (subscription, policy) after publication. argv[1] is tests/app/data. */
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
#include "app/subscription.h"
#include "tempdb.h"

static const char *data_dir;

static tu_subscription sub(const char *owner, const char *kw, const char *cat, const char *dept, const char *city) {
    tu_subscription s = {0};
    snprintf(s.owner, sizeof s.owner, "%s", owner);
    snprintf(s.keywords, sizeof s.keywords, "%s", kw);
    snprintf(s.category, sizeof s.category, "%s", cat);
    snprintf(s.department, sizeof s.department, "%s", dept);
    snprintf(s.city, sizeof s.city, "%s", city);
    return s;
}

static void test_matching(void **state) {
    (void)state;
    char path[512];
    snprintf(path, sizeof path, "%s/equipment-2021.json", data_dir);
    json_t *doc = json_load_file(path, 0, NULL);
    assert_non_null(doc);
    tu_subscription yes[] = {
        sub("a", "", "", "", ""),                                /* everything */
        sub("a", "设备更新", "", "", ""),                         /* a keyword of the list */
        sub("a", "renewal manufacturing", "", "", ""),           /* all words, from the English title */
        sub("a", "", "equipment_reward", "广东省工业和信息化厅", ""),
        sub("a", "", "", "", "440300"),                          /* a city in the listed province 440000 */
    };
    tu_subscription no[] = {
        sub("a", "renewal 光伏", "", "", ""), sub("a", "", "land", "", ""), sub("a", "", "", "深圳市工业和信息化局", ""),
    };
    for (size_t i = 0; i < sizeof yes / sizeof yes[0]; i++) assert_true(tu_app_sub_matches(&yes[i], doc));
    for (size_t i = 0; i < sizeof no / sizeof no[0]; i++) assert_false(tu_app_sub_matches(&no[i], doc));
    json_object_set_new(doc, "cities", json_pack("[s]", "440300"));
    tu_subscription gz = sub("a", "", "", "", "440100"), sz = sub("a", "", "", "", "440300");
    assert_false(tu_app_sub_matches(&gz, doc));
    assert_true(tu_app_sub_matches(&sz, doc));
    json_decref(doc);
}

static int count_alerts(void *ctx, int64_t sub_id, int64_t policy_id, const char *at) {
    (void)sub_id, (void)policy_id, (void)at;
    ++*(int *)ctx;
    return 0;
}

static void test_alerts_on_publish(void **state) {
    (void)state;
    tu_subscription s1 = sub("ent:7", "设备", "", "", ""), s2 = sub("ent:8", "", "land", "", "");
    assert_int_equal(tu_store_begin(st, NULL), TU_OK);
    assert_int_equal(tu_store_sub_add(st, &s1, NULL), TU_OK);
    assert_int_equal(tu_store_sub_add(st, &s2, NULL), TU_OK);
    assert_int_equal(tu_store_commit(st, NULL), TU_OK);
    roaring_bitmap_t *none = roaring_bitmap_create();
    int64_t p = publish_sample(data_dir, "p", none); /* the publish transaction raises the alerts */
    int raised = -1;
    tu_err err = {0};
    char path[512];
    snprintf(path, sizeof path, "%s/equipment-2021.json", data_dir);
    json_t *doc = json_load_file(path, 0, NULL);
    assert_int_equal(tu_app_alert_new_policy(st, p, doc, &raised, &err), TU_ESTATE); /* only inside a transaction */
    assert_int_equal(tu_store_begin(st, NULL), TU_OK);
    assert_int_equal(tu_app_alert_new_policy(st, p, doc, &raised, &err), TU_OK);
    assert_int_equal(tu_store_commit(st, NULL), TU_OK);
    assert_int_equal(raised, 0); /* once per subscription and policy: already raised by the publication */
    json_decref(doc);
    int n7 = 0, n8 = 0;
    assert_int_equal(tu_store_alert_scan(st, "ent:7", count_alerts, &n7, NULL), TU_OK);
    assert_int_equal(tu_store_alert_scan(st, "ent:8", count_alerts, &n8, NULL), TU_OK);
    assert_int_equal(n7, 1);
    assert_int_equal(n8, 0);
    tu_bitmap_free(none);
}

int main(int argc, char **argv) {
    data_dir = argc > 1 ? argv[1] : "tests/app/data";
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_matching),
        cmocka_unit_test_setup_teardown(test_alerts_on_publish, tempdb_setup, tempdb_teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
