/* sqlite_registry.c — the registry area's SQL for SQLite (the only place it lives). Statements are prepared once
 * per connection (tu__sq_stmt). Workload: batched upserts inside the caller's transaction (~50k rows each),
 * point reads, and one full scan in id order whose per-row cost must stay well under a microsecond. */
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "core/codes.h"
#include "core/num.h"
#include "store/registry_ops.h"
#include "store/sqlite_int.h"

#define ENT_COLUMNS "id, uscc, name, city, district, industry, size, revenue, employees, founded, rd_ratio, " \
                    "energy_tce, tags, source_id"

static const char SQL_SOURCE_ADD[] =
    "INSERT INTO source (kind, name, as_of, created_at) VALUES (?1, ?2, ?3, ?4) RETURNING id";
static const char SQL_SOURCE_GET[] = "SELECT id, kind, name, as_of FROM source WHERE id = ?1";
static const char SQL_UPSERT[] =
    "INSERT INTO enterprise (uscc, name, city, district, industry, size, revenue, employees, founded, rd_ratio, "
    "energy_tce, tags, source_id) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13) "
    "ON CONFLICT (uscc) DO UPDATE SET name = excluded.name, city = excluded.city, district = excluded.district, "
    "industry = excluded.industry, size = excluded.size, revenue = excluded.revenue, "
    "employees = excluded.employees, founded = excluded.founded, rd_ratio = excluded.rd_ratio, "
    "energy_tce = excluded.energy_tce, tags = excluded.tags, source_id = excluded.source_id RETURNING id";
static const char SQL_APPEND[] =
    "INSERT INTO enterprise (id, uscc, name, city, district, industry, size, revenue, employees, founded, rd_ratio, "
    "energy_tce, tags, source_id) VALUES (?15, ?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13)";
static const char SQL_REPLACE[] =
    "UPDATE enterprise SET uscc = ?1, name = ?2, city = ?3, district = ?4, industry = ?5, size = ?6, revenue = ?7, "
    "employees = ?8, founded = ?9, rd_ratio = ?10, energy_tce = ?11, tags = ?12, source_id = ?13 WHERE id = ?15";
static const char SQL_ANY_ENT[] = "SELECT 1 FROM enterprise LIMIT 1";
static const char SQL_DROP_INDEX[] = "DROP INDEX IF EXISTS enterprise_uscc";
static const char SQL_CREATE_INDEX[] = "CREATE UNIQUE INDEX IF NOT EXISTS enterprise_uscc ON enterprise (uscc)";
static const char SQL_ANY_OVERRIDE[] = "SELECT 1 FROM enterprise_value_source LIMIT 1";
static const char SQL_DROP_OVERRIDES[] = "DELETE FROM enterprise_value_source WHERE enterprise_id = ?1";
static const char SQL_GET_BY_USCC[] = "SELECT " ENT_COLUMNS " FROM enterprise WHERE uscc = ?1";
static const char SQL_GET_BY_ID[] = "SELECT " ENT_COLUMNS " FROM enterprise WHERE id = ?1";
static const char SQL_SCAN[] = "SELECT " ENT_COLUMNS " FROM enterprise ORDER BY id";
/* Search: one statement per sort key and direction; ?1 name part, ?2 uscc, ?3 city, ?4 industry prefix, ?5 tag,
 * ?6 = 1 to start after (?7 key, ?8 id), ?9 limit. A missing number sorts as -1. */
#define SQL_SEARCH(key, cmp, dir)                                                                                \
    "SELECT " ENT_COLUMNS " FROM enterprise WHERE (?1 IS NULL OR instr(name, ?1) > 0) "                          \
    "AND (?2 IS NULL OR uscc = ?2) AND (?3 IS NULL OR city = ?3) "                                                \
    "AND (?4 IS NULL OR substr(industry, 1, length(?4)) = ?4) "                                                   \
    "AND (?5 IS NULL OR instr(';' || tags || ';', ';' || ?5 || ';') > 0) "                                      \
    "AND (?6 = 0 OR (" key ", id) " cmp " (?7, ?8)) ORDER BY " key " " dir ", id " dir " LIMIT ?9"
