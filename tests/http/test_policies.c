/* Integration tests of the policy routes against a real `techup serve`: full-text search in Chinese (trigram FTS5
 * and the short-query fallback), filters, sorts and keyset paging, drafts invisible to the public and to enterprise
 * users, publish refused while a rule test fails, publish with the match engine's eligible set (recipients = the
 * match count, in store ids: the inbox of a qualifying enterprise holds the campaign), revisions with gained /
 * lost campaigns, withdraw, and continuous matching (PATCH an enterprise so that it qualifies -> a "qualified"
 * inbox item in the store). */
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

#include "core/alloc.h"
#include "core/codes.h"
#include "harness.h"
#include "push/inbox.h"
#include "store/registry.h"

#define N_ENT 18 /* Shenzhen: 0..11 manufacturers (C38), 12..17 services (I65); above_scale when i % 3 == 0 */

static th_server srv;
static char *prov, *city, *ent;
static char ent_uscc[19];

static void uscc_of(int i, char out[19]) {
    snprintf(out, 19, "91440300MA5D%05d", i);
    out[17] = tu_uscc_check_char(out), out[18] = '\0';
}

static int setup(void **state) {
    (void)state;
    curl_global_init(CURL_GLOBAL_ALL);
    th_init(&srv);
    char csv[8192], u[19];
    size_t o = (size_t)snprintf(csv, sizeof csv, "uscc,name,city,industry,revenue,employees,tags\n");
    for (int i = 0; i < N_ENT; i++) {
        uscc_of(i, u);
        o += (size_t)snprintf(csv + o, sizeof csv - o, "%s,深圳企业%02d有限公司,440300,%s,%d,%d,%s\n", u, i,
                              i < 12 ? "C3811" : "I6510", 3000 + i, 50 + i, i % 3 == 0 ? "above_scale" : "");
    }
    uscc_of(1, ent_uscc);
    if (th_import(&srv, csv) != 0) return -1;
    if (th_user_add(&srv, "prov", "provincial_official", NULL, "provpassword1") ||
        th_user_add(&srv, "city", "city_official", "440300", "citypassword1") ||
        th_user_add(&srv, "ent", "enterprise", ent_uscc, "entpassword12"))
        return -1;
    if (th_start(&srv, NULL, NULL) != 0) return -1;
    prov = th_login(&srv, "prov", "provpassword1");
    city = th_login(&srv, "city", "citypassword1");
    ent = th_login(&srv, "ent", "entpassword12");
    return prov && city && ent ? 0 : -1;
}

static int teardown(void **state) {
    (void)state;
    free(prov), free(city), free(ent);
    return th_finish(&srv);
}

/* ---- helpers ---- */

typedef struct pol {
    const char *code, *title_zh, *summary_zh, *department, *category;
    const char *rule_json; /* JsonLogic text */
    const char *apply_to;  /* NULL = no application window */
    const char *tests;     /* JSON array text or NULL */
} pol;

/* The one-file JSON of a policy (a malloc'd string). */
static char *policy_doc(const pol *p) {
    json_error_t je;
    json_t *rule = json_loads(p->rule_json, 0, &je);
    assert_non_null(rule);
    json_t *d = json_pack("{s:s,s:{s:s,s:s},s:{s:s,s:s},s:s,s:s,s:s,s:s,s:s,s:o,s:s,s:[s]}", "code", p->code, "title",
                          "zh", p->title_zh, "en", p->code, "summary", "zh", p->summary_zh, "en", "summary",
                          "department", p->department, "doc_number", "粤工信〔2024〕1号", "category", p->category,
                          "full_text", "第一条 为推动高质量发展……", "valid_from", "2020-01-01", "rule", rule, "mode",
                          "apply", "cities", "440000");
    assert_non_null(d);
    if (p->apply_to) {
        json_object_set_new(d, "apply_from", json_string("2020-01-01"));
        json_object_set_new(d, "apply_to", json_string(p->apply_to));
        json_object_set_new(d, "valid_to", json_string("2030-12-31"));
    }
    if (p->tests) json_object_set_new(d, "tests", json_loads(p->tests, 0, &je));
    char *s = json_dumps(d, JSON_COMPACT);
    json_decref(d);
    return s;
}

