/* Integration tests of the upgrade-project routes against a real `techup serve`: an enterprise declares and
 * submits, another city's official cannot see it, city then provincial review approve, the energy-review gate
 * blocks the start until the review passes, a quota reservation beyond the balance is refused with nothing
 * written, an award computed from the policy store is adjusted with a reason and shown with its explanation,
 * and a bank officer sees only the projects that chose its bank. */
#include <pthread.h>
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

#include "core/codes.h"
#include "harness.h"
#include "proj_fixture.h"

static th_server srv;
static char sz_uscc[19], gz_uscc[19];
static char *ent, *city, *gzcity, *prov, *bank, *bank2, *aud;
static int serial; /* makes filing codes unique */

static void uscc_of(const char *prefix17, char out[19]) {
    memcpy(out, prefix17, 17);
    out[17] = tu_uscc_check_char(out), out[18] = '\0';
}

/* The policy of the award test: 10 % of the equipment investment, cap 5 million yuan per enterprise. */
static const char equipment_fmt[] =
    "{\"code\":\"%s\",\"title\":{\"zh\":\"设备更新奖励\",\"en\":\"Equipment reward\"},"
    "\"department\":\"广东省工业和信息化厅\",\"doc_number\":\"粤工信〔2024〕1号\",\"category\":\"equipment_reward\","
    "\"valid_from\":\"2020-01-01\",\"rule\":{\"==\":[{\"var\":\"industry_section\"},\"C\"]},"
    "\"benefit\":{\"/\":[{\"var\":\"project.equipment_investment\"},10]},\"mode\":\"apply\","
    "\"groups\":[\"equipment\"],\"cap_fen\":500000000}";

/* The equipment policy under a code, into buf. */
static const char *equipment_doc(char *buf, size_t n, const char *code) {
    snprintf(buf, n, equipment_fmt, code);
    return buf;
}

/* The interest-subsidy policy over the chosen loan: half the interest at min(rate, 3 %) over loan.days. */
static const char subsidy_doc[] =
    "{\"code\":\"gd-loan-subsidy\",\"title\":{\"zh\":\"技改贷款贴息\",\"en\":\"Loan interest subsidy\"},"
    "\"department\":\"广东省工业和信息化厅\",\"doc_number\":\"粤工信〔2024〕2号\",\"category\":\"loan_interest\","
    "\"valid_from\":\"2020-01-01\",\"rule\":{\"==\":[{\"var\":\"industry_section\"},\"C\"]},"
    "\"benefit\":{\"*\":[{\"var\":\"loan.principal\"},{\"min\":[{\"var\":\"loan.rate_bp\"},300]},0.0001,0.5,"
    "{\"/\":[{\"var\":\"loan.days\"},360]}]},\"mode\":\"apply\"}";

/* Runs `techup policy ARGS...` on the server's database; 0 or the exit status (stderr printed). */
static int policy_cli(const char *a1, const char *a2, const char *a3, const char *a4) {
    char msg[1024];
    const char *args[] = {"policy", a1, a2, a3, a4, NULL};
    int rc = th_techup(&srv, NULL, msg, sizeof msg, args);
    if (rc) fprintf(stderr, "policy %s: %s\n", a1, msg);
    return rc;
}

/* Adds and publishes a policy document through the CLI (the policy routes are another issue's). */
static int add_policy(const char *code, const char *doc) {
    char path[192], empty[192];
    snprintf(path, sizeof path, "%s/%s.json", srv.dir, code);
    snprintf(empty, sizeof empty, "%s/nobody.txt", srv.dir);
    FILE *f = fopen(path, "w"), *g = fopen(empty, "w");
    if (!f || !g) return -1;
    fputs(doc, f);
    fclose(f), fclose(g);
    return policy_cli("add", path, NULL, NULL) || policy_cli("preview", code, NULL, NULL) ||
           policy_cli("publish", code, "--recipients-from", empty);
}

static int add_users(void) {
    return th_user_add(&srv, "ent", "enterprise", sz_uscc, "entpassword12") ||
           th_user_add(&srv, "city", "city_official", "440300", "citypassword1") ||
           th_user_add(&srv, "gzcity", "city_official", "440100", "citypassword1") ||
           th_user_add(&srv, "prov", "provincial_official", NULL, "provpassword1") ||
           th_user_add(&srv, "bank", "bank_officer", "icbc-gd", "bankpassword1") ||
           th_user_add(&srv, "bank2", "bank_officer", "ccb-gd", "bankpassword1") ||
           th_user_add(&srv, "aud", "auditor", NULL, "audpassword12");
}

