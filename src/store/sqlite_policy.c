/* sqlite_policy.c — the SQL of the policy area for SQLite (contracts in policy.h). A few thousand policies;
 * every statement is cached and bound. */
#include <string.h>

#include "core/alloc.h"
#include "store/policy_ops.h"
#include "store/sqlite_int.h"

#define NOW "strftime('%Y-%m-%dT%H:%M:%SZ','now')"
#define VERSION_COLS "policy_id, version, effective_from, published, category, department, mode, title_zh, title_en, doc"

/* Steps a statement that returns no rows. */
static int step_done(void *impl, sqlite3_stmt *st, const char *what, tu_err *err) {
    int rc = sqlite3_step(st) == SQLITE_DONE ? TU_OK : tu__sq_fail(impl, err, what);
    tu__sq_done(st);
    return rc;
}

static int sq_insert(void *impl, const char *code, const char *status, int64_t *id, tu_err *err) {
    static const char sql[] = "INSERT INTO policy (code, status, created_at, updated_at) VALUES (?1, ?2, " NOW
                              ", " NOW ")";
    sqlite3_stmt *st = tu__sq_stmt(impl, sql, err);
    if (!st) return err ? err->code : TU_ESTORE;
    sqlite3_bind_text(st, 1, code, -1, SQLITE_TRANSIENT);
    sqlite3_bind_text(st, 2, status, -1, SQLITE_TRANSIENT);
    int rc = step_done(impl, st, "insert policy", err);
    if (rc == TU_ECONFLICT) return tu_err_set(err, rc, "a policy with code '%s' exists", code);
    if (!rc) *id = sqlite3_last_insert_rowid(tu__sq_db(impl));
    return rc;
}

static void read_head(sqlite3_stmt *st, int c, tu_policy_head *h) {
    h->id = sqlite3_column_int64(st, c);
    tu__sq_col_copy(st, c + 1, h->code, sizeof h->code);
    tu__sq_col_copy(st, c + 2, h->status, sizeof h->status);
    tu__sq_col_copy(st, c + 3, h->updated_at, sizeof h->updated_at);
}

static int sq_get(void *impl, int64_t id, tu_policy_head *out, tu_err *err) {
    static const char sql[] = "SELECT id, code, status, updated_at FROM policy WHERE id = ?1";
    sqlite3_stmt *st = tu__sq_stmt(impl, sql, err);
    if (!st) return err ? err->code : TU_ESTORE;
    sqlite3_bind_int64(st, 1, id);
    int step = sqlite3_step(st), rc = TU_OK;
    if (step == SQLITE_ROW) read_head(st, 0, out);
    else rc = step == SQLITE_DONE ? tu_err_set(err, TU_ENOTFOUND, "no policy %lld", (long long)id)
                                  : tu__sq_fail(impl, err, "read policy");
    tu__sq_done(st);
    return rc;
}

static int sq_find(void *impl, const char *code, int64_t *id, tu_err *err) {
    static const char sql[] = "SELECT id FROM policy WHERE code = ?1";
    sqlite3_stmt *st = tu__sq_stmt(impl, sql, err);
    if (!st) return err ? err->code : TU_ESTORE;
    sqlite3_bind_text(st, 1, code, -1, SQLITE_TRANSIENT);
    int step = sqlite3_step(st), rc = TU_OK;
    if (step == SQLITE_ROW) *id = sqlite3_column_int64(st, 0);
    else rc = step == SQLITE_DONE ? tu_err_set(err, TU_ENOTFOUND, "no policy with code '%s'", code)
                                  : tu__sq_fail(impl, err, "find policy");
    tu__sq_done(st);
    return rc;
}

static int sq_set_status(void *impl, int64_t id, const char *status, tu_err *err) {
    static const char sql[] = "UPDATE policy SET status = ?2, updated_at = " NOW " WHERE id = ?1";
    sqlite3_stmt *st = tu__sq_stmt(impl, sql, err);
    if (!st) return err ? err->code : TU_ESTORE;
    sqlite3_bind_int64(st, 1, id);
    sqlite3_bind_text(st, 2, status, -1, SQLITE_TRANSIENT);
    int rc = step_done(impl, st, "update policy", err);
    if (!rc && sqlite3_changes(tu__sq_db(impl)) == 0) rc = tu_err_set(err, TU_ENOTFOUND, "no policy %lld", (long long)id);
    return rc;
}