static const char *const SQL_SEARCH_BY[4][2] = {
    {SQL_SEARCH("id", ">", "ASC"), SQL_SEARCH("id", "<", "DESC")},
    {SQL_SEARCH("name", ">", "ASC"), SQL_SEARCH("name", "<", "DESC")},
    {SQL_SEARCH("coalesce(revenue, -1)", ">", "ASC"), SQL_SEARCH("coalesce(revenue, -1)", "<", "DESC")},
    {SQL_SEARCH("coalesce(employees, -1)", ">", "ASC"), SQL_SEARCH("coalesce(employees, -1)", "<", "DESC")},
};
static const char SQL_COUNT[] = "SELECT count(*) FROM enterprise";
static const char SQL_MAX_ID[] = "SELECT coalesce(max(id), 0) FROM enterprise";
static const char SQL_VS_SET[] =
    "INSERT INTO enterprise_value_source (enterprise_id, attr, source_id) VALUES (?1, ?2, ?3) "
    "ON CONFLICT (enterprise_id, attr) DO UPDATE SET source_id = excluded.source_id";
static const char SQL_VS_GET[] =
    "SELECT coalesce((SELECT source_id FROM enterprise_value_source WHERE enterprise_id = ?1 AND attr = ?2), "
    "e.source_id) FROM enterprise e WHERE e.id = ?1";
static const char SQL_IMPORT_FIND[] =
    "SELECT id, source_id, rows_done, rejected, finished FROM import_run "
    "WHERE path = ?1 AND file_size = ?2 AND file_mtime = ?3 ORDER BY id DESC LIMIT 1";
static const char SQL_IMPORT_START[] =
    "INSERT INTO import_run (source_id, path, file_size, file_mtime, rows_done, rejected, finished, started_at) "
    "VALUES (?1, ?2, ?3, ?4, 0, 0, 0, ?5) RETURNING id";
static const char SQL_IMPORT_PROGRESS[] =
    "UPDATE import_run SET rows_done = ?2, rejected = ?3, finished = ?4 WHERE id = ?1";

static const char SQL_CHANGE_ADD[] =
    "INSERT INTO enterprise_change (origin, n, ids, created_at) VALUES (?1, ?2, ?3, ?4) RETURNING seq";
static const char SQL_CHANGE_SCAN[] =
    "SELECT seq, origin, n, ids FROM enterprise_change WHERE seq > ?1 ORDER BY seq LIMIT ?2";
static const char SQL_CHANGE_LAST[] = "SELECT coalesce(max(seq), 0) FROM enterprise_change";
static const char SQL_CURSOR_GET[] = "SELECT seq FROM change_cursor WHERE name = ?1";
static const char SQL_CHANGE_PRUNE[] =
    "DELETE FROM enterprise_change WHERE seq <= (SELECT min(seq) FROM change_cursor) "
    "AND seq < (SELECT max(seq) FROM enterprise_change) AND created_at <= ?1";
static const char SQL_CURSOR_SET[] =
    "INSERT INTO change_cursor (name, seq, updated_at) VALUES (?1, ?2, ?3) "
    "ON CONFLICT (name) DO UPDATE SET seq = excluded.seq, updated_at = excluded.updated_at";

/* "2026-11-27T18:05:08Z" */
static void iso_at(time_t t, char buf[32]) {
    struct tm tm;
    gmtime_r(&t, &tm);
    strftime(buf, 32, "%Y-%m-%dT%H:%M:%SZ", &tm);
}

static void now_iso(char buf[32]) { iso_at(time(NULL), buf); }

/* Steps a statement expected to end without rows (or with one row to ignore). */
static int step_done(void *impl, sqlite3_stmt *st, const char *what, tu_err *err) {
    int rc = sqlite3_step(st);
    while (rc == SQLITE_ROW) rc = sqlite3_step(st);
    int out = rc == SQLITE_DONE ? TU_OK : tu__sq_fail(impl, err, what);
    tu__sq_done(st);
    return out;
}

/* Steps a statement that returns one integer (RETURNING id, count(*)); TU_ENOTFOUND without a row. */
static int step_int(void *impl, sqlite3_stmt *st, int64_t *out, const char *what, tu_err *err) {
    int rc = sqlite3_step(st);
    int res = TU_OK;
    if (rc == SQLITE_ROW) {
        *out = sqlite3_column_int64(st, 0);
        rc = sqlite3_step(st);
        if (rc != SQLITE_DONE && rc != SQLITE_ROW) res = tu__sq_fail(impl, err, what);
    } else if (rc == SQLITE_DONE) {
        res = tu_err_set(err, TU_ENOTFOUND, "%s: not found", what);
    } else {
        res = tu__sq_fail(impl, err, what);
    }
    tu__sq_done(st);
    return res;
}