/* Adds a policy as prov; returns its id. */
static long long add_policy(const pol *p) {
    char *body = policy_doc(p);
    th_resp r;
    long st = th_req(&srv, "POST", "/api/v1/policies", prov, body, NULL, &r);
    free(body);
    if (st != 201) fail_msg("add %s: %ld %s", p->code, st, r.body);
    long long id = json_integer_value(json_object_get(r.json, "id"));
    th_resp_free(&r);
    return id;
}

static long post_policy(long long id, const char *action, const char *token, th_resp *out) {
    char path[96];
    snprintf(path, sizeof path, "/api/v1/policies/%lld/%s", id, action);
    return th_req(&srv, "POST", path, token, NULL, NULL, out);
}

/* Preview then publish as prov; returns the recipients. */
static long long publish(long long id) {
    th_resp r;
    assert_int_equal(post_policy(id, "preview", prov, &r), 200);
    th_resp_free(&r);
    long st = post_policy(id, "publish", prov, &r);
    if (st != 200) fail_msg("publish %lld: %ld %s", id, st, r.body);
    long long n = json_integer_value(json_object_get(r.json, "recipients"));
    assert_true(json_integer_value(json_object_get(r.json, "campaign_id")) > 0);
    th_resp_free(&r);
    return n;
}

/* GET a list; returns the number of items and copies the codes (comma-separated) into codes. */
static size_t list(const char *query, const char *token, char *codes, size_t n, char *cursor, size_t cn) {
    char path[512];
    snprintf(path, sizeof path, "/api/v1/policies%s", query);
    th_resp r;
    long st = th_req(&srv, "GET", path, token, NULL, NULL, &r);
    if (st != 200) fail_msg("GET %s: %ld %s", path, st, r.body);
    json_t *items = json_object_get(r.json, "items"), *it;
    size_t i, o = 0;
    if (codes) codes[0] = '\0';
    json_array_foreach(items, i, it) if (codes) o += (size_t)snprintf(codes + o, n - o, "%s,",
                                                                     json_string_value(json_object_get(it, "code")));
    if (cursor) {
        json_t *c = json_object_get(r.json, "next_cursor");
        snprintf(cursor, cn, "%s", json_is_string(c) ? json_string_value(c) : "");
    }
    size_t count = json_array_size(items);
    th_resp_free(&r);
    return count;
}

/* The server's database and its campaigns, read directly (the inbox routes are not this file's). */
static void open_inbox(tu_store **s, tu_inbox **ib) {
    tu_err err = {0};
    assert_int_equal(tu_store_open(srv.db, 0, s, &err), TU_OK);
    assert_int_equal(tu_inbox_open(*s, ib, &err), TU_OK);
}

static const char equipment_rule[] =
    "{\"and\":[{\"==\":[{\"var\":\"industry_section\"},\"C\"]},{\"in\":[\"above_scale\",{\"var\":\"tags\"}]}]}";

/* ---- tests ---- */