static int setup(void **state) {
    (void)state;
    curl_global_init(CURL_GLOBAL_ALL);
    th_init(&srv);
    uscc_of("91440300MA5D00001", sz_uscc);
    uscc_of("91440100MA5E00001", gz_uscc);
    char csv[512];
    snprintf(csv, sizeof csv,
             "uscc,name,city,industry,revenue,employees,tags\n%s,深圳精密,440300,C38,25000,300,"
             "above_scale\n%s,广州精密,440100,C39,9000,80,\n",
             sz_uscc, gz_uscc);
    char green[192], doc[2048];
    snprintf(green, sizeof green, "%s/green.json", srv.dir);
    FILE *f = fopen(green, "w");
    if (!f) return -1;
    fputs("{\"rule\":{\"==\":[{\"var\":\"project.type\"},\"green_low_carbon\"]},\"skip\":[\"city_review\"]}", f);
    fclose(f);
    const char *args[] = {"--green", green, NULL};
    if (th_import(&srv, csv) || add_users() ||
        add_policy("gd-equipment-test", equipment_doc(doc, sizeof doc, "gd-equipment-test")) ||
        add_policy("gd-loan-subsidy", subsidy_doc) || th_start(&srv, args, NULL))
        return -1;
    ent = th_login(&srv, "ent", "entpassword12"), city = th_login(&srv, "city", "citypassword1");
    gzcity = th_login(&srv, "gzcity", "citypassword1"), prov = th_login(&srv, "prov", "provpassword1");
    bank = th_login(&srv, "bank", "bankpassword1"), bank2 = th_login(&srv, "bank2", "bankpassword1");
    aud = th_login(&srv, "aud", "audpassword12");
    return ent && city && gzcity && prov && bank && bank2 && aud ? 0 : -1;
}

static int teardown(void **state) {
    (void)state;
    free(ent), free(city), free(gzcity), free(prov), free(bank), free(bank2), free(aud);
    return th_finish(&srv);
}

/* Sends a request and asserts its status; the response is in *r (free it). */
static void req(const char *method, const char *path, const char *tok, const char *body, long want, th_resp *r) {
    th_expect(&srv, method, path, tok, body, want, r);
}

static const char *str(const json_t *o, const char *key) {
    const char *s = json_string_value(json_object_get(o, key));
    return s ? s : "";
}

/* Declares a Shenzhen project of a type (tce, mu) as the enterprise; returns its id. */
static long long declare_typed(const char *type, const char *tce, const char *mu) {
    char body[2048], typed[2048], code[64];
    snprintf(code, sizeof code, "2401-440300-04-02-%06d", ++serial);
    pf_project_json(body, sizeof body, sz_uscc, "440300", code, tce, mu);
    const char *t = strstr(body, "equipment_renewal");
    snprintf(typed, sizeof typed, "%.*s%s%s", (int)(t - body), body, type, t + strlen("equipment_renewal"));
    memcpy(body, typed, sizeof body);
    th_resp r;
    req("POST", "/api/v1/projects", ent, body, 201, &r);
    assert_string_equal(str(r.json, "state"), "draft");
    long long id = json_integer_value(json_object_get(r.json, "id"));
    th_resp_free(&r);
    assert_true(id > 0);
    return id;
}

static long long declare(const char *tce, const char *mu) { return declare_typed("equipment_renewal", tce, mu); }

/* Takes a workflow step and asserts the status (and the state reached when 200). */
static void step(long long id, const char *tok, const char *action, long want, const char *state) {
    char path[96], body[128];
    snprintf(path, sizeof path, "/api/v1/projects/%lld/transitions", id);
    snprintf(body, sizeof body, "{\"action\":\"%s\",\"comment\":\"ok\"}", action);
    th_resp r;
    req("POST", path, tok, body, want, &r);
    if (state) assert_string_equal(str(r.json, "state"), state);
    th_resp_free(&r);
}

/* draft -> approved through city and provincial review. */
static void approve(long long id) {
    step(id, ent, "submit", 200, "submitted");
    step(id, city, "accept", 200, "city_review");
    step(id, city, "forward", 200, "provincial_review");
    step(id, prov, "approve", 200, "approved");
}

static long get_status(const char *path, const char *tok) {
    th_resp r;
    long st = th_req(&srv, "GET", path, tok, NULL, NULL, &r);
    th_resp_free(&r);
    return st;
}