static int sr_source_add(void *impl, const char *kind, const char *name, int32_t as_of, int64_t *id, tu_err *err) {
    sqlite3_stmt *st = tu__sq_stmt(impl, SQL_SOURCE_ADD, err);
    if (!st) return err ? err->code : TU_ESTORE;
    char day[TU_DATE_BUFSZ], now[32];
    now_iso(now);
    sqlite3_bind_text(st, 1, kind, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 2, name, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 3, tu_date_format(as_of, day), -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 4, now, -1, SQLITE_STATIC);
    return step_int(impl, st, id, "add source", err);
}

static void copy_col(sqlite3_stmt *st, int col, char *dst, size_t cap) {
    const unsigned char *t = sqlite3_column_text(st, col);
    size_t n = (size_t)sqlite3_column_bytes(st, col);
    if (!t) n = 0;
    if (n >= cap) n = cap - 1;
    if (n) memcpy(dst, t, n);
    dst[n] = '\0';
}

static int sr_source_get(void *impl, int64_t id, tu_source *out, tu_err *err) {
    sqlite3_stmt *st = tu__sq_stmt(impl, SQL_SOURCE_GET, err);
    if (!st) return err ? err->code : TU_ESTORE;
    sqlite3_bind_int64(st, 1, id);
    int rc = sqlite3_step(st), res = TU_OK;
    if (rc == SQLITE_ROW) {
        memset(out, 0, sizeof *out);
        out->id = sqlite3_column_int64(st, 0);
        copy_col(st, 1, out->kind, sizeof out->kind);
        copy_col(st, 2, out->name, sizeof out->name);
        const char *d = (const char *)sqlite3_column_text(st, 3);
        if (!d || tu_date_parse(d, (size_t)sqlite3_column_bytes(st, 3), &out->as_of, NULL))
            res = tu_err_set(err, TU_ECORRUPT, "source %lld has a bad as_of date", (long long)id);
    } else {
        res = rc == SQLITE_DONE ? tu_err_set(err, TU_ENOTFOUND, "no source %lld", (long long)id)
                                : tu__sq_fail(impl, err, "read source");
    }
    tu__sq_done(st);
    return res;
}

/* Text forms of a record's values that are bound without copying (SQLITE_STATIC): live until the step. */
typedef struct ent_text {
    char founded[TU_DATE_BUFSZ];
    char tags[256];
} ent_text;

static void bind_opt_int(sqlite3_stmt *st, int col, const tu_ent *e, int attr, int64_t v) {
    if (TU_ENT_HAS(e, attr)) sqlite3_bind_int64(st, col, v);
    else sqlite3_bind_null(st, col);
}

/* Binds one record to parameters 1..12 (the column order of SQL_UPSERT, SQL_APPEND and SQL_REPLACE); t holds the
 * formatted texts and must outlive the step. */
static void bind_ent(sqlite3_stmt *st, const tu_ent *e, ent_text *t) {
    sqlite3_bind_text(st, 1, e->uscc, TU_USCC_LEN, SQLITE_STATIC);
    sqlite3_bind_text(st, 2, e->name, -1, SQLITE_STATIC);
    sqlite3_bind_int64(st, 3, e->city);
    bind_opt_int(st, 4, e, TU_A_DISTRICT, e->district);
    if (TU_ENT_HAS(e, TU_A_INDUSTRY)) sqlite3_bind_text(st, 5, e->industry, -1, SQLITE_STATIC);
    else sqlite3_bind_null(st, 5);
    if (e->size_given && e->size >= 0) sqlite3_bind_text(st, 6, tu_size_name(e->size), -1, SQLITE_STATIC);
    else sqlite3_bind_null(st, 6);
    bind_opt_int(st, 7, e, TU_A_REVENUE, e->revenue);
    bind_opt_int(st, 8, e, TU_A_EMPLOYEES, e->employees);
    if (TU_ENT_HAS(e, TU_A_FOUNDED)) sqlite3_bind_text(st, 9, tu_date_format(e->founded, t->founded), 10, SQLITE_STATIC);
    else sqlite3_bind_null(st, 9);
    bind_opt_int(st, 10, e, TU_A_RD_RATIO, e->rd_ratio);
    bind_opt_int(st, 11, e, TU_A_ENERGY_TCE, e->energy_tce);
    int n = e->tags ? tu_ent_format(e, TU_A_TAGS, t->tags, sizeof t->tags) : 0;
    sqlite3_bind_text(st, 12, n > 0 ? t->tags : "", n > 0 ? n : 0, SQLITE_STATIC);
}

