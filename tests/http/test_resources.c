/* Integration tests of the enterprise, catalog and rule resources against a real `techup serve`: the session
 * probe, search filters and reach, keyset paging that stays stable while rows are inserted, corrections with
 * their sources and audit row, rule validation with positions, explanations, and scope leaks (which must fail). */
#include <setjmp.h>
#include <signal.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <curl/curl.h>
#include <cmocka.h>

#include "app/match_service.h"
#include "core/codes.h"
#include "harness.h"

#define N_SZ 24 /* enterprises of Shenzhen (440300) */
#define N_GZ 16 /* enterprises of Guangzhou (440100) */

static th_server srv;
static char *prov, *city, *ent, *auditor;

/* The USCC of enterprise i (a valid check character). */
static void uscc_of(int i, const char *prefix, char out[19]) {
    snprintf(out, 19, "%s%05d", prefix, i);
    out[17] = tu_uscc_check_char(out), out[18] = '\0';
}
static void sz(int i, char out[19]) { uscc_of(i, "91440300MA5D", out); }
static void gz(int i, char out[19]) { uscc_of(i, "91440100MA5E", out); }

/* CSV rows: Shenzhen ones in C38 / C39 with high_tech on every third, Guangzhou ones in C13. */
static void province_csv(char *buf, size_t n, int first, int count, int revenue_base) {
    size_t o = (size_t)snprintf(buf, n, "uscc,name,city,industry,revenue,employees,rd_ratio,tags\n");
    char u[19];
    for (int i = first; i < first + count && o < n; i++) {
        int in_sz = i < N_SZ || i >= 1000;
        if (in_sz) sz(i, u);
        else gz(i, u);
        o += (size_t)snprintf(buf + o, n - o, "%s,%s精密制造%02d有限公司,%s,%s,%d,%d,%s,%s\n", u, in_sz ? "深圳" : "广州",
                              i, in_sz ? "440300" : "440100", in_sz ? (i % 2 ? "C3811" : "C39") : "C13",
                              revenue_base + (i * 37) % 500, 10 + i, i % 4 == 0 ? "" : "3.5",
                              i % 3 == 0 ? "high_tech" : "");
    }
}

static int setup(void **state) {
    (void)state;
    curl_global_init(CURL_GLOBAL_ALL);
    th_init(&srv);
    char own[19], csv[16384];
    sz(1, own);
    province_csv(csv, sizeof csv, 0, N_SZ + N_GZ, 1000);
    if (th_import(&srv, csv) != 0) return -1;
    if (th_user_add(&srv, "prov", "provincial_official", NULL, "provpassword1") ||
        th_user_add(&srv, "city", "city_official", "440300", "citypassword1") ||
        th_user_add(&srv, "ent", "enterprise", own, "entpassword12") ||
        th_user_add(&srv, "aud", "auditor", NULL, "audpassword12"))
        return -1;
    char pols[192];
    snprintf(pols, sizeof pols, "%s/policies.json", srv.dir);
    FILE *f = fopen(pols, "w");
    if (!f) return -1;
    fputs("[{\"id\":11,\"title\":\"研发奖励\",\"rule\":{\"and\":[{\">=\":[{\"var\":\"revenue\"},1000]},{\">=\":[{\"var\":\"rd_ratio\"},3]}]}},"
          "{\"id\":12,\"title\":\"研发强度\",\"rule\":{\"and\":[{\">=\":[{\"var\":\"rd_ratio\"},4]},{\">=\":[{\"var\":\"revenue\"},1000]}]}},"
          "{\"id\":13,\"title\":\"节能\",\"rule\":{\"<\":[{\"var\":\"energy_tce\"},100]}}]", f);
    fclose(f);
    const char *args[] = {"--policies", pols, NULL};
    if (th_start(&srv, args, NULL) != 0) return -1;
    prov = th_login(&srv, "prov", "provpassword1");
    city = th_login(&srv, "city", "citypassword1");
    ent = th_login(&srv, "ent", "entpassword12");
    auditor = th_login(&srv, "aud", "audpassword12");
    return prov && city && ent && auditor ? 0 : -1;
}

