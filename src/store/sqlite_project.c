/* sqlite_project.c — the SQL of the project area for the SQLite backend (schema: migrations/0004_projects.sql).
 * Every statement is cached per connection and binds its values; rows map to the plain records of project.h.
 * Workload: point reads and writes, short per-city scans, SUM over the quota ledger's covering index. */
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "core/alloc.h"
#include "core/num.h"
#include "store/project_ops.h"
#include "store/sqlite_int.h"

/* ---- binding and reading helpers ---- */

/* Binds values by a format: i int64, I int64 (0 -> NULL), t text, T text ("" -> NULL), d date (0 -> NULL). */
static void bindv(sqlite3_stmt *st, const char *fmt, va_list ap) {
    for (int k = 1; *fmt; fmt++, k++) {
        char buf[TU_DATE_BUFSZ];
        int64_t v;
        const char *s;
        int32_t day;
        switch (*fmt) {
        case 'i': sqlite3_bind_int64(st, k, va_arg(ap, int64_t)); break;
        case 'I':
            v = va_arg(ap, int64_t);
            if (v)
                sqlite3_bind_int64(st, k, v);
            else
                sqlite3_bind_null(st, k);
            break;
        case 't':
        case 'T':
            s = va_arg(ap, const char *);
            if (s && (*fmt == 't' || *s))
                sqlite3_bind_text(st, k, s, -1, SQLITE_TRANSIENT);
            else
                sqlite3_bind_null(st, k);
            break;
        default: /* 'd' */
            day = va_arg(ap, int32_t);
            if (day)
                sqlite3_bind_text(st, k, tu_date_format(day, buf), -1, SQLITE_TRANSIENT);
            else
                sqlite3_bind_null(st, k);
        }
    }
}

/* The cached statement for sql with fmt-bound values, or NULL with err set. */
static sqlite3_stmt *prep(void *impl, const char *sql, tu_err *err, const char *fmt, ...) {
    sqlite3_stmt *st = tu__sq_stmt(impl, sql, err);
    if (!st) return NULL;
    va_list ap;
    va_start(ap, fmt);
    bindv(st, fmt, ap);
    va_end(ap);
    return st;
}

/* Steps a statement that returns no rows. */
static int finish(void *impl, sqlite3_stmt *st, const char *what, tu_err *err) {
    if (!st) return err ? err->code : TU_ESTORE;
    int rc = sqlite3_step(st);
    tu__sq_done(st);
    return rc == SQLITE_DONE ? TU_OK : tu__sq_fail(impl, err, what);
}

static int64_t last_id(void *impl) { return sqlite3_last_insert_rowid(tu__sq_db(impl)); }

static int32_t col_date(sqlite3_stmt *st, int i) {
    const char *t = (const char *)sqlite3_column_text(st, i);
    int32_t d = 0;
    if (t && tu_date_parse(t, strlen(t), &d, NULL) != TU_OK) d = 0;
    return d;
}

#define I64(i) sqlite3_column_int64(st, (i))

/* Appends one zeroed element to a heap array; NULL when out of memory. */
static void *push(void **arr, int *n, int *cap, size_t size) {
    if (*n == *cap) {
        int nc = *cap ? *cap * 2 : 16;
        void *na = tu_realloc(*arr, (size_t)nc * size);
        if (!na) return NULL;
        *arr = na, *cap = nc;
    }
    char *slot = (char *)*arr + (size_t)(*n)++ * size;
    memset(slot, 0, size);
    return slot;
}

typedef void (*row_fn)(sqlite3_stmt *st, void *out);

/* Collects every row of st into a heap array of `size`-byte records read by fn. */
static int collect(void *impl, sqlite3_stmt *st, row_fn fn, size_t size, void **out, int *n, tu_err *err) {
    *out = NULL, *n = 0;
    if (!st) return err ? err->code : TU_ESTORE;
    int cap = 0, rc;
    while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
        void *slot = push(out, n, &cap, size);
        if (!slot) {
            tu__sq_done(st);
            tu_free(*out), *out = NULL, *n = 0;
            return tu_err_set(err, TU_ENOMEM, "out of memory");
        }
        fn(st, slot);
    }
    if (rc != SQLITE_DONE) {
        int e = tu__sq_fail(impl, err, "read");
        tu__sq_done(st);
        tu_free(*out), *out = NULL, *n = 0;
        return e;
    }
    tu__sq_done(st);
    return TU_OK;
}

