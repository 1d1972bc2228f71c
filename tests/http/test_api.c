/* Integration tests of the HTTP API against a real `techup serve`: login (ok, bad, throttled), cookies and bearer
 * tokens, logout, API keys, users, error shapes and limits, security headers, static files confined to their
 * folder, the audit trail over HTTP and its tamper check on the CLI, and graceful shutdown on SIGTERM. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <curl/curl.h>
#include <pthread.h>
#include <signal.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>
#include <cmocka.h>

#include "harness.h"

static th_server srv;
static char *admin_tok;

static int setup(void **state) {
    (void)state;
    curl_global_init(CURL_GLOBAL_ALL);
    th_init(&srv);
    if (th_user_add(&srv, "admin", "admin", NULL, "adminpassword1") != 0) return -1;
    if (th_user_add(&srv, "auditor", "auditor", NULL, "auditorpassword") != 0) return -1;
    if (th_user_add(&srv, "victim", "auditor", NULL, "victimpassword") != 0) return -1;
    if (th_start(&srv, NULL, NULL) != 0) return -1;
    admin_tok = th_login(&srv, "admin", "adminpassword1");
    return admin_tok ? 0 : -1;
}

static int teardown(void **state) {
    (void)state;
    free(admin_tok);
    return th_finish(&srv);
}

static void assert_error(th_resp *r, long status, const char *code) {
    assert_int_equal(r->status, status);
    assert_string_equal(th_error_code(r), code);
    char ct[128];
    assert_non_null(th_header(r, "Content-Type", ct, sizeof ct));
    assert_non_null(strstr(ct, "application/json"));
}

/* Sends a request to the main server and checks that it fails with status and code. */
static void expect_error(const char *method, const char *path, const char *token, const char *body,
                         const char *const *extra, long status, const char *code) {
    th_resp r;
    th_req(&srv, method, path, token, body, extra, &r);
    assert_error(&r, status, code);
    th_resp_free(&r);
}

static void test_healthz_and_headers(void **state) {
    (void)state;
    th_resp r;
    const char *rid[] = {"X-Request-Id: test-req.42", NULL};
    assert_int_equal(th_req(&srv, "GET", "/healthz", NULL, NULL, rid, &r), 200);
    assert_string_equal(json_string_value(json_object_get(r.json, "status")), "ok");
    assert_true(json_is_true(json_object_get(r.json, "db")));
    assert_true(json_integer_value(json_object_get(r.json, "schema_version")) >= 2);
    assert_true(json_is_number(json_object_get(r.json, "uptime_s")));
    char v[512];
    assert_non_null(th_header(&r, "Content-Security-Policy", v, sizeof v));
    assert_non_null(strstr(v, "frame-ancestors 'none'"));
    assert_non_null(strstr(v, "default-src 'self'"));
    assert_string_equal(th_header(&r, "X-Content-Type-Options", v, sizeof v), "nosniff");
    assert_string_equal(th_header(&r, "Referrer-Policy", v, sizeof v), "no-referrer");
    assert_string_equal(th_header(&r, "Cache-Control", v, sizeof v), "no-store");
    assert_string_equal(th_header(&r, "X-Request-Id", v, sizeof v), "test-req.42");
    th_resp_free(&r);
    const char *bad_rid[] = {"X-Request-Id: <script>", NULL}; /* unsafe ids are replaced */
    assert_int_equal(th_req(&srv, "GET", "/healthz", NULL, NULL, bad_rid, &r), 200);
    assert_non_null(th_header(&r, "X-Request-Id", v, sizeof v));
    assert_null(strchr(v, '<'));
    assert_true(strlen(v) >= 16);
    th_resp_free(&r);
}