static int teardown(void **state) {
    (void)state;
    free(prov), free(city), free(ent), free(auditor);
    return th_finish(&srv);
}

static const char *jstr(const json_t *o, const char *path) {
    char key[64];
    const json_t *v = o;
    while (v && *path) {
        size_t k = strcspn(path, ".");
        snprintf(key, sizeof key, "%.*s", (int)k, path);
        v = json_object_get(v, key);
        path += k + (path[k] == '.');
    }
    return json_is_string(v) ? json_string_value(v) : "";
}

/* Sends a request and asserts its status; the response is in *r (free it). */
static void req(const char *method, const char *path, const char *tok, const char *body, long want, th_resp *r) {
    th_expect(&srv, method, path, tok, body, want, r);
}

static void test_session_probe(void **state) {
    (void)state;
    th_resp r;
    req("GET", "/api/v1/session", NULL, NULL, 200, &r);
    assert_true(json_is_false(json_object_get(r.json, "authenticated")));
    assert_null(json_object_get(r.json, "user"));
    th_resp_free(&r);
    req("GET", "/api/v1/session", "tus_not-a-real-token", NULL, 200, &r);
    assert_true(json_is_false(json_object_get(r.json, "authenticated")));
    th_resp_free(&r);
    req("GET", "/api/v1/session", city, NULL, 200, &r);
    assert_true(json_is_true(json_object_get(r.json, "authenticated")));
    assert_string_equal(jstr(r.json, "user.role"), "city_official");
    assert_string_equal(jstr(r.json, "user.scope"), "440300");
    th_resp_free(&r);
}

static void test_catalog(void **state) {
    (void)state;
    th_resp r;
    req("GET", "/api/v1/catalog", NULL, NULL, 200, &r);
    json_t *attrs = json_object_get(r.json, "attributes"), *a;
    size_t i;
    int seen = 0;
    json_array_foreach(attrs, i, a) if (strcmp(jstr(a, "name"), "rd_ratio") == 0) {
        assert_string_equal(jstr(a, "label.zh"), "研发投入占比");
        assert_string_equal(jstr(a, "unit.en"), "%");
        assert_true(json_is_true(json_object_get(json_object_get(a, "flags"), "non_negative")));
        seen = 1;
    }
    assert_true(seen);
    seen = 0; /* the loan fields of interest-subsidy formulas, with their units */
    json_array_foreach(json_object_get(r.json, "formula_fields"), i, a) if (strcmp(jstr(a, "name"), "loan.rate_bp") == 0) {
        assert_string_equal(jstr(a, "unit.en"), "bp");
        assert_string_equal(jstr(a, "type"), "integer");
        seen = 1;
    }
    assert_true(seen);
    assert_true(json_array_size(json_object_get(r.json, "tags")) >= 10);
    th_resp_free(&r);
}

/* Number of items of a list request (asserting 200). */
static size_t count_items(const char *path, const char *tok) {
    th_resp r;
    req("GET", path, tok, NULL, 200, &r);
    size_t n = json_array_size(json_object_get(r.json, "items"));
    th_resp_free(&r);
    return n;
}

