/* bench/push/bench_push.c — publish to 7,000,000 recipients vs one inbox row per recipient, and inbox reads over 10,000
 * campaigns. Prints a table and writes bench/results/push.json.
 *
 *   1. publish: tu_app_policy_publish of a policy to 7,000,000 recipients (random 7M of 10M ids) into a store opened
 *      TU_STORE_DURABLE (synchronous=FULL: fsync at commit), median of 5 publications;
 *   2. baseline: the same 7,000,000 recipients inserted as one row each (ent_id, campaign_id) into a WITHOUT ROWID
 *      table of the same database file, one transaction, prepared statement, ids in ascending order (the
 *      cheapest case for the baseline), same synchronous=FULL;
 *   3. inbox: 10,000 campaigns (80 % reach 0.01-0.1 % of 7M enterprises, 15 % 0.1-1 %, 5 % 1-2 %) loaded into
 *      the campaign cache; median and p99 of one enterprise's full inbox read (tu_inbox_read: campaigns, items and
 *      states) and of the campaign probe alone (tu_inbox_campaigns_of), over 2,000 random enterprises.
 * Usage: bench/push/run, or bench_push [--dir DIR] [--out FILE]   (DIR default bench/data/push; big files are deleted at the end) */
#include <jansson.h>
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "app/campaign.h"
#include "app/policy.h"
#include "core/alloc.h"
#include "push/inbox.h"

#define RECIPIENTS 7000000u
#define ID_SPACE 10000000u
#define CAMPAIGNS 10000
#define PROBES 2000

static uint64_t rng = 0x9E3779B97F4A7C15ull;
static uint64_t next_rand(void) { /* splitmix64 */
    uint64_t z = (rng += 0x9E3779B97F4A7C15ull);
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
    return z ^ (z >> 31);
}