static int any_override(void *impl, int *any, tu_err *err) {
    sqlite3_stmt *st = tu__sq_stmt(impl, SQL_ANY_OVERRIDE, err);
    if (!st) return err ? err->code : TU_ESTORE;
    int rc = sqlite3_step(st);
    *any = rc == SQLITE_ROW;
    tu__sq_done(st);
    return rc == SQLITE_ROW || rc == SQLITE_DONE ? TU_OK : tu__sq_fail(impl, err, "read overrides");
}

static int sr_ent_upsert(void *impl, const tu_ent *batch, size_t n, int64_t source_id, int64_t *ids_out,
                         tu_err *err) {
    int overrides = 0;
    int rc = any_override(impl, &overrides, err);
    if (rc) return rc;
    ent_text t;
    for (size_t i = 0; i < n && !rc; i++) {
        sqlite3_stmt *st = tu__sq_stmt(impl, SQL_UPSERT, err);
        if (!st) return err ? err->code : TU_ESTORE;
        bind_ent(st, &batch[i], &t);
        sqlite3_bind_int64(st, 13, source_id);
        int64_t id = 0;
        rc = step_int(impl, st, &id, "upsert enterprise", err);
        if (ids_out) ids_out[i] = id;
        if (!rc && overrides) {
            sqlite3_stmt *d = tu__sq_stmt(impl, SQL_DROP_OVERRIDES, err);
            if (!d) return err ? err->code : TU_ESTORE;
            sqlite3_bind_int64(d, 1, id);
            rc = step_done(impl, d, "drop value overrides", err);
        }
        if (rc && err) err->row = (long)i + 1;
    }
    return rc;
}

static int sr_ent_bulk_begin(void *impl, tu_err *err) {
    sqlite3_stmt *st = tu__sq_stmt(impl, SQL_ANY_ENT, err);
    if (!st) return err ? err->code : TU_ESTORE;
    int rc = sqlite3_step(st);
    tu__sq_done(st);
    if (rc == SQLITE_ROW) return tu_err_set(err, TU_ESTATE, "a bulk load needs an empty registry");
    if (rc != SQLITE_DONE) return tu__sq_fail(impl, err, "count enterprises");
    st = tu__sq_stmt(impl, SQL_DROP_INDEX, err);
    return st ? step_done(impl, st, "drop the USCC index", err) : err ? err->code : TU_ESTORE;
}

static int sr_ent_bulk_end(void *impl, tu_err *err) {
    sqlite3_stmt *st = tu__sq_stmt(impl, SQL_CREATE_INDEX, err);
    return st ? step_done(impl, st, "build the USCC index", err) : err ? err->code : TU_ESTORE;
}

/* Binds and steps one record on SQL_APPEND or SQL_REPLACE (parameter 15 = id), then resets the statement. */
static int write_row(void *impl, sqlite3_stmt *st, const tu_ent *e, int64_t id, int64_t source_id, tu_err *err) {
    ent_text t;
    bind_ent(st, e, &t);
    sqlite3_bind_int64(st, 13, source_id);
    sqlite3_bind_int64(st, 15, id);
    int rc = sqlite3_step(st);
    sqlite3_reset(st);
    return rc == SQLITE_DONE ? TU_OK : tu__sq_fail(impl, err, "write enterprise");
}

static int sr_ent_append(void *impl, const tu_ent *batch, const int64_t *ids, size_t n, int64_t source_id,
                         tu_err *err) {
    sqlite3_stmt *st = tu__sq_stmt(impl, SQL_APPEND, err);
    if (!st) return err ? err->code : TU_ESTORE;
    int rc = TU_OK;
    for (size_t i = 0; i < n && !rc; i++) rc = write_row(impl, st, &batch[i], ids[i], source_id, err);
    return rc;
}