static void test_search_filters_and_reach(void **state) {
    (void)state;
    assert_int_equal(count_items("/api/v1/enterprises?limit=500", prov), N_SZ + N_GZ);
    assert_int_equal(count_items("/api/v1/enterprises?limit=500&city=440100", prov), N_GZ);
    assert_int_equal(count_items("/api/v1/enterprises?limit=500&industry=C38", prov), N_SZ / 2);
    assert_int_equal(count_items("/api/v1/enterprises?limit=500&industry=C3811", prov), N_SZ / 2);
    assert_int_equal(count_items("/api/v1/enterprises?limit=500&industry=C", prov), N_SZ + N_GZ);
    assert_int_equal(count_items("/api/v1/enterprises?limit=500&tag=high_tech&city=440300", prov), N_SZ / 3);
    assert_int_equal(count_items("/api/v1/enterprises?limit=500&q=%E5%B9%BF%E5%B7%9E", prov), N_GZ); /* 广州 */
    assert_int_equal(count_items("/api/v1/enterprises?limit=500&q=%E7%B2%BE%E5%AF%86%E5%88%B6%E9%80%A005", prov), 1);
    char u[19], path[128];
    gz(N_SZ + 2, u);
    snprintf(path, sizeof path, "/api/v1/enterprises?uscc=%s", u);
    assert_int_equal(count_items(path, prov), 1);
    /* reach: a city official sees its city only, an enterprise user itself only */
    assert_int_equal(count_items("/api/v1/enterprises?limit=500", city), N_SZ);
    assert_int_equal(count_items("/api/v1/enterprises?limit=500&city=440100", city), 0);
    assert_int_equal(count_items(path, city), 0);
    assert_int_equal(count_items("/api/v1/enterprises?limit=500", ent), 1);
    assert_int_equal(count_items(path, ent), 0);
    th_resp r;
    req("GET", "/api/v1/enterprises?city=999999", prov, NULL, 400, &r);
    th_resp_free(&r);
    req("GET", "/api/v1/enterprises?tag=nope", prov, NULL, 400, &r);
    th_resp_free(&r);
    req("GET", "/api/v1/enterprises?sort=founded", prov, NULL, 400, &r);
    th_resp_free(&r);
}

/* Walks every page of `query` (7 per page); inserts `insert` rows after the first page. Records each USCC seen
 * in seen[] (index = the number in the USCC) and fails on a repeat. Returns the number of rows seen. */
static int walk(const char *query, int insert_first, int insert_count, char *seen, size_t nseen) {
    char path[1100], cursor[512] = "";
    int rows = 0, page = 0;
    for (;;) {
        snprintf(path, sizeof path, "/api/v1/enterprises?limit=7&%s%s%s", query, cursor[0] ? "&cursor=" : "", cursor);
        th_resp r;
        req("GET", path, prov, NULL, 200, &r);
        json_t *it;
        size_t i;
        json_array_foreach(json_object_get(r.json, "items"), i, it) {
            char digits[6] = {0};
            memcpy(digits, jstr(it, "uscc") + 12, 5); /* the number uscc_of() put there, without the check char */
            int num = atoi(digits);
            assert_true(num >= 0 && (size_t)num < nseen);
            if (seen[num]) fail_msg("%s: %s seen twice (page %d, cursor %s)", query, jstr(it, "uscc"), page, cursor);
            seen[num] = 1, rows++;
        }
        json_t *next = json_object_get(r.json, "next_cursor");
        snprintf(cursor, sizeof cursor, "%s", json_is_string(next) ? json_string_value(next) : "");
        th_resp_free(&r);
        if (page++ == 0 && insert_count) {
            char csv[8192];
            province_csv(csv, sizeof csv, insert_first, insert_count, 1300); /* revenues on both sides of page 1 */
            assert_int_equal(th_import(&srv, csv), 0);
        }
        if (!cursor[0]) return rows;
    }
}

static void test_paging_stable_under_inserts(void **state) {
    (void)state;
    static const char *const sorts[] = {"sort=-revenue", "sort=name", "sort=employees", "sort=-id"};
    for (int s = 0; s < 4; s++) {
        char seen[1200] = {0};
        int first = 1000 + 20 * s;
        walk(sorts[s], first, 10, seen, sizeof seen);
        for (int i = 0; i < N_SZ + N_GZ; i++)
            if (!seen[i]) fail_msg("%s: enterprise %d skipped while rows were inserted", sorts[s], i);
    }
    th_resp r;
    req("GET", "/api/v1/enterprises?sort=name&cursor=LXJldmVudWU6MjA3MDc3MDAwOjMxNw", prov, NULL, 400, &r);
    th_resp_free(&r); /* a cursor of another sort */
}

static const json_t *value_of(const th_resp *r, const char *attr) {
    return json_object_get(json_object_get(r->json, "values"), attr);
}