static void test_metrics(void **state) {
    (void)state;
    th_resp r;
    th_req(&srv, "GET", "/api/v1/nope", NULL, NULL, NULL, NULL);
    for (int i = 0; i < 100; i++) { /* requests are counted when their connection completes: allow a moment */
        assert_int_equal(th_req(&srv, "GET", "/metrics", NULL, NULL, NULL, &r), 200);
        if (strstr(r.body, "status=\"404\"")) break;
        th_resp_free(&r);
        usleep(10000);
    }
    assert_non_null(strstr(r.body, "# TYPE techup_http_requests_total counter"));
    assert_non_null(strstr(r.body, "techup_http_requests_total{method=\"GET\",route=\"/healthz\",status=\"200\"}"));
    assert_non_null(strstr(r.body, "techup_http_request_duration_seconds_bucket{method=\"GET\",route=\"/healthz\",le=\"+Inf\"}"));
    assert_non_null(strstr(r.body, "status=\"404\""));
    assert_non_null(strstr(r.body, "\ntechup_logins_total ")); /* a counter registered through core/metrics.h */
    th_resp_free(&r);
}

static void test_login(void **state) {
    (void)state;
    th_resp r;
    assert_int_equal(th_req(&srv, "POST", "/api/v1/session", NULL,
                            "{\"username\":\"auditor\",\"password\":\"auditorpassword\"}", NULL, &r), 201);
    const char *tok = json_string_value(json_object_get(r.json, "token"));
    assert_non_null(tok);
    assert_int_equal(strncmp(tok, "tus_", 4), 0);
    assert_string_equal(json_string_value(json_object_get(json_object_get(r.json, "user"), "role")), "auditor");
    char cookie[256];
    assert_non_null(th_header(&r, "Set-Cookie", cookie, sizeof cookie));
    assert_non_null(strstr(cookie, "tu_session="));
    assert_non_null(strstr(cookie, tok));
    assert_non_null(strstr(cookie, "HttpOnly"));
    assert_non_null(strstr(cookie, "SameSite=Strict"));
    assert_null(strstr(cookie, "Secure")); /* plain HTTP, no trusted proxy */
    th_resp_free(&r);

    expect_error("POST", "/api/v1/session", NULL, "{\"username\":\"auditor\",\"password\":\"wrongpassword\"}", NULL, 401, "unauthenticated");
    expect_error("POST", "/api/v1/session", NULL, "{\"username\":\"ghost\",\"password\":\"wrongpassword\"}", NULL, 401, "unauthenticated");
    expect_error("POST", "/api/v1/session", NULL, "{\"username\":\"auditor\"}", NULL, 422, "validation_failed");
    const char *form[] = {"Content-Type: application/x-www-form-urlencoded", NULL};
    expect_error("POST", "/api/v1/session", NULL, "{\"username\":\"a\",\"password\":\"b\"}", form, 400, "unsupported");
}

static void test_login_throttled(void **state) {
    (void)state;
    th_resp r;
    for (int i = 0; i < 5; i++)
        assert_int_equal(th_req(&srv, "POST", "/api/v1/session", NULL,
                                "{\"username\":\"victim\",\"password\":\"guess-guess\"}", NULL, NULL), 401);
    /* now even the right password is refused until the window ends */
    th_req(&srv, "POST", "/api/v1/session", NULL, "{\"username\":\"victim\",\"password\":\"victimpassword\"}", NULL, &r);
    assert_error(&r, 429, "rate_limited");
    char v[32];
    assert_non_null(th_header(&r, "Retry-After", v, sizeof v));
    assert_true(atoi(v) > 0);
    th_resp_free(&r);
    /* other accounts are not affected */
    char *t = th_login(&srv, "auditor", "auditorpassword");
    assert_non_null(t);
    free(t);
}

