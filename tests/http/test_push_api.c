/* Integration tests of the push and dispute routes against a real `techup serve`: a published policy's campaign
 * reaches its recipient's inbox (with the policy title) and not a non-recipient's; inbox states persist; one
 * enterprise cannot read or change another's inbox; preferences and subscriptions round-trip; the funnel counts a
 * campaign's recipients and reads; a dispute accepted by an official changes the value and its source, a rejected
 * one changes nothing; a grant list is generated, approved and downloaded as CSV. Policies are created through the
 * app layer on the server's database (argv[1] = tests/app/data, the sample policy). */
#include <setjmp.h>
#include <signal.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <curl/curl.h>
#include <cmocka.h>

#include "app/campaign.h"
#include "app/policy.h"
#include "core/codes.h"
#include "harness.h"
#include "store/registry.h"

static th_server srv;
static const char *data_dir;
static char *prov, *city, *other_city, *ent_a, *ent_b;
static char usccs[3][19]; /* A and B in Shenzhen (440300), C in Guangzhou (440100) */
static int64_t ids[3], policy_id;

static void uscc_of(int i, char out[19]) {
    snprintf(out, 19, "9144%s00MA5D%05d", i < 2 ? "03" : "01", i);
    out[17] = tu_uscc_check_char(out), out[18] = '\0';
}

/* Adds and publishes the sample policy (as `code`, mode, in force now) to the recipients `who` (enterprise ids). */
static int64_t publish(const char *code, const char *mode, const int64_t *who, int n) {
    char path[512];
    snprintf(path, sizeof path, "%s/equipment-2021.json", data_dir);
    json_t *doc = json_load_file(path, 0, NULL);
    assert_non_null(doc);
    json_object_set_new(doc, "code", json_string(code));
    json_object_set_new(doc, "mode", json_string(mode));
    json_object_set_new(doc, "valid_to", json_string("2099-12-31"));
    json_object_set_new(doc, "apply_to", json_string("2099-10-31"));
    tu_store *st = NULL;
    tu_err err = {0};
    int64_t id = 0;
    assert_int_equal(tu_store_open(srv.db, 0, &st, &err), TU_OK);
    roaring_bitmap_t *set = roaring_bitmap_create();
    for (int i = 0; i < n; i++) roaring_bitmap_add(set, (uint32_t)who[i]);
    assert_int_equal(tu_app_policy_add(st, doc, &id, &err), TU_OK);
    assert_int_equal(tu_app_policy_preview(st, id, &err), TU_OK);
    assert_int_equal(tu_app_policy_publish(st, id, set, NULL, &err), TU_OK);
    tu_bitmap_free(set);
    tu_store_close(st);
    json_decref(doc);
    return id;
}

static int setup(void **state) {
    (void)state;
    curl_global_init(CURL_GLOBAL_ALL);
    th_init(&srv);
    char csv[1024];
    for (int i = 0; i < 3; i++) uscc_of(i, usccs[i]);
    snprintf(csv, sizeof csv, "uscc,name,city,industry,revenue,employees,tags\n%s,甲公司,440300,C38,2500,60,above_scale\n"
             "%s,乙公司,440300,C39,900,20,above_scale\n%s,丙公司,440100,C13,300,8,\n", usccs[0], usccs[1], usccs[2]);
    if (th_import(&srv, csv) != 0) return -1;
    if (th_user_add(&srv, "prov", "provincial_official", NULL, "provpassword1") ||
        th_user_add(&srv, "city", "city_official", "440300", "citypassword1") ||
        th_user_add(&srv, "gzcity", "city_official", "440100", "citypassword1") ||
        th_user_add(&srv, "enta", "enterprise", usccs[0], "entpassword12") ||
        th_user_add(&srv, "entb", "enterprise", usccs[1], "entpassword12"))
        return -1;
    tu_store *st = NULL;
    tu_err err = {0};
    tu_ent e;
    if (tu_store_open(srv.db, 0, &st, &err)) return -1;
    for (int i = 0; i < 3; i++)
        if (tu_store_ent_get_by_uscc(st, usccs[i], &ids[i], &e, NULL, &err)) return -1;
    tu_store_close(st);
    if (th_start(&srv, NULL, NULL) != 0) return -1;
    prov = th_login(&srv, "prov", "provpassword1");
    city = th_login(&srv, "city", "citypassword1");
    other_city = th_login(&srv, "gzcity", "citypassword1");
    ent_a = th_login(&srv, "enta", "entpassword12");
    ent_b = th_login(&srv, "entb", "entpassword12");
    return prov && city && other_city && ent_a && ent_b ? 0 : -1;
}