static void test_publish_search_and_inbox(void **state) {
    (void)state;
    pol p = {"gd-equipment", "制造业设备更新奖励", "对规上工业企业设备购置给予奖励。", "广东省工业和信息化厅",
             "equipment_reward", equipment_rule, "2099-12-31", NULL};
    long long id = add_policy(&p);
    /* the match count of the same rule, over HTTP */
    char body[512];
    snprintf(body, sizeof body, "{\"rule\":%s}", equipment_rule);
    th_resp r;
    assert_int_equal(th_req(&srv, "POST", "/api/v1/rules/match", prov, body, NULL, &r), 200);
    long long count = json_integer_value(json_object_get(r.json, "eligible"));
    th_resp_free(&r);
    assert_int_equal(count, 4); /* manufacturers 0, 3, 6, 9 */
    assert_int_equal(publish(id), count);

    char codes[1024];
    assert_int_equal(list("?q=%E8%AE%BE%E5%A4%87%E6%9B%B4%E6%96%B0", NULL, codes, sizeof codes, NULL, 0), 1); /* 设备更新 */
    assert_string_equal(codes, "gd-equipment,");
    assert_int_equal(list("?q=%E4%B8%8D%E5%AD%98%E5%9C%A8", NULL, codes, sizeof codes, NULL, 0), 0); /* 不存在 */
    assert_int_equal(list("?q=%E8%AE%BE%E5%A4%87", NULL, codes, sizeof codes, NULL, 0), 1); /* 设备: 2 chars, LIKE */
    assert_int_equal(list("?q=%E7%B2%A4%E5%B7%A5%E4%BF%A1", NULL, NULL, 0, NULL, 0), 1); /* 粤工信: doc number */
    assert_int_equal(list("?q=%22%20OR%20x", NULL, NULL, 0, NULL, 0), 0); /* FTS syntax is quoted away */

    /* the public item and detail */
    assert_int_equal(th_req(&srv, "GET", "/api/v1/policies/gd-equipment", NULL, NULL, NULL, &r), 200);
    assert_string_equal(json_string_value(json_object_get(r.json, "status")), "published");
    assert_int_equal(json_integer_value(json_object_get(r.json, "version")), 1);
    assert_true(json_is_string(json_object_get(r.json, "rule_text")));
    assert_true(json_array_size(json_object_get(json_object_get(r.json, "rule_sentences"), "zh")) >= 2);
    th_resp_free(&r);

    /* the eligible set is in store ids: each qualifying enterprise's inbox holds the campaign */
    tu_store *s = NULL;
    tu_inbox *ib = NULL;
    tu_err err = {0};
    open_inbox(&s, &ib);
    for (int i = 0; i < N_ENT; i++) {
        char u[19];
        int64_t sid;
        tu_ent e;
        uscc_of(i, u);
        assert_int_equal(tu_store_ent_get_by_uscc(s, u, &sid, &e, NULL, &err), TU_OK);
        int64_t ids[8];
        size_t n = tu_inbox_campaigns_of(ib, (uint32_t)sid, ids, 8);
        assert_int_equal(n, i < 12 && i % 3 == 0 ? 1 : 0);
    }
    tu_inbox_close(ib);
    tu_store_close(s);

    /* the match service now holds it: an enterprise's eligible policies */
    char u0[19], path[128];
    uscc_of(0, u0);
    snprintf(path, sizeof path, "/api/v1/enterprises/%s/policies?explain=0", u0);
    assert_int_equal(th_req(&srv, "GET", path, prov, NULL, NULL, &r), 200);
    json_t *elig = json_object_get(r.json, "eligible");
    assert_int_equal(json_array_size(elig), 1);
    assert_int_equal(json_integer_value(json_object_get(json_array_get(elig, 0), "id")), id);
    th_resp_free(&r);
}

static void test_drafts_invisible(void **state) {
    (void)state;
    pol p = {"gd-secret-draft", "数字化转型专项草案", "尚未公布。", "广东省工业和信息化厅", "other",
             "{\">=\":[{\"var\":\"revenue\"},1]}", NULL, NULL};
    long long id = add_policy(&p);
    char path[256];
    snprintf(path, sizeof path, "/api/v1/policies/%lld", id);
    th_resp r;
    assert_int_equal(th_req(&srv, "GET", path, NULL, NULL, NULL, &r), 404);
    th_resp_free(&r);
    assert_int_equal(th_req(&srv, "GET", path, ent, NULL, NULL, &r), 404);
    th_resp_free(&r);
    assert_int_equal(th_req(&srv, "GET", path, city, NULL, NULL, &r), 200);
    assert_string_equal(json_string_value(json_object_get(r.json, "status")), "draft");
    th_resp_free(&r);
    const char *q = "?q=%E6%95%B0%E5%AD%97%E5%8C%96%E8%BD%AC%E5%9E%8B"; /* 数字化转型 */
    assert_int_equal(list(q, NULL, NULL, 0, NULL, 0), 0);
    assert_int_equal(list(q, ent, NULL, 0, NULL, 0), 0);
    char query[128];
    snprintf(query, sizeof query, "%s&status=draft", q);
    assert_int_equal(list(query, prov, NULL, 0, NULL, 0), 1);
    snprintf(path, sizeof path, "/api/v1/policies%s", query);
    assert_int_equal(th_req(&srv, "GET", path, ent, NULL, NULL, &r), 403);
    th_resp_free(&r);
    assert_int_equal(th_req(&srv, "GET", path, NULL, NULL, NULL, &r), 403);
    th_resp_free(&r);
    snprintf(path, sizeof path, "/api/v1/policies/%lld/versions", id);
    assert_int_equal(th_req(&srv, "GET", path, prov, NULL, NULL, &r), 200);
    assert_int_equal(json_array_size(json_object_get(r.json, "items")), 1);
    th_resp_free(&r);
}