static void test_cookie_bearer_logout(void **state) {
    (void)state;
    char *tok = th_login(&srv, "auditor", "auditorpassword");
    char cookie[128];
    snprintf(cookie, sizeof cookie, "Cookie: tu_session=%s", tok);
    const char *hc[] = {cookie, NULL};
    th_resp r;
    assert_int_equal(th_req(&srv, "GET", "/api/v1/me", NULL, NULL, hc, &r), 200);
    assert_string_equal(json_string_value(json_object_get(r.json, "username")), "auditor");
    th_resp_free(&r);
    assert_int_equal(th_req(&srv, "GET", "/api/v1/me", tok, NULL, NULL, NULL), 200);
    /* a cookie-authenticated write from another origin is refused */
    const char *xo[] = {cookie, "Origin: https://evil.example", NULL};
    expect_error("DELETE", "/api/v1/session", NULL, NULL, xo, 403, "forbidden");
    assert_int_equal(th_req(&srv, "DELETE", "/api/v1/session", NULL, NULL, hc, &r), 204);
    char v[256];
    assert_non_null(th_header(&r, "Set-Cookie", v, sizeof v));
    assert_non_null(strstr(v, "Max-Age=0"));
    th_resp_free(&r);
    th_req(&srv, "GET", "/api/v1/me", tok, NULL, NULL, &r);
    assert_error(&r, 401, "unauthenticated");
    assert_non_null(th_header(&r, "WWW-Authenticate", v, sizeof v));
    th_resp_free(&r);
    expect_error("GET", "/api/v1/me", "tus_notarealtokenatallnotarealtokenatall1234", NULL, NULL, 401, "unauthenticated");
    free(tok);
}

static void test_api_keys(void **state) {
    (void)state;
    char *tok = th_login(&srv, "auditor", "auditorpassword");
    th_resp r;
    assert_int_equal(th_req(&srv, "POST", "/api/v1/me/keys", tok, "{\"name\":\"etl job\",\"days\":30}", NULL, &r), 201);
    char *key = strdup(json_string_value(json_object_get(r.json, "token")));
    long long id = json_integer_value(json_object_get(r.json, "id"));
    assert_int_equal(strncmp(key, "tuk_", 4), 0);
    th_resp_free(&r);
    assert_int_equal(th_req(&srv, "GET", "/api/v1/me", key, NULL, NULL, &r), 200);
    assert_true(json_is_true(json_object_get(r.json, "via_api_key")));
    th_resp_free(&r);
    th_req(&srv, "POST", "/api/v1/me/keys", key, "{\"name\":\"another\"}", NULL, &r); /* keys cannot mint keys */
    assert_error(&r, 403, "forbidden");
    th_resp_free(&r);
    assert_int_equal(th_req(&srv, "GET", "/api/v1/me/keys", tok, NULL, NULL, &r), 200);
    json_t *items = json_object_get(r.json, "items");
    assert_int_equal(json_array_size(items), 1);
    assert_string_equal(json_string_value(json_object_get(json_array_get(items, 0), "name")), "etl job");
    assert_null(json_object_get(json_array_get(items, 0), "token")); /* the secret is shown once only */
    th_resp_free(&r);
    char path[64];
    snprintf(path, sizeof path, "/api/v1/me/keys/%lld", id);
    th_req(&srv, "DELETE", path, admin_tok, NULL, NULL, &r); /* not the admin's key */
    assert_error(&r, 404, "not_found");
    th_resp_free(&r);
    assert_int_equal(th_req(&srv, "DELETE", path, tok, NULL, NULL, NULL), 204);
    assert_int_equal(th_req(&srv, "GET", "/api/v1/me", key, NULL, NULL, NULL), 401);
    free(key);
    free(tok);
}

