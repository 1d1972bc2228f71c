/* match_bench.c — the engine behind bench/match: techup's match index vs SQLite vs PostgreSQL 15 on the same
 * enterprises and the same eligibility rules, then enterprise -> policies and change deltas.
 *
 * usage: bench_match CSV SQLITE_PATH PG_CONNINFO OUT_JSON [ROUNDS]
 * Loads CSV into the index (build time, bytes per enterprise), loads the same rows into SQLite (cached at
 * SQLITE_PATH when its row count matches) and PostgreSQL (COPY), creates the same general indexes in both and
 * ANALYZEs, runs every rule ROUNDS times per engine (the order of the engines rotates each round), fails when
 * matched counts differ, prints a table and writes OUT_JSON. Workload: 7M rows; minutes, mostly loading.
 */
#include <jansson.h>
#include <libpq-fe.h>
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "core/alloc.h"
#include "core/codes.h"
#include "core/num.h"
#include "match/match.h"
#include "match/policies.h"

typedef struct rule {
    const char *name, *logic, *sql;
} rule;

static const rule rules[] = {
    {"prd_above_scale", "{\"and\":[{\"==\":[{\"var\":\"region\"},\"pearl_river_delta\"]},{\"in\":[\"above_scale\",{\"var\":\"tags\"}]}]}",
     "region = 'pearl_river_delta' AND t_above_scale = 1"},
    {"divisions_revenue", "{\"and\":[{\"in\":[{\"var\":\"industry_division\"},[\"C34\",\"C35\",\"C38\",\"C39\",\"C40\"]]},{\">=\":[{\"var\":\"revenue\"},2000]}]}",
     "division IN ('C34','C35','C38','C39','C40') AND revenue >= 20000000"},
    {"revenue_employees", "{\"and\":[{\"<=\":[2000,{\"var\":\"revenue\"},40000]},{\"<=\":[20,{\"var\":\"employees\"},1000]}]}",
     "revenue BETWEEN 20000000 AND 400000000 AND employees BETWEEN 20 AND 1000"},
    {"specialized_rd", "{\"and\":[{\"in\":[\"specialized_sme\",{\"var\":\"tags\"}]},{\">=\":[{\"var\":\"rd_ratio\"},3]}]}",
     "t_specialized_sme = 1 AND rd_ratio >= 30000"},
    {"young_small", "{\"and\":[{\">=\":[{\"var\":\"founded\"},\"2018-01-01\"]},{\"in\":[{\"var\":\"size\"},[\"small\",\"micro\"]]}]}",
     "founded >= 17532 AND size IN ('small','micro')"},
    {"any_sme_tier", "{\"or\":[{\"in\":[\"high_tech\",{\"var\":\"tags\"}]},{\"in\":[\"specialized_sme\",{\"var\":\"tags\"}]},{\"in\":[\"little_giant\",{\"var\":\"tags\"}]},{\"in\":[\"single_champion\",{\"var\":\"tags\"}]}]}",
     "(t_high_tech = 1 OR t_specialized_sme = 1 OR t_little_giant = 1 OR t_single_champion = 1)"},
    {"outer_regions_mfg", "{\"and\":[{\"in\":[{\"var\":\"region\"},[\"east\",\"west\",\"north\"]]},{\"==\":[{\"var\":\"industry_section\"},\"C\"]},{\">=\":[{\"var\":\"employees\"},50]}]}",
     "region IN ('east','west','north') AND section = 'C' AND employees >= 50"},
    {"energy_heavy", "{\"and\":[{\">=\":[{\"var\":\"energy_tce\"},1000]},{\"in\":[{\"var\":\"industry_division\"},[\"C25\",\"C26\",\"C30\",\"C31\",\"C32\"]]}]}",
     "energy_tce >= 10000000 AND division IN ('C25','C26','C30','C31','C32')"},
    {"giants_core_cities", "{\"and\":[{\"or\":[{\"in\":[\"little_giant\",{\"var\":\"tags\"}]},{\"in\":[\"single_champion\",{\"var\":\"tags\"}]}]},{\"in\":[{\"var\":\"city\"},[\"440100\",\"440300\",\"440600\"]]}]}",
     "(t_little_giant = 1 OR t_single_champion = 1) AND city IN (440100,440300,440600)"},
    {"smart_upgrade", "{\"and\":[{\"!\":{\"in\":[\"smart_factory\",{\"var\":\"tags\"}]}},{\">=\":[{\"var\":\"revenue\"},5000]},{\"==\":[{\"var\":\"industry_section\"},\"C\"]}]}",
     "t_smart_factory = 0 AND revenue >= 50000000 AND section = 'C'"},
    {"old_high_tech", "{\"and\":[{\"in\":[\"high_tech\",{\"var\":\"tags\"}]},{\"<=\":[{\"var\":\"founded\"},\"2016-12-31\"]},{\">=\":[{\"var\":\"rd_ratio\"},5]}]}",
     "t_high_tech = 1 AND founded <= 17166 AND rd_ratio >= 50000"},
    {"broad_revenue", "{\">=\":[{\"var\":\"revenue\"},100]}", "revenue >= 1000000"},
};
enum { NRULES = sizeof rules / sizeof rules[0], MAXROUNDS = 15 };