static void test_publish_refused_while_a_rule_test_fails(void **state) {
    (void)state;
    pol p = {"gd-bad-tests", "错误测试政策", "规则测试失败。", "广东省科学技术厅", "cultivation",
             "{\">=\":[{\"var\":\"revenue\"},1000000]}", NULL,
             "[{\"name\":\"small firm\",\"enterprise\":{\"city\":\"440300\",\"industry\":\"C3811\",\"revenue\":\"10\"},"
             "\"expect\":\"eligible\"}]"};
    long long id = add_policy(&p);
    th_resp r;
    assert_int_equal(post_policy(id, "preview", prov, &r), 200);
    assert_string_equal(json_string_value(json_object_get(r.json, "status")), "preview");
    assert_int_equal(json_integer_value(json_object_get(r.json, "eligible")), 0);
    th_resp_free(&r);
    assert_int_equal(post_policy(id, "publish", prov, &r), 422);
    assert_string_equal(th_error_code(&r), "validation_failed");
    th_resp_free(&r);
    char path[64];
    snprintf(path, sizeof path, "/api/v1/policies/%lld", id);
    assert_int_equal(th_req(&srv, "GET", path, prov, NULL, NULL, &r), 200);
    assert_string_equal(json_string_value(json_object_get(r.json, "status")), "preview");
    th_resp_free(&r);
    /* a province-wide policy is not a city official's to publish; one of its own city is */
    assert_int_equal(post_policy(id, "publish", city, &r), 403);
    th_resp_free(&r);
    pol own = {"sz-only", "深圳市专项扶持", "深圳。", "深圳市工业和信息化局", "other", "{\">=\":[{\"var\":\"revenue\"},3016]}", NULL, NULL};
    char *body = policy_doc(&own);
    json_error_t je;
    json_t *d = json_loads(body, 0, &je);
    free(body);
    json_object_set_new(d, "cities", json_pack("[s]", "440300"));
    body = json_dumps(d, JSON_COMPACT);
    json_decref(d);
    assert_int_equal(th_req(&srv, "POST", "/api/v1/policies", city, body, NULL, &r), 201);
    free(body);
    long long sid = json_integer_value(json_object_get(r.json, "id"));
    th_resp_free(&r);
    assert_int_equal(post_policy(sid, "preview", city, &r), 200);
    th_resp_free(&r);
    assert_int_equal(post_policy(sid, "publish", city, &r), 200);
    assert_int_equal(json_integer_value(json_object_get(r.json, "recipients")), 2); /* revenue 3016, 3017 */
    th_resp_free(&r);
    assert_int_equal(post_policy(sid, "withdraw", city, &r), 200);
    th_resp_free(&r);
}