static int teardown(void **state) {
    (void)state;
    free(prov), free(city), free(other_city), free(ent_a), free(ent_b);
    return th_finish(&srv);
}

/* Sends a request and asserts its status; the response is in *r (free it). */
static void req(const char *method, const char *path, const char *tok, const char *body, long want, th_resp *r) {
    th_expect(&srv, method, path, tok, body, want, r);
}

static void path_of(char *buf, size_t n, int ent, const char *rest) {
    snprintf(buf, n, "/api/v1/enterprises/%s%s", usccs[ent], rest);
}

static const char *str(const json_t *o, const char *key) {
    const json_t *v = json_object_get(o, key);
    return json_is_string(v) ? json_string_value(v) : "";
}

static void test_inbox_recipient_only(void **state) {
    (void)state;
    policy_id = publish("push-api-reward", "apply", &ids[0], 1);
    char path[128];
    th_resp r;
    path_of(path, sizeof path, 0, "/inbox");
    req("GET", path, ent_a, NULL, 200, &r);
    json_t *items = json_object_get(r.json, "items");
    assert_int_equal(json_array_size(items), 1);
    json_t *it = json_array_get(items, 0);
    assert_int_equal(json_integer_value(json_object_get(it, "policy_id")), policy_id);
    assert_string_equal(str(json_object_get(it, "policy_title"), "zh"), "制造业设备更新奖励");
    assert_string_equal(str(it, "kind"), "publish");
    assert_string_equal(str(it, "state"), "unread");
    assert_int_equal(str(it, "id")[0], 'c');
    assert_int_equal(json_integer_value(json_object_get(r.json, "unread")), 1);
    th_resp_free(&r);
    /* B is no recipient; the city official sees the same inbox as A */
    path_of(path, sizeof path, 1, "/inbox");
    req("GET", path, ent_b, NULL, 200, &r);
    assert_int_equal(json_array_size(json_object_get(r.json, "items")), 0);
    assert_int_equal(json_integer_value(json_object_get(r.json, "unread")), 0);
    th_resp_free(&r);
    path_of(path, sizeof path, 0, "/inbox");
    req("GET", path, city, NULL, 200, &r);
    assert_int_equal(json_array_size(json_object_get(r.json, "items")), 1);
    th_resp_free(&r);
}

static void test_inbox_state_persists_and_is_private(void **state) {
    (void)state;
    char path[128], item_path[160], item[32];
    th_resp r;
    path_of(path, sizeof path, 0, "/inbox");
    req("GET", path, ent_a, NULL, 200, &r);
    snprintf(item, sizeof item, "%s", str(json_array_get(json_object_get(r.json, "items"), 0), "id"));
    th_resp_free(&r);
    snprintf(item_path, sizeof item_path, "%s/%s", path, item);
    /* B may neither read nor change A's inbox, nor may an official change it */
    req("GET", path, ent_b, NULL, 403, &r);
    th_resp_free(&r);
    req("PATCH", item_path, ent_b, "{\"state\":\"read\"}", 403, &r);
    th_resp_free(&r);
    req("PATCH", item_path, city, "{\"state\":\"read\"}", 403, &r);
    th_resp_free(&r);
    req("GET", path, other_city, NULL, 403, &r);
    th_resp_free(&r);
    /* bad states and unknown items */
    req("PATCH", item_path, ent_a, "{\"state\":\"shredded\"}", 422, &r);
    th_resp_free(&r);
    char missing[160];
    snprintf(missing, sizeof missing, "%s/c99999", path);
    req("PATCH", missing, ent_a, "{\"state\":\"read\"}", 404, &r);
    th_resp_free(&r);
    /* B's own inbox has no such entry (A's campaign is not B's) */
    char b_item[160];
    path_of(b_item, sizeof b_item, 1, "/inbox/");
    strncat(b_item, item, sizeof b_item - strlen(b_item) - 1);
    req("PATCH", b_item, ent_b, "{\"state\":\"read\"}", 404, &r);
    th_resp_free(&r);
    req("PATCH", item_path, ent_a, "{\"state\":\"dismissed\"}", 200, &r);
    assert_string_equal(str(r.json, "state"), "dismissed");
    th_resp_free(&r);
    req("GET", path, ent_a, NULL, 200, &r);
    assert_string_equal(str(json_array_get(json_object_get(r.json, "items"), 0), "state"), "dismissed");
    assert_int_equal(json_integer_value(json_object_get(r.json, "unread")), 0);
    th_resp_free(&r);
}