/* Whether project id is in the items of a list. */
static int listed(const char *path, const char *tok, long long id) {
    th_resp r;
    req("GET", path, tok, NULL, 200, &r);
    json_t *items = json_object_get(r.json, "items"), *p;
    size_t i;
    int found = 0;
    json_array_foreach(items, i, p) found |= json_integer_value(json_object_get(p, "id")) == id;
    th_resp_free(&r);
    return found;
}

static void test_declare_submit_and_scope(void **state) {
    (void)state;
    long long id = declare("10", "1");
    char path[96];
    snprintf(path, sizeof path, "/api/v1/projects/%lld", id);
    assert_int_equal(get_status(path, gzcity), 403); /* another city's official */
    assert_false(listed("/api/v1/projects", gzcity, id));
    assert_int_equal(get_status(path, bank), 403); /* not financed by its bank */
    assert_int_equal(get_status(path, city), 200);
    assert_int_equal(get_status(path, aud), 200);
    assert_true(listed("/api/v1/projects?state=draft&type=equipment_renewal&city=440300", city, id));
    assert_false(listed("/api/v1/projects?type=digital_transformation", prov, id));
    th_resp r;
    req("PUT", path, gzcity, "{}", 403, &r);
    th_resp_free(&r);
    step(id, ent, "submit", 200, "submitted");
    assert_true(listed("/api/v1/projects?state=submitted", city, id));
    step(id, gzcity, "accept", 403, NULL); /* scope: refused by the route table before the workflow */
    snprintf(path, sizeof path, "/api/v1/projects/%lld/events", id);
    req("GET", path, ent, NULL, 200, &r);
    json_t *items = json_object_get(r.json, "items");
    assert_int_equal(json_array_size(items), 2);
    assert_string_equal(str(json_array_get(items, 0), "action"), "declare");
    json_t *ev = json_array_get(items, 1);
    assert_string_equal(str(ev, "action"), "submit");
    assert_string_equal(str(ev, "to"), "submitted");
    th_resp_free(&r);
}

static void test_review_and_energy_gate(void **state) {
    (void)state;
    long long id = declare("1200", "1"); /* >= 1000 tce: a county-tier energy review */
    char path[96];
    snprintf(path, sizeof path, "/api/v1/projects/%lld/energy-review", id);
    th_resp r;
    req("GET", path, ent, NULL, 200, &r);
    assert_string_equal(str(r.json, "tier"), "county");
    assert_true(json_is_true(json_object_get(r.json, "required")));
    th_resp_free(&r);
    step(id, ent, "submit", 200, "submitted");
    step(id, ent, "accept", 403, NULL); /* the workflow table: accept is the city's */
    step(id, city, "accept", 200, "city_review");
    step(id, city, "forward", 200, "provincial_review");
    step(id, city, "approve", 403, NULL);
    step(id, prov, "approve", 200, "approved");
    step(id, ent, "start", 409, NULL); /* the energy gate */
    req("POST", path, gzcity, "{\"passed\":true}", 403, &r);
    th_resp_free(&r);
    req("POST", path, city, "{\"passed\":true,\"comment\":\"符合节能要求\"}", 200, &r);
    assert_true(json_is_true(json_object_get(json_object_get(r.json, "decision"), "passed")));
    th_resp_free(&r);
    step(id, ent, "start", 200, "in_construction");
}

/* The server's green-channel rule (green_low_carbon projects) shortens the deadline and skips city review. */
static void test_green_channel(void **state) {
    (void)state;
    long long green = declare_typed("green_low_carbon", "10", "1"), plain = declare("10", "1");
    char path[96];
    th_resp r;
    step(green, ent, "submit", 200, "submitted");
    step(plain, ent, "submit", 200, "submitted");
    snprintf(path, sizeof path, "/api/v1/projects/%lld", green);
    req("GET", path, city, NULL, 200, &r);
    assert_true(json_is_true(json_object_get(r.json, "green_channel")));
    char green_deadline[16];
    snprintf(green_deadline, sizeof green_deadline, "%s", str(r.json, "deadline"));
    th_resp_free(&r);
    snprintf(path, sizeof path, "/api/v1/projects/%lld", plain);
    req("GET", path, city, NULL, 200, &r);
    assert_true(json_is_false(json_object_get(r.json, "green_channel")));
    assert_true(strcmp(green_deadline, str(r.json, "deadline")) < 0); /* 2 working days instead of 5 */
    th_resp_free(&r);
    step(green, city, "accept", 200, "provincial_review"); /* city review skipped */
    step(plain, city, "accept", 200, "city_review");
}