static void test_filters_sort_paging_withdraw(void **state) {
    (void)state;
    static const pol ps[] = {
        {"lib-loan-a", "中小企业贷款贴息甲", "贷款贴息。", "广东省财政厅", "loan_interest", "{\">=\":[{\"var\":\"revenue\"},3005]}", "2099-03-01", NULL},
        {"lib-loan-b", "中小企业贷款贴息乙", "贷款贴息。", "广东省财政厅", "loan_interest", "{\">=\":[{\"var\":\"revenue\"},3010]}", "2099-01-01", NULL},
        {"lib-energy", "节能改造补助", "节能。", "广东省发展和改革委员会", "energy", "{\">=\":[{\"var\":\"revenue\"},1]}", "2020-06-30", NULL},
        {"lib-land", "工业用地支持", "用地。", "广东省自然资源厅", "land", "{\">=\":[{\"var\":\"revenue\"},1]}", NULL, NULL},
    };
    for (size_t i = 0; i < sizeof ps / sizeof ps[0]; i++) publish(add_policy(&ps[i]));
    char codes[1024];
    assert_int_equal(list("?department=%E5%B9%BF%E4%B8%9C%E7%9C%81%E8%B4%A2%E6%94%BF%E5%8E%85", NULL, codes, sizeof codes, NULL, 0), 2);
    assert_int_equal(list("?category=energy", NULL, codes, sizeof codes, NULL, 0), 1);
    assert_string_equal(codes, "lib-energy,");
    assert_int_equal(list("?category=loan_interest&open=1", NULL, NULL, 0, NULL, 0), 2);
    assert_int_equal(list("?category=energy&open=1", NULL, NULL, 0, NULL, 0), 0); /* its window closed in 2020 */
    assert_int_equal(list("?deadline_before=2099-02-01", NULL, codes, sizeof codes, NULL, 0), 2);
    assert_string_equal(codes, "lib-energy,lib-loan-b,"); /* newest first */
    assert_int_equal(list("?city=440300&category=land", NULL, NULL, 0, NULL, 0), 1); /* province-wide */
    /* deadline order: soonest first, no window last */
    list("?sort=deadline&q=%E8%B4%B4%E6%81%AF", NULL, codes, sizeof codes, NULL, 0); /* 贴息 */
    assert_string_equal(codes, "lib-loan-b,lib-loan-a,");
    char dl_cursor[512], dl_query[700];
    assert_int_equal(list("?sort=deadline&category=loan_interest&limit=1", NULL, codes, sizeof codes, dl_cursor, sizeof dl_cursor), 1);
    assert_string_equal(codes, "lib-loan-b,");
    th_resp bad; /* a deadline cursor is refused by the other sort */
    snprintf(dl_query, sizeof dl_query, "/api/v1/policies?sort=published&cursor=%s", dl_cursor);
    assert_int_equal(th_req(&srv, "GET", dl_query, NULL, NULL, NULL, &bad), 400);
    th_resp_free(&bad);
    snprintf(dl_query, sizeof dl_query, "?sort=deadline&category=loan_interest&limit=1&cursor=%s", dl_cursor);
    assert_int_equal(list(dl_query, NULL, codes, sizeof codes, dl_cursor, sizeof dl_cursor), 1);
    assert_string_equal(codes, "lib-loan-a,");
    assert_string_equal(dl_cursor, ""); /* the last page */
    /* paging: every published policy exactly once, newest first */
    char all[1024] = "", cursor[512] = "", query[700];
    size_t total = 0, pages = 0;
    do {
        snprintf(query, sizeof query, "?limit=2%s%s", cursor[0] ? "&cursor=" : "", cursor);
        total += list(query, NULL, codes, sizeof codes, cursor, sizeof cursor);
        strcat(all, codes);
        pages++;
    } while (cursor[0] && pages < 10);
    assert_int_equal(total, 5); /* gd-equipment and the four above */
    assert_string_equal(all, "lib-land,lib-energy,lib-loan-b,lib-loan-a,gd-equipment,");
    th_resp r;
    assert_int_equal(th_req(&srv, "GET", "/api/v1/policies?limit=201", NULL, NULL, NULL, &r), 400);
    th_resp_free(&r);
    assert_int_equal(th_req(&srv, "GET", "/api/v1/policies?sort=-deadline", NULL, NULL, NULL, &r), 400);
    th_resp_free(&r);
    assert_int_equal(th_req(&srv, "GET", "/api/v1/policies?deadline_before=soon", NULL, NULL, NULL, &r), 400);
    th_resp_free(&r);

    /* withdraw: out of the default list and of the enterprise's policies, still readable */
    assert_int_equal(th_req(&srv, "POST", "/api/v1/policies/lib-land/withdraw", prov, NULL, NULL, &r), 200);
    th_resp_free(&r);
    assert_int_equal(list("?category=land", NULL, NULL, 0, NULL, 0), 0);
    assert_int_equal(list("?category=land&status=withdrawn", NULL, NULL, 0, NULL, 0), 1);
    assert_int_equal(th_req(&srv, "GET", "/api/v1/policies/lib-land", NULL, NULL, NULL, &r), 200);
    assert_string_equal(json_string_value(json_object_get(r.json, "status")), "withdrawn");
    th_resp_free(&r);
    char path[128];
    snprintf(path, sizeof path, "/api/v1/enterprises/%s/policies?explain=0", ent_uscc);
    assert_int_equal(th_req(&srv, "GET", path, ent, NULL, NULL, &r), 200);
    json_t *e = json_object_get(r.json, "eligible"), *it;
    size_t i;
    json_array_foreach(e, i, it) assert_string_not_equal(json_string_value(json_object_get(json_object_get(it, "title"), "zh")), "工业用地支持");
    assert_true(json_array_size(e) >= 1); /* lib-energy (revenue >= 1) still applies */
    th_resp_free(&r);
    assert_int_equal(th_req(&srv, "POST", "/api/v1/policies/lib-land/withdraw", prov, NULL, NULL, &r), 409);
    th_resp_free(&r);
}