/* The value, source kind and as-of date of attribute attr of enterprise i, as an official reads them. */
static void value_of(int i, const char *attr, char *val, size_t n, char *kind, size_t kn) {
    char path[128];
    th_resp r;
    path_of(path, sizeof path, i, "");
    req("GET", path, prov, NULL, 200, &r);
    json_t *v = json_object_get(json_object_get(r.json, "values"), attr);
    json_t *value = json_object_get(v, "text");
    snprintf(val, n, "%s", json_is_string(value) ? json_string_value(value) : "");
    snprintf(kind, kn, "%s", str(v, "kind"));
    th_resp_free(&r);
}

static long long create_dispute(int ent, const char *tok, const char *body, long want) {
    char path[128];
    th_resp r;
    path_of(path, sizeof path, ent, "/disputes");
    req("POST", path, tok, body, want, &r);
    long long id = json_integer_value(json_object_get(r.json, "id"));
    th_resp_free(&r);
    return id;
}

static void test_dispute_accepted_changes_value_and_source(void **state) {
    (void)state;
    th_resp r;
    char path[128], val[64], kind[32];
    /* validation and scope */
    create_dispute(0, ent_a, "{\"attribute\":\"revenue\",\"proposed_value\":\"lots\"}", 422);
    create_dispute(0, ent_a, "{\"attribute\":\"size_of_office\",\"proposed_value\":\"1\"}", 422);
    create_dispute(1, ent_a, "{\"attribute\":\"revenue\",\"proposed_value\":\"1\"}", 403);
    create_dispute(0, city, "{\"attribute\":\"revenue\",\"proposed_value\":\"1\"}", 403);
    long long id = create_dispute(0, ent_a, "{\"attribute\":\"employees\",\"proposed_value\":75,\"comment\":\"payroll\"}", 201);
    assert_true(id > 0);
    /* listed for the enterprise and for its city, not for another city */
    path_of(path, sizeof path, 0, "/disputes");
    req("GET", path, ent_a, NULL, 200, &r);
    json_t *d = json_array_get(json_object_get(r.json, "items"), 0);
    assert_string_equal(str(d, "current_value"), "60");
    assert_string_equal(str(d, "proposed_value"), "75");
    assert_string_equal(str(d, "status"), "open");
    th_resp_free(&r);
    req("GET", "/api/v1/disputes?status=open", city, NULL, 200, &r);
    assert_int_equal(json_array_size(json_object_get(r.json, "items")), 1);
    assert_string_equal(str(json_array_get(json_object_get(r.json, "items"), 0), "uscc"), usccs[0]);
    th_resp_free(&r);
    req("GET", "/api/v1/disputes?status=open", other_city, NULL, 200, &r);
    assert_int_equal(json_array_size(json_object_get(r.json, "items")), 0);
    th_resp_free(&r);
    char resolve[96];
    snprintf(resolve, sizeof resolve, "/api/v1/disputes/%lld/resolve", id);
    req("POST", resolve, other_city, "{\"decision\":\"accept\"}", 403, &r);
    th_resp_free(&r);
    req("POST", "/api/v1/disputes/999999/resolve", other_city, "{\"decision\":\"accept\"}", 403, &r);
    th_resp_free(&r);
    req("POST", resolve, city, "{\"decision\":\"maybe\"}", 422, &r);
    th_resp_free(&r);
    value_of(0, "employees", val, sizeof val, kind, sizeof kind);
    assert_string_equal(val, "60");
    req("POST", resolve, city, "{\"decision\":\"accept\",\"comment\":\"checked\"}", 200, &r);
    assert_string_equal(str(r.json, "status"), "accepted");
    assert_string_equal(str(r.json, "resolved_by"), "city");
    th_resp_free(&r);
    value_of(0, "employees", val, sizeof val, kind, sizeof kind);
    assert_string_equal(val, "75");
    assert_string_equal(kind, "dispute");
    value_of(0, "revenue", val, sizeof val, kind, sizeof kind);
    assert_string_equal(kind, "import");
    req("POST", resolve, prov, "{\"decision\":\"reject\"}", 409, &r);
    th_resp_free(&r);
    req("GET", "/api/v1/disputes?status=open", city, NULL, 200, &r);
    assert_int_equal(json_array_size(json_object_get(r.json, "items")), 0);
    th_resp_free(&r);
}