static int sr_ent_replace(void *impl, int64_t id, const tu_ent *e, int64_t source_id, tu_err *err) {
    sqlite3_stmt *st = tu__sq_stmt(impl, SQL_REPLACE, err);
    if (!st) return err ? err->code : TU_ESTORE;
    int rc = write_row(impl, st, e, id, source_id, err);
    if (!rc && sqlite3_changes(tu__sq_db(impl)) == 0) rc = tu_err_set(err, TU_ENOTFOUND, "no enterprise %lld", (long long)id);
    sqlite3_stmt *d = rc ? NULL : tu__sq_stmt(impl, SQL_DROP_OVERRIDES, err);
    if (!rc && !d) return err ? err->code : TU_ESTORE;
    if (!rc) sqlite3_bind_int64(d, 1, id), rc = step_done(impl, d, "drop value overrides", err);
    return rc;
}

static int has_col(sqlite3_stmt *st, int col) { return sqlite3_column_type(st, col) != SQLITE_NULL; }

/* Rebuilds a finished record from a row of ENT_COLUMNS. TU_ECORRUPT when the row could not have been written by
 * sr_ent_upsert. */
static int row_to_ent(sqlite3_stmt *st, tu_ent *e, tu_err *err) {
    tu_ent_init(e);
    copy_col(st, 1, e->uscc, sizeof e->uscc);
    copy_col(st, 2, e->name, sizeof e->name);
    e->city = (uint32_t)sqlite3_column_int64(st, 3);
    e->present = 1u << TU_A_USCC | 1u << TU_A_NAME | 1u << TU_A_CITY | 1u << TU_A_TAGS;
    if (has_col(st, 4)) e->district = (uint32_t)sqlite3_column_int64(st, 4), e->present |= 1u << TU_A_DISTRICT;
    if (has_col(st, 5)) {
        copy_col(st, 5, e->industry, sizeof e->industry);
        memcpy(e->division, e->industry, 3);
        e->present |= 1u << TU_A_INDUSTRY;
    }
    int bad = 0;
    if (has_col(st, 6)) {
        e->size = (int8_t)tu_size_parse((const char *)sqlite3_column_text(st, 6), (size_t)sqlite3_column_bytes(st, 6));
        e->size_given = 1, e->present |= 1u << TU_A_SIZE;
        bad |= e->size < 0;
    }
    if (has_col(st, 7)) e->revenue = sqlite3_column_int64(st, 7), e->present |= 1u << TU_A_REVENUE;
    if (has_col(st, 8)) e->employees = sqlite3_column_int64(st, 8), e->present |= 1u << TU_A_EMPLOYEES;
    if (has_col(st, 9)) {
        bad |= tu_date_parse((const char *)sqlite3_column_text(st, 9), (size_t)sqlite3_column_bytes(st, 9),
                             &e->founded, NULL) != TU_OK;
        e->present |= 1u << TU_A_FOUNDED;
    }
    if (has_col(st, 10)) e->rd_ratio = sqlite3_column_int64(st, 10), e->present |= 1u << TU_A_RD_RATIO;
    if (has_col(st, 11)) e->energy_tce = sqlite3_column_int64(st, 11), e->present |= 1u << TU_A_ENERGY_TCE;
    int tl = sqlite3_column_bytes(st, 12);
    if (tl > 0) bad |= tu_tags_parse((const char *)sqlite3_column_text(st, 12), (size_t)tl, &e->tags, NULL) != TU_OK;
    if (bad || strlen(e->uscc) != TU_USCC_LEN || !tu_city_find(e->city) || tu_ent_finish(e, NULL) != TU_OK)
        return tu_err_set(err, TU_ECORRUPT, "enterprise %lld has values techup did not write",
                          (long long)sqlite3_column_int64(st, 0));
    return TU_OK;
}

