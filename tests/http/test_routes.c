/* Tests of the route table (src/http/routes.c) against a real server: the role matrix — every route x every role
 * (and anonymous), plus own / other resource for scoped routes — and the table's coverage by the matrix.
 *
 * To add a route: add its row to `matrix` below with the roles that may use it. The test fails when a route of the
 * table has no row (or a row names no route), when an allowed role is refused, or when any other role gets
 * anything but 403 (anonymous: 401). For scoped routes write "{own}" in the path (or body): it is replaced by each
 * scoped role's own scope value and then by another one (OTHER_* below), which scoped roles must be refused. Rows
 * with ent = 1 name an enterprise: "own" is an enterprise of the enterprise user and of the city official's city
 * (own_uscc, in 440300), "other" one of another city (other_uscc, in 440100), both in the database. Rows with
 * ent = 2 name a project: "own" is a project of own_uscc that chose the bank officer's bank, "other" a draft of
 * other_uscc (made over the API in setup). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <curl/curl.h>
#include <signal.h>
#include <cmocka.h>

#include "core/codes.h"
#include "harness.h"
#include "http/http_int.h"
#include "proj_fixture.h"

#define B(x) TU_ROLE_BIT(TU_ROLE_##x)
#define ANYONE TU_ROLES_ALL
#define PUBLIC (1u << 31) /* no login needed */

typedef struct {
    const char *method, *pattern; /* the route table row it covers */
    const char *path;             /* concrete path, "{own}" replaced per role */
    const char *body;
    unsigned allowed;
    int fresh; /* the call ends the session: use a fresh one */
    int ent;   /* {own} is an enterprise (see above) */
} mrow;
#define ENT_READERS (B(ENTERPRISE) | B(CITY_OFFICIAL) | B(PROVINCIAL_OFFICIAL) | B(AUDITOR))
#define OFFICIALS (B(CITY_OFFICIAL) | B(PROVINCIAL_OFFICIAL))
#define PROJ_READERS (ENT_READERS | B(BANK_OFFICER))