static void test_quota_reserve_beyond_balance(void **state) {
    (void)state;
    long long big = declare("10", "12.5"), small = declare("10", "4");
    step(big, ent, "submit", 200, "submitted"); /* quota is reserved for projects under review */
    step(small, ent, "submit", 200, "submitted");
    th_resp r;
    req("POST", "/api/v1/quota/440300/2031/allocations", prov, "{\"mu\":\"10\",\"note\":\"2031 plan\"}", 201, &r);
    assert_string_equal(str(r.json, "available"), "10");
    th_resp_free(&r);
    char path[96];
    snprintf(path, sizeof path, "/api/v1/quota/440300/2031/projects/%lld", big);
    req("POST", path, city, "{\"action\":\"reserve\"}", 422, &r);
    assert_string_equal(th_error_code(&r), "limit_exceeded");
    const char *msg = str(json_object_get(r.json, "error"), "message");
    assert_non_null(strstr(msg, "12.5"));
    th_resp_free(&r);
    req("GET", "/api/v1/quota/440300/2031", city, NULL, 200, &r); /* nothing written */
    assert_string_equal(str(r.json, "available"), "10");
    assert_string_equal(str(r.json, "reserved"), "0");
    assert_int_equal(json_array_size(json_object_get(r.json, "entries")), 1);
    th_resp_free(&r);
    snprintf(path, sizeof path, "/api/v1/quota/440300/2031/projects/%lld", small);
    req("POST", path, city, "{\"action\":\"reserve\"}", 200, &r);
    assert_string_equal(str(r.json, "available"), "6");
    assert_string_equal(str(r.json, "reserved"), "4");
    th_resp_free(&r);
    req("POST", path, gzcity, "{\"action\":\"release\"}", 403, &r); /* another city's ledger */
    th_resp_free(&r);
    assert_int_equal(get_status("/api/v1/quota/440300/2031", gzcity), 403);
}

#define RACERS 8

typedef struct {
    long long id;
    long status;
} racer;

static void *reserve_one(void *arg) {
    racer *x = arg;
    char path[96];
    snprintf(path, sizeof path, "/api/v1/quota/440300/2032/projects/%lld", x->id);
    x->status = th_req(&srv, "POST", path, x->id % 2 ? city : prov, "{\"action\":\"reserve\"}", NULL, NULL);
    return NULL;
}

/* Reviewers race to reserve 8 projects of 2 mu on 10 mu: exactly 5 win, the ledger never goes negative. */
static void test_quota_race(void **state) {
    (void)state;
    racer x[RACERS];
    pthread_t t[RACERS];
    th_resp r;
    req("POST", "/api/v1/quota/440300/2032/allocations", prov, "{\"mu\":\"10\"}", 201, &r);
    th_resp_free(&r);
    for (int i = 0; i < RACERS; i++) {
        x[i].id = declare("10", "2");
        step(x[i].id, ent, "submit", 200, "submitted");
    }
    for (int i = 0; i < RACERS; i++) assert_int_equal(pthread_create(&t[i], NULL, reserve_one, &x[i]), 0);
    int won = 0;
    for (int i = 0; i < RACERS; i++) {
        pthread_join(t[i], NULL);
        if (x[i].status != 200 && x[i].status != 422) fail_msg("reserve %lld: %ld", x[i].id, x[i].status);
        won += x[i].status == 200;
    }
    assert_int_equal(won, 5);
    req("GET", "/api/v1/quota/440300/2032", aud, NULL, 200, &r);
    assert_string_equal(str(r.json, "available"), "0");
    assert_string_equal(str(r.json, "reserved"), "10");
    assert_int_equal(json_array_size(json_object_get(r.json, "entries")), 1 + 2 * 5);
    th_resp_free(&r);
}

/* A withdrawn policy takes no applications. */
static void test_withdrawn_policy_refused(void **state) {
    (void)state;
    char doc[2048];
    assert_int_equal(add_policy("gd-equipment-old", equipment_doc(doc, sizeof doc, "gd-equipment-old")), 0);
    assert_int_equal(policy_cli("withdraw", "gd-equipment-old", NULL, NULL), 0);
    long long id = declare("10", "1");
    approve(id);
    char path[96];
    snprintf(path, sizeof path, "/api/v1/projects/%lld/applications", id);
    th_resp r;
    req("POST", path, ent, "{\"policy\":\"gd-equipment-old\"}", 409, &r);
    assert_non_null(strstr(str(json_object_get(r.json, "error"), "message"), "withdrawn"));
    th_resp_free(&r);
}