static void test_patch_sources_and_audit(void **state) {
    (void)state;
    char u[19], path[128];
    sz(5, u);
    snprintf(path, sizeof path, "/api/v1/enterprises/%s", u);
    th_resp r;
    req("PATCH", path, city, "{\"values\":{\"revenue\":\"31000.5\",\"tags\":\"high_tech;above_scale\"},\"as_of\":\"2026-06-30\"}", 200, &r);
    assert_int_equal(json_integer_value(json_object_get(r.json, "changed")), 2);
    assert_string_equal(jstr(value_of(&r, "revenue"), "kind"), "api");
    assert_string_equal(jstr(value_of(&r, "revenue"), "source"), "city");
    assert_string_equal(jstr(value_of(&r, "revenue"), "as_of"), "2026-06-30");
    assert_string_equal(jstr(value_of(&r, "revenue"), "text"), "31000.5");
    assert_string_equal(jstr(value_of(&r, "employees"), "kind"), "import"); /* untouched values keep theirs */
    th_resp_free(&r);
    req("GET", "/api/v1/audit?limit=1&sort=-id", auditor, NULL, 200, &r);
    json_t *row = json_array_get(json_object_get(r.json, "items"), 0);
    assert_string_equal(jstr(row, "action"), "enterprise.update");
    assert_string_equal(jstr(row, "target"), u);
    assert_string_equal(jstr(row, "actor"), "city");
    assert_int_equal(strlen(jstr(row, "before_hash")), 64);
    assert_string_not_equal(jstr(row, "before_hash"), jstr(row, "after_hash"));
    th_resp_free(&r);
    /* a later correction of another value keeps the first one's source */
    req("PATCH", path, prov, "{\"values\":{\"employees\":99}}", 200, &r);
    assert_string_equal(jstr(value_of(&r, "revenue"), "source"), "city");
    assert_string_equal(jstr(value_of(&r, "employees"), "source"), "prov");
    th_resp_free(&r);
    /* invalid values change nothing and name the attribute */
    req("PATCH", path, prov, "{\"values\":{\"revenue\":\"12\",\"employees\":\"-4\"}}", 422, &r);
    assert_non_null(strstr(r.body, "employees"));
    th_resp_free(&r);
    req("PATCH", path, prov, "{\"values\":{\"uscc\":\"91440300MA5D00009X\"}}", 422, &r);
    th_resp_free(&r);
    req("PATCH", path, prov, "{\"values\":{\"colour\":\"red\"}}", 422, &r);
    th_resp_free(&r);
    req("GET", path, prov, NULL, 200, &r);
    assert_string_equal(jstr(value_of(&r, "revenue"), "text"), "31000.5");
    th_resp_free(&r);
    req("PATCH", path, city, "{\"values\":{\"city\":\"440100\"}}", 403, &r); /* only province moves enterprises */
    th_resp_free(&r);
    req("PATCH", path, ent, "{\"values\":{\"employees\":1}}", 403, &r); /* not even its own */
    th_resp_free(&r);
}

static void test_validate_positions(void **state) {
    (void)state;
    th_resp r;
    req("POST", "/api/v1/rules/validate", ent, "{\"text\":\"revenue >= 2000 and\\n  rd_ratio >= and \\\"high_tech\\\" in tags\"}", 200, &r);
    assert_true(json_is_false(json_object_get(r.json, "ok")));
    json_t *e = json_array_get(json_object_get(r.json, "errors"), 0);
    assert_int_equal(json_integer_value(json_object_get(e, "line")), 2);
    assert_int_equal(json_integer_value(json_object_get(e, "column")), 15);
    assert_non_null(strstr(jstr(e, "caret"), "^"));
    th_resp_free(&r);
    req("POST", "/api/v1/rules/validate", ent, "{\"rule\":{\"and\":[{\">=\":[{\"var\":\"revenue\"},2000]},{\"==\":[{\"var\":\"city\"},\"999999\"]},{\"<\":[{\"var\":\"colour\"},1]}]}}", 200, &r);
    assert_true(json_is_false(json_object_get(r.json, "ok")));
    assert_non_null(strstr(r.body, "unknown_attribute"));
    assert_non_null(strstr(r.body, "unknown_code"));
    th_resp_free(&r);
    req("POST", "/api/v1/rules/validate", ent, "{\"text\":\"revenue>=2000 and industry_division in [\\\"C38\\\"]\"}", 200, &r);
    assert_true(json_is_true(json_object_get(r.json, "ok")));
    assert_string_equal(jstr(r.json, "text"), "revenue >= 2000 and industry_division in [\"C38\"]");
    assert_non_null(json_object_get(json_object_get(r.json, "json"), "and"));
    assert_int_equal(json_array_size(json_object_get(r.json, "attributes")), 2);
    th_resp_free(&r);
    req("POST", "/api/v1/rules/validate", ent, "{\"nothing\":1}", 422, &r);
    th_resp_free(&r);
}