/* clang-format off */
static const mrow matrix[] = {
    {"GET",    "/healthz",                    "/healthz",                       NULL, PUBLIC, 0, 0},
    {"GET",    "/metrics",                    "/metrics",                       NULL, PUBLIC, 0, 0},
    {"GET",    "/api/v1/session",             "/api/v1/session",                NULL, PUBLIC, 0, 0},
    {"POST",   "/api/v1/session",             "/api/v1/session",                "{\"username\":\"spare\",\"password\":\"sparepassword\"}", PUBLIC, 0, 0},
    {"DELETE", "/api/v1/session",             "/api/v1/session",                NULL, ANYONE, 1, 0},
    {"GET",    "/api/v1/me",                  "/api/v1/me",                     NULL, ANYONE, 0, 0},
    {"PUT",    "/api/v1/me/password",         "/api/v1/me/password",            "{\"old_password\":\"not-the-password\",\"new_password\":\"whatever-12345\"}", ANYONE, 0, 0},
    {"GET",    "/api/v1/me/keys",             "/api/v1/me/keys",                NULL, ANYONE, 0, 0},
    {"POST",   "/api/v1/me/keys",             "/api/v1/me/keys",                "{\"name\":\"matrix\",\"days\":1}", ANYONE, 0, 0},
    {"DELETE", "/api/v1/me/keys/{id}",        "/api/v1/me/keys/999999",         NULL, ANYONE, 0, 0},
    {"GET",    "/api/v1/users",               "/api/v1/users",                  NULL, B(ADMIN) | B(AUDITOR), 0, 0},
    {"POST",   "/api/v1/users",               "/api/v1/users",                  "{\"username\":\"m\",\"role\":\"auditor\",\"password\":\"x\"}", B(ADMIN), 0, 0},
    {"GET",    "/api/v1/users/{id}",          "/api/v1/users/1",                NULL, B(ADMIN) | B(AUDITOR), 0, 0},
    {"PATCH",  "/api/v1/users/{id}",          "/api/v1/users/999999",           "{}", B(ADMIN), 0, 0},
    {"PUT",    "/api/v1/users/{id}/password", "/api/v1/users/999999/password",  "{\"password\":\"longenough-123\"}", B(ADMIN), 0, 0},
    {"GET",    "/api/v1/audit",               "/api/v1/audit?limit=2",          NULL, B(ADMIN) | B(AUDITOR), 0, 0},
    {"GET",    "/api/v1/audit/verify",        "/api/v1/audit/verify",           NULL, B(ADMIN) | B(AUDITOR), 0, 0},
    {"GET",    "/api/v1/catalog",             "/api/v1/catalog",                NULL, PUBLIC, 0, 0},
    {"GET",    "/api/v1/enterprises",         "/api/v1/enterprises?limit=5",    NULL, ENT_READERS, 0, 0},
    {"GET",    "/api/v1/enterprises/{uscc}",  "/api/v1/enterprises/{own}",      NULL, ENT_READERS, 0, 1},
    {"PATCH",  "/api/v1/enterprises/{uscc}",  "/api/v1/enterprises/{own}",      "{\"values\":{\"employees\":\"77\"}}", OFFICIALS, 0, 1},
    {"GET",    "/api/v1/enterprises/{uscc}/policies", "/api/v1/enterprises/{own}/policies", NULL, ENT_READERS, 0, 1},
    {"POST",   "/api/v1/rules/match",         "/api/v1/rules/match",            "{\"text\":\"revenue > 1\"}", OFFICIALS, 0, 0},
    {"POST",   "/api/v1/rules/validate",      "/api/v1/rules/validate",         "{\"text\":\"revenue > 1\"}", ANYONE, 0, 0},
    {"POST",   "/api/v1/rules/explain",       "/api/v1/rules/explain",          "{\"text\":\"revenue > 1\",\"uscc\":\"{own}\"}", ENT_READERS, 0, 1},
    /* upgrade projects (bodies fail validation after the gates, so the matrix changes nothing) */
    {"POST",   "/api/v1/projects",            "/api/v1/projects",               "{\"uscc\":\"{own}\"}", B(ENTERPRISE), 0, 1},
    {"GET",    "/api/v1/projects",            "/api/v1/projects?limit=5",       NULL, PROJ_READERS, 0, 0},
    {"GET",    "/api/v1/projects/overdue",    "/api/v1/projects/overdue",       NULL, PROJ_READERS, 0, 0},
    {"GET",    "/api/v1/projects/{id}",       "/api/v1/projects/{own}",         NULL, PROJ_READERS, 0, 2},
    {"PUT",    "/api/v1/projects/{id}",       "/api/v1/projects/{own}",         "{}", B(ENTERPRISE), 0, 2},
    {"GET",    "/api/v1/projects/{id}/events", "/api/v1/projects/{own}/events", NULL, PROJ_READERS, 0, 2},
    {"POST",   "/api/v1/projects/{id}/transitions", "/api/v1/projects/{own}/transitions", "{\"action\":\"no-such-step\"}", B(ENTERPRISE) | OFFICIALS, 0, 2},
    {"GET",    "/api/v1/projects/{id}/energy-review", "/api/v1/projects/{own}/energy-review", NULL, PROJ_READERS, 0, 2},
    {"POST",   "/api/v1/projects/{id}/energy-review", "/api/v1/projects/{own}/energy-review", "{\"passed\":\"maybe\"}", OFFICIALS, 0, 2},
    {"GET",    "/api/v1/projects/{id}/awards", "/api/v1/projects/{own}/awards", NULL, PROJ_READERS, 0, 2},
    {"POST",   "/api/v1/projects/{id}/applications", "/api/v1/projects/{own}/applications", "{}", B(ENTERPRISE), 0, 2},
    {"POST",   "/api/v1/projects/{id}/awards/{app}/adjustments", "/api/v1/projects/{own}/awards/999999/adjustments", "{}", OFFICIALS, 0, 2},
    {"POST",   "/api/v1/projects/{id}/awards/{app}/disbursements", "/api/v1/projects/{own}/awards/999999/disbursements", "{}", B(PROVINCIAL_OFFICIAL), 0, 2},
    {"GET",    "/api/v1/projects/{id}/loan-products", "/api/v1/projects/{own}/loan-products", NULL, PROJ_READERS, 0, 2},
    {"POST",   "/api/v1/projects/{id}/loan",  "/api/v1/projects/{own}/loan",    "{}", B(ENTERPRISE), 0, 2},
    {"GET",    "/api/v1/projects/{id}/interest-subsidy", "/api/v1/projects/{own}/interest-subsidy?policy=none", NULL, PROJ_READERS, 0, 2},
    {"GET",    "/api/v1/quota/{city}/{year}", "/api/v1/quota/{own}/2026",       NULL, OFFICIALS | B(AUDITOR), 0, 0},
    {"POST",   "/api/v1/quota/{city}/{year}/allocations", "/api/v1/quota/{own}/2026/allocations", "{\"mu\":\"x\"}", B(PROVINCIAL_OFFICIAL), 0, 0},
    {"POST",   "/api/v1/quota/{city}/{year}/projects/{id}", "/api/v1/quota/{own}/2026/projects/999999", "{\"action\":\"x\"}", OFFICIALS, 0, 0},
    {"POST",   "/api/v1/quota/{city}/{year}/advances", "/api/v1/quota/{own}/2026/advances", "{\"mu\":\"x\"}", B(CITY_OFFICIAL), 0, 0},
    {"POST",   "/api/v1/quota/{city}/{year}/settlement", "/api/v1/quota/{own}/1999/settlement", NULL, B(PROVINCIAL_OFFICIAL), 0, 0},
    {"POST",   "/api/v1/quota/advances/{id}/decision", "/api/v1/quota/advances/999999/decision", "{}", B(PROVINCIAL_OFFICIAL), 0, 0},
    {"GET",    "/api/v1/loan-products",       "/api/v1/loan-products",          NULL, PROJ_READERS, 0, 0},
    {"POST",   "/api/v1/banks/{bank}/loan-products", "/api/v1/banks/{own}/loan-products", "{}", B(BANK_OFFICER), 0, 0},
    {"GET",    "/api/v1/banks/{bank}/projects", "/api/v1/banks/{own}/projects", NULL, B(BANK_OFFICER), 0, 0},
    {"GET",    "/api/v1/enterprises/{uscc}/inbox", "/api/v1/enterprises/{own}/inbox", NULL, ENT_READERS, 0, 1},
    {"PATCH",  "/api/v1/enterprises/{uscc}/inbox/{item}", "/api/v1/enterprises/{own}/inbox/c999", "{\"state\":\"read\"}", B(ENTERPRISE), 0, 1},
    /* creates dispute 1 (own enterprise, city 440300), which the resolve row below resolves (city official first) */
    {"POST",   "/api/v1/enterprises/{uscc}/disputes", "/api/v1/enterprises/{own}/disputes", "{\"attribute\":\"employees\",\"proposed_value\":\"61\"}", B(ENTERPRISE), 0, 1},
    {"GET",    "/api/v1/enterprises/{uscc}/disputes", "/api/v1/enterprises/{own}/disputes", NULL, ENT_READERS, 0, 1},
    {"GET",    "/api/v1/disputes",            "/api/v1/disputes?status=open",   NULL, OFFICIALS, 0, 0},
    {"POST",   "/api/v1/disputes/{id}/resolve", "/api/v1/disputes/1/resolve",   "{\"decision\":\"reject\",\"comment\":\"matrix\"}", OFFICIALS, 0, 0},
    {"GET",    "/api/v1/enterprises/{uscc}/preferences", "/api/v1/enterprises/{own}/preferences", NULL, ENT_READERS, 0, 1},
    {"PUT",    "/api/v1/enterprises/{uscc}/preferences", "/api/v1/enterprises/{own}/preferences", "{\"max_per_week\":3}", B(ENTERPRISE), 0, 1},
    {"GET",    "/api/v1/me/subscriptions",    "/api/v1/me/subscriptions",       NULL, ANYONE, 0, 0},
    {"POST",   "/api/v1/me/subscriptions",    "/api/v1/me/subscriptions",       "{\"query\":{\"q\":\"设备\"}}", ANYONE, 0, 0},
    {"DELETE", "/api/v1/me/subscriptions/{id}", "/api/v1/me/subscriptions/999999", NULL, ANYONE, 0, 0},
    {"GET",    "/api/v1/policies/{id}/funnel", "/api/v1/policies/999999/funnel", NULL, OFFICIALS, 0, 0},
    {"GET",    "/api/v1/grants",              "/api/v1/grants?policy=1",        NULL, OFFICIALS, 0, 0},
    {"POST",   "/api/v1/grants",              "/api/v1/grants",                 "{\"policy\":999999}", OFFICIALS, 0, 0},
    {"GET",    "/api/v1/grants/{id}",         "/api/v1/grants/999999",          NULL, OFFICIALS, 0, 0},
    {"POST",   "/api/v1/grants/{id}/approve", "/api/v1/grants/999999/approve",  NULL, OFFICIALS, 0, 0},
    {"GET",    "/api/v1/grants/{id}/export",  "/api/v1/grants/999999/export?format=csv", NULL, OFFICIALS, 0, 0},
    {"GET",    "/api/v1/policies",            "/api/v1/policies?q=%E8%AE%BE%E5%A4%87%E6%9B%B4%E6%96%B0", NULL, PUBLIC, 0, 0},
    {"GET",    "/api/v1/policies/{id}",       "/api/v1/policies/999999",        NULL, PUBLIC, 0, 0},
    {"POST",   "/api/v1/policies",            "/api/v1/policies",               "{\"code\":\"\"}", OFFICIALS, 0, 0},
    {"PUT",    "/api/v1/policies/{id}",       "/api/v1/policies/999999",        "{\"code\":\"\"}", OFFICIALS, 0, 0},
    {"POST",   "/api/v1/policies/{id}/preview", "/api/v1/policies/999999/preview", NULL, OFFICIALS, 0, 0},
    {"POST",   "/api/v1/policies/{id}/publish", "/api/v1/policies/999999/publish", NULL, OFFICIALS, 0, 0},
    {"POST",   "/api/v1/policies/{id}/withdraw", "/api/v1/policies/999999/withdraw", NULL, OFFICIALS, 0, 0},
    {"GET",    "/api/v1/policies/{id}/versions", "/api/v1/policies/999999/versions", NULL, OFFICIALS, 0, 0},
};
/* clang-format on */
#define NMATRIX (sizeof matrix / sizeof matrix[0])