/* Reads exactly one row into out, or TU_ENOTFOUND naming `what` and id. */
static int one(void *impl, sqlite3_stmt *st, row_fn fn, void *out, const char *what, int64_t id, tu_err *err) {
    if (!st) return err ? err->code : TU_ESTORE;
    int rc = sqlite3_step(st);
    if (rc == SQLITE_ROW) fn(st, out);
    int e = rc == SQLITE_ROW    ? TU_OK
            : rc == SQLITE_DONE ? tu_err_set(err, TU_ENOTFOUND, "%s %lld not found", what, (long long)id)
                                : tu__sq_fail(impl, err, what);
    tu__sq_done(st);
    return e;
}

/* ---- projects ---- */

#define PROJECT_COLS                                                                                                   \
    "id, uscc, name, type, city, district, filing_code, filing_date, planned_start, planned_completion, "              \
    "total_investment, equipment_investment, energy_tce, energy_kwh, land_mu, energy_tier, green, state, "             \
    "state_since, deadline, bank_id, loan_product_id, loan_principal, created"

static void read_project(sqlite3_stmt *st, void *out) {
    tu_project *p = out;
    memset(p, 0, sizeof *p);
    p->id = I64(0);
    tu__sq_col_copy(st, 1, p->uscc, sizeof p->uscc);
    tu__sq_col_copy(st, 2, p->name, sizeof p->name);
    tu__sq_col_copy(st, 3, p->type, sizeof p->type);
    p->city = (uint32_t)I64(4), p->district = (uint32_t)I64(5);
    tu__sq_col_copy(st, 6, p->filing_code, sizeof p->filing_code);
    p->filing_date = col_date(st, 7), p->planned_start = col_date(st, 8), p->planned_completion = col_date(st, 9);
    p->total_investment = I64(10), p->equipment_investment = I64(11);
    p->energy_tce = I64(12), p->energy_kwh = I64(13), p->land_mu = I64(14);
    p->energy_tier = (int)I64(15), p->green = (int)I64(16);
    tu__sq_col_copy(st, 17, p->state, sizeof p->state);
    p->state_since = col_date(st, 18), p->deadline = col_date(st, 19);
    tu__sq_col_copy(st, 20, p->bank_id, sizeof p->bank_id);
    p->loan_product_id = I64(21), p->loan_principal = I64(22);
    p->created = col_date(st, 23);
}

static int write_children(void *impl, const tu_project *p, tu_err *err) {
    int rc = finish(impl, prep(impl, "DELETE FROM project_equipment WHERE project_id = ?1", err, "i", p->id),
                    "delete equipment", err);
    if (!rc)
        rc = finish(impl, prep(impl, "DELETE FROM project_attachment WHERE project_id = ?1", err, "i", p->id),
                    "delete attachments", err);
    for (int i = 0; !rc && i < p->n_equipment; i++) {
        const tu_project_equipment *e = &p->equipment[i];
        rc = finish(impl,
                    prep(impl, "INSERT INTO project_equipment VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)", err, "iittiii",
                         p->id, (int64_t)i, e->item, e->category, e->quantity, e->unit_price, (int64_t)e->imported),
                    "insert equipment", err);
    }
    for (int i = 0; !rc && i < p->n_attachments; i++) {
        const tu_project_attachment *a = &p->attachments[i];
        rc = finish(impl,
                    prep(impl, "INSERT INTO project_attachment VALUES (?1, ?2, ?3, ?4, ?5)", err, "iitti", p->id,
                         (int64_t)i, a->name, a->sha256, a->size),
                    "insert attachment", err);
    }
    return rc;
}