static char last_detail[512]; /* the detail of the last item inbox_items found */

/* Counts the items of `kind` for `policy` in the inbox of enterprise i, read from the store. */
static int inbox_items(int i, long long policy, const char *kind) {
    tu_store *s = NULL;
    tu_inbox *ib = NULL;
    tu_err err = {0};
    char u[19];
    int64_t sid;
    tu_ent e;
    uscc_of(i, u);
    open_inbox(&s, &ib);
    assert_int_equal(tu_store_ent_get_by_uscc(s, u, &sid, &e, NULL, &err), TU_OK);
    tu_inbox_entry *all = NULL;
    size_t n = 0;
    assert_int_equal(tu_inbox_read(ib, s, sid, &all, &n, &err), TU_OK);
    int found = 0;
    for (size_t k = 0; k < n; k++)
        if (all[k].policy_id == policy && strcmp(all[k].kind, kind) == 0)
            found++, snprintf(last_detail, sizeof last_detail, "%s", all[k].detail);
    tu_free(all);
    tu_inbox_close(ib);
    tu_store_close(s);
    return found;
}

/* Whether enterprise uscc's eligible list holds policy id: explain=0 answers from the match index's record,
 * explain=1 from the store's; both must say the same. */
static int eligible_for(const char *uscc, long long id) {
    int in[2] = {0, 0};
    for (int x = 0; x < 2; x++) {
        char path[160];
        snprintf(path, sizeof path, "/api/v1/enterprises/%s/policies?lists=eligible&explain=%d", uscc, x);
        th_resp r;
        assert_int_equal(th_req(&srv, "GET", path, prov, NULL, NULL, &r), 200);
        json_t *it;
        size_t i;
        json_array_foreach(json_object_get(r.json, "eligible"), i, it) in[x] |= json_integer_value(json_object_get(it, "id")) == id;
        th_resp_free(&r);
    }
    assert_int_equal(in[0], in[1]);
    return in[0];
}

