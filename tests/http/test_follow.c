/* Integration test of continuous matching across processes: a `techup serve` is running when `techup import`, run
 * in another process, changes an enterprise so that it newly qualifies for a published policy; the server's
 * change-feed follower (src/http/follow.c) must turn that into exactly one inbox item, visible over HTTP within
 * seconds. After a restart, with another import made while the server was down, the first enterprise still has
 * exactly one item and the second gets its own (catch-up). argv[1] = tests/app/data (the sample policy: industry
 * section C and the above_scale tag). Polls with a timeout; no fixed sleeps. */
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

#include "core/codes.h"
#include "store/change.h"
#include "harness.h"

static th_server srv;
static const char *data_dir;
static char *ent_a, *ent_b;
static char usccs[2][19];
static int64_t policy_id;
static const char *const fast_env[] = {"TECHUP_FOLLOW_MS=100", NULL};

static void uscc_of(int i, char out[19]) {
    snprintf(out, 19, "9144030000MA5F%03d", i);
    out[17] = tu_uscc_check_char(out), out[18] = '\0';
}

/* Imports CSV text from a file of its own (an import run is identified by path, size and mtime). */
static int import_as(const char *name, const char *csv) {
    char path[192], err[1024];
    snprintf(path, sizeof path, "%s/%s", srv.dir, name);
    FILE *f = fopen(path, "w");
    if (!f) return -1;
    fputs(csv, f);
    fclose(f);
    const char *args[] = {"import", path, NULL};
    int rc = th_techup(&srv, NULL, err, sizeof err, args);
    if (rc) fprintf(stderr, "import failed: %s\n", err);
    return rc;
}

/* The rows of A and B with the given tags. */
static int import_ab(const char *name, const char *tags_a, const char *tags_b) {
    char csv[1024];
    snprintf(csv, sizeof csv, "uscc,name,city,industry,revenue,employees,tags\n%s,甲公司,440300,C38,2500,60,%s\n"
             "%s,乙公司,440300,C39,2600,70,%s\n", usccs[0], tags_a, usccs[1], tags_b);
    return import_as(name, csv);
}

/* Publishes the sample policy (in force now) through the API: neither A nor B qualifies yet. */
static int64_t publish_to_nobody(const char *official) {
    char path[512];
    snprintf(path, sizeof path, "%s/equipment-2021.json", data_dir);
    json_t *doc = json_load_file(path, 0, NULL);
    assert_non_null(doc);
    json_object_set_new(doc, "valid_to", json_string("2099-12-31"));
    json_object_set_new(doc, "apply_to", json_string("2099-10-31"));
    char *body = json_dumps(doc, JSON_COMPACT);
    json_decref(doc);
    th_resp r;
    assert_int_equal(th_req(&srv, "POST", "/api/v1/policies", official, body, NULL, &r), 201);
    free(body);
    int64_t id = json_integer_value(json_object_get(r.json, "id"));
    th_resp_free(&r);
    for (int step = 0; step < 2; step++) {
        snprintf(path, sizeof path, "/api/v1/policies/%lld/%s", (long long)id, step ? "publish" : "preview");
        assert_int_equal(th_req(&srv, "POST", path, official, NULL, NULL, &r), 200);
        if (step) assert_int_equal(json_integer_value(json_object_get(r.json, "recipients")), 0);
        th_resp_free(&r);
    }
    return id;
}

static int setup(void **state) {
    (void)state;
    curl_global_init(CURL_GLOBAL_ALL);
    th_init(&srv);
    uscc_of(1, usccs[0]), uscc_of(2, usccs[1]);
    if (import_ab("first.csv", "", "") != 0) return -1;
    if (th_user_add(&srv, "prov", "provincial_official", NULL, "provpassword1") ||
        th_user_add(&srv, "enta", "enterprise", usccs[0], "entpassword12") ||
        th_user_add(&srv, "entb", "enterprise", usccs[1], "entpassword12"))
        return -1;
    if (th_start(&srv, NULL, fast_env) != 0) return -1;
    char *prov = th_login(&srv, "prov", "provpassword1");
    if (!prov) return -1;
    policy_id = publish_to_nobody(prov);
    free(prov);
    ent_a = th_login(&srv, "enta", "entpassword12");
    ent_b = th_login(&srv, "entb", "entpassword12");
    return ent_a && ent_b ? 0 : -1;
}

static int teardown(void **state) {
    (void)state;
    free(ent_a), free(ent_b);
    return th_finish(&srv);
}