static int sp_update_row(void *impl, const tu_project *p, tu_err *err) {
    static const char sql[] =
        "UPDATE project SET uscc=?1, name=?2, type=?3, city=?4, district=?5, filing_code=?6, filing_date=?7, "
        "planned_start=?8, planned_completion=?9, total_investment=?10, equipment_investment=?11, energy_tce=?12, "
        "energy_kwh=?13, land_mu=?14, energy_tier=?15, green=?16, state=?17, state_since=?18, deadline=?19, "
        "bank_id=?20, loan_product_id=?21, loan_principal=?22, created=?23 WHERE id=?24";
    sqlite3_stmt *st = prep(
        impl, sql, err, "tttiItdddiiiiiiitddTIidi", p->uscc, p->name, p->type, (int64_t)p->city, (int64_t)p->district,
        p->filing_code, p->filing_date, p->planned_start, p->planned_completion, p->total_investment,
        p->equipment_investment, p->energy_tce, p->energy_kwh, p->land_mu, (int64_t)p->energy_tier, (int64_t)p->green,
        p->state, p->state_since, p->deadline, p->bank_id, p->loan_product_id, p->loan_principal, p->created, p->id);
    int rc = finish(impl, st, "update project", err);
    if (!rc && sqlite3_changes(tu__sq_db(impl)) == 0)
        rc = tu_err_set(err, TU_ENOTFOUND, "project %lld not found", (long long)p->id);
    return rc;
}

static int sp_insert(void *impl, tu_project *p, tu_err *err) {
    static const char sql[] =
        "INSERT INTO project (uscc, name, type, city, filing_code, filing_date, planned_start, planned_completion, "
        "total_investment, equipment_investment, energy_tce, energy_kwh, land_mu, energy_tier, state, state_since, "
        "created) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, 0, 0, 0, 0, 0, 0, ?9, ?10, ?11)";
    int rc = finish(impl,
                    prep(impl, sql, err, "tttitdddtdd", p->uscc, p->name, p->type, (int64_t)p->city, p->filing_code,
                         p->filing_date, p->planned_start, p->planned_completion, p->state, p->state_since, p->created),
                    "insert project", err);
    if (rc) return rc;
    p->id = last_id(impl);
    rc = sp_update_row(impl, p, err);
    return rc ? rc : write_children(impl, p, err);
}

static void read_equipment(sqlite3_stmt *st, void *out) {
    tu_project_equipment *e = out;
    tu__sq_col_copy(st, 0, e->item, sizeof e->item);
    tu__sq_col_copy(st, 1, e->category, sizeof e->category);
    e->quantity = I64(2), e->unit_price = I64(3), e->imported = (int)I64(4);
}

static void read_attachment(sqlite3_stmt *st, void *out) {
    tu_project_attachment *a = out;
    tu__sq_col_copy(st, 0, a->name, sizeof a->name);
    tu__sq_col_copy(st, 1, a->sha256, sizeof a->sha256);
    a->size = I64(2);
}

static int sp_get(void *impl, int64_t id, tu_project *out, tu_err *err) {
    memset(out, 0, sizeof *out);
    int rc = one(impl, prep(impl, "SELECT " PROJECT_COLS " FROM project WHERE id = ?1", err, "i", id), read_project,
                 out, "project", id, err);
    if (!rc)
        rc = collect(impl,
                     prep(impl,
                          "SELECT item, category, quantity, unit_price, imported FROM project_equipment "
                          "WHERE project_id = ?1 ORDER BY seq",
                          err, "i", id),
                     read_equipment, sizeof(tu_project_equipment), (void **)&out->equipment, &out->n_equipment, err);
    if (!rc)
        rc = collect(impl,
                     prep(impl, "SELECT name, sha256, size FROM project_attachment WHERE project_id = ?1 ORDER BY seq",
                          err, "i", id),
                     read_attachment, sizeof(tu_project_attachment), (void **)&out->attachments, &out->n_attachments,
                     err);
    if (rc) tu_project_clear(out);
    return rc;
}

static int sp_update(void *impl, const tu_project *p, tu_err *err) {
    int rc = sp_update_row(impl, p, err);
    return rc ? rc : write_children(impl, p, err);
}

static int sp_list(void *impl, const tu_project_filter *f, tu_project_list *out, tu_err *err) {
    static const char sql[] = "SELECT " PROJECT_COLS " FROM project WHERE id > ?1 "
                              "AND (?2 IS NULL OR uscc = ?2) AND (?3 IS NULL OR state = ?3) "
                              "AND (?4 IS NULL OR bank_id = ?4) AND (?5 IS NULL OR city = ?5) "
                              "AND (?6 IS NULL OR (deadline IS NOT NULL AND deadline < ?6)) "
                              "AND (?8 IS NULL OR type = ?8) ORDER BY id LIMIT ?7";
    int64_t limit = f->limit > 0 ? f->limit : 1000;
    sqlite3_stmt *st = prep(impl, sql, err, "iTTTIdiT", f->after_id, f->uscc, f->state, f->bank_id,
                            (int64_t)f->city, f->deadline_before, limit, f->type);
    return collect(impl, st, read_project, sizeof(tu_project), (void **)&out->items, &out->n, err);
}