static void test_dispute_rejected_changes_nothing(void **state) {
    (void)state;
    th_resp r;
    char val[64], kind[32], resolve[96];
    long long id = create_dispute(1, ent_b, "{\"attribute\":\"revenue\",\"proposed_value\":\"5000\"}", 201);
    snprintf(resolve, sizeof resolve, "/api/v1/disputes/%lld/resolve", id);
    req("POST", resolve, prov, "{\"decision\":\"reject\",\"comment\":\"the audited report says 900\"}", 200, &r);
    assert_string_equal(str(r.json, "status"), "rejected");
    assert_string_equal(str(r.json, "resolution_comment"), "the audited report says 900");
    th_resp_free(&r);
    value_of(1, "revenue", val, sizeof val, kind, sizeof kind);
    assert_string_equal(val, "900");
    assert_string_equal(kind, "import");
    req("GET", "/api/v1/disputes?status=resolved", prov, NULL, 200, &r);
    assert_int_equal(json_array_size(json_object_get(r.json, "items")), 2);
    th_resp_free(&r);
    /* paged: one per page, with a cursor to the next */
    req("GET", "/api/v1/disputes?status=resolved&limit=1", prov, NULL, 200, &r);
    assert_int_equal(json_array_size(json_object_get(r.json, "items")), 1);
    assert_true(json_is_string(json_object_get(r.json, "next_cursor")));
    th_resp_free(&r);
}

static void test_preferences(void **state) {
    (void)state;
    char path[128];
    th_resp r;
    path_of(path, sizeof path, 0, "/preferences");
    req("GET", path, ent_a, NULL, 200, &r);
    assert_true(json_is_true(json_object_get(json_object_get(r.json, "channels"), "inbox")));
    assert_true(json_is_true(json_object_get(json_object_get(r.json, "channels"), "webhook")));
    assert_true(json_is_false(json_object_get(json_object_get(r.json, "channels"), "email")));
    assert_string_equal(str(r.json, "digest"), "off");
    th_resp_free(&r);
    req("PUT", path, ent_a, "{\"channels\":{\"email\":true},\"digest\":\"weekly\"}", 422, &r); /* no address */
    th_resp_free(&r);
    req("PUT", path, ent_a, "{\"channels\":{\"inbox\":false}}", 422, &r);
    th_resp_free(&r);
    req("PUT", path, ent_a, "{\"digest\":\"hourly\"}", 422, &r);
    th_resp_free(&r);
    req("PUT", path, ent_b, "{\"max_per_week\":1}", 403, &r);
    th_resp_free(&r);
    req("PUT", path, city, "{\"max_per_week\":1}", 403, &r);
    th_resp_free(&r);
    req("PUT", path, ent_a, "{\"channels\":{\"email\":true,\"webhook\":false},\"email\":\"boss@jia.example\","
        "\"digest\":\"weekly\",\"max_per_week\":3,\"near_miss\":false}", 200, &r);
    th_resp_free(&r);
    req("GET", path, city, NULL, 200, &r); /* officials read */
    assert_true(json_is_true(json_object_get(json_object_get(r.json, "channels"), "email")));
    assert_true(json_is_false(json_object_get(json_object_get(r.json, "channels"), "webhook")));
    assert_string_equal(str(r.json, "email"), "boss@jia.example");
    assert_string_equal(str(r.json, "digest"), "weekly");
    assert_int_equal(json_integer_value(json_object_get(r.json, "max_per_week")), 3);
    assert_true(json_is_false(json_object_get(r.json, "near_miss")));
    th_resp_free(&r);
    /* B's preferences are untouched */
    path_of(path, sizeof path, 1, "/preferences");
    req("GET", path, ent_b, NULL, 200, &r);
    assert_int_equal(json_integer_value(json_object_get(r.json, "max_per_week")), 0);
    th_resp_free(&r);
}