static int get_one(void *impl, sqlite3_stmt *st, int64_t *id, tu_ent *out, int64_t *source_id, tu_err *err) {
    int rc = sqlite3_step(st), res;
    if (rc == SQLITE_ROW) {
        res = row_to_ent(st, out, err);
        if (id) *id = sqlite3_column_int64(st, 0);
        if (source_id) *source_id = sqlite3_column_int64(st, 13);
    } else {
        res = rc == SQLITE_DONE ? tu_err_set(err, TU_ENOTFOUND, "no such enterprise")
                                : tu__sq_fail(impl, err, "read enterprise");
    }
    tu__sq_done(st);
    return res;
}

static int sr_ent_get_by_uscc(void *impl, const char *uscc, int64_t *id, tu_ent *out, int64_t *source_id,
                              tu_err *err) {
    sqlite3_stmt *st = tu__sq_stmt(impl, SQL_GET_BY_USCC, err);
    if (!st) return err ? err->code : TU_ESTORE;
    sqlite3_bind_text(st, 1, uscc, -1, SQLITE_STATIC);
    return get_one(impl, st, id, out, source_id, err);
}

static int sr_ent_get_by_id(void *impl, int64_t id, tu_ent *out, int64_t *source_id, tu_err *err) {
    sqlite3_stmt *st = tu__sq_stmt(impl, SQL_GET_BY_ID, err);
    if (!st) return err ? err->code : TU_ESTORE;
    sqlite3_bind_int64(st, 1, id);
    return get_one(impl, st, NULL, out, source_id, err);
}

static int query_int(void *impl, const char *sql, int64_t *out, tu_err *err) {
    sqlite3_stmt *st = tu__sq_stmt(impl, sql, err);
    if (!st) return err ? err->code : TU_ESTORE;
    return step_int(impl, st, out, "count enterprises", err);
}

static int sr_ent_count(void *impl, int64_t *n, tu_err *err) { return query_int(impl, SQL_COUNT, n, err); }
static int sr_ent_max_id(void *impl, int64_t *m, tu_err *err) { return query_int(impl, SQL_MAX_ID, m, err); }

/* Steps st (rows of ENT_COLUMNS) to its end, calling fn per row, then resets it. */
static int visit_rows(void *impl, sqlite3_stmt *st, tu_ent_scan_fn fn, void *ctx, const char *what, tu_err *err) {
    tu_ent e;
    int rc = SQLITE_DONE, res = TU_OK;
    while (!res && (rc = sqlite3_step(st)) == SQLITE_ROW) {
        res = row_to_ent(st, &e, err);
        if (!res) res = fn(ctx, sqlite3_column_int64(st, 0), &e, sqlite3_column_int64(st, 13));
    }
    if (!res && rc != SQLITE_DONE) res = tu__sq_fail(impl, err, what);
    tu__sq_done(st);
    return res;
}

static int sr_ent_scan(void *impl, tu_ent_scan_fn fn, void *ctx, tu_err *err) {
    sqlite3_stmt *st = tu__sq_stmt(impl, SQL_SCAN, err);
    if (!st) return err ? err->code : TU_ESTORE;
    return visit_rows(impl, st, fn, ctx, "scan enterprises", err);
}

static void bind_opt_text(sqlite3_stmt *st, int col, const char *v) {
    if (v) sqlite3_bind_text(st, col, v, -1, SQLITE_STATIC);
}

static int sr_ent_search(void *impl, const tu_ent_query *q, int limit, tu_ent_scan_fn fn, void *ctx, tu_err *err) {
    sqlite3_stmt *st = tu__sq_stmt(impl, SQL_SEARCH_BY[q->sort][q->reverse ? 1 : 0], err);
    if (!st) return err ? err->code : TU_ESTORE;
    bind_opt_text(st, 1, q->name_part);
    bind_opt_text(st, 2, q->uscc);
    if (q->city) sqlite3_bind_int64(st, 3, q->city);
    bind_opt_text(st, 4, q->industry);
    bind_opt_text(st, 5, q->tag);
    sqlite3_bind_int(st, 6, q->after);
    if (q->sort == TU_ENT_SORT_NAME) sqlite3_bind_text(st, 7, q->after_text ? q->after_text : "", -1, SQLITE_STATIC);
    else sqlite3_bind_int64(st, 7, q->sort == TU_ENT_SORT_ID ? q->after_id : q->after_num);
    sqlite3_bind_int64(st, 8, q->after_id);
    sqlite3_bind_int(st, 9, limit);
    return visit_rows(impl, st, fn, ctx, "search enterprises", err);
}