/* ---- events and energy reviews ---- */

static int sp_event_add(void *impl, tu_project_event *ev, tu_err *err) {
    static const char sql[] = "INSERT INTO project_event (project_id, day, from_state, to_state, action, role, "
                              "actor, comment) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)";
    int rc = finish(impl,
                    prep(impl, sql, err, "idtttttt", ev->project_id, ev->day, ev->from_state, ev->to_state, ev->action,
                         ev->role, ev->actor, ev->comment),
                    "insert event", err);
    if (!rc) ev->id = last_id(impl);
    return rc;
}

static void read_event(sqlite3_stmt *st, void *out) {
    tu_project_event *ev = out;
    ev->id = I64(0), ev->project_id = I64(1), ev->day = col_date(st, 2);
    tu__sq_col_copy(st, 3, ev->from_state, sizeof ev->from_state);
    tu__sq_col_copy(st, 4, ev->to_state, sizeof ev->to_state);
    tu__sq_col_copy(st, 5, ev->action, sizeof ev->action);
    tu__sq_col_copy(st, 6, ev->role, sizeof ev->role);
    tu__sq_col_copy(st, 7, ev->actor, sizeof ev->actor);
    tu__sq_col_copy(st, 8, ev->comment, sizeof ev->comment);
}

static int sp_events(void *impl, int64_t project_id, tu_project_event **out, int *n, tu_err *err) {
    static const char sql[] = "SELECT id, project_id, day, from_state, to_state, action, role, actor, comment "
                              "FROM project_event WHERE project_id = ?1 ORDER BY id";
    return collect(impl, prep(impl, sql, err, "i", project_id), read_event, sizeof **out, (void **)out, n, err);
}

static int sp_review_add(void *impl, tu_energy_review *r, tu_err *err) {
    static const char sql[] = "INSERT INTO energy_review (project_id, tier, passed, reviewer, comment, day) "
                              "VALUES (?1, ?2, ?3, ?4, ?5, ?6)";
    int rc = finish(impl,
                    prep(impl, sql, err, "iiittd", r->project_id, (int64_t)r->tier, (int64_t)r->passed, r->reviewer,
                         r->comment, r->day),
                    "insert energy review", err);
    if (!rc) r->id = last_id(impl);
    return rc;
}

static void read_review(sqlite3_stmt *st, void *out) {
    tu_energy_review *r = out;
    r->id = I64(0), r->project_id = I64(1), r->tier = (int)I64(2), r->passed = (int)I64(3);
    tu__sq_col_copy(st, 4, r->reviewer, sizeof r->reviewer);
    tu__sq_col_copy(st, 5, r->comment, sizeof r->comment);
    r->day = col_date(st, 6);
}

static int sp_review_last(void *impl, int64_t project_id, tu_energy_review *out, tu_err *err) {
    static const char sql[] = "SELECT id, project_id, tier, passed, reviewer, comment, day FROM energy_review "
                              "WHERE project_id = ?1 ORDER BY id DESC LIMIT 1";
    memset(out, 0, sizeof *out);
    return one(impl, prep(impl, sql, err, "i", project_id), read_review, out, "energy review of project", project_id,
               err);
}

/* ---- quota ledger ---- */

static int sp_quota_add(void *impl, tu_quota_entry *e, tu_err *err) {
    static const char sql[] = "INSERT INTO quota_entry (city, year, account, kind, delta, project_id, advance_id, "
                              "actor, note, day) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10)";
    int rc = finish(impl,
                    prep(impl, sql, err, "iittiIIttd", (int64_t)e->city, (int64_t)e->year, e->account, e->kind,
                         e->delta, e->project_id, e->advance_id, e->actor, e->note, e->day),
                    "insert quota entry", err);
    if (!rc) e->id = last_id(impl);
    return rc;
}

