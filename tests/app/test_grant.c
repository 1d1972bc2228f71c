/* Tests of src/app/grant.c: 免申即享 grant lists — only for no_application policies in force, non-combinable groups,
 * per-enterprise caps across lists, one review, CSV and XLSX export. argv[1] is tests/app/data. */
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
#include "app/grant.h"
#include "tempdb.h"

static const char *data_dir;
static const tu_actor clerk = {0, "cli", NULL}, zhang = {3, "张科长", NULL}, li = {4, "李处长", NULL};

/* Adds and publishes the sample policy as `code`, with `mode`, cap and group. */
static int64_t add_policy(const char *code, const char *mode, int64_t cap, const char *group) {
    char path[512];
    snprintf(path, sizeof path, "%s/equipment-2021.json", data_dir);
    json_t *doc = json_load_file(path, 0, NULL);
    json_object_set_new(doc, "code", json_string(code));
    json_object_set_new(doc, "mode", json_string(mode));
    json_object_set_new(doc, "cap_fen", json_integer(cap));
    json_object_set_new(doc, "groups", json_pack("[s]", group));
    int64_t id;
    tu_err err = {0};
    roaring_bitmap_t *none = roaring_bitmap_create();
    assert_int_equal(tu_app_policy_add(st, doc, &id, &err), TU_OK);
    assert_int_equal(tu_app_policy_preview(st, id, &err), TU_OK);
    assert_int_equal(tu_app_policy_publish(st, id, none, NULL, &err), TU_OK);
    tu_bitmap_free(none);
    json_decref(doc);
    return id;
}

static char *slurp(const char *path) {
    FILE *f = fopen(path, "rb");
    assert_non_null(f);
    char *buf = calloc(1, 1 << 20);
    size_t n = fread(buf, 1, (1 << 20) - 1, f);
    (void)n;
    fclose(f);
    return buf;
}

static int flat(void *ctx, const json_t *doc, uint32_t ent, int64_t *fen, tu_err *err) {
    (void)doc, (void)ent, (void)err;
    *fen = *(int64_t *)ctx;
    return TU_OK;
}

typedef struct got {
    int64_t fen[32];
    char why[32][128];
} got;

static int collect(void *ctx, const tu_grant_item *it) {
    got *g = ctx;
    g->fen[it->ent_id] = it->benefit_fen;
    snprintf(g->why[it->ent_id], sizeof g->why[0], "%s", it->excluded);
    return 0;
}

static int64_t generate(int64_t policy, uint32_t from, uint32_t to, int64_t amount, got *g) {
    roaring_bitmap_t *set = roaring_bitmap_create();
    roaring_bitmap_add_range(set, from, to);
    int64_t list = 0;
    tu_err err = {0};
    assert_int_equal(tu_app_grant_generate(st, &clerk, policy, "2024-01-01", set, flat, &amount, &list, &err), TU_OK);
    memset(g, 0, sizeof *g);
    assert_int_equal(tu_store_grant_item_scan(st, list, collect, g, NULL), TU_OK);
    tu_bitmap_free(set);
    return list;
}

static void test_groups_caps_review_export(void **state) {
    (void)state;
    tu_err err = {0};
    int64_t a = add_policy("a", "no_application", 100, "equipment"), b = add_policy("b", "no_application", 0, "equipment");
    int64_t c = add_policy("c", "apply", 0, "equipment"), amount = 80, list;
    roaring_bitmap_t *one = roaring_bitmap_create();
    roaring_bitmap_add(one, 1);
    assert_int_equal(tu_app_grant_generate(st, &clerk, c, "2024-01-01", one, flat, &amount, &list, &err), TU_ESTATE);
    assert_int_equal(tu_app_grant_generate(st, &clerk, a, "2020-01-01", one, flat, &amount, &list, &err), TU_ENOTFOUND);
    got g;
    int64_t la = generate(a, 1, 11, 80, &g);
    assert_int_equal(g.fen[5], 80);
    assert_int_equal(tu_app_grant_review(st, &zhang, la, 1, &err), TU_OK);
    assert_int_equal(tu_app_grant_review(st, &zhang, la, 0, &err), TU_ESTATE); /* reviewed once */
    /* b shares the group: 1..10 hold an approved grant of a -> excluded; 11..15 get the full amount */
    int64_t lb = generate(b, 5, 16, 500, &g);
    assert_int_equal(g.fen[7], 0);
    assert_string_equal(g.why[7], "non-combinable with a");
    assert_int_equal(g.fen[12], 500);
    assert_int_equal(tu_app_grant_review(st, &li, lb, 0, &err), TU_OK); /* rejected: grants nothing */
    tu_audit_report rep; /* two generations and two reviews, chained */
    assert_int_equal(tu_audit_verify(st, &rep, &err), TU_OK);
    assert_int_equal(rep.rows, 4);
    /* a again: its cap is 100 fen per enterprise, 80 already granted to 1..10 */
    generate(a, 1, 13, 80, &g);
    assert_int_equal(g.fen[3], 20);
    assert_int_equal(g.fen[12], 80);
    /* export */
    char path[160];
    snprintf(path, sizeof path, "%s/grants.csv", dir);
    FILE *f = fopen(path, "w");
    assert_int_equal(tu_app_grant_export_csv(st, lb, f, &err), TU_OK);
    fclose(f);
    char *text = slurp(path);
    assert_non_null(strstr(text, "list,policy,version,enterprise,uscc,benefit_yuan,benefit_fen,excluded\r\n"));
    assert_non_null(strstr(text, ",b,1,7,,0.00,0,\"non-combinable with a\"\r\n")); /* not in the registry: no uscc */
    assert_non_null(strstr(text, ",b,1,12,,5.00,500,\"\"\r\n"));
    free(text);
    snprintf(path, sizeof path, "%s/grants.xlsx", dir);
    assert_int_equal(tu_app_grant_export_xlsx(st, lb, path, &err), TU_OK);
    text = slurp(path);
    assert_int_equal(memcmp(text, "PK", 2), 0); /* a zip container */
    free(text);
    tu_bitmap_free(one);
}

int main(int argc, char **argv) {
    data_dir = argc > 1 ? argv[1] : "tests/app/data";
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_groups_caps_review_export, tempdb_setup, tempdb_teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