static void test_users(void **state) {
    (void)state;
    th_resp r;
    const char *body = "{\"username\":\"clerk\",\"role\":\"city_official\",\"scope\":\"440300\",\"password\":\"clerkpassword\"}";
    assert_int_equal(th_req(&srv, "POST", "/api/v1/users", admin_tok, body, NULL, &r), 201);
    long long id = json_integer_value(json_object_get(r.json, "id"));
    assert_string_equal(json_string_value(json_object_get(r.json, "scope")), "440300");
    assert_null(json_object_get(r.json, "pw_hash"));
    th_resp_free(&r);
    expect_error("POST", "/api/v1/users", admin_tok, body, NULL, 409, "conflict");
    th_req(&srv, "POST", "/api/v1/users", admin_tok,
           "{\"username\":\"x-city\",\"role\":\"city_official\",\"scope\":\"999999\",\"password\":\"clerkpassword\"}", NULL, &r);
    assert_error(&r, 422, "validation_failed");
    th_resp_free(&r);
    char *ct = th_login(&srv, "clerk", "clerkpassword");
    assert_non_null(ct);
    char path[64];
    snprintf(path, sizeof path, "/api/v1/users/%lld", id);
    assert_int_equal(th_req(&srv, "PATCH", path, admin_tok, "{\"disabled\":true}", NULL, &r), 200);
    assert_true(json_is_true(json_object_get(r.json, "disabled")));
    th_resp_free(&r);
    assert_int_equal(th_req(&srv, "GET", "/api/v1/me", ct, NULL, NULL, NULL), 401); /* sessions ended */
    assert_null(th_login(&srv, "clerk", "clerkpassword"));
    assert_int_equal(th_req(&srv, "PATCH", path, admin_tok, "{\"disabled\":false,\"role\":\"provincial_official\",\"scope\":\"\"}", NULL, &r), 200);
    assert_string_equal(json_string_value(json_object_get(r.json, "role")), "provincial_official");
    th_resp_free(&r);
    char pw[96];
    snprintf(pw, sizeof pw, "%s/password", path);
    assert_int_equal(th_req(&srv, "PUT", pw, admin_tok, "{\"password\":\"brandnewpassword\"}", NULL, NULL), 204);
    free(ct);
    ct = th_login(&srv, "clerk", "brandnewpassword");
    assert_non_null(ct);
    expect_error("PUT", "/api/v1/me/password", ct, "{\"old_password\":\"wrong-wrong\",\"new_password\":\"another-password\"}", NULL, 422, "validation_failed");
    assert_int_equal(th_req(&srv, "PUT", "/api/v1/me/password", ct, "{\"old_password\":\"brandnewpassword\",\"new_password\":\"another-password\"}", NULL, NULL), 204);
    assert_int_equal(th_req(&srv, "GET", "/api/v1/me", ct, NULL, NULL, NULL), 200); /* own session kept */
    free(ct);
    /* paging by username is stable and complete */
    int seen = 0;
    char url[512] = "/api/v1/users?limit=2&sort=username", last[80] = "";
    for (;;) {
        assert_int_equal(th_req(&srv, "GET", url, admin_tok, NULL, NULL, &r), 200);
        size_t i;
        json_t *u;
        json_array_foreach(json_object_get(r.json, "items"), i, u) {
            const char *name = json_string_value(json_object_get(u, "username"));
            assert_true(strcmp(name, last) > 0);
            snprintf(last, sizeof last, "%s", name);
            seen++;
        }
        const char *next = json_string_value(json_object_get(r.json, "next_cursor"));
        if (next) snprintf(url, sizeof url, "/api/v1/users?limit=2&sort=username&cursor=%s", next);
        th_resp_free(&r);
        if (!next) break;
    }
    assert_int_equal(seen, 4);
    expect_error("GET", "/api/v1/users?sort=password", admin_tok, NULL, NULL, 400, "invalid_argument");
    expect_error("GET", "/api/v1/users?cursor=!!!", admin_tok, NULL, NULL, 400, "invalid_argument");
}