static int sp_quota_sum(void *impl, uint32_t city, int year, const char *account, int64_t project_id, int64_t *out,
                        tu_err *err) {
    static const char sql[] = "SELECT coalesce(sum(delta), 0) FROM quota_entry WHERE city = ?1 AND year = ?2 "
                              "AND account = ?3 AND (?4 IS NULL OR project_id = ?4)";
    sqlite3_stmt *st = prep(impl, sql, err, "iitI", (int64_t)city, (int64_t)year, account, project_id);
    if (!st) return err ? err->code : TU_ESTORE;
    int rc = sqlite3_step(st);
    *out = rc == SQLITE_ROW ? sqlite3_column_int64(st, 0) : 0;
    int e = rc == SQLITE_ROW ? TU_OK : tu__sq_fail(impl, err, "quota balance");
    tu__sq_done(st);
    return e;
}

static void read_entry(sqlite3_stmt *st, void *out) {
    tu_quota_entry *e = out;
    e->id = I64(0), e->city = (uint32_t)I64(1), e->year = (int)I64(2);
    tu__sq_col_copy(st, 3, e->account, sizeof e->account);
    tu__sq_col_copy(st, 4, e->kind, sizeof e->kind);
    e->delta = I64(5), e->project_id = I64(6), e->advance_id = I64(7);
    tu__sq_col_copy(st, 8, e->actor, sizeof e->actor);
    tu__sq_col_copy(st, 9, e->note, sizeof e->note);
    e->day = col_date(st, 10);
}

static int sp_quota_entries(void *impl, uint32_t city, int year, tu_quota_entry **out, int *n, tu_err *err) {
    static const char sql[] = "SELECT id, city, year, account, kind, delta, project_id, advance_id, actor, note, "
                              "day FROM quota_entry WHERE city = ?1 AND (?2 IS NULL OR year = ?2) ORDER BY id";
    return collect(impl, prep(impl, sql, err, "iI", (int64_t)city, (int64_t)year), read_entry, sizeof **out,
                   (void **)out, n, err);
}

static void read_key(sqlite3_stmt *st, void *out) { *(int64_t *)out = I64(0) * 10000 + I64(1); }

static int sp_quota_keys(void *impl, int64_t **out, int *n, tu_err *err) {
    static const char sql[] = "SELECT DISTINCT city, year FROM quota_entry ORDER BY city, year";
    return collect(impl, prep(impl, sql, err, ""), read_key, sizeof **out, (void **)out, n, err);
}

/* ---- advances ---- */

static void read_advance(sqlite3_stmt *st, void *out) {
    tu_quota_advance *a = out;
    a->id = I64(0), a->city = (uint32_t)I64(1), a->year = (int)I64(2), a->mu = I64(3);
    tu__sq_col_copy(st, 4, a->status, sizeof a->status);
    a->settled = I64(5);
    tu__sq_col_copy(st, 6, a->requested_by, sizeof a->requested_by);
    tu__sq_col_copy(st, 7, a->decided_by, sizeof a->decided_by);
    tu__sq_col_copy(st, 8, a->reason, sizeof a->reason);
    a->day = col_date(st, 9);
}

#define ADVANCE_COLS "id, city, year, mu, status, settled, requested_by, decided_by, reason, day"

static int sp_advance_insert(void *impl, tu_quota_advance *a, tu_err *err) {
    static const char sql[] = "INSERT INTO quota_advance (city, year, mu, status, settled, requested_by, "
                              "decided_by, reason, day) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9)";
    int rc = finish(impl,
                    prep(impl, sql, err, "iiititttd", (int64_t)a->city, (int64_t)a->year, a->mu, a->status, a->settled,
                         a->requested_by, a->decided_by, a->reason, a->day),
                    "insert advance", err);
    if (!rc) a->id = last_id(impl);
    return rc;
}

static int sp_advance_get(void *impl, int64_t id, tu_quota_advance *out, tu_err *err) {
    memset(out, 0, sizeof *out);
    return one(impl, prep(impl, "SELECT " ADVANCE_COLS " FROM quota_advance WHERE id = ?1", err, "i", id), read_advance,
               out, "advance", id, err);
}

