/* sqlite_dispute.c — the SQL of the dispute area for SQLite (schema: migrations/0006_disputes.sql; contracts in
 * dispute.h). Small rows, point reads by id and id-ordered pages by enterprise or by status and city. */
#include <string.h>

#include "store/dispute_ops.h"
#include "store/sqlite_int.h"

#define NOW "strftime('%Y-%m-%dT%H:%M:%SZ','now')"
#define COLS "id, ent_id, city, attribute, current_value, proposed_value, comment, status, created_by, " \
             "resolved_by, resolution_comment, created_at, resolved_at"

static int sq_add(void *impl, const tu_dispute *d, int64_t *id, tu_err *err) {
    static const char sql[] = "INSERT INTO dispute (ent_id, city, attribute, current_value, proposed_value, comment, "
                              "status, created_by, created_at) VALUES (?1, ?2, ?3, ?4, ?5, ?6, 'open', ?7, " NOW ")";
    sqlite3_stmt *st = tu__sq_stmt(impl, sql, err);
    if (!st) return err ? err->code : TU_ESTORE;
    sqlite3_bind_int64(st, 1, d->ent_id);
    sqlite3_bind_int64(st, 2, d->city);
    sqlite3_bind_text(st, 3, d->attribute, -1, SQLITE_TRANSIENT);
    sqlite3_bind_text(st, 4, d->current_value, -1, SQLITE_TRANSIENT);
    sqlite3_bind_text(st, 5, d->proposed_value, -1, SQLITE_TRANSIENT);
    sqlite3_bind_text(st, 6, d->comment, -1, SQLITE_TRANSIENT);
    sqlite3_bind_text(st, 7, d->created_by, -1, SQLITE_TRANSIENT);
    int rc = sqlite3_step(st) == SQLITE_DONE ? TU_OK : tu__sq_fail(impl, err, "insert dispute");
    if (!rc) *id = sqlite3_last_insert_rowid(tu__sq_db(impl));
    tu__sq_done(st);
    return rc;
}

static void row(sqlite3_stmt *st, tu_dispute *d) {
    memset(d, 0, sizeof *d);
    d->id = sqlite3_column_int64(st, 0);
    d->ent_id = sqlite3_column_int64(st, 1);
    d->city = (uint32_t)sqlite3_column_int64(st, 2);
    tu__sq_col_copy(st, 3, d->attribute, sizeof d->attribute);
    tu__sq_col_copy(st, 4, d->current_value, sizeof d->current_value);
    tu__sq_col_copy(st, 5, d->proposed_value, sizeof d->proposed_value);
    tu__sq_col_copy(st, 6, d->comment, sizeof d->comment);
    tu__sq_col_copy(st, 7, d->status, sizeof d->status);
    tu__sq_col_copy(st, 8, d->created_by, sizeof d->created_by);
    tu__sq_col_copy(st, 9, d->resolved_by, sizeof d->resolved_by);
    tu__sq_col_copy(st, 10, d->resolution_comment, sizeof d->resolution_comment);
    tu__sq_col_copy(st, 11, d->created_at, sizeof d->created_at);
    tu__sq_col_copy(st, 12, d->resolved_at, sizeof d->resolved_at);
}

static int sq_get(void *impl, int64_t id, tu_dispute *out, tu_err *err) {
    static const char sql[] = "SELECT " COLS " FROM dispute WHERE id = ?1";
    sqlite3_stmt *st = tu__sq_stmt(impl, sql, err);
    if (!st) return err ? err->code : TU_ESTORE;
    sqlite3_bind_int64(st, 1, id);
    int step = sqlite3_step(st), rc = TU_OK;
    if (step == SQLITE_ROW) row(st, out);
    else rc = step == SQLITE_DONE ? tu_err_set(err, TU_ENOTFOUND, "no dispute %lld", (long long)id)
                                  : tu__sq_fail(impl, err, "read dispute");
    tu__sq_done(st);
    return rc;
}

static int sq_resolve(void *impl, int64_t id, const char *status, const char *by, const char *comment, tu_err *err) {
    static const char sql[] = "UPDATE dispute SET status = ?2, resolved_by = ?3, resolution_comment = ?4, "
                              "resolved_at = " NOW " WHERE id = ?1 AND status = 'open'";
    sqlite3_stmt *st = tu__sq_stmt(impl, sql, err);
    if (!st) return err ? err->code : TU_ESTORE;
    sqlite3_bind_int64(st, 1, id);
    sqlite3_bind_text(st, 2, status, -1, SQLITE_TRANSIENT);
    sqlite3_bind_text(st, 3, by, -1, SQLITE_TRANSIENT);
    sqlite3_bind_text(st, 4, comment ? comment : "", -1, SQLITE_TRANSIENT);
    int rc = sqlite3_step(st) == SQLITE_DONE ? TU_OK : tu__sq_fail(impl, err, "resolve dispute");
    tu__sq_done(st);
    if (!rc && sqlite3_changes(tu__sq_db(impl)) == 0)
        rc = tu_err_set(err, TU_ESTATE, "dispute %lld is not open", (long long)id);
    return rc;
}

static int sq_scan(void *impl, const tu_dispute_filter *f, int limit, tu_dispute_fn fn, void *ctx, tu_err *err) {
    static const char sql[] = "SELECT " COLS " FROM dispute WHERE id > ?1 AND (?2 = 0 OR ent_id = ?2) AND "
                              "(?3 = 0 OR city = ?3) AND (?4 = 0 OR (?4 = 1) = (status = 'open')) ORDER BY id LIMIT ?5";
    sqlite3_stmt *st = tu__sq_stmt(impl, sql, err);
    if (!st) return err ? err->code : TU_ESTORE;
    sqlite3_bind_int64(st, 1, f->after_id);
    sqlite3_bind_int64(st, 2, f->ent_id);
    sqlite3_bind_int64(st, 3, f->city);
    sqlite3_bind_int(st, 4, f->resolved);
    sqlite3_bind_int(st, 5, limit);
    int step;
    tu_dispute d;
    while ((step = sqlite3_step(st)) == SQLITE_ROW) {
        row(st, &d);
        if (fn(ctx, &d)) break;
    }
    int rc = step == SQLITE_ROW || step == SQLITE_DONE ? TU_OK : tu__sq_fail(impl, err, "scan disputes");
    tu__sq_done(st);
    return rc;
}

const struct tu_dispute_ops tu__sqlite_dispute_ops = {
    .add = sq_add,
    .get = sq_get,
    .resolve = sq_resolve,
    .scan = sq_scan,
};