static void test_errors_and_limits(void **state) {
    (void)state;
    th_resp r;
    expect_error("GET", "/api/v1/nope", admin_tok, NULL, NULL, 404, "not_found");
    th_req(&srv, "PUT", "/api/v1/me", admin_tok, "{}", NULL, &r);
    assert_error(&r, 405, "method_not_allowed");
    char v[64];
    assert_string_equal(th_header(&r, "Allow", v, sizeof v), "GET");
    th_resp_free(&r);
    expect_error("BREW", "/api/v1/me", admin_tok, NULL, NULL, 405, "method_not_allowed");
    expect_error("GET", "/api/v1/users/abc", admin_tok, NULL, NULL, 404, "not_found");
    expect_error("POST", "/api/v1/me/keys", admin_tok, "{\"name\":", NULL, 400, "parse_error");
    expect_error("POST", "/api/v1/me/keys", admin_tok, "[\"not an object\"]", NULL, 422, "validation_failed");
    char deep[300];
    memset(deep, 0, sizeof deep);
    strcpy(deep, "{\"a\":");
    for (int i = 0; i < 100; i++) strcat(deep, "[");
    for (int i = 0; i < 100; i++) strcat(deep, "]");
    strcat(deep, "}");
    expect_error("POST", "/api/v1/me/keys", admin_tok, deep, NULL, 400, "too_deep");
    size_t big = (2u << 20) + 10;
    char *huge = malloc(big + 1);
    memset(huge, ' ', big);
    huge[0] = '{', huge[big - 1] = '}', huge[big] = '\0';
    expect_error("POST", "/api/v1/me/keys", admin_tok, huge, NULL, 413, "payload_too_large");
    th_req(&srv, "POST", "/api/v1/session", NULL, huge, NULL, &r); /* before authentication too */
    assert_error(&r, 413, "payload_too_large");
    th_resp_free(&r);
    free(huge);
    th_req(&srv, "GET", "/api/v1/me", admin_tok, "{}", NULL, &r); /* a body where none belongs */
    assert_error(&r, 400, "invalid_argument");
    th_resp_free(&r);
    assert_int_equal(th_req(&srv, "GET", "/healthz", NULL, NULL, NULL, NULL), 200); /* still serving */
}

static void test_audit_trail(void **state) {
    (void)state;
    th_resp r;
    char *aud = th_login(&srv, "auditor", "auditorpassword");
    assert_int_equal(th_req(&srv, "GET", "/api/v1/audit/verify", aud, NULL, NULL, &r), 200);
    assert_true(json_is_true(json_object_get(r.json, "ok")));
    long long rows = json_integer_value(json_object_get(r.json, "rows"));
    assert_true(rows > 5);
    th_resp_free(&r);
    /* forward paging sees every row once, in id order */
    long long seen = 0, last = 0;
    char url[256] = "/api/v1/audit?limit=3";
    for (;;) {
        assert_int_equal(th_req(&srv, "GET", url, aud, NULL, NULL, &r), 200);
        size_t i;
        json_t *row;
        json_array_foreach(json_object_get(r.json, "items"), i, row) {
            long long id = json_integer_value(json_object_get(row, "id"));
            assert_int_equal(id, last + 1);
            last = id, seen++;
        }
        const char *next = json_string_value(json_object_get(r.json, "next_cursor"));
        if (next) snprintf(url, sizeof url, "/api/v1/audit?limit=3&cursor=%s", next);
        th_resp_free(&r);
        if (!next) break;
    }
    assert_true(seen >= rows);
    assert_int_equal(th_req(&srv, "GET", "/api/v1/audit?limit=1&sort=-id", aud, NULL, NULL, &r), 200);
    assert_true(json_integer_value(json_object_get(json_array_get(json_object_get(r.json, "items"), 0), "id")) >= last);
    th_resp_free(&r);
    char err[1024];
    const char *verify[] = {"audit", "verify", NULL};
    assert_int_equal(th_techup(&srv, NULL, err, sizeof err, verify), 0);
    /* tamper with row 2 behind the server's back: both checks name it */
    char cmd[512];
    snprintf(cmd, sizeof cmd, "sqlite3 %s \"UPDATE audit_log SET actor = 'mallory' WHERE id = 2\"", srv.db);
    assert_int_equal(system(cmd), 0);
    assert_int_equal(th_techup(&srv, NULL, err, sizeof err, verify), 1);
    assert_non_null(strstr(err, "audit row 2 is bad"));
    assert_int_equal(th_req(&srv, "GET", "/api/v1/audit/verify", aud, NULL, NULL, &r), 200);
    assert_true(json_is_false(json_object_get(r.json, "ok")));
    assert_int_equal(json_integer_value(json_object_get(r.json, "bad_id")), 2);
    th_resp_free(&r);
    free(aud);
}

/* ---- servers of their own ---- */