static int sq_put_version(void *impl, const tu_policy_version *v, tu_err *err) {
    static const char sql[] = "INSERT OR REPLACE INTO policy_version (" VERSION_COLS
                              ", created_at) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, " NOW ")";
    sqlite3_stmt *st = tu__sq_stmt(impl, sql, err);
    if (!st) return err ? err->code : TU_ESTORE;
    sqlite3_bind_int64(st, 1, v->policy_id);
    sqlite3_bind_int(st, 2, v->version);
    sqlite3_bind_text(st, 3, v->effective_from, -1, SQLITE_TRANSIENT);
    sqlite3_bind_int(st, 4, v->published);
    sqlite3_bind_text(st, 5, v->category, -1, SQLITE_TRANSIENT);
    sqlite3_bind_text(st, 6, v->department, -1, SQLITE_TRANSIENT);
    sqlite3_bind_text(st, 7, v->mode, -1, SQLITE_TRANSIENT);
    sqlite3_bind_text(st, 8, v->title_zh, -1, SQLITE_TRANSIENT);
    sqlite3_bind_text(st, 9, v->title_en, -1, SQLITE_TRANSIENT);
    sqlite3_bind_text(st, 10, v->doc, -1, SQLITE_TRANSIENT);
    int rc = step_done(impl, st, "write policy version", err);
    if (!rc) {
        static const char touch[] = "UPDATE policy SET updated_at = " NOW " WHERE id = ?1";
        sqlite3_stmt *t = tu__sq_stmt(impl, touch, err);
        if (!t) return err ? err->code : TU_ESTORE;
        sqlite3_bind_int64(t, 1, v->policy_id);
        rc = step_done(impl, t, "update policy", err);
    }
    return rc;
}

/* Reads the VERSION_COLS starting at column c. TU_ENOMEM when a copy fails. */
static int read_version(sqlite3_stmt *st, int c, tu_policy_version *v) {
    memset(v, 0, sizeof *v);
    v->policy_id = sqlite3_column_int64(st, c);
    v->version = sqlite3_column_int(st, c + 1);
    tu__sq_col_copy(st, c + 2, v->effective_from, sizeof v->effective_from);
    v->published = sqlite3_column_int(st, c + 3);
    tu__sq_col_copy(st, c + 4, v->category, sizeof v->category);
    v->department = tu__sq_col_dup(st, c + 5);
    tu__sq_col_copy(st, c + 6, v->mode, sizeof v->mode);
    v->title_zh = tu__sq_col_dup(st, c + 7);
    v->title_en = tu__sq_col_dup(st, c + 8);
    v->doc = tu__sq_col_dup(st, c + 9);
    if (v->department && v->title_zh && v->title_en && v->doc) return TU_OK;
    tu_store_policy_version_clear(v);
    return TU_ENOMEM;
}

/* Runs a statement expected to return at most one version row. */
static int one_version(void *impl, sqlite3_stmt *st, int64_t id, tu_policy_version *out, tu_err *err) {
    int step = sqlite3_step(st), rc = TU_OK;
    if (step == SQLITE_ROW) {
        rc = read_version(st, 0, out);
        if (rc) tu_err_set(err, rc, "out of memory");
    } else {
        rc = step == SQLITE_DONE ? tu_err_set(err, TU_ENOTFOUND, "policy %lld has no such version", (long long)id)
                                 : tu__sq_fail(impl, err, "read policy version");
    }
    tu__sq_done(st);
    return rc;
}