static void test_subscriptions(void **state) {
    (void)state;
    th_resp r;
    req("POST", "/api/v1/me/subscriptions", ent_a, "{\"query\":{\"q\":\"设备\",\"city\":\"4403\"}}", 422, &r);
    th_resp_free(&r);
    req("POST", "/api/v1/me/subscriptions", ent_a, "{\"query\":{\"q\":\"设备\",\"city\":\"440300\"}}", 201, &r);
    long long id = json_integer_value(json_object_get(r.json, "id"));
    assert_string_equal(str(json_object_get(r.json, "query"), "q"), "设备");
    assert_true(str(r.json, "created_at")[0] != '\0');
    th_resp_free(&r);
    req("GET", "/api/v1/me/subscriptions", ent_a, NULL, 200, &r);
    assert_int_equal(json_array_size(json_object_get(r.json, "items")), 1);
    th_resp_free(&r);
    req("GET", "/api/v1/me/subscriptions", ent_b, NULL, 200, &r);
    assert_int_equal(json_array_size(json_object_get(r.json, "items")), 0);
    th_resp_free(&r);
    char path[96];
    snprintf(path, sizeof path, "/api/v1/me/subscriptions/%lld", id);
    req("DELETE", path, ent_b, NULL, 404, &r); /* not B's */
    th_resp_free(&r);
    req("DELETE", path, ent_a, NULL, 204, &r);
    th_resp_free(&r);
    req("GET", "/api/v1/me/subscriptions", ent_a, NULL, 200, &r);
    assert_int_equal(json_array_size(json_object_get(r.json, "items")), 0);
    th_resp_free(&r);
}

/* Runs after the inbox tests: the campaign of policy_id went to A, who dismissed it. */
static void test_funnel(void **state) {
    (void)state;
    char path[96];
    th_resp r;
    snprintf(path, sizeof path, "/api/v1/policies/%lld/funnel", (long long)policy_id);
    req("GET", path, ent_a, NULL, 403, &r);
    th_resp_free(&r);
    req("GET", path, city, NULL, 200, &r);
    json_t *cs = json_object_get(r.json, "campaigns"), *c = json_array_get(cs, 0), *t = json_object_get(r.json, "totals");
    assert_int_equal(json_array_size(cs), 1);
    assert_string_equal(str(c, "kind"), "publish");
    assert_int_equal(json_integer_value(json_object_get(c, "matched")), 1);
    assert_int_equal(json_integer_value(json_object_get(c, "dismissed")), 1);
    assert_int_equal(json_integer_value(json_object_get(c, "read")), 0);
    assert_int_equal(json_integer_value(json_object_get(json_object_get(c, "delivered"), "webhook")), 0);
    assert_int_equal(json_integer_value(json_object_get(c, "applied")), 0);
    assert_int_equal(json_integer_value(json_object_get(t, "matched")), 1);
    th_resp_free(&r);
    req("GET", "/api/v1/policies/999999/funnel", prov, NULL, 404, &r);
    th_resp_free(&r);
}