static void test_secure_cookie_behind_proxy(void **state) {
    (void)state;
    th_server p;
    th_init(&p);
    assert_int_equal(th_user_add(&p, "admin", "admin", NULL, "adminpassword1"), 0);
    const char *env[] = {"TECHUP_TRUST_PROXY=1", NULL};
    assert_int_equal(th_start(&p, NULL, env), 0);
    const char *https[] = {"X-Forwarded-Proto: https", "X-Forwarded-For: 203.0.113.9", NULL};
    th_resp r;
    assert_int_equal(th_req(&p, "POST", "/api/v1/session", NULL, "{\"username\":\"admin\",\"password\":\"adminpassword1\"}",
                            https, &r), 201);
    char v[256];
    assert_non_null(strstr(th_header(&r, "Set-Cookie", v, sizeof v), "; Secure"));
    assert_non_null(th_header(&r, "Strict-Transport-Security", v, sizeof v));
    th_resp_free(&r);
    assert_int_equal(th_stop(&p, SIGTERM), 0);
    th_cleanup(&p);
    /* without the trust setting the header is ignored (the main server) */
    assert_int_equal(th_req(&srv, "POST", "/api/v1/session", NULL,
                            "{\"username\":\"admin\",\"password\":\"adminpassword1\"}", https, &r), 201);
    assert_null(strstr(th_header(&r, "Set-Cookie", v, sizeof v), "Secure"));
    th_resp_free(&r);
}

static void write_file(const char *path, const char *text) {
    FILE *f = fopen(path, "w");
    assert_non_null(f);
    fputs(text, f);
    fclose(f);
}

static void test_static_files(void **state) {
    (void)state;
    th_server p;
    th_init(&p);
    char web[128], f[192];
    snprintf(web, sizeof web, "%s/web", p.dir);
    mkdir(web, 0755);
    snprintf(f, sizeof f, "%s/index.html", web);
    write_file(f, "<!doctype html><title>techup</title>");
    snprintf(f, sizeof f, "%s/app.js", web);
    write_file(f, "console.log(1)");
    snprintf(f, sizeof f, "%s/.env", web);
    write_file(f, "SECRET=1");
    snprintf(f, sizeof f, "%s/secret.txt", p.dir); /* outside the web folder */
    write_file(f, "top secret");
    char link[192];
    snprintf(link, sizeof link, "%s/escape.txt", web);
    assert_int_equal(symlink(f, link), 0);
    const char *args[] = {"--web", web, NULL};
    assert_int_equal(th_start(&p, args, NULL), 0);
    th_resp r;
    char v[128];
    assert_int_equal(th_req(&p, "GET", "/", NULL, NULL, NULL, &r), 200);
    assert_non_null(strstr(r.body, "techup"));
    assert_string_equal(th_header(&r, "Content-Type", v, sizeof v), "text/html; charset=utf-8");
    assert_non_null(th_header(&r, "Content-Security-Policy", v, sizeof v));
    th_resp_free(&r);
    assert_int_equal(th_req(&p, "GET", "/app.js", NULL, NULL, NULL, &r), 200);
    assert_string_equal(th_header(&r, "Content-Type", v, sizeof v), "text/javascript; charset=utf-8");
    th_resp_free(&r);
    const char *bad[] = {"/../secret.txt", "/%2e%2e/secret.txt", "/..%2fsecret.txt", "/escape.txt", "/.env",
                         "/web/../../secret.txt", "//etc/passwd", "/index.html%00.js", "/nope.html", "/\\..\\secret.txt"};
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        long st = th_req(&p, "GET", bad[i], NULL, NULL, NULL, &r);
        if (st != 404 && st != 400) fail_msg("GET %s gave %ld: %s", bad[i], st, r.body ? r.body : "");
        assert_null(strstr(r.body ? r.body : "", "secret"));
        th_resp_free(&r);
    }
    assert_int_equal(th_req(&p, "POST", "/index.html", NULL, "{}", NULL, NULL), 405);
    assert_int_equal(th_stop(&p, SIGTERM), 0);
    th_cleanup(&p);
}