static int sq_version(void *impl, int64_t id, int version, tu_policy_version *out, tu_err *err) {
    static const char sql[] = "SELECT " VERSION_COLS " FROM policy_version WHERE policy_id = ?1 AND (?2 = 0 OR "
                              "version = ?2) ORDER BY version DESC LIMIT 1";
    sqlite3_stmt *st = tu__sq_stmt(impl, sql, err);
    if (!st) return err ? err->code : TU_ESTORE;
    sqlite3_bind_int64(st, 1, id);
    sqlite3_bind_int(st, 2, version);
    return one_version(impl, st, id, out, err);
}

static int sq_version_at(void *impl, int64_t id, const char *date, tu_policy_version *out, tu_err *err) {
    static const char sql[] = "SELECT " VERSION_COLS " FROM policy_version WHERE policy_id = ?1 AND published = 1 "
                              "AND effective_from <= ?2 ORDER BY effective_from DESC, version DESC LIMIT 1";
    sqlite3_stmt *st = tu__sq_stmt(impl, sql, err);
    if (!st) return err ? err->code : TU_ESTORE;
    sqlite3_bind_int64(st, 1, id);
    sqlite3_bind_text(st, 2, date, -1, SQLITE_TRANSIENT);
    return one_version(impl, st, id, out, err);
}

/* Steps st, whose rows are a head at column 0 and VERSION_COLS at column 4, calling row() for each until it
 * returns non-zero. */
typedef int (*row_fn)(void *ctx, sqlite3_stmt *st, const tu_policy_head *h, const tu_policy_version *v);
static int each_row(void *impl, sqlite3_stmt *st, row_fn row, void *ctx, const char *what, tu_err *err) {
    int step, rc = TU_OK;
    while (!rc && (step = sqlite3_step(st)) == SQLITE_ROW) {
        tu_policy_head h;
        tu_policy_version v;
        read_head(st, 0, &h);
        if (read_version(st, 4, &v)) {
            rc = tu_err_set(err, TU_ENOMEM, "out of memory");
            break;
        }
        if (row(ctx, st, &h, &v)) step = SQLITE_DONE, rc = 1;
        tu_store_policy_version_clear(&v);
    }
    if (rc == 1) rc = TU_OK;
    else if (!rc && step != SQLITE_DONE) rc = tu__sq_fail(impl, err, what);
    tu__sq_done(st);
    return rc;
}

typedef struct scan_ctx {
    tu_policy_scan_fn fn;
    tu_policy_hit_fn hit;
    void *ctx;
    int sort_deadline; /* search: the sort key is column 15 (deadline), else 14 (published_at) */
} scan_ctx;

static int scan_row(void *ctx, sqlite3_stmt *st, const tu_policy_head *h, const tu_policy_version *v) {
    (void)st;
    scan_ctx *c = ctx;
    return c->fn(c->ctx, h, v);
}

static int sq_scan(void *impl, tu_policy_scan_fn fn, void *ctx, tu_err *err) {
    static const char sql[] =
        "SELECT p.id, p.code, p.status, p.updated_at, " VERSION_COLS " FROM policy p JOIN policy_version v ON "
        "v.policy_id = p.id AND v.version = (SELECT max(version) FROM policy_version WHERE policy_id = p.id) "
        "ORDER BY p.id";
    sqlite3_stmt *st = tu__sq_stmt(impl, sql, err);
    if (!st) return err ? err->code : TU_ESTORE;
    scan_ctx c = {fn, NULL, ctx, 0};
    return each_row(impl, st, scan_row, &c, "list policies", err);
}

/* ---- the policy library ---- */

/* The displayed version of p (see policy.h) and the filters; ?1 match, ?2 like, ?3 department, ?4 category,
 * ?5 city, ?6 province, ?7 open_on, ?8 deadline_before, ?9 statuses, ?10 after (0/1), ?11 after_key, ?12 after_id,
 * ?13 limit. */