static void test_award_adjusted_with_reason(void **state) {
    (void)state;
    long long id = declare("10", "1");
    char path[128];
    snprintf(path, sizeof path, "/api/v1/projects/%lld/applications", id);
    th_resp r;
    req("POST", path, ent, "{\"policy\":\"gd-equipment-test\"}", 409, &r); /* a draft may not apply */
    th_resp_free(&r);
    approve(id);
    req("POST", path, ent, "{\"policy\":\"gd-equipment-test\"}", 201, &r);
    assert_string_equal(str(r.json, "computed"), "3000000.00"); /* 30,000,000 yuan of equipment / 10 */
    assert_string_equal(str(r.json, "awarded"), "3000000.00");
    assert_string_equal(json_string_value(json_array_get(json_object_get(r.json, "groups"), 0)), "equipment");
    assert_string_equal(str(r.json, "policy"), "gd-equipment-test");
    assert_true(strlen(str(r.json, "explanation")) > 0);
    long long app = json_integer_value(json_object_get(r.json, "id"));
    th_resp_free(&r);
    snprintf(path, sizeof path, "/api/v1/projects/%lld/awards/%lld/adjustments", id, app);
    req("POST", path, city, "{\"amount\":\"2500000\"}", 422, &r); /* a reason is required */
    th_resp_free(&r);
    req("POST", path, gzcity, "{\"amount\":\"2500000\",\"reason\":\"x\"}", 403, &r);
    th_resp_free(&r);
    req("POST", path, city, "{\"amount\":\"2500000.50\",\"reason\":\"部分设备未到货\"}", 200, &r);
    th_resp_free(&r);
    snprintf(path, sizeof path, "/api/v1/projects/%lld/awards", id);
    req("GET", path, ent, NULL, 200, &r);
    json_t *a = json_array_get(json_object_get(r.json, "items"), 0);
    assert_string_equal(str(a, "computed"), "3000000.00");
    assert_string_equal(str(a, "awarded"), "2500000.50");
    assert_string_equal(str(a, "status"), "adjusted");
    assert_string_equal(str(a, "adjust_reason"), "部分设备未到货");
    assert_string_equal(str(a, "adjusted_by"), "city");
    assert_true(strlen(str(a, "explanation")) > 0);
    th_resp_free(&r);
    snprintf(path, sizeof path, "/api/v1/projects/%lld/awards/%lld/disbursements", id, app);
    req("POST", path, prov, "{\"amount\":\"2500001\",\"reference\":\"PAY-1\"}", 422, &r); /* above the award */
    th_resp_free(&r);
    req("POST", path, prov, "{\"amount\":\"1000000\",\"reference\":\"PAY-1\"}", 201, &r);
    assert_string_equal(str(r.json, "paid"), "1000000.00");
    th_resp_free(&r);
}