#define OTHER_USCC_17 "91440100MA5E00001"
#define OTHER_CITY "440100"
#define OTHER_BANK "ccb-gd"

static th_server srv;
static char own_uscc[19], other_uscc[19];
static char own_proj[24], other_proj[24]; /* project ids (ent = 2 rows) */
static const char *const scopes[TU_ROLE_COUNT] = {own_uscc, "440300", "", "icbc-gd", "", ""};
static char *tokens[TU_ROLE_COUNT];

static const char *method_of(int m) {
    return m == TU_M_GET ? "GET" : m == TU_M_POST ? "POST" : m == TU_M_PUT ? "PUT" : m == TU_M_PATCH ? "PATCH" : "DELETE";
}

static void user_name(int role, char *buf, size_t n) { snprintf(buf, n, "u-%s", tu_role_name(role)); }

/* Sends a request that must answer `want`; copies the "id" of the reply into id (may be NULL). */
static int call(const char *method, const char *path, const char *tok, const char *body, long want, char *id) {
    th_resp r;
    long st = th_req(&srv, method, path, tok, body, NULL, &r);
    if (st != want) fprintf(stderr, "setup: %s %s: %ld %s\n", method, path, st, r.body ? r.body : "");
    if (id) snprintf(id, 24, "%lld", (long long)json_integer_value(json_object_get(r.json, "id")));
    th_resp_free(&r);
    return st == want ? 0 : -1;
}

