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

static int sq_scan(void *impl, tu_policy_scan_fn fn, void *ctx, tu_err *err) {
    static const char sql[] =
        "SELECT p.id, p.code, p.status, p.updated_at, " VERSION_COLS " FROM policy p JOIN policy_version v ON "
        "v.policy_id = p.id AND v.version = (SELECT max(version) FROM policy_version WHERE policy_id = p.id) "
        "ORDER BY p.id";
    sqlite3_stmt *st = tu__sq_stmt(impl, sql, err);
    if (!st) return err ? err->code : TU_ESTORE;
    int step, rc = TU_OK;
    while (!rc && (step = sqlite3_step(st)) == SQLITE_ROW) {
        tu_policy_head h;
        tu_policy_version v;
        read_head(st, 0, &h);
        if (read_version(st, 4, &v)) {
            rc = tu_err_set(err, TU_ENOMEM, "out of memory");
            break;
        }
        if (fn(ctx, &h, &v)) step = SQLITE_DONE, rc = 1;
        tu_store_policy_version_clear(&v);
    }
    if (rc == 1) rc = TU_OK;
    else if (!rc && step != SQLITE_DONE) rc = tu__sq_fail(impl, err, "list policies");
    tu__sq_done(st);
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
};