static int sp_advance_update(void *impl, const tu_quota_advance *a, tu_err *err) {
    static const char sql[] = "UPDATE quota_advance SET status = ?1, settled = ?2, decided_by = ?3 WHERE id = ?4";
    return finish(impl, prep(impl, sql, err, "titi", a->status, a->settled, a->decided_by, a->id), "update advance",
                  err);
}

static int sp_advance_list(void *impl, uint32_t city, int year, const char *status, tu_quota_advance **out, int *n,
                           tu_err *err) {
    static const char sql[] = "SELECT " ADVANCE_COLS " FROM quota_advance WHERE city = ?1 AND (?2 IS NULL OR "
                              "year = ?2) AND (?3 IS NULL OR status = ?3) ORDER BY id";
    return collect(impl, prep(impl, sql, err, "iIT", (int64_t)city, (int64_t)year, status), read_advance, sizeof **out,
                   (void **)out, n, err);
}

/* ---- applications, disbursements ---- */

#define APP_COLS                                                                                                       \
    "id, project_id, uscc, policy_id, policy_group, policy_version, applied_on, computed, awarded, paid, status, "     \
    "adjust_reason, adjusted_by, explanation"

static void read_app(sqlite3_stmt *st, void *out) {
    tu_application *a = out;
    a->id = I64(0), a->project_id = I64(1);
    tu__sq_col_copy(st, 2, a->uscc, sizeof a->uscc);
    tu__sq_col_copy(st, 3, a->policy_id, sizeof a->policy_id);
    tu__sq_col_copy(st, 4, a->policy_group, sizeof a->policy_group);
    a->policy_version = (int)I64(5), a->applied_on = col_date(st, 6);
    a->computed = I64(7), a->awarded = I64(8), a->paid = I64(9);
    tu__sq_col_copy(st, 10, a->status, sizeof a->status);
    tu__sq_col_copy(st, 11, a->adjust_reason, sizeof a->adjust_reason);
    tu__sq_col_copy(st, 12, a->adjusted_by, sizeof a->adjusted_by);
    tu__sq_col_copy(st, 13, a->explanation, sizeof a->explanation);
}

static int sp_app_insert(void *impl, tu_application *a, tu_err *err) {
    static const char sql[] = "INSERT INTO application (project_id, uscc, policy_id, policy_group, policy_version, "
                              "applied_on, computed, awarded, paid, status, adjust_reason, adjusted_by, explanation) "
                              "VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, 0, ?9, ?10, ?11, ?12)";
    int rc = finish(impl,
                    prep(impl, sql, err, "itttidiitttt", a->project_id, a->uscc, a->policy_id, a->policy_group,
                         (int64_t)a->policy_version, a->applied_on, a->computed, a->awarded, a->status,
                         a->adjust_reason, a->adjusted_by, a->explanation),
                    "insert application", err);
    if (!rc) a->id = last_id(impl), a->paid = 0;
    return rc;
}

static int sp_app_get(void *impl, int64_t id, tu_application *out, tu_err *err) {
    memset(out, 0, sizeof *out);
    return one(impl, prep(impl, "SELECT " APP_COLS " FROM application WHERE id = ?1", err, "i", id), read_app, out,
               "application", id, err);
}

static int sp_app_update(void *impl, const tu_application *a, tu_err *err) {
    static const char sql[] = "UPDATE application SET computed = ?1, awarded = ?2, status = ?3, adjust_reason = ?4, "
                              "adjusted_by = ?5, explanation = ?6 WHERE id = ?7";
    return finish(impl,
                  prep(impl, sql, err, "iitttti", a->computed, a->awarded, a->status, a->adjust_reason, a->adjusted_by,
                       a->explanation, a->id),
                  "update application", err);
}

static int sp_app_list(void *impl, int64_t project_id, const char *uscc, tu_application **out, int *n, tu_err *err) {
    static const char sql[] = "SELECT " APP_COLS " FROM application WHERE (?1 IS NULL OR project_id = ?1) "
                              "AND (?2 IS NULL OR uscc = ?2) ORDER BY id";
    return collect(impl, prep(impl, sql, err, "IT", project_id, uscc), read_app, sizeof **out, (void **)out, n, err);
}