/* The own project (submitted, financed by the bank officer's bank) and the other (a draft of another city). */
static int make_projects(void) {
    char body[2048], path[128], product[24];
    char *other = th_login(&srv, "other-ent", "matrixpassword");
    if (!other) return -1;
    pf_project_json(body, sizeof body, other_uscc, OTHER_CITY, "2401-440100-04-02-000002", "10", "1");
    int rc = call("POST", "/api/v1/projects", other, body, 201, other_proj);
    free(other);
    pf_project_json(body, sizeof body, own_uscc, "440300", "2401-440300-04-02-000001", "10", "1");
    if (!rc) rc = call("POST", "/api/v1/projects", tokens[TU_ROLE_ENTERPRISE], body, 201, own_proj);
    snprintf(path, sizeof path, "/api/v1/projects/%s/transitions", own_proj);
    if (!rc) rc = call("POST", path, tokens[TU_ROLE_ENTERPRISE], "{\"action\":\"submit\"}", 200, NULL);
    if (!rc) rc = call("POST", "/api/v1/banks/icbc-gd/loan-products", tokens[TU_ROLE_BANK_OFFICER],
                       "{\"name\":\"技改贷\",\"rate_bp\":350,\"term_months\":36,\"min_amount\":\"1000000\","
                       "\"max_amount\":\"50000000\"}", 201, product);
    snprintf(path, sizeof path, "/api/v1/projects/%s/loan", own_proj);
    snprintf(body, sizeof body, "{\"product\":%s,\"principal\":\"20000000\"}", product);
    if (!rc) rc = call("POST", path, tokens[TU_ROLE_ENTERPRISE], body, 200, NULL);
    return rc;
}