typedef struct {
    th_server *s;
    volatile int half_sent, go_on;
    long status;
    size_t sent;
} slow_ctx;

static const char slow_body[] = "{\"username\":\"admin\",\"password\":\"adminpassword1\"}";

/* Sends the body in two halves, waiting for the test's signal in between. */
static size_t slow_read(char *buf, size_t size, size_t n, void *ud) {
    slow_ctx *c = ud;
    size_t total = sizeof slow_body - 1, half = total / 2;
    if (c->sent == half && !c->go_on) {
        c->half_sent = 1;
        while (!c->go_on) usleep(1000);
    }
    size_t end = c->sent < half ? half : total, k = end - c->sent;
    if (k > size * n) k = size * n;
    memcpy(buf, slow_body + c->sent, k);
    c->sent += k;
    return k;
}

static void *slow_login(void *arg) {
    slow_ctx *c = arg;
    CURL *h = curl_easy_init();
    char url[128];
    snprintf(url, sizeof url, "http://127.0.0.1:%d/api/v1/session", c->s->port);
    struct curl_slist *hd = curl_slist_append(NULL, "Content-Type: application/json");
    hd = curl_slist_append(hd, "Expect:");
    curl_easy_setopt(h, CURLOPT_URL, url);
    curl_easy_setopt(h, CURLOPT_POST, 1L);
    curl_easy_setopt(h, CURLOPT_HTTPHEADER, hd);
    curl_easy_setopt(h, CURLOPT_READFUNCTION, slow_read);
    curl_easy_setopt(h, CURLOPT_READDATA, c);
    curl_easy_setopt(h, CURLOPT_POSTFIELDSIZE, (long)(sizeof slow_body - 1));
    curl_easy_setopt(h, CURLOPT_WRITEFUNCTION, NULL);
    FILE *sink = fopen("/dev/null", "w");
    curl_easy_setopt(h, CURLOPT_WRITEDATA, sink);
    if (curl_easy_perform(h) == CURLE_OK) curl_easy_getinfo(h, CURLINFO_RESPONSE_CODE, &c->status);
    fclose(sink);
    curl_slist_free_all(hd);
    curl_easy_cleanup(h);
    return NULL;
}

static void test_graceful_sigterm(void **state) {
    (void)state;
    th_server p;
    th_init(&p);
    assert_int_equal(th_user_add(&p, "admin", "admin", NULL, "adminpassword1"), 0);
    assert_int_equal(th_start(&p, NULL, NULL), 0);
    slow_ctx c = {&p, 0, 0, 0, 0};
    pthread_t t;
    pthread_create(&t, NULL, slow_login, &c);
    while (!c.half_sent) usleep(1000);
    usleep(100000); /* the server has the request's headers and half its body */
    kill(p.pid, SIGTERM);
    usleep(200000);
    c.go_on = 1; /* the request in flight completes after the signal */
    pthread_join(t, NULL);
    assert_int_equal(c.status, 201);
    assert_int_equal(th_stop(&p, SIGTERM), 0);
    char wal[160];
    snprintf(wal, sizeof wal, "%s-wal", p.db);
    assert_int_equal(access(wal, F_OK), -1); /* the last connection closed cleanly and checkpointed */
    const char *verify[] = {"audit", "verify", NULL};
    assert_int_equal(th_techup(&p, NULL, NULL, 0, verify), 0);
    th_cleanup(&p);
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_healthz_and_headers),
        cmocka_unit_test(test_metrics),
        cmocka_unit_test(test_login),
        cmocka_unit_test(test_login_throttled),
        cmocka_unit_test(test_cookie_bearer_logout),
        cmocka_unit_test(test_api_keys),
        cmocka_unit_test(test_users),
        cmocka_unit_test(test_errors_and_limits),
        cmocka_unit_test(test_secure_cookie_behind_proxy),
        cmocka_unit_test(test_static_files),
        cmocka_unit_test(test_graceful_sigterm),
        cmocka_unit_test(test_audit_trail), /* last: it tampers with the database */
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