static void test_explain(void **state) {
    (void)state;
    char u[19], body[256];
    sz(1, u); /* rd_ratio 3.5, revenue 1037 */
    snprintf(body, sizeof body, "{\"text\":\"revenue >= 1000 and rd_ratio >= 4\",\"uscc\":\"%s\"}", u);
    th_resp r;
    req("POST", "/api/v1/rules/explain", ent, body, 200, &r);
    json_t *x = json_object_get(r.json, "explanation");
    assert_string_equal(jstr(x, "outcome"), "not_eligible");
    json_t *unmet = json_array_get(json_object_get(json_object_get(x, "near_miss"), "unmet"), 0);
    assert_string_equal(jstr(unmet, "attribute"), "rd_ratio");
    assert_string_equal(jstr(unmet, "source"), "import.csv");
    json_t *zh = json_object_get(json_object_get(r.json, "sentences"), "zh");
    int found = 0;
    for (size_t i = 0; i < json_array_size(zh); i++) found |= strstr(json_string_value(json_array_get(zh, i)), "研发投入占比") != NULL;
    assert_true(found);
    assert_true(json_array_size(json_object_get(json_object_get(r.json, "sentences"), "en")) >= 3);
    th_resp_free(&r);
    snprintf(body, sizeof body, "{\"text\":\"revenue >= \",\"uscc\":\"%s\"}", u);
    req("POST", "/api/v1/rules/explain", ent, body, 400, &r);
    assert_non_null(strstr(r.body, "line 1"));
    th_resp_free(&r);
}

/* Every way an enterprise user or city official might reach another's data is refused. */
static void test_scope_leaks(void **state) {
    (void)state;
    char mine[19], other_sz[19], other_gz[19], path[160], body[256];
    sz(1, mine), sz(2, other_sz), gz(N_SZ + 1, other_gz);
    th_resp r;
    snprintf(path, sizeof path, "/api/v1/enterprises/%s", mine);
    req("GET", path, ent, NULL, 200, &r);
    th_resp_free(&r);
    snprintf(path, sizeof path, "/api/v1/enterprises/%s", other_sz);
    req("GET", path, ent, NULL, 403, &r);
    assert_null(strstr(r.body, "深圳"));
    th_resp_free(&r);
    req("GET", "/api/v1/enterprises/91440300MA5D99999X", ent, NULL, 403, &r); /* unknown: same answer */
    th_resp_free(&r);
    snprintf(body, sizeof body, "{\"text\":\"revenue > 1\",\"uscc\":\"%s\"}", other_sz);
    req("POST", "/api/v1/rules/explain", ent, body, 403, &r);
    th_resp_free(&r);
    snprintf(path, sizeof path, "/api/v1/enterprises/%s", other_gz);
    req("GET", path, city, NULL, 403, &r);
    th_resp_free(&r);
    req("PATCH", path, city, "{\"values\":{\"employees\":5}}", 403, &r);
    th_resp_free(&r);
    snprintf(body, sizeof body, "{\"text\":\"revenue > 1\",\"uscc\":\"%s\"}", other_gz);
    req("POST", "/api/v1/rules/explain", city, body, 403, &r);
    th_resp_free(&r);
    req("GET", "/api/v1/enterprises/91440300MA5D99999X", city, NULL, 403, &r);
    th_resp_free(&r);
    req("GET", "/api/v1/enterprises/91440300MA5D99999X", prov, NULL, 404, &r);
    th_resp_free(&r);
    req("GET", path, prov, NULL, 200, &r);
    th_resp_free(&r);
}