static void test_continuous_matching(void **state) {
    (void)state;
    pol p = {"gd-hightech", "高新技术企业培育", "高企培育。", "广东省科学技术厅", "cultivation",
             "{\"and\":[{\"in\":[\"high_tech\",{\"var\":\"tags\"}]},{\">=\":[{\"var\":\"employees\"},50]}]}", NULL, NULL};
    long long id = add_policy(&p);
    assert_int_equal(publish(id), 0);
    char u[19], path[128];
    uscc_of(2, u);
    assert_int_equal(inbox_items(2, id, "qualified"), 0);
    assert_false(eligible_for(u, id));
    snprintf(path, sizeof path, "/api/v1/enterprises/%s", u);
    th_resp r;
    assert_int_equal(th_req(&srv, "PATCH", path, prov, "{\"values\":{\"tags\":\"high_tech\"}}", NULL, &r), 200);
    th_resp_free(&r);
    assert_int_equal(inbox_items(2, id, "qualified"), 1);
    assert_true(eligible_for(u, id)); /* the index's record changed with the write */
    /* the same write again changes nothing and adds nothing */
    assert_int_equal(th_req(&srv, "PATCH", path, prov, "{\"values\":{\"tags\":\"high_tech\"}}", NULL, &r), 200);
    th_resp_free(&r);
    assert_int_equal(inbox_items(2, id, "qualified"), 1);
    /* a near miss: first both conditions fail (no tag, 40 employees), then only the employees do */
    uscc_of(4, u);
    snprintf(path, sizeof path, "/api/v1/enterprises/%s", u);
    assert_int_equal(th_req(&srv, "PATCH", path, prov, "{\"values\":{\"employees\":\"40\"}}", NULL, &r), 200);
    th_resp_free(&r);
    assert_int_equal(inbox_items(4, id, "near_miss"), 0);
    assert_int_equal(th_req(&srv, "PATCH", path, prov, "{\"values\":{\"tags\":\"high_tech\"}}", NULL, &r), 200);
    th_resp_free(&r);
    assert_int_equal(inbox_items(4, id, "qualified"), 0);
    assert_int_equal(inbox_items(4, id, "near_miss"), 1);
    if (!strstr(last_detail, "差一点") || !strstr(last_detail, "50")) fail_msg("near-miss detail: %s", last_detail);
    /* a data dispute accepted by an official is a write like PATCH: enterprise 1 (51 employees) gets the tag */
    assert_int_equal(inbox_items(1, id, "qualified"), 0);
    snprintf(path, sizeof path, "/api/v1/enterprises/%s/disputes", ent_uscc);
    assert_int_equal(th_req(&srv, "POST", path, ent, "{\"attribute\":\"tags\",\"proposed_value\":\"high_tech\"}",
                            NULL, &r), 201);
    long long dispute = json_integer_value(json_object_get(r.json, "id"));
    th_resp_free(&r);
    snprintf(path, sizeof path, "/api/v1/disputes/%lld/resolve", dispute);
    assert_int_equal(th_req(&srv, "POST", path, city, "{\"decision\":\"accept\",\"comment\":\"certificate seen\"}",
                            NULL, &r), 200);
    th_resp_free(&r);
    assert_int_equal(inbox_items(1, id, "qualified"), 1);
}

static void test_revision_gains_and_losses(void **state) {
    (void)state;
    /* gd-equipment: manufacturers 0, 3, 6, 9 (above_scale). The revision asks revenue >= 3006 instead of the tag:
     * 6..11 are eligible; gained 7, 8, 10, 11; lost 0, 3. */
    pol p = {"gd-equipment", "制造业设备更新奖励", "对规上工业企业设备购置给予奖励。", "广东省工业和信息化厅",
             "equipment_reward", "{\"and\":[{\"==\":[{\"var\":\"industry_section\"},\"C\"]},{\">=\":[{\"var\":\"revenue\"},3006]}]}",
             "2099-12-31", NULL};
    char *body = policy_doc(&p);
    th_resp r;
    assert_int_equal(th_req(&srv, "PUT", "/api/v1/policies/gd-equipment", prov, body, NULL, &r), 200);
    free(body);
    assert_int_equal(json_integer_value(json_object_get(r.json, "version")), 2);
    th_resp_free(&r);
    /* the public still sees version 1 until the revision is published */
    assert_int_equal(th_req(&srv, "GET", "/api/v1/policies/gd-equipment", NULL, NULL, NULL, &r), 200);
    assert_int_equal(json_integer_value(json_object_get(r.json, "version")), 1);
    long long id = json_integer_value(json_object_get(r.json, "id"));
    th_resp_free(&r);
    assert_int_equal(post_policy(id, "publish", prov, &r), 200);
    assert_int_equal(json_integer_value(json_object_get(r.json, "recipients")), 6);
    th_resp_free(&r);
    tu_store *s = NULL;
    tu_inbox *ib = NULL;
    open_inbox(&s, &ib);
    int seen = 0;
    for (size_t i = 0; i < tu_inbox_campaign_count(ib); i++) {
        tu_campaign c;
        tu_inbox_campaign_at(ib, i, &c);
        if (c.policy_id != id || c.version != 2) continue;
        if (strcmp(c.kind, "revision_gained") == 0) assert_int_equal(c.count, 4), seen++;
        if (strcmp(c.kind, "revision_lost") == 0) assert_int_equal(c.count, 2), seen++;
    }
    assert_int_equal(seen, 2);
    tu_inbox_close(ib);
    tu_store_close(s);
    assert_int_equal(th_req(&srv, "GET", "/api/v1/policies/gd-equipment", NULL, NULL, NULL, &r), 200);
    assert_int_equal(json_integer_value(json_object_get(r.json, "version")), 2);
    assert_string_equal(json_string_value(json_object_get(r.json, "status")), "revised");
    th_resp_free(&r);
}