static int setup(void **state) {
    (void)state;
    curl_global_init(CURL_GLOBAL_ALL);
    memcpy(own_uscc, "91440300MA5D00001", 17);
    own_uscc[17] = tu_uscc_check_char(own_uscc), own_uscc[18] = '\0';
    memcpy(other_uscc, OTHER_USCC_17, 17);
    other_uscc[17] = tu_uscc_check_char(other_uscc), other_uscc[18] = '\0';
    th_init(&srv);
    char name[64];
    for (int r = 0; r < TU_ROLE_COUNT; r++) {
        user_name(r, name, sizeof name);
        if (th_user_add(&srv, name, tu_role_name(r), *scopes[r] ? scopes[r] : NULL, "matrixpassword") != 0) return -1;
    }
    if (th_user_add(&srv, "spare", "auditor", NULL, "sparepassword") != 0) return -1;
    if (th_user_add(&srv, "other-ent", "enterprise", other_uscc, "matrixpassword") != 0) return -1;
    char csv[512];
    snprintf(csv, sizeof csv, "uscc,name,city,industry,revenue,employees,tags\n%s,Own Co,440300,C38,2500,60,high_tech\n"
             "%s,Other Co,440100,C39,900,20,\n", own_uscc, other_uscc);
    if (th_import(&srv, csv) != 0) return -1;
    if (th_start(&srv, NULL, NULL) != 0) return -1;
    for (int r = 0; r < TU_ROLE_COUNT; r++) {
        user_name(r, name, sizeof name);
        if (!(tokens[r] = th_login(&srv, name, "matrixpassword"))) return -1;
    }
    th_resp r; /* both enterprises must exist, or "other" would be refused for the wrong reason */
    th_req(&srv, "GET", "/api/v1/enterprises", tokens[TU_ROLE_PROVINCIAL_OFFICIAL], NULL, NULL, &r);
    size_t n = json_array_size(json_object_get(r.json, "items"));
    th_resp_free(&r);
    return n == 2 ? make_projects() : -1;
}

static int teardown(void **state) {
    (void)state;
    for (int r = 0; r < TU_ROLE_COUNT; r++) free(tokens[r]);
    return th_finish(&srv);
}

static void test_matrix_covers_table(void **state) {
    (void)state;
    for (int i = 0; i < tu__route_count; i++) {
        size_t k = 0;
        while (k < NMATRIX && !(strcmp(matrix[k].pattern, tu__routes[i].pattern) == 0 &&
                                strcmp(matrix[k].method, method_of(tu__routes[i].method)) == 0))
            k++;
        if (k == NMATRIX) fail_msg("route %s %s has no row in the role matrix", method_of(tu__routes[i].method), tu__routes[i].pattern);
        unsigned want = tu__routes[i].roles == TU_PUBLIC ? PUBLIC : tu__routes[i].roles;
        if (matrix[k].allowed != want) fail_msg("route %s %s: the matrix and the table disagree on roles", matrix[k].method, matrix[k].pattern);
    }
    for (size_t k = 0; k < NMATRIX; k++) {
        int found = 0;
        for (int i = 0; i < tu__route_count && !found; i++)
            found = strcmp(matrix[k].pattern, tu__routes[i].pattern) == 0 && strcmp(matrix[k].method, method_of(tu__routes[i].method)) == 0;
        if (!found) fail_msg("matrix row %s %s names no route", matrix[k].method, matrix[k].pattern);
    }
}