/* eligible count of a rule for a caller (body may carry "city"). */
static json_int_t eligible(const char *tok, const char *body) {
    th_resp r;
    req("POST", "/api/v1/rules/match", tok, body, 200, &r);
    json_int_t n = json_integer_value(json_object_get(r.json, "eligible"));
    th_resp_free(&r);
    return n;
}

/* How many enterprises of the database itself have revenue >= 1200, by an index built here from the store. */
static json_int_t stored_eligible(void) {
    tu_store *st = NULL;
    tu_match_svc *m = NULL;
    json_t *logic = json_pack("{s:[{s:s},i]}", ">=", "var", "revenue", 1200), *out = NULL;
    assert_int_equal(tu_store_open(srv.db, 0, &st, NULL), TU_OK);
    assert_int_equal(tu_match_svc_open(st, NULL, &m, NULL), TU_OK);
    assert_int_equal(tu_match_svc_count(m, logic, 0, &out, NULL), TU_OK);
    json_int_t n = json_integer_value(json_object_get(out, "eligible"));
    json_decref(out), json_decref(logic);
    tu_match_svc_close(m);
    tu_store_close(st);
    return n;
}

static void test_match_counts_follow_writes(void **state) {
    (void)state;
    const char *rule = "{\"text\":\"revenue >= 1200\"}", *rule_gz = "{\"text\":\"revenue >= 1200\",\"city\":\"440100\"}";
    /* the imports of the paging test reach the server's index through the change feed: wait for them (10 s) */
    json_int_t want = stored_eligible();
    for (int tries = 0; tries < 200 && eligible(prov, rule) != want; tries++) {
        struct timespec pause = {0, 50 * 1000000L};
        nanosleep(&pause, NULL);
    }
    assert_int_equal(eligible(prov, rule), want);
    json_int_t all = eligible(prov, rule), gz_n = eligible(prov, rule_gz), sz_n = eligible(city, rule);
    assert_true(all > 0 && gz_n > 0 && sz_n > 0);
    assert_int_equal(all, gz_n + sz_n); /* the province holds these two cities only */
    th_resp r;
    req("POST", "/api/v1/rules/match", prov, rule, 200, &r);
    json_t *bd = json_object_get(json_object_get(r.json, "breakdown"), "eligible");
    assert_int_equal(json_integer_value(json_object_get(json_object_get(bd, "city"), "440100")), gz_n);
    json_int_t sized = 0;
    const char *k;
    json_t *v;
    json_object_foreach(json_object_get(bd, "size"), k, v) sized += json_integer_value(v);
    assert_int_equal(sized, all);
    th_resp_free(&r);
    /* a correction through the API is visible in the next count */
    char u[19], path[128];
    gz(27, u); /* revenue 1000 + 27 * 37 % 500 = 1499: eligible now */
    snprintf(path, sizeof path, "/api/v1/enterprises/%s", u);
    req("PATCH", path, prov, "{\"values\":{\"revenue\":\"900\"}}", 200, &r);
    th_resp_free(&r);
    assert_int_equal(eligible(prov, rule), all - 1);
    assert_int_equal(eligible(prov, rule_gz), gz_n - 1);
    assert_int_equal(eligible(city, rule), sz_n); /* the city official sees its city only */
    req("POST", "/api/v1/rules/match", city, rule_gz, 403, &r); /* ... and cannot ask for another */
    th_resp_free(&r);
    req("POST", "/api/v1/rules/match", ent, rule, 403, &r);
    th_resp_free(&r);
    req("POST", "/api/v1/rules/match", prov, "{\"text\":\"revenue >=\"}", 400, &r);
    th_resp_free(&r);
}

static int has_policy(const json_t *list, json_int_t id) {
    size_t i;
    json_t *p;
    json_array_foreach(list, i, p) if (json_integer_value(json_object_get(p, "id")) == id) return 1;
    return 0;
}