static void test_grant_list_download(void **state) {
    (void)state;
    int64_t both[2] = {ids[0], ids[1]};
    int64_t pid = publish("push-api-free", "no_application", both, 2);
    char body[64], path[96], buf[256];
    th_resp r;
    snprintf(body, sizeof body, "{\"policy\":%lld}", (long long)policy_id);
    req("POST", "/api/v1/grants", prov, body, 409, &r); /* an "apply" policy has no grant list */
    th_resp_free(&r);
    snprintf(body, sizeof body, "{\"policy\":%lld}", (long long)pid);
    req("POST", "/api/v1/grants", ent_a, body, 403, &r);
    th_resp_free(&r);
    req("POST", "/api/v1/grants", prov, body, 201, &r);
    long long list = json_integer_value(json_object_get(r.json, "id"));
    assert_string_equal(str(r.json, "status"), "generated");
    th_resp_free(&r);
    snprintf(path, sizeof path, "/api/v1/grants/%lld?limit=1", list);
    req("GET", path, city, NULL, 200, &r);
    assert_int_equal(json_array_size(json_object_get(r.json, "items")), 1);
    assert_string_equal(str(json_array_get(json_object_get(r.json, "items"), 0), "uscc"), usccs[0]);
    assert_true(json_is_string(json_object_get(r.json, "next_cursor")));
    th_resp_free(&r);
    req("GET", "/api/v1/grants?policy=x1", city, NULL, 400, &r); /* not an id */
    th_resp_free(&r);
    req("GET", "/api/v1/grants", city, NULL, 400, &r);
    th_resp_free(&r);
    snprintf(path, sizeof path, "/api/v1/grants?policy=%lld", (long long)pid);
    req("GET", path, prov, NULL, 200, &r);
    assert_int_equal(json_array_size(json_object_get(r.json, "items")), 1);
    th_resp_free(&r);
    snprintf(path, sizeof path, "/api/v1/grants/%lld/approve", list);
    req("POST", path, prov, NULL, 200, &r);
    assert_string_equal(str(r.json, "status"), "approved");
    assert_string_equal(str(r.json, "reviewed_by"), "prov");
    th_resp_free(&r);
    req("POST", path, prov, NULL, 409, &r);
    th_resp_free(&r);
    snprintf(path, sizeof path, "/api/v1/grants/%lld/export?format=csv", list);
    req("GET", path, prov, NULL, 200, &r);
    assert_non_null(th_header(&r, "Content-Type", buf, sizeof buf));
    assert_non_null(strstr(buf, "text/csv"));
    assert_non_null(th_header(&r, "Content-Disposition", buf, sizeof buf));
    assert_non_null(strstr(buf, "attachment"));
    assert_non_null(strstr(buf, ".csv"));
    assert_non_null(strstr(r.body, "list,policy,version,enterprise,uscc,benefit_yuan,benefit_fen,excluded"));
    assert_non_null(strstr(r.body, usccs[0]));
    assert_non_null(strstr(r.body, usccs[1]));
    assert_null(strstr(r.body, usccs[2]));
    th_resp_free(&r);
    snprintf(path, sizeof path, "/api/v1/grants/%lld/export?format=xlsx", list);
    req("GET", path, city, NULL, 200, &r);
    assert_non_null(th_header(&r, "Content-Type", buf, sizeof buf));
    assert_non_null(strstr(buf, "spreadsheetml"));
    assert_true(r.len > 4 && memcmp(r.body, "PK", 2) == 0); /* a zip container */
    th_resp_free(&r);
    snprintf(path, sizeof path, "/api/v1/grants/%lld/export?format=pdf", list);
    req("GET", path, prov, NULL, 400, &r);
    th_resp_free(&r);
}

int main(int argc, char **argv) {
    if (argc < 2) return 2;
    data_dir = argv[1];
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_inbox_recipient_only),
        cmocka_unit_test(test_inbox_state_persists_and_is_private),
        cmocka_unit_test(test_dispute_accepted_changes_value_and_source),
        cmocka_unit_test(test_dispute_rejected_changes_nothing),
        cmocka_unit_test(test_preferences),
        cmocka_unit_test(test_subscriptions),
        cmocka_unit_test(test_funnel),
        cmocka_unit_test(test_grant_list_download),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