static int sr_value_source_set(void *impl, int64_t ent_id, const char *attr, int64_t source_id, tu_err *err) {
    sqlite3_stmt *st = tu__sq_stmt(impl, SQL_VS_SET, err);
    if (!st) return err ? err->code : TU_ESTORE;
    sqlite3_bind_int64(st, 1, ent_id);
    sqlite3_bind_text(st, 2, attr, -1, SQLITE_STATIC);
    sqlite3_bind_int64(st, 3, source_id);
    return step_done(impl, st, "set value source", err);
}

static int sr_value_source(void *impl, int64_t ent_id, const char *attr, int64_t *source_id, tu_err *err) {
    sqlite3_stmt *st = tu__sq_stmt(impl, SQL_VS_GET, err);
    if (!st) return err ? err->code : TU_ESTORE;
    sqlite3_bind_int64(st, 1, ent_id);
    sqlite3_bind_text(st, 2, attr, -1, SQLITE_STATIC);
    return step_int(impl, st, source_id, "enterprise", err);
}

static int sr_import_find(void *impl, const char *path, int64_t size, int64_t mtime, tu_import_run *out,
                          tu_err *err) {
    sqlite3_stmt *st = tu__sq_stmt(impl, SQL_IMPORT_FIND, err);
    if (!st) return err ? err->code : TU_ESTORE;
    sqlite3_bind_text(st, 1, path, -1, SQLITE_STATIC);
    sqlite3_bind_int64(st, 2, size);
    sqlite3_bind_int64(st, 3, mtime);
    int rc = sqlite3_step(st), res = TU_OK;
    if (rc == SQLITE_ROW) {
        out->id = sqlite3_column_int64(st, 0);
        out->source_id = sqlite3_column_int64(st, 1);
        out->rows_done = sqlite3_column_int64(st, 2);
        out->rejected = sqlite3_column_int64(st, 3);
        out->finished = sqlite3_column_int(st, 4);
    } else {
        res = rc == SQLITE_DONE ? tu_err_set(err, TU_ENOTFOUND, "no import run of %s", path)
                                : tu__sq_fail(impl, err, "read import run");
    }
    tu__sq_done(st);
    return res;
}

static int sr_import_start(void *impl, const char *path, int64_t size, int64_t mtime, int64_t source_id,
                           int64_t *run_id, tu_err *err) {
    sqlite3_stmt *st = tu__sq_stmt(impl, SQL_IMPORT_START, err);
    if (!st) return err ? err->code : TU_ESTORE;
    char now[32];
    now_iso(now);
    sqlite3_bind_int64(st, 1, source_id);
    sqlite3_bind_text(st, 2, path, -1, SQLITE_STATIC);
    sqlite3_bind_int64(st, 3, size);
    sqlite3_bind_int64(st, 4, mtime);
    sqlite3_bind_text(st, 5, now, -1, SQLITE_STATIC);
    return step_int(impl, st, run_id, "start import run", err);
}

static int sr_import_progress(void *impl, int64_t run_id, int64_t rows_done, int64_t rejected, int finished,
                              tu_err *err) {
    sqlite3_stmt *st = tu__sq_stmt(impl, SQL_IMPORT_PROGRESS, err);
    if (!st) return err ? err->code : TU_ESTORE;
    sqlite3_bind_int64(st, 1, run_id);
    sqlite3_bind_int64(st, 2, rows_done);
    sqlite3_bind_int64(st, 3, rejected);
    sqlite3_bind_int(st, 4, finished);
    return step_done(impl, st, "record import progress", err);
}

/* ---- the change feed ---- */

static int sr_change_add(void *impl, int64_t origin, const void *ids, size_t len, int64_t n, int64_t *seq,
                         tu_err *err) {
    sqlite3_stmt *st = tu__sq_stmt(impl, SQL_CHANGE_ADD, err);
    if (!st) return err ? err->code : TU_ESTORE;
    char now[32];
    now_iso(now);
    sqlite3_bind_int64(st, 1, origin);
    sqlite3_bind_int64(st, 2, n);
    sqlite3_bind_blob64(st, 3, ids, len, SQLITE_STATIC);
    sqlite3_bind_text(st, 4, now, -1, SQLITE_STATIC);
    return step_int(impl, st, seq, "add change", err);
}