static void test_enterprise_policies(void **state) {
    (void)state;
    char u[19], path[160];
    sz(1, u); /* revenue 1037, rd_ratio 3.5, no energy figure */
    snprintf(path, sizeof path, "/api/v1/enterprises/%s/policies", u);
    th_resp r;
    req("GET", path, ent, NULL, 200, &r);
    assert_int_equal(json_integer_value(json_object_get(r.json, "policies")), 3);
    assert_true(has_policy(json_object_get(r.json, "eligible"), 11));
    json_t *near = json_object_get(r.json, "near_miss");
    assert_true(has_policy(near, 12));
    assert_true(has_policy(json_object_get(r.json, "unknown"), 13));
    json_t *p12 = json_array_get(near, 0);
    assert_string_equal(jstr(json_object_get(p12, "explanation"), "outcome"), "not_eligible");
    json_t *zh = json_object_get(json_object_get(p12, "sentences"), "zh");
    int found = 0;
    for (size_t i = 0; i < json_array_size(zh); i++) found |= strstr(json_string_value(json_array_get(zh, i)), "研发投入占比") != NULL;
    assert_true(found);
    th_resp_free(&r);
    snprintf(path, sizeof path, "/api/v1/enterprises/%s/policies?explain=0", u);
    req("GET", path, city, NULL, 200, &r);
    assert_null(json_object_get(json_array_get(json_object_get(r.json, "eligible"), 0), "explanation"));
    th_resp_free(&r);
    snprintf(path, sizeof path, "/api/v1/enterprises/%s/policies?explain=0&lists=eligible", u);
    req("GET", path, city, NULL, 200, &r); /* one list, the counts of all three */
    assert_true(has_policy(json_object_get(r.json, "eligible"), 11));
    assert_null(json_object_get(r.json, "near_miss"));
    assert_null(json_object_get(r.json, "unknown"));
    json_t *counts = json_object_get(r.json, "counts");
    assert_int_equal(json_integer_value(json_object_get(counts, "near_miss")), 1);
    assert_int_equal(json_integer_value(json_object_get(counts, "unknown")), 1);
    th_resp_free(&r);
    snprintf(path, sizeof path, "/api/v1/enterprises/%s/policies?lists=eligible,maybe", u);
    req("GET", path, city, NULL, 400, &r);
    th_resp_free(&r);
    snprintf(path, sizeof path, "/api/v1/enterprises/%s/policies?explain=0&offset=1&limit=1", u);
    req("GET", path, city, NULL, 200, &r); /* each list from its second item: all three have one */
    assert_int_equal(json_array_size(json_object_get(r.json, "eligible")), 0);
    assert_int_equal(json_array_size(json_object_get(r.json, "near_miss")), 0);
    assert_int_equal(json_integer_value(json_object_get(json_object_get(r.json, "counts"), "eligible")), 1);
    th_resp_free(&r);
    snprintf(path, sizeof path, "/api/v1/enterprises/%s/policies?explain=0&limit=1", u);
    req("GET", path, city, NULL, 200, &r);
    assert_true(has_policy(json_object_get(r.json, "eligible"), 11));
    th_resp_free(&r);
    snprintf(path, sizeof path, "/api/v1/enterprises/%s/policies?limit=-3", u);
    req("GET", path, city, NULL, 400, &r);
    th_resp_free(&r);
    sz(2, u);
    snprintf(path, sizeof path, "/api/v1/enterprises/%s/policies", u);
    req("GET", path, ent, NULL, 403, &r);
    th_resp_free(&r);
    gz(N_SZ + 3, u);
    snprintf(path, sizeof path, "/api/v1/enterprises/%s/policies", u);
    req("GET", path, city, NULL, 403, &r);
    th_resp_free(&r);
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_session_probe),
        cmocka_unit_test(test_catalog),
        cmocka_unit_test(test_search_filters_and_reach),
        cmocka_unit_test(test_paging_stable_under_inserts),
        cmocka_unit_test(test_patch_sources_and_audit),
        cmocka_unit_test(test_validate_positions),
        cmocka_unit_test(test_explain),
        cmocka_unit_test(test_scope_leaks),
        cmocka_unit_test(test_match_counts_follow_writes),
        cmocka_unit_test(test_enterprise_policies),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