/* The "qualified" items of policy_id in enterprise i's inbox (-1 on a failed request). */
static int qualified_items(int i, const char *tok) {
    char path[128];
    th_resp r;
    snprintf(path, sizeof path, "/api/v1/enterprises/%s/inbox", usccs[i]);
    if (th_req(&srv, "GET", path, tok, NULL, NULL, &r) != 200) {
        th_resp_free(&r);
        return -1;
    }
    int n = 0;
    json_t *it;
    size_t k;
    json_array_foreach(json_object_get(r.json, "items"), k, it) {
        const char *kind = json_string_value(json_object_get(it, "kind"));
        n += kind && strcmp(kind, "qualified") == 0 &&
             json_integer_value(json_object_get(it, "policy_id")) == policy_id;
    }
    th_resp_free(&r);
    return n;
}

/* Polls until enterprise i has at least one qualified item or 10 s pass; returns the count seen last. */
static int wait_qualified(int i, const char *tok) {
    struct timespec t0, now, pause = {0, 50 * 1000000L};
    clock_gettime(CLOCK_MONOTONIC, &t0);
    int n;
    do {
        if ((n = qualified_items(i, tok)) > 0) return n;
        nanosleep(&pause, NULL);
        clock_gettime(CLOCK_MONOTONIC, &now);
    } while (now.tv_sec - t0.tv_sec < 10);
    return n;
}

static void test_import_in_another_process_reaches_the_inbox(void **state) {
    (void)state;
    assert_int_equal(qualified_items(0, ent_a), 0);
    assert_int_equal(import_ab("second.csv", "above_scale", ""), 0); /* A now qualifies; B does not */
    assert_int_equal(wait_qualified(0, ent_a), 1);
    assert_int_equal(qualified_items(1, ent_b), 0);
}

static void test_restart_delivers_nothing_twice(void **state) {
    (void)state;
    assert_int_equal(th_stop(&srv, SIGTERM), 0);
    /* while the server is down: A changes again (still qualifies), B newly qualifies */
    assert_int_equal(import_ab("third.csv", "above_scale;high_tech", "above_scale"), 0);
    assert_int_equal(th_start(&srv, NULL, fast_env), 0);
    assert_int_equal(wait_qualified(1, ent_b), 1); /* caught up: the follower got past both rows */
    assert_int_equal(qualified_items(0, ent_a), 1);
}

typedef struct feed_rows {
    int n;
    int64_t seq; /* the last one seen */
} feed_rows;

static int count_row(void *ctx, const tu_change *c) {
    feed_rows *r = ctx;
    r->n++, r->seq = c->seq;
    return 0;
}

/* With TECHUP_FEED_KEEP_S=0 the follower prunes what it applied: after a fourth import only the newest feed row
 * is left (this node's is the only cursor). */
static void test_applied_feed_rows_are_pruned(void **state) {
    (void)state;
    static const char *const prune_env[] = {"TECHUP_FOLLOW_MS=100", "TECHUP_FEED_KEEP_S=0", NULL};
    assert_int_equal(th_stop(&srv, SIGTERM), 0);
    tu_store *st = NULL;
    assert_int_equal(tu_store_open(srv.db, 0, &st, NULL), TU_OK);
    feed_rows before = {0};
    assert_int_equal(tu_store_change_scan(st, 0, 1000, count_row, &before, NULL), TU_OK);
    assert_true(before.n >= 3); /* one row per import so far, none pruned with the default hour of grace */
    assert_int_equal(th_start(&srv, NULL, prune_env), 0);
    assert_int_equal(import_ab("fourth.csv", "above_scale", "above_scale;high_tech"), 0);
    struct timespec t0, now, pause = {0, 50 * 1000000L};
    clock_gettime(CLOCK_MONOTONIC, &t0);
    feed_rows left;
    int64_t last = 0;
    do {
        nanosleep(&pause, NULL);
        left = (feed_rows){0};
        assert_int_equal(tu_store_change_scan(st, 0, 1000, count_row, &left, NULL), TU_OK);
        clock_gettime(CLOCK_MONOTONIC, &now);
    } while (left.n != 1 && now.tv_sec - t0.tv_sec < 10);
    assert_int_equal(left.n, 1);
    assert_int_equal(tu_store_change_last(st, &last, NULL), TU_OK);
    assert_int_equal(left.seq, last);
    assert_true(last > before.seq);
    tu_store_close(st);
}

int main(int argc, char **argv) {
    data_dir = argc > 1 ? argv[1] : "tests/app/data";
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_import_in_another_process_reaches_the_inbox),
        cmocka_unit_test(test_restart_delivers_nothing_twice),
        cmocka_unit_test(test_applied_feed_rows_are_pruned),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