static int sr_change_scan(void *impl, int64_t after, int limit, tu_change_fn fn, void *ctx, tu_err *err) {
    sqlite3_stmt *st = tu__sq_stmt(impl, SQL_CHANGE_SCAN, err);
    if (!st) return err ? err->code : TU_ESTORE;
    sqlite3_bind_int64(st, 1, after);
    sqlite3_bind_int(st, 2, limit);
    int rc, stop = 0;
    while (!stop && (rc = sqlite3_step(st)) == SQLITE_ROW) {
        tu_change c = {sqlite3_column_int64(st, 0), sqlite3_column_int64(st, 1), sqlite3_column_int64(st, 2),
                       sqlite3_column_blob(st, 3), (size_t)sqlite3_column_bytes(st, 3)};
        stop = fn(ctx, &c);
    }
    int out = stop ? stop : rc == SQLITE_DONE ? TU_OK : tu__sq_fail(impl, err, "read the change feed");
    tu__sq_done(st);
    return out;
}

static int sr_change_last(void *impl, int64_t *seq, tu_err *err) {
    sqlite3_stmt *st = tu__sq_stmt(impl, SQL_CHANGE_LAST, err);
    return st ? step_int(impl, st, seq, "read the change feed", err) : err ? err->code : TU_ESTORE;
}

static int sr_change_prune(void *impl, int64_t min_age_s, int64_t *deleted, tu_err *err) {
    sqlite3_stmt *st = tu__sq_stmt(impl, SQL_CHANGE_PRUNE, err);
    if (!st) return err ? err->code : TU_ESTORE;
    char cutoff[32]; /* created_at is ISO 8601 UTC text: it compares as text */
    iso_at(time(NULL) - (time_t)min_age_s, cutoff);
    sqlite3_bind_text(st, 1, cutoff, -1, SQLITE_TRANSIENT);
    int rc = step_done(impl, st, "prune the change feed", err);
    if (!rc) *deleted = sqlite3_changes(sqlite3_db_handle(st));
    return rc;
}

static int sr_cursor_get(void *impl, const char *name, int64_t *seq, tu_err *err) {
    sqlite3_stmt *st = tu__sq_stmt(impl, SQL_CURSOR_GET, err);
    if (!st) return err ? err->code : TU_ESTORE;
    sqlite3_bind_text(st, 1, name, -1, SQLITE_STATIC);
    return step_int(impl, st, seq, "change cursor", err);
}

static int sr_cursor_set(void *impl, const char *name, int64_t seq, tu_err *err) {
    sqlite3_stmt *st = tu__sq_stmt(impl, SQL_CURSOR_SET, err);
    if (!st) return err ? err->code : TU_ESTORE;
    char now[32];
    now_iso(now);
    sqlite3_bind_text(st, 1, name, -1, SQLITE_STATIC);
    sqlite3_bind_int64(st, 2, seq);
    sqlite3_bind_text(st, 3, now, -1, SQLITE_STATIC);
    return step_done(impl, st, "record the change cursor", err);
}

const struct tu_registry_ops tu__sqlite_registry_ops = {
    .source_add = sr_source_add,
    .source_get = sr_source_get,
    .ent_upsert = sr_ent_upsert,
    .ent_bulk_begin = sr_ent_bulk_begin,
    .ent_append = sr_ent_append,
    .ent_replace = sr_ent_replace,
    .ent_bulk_end = sr_ent_bulk_end,
    .ent_get_by_uscc = sr_ent_get_by_uscc,
    .ent_get_by_id = sr_ent_get_by_id,
    .ent_count = sr_ent_count,
    .ent_max_id = sr_ent_max_id,
    .ent_scan = sr_ent_scan,
    .ent_search = sr_ent_search,
    .value_source_set = sr_value_source_set,
    .value_source = sr_value_source,
    .import_find = sr_import_find,
    .import_start = sr_import_start,
    .import_progress = sr_import_progress,
    .change_add = sr_change_add,
    .change_scan = sr_change_scan,
    .change_last = sr_change_last,
    .cursor_get = sr_cursor_get,
    .cursor_set = sr_cursor_set,
    .change_prune = sr_change_prune,
};