static int sp_app_count_policy(void *impl, const char *key1, const char *key2, int64_t *n, tu_err *err) {
    static const char sql[] = "SELECT count(*) FROM application WHERE policy_id IN (?1, ?2) AND status != 'withdrawn'";
    sqlite3_stmt *st = prep(impl, sql, err, "tt", key1, key2 ? key2 : key1);
    if (!st) return err ? err->code : TU_ESTORE;
    int step = sqlite3_step(st);
    if (step == SQLITE_ROW) *n = sqlite3_column_int64(st, 0);
    int rc = step == SQLITE_ROW ? TU_OK : tu__sq_fail(impl, err, "count applications");
    tu__sq_done(st);
    return rc;
}

static int sp_disburse(void *impl, tu_disbursement *d, tu_err *err) {
    static const char ins[] = "INSERT INTO disbursement (application_id, amount, reference, actor, day) "
                              "VALUES (?1, ?2, ?3, ?4, ?5)";
    int rc = finish(impl, prep(impl, ins, err, "iittd", d->application_id, d->amount, d->reference, d->actor, d->day),
                    "insert disbursement", err);
    if (rc) return rc;
    d->id = last_id(impl);
    return finish(
        impl,
        prep(impl, "UPDATE application SET paid = paid + ?1 WHERE id = ?2", err, "ii", d->amount, d->application_id),
        "update paid total", err);
}

/* ---- loan products ---- */

#define LOAN_COLS "id, bank_id, name, rate_bp, term_months, min_amount, max_amount, eligibility"

static void read_loan(sqlite3_stmt *st, void *out) {
    tu_loan_product *l = out;
    l->id = I64(0);
    tu__sq_col_copy(st, 1, l->bank_id, sizeof l->bank_id);
    tu__sq_col_copy(st, 2, l->name, sizeof l->name);
    l->rate_bp = (int)I64(3), l->term_months = (int)I64(4), l->min_amount = I64(5), l->max_amount = I64(6);
    tu__sq_col_copy(st, 7, l->eligibility, sizeof l->eligibility);
}

static int sp_loan_insert(void *impl, tu_loan_product *l, tu_err *err) {
    static const char sql[] = "INSERT INTO loan_product (bank_id, name, rate_bp, term_months, min_amount, "
                              "max_amount, eligibility) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)";
    int rc = finish(impl,
                    prep(impl, sql, err, "ttiiiit", l->bank_id, l->name, (int64_t)l->rate_bp, (int64_t)l->term_months,
                         l->min_amount, l->max_amount, l->eligibility),
                    "insert loan product", err);
    if (!rc) l->id = last_id(impl);
    return rc;
}

static int sp_loan_get(void *impl, int64_t id, tu_loan_product *out, tu_err *err) {
    memset(out, 0, sizeof *out);
    return one(impl, prep(impl, "SELECT " LOAN_COLS " FROM loan_product WHERE id = ?1", err, "i", id), read_loan, out,
               "loan product", id, err);
}

static int sp_loan_list(void *impl, const char *bank_id, tu_loan_product **out, int *n, tu_err *err) {
    static const char sql[] = "SELECT " LOAN_COLS " FROM loan_product WHERE (?1 IS NULL OR bank_id = ?1) ORDER BY id";
    return collect(impl, prep(impl, sql, err, "T", bank_id), read_loan, sizeof **out, (void **)out, n, err);
}

const tu_project_ops tu__sqlite_project_ops = {
    .insert = sp_insert,
    .get = sp_get,
    .update = sp_update,
    .list = sp_list,
    .event_add = sp_event_add,
    .events = sp_events,
    .review_add = sp_review_add,
    .review_last = sp_review_last,
    .quota_add = sp_quota_add,
    .quota_sum = sp_quota_sum,
    .quota_entries = sp_quota_entries,
    .quota_keys = sp_quota_keys,
    .advance_insert = sp_advance_insert,
    .advance_get = sp_advance_get,
    .advance_update = sp_advance_update,
    .advance_list = sp_advance_list,
    .app_insert = sp_app_insert,
    .app_get = sp_app_get,
    .app_update = sp_app_update,
    .app_list = sp_app_list,
    .disburse = sp_disburse,
    .app_count_policy = sp_app_count_policy,
    .loan_insert = sp_loan_insert,
    .loan_get = sp_loan_get,
    .loan_list = sp_loan_list,
};