#define SEARCH_HEAD                                                                                              \
    "SELECT p.id, p.code, p.status, p.updated_at, " VERSION_COLS ", p.published_at, "                              \
    "coalesce(json_extract(v.doc, '$.apply_to'), '9999-12-31') AS dl FROM policy p JOIN policy_version v ON "       \
    "v.policy_id = p.id AND v.version = (SELECT w.version FROM policy_version w WHERE w.policy_id = p.id ORDER BY " \
    "w.published DESC, w.version DESC LIMIT 1) "                                                                  \
    "WHERE (?1 IS NULL OR p.id IN (SELECT rowid FROM policy_fts WHERE policy_fts MATCH ?1)) "                    \
    "AND (?2 IS NULL OR p.id IN (SELECT rowid FROM policy_fts WHERE (title || ' ' || summary || ' ' || body || ' ' " \
    "|| doc_number || ' ' || department) LIKE ?2 ESCAPE '\\')) "                                                  \
    "AND (?3 IS NULL OR v.department = ?3) AND (?4 IS NULL OR v.category = ?4) "                                 \
    "AND (?5 IS NULL OR coalesce(json_array_length(v.doc, '$.cities'), 0) = 0 OR EXISTS (SELECT 1 FROM "          \
    "json_each(v.doc, '$.cities') c WHERE c.value IN (?5, ?6))) "                                                 \
    "AND (?7 IS NULL OR (json_extract(v.doc, '$.apply_from') <= ?7 AND json_extract(v.doc, '$.apply_to') >= ?7)) " \
    "AND (?8 IS NULL OR json_extract(v.doc, '$.apply_to') < ?8) "                                                 \
    "AND instr(?9, ',' || p.status || ',') > 0 "

static int hit_row(void *ctx, sqlite3_stmt *st, const tu_policy_head *h, const tu_policy_version *v) {
    scan_ctx *c = ctx;
    return c->hit(c->ctx, h, v, (const char *)sqlite3_column_text(st, 14),
                  (const char *)sqlite3_column_text(st, c->sort_deadline ? 15 : 14));
}

static int sq_search(void *impl, const tu_policy_query *q, tu_policy_hit_fn fn, void *ctx, tu_err *err) {
    static const char by_published[] = SEARCH_HEAD
        "AND (?10 = 0 OR p.published_at < ?11 OR (p.published_at = ?11 AND p.id < ?12)) "
        "ORDER BY p.published_at DESC, p.id DESC LIMIT ?13";
    static const char by_deadline[] = SEARCH_HEAD
        "AND (?10 = 0 OR dl > ?11 OR (dl = ?11 AND p.id > ?12)) ORDER BY dl ASC, p.id ASC LIMIT ?13";
    sqlite3_stmt *st = tu__sq_stmt(impl, q->sort_deadline ? by_deadline : by_published, err);
    if (!st) return err ? err->code : TU_ESTORE;
    const char *text[] = {q->match, q->like, q->department, q->category, q->city, q->province, q->open_on,
                          q->deadline_before, q->statuses ? q->statuses : ",published,revised,"};
    for (int i = 0; i < 9; i++)
        if (text[i]) sqlite3_bind_text(st, i + 1, text[i], -1, SQLITE_TRANSIENT);
        else sqlite3_bind_null(st, i + 1);
    sqlite3_bind_int(st, 10, q->after != 0);
    sqlite3_bind_text(st, 11, q->after_key ? q->after_key : "", -1, SQLITE_TRANSIENT);
    sqlite3_bind_int64(st, 12, q->after_id);
    sqlite3_bind_int(st, 13, q->limit);
    scan_ctx c = {NULL, fn, ctx, q->sort_deadline};
    int rc = each_row(impl, st, hit_row, &c, "search policies", err);
    if (rc == TU_ESTORE && q->match) /* an FTS5 query the tokenizer refuses */
        rc = tu_err_set(err, TU_EINVAL, "the search text cannot be used: %s", err ? err->msg : "");
    return rc;
}

const struct tu_policy_ops tu__sqlite_policy_ops = {
    .insert = sq_insert,
    .get = sq_get,
    .find = sq_find,
    .set_status = sq_set_status,
    .put_version = sq_put_version,
    .version = sq_version,
    .version_at = sq_version_at,
    .scan = sq_scan,
    .search = sq_search,
};