/* Replaces "{own}" in text (a row's path or body) with value. */
static void concrete_text(const char *text, const char *value, char *out, size_t n) {
    const char *p = text ? strstr(text, "{own}") : NULL;
    if (!text) out[0] = '\0';
    else if (!p) snprintf(out, n, "%s", text);
    else snprintf(out, n, "%.*s%s%s", (int)(p - text), text, value, p + 5);
}

static const char *other_scope(int role) {
    return role == TU_ROLE_ENTERPRISE ? other_uscc : role == TU_ROLE_CITY_OFFICIAL ? OTHER_CITY : OTHER_BANK;
}

static void check(const mrow *m, int role, const char *path, const char *body, int expect_allowed) {
    char name[64], *fresh = NULL;
    const char *tok = role < 0 ? NULL : tokens[role];
    if (role >= 0 && m->fresh) {
        user_name(role, name, sizeof name);
        tok = fresh = th_login(&srv, name, "matrixpassword");
        assert_non_null(fresh);
    }
    th_resp r;
    long st = th_req(&srv, m->method, path, tok, body, NULL, &r);
    const char *who = role < 0 ? "anonymous" : tu_role_name(role);
    if (expect_allowed && (st == 401 || st == 403 || st >= 500 || st == 0))
        fail_msg("%s %s as %s: refused or failed (%ld %s)", m->method, path, who, st, r.body ? r.body : "");
    if (!expect_allowed) {
        long want = role < 0 ? 401 : 403;
        if (st != want || strcmp(th_error_code(&r), role < 0 ? "unauthenticated" : "forbidden") != 0)
            fail_msg("%s %s as %s: LEAK or wrong refusal, got %ld (want %ld) %s", m->method, path, who, st, want,
                     r.body ? r.body : "");
    }
    th_resp_free(&r);
    free(fresh);
}

/* The own / other value of a row for a role; scoped = the role is refused others' resources. */
static const char *own_value(const mrow *m, int role, int *scoped) {
    *scoped = m->ent ? role == TU_ROLE_ENTERPRISE || role == TU_ROLE_CITY_OFFICIAL : *scopes[role] != '\0';
    if (m->ent == 2) *scoped = *scopes[role] != '\0';
    return m->ent == 2 ? own_proj : m->ent || !*scoped ? own_uscc : scopes[role];
}

static const char *other_value(const mrow *m, int role) {
    return m->ent == 2 ? other_proj : m->ent ? other_uscc : other_scope(role);
}

static void check_with(const mrow *m, int role, const char *value, int expect_allowed) {
    char path[512], body[1024];
    concrete_text(m->path, value, path, sizeof path);
    concrete_text(m->body, value, body, sizeof body);
    check(m, role, path, m->body ? body : NULL, expect_allowed);
}

static void test_role_matrix(void **state) {
    (void)state;
    for (size_t k = 0; k < NMATRIX; k++) {
        const mrow *m = &matrix[k];
        check_with(m, -1, "x", m->allowed == PUBLIC);
        for (int role = 0; role < TU_ROLE_COUNT; role++) {
            int allowed = m->allowed == PUBLIC || (m->allowed & TU_ROLE_BIT(role)), scoped;
            check_with(m, role, own_value(m, role, &scoped), allowed);
            if (!strstr(m->path, "{own}") && !(m->body && strstr(m->body, "{own}"))) continue;
            check_with(m, role, scoped || m->ent == 2 ? other_value(m, role) : other_uscc, allowed && !scoped);
        }
    }
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_matrix_covers_table),
        cmocka_unit_test(test_role_matrix),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