/* The preview's estimated total benefit, hand-computed. Rule: revenue >= 3015 (万元) -> enterprises 15, 16, 17.
 * Formula revenue * 10 yuan, cap 30,160 yuan: 30,150 + 30,160 + 30,160 = 90,470 yuan. A formula over project data
 * gives eligible x cap: 3 x 5,000 yuan. No formula: no estimate. */
static void test_preview_estimated_benefit(void **state) {
    (void)state;
    static const struct {
        const char *code, *benefit;
        long long cap_fen;
        const char *basis;
        long long fen, counted;
    } cases[] = {
        {"est-formula", "{\"*\":[{\"var\":\"revenue\"},10]}", 3016000, "formula", 9047000, 3},
        {"est-uncapped", "{\"*\":[{\"var\":\"revenue\"},10]}", 0, "formula", 9048000, 3},
        {"est-project", "{\"*\":[{\"var\":\"project.equipment_investment\"},0.2]}", 500000, "cap_bound", 1500000, 0},
        {"est-none", NULL, 500000, NULL, -1, 0},
    };
    for (size_t k = 0; k < sizeof cases / sizeof cases[0]; k++) {
        pol p = {cases[k].code, "预估政策", "预估。", "广东省工业和信息化厅", "other", "{\">=\":[{\"var\":\"revenue\"},3015]}",
                 NULL, NULL};
        char *body = policy_doc(&p);
        json_error_t je;
        json_t *d = json_loads(body, 0, &je);
        free(body);
        if (cases[k].benefit) json_object_set_new(d, "benefit", json_loads(cases[k].benefit, 0, &je));
        if (cases[k].cap_fen) json_object_set_new(d, "cap_fen", json_integer(cases[k].cap_fen));
        body = json_dumps(d, JSON_COMPACT);
        json_decref(d);
        th_resp r;
        assert_int_equal(th_req(&srv, "POST", "/api/v1/policies", prov, body, NULL, &r), 201);
        free(body);
        long long id = json_integer_value(json_object_get(r.json, "id"));
        th_resp_free(&r);
        assert_int_equal(post_policy(id, "preview", prov, &r), 200);
        assert_int_equal(json_integer_value(json_object_get(r.json, "eligible")), 3);
        json_t *fen = json_object_get(r.json, "estimated_benefit_fen"), *basis = json_object_get(r.json, "estimated_benefit_basis");
        if (cases[k].basis) {
            assert_int_equal(json_integer_value(fen), cases[k].fen);
            assert_string_equal(json_string_value(basis), cases[k].basis);
        } else {
            assert_true(json_is_null(fen) && json_is_null(basis));
        }
        assert_int_equal(json_integer_value(json_object_get(r.json, "estimated_benefit_counted")), cases[k].counted);
        assert_int_equal(json_integer_value(json_object_get(r.json, "estimated_benefit_missing")), 0);
        assert_true(json_string_length(json_object_get(r.json, "estimated_benefit_reason")) > 0);
        th_resp_free(&r);
    }
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_publish_search_and_inbox),
        cmocka_unit_test(test_drafts_invisible),
        cmocka_unit_test(test_publish_refused_while_a_rule_test_fails),
        cmocka_unit_test(test_filters_sort_paging_withdraw),
        cmocka_unit_test(test_continuous_matching),
        cmocka_unit_test(test_revision_gains_and_losses),
        cmocka_unit_test(test_preview_estimated_benefit),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