static void test_bank_sees_only_its_projects(void **state) {
    (void)state;
    long long mine = declare("10", "1"), other = declare("10", "1");
    th_resp r;
    req("POST", "/api/v1/banks/icbc-gd/loan-products", bank,
        "{\"name\":\"技改贷\",\"rate_bp\":345,\"term_months\":36,\"min_amount\":\"1000000\",\"max_amount\":"
        "\"50000000\","
        "\"eligibility\":{\">=\":[{\"var\":\"project.total_investment\"},1000000]}}",
        201, &r);
    long long product = json_integer_value(json_object_get(r.json, "id"));
    assert_string_equal(str(r.json, "bank"), "icbc-gd");
    th_resp_free(&r);
    req("POST", "/api/v1/banks/icbc-gd/loan-products", bank2, "{}", 403, &r); /* another bank's officer */
    th_resp_free(&r);
    assert_true(listed("/api/v1/loan-products", ent, product));          /* the published product is listed */
    assert_true(listed("/api/v1/loan-products?bank=icbc-gd", bank, product));
    step(mine, ent, "submit", 200, "submitted");
    char path[96], body[128];
    snprintf(path, sizeof path, "/api/v1/projects/%lld/loan-products", mine);
    assert_true(listed(path, ent, product));
    snprintf(path, sizeof path, "/api/v1/projects/%lld/loan", mine);
    snprintf(body, sizeof body, "{\"product\":%lld,\"principal\":\"20000000\"}", product);
    req("POST", path, ent, body, 200, &r);
    assert_string_equal(str(r.json, "bank_id"), "icbc-gd");
    th_resp_free(&r);
    snprintf(path, sizeof path, "/api/v1/projects/%lld/interest-subsidy?policy=gd-loan-subsidy&days=180", mine);
    req("GET", path, bank, NULL, 200, &r);
    /* 20,000,000 x min(3.45 %, 3 %) x 50 % x 180 / 360 = 150,000 yuan (tu_interest_subsidy's figure) */
    assert_string_equal(str(r.json, "subsidy"), "150000.00");
    assert_non_null(strstr(str(r.json, "explanation"), "loan.rate_bp = 345"));
    th_resp_free(&r);
    snprintf(path, sizeof path, "/api/v1/projects/%lld/interest-subsidy?policy=gd-loan-subsidy", mine);
    req("GET", path, ent, NULL, 200, &r); /* a year of interest by default */
    assert_string_equal(str(r.json, "subsidy"), "300000.00");
    th_resp_free(&r);
    snprintf(path, sizeof path, "/api/v1/projects/%lld/interest-subsidy?policy=gd-loan-subsidy&days=0", mine);
    req("GET", path, bank, NULL, 400, &r); /* refused before the project is read */
    th_resp_free(&r);
    snprintf(path, sizeof path, "/api/v1/projects/%lld/interest-subsidy?policy=gd-loan-subsidy", other);
    req("GET", path, ent, NULL, 409, &r); /* no loan chosen */
    th_resp_free(&r);
    assert_true(listed("/api/v1/banks/icbc-gd/projects", bank, mine));
    assert_false(listed("/api/v1/banks/icbc-gd/projects", bank, other));
    assert_false(listed("/api/v1/banks/ccb-gd/projects", bank2, mine));
    assert_true(listed("/api/v1/projects", bank, mine));
    assert_false(listed("/api/v1/projects", bank, other));
    assert_false(listed("/api/v1/projects", bank2, mine));
    snprintf(path, sizeof path, "/api/v1/projects/%lld", mine);
    assert_int_equal(get_status(path, bank), 200);
    assert_int_equal(get_status(path, bank2), 403);
    assert_int_equal(get_status("/api/v1/banks/icbc-gd/projects", bank2), 403);
}

static void test_list_paging_and_bad_input(void **state) {
    (void)state;
    long long a = declare("10", "1"), b = declare("10", "1");
    th_resp r;
    char path[128];
    snprintf(path, sizeof path, "/api/v1/projects?uscc=%s&limit=1", sz_uscc);
    req("GET", path, ent, NULL, 200, &r);
    assert_int_equal(json_array_size(json_object_get(r.json, "items")), 1);
    const char *cur = str(r.json, "next_cursor");
    assert_true(*cur);
    snprintf(path, sizeof path, "/api/v1/projects?limit=500&cursor=%s", cur);
    th_resp_free(&r);
    assert_true(listed(path, ent, a) && listed(path, ent, b));
    req("GET", "/api/v1/projects?state=nonsense", ent, NULL, 400, &r);
    th_resp_free(&r);
    req("GET", "/api/v1/projects?city=999999", prov, NULL, 400, &r);
    th_resp_free(&r);
    char body[2048];
    pf_project_json(body, sizeof body, sz_uscc, "440300", "2401-440300-04-02-bad", "10", "1");
    char *p = strstr(body, "\"unit_price\":\"3000000\"");
    memcpy(p, "\"unit_price\":\"3000001\"", 22); /* equipment lines no longer sum to the equipment investment */
    req("POST", "/api/v1/projects", ent, body, 422, &r);
    assert_string_equal(th_error_code(&r), "validation_failed");
    th_resp_free(&r);
    req("GET", "/api/v1/projects/overdue?within=30", city, NULL, 200, &r);
    th_resp_free(&r);
    req("GET", "/api/v1/projects/overdue?within=999", city, NULL, 400, &r); /* out of range: refused */
    th_resp_free(&r);
}

int main(void) {
    /* clang-format off */
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_declare_submit_and_scope),
        cmocka_unit_test(test_review_and_energy_gate),
        cmocka_unit_test(test_green_channel),
        cmocka_unit_test(test_quota_reserve_beyond_balance),
        cmocka_unit_test(test_quota_race),
        cmocka_unit_test(test_award_adjusted_with_reason),
        cmocka_unit_test(test_withdrawn_policy_refused),
        cmocka_unit_test(test_bank_sees_only_its_projects),
        cmocka_unit_test(test_list_paging_and_bad_input),
    };
    /* clang-format on */
    return cmocka_run_group_tests(tests, setup, teardown);
}