static const char *const index_cols[] = {"city", "district", "industry", "division", "section", "size", "region",
                                         "revenue", "employees", "rd_ratio", "energy_tce", "founded",
                                         "region, division", "division, revenue", "city, size"};

/* The i-th CREATE INDEX of the fixed general set (one per attribute, one per tag column, a few composites);
 * 0 when there are no more. */
static int index_sql(int i, char *buf, size_t n) {
    int ncols = (int)(sizeof index_cols / sizeof index_cols[0]);
    if (i < ncols) return snprintf(buf, n, "CREATE INDEX ent_i%d ON ent(%s)", i, index_cols[i]) > 0;
    if (i < ncols + TU_TAG_COUNT) return snprintf(buf, n, "CREATE INDEX ent_t%d ON ent(t_%s)", i, tu_tag_get(i - ncols)->name) > 0;
    return 0;
}

static double now_ms(void) {
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return (double)t.tv_sec * 1e3 + (double)t.tv_nsec / 1e6;
}

static int cmp_d(const void *a, const void *b) {
    double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

static double median(double *v, int n) {
    qsort(v, (size_t)n, sizeof *v, cmp_d);
    return n % 2 ? v[n / 2] : (v[n / 2 - 1] + v[n / 2]) / 2;
}

static void die(const char *what, const char *msg) {
    fprintf(stderr, "bench_match: %s: %s\n", what, msg);
    exit(1);
}

/* ---- the shared SQL schema ---- */
static void schema_sql(char *buf, size_t n) {
    size_t k = (size_t)snprintf(buf, n, "CREATE TABLE ent(id INTEGER PRIMARY KEY, uscc TEXT, city INTEGER, district INTEGER, "
                                        "industry TEXT, division TEXT, section TEXT, size TEXT, region TEXT, revenue BIGINT, "
                                        "employees BIGINT, rd_ratio BIGINT, energy_tce BIGINT, founded INTEGER");
    for (int t = 0; t < TU_TAG_COUNT; t++) k += (size_t)snprintf(buf + k, n - k, ", t_%s SMALLINT", tu_tag_get(t)->name);
    snprintf(buf + k, n - k, ")");
}

/* The row of id as text cells (NULL = missing), in schema order after id. */
enum { NCELLS = 13 + TU_TAG_COUNT };
static void row_cells(tu_index *ix, uint32_t id, char cells[NCELLS][40], const char *out[NCELLS]) {
    tu_ent rec, *e = &rec;
    tu_index_get(ix, id, e);
    static const int attrs[13] = {TU_A_USCC, TU_A_CITY, TU_A_DISTRICT, TU_A_INDUSTRY, TU_A_INDUSTRY_DIVISION,
                                  TU_A_INDUSTRY_SECTION, TU_A_SIZE, TU_A_REGION, TU_A_REVENUE, TU_A_EMPLOYEES,
                                  TU_A_RD_RATIO, TU_A_ENERGY_TCE, TU_A_FOUNDED};
    for (int i = 0; i < 13; i++) {
        int a = attrs[i];
        out[i] = NULL;
        if (!TU_ENT_HAS(e, a)) continue;
        tu_value v;
        tu_ent_get(e, a, &v);
        if (v.kind == TU_V_STR) snprintf(cells[i], 40, "%.*s", (int)v.len, v.str);
        else snprintf(cells[i], 40, "%lld", (long long)v.num);
        out[i] = cells[i];
    }
    for (int t = 0; t < TU_TAG_COUNT; t++) snprintf(cells[13 + t], 40, "%u", e->tags >> t & 1u), out[13 + t] = cells[13 + t];
}

/* ---- SQLite ---- */
static void sq_exec(sqlite3 *db, const char *sql) {
    char *msg = NULL;
    if (sqlite3_exec(db, sql, NULL, NULL, &msg) != SQLITE_OK) die(sql, msg ? msg : "sqlite error");
}

static long long sq_count(sqlite3 *db, const char *sql) {
    sqlite3_stmt *st;
    long long c = -1;
    if (sqlite3_prepare_v2(db, sql, -1, &st, NULL) != SQLITE_OK) die(sql, sqlite3_errmsg(db));
    if (sqlite3_step(st) == SQLITE_ROW) c = sqlite3_column_int64(st, 0);
    sqlite3_finalize(st);
    return c;
}

static long long sq_ids(sqlite3 *db, const char *sql) {
    sqlite3_stmt *st;
    long long c = 0, sum = 0;
    if (sqlite3_prepare_v2(db, sql, -1, &st, NULL) != SQLITE_OK) die(sql, sqlite3_errmsg(db));
    while (sqlite3_step(st) == SQLITE_ROW) sum += sqlite3_column_int64(st, 0), c++;
    sqlite3_finalize(st);
    return c + (sum < 0);
}

static sqlite3 *sqlite_load(const char *path, tu_index *ix) {
    sqlite3 *db;
    if (sqlite3_open(path, &db) != SQLITE_OK) die(path, sqlite3_errmsg(db));
    size_t n = tu_index_count(ix);
    sqlite3_exec(db, "PRAGMA cache_size=-1000000", NULL, NULL, NULL);
    if (sq_count(db, "SELECT count(*) FROM sqlite_master WHERE name='bench_done'") == 1 &&
        sq_count(db, "SELECT count(*) FROM ent") == (long long)n) {
        fprintf(stderr, "sqlite: reusing %s\n", path);
        return db;
    }
    double t0 = now_ms();
    char sql[2048];
    sq_exec(db, "PRAGMA journal_mode=OFF; PRAGMA synchronous=OFF; DROP TABLE IF EXISTS ent; DROP TABLE IF EXISTS bench_done");
    schema_sql(sql, sizeof sql);
    sq_exec(db, sql);
    size_t k = (size_t)snprintf(sql, sizeof sql, "INSERT INTO ent VALUES(?");
    for (int i = 0; i < NCELLS; i++) k += (size_t)snprintf(sql + k, sizeof sql - k, ",?");
    snprintf(sql + k, sizeof sql - k, ")");
    sqlite3_stmt *st;
    if (sqlite3_prepare_v2(db, sql, -1, &st, NULL) != SQLITE_OK) die(sql, sqlite3_errmsg(db));
    sq_exec(db, "BEGIN");
    for (uint32_t id = 0; id < n; id++) {
        char cells[NCELLS][40];
        const char *out[NCELLS];
        row_cells(ix, id, cells, out);
        sqlite3_bind_int64(st, 1, id);
        for (int i = 0; i < NCELLS; i++)
            if (!out[i]) sqlite3_bind_null(st, i + 2);
            else if (i == 0 || (i >= 3 && i <= 7)) sqlite3_bind_text(st, i + 2, out[i], -1, SQLITE_TRANSIENT);
            else sqlite3_bind_int64(st, i + 2, atoll(out[i]));
        if (sqlite3_step(st) != SQLITE_DONE) die("sqlite insert", sqlite3_errmsg(db));
        sqlite3_reset(st);
    }
    sqlite3_finalize(st);
    sq_exec(db, "COMMIT");
    fprintf(stderr, "sqlite: %zu rows loaded in %.0f s\n", n, (now_ms() - t0) / 1e3);
    for (int i = 0; index_sql(i, sql, sizeof sql); i++) sq_exec(db, sql);
    sq_exec(db, "ANALYZE; CREATE TABLE bench_done(x)");
    fprintf(stderr, "sqlite: indexed and analyzed after %.0f s\n", (now_ms() - t0) / 1e3);
    return db;
}

/* ---- PostgreSQL ---- */
static void pg_exec(PGconn *c, const char *sql) {
    PGresult *r = PQexec(c, sql);
    if (PQresultStatus(r) != PGRES_COMMAND_OK && PQresultStatus(r) != PGRES_TUPLES_OK) die(sql, PQerrorMessage(c));
    PQclear(r);
}

static long long pg_rows(PGconn *c, const char *sql, int count) {
    PGresult *r = PQexec(c, sql);
    if (PQresultStatus(r) != PGRES_TUPLES_OK) die(sql, PQerrorMessage(c));
    long long v = count ? atoll(PQgetvalue(r, 0, 0)) : PQntuples(r);
    PQclear(r);
    return v;
}

static PGconn *pg_load(const char *conninfo, tu_index *ix) {
    PGconn *c = PQconnectdb(conninfo);
    if (PQstatus(c) != CONNECTION_OK) die("postgres", PQerrorMessage(c));
    double t0 = now_ms();
    char sql[2048];
    schema_sql(sql, sizeof sql);
    pg_exec(c, "DROP TABLE IF EXISTS ent");
    pg_exec(c, sql);
    PGresult *r = PQexec(c, "COPY ent FROM STDIN");
    if (PQresultStatus(r) != PGRES_COPY_IN) die("COPY", PQerrorMessage(c));
    PQclear(r);
    size_t n = tu_index_count(ix);
    char *buf = malloc(1 << 20);
    size_t used = 0;
    for (uint32_t id = 0; id < n; id++) {
        char cells[NCELLS][40];
        const char *out[NCELLS];
        row_cells(ix, id, cells, out);
        used += (size_t)snprintf(buf + used, 64, "%u", id);
        for (int i = 0; i < NCELLS; i++) used += (size_t)snprintf(buf + used, 64, "\t%s", out[i] ? out[i] : "\\N");
        buf[used++] = '\n';
        if (used > (1 << 20) - 4096 || id + 1 == n) {
            if (PQputCopyData(c, buf, (int)used) != 1) die("COPY", PQerrorMessage(c));
            used = 0;
        }
    }
    free(buf);
    if (PQputCopyEnd(c, NULL) != 1) die("COPY", PQerrorMessage(c));
    r = PQgetResult(c);
    if (PQresultStatus(r) != PGRES_COMMAND_OK) die("COPY", PQerrorMessage(c));
    PQclear(r);
    fprintf(stderr, "postgres: %zu rows copied in %.0f s\n", n, (now_ms() - t0) / 1e3);
    for (int i = 0; index_sql(i, sql, sizeof sql); i++) pg_exec(c, sql);
    pg_exec(c, "VACUUM ANALYZE ent");
    fprintf(stderr, "postgres: indexed and analyzed after %.0f s\n", (now_ms() - t0) / 1e3);
    return c;
}

/* ---- timing ---- */
enum { E_TECHUP, E_SQLITE, E_PG, NENGINES };
static const char *const engine_names[NENGINES] = {"techup", "sqlite", "postgres"};

typedef struct result {
    long long matched;
    double count_ms[MAXROUNDS], ids_ms[MAXROUNDS];
} result;

/* techup's count and id set are both the eligible bitmap (tu_match_eligible: from the index's bitmaps for a
 * selective rule, else the dense engine); the dense engine's count is checked against it, untimed. */
static void run_techup(tu_index *ix, const tu_plan *p, result *r, int round) {
    roaring_bitmap_t *b = NULL;
    double t0 = now_ms();
    if (tu_match_eligible(ix, p, &b, NULL)) die("techup", "out of memory");
    r->matched = (long long)roaring_bitmap_get_cardinality(b);
    r->count_ms[round] = now_ms() - t0;
    roaring_bitmap_free(b);
    t0 = now_ms();
    if (tu_match_eligible(ix, p, &b, NULL)) die("techup", "out of memory");
    r->ids_ms[round] = now_ms() - t0;
    tu_matchset *m;
    if (tu_match_run(ix, p, 0, &m, NULL)) die("techup", "out of memory");
    if ((long long)roaring_bitmap_get_cardinality(b) != r->matched ||
        (long long)tu_matchset_count(m, TU_MS_ELIGIBLE) != r->matched)
        die("techup", "the sparse and dense paths differ");
    roaring_bitmap_free(b);
    tu_matchset_free(m);
}

static void run_sql(int engine, sqlite3 *db, PGconn *pg, const rule *ru, result *r, int round) {
    char sql[1024];
    snprintf(sql, sizeof sql, "SELECT count(*) FROM ent WHERE %s", ru->sql);
    double t0 = now_ms();
    r->matched = engine == E_SQLITE ? sq_count(db, sql) : pg_rows(pg, sql, 1);
    r->count_ms[round] = now_ms() - t0;
    snprintf(sql, sizeof sql, "SELECT id FROM ent WHERE %s", ru->sql);
    t0 = now_ms();
    long long k = engine == E_SQLITE ? sq_ids(db, sql) : pg_rows(pg, sql, 0);
    r->ids_ms[round] = now_ms() - t0;
    if (k != r->matched) die(ru->name, "id set and count differ");
}

/* ---- memory bandwidth: one core reading a 512 MB buffer ---- */
static double bandwidth_gbs(void) {
    size_t n = (512u << 20) / 8;
    uint64_t *a = malloc(n * 8), s = 0;
    for (size_t i = 0; i < n; i++) a[i] = i;
    double best = 1e9;
    for (int k = 0; k < 5; k++) {
        double t0 = now_ms();
        uint64_t s0 = 0, s1 = 0, s2 = 0, s3 = 0;
        for (size_t i = 0; i < n; i += 4) s0 += a[i], s1 += a[i + 1], s2 += a[i + 2], s3 += a[i + 3];
        s += s0 + s1 + s2 + s3;
        double ms = now_ms() - t0;
        if (ms < best) best = ms;
    }
    free(a);
    return s == 42 ? 0 : (double)(n * 8) / (best / 1e3) / 1e9;
}

/* ---- enterprise -> policies ---- */
static json_t *rnd_policy(unsigned *seed) {
    static const char *const divs[] = {"C13", "C26", "C33", "C34", "C35", "C38", "C39", "C40", "C29", "C30"};
    static const int revs[] = {100, 500, 1000, 2000, 5000, 10000, 20000, 40000};
    static const int emps[] = {10, 20, 50, 100, 300, 1000};
    json_t *and = json_array();
    int k = 1 + rand_r(seed) % 4;
    for (int i = 0; i < k; i++) {
        int kind = rand_r(seed) % 8;
        char d[TU_DATE_BUFSZ];
        json_t *c;
        if (kind == 0) c = json_pack("{s:[{s:s},s]}", "==", "var", "region", tu_region_name(rand_r(seed) % 4));
        else if (kind == 1) c = json_pack("{s:[{s:s},[s,s]]}", "in", "var", "industry_division", divs[rand_r(seed) % 10], divs[rand_r(seed) % 10]);
        else if (kind == 2) c = json_pack("{s:[{s:s},i]}", ">=", "var", "revenue", revs[rand_r(seed) % 8]);
        else if (kind == 3) c = json_pack("{s:[i,{s:s},i]}", "<=", emps[rand_r(seed) % 3], "var", "employees", emps[3 + rand_r(seed) % 3]);
        else if (kind == 4) c = json_pack("{s:[s,{s:s}]}", "in", tu_tag_get(rand_r(seed) % TU_TAG_COUNT)->name, "var", "tags");
        else if (kind == 5) c = json_pack("{s:[{s:s},s]}", ">=", "var", "founded", tu_date_format(tu_date_from_ymd(2000 + rand_r(seed) % 24, 1, 1), d));
        else if (kind == 6) c = json_pack("{s:[{s:[s,{s:s}]},{s:[s,{s:s}]}]}", "or", "in", tu_tag_get(rand_r(seed) % TU_TAG_COUNT)->name, "var", "tags", "in", tu_tag_get(rand_r(seed) % TU_TAG_COUNT)->name, "var", "tags");
        else c = json_pack("{s:[{s:s},f]}", ">=", "var", "rd_ratio", (double)(rand_r(seed) % 8));
        json_array_append_new(and, c);
    }
    return json_pack("{s:o}", "and", and);
}

static void bench_policies(tu_index *ix, json_t *out) {
    enum { NPOL = 10000, NENT = 10000 };
    unsigned seed = 7;
    tu_policy_rule *pols = calloc(NPOL, sizeof *pols);
    for (int i = 0; i < NPOL; i++) pols[i] = (tu_policy_rule){i + 1, rnd_policy(&seed)};
    tu_polindex *pi;
    tu_err err;
    double t0 = now_ms();
    if (tu_polindex_build(pols, NPOL, &pi, &err)) die("policy index", err.msg);
    double build = now_ms() - t0;
    tu_polres *r = tu_polres_new(pi), *r2 = tu_polres_new(pi);
    double *match_us = calloc(NENT, sizeof *match_us), *delta_us = calloc(NENT, sizeof *delta_us);
    uint32_t gained[NPOL], lost[NPOL];
    double eligible = 0, changed = 0;
    for (int i = 0; i < NENT; i++) {
        tu_ent e, e2;
        tu_index_get(ix, (uint32_t)(rand_r(&seed) % tu_index_count(ix)), &e);
        double a = now_ms();
        tu_polindex_match(pi, &e, r);
        match_us[i] = (now_ms() - a) * 1e3;
        eligible += (double)tu_polres_list(r, TU_PR_ELIGIBLE, NULL, 0);
        e2 = e; /* a realistic change: new revenue figure and a new qualification */
        e2.revenue = e.revenue + (int64_t)(rand_r(&seed) % 5000) * TU_DEC_SCALE, e2.present |= 1u << TU_A_REVENUE;
        e2.tags |= 1u << (rand_r(&seed) % TU_TAG_COUNT);
        size_t ng, nl;
        a = now_ms();
        changed += (double)tu_polindex_delta(pi, &e, &e2, r, r2, gained, &ng, lost, &nl, NPOL);
        delta_us[i] = (now_ms() - a) * 1e3;
    }
    double mm = median(match_us, NENT), md = median(delta_us, NENT);
    printf("\nenterprise -> policies: %d policies (index built in %.0f ms), %d enterprises: median %.1f us "
           "(p99 %.1f us), %.1f eligible on average\n", NPOL, build, NENT, mm, match_us[NENT * 99 / 100], eligible / NENT);
    printf("change -> delta: median %.1f us (p99 %.1f us), %.2f policies gained or lost on average\n", md,
           delta_us[NENT * 99 / 100], changed / NENT);
    json_object_set_new(out, "policies", json_pack("{s:i,s:i,s:f,s:f,s:f,s:f,s:f,s:f}", "policies", NPOL, "enterprises", NENT,
                                                   "index_build_ms", build, "match_median_us", mm, "match_p99_us",
                                                   match_us[NENT * 99 / 100], "delta_median_us", md, "delta_p99_us",
                                                   delta_us[NENT * 99 / 100], "eligible_avg", eligible / NENT));
    for (int i = 0; i < NPOL; i++) json_decref((json_t *)pols[i].rule);
    free(pols), free(match_us), free(delta_us);
    tu_polres_free(r), tu_polres_free(r2);
    tu_polindex_close(pi);
}

int main(int argc, char **argv) {
    if (argc < 5) {
        fputs("usage: bench_match CSV SQLITE_PATH PG_CONNINFO OUT_JSON [ROUNDS]\n", stderr);
        return 2;
    }
    int rounds = argc > 5 ? atoi(argv[5]) : 5;
    if (rounds < 1 || rounds > MAXROUNDS) rounds = 5;
    tu_index *ix;
    tu_err err;
    double t0 = now_ms();
    if (tu_index_load_csv(argv[1], &ix, &err)) die(argv[1], err.msg);
    double load_ms = now_ms() - t0;
    size_t n = tu_index_count(ix), cols, bms;
    tu_index_memory(ix, &cols, &bms);
    fprintf(stderr, "techup: %zu enterprises loaded from CSV and indexed in %.1f s; columns %.1f bytes/enterprise, bitmaps %.1f MB\n",
            n, load_ms / 1e3, (double)cols / (double)n, (double)bms / 1e6);
    double gbs = bandwidth_gbs();
    fprintf(stderr, "memory bandwidth (one core, sequential read): %.1f GB/s\n", gbs);
    sqlite3 *db = sqlite_load(argv[2], ix);
    PGconn *pg = pg_load(argv[3], ix);
    tu_plan *plans[NRULES];
    for (int i = 0; i < NRULES; i++) {
        json_t *j = json_loads(rules[i].logic, 0, NULL);
        if (!j || tu_plan_compile(j, &plans[i], &err)) die(rules[i].name, "does not compile");
        json_decref(j);
    }
    static result res[NRULES][NENGINES];
    for (int round = 0; round < rounds; round++)
        for (int i = 0; i < NRULES; i++)
            for (int k = 0; k < NENGINES; k++) {
                int e = (k + round + i) % NENGINES; /* rotate which engine goes first */
                if (e == E_TECHUP) run_techup(ix, plans[i], &res[i][e], round);
                else run_sql(e, db, pg, &rules[i], &res[i][e], round);
            }
    json_t *out = json_pack("{s:I,s:f,s:f,s:f,s:f,s:i,s:s,s:[]}", "enterprises", (json_int_t)n, "index_build_s", load_ms / 1e3,
                            "column_bytes_per_enterprise", (double)cols / (double)n, "bitmap_mb", (double)bms / 1e6,
                            "bandwidth_gbs", gbs, "rounds", rounds, "note",
                            "shared 2-vCPU machine (other engineers building and testing at the same time); medians",
                            "rules");
    printf("%-20s %-9s %10s %12s %12s %9s\n", "rule", "engine", "matched", "count ms", "id set ms", "speedup");
    int failed = 0;
    for (int i = 0; i < NRULES; i++) {
        double cm[NENGINES], im[NENGINES];
        for (int e = 0; e < NENGINES; e++) cm[e] = median(res[i][e].count_ms, rounds), im[e] = median(res[i][e].ids_ms, rounds);
        double best_sql = im[E_SQLITE] < im[E_PG] ? im[E_SQLITE] : im[E_PG];
        json_t *jr = json_pack("{s:s,s:s,s:s,s:f}", "name", rules[i].name, "rule", rules[i].logic, "sql", rules[i].sql,
                               "speedup_id_set", best_sql / im[E_TECHUP]);
        for (int e = 0; e < NENGINES; e++) {
            printf("%-20s %-9s %10lld %12.2f %12.2f", rules[i].name, engine_names[e], res[i][e].matched, cm[e], im[e]);
            if (e == E_TECHUP) printf(" %8.0fx", best_sql / im[e]);
            printf("\n");
            json_object_set_new(jr, engine_names[e], json_pack("{s:I,s:f,s:f}", "matched", (json_int_t)res[i][e].matched,
                                                               "count_median_ms", cm[e], "id_set_median_ms", im[e]));
            if (res[i][e].matched != res[i][E_TECHUP].matched) failed = 1;
        }
        json_array_append_new(json_object_get(out, "rules"), jr);
    }
    bench_policies(ix, out);
    if (json_dump_file(out, argv[4], JSON_INDENT(2)) != 0) die(argv[4], "cannot write");
    json_decref(out);
    for (int i = 0; i < NRULES; i++) tu_plan_free(plans[i]);
    sqlite3_close(db);
    PQfinish(pg);
    tu_index_close(ix);
    if (failed) fputs("bench_match: FAILED: the engines' matched counts differ\n", stderr);
    return failed;
}