static double now_s(void) {
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static int cmp_double(const void *a, const void *b) {
    double x = *(const double *)a, y = *(const double *)b;
    return x < y ? -1 : x > y;
}

static double pct(double *v, size_t n, double p) {
    qsort(v, n, sizeof *v, cmp_double);
    size_t i = (size_t)(p * (double)(n - 1) + 0.5);
    return v[i];
}

static void die(const char *what, const tu_err *err) {
    fprintf(stderr, "bench_push: %s: %s\n", what, err ? err->msg : "");
    exit(1);
}

/* n random distinct ids of [0, space) as a bitmap: selection sampling when dense, else batches of random ids. */
static roaring_bitmap_t *random_set(uint32_t n, uint32_t space) {
    roaring_bitmap_t *r = roaring_bitmap_create();
    static uint32_t buf[65536];
    size_t k = 0;
    if ((uint64_t)n * 4 > space) {
        uint32_t left = n;
        for (uint32_t i = 0; i < space && left; i++)
            if (next_rand() % (space - i) < left) {
                buf[k++] = i, left--;
                if (k == 65536) roaring_bitmap_add_many(r, k, buf), k = 0;
            }
        roaring_bitmap_add_many(r, k, buf);
    } else {
        uint64_t have;
        while ((have = roaring_bitmap_get_cardinality(r)) < n) {
            for (k = 0; k < n - have && k < 65536; k++) buf[k] = (uint32_t)(next_rand() % space);
            roaring_bitmap_add_many(r, k, buf);
        }
    }
    roaring_bitmap_run_optimize(r);
    return r;
}

static json_t *sample_policy(const char *code) {
    json_t *doc = json_pack("{s:s,s:{s:s,s:s},s:s,s:s,s:s,s:s,s:{s:b},s:s}", "code", code, "title", "zh", "设备更新奖励",
                            "en", "Equipment renewal reward", "department", "广东省工业和信息化厅", "doc_number",
                            "粤办函〔2023〕293号", "category", "equipment_reward", "valid_from", "2023-01-01",
                            "rule", "!!", 1, "mode", "apply");
    return doc;
}

static int64_t add_previewed(tu_store *s, const char *code) {
    tu_err err = {0};
    json_t *doc = sample_policy(code);
    int64_t id;
    if (tu_app_policy_add(s, doc, &id, &err) || tu_app_policy_preview(s, id, &err)) die("add policy", &err);
    json_decref(doc);
    return id;
}

static double bench_publish(tu_store *s, const roaring_bitmap_t *set, size_t *blob_bytes) {
    double t[5];
    tu_err err = {0};
    for (int i = 0; i < 5; i++) {
        char code[32];
        snprintf(code, sizeof code, "bench-%d", i);
        int64_t id = add_previewed(s, code), cid;
        double t0 = now_s();
        if (tu_app_policy_publish(s, id, set, &cid, &err)) die("publish", &err);
        t[i] = now_s() - t0;
    }
    roaring_bitmap_t *copy = roaring_bitmap_copy(set);
    roaring_bitmap_run_optimize(copy);
    *blob_bytes = roaring_bitmap_portable_size_in_bytes(copy);
    roaring_bitmap_free(copy);
    return pct(t, 5, 0.5);
}

static void sq(sqlite3 *db, const char *sql) {
    char *msg = NULL;
    if (sqlite3_exec(db, sql, NULL, NULL, &msg) != SQLITE_OK) {
        fprintf(stderr, "bench_push: %s: %s\n", sql, msg);
        exit(1);
    }
}

static double bench_rows(const char *path, const roaring_bitmap_t *set) {
    sqlite3 *db;
    if (sqlite3_open(path, &db) != SQLITE_OK) die("open baseline", NULL);
    sq(db, "PRAGMA journal_mode=WAL; PRAGMA synchronous=FULL; PRAGMA cache_size=-65536;"
           "CREATE TABLE bench_inbox (ent_id INTEGER NOT NULL, campaign_id INTEGER NOT NULL, "
           "PRIMARY KEY (ent_id, campaign_id)) WITHOUT ROWID");
    sqlite3_stmt *st;
    sqlite3_prepare_v2(db, "INSERT INTO bench_inbox VALUES (?1, 1)", -1, &st, NULL);
    roaring_uint32_iterator_t it;
    double t0 = now_s();
    sq(db, "BEGIN IMMEDIATE");
    roaring_init_iterator(set, &it);
    for (; it.has_value; roaring_advance_uint32_iterator(&it)) {
        sqlite3_bind_int64(st, 1, it.current_value);
        if (sqlite3_step(st) != SQLITE_DONE) die("baseline insert", NULL);
        sqlite3_reset(st);
    }
    sq(db, "COMMIT");
    double t = now_s() - t0;
    sqlite3_finalize(st);
    sqlite3_close(db);
    return t;
}

static void make_campaigns(tu_store *s) {
    tu_err err = {0};
    int64_t pid = add_previewed(s, "inbox-bench");
    if (tu_store_begin(s, &err)) die("begin", &err);
    for (int i = 1; i <= CAMPAIGNS; i++) {
        uint64_t r = next_rand() % 100;
        double lo = r < 80 ? 0.0001 : r < 95 ? 0.001 : 0.01, hi = r < 80 ? 0.001 : r < 95 ? 0.01 : 0.02;
        double share = lo + (hi - lo) * (double)(next_rand() % 10000) / 10000.0;
        roaring_bitmap_t *set = random_set((uint32_t)(share * RECIPIENTS), RECIPIENTS);
        int64_t cid;
        if (tu_app_campaign_record(s, pid, i, "publish", set, &cid, NULL, &err)) die("campaign", &err);
        roaring_bitmap_free(set);
    }
    if (tu_store_commit(s, &err)) die("commit", &err);
}

static void bench_inbox(tu_store *s, double *full_med, double *full_p99, double *probe_med, double *probe_p99,
                        double *avg_entries, double *load_s) {
    static double full[PROBES], probe[PROBES];
    tu_err err = {0};
    tu_inbox *ib;
    double t0 = now_s();
    if (tu_inbox_open(s, &ib, &err)) die("inbox open", &err);
    *load_s = now_s() - t0;
    long entries = 0;
    for (int i = 0; i < PROBES; i++) {
        uint32_t ent = (uint32_t)(next_rand() % RECIPIENTS);
        int64_t ids[256];
        t0 = now_s();
        size_t n = tu_inbox_campaigns_of(ib, ent, ids, 256);
        probe[i] = now_s() - t0;
        tu_inbox_entry *e;
        size_t m;
        t0 = now_s();
        if (tu_inbox_read(ib, s, ent, &e, &m, &err)) die("inbox read", &err);
        full[i] = now_s() - t0;
        if (m != n) die("inbox read disagrees with the probe", NULL);
        entries += (long)m;
        tu_free(e);
    }
    *full_med = pct(full, PROBES, 0.5), *full_p99 = pct(full, PROBES, 0.99);
    *probe_med = pct(probe, PROBES, 0.5), *probe_p99 = pct(probe, PROBES, 0.99);
    *avg_entries = (double)entries / PROBES;
    tu_inbox_close(ib);
}

int main(int argc, char **argv) {
    const char *dir = "bench/data/push", *out = "bench/results/push.json"; /* relative to the project root */
    for (int i = 1; i + 1 < argc; i += 2) {
        if (strcmp(argv[i], "--dir") == 0) dir = argv[i + 1];
        else if (strcmp(argv[i], "--out") == 0) out = argv[i + 1];
    }
    char path[512], cmd[600], ipath[512];
    snprintf(cmd, sizeof cmd, "rm -rf '%s' && mkdir -p '%s'", dir, dir);
    if (system(cmd) != 0) die("prepare folder", NULL);
    snprintf(path, sizeof path, "%s/publish.db", dir);
    snprintf(ipath, sizeof ipath, "%s/inbox.db", dir);
    tu_err err = {0};
    tu_store *s;

    fprintf(stderr, "generating 7,000,000 recipients ...\n");
    roaring_bitmap_t *set = random_set(RECIPIENTS, ID_SPACE);
    if (tu_store_open(path, TU_STORE_DURABLE, &s, &err)) die("open", &err);
    size_t blob = 0;
    double pub = bench_publish(s, set, &blob);
    tu_store_close(s);
    fprintf(stderr, "baseline: one row per recipient ...\n");
    double rows = bench_rows(path, set);
    roaring_bitmap_free(set);

    fprintf(stderr, "10,000 campaigns ...\n");
    if (tu_store_open(ipath, 0, &s, &err)) die("open", &err);
    make_campaigns(s);
    double fm, fp, pm, pp, avg, load;
    bench_inbox(s, &fm, &fp, &pm, &pp, &avg, &load);
    tu_store_close(s);
    snprintf(cmd, sizeof cmd, "rm -rf '%s'", dir);
    if (system(cmd) != 0) fprintf(stderr, "bench_push: could not delete %s\n", dir);

    printf("| measure | value | target |\n|---|---|---|\n");
    printf("| publish 7,000,000 recipients, durable (median of 5) | %.1f ms (one row, %zu bytes) | <= 500 ms |\n", pub * 1e3, blob);
    printf("| one inbox row per recipient, same database, one transaction | %.0f ms | |\n", rows * 1e3);
    printf("| speed-up | %.0fx | >= 20x |\n", rows / pub);
    printf("| inbox read, 10,000 campaigns: full read (median / p99) | %.1f / %.1f us | <= 1 ms |\n", fm * 1e6, fp * 1e6);
    printf("| inbox read: campaign probe only (median / p99) | %.1f / %.1f us | |\n", pm * 1e6, pp * 1e6);
    printf("| entries per inbox (mean) | %.1f | |\n", avg);
    printf("| campaign cache load, 10,000 campaigns | %.0f ms | |\n", load * 1e3);
    FILE *f = fopen(out, "w");
    if (!f) die("write results", NULL);
    fprintf(f,
            "{\n  \"bench\": \"push\",\n  \"recipients\": %u,\n  \"publish_ms_median\": %.3f,\n  \"campaign_blob_bytes\": %zu,\n"
            "  \"rows_baseline_ms\": %.3f,\n  \"speedup\": %.1f,\n  \"campaigns\": %d,\n  \"inbox_read_us_median\": %.2f,\n"
            "  \"inbox_read_us_p99\": %.2f,\n  \"inbox_probe_us_median\": %.2f,\n  \"inbox_probe_us_p99\": %.2f,\n"
            "  \"inbox_entries_mean\": %.2f,\n  \"cache_load_ms\": %.1f,\n"
            "  \"targets\": {\"publish_ms\": 500, \"speedup\": 20, \"inbox_read_us\": 1000},\n  \"pass\": %s\n}\n",
            RECIPIENTS, pub * 1e3, blob, rows * 1e3, rows / pub, CAMPAIGNS, fm * 1e6, fp * 1e6, pm * 1e6, pp * 1e6, avg,
            load * 1e3, pub <= 0.5 && rows / pub >= 20 && fm <= 0.001 ? "true" : "false");
    fclose(f);
    return 0;
}
