/* sqlite_push.c — the SQL of the push area for SQLite (contracts in push.h). A campaign is one row with a blob
 * of a few MB at most; inbox states, items, cursors and dead letters are small rows keyed for point access. */
#include <string.h>

#include "core/alloc.h"
#include "store/push_ops.h"
#include "store/sqlite_int.h"

#define NOW "strftime('%Y-%m-%dT%H:%M:%SZ','now')"
#define STMT(impl, st, sql, err)                                         \
    sqlite3_stmt *st = tu__sq_stmt(impl, sql, err);                      \
    if (!st) return err ? err->code : TU_ESTORE

static int step_done(void *impl, sqlite3_stmt *st, const char *what, tu_err *err) {
    int rc = sqlite3_step(st) == SQLITE_DONE ? TU_OK : tu__sq_fail(impl, err, what);
    tu__sq_done(st);
    return rc;
}

/* Looks up the id of a row by its idem_key in `sql` ("SELECT id FROM t WHERE idem_key = ?1"). */
static int id_by_key(void *impl, const char *sql, const char *key, int64_t *id, tu_err *err) {
    STMT(impl, st, sql, err);
    sqlite3_bind_text(st, 1, key, -1, SQLITE_TRANSIENT);
    int step = sqlite3_step(st), rc = TU_OK;
    if (step == SQLITE_ROW) *id = sqlite3_column_int64(st, 0);
    else rc = step == SQLITE_DONE ? tu_err_set(err, TU_ENOTFOUND, "no row with key %s", key)
                                  : tu__sq_fail(impl, err, "look up key");
    tu__sq_done(st);
    return rc;
}

/* Finishes an idempotent insert: *created tells whether this call wrote the row. */
static int keyed_insert(void *impl, sqlite3_stmt *st, const char *find_sql, const char *key, int64_t *id,
                        int *created, tu_err *err) {
    int rc = step_done(impl, st, "insert", err);
    if (rc) return rc;
    *created = sqlite3_changes(tu__sq_db(impl)) > 0;
    return id_by_key(impl, find_sql, key, id, err);
}

static int sq_campaign_add(void *impl, const tu_campaign *c, const void *blob, size_t len, int64_t *id,
                           int *created, tu_err *err) {
    static const char sql[] = "INSERT INTO push_campaign (policy_id, version, kind, idem_key, recipients, "
                              "recipient_count, created_at) VALUES (?1, ?2, ?3, ?4, ?5, ?6, " NOW
                              ") ON CONFLICT (idem_key) DO NOTHING";
    static const char find[] = "SELECT id FROM push_campaign WHERE idem_key = ?1";
    STMT(impl, st, sql, err);
    sqlite3_bind_int64(st, 1, c->policy_id);
    sqlite3_bind_int(st, 2, c->version);
    sqlite3_bind_text(st, 3, c->kind, -1, SQLITE_TRANSIENT);
    sqlite3_bind_text(st, 4, c->idem_key, -1, SQLITE_TRANSIENT);
    sqlite3_bind_blob64(st, 5, blob, len, SQLITE_STATIC);
    sqlite3_bind_int64(st, 6, c->count);
    return keyed_insert(impl, st, find, c->idem_key, id, created, err);
}

static int sq_campaign_scan(void *impl, int64_t after_id, tu_campaign_scan_fn fn, void *ctx, tu_err *err) {
    static const char sql[] = "SELECT id, policy_id, version, kind, idem_key, recipient_count, created_at, "
                              "recipients FROM push_campaign WHERE id > ?1 ORDER BY id";
    STMT(impl, st, sql, err);
    sqlite3_bind_int64(st, 1, after_id);
    int step;
    while ((step = sqlite3_step(st)) == SQLITE_ROW) {
        tu_campaign c;
        c.id = sqlite3_column_int64(st, 0);
        c.policy_id = sqlite3_column_int64(st, 1);
        c.version = sqlite3_column_int(st, 2);
        tu__sq_col_copy(st, 3, c.kind, sizeof c.kind);
        tu__sq_col_copy(st, 4, c.idem_key, sizeof c.idem_key);
        c.count = sqlite3_column_int64(st, 5);
        tu__sq_col_copy(st, 6, c.created_at, sizeof c.created_at);
        const void *blob = sqlite3_column_blob(st, 7);
        size_t len = (size_t)sqlite3_column_bytes(st, 7);
        if (fn(ctx, &c, blob, len)) break;
    }
    int rc = step == SQLITE_ROW || step == SQLITE_DONE ? TU_OK : tu__sq_fail(impl, err, "scan campaigns");
    tu__sq_done(st);
    return rc;
}

static int sq_item_add(void *impl, const tu_push_item *it, int64_t *id, int *created, tu_err *err) {
    static const char sql[] = "INSERT INTO push_item (ent_id, policy_id, kind, detail, idem_key, created_at) "
                              "VALUES (?1, ?2, ?3, ?4, ?5, " NOW ") ON CONFLICT (idem_key) DO NOTHING";
    static const char find[] = "SELECT id FROM push_item WHERE idem_key = ?1";
    STMT(impl, st, sql, err);
    sqlite3_bind_int64(st, 1, it->ent_id);
    sqlite3_bind_int64(st, 2, it->policy_id);
    sqlite3_bind_text(st, 3, it->kind, -1, SQLITE_TRANSIENT);
    sqlite3_bind_text(st, 4, it->detail, -1, SQLITE_TRANSIENT);
    sqlite3_bind_text(st, 5, it->idem_key, -1, SQLITE_TRANSIENT);
    return keyed_insert(impl, st, find, it->idem_key, id, created, err);
}

static int sq_item_scan(void *impl, int64_t ent_id, tu_item_scan_fn fn, void *ctx, tu_err *err) {
    static const char sql[] = "SELECT id, ent_id, policy_id, kind, detail, idem_key, created_at FROM push_item "
                              "WHERE ent_id = ?1 ORDER BY id";
    STMT(impl, st, sql, err);
    sqlite3_bind_int64(st, 1, ent_id);
    int step;
    while ((step = sqlite3_step(st)) == SQLITE_ROW) {
        tu_push_item it;
        it.id = sqlite3_column_int64(st, 0);
        it.ent_id = sqlite3_column_int64(st, 1);
        it.policy_id = sqlite3_column_int64(st, 2);
        tu__sq_col_copy(st, 3, it.kind, sizeof it.kind);
        tu__sq_col_copy(st, 4, it.detail, sizeof it.detail);
        tu__sq_col_copy(st, 5, it.idem_key, sizeof it.idem_key);
        tu__sq_col_copy(st, 6, it.created_at, sizeof it.created_at);
        if (fn(ctx, &it)) break;
    }
    int rc = step == SQLITE_ROW || step == SQLITE_DONE ? TU_OK : tu__sq_fail(impl, err, "scan items");
    tu__sq_done(st);
    return rc;
}

static int sq_state_set(void *impl, int64_t ent_id, char source, int64_t ref_id, const char *state, tu_err *err) {
    static const char put[] = "INSERT OR REPLACE INTO push_state (ent_id, source, ref_id, state, at) VALUES "
                              "(?1, ?2, ?3, ?4, " NOW ")";
    static const char del[] = "DELETE FROM push_state WHERE ent_id = ?1 AND source = ?2 AND ref_id = ?3";
    int clear = !state || strcmp(state, "unread") == 0;
    STMT(impl, st, clear ? del : put, err);
    char src[2] = {source, '\0'};
    sqlite3_bind_int64(st, 1, ent_id);
    sqlite3_bind_text(st, 2, src, 1, SQLITE_TRANSIENT);
    sqlite3_bind_int64(st, 3, ref_id);
    if (!clear) sqlite3_bind_text(st, 4, state, -1, SQLITE_TRANSIENT);
    return step_done(impl, st, "write inbox state", err);
}

static int sq_state_scan(void *impl, int64_t ent_id, tu_state_scan_fn fn, void *ctx, tu_err *err) {
    static const char sql[] = "SELECT source, ref_id, state FROM push_state WHERE ent_id = ?1";
    STMT(impl, st, sql, err);
    sqlite3_bind_int64(st, 1, ent_id);
    int step;
    while ((step = sqlite3_step(st)) == SQLITE_ROW) {
        char src[2], state[16];
        tu__sq_col_copy(st, 0, src, sizeof src);
        tu__sq_col_copy(st, 2, state, sizeof state);
        if (fn(ctx, src[0], sqlite3_column_int64(st, 1), state)) break;
    }
    int rc = step == SQLITE_ROW || step == SQLITE_DONE ? TU_OK : tu__sq_fail(impl, err, "scan inbox states");
    tu__sq_done(st);
    return rc;
}

static int sq_channel_add(void *impl, const tu_channel *ch, int64_t *id, tu_err *err) {
    static const char sql[] = "INSERT INTO push_channel (kind, name, url, secret, max_attempts, backoff_ms, batch, "
                              "since_campaign, sender, created_at) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, " NOW
                              ")";
    STMT(impl, st, sql, err);
    sqlite3_bind_text(st, 1, ch->kind, -1, SQLITE_TRANSIENT);
    sqlite3_bind_text(st, 2, ch->name, -1, SQLITE_TRANSIENT);
    sqlite3_bind_text(st, 3, ch->url, -1, SQLITE_TRANSIENT);
    sqlite3_bind_text(st, 4, ch->secret, -1, SQLITE_TRANSIENT);
    sqlite3_bind_int(st, 5, ch->max_attempts);
    sqlite3_bind_int64(st, 6, ch->backoff_ms);
    sqlite3_bind_int(st, 7, ch->batch);
    sqlite3_bind_int64(st, 8, ch->since_campaign);
    sqlite3_bind_text(st, 9, ch->sender, -1, SQLITE_TRANSIENT);
    int rc = step_done(impl, st, "insert channel", err);
    if (rc == TU_ECONFLICT) return tu_err_set(err, rc, "a channel named '%s' exists", ch->name);
    if (!rc) *id = sqlite3_last_insert_rowid(tu__sq_db(impl));
    return rc;
}

static int sq_channel_scan(void *impl, tu_channel_scan_fn fn, void *ctx, tu_err *err) {
    static const char sql[] = "SELECT id, kind, name, url, secret, max_attempts, backoff_ms, batch, since_campaign, "
                              "sender FROM push_channel ORDER BY id";
    STMT(impl, st, sql, err);
    int step;
    while ((step = sqlite3_step(st)) == SQLITE_ROW) {
        tu_channel ch;
        ch.id = sqlite3_column_int64(st, 0);
        tu__sq_col_copy(st, 1, ch.kind, sizeof ch.kind);
        tu__sq_col_copy(st, 2, ch.name, sizeof ch.name);
        tu__sq_col_copy(st, 3, ch.url, sizeof ch.url);
        tu__sq_col_copy(st, 4, ch.secret, sizeof ch.secret);
        ch.max_attempts = sqlite3_column_int(st, 5);
        ch.backoff_ms = sqlite3_column_int64(st, 6);
        ch.batch = sqlite3_column_int(st, 7);
        ch.since_campaign = sqlite3_column_int64(st, 8);
        tu__sq_col_copy(st, 9, ch.sender, sizeof ch.sender);
        if (fn(ctx, &ch)) break;
    }
    int rc = step == SQLITE_ROW || step == SQLITE_DONE ? TU_OK : tu__sq_fail(impl, err, "scan channels");
    tu__sq_done(st);
    return rc;
}

static int sq_cursor_get(void *impl, int64_t campaign_id, int64_t channel_id, tu_cursor *out, tu_err *err) {
    static const char sql[] = "SELECT next_rank, attempts, next_at_ms, done FROM push_cursor WHERE campaign_id = "
                              "?1 AND channel_id = ?2";
    STMT(impl, st, sql, err);
    sqlite3_bind_int64(st, 1, campaign_id);
    sqlite3_bind_int64(st, 2, channel_id);
    int step = sqlite3_step(st), rc = TU_OK;
    memset(out, 0, sizeof *out);
    out->campaign_id = campaign_id, out->channel_id = channel_id;
    if (step == SQLITE_ROW) {
        out->next_rank = sqlite3_column_int64(st, 0);
        out->attempts = sqlite3_column_int(st, 1);
        out->next_at_ms = sqlite3_column_int64(st, 2);
        out->done = sqlite3_column_int(st, 3);
    } else {
        rc = step == SQLITE_DONE ? tu_err_set(err, TU_ENOTFOUND, "no cursor") : tu__sq_fail(impl, err, "read cursor");
    }
    tu__sq_done(st);
    return rc;
}

static int sq_cursor_put(void *impl, const tu_cursor *c, tu_err *err) {
    static const char sql[] = "INSERT OR REPLACE INTO push_cursor (campaign_id, channel_id, next_rank, attempts, "
                              "next_at_ms, done) VALUES (?1, ?2, ?3, ?4, ?5, ?6)";
    STMT(impl, st, sql, err);
    sqlite3_bind_int64(st, 1, c->campaign_id);
    sqlite3_bind_int64(st, 2, c->channel_id);
    sqlite3_bind_int64(st, 3, c->next_rank);
    sqlite3_bind_int(st, 4, c->attempts);
    sqlite3_bind_int64(st, 5, c->next_at_ms);
    sqlite3_bind_int(st, 6, c->done);
    return step_done(impl, st, "write cursor", err);
}

static int sq_dead_add(void *impl, const tu_dead_letter *d, tu_err *err) {
    static const char sql[] = "INSERT INTO push_dead (campaign_id, channel_id, first_rank, rank_count, idem_key, "
                              "attempts, last_error, at) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, " NOW
                              ") ON CONFLICT (idem_key) DO NOTHING";
    STMT(impl, st, sql, err);
    sqlite3_bind_int64(st, 1, d->campaign_id);
    sqlite3_bind_int64(st, 2, d->channel_id);
    sqlite3_bind_int64(st, 3, d->first_rank);
    sqlite3_bind_int64(st, 4, d->rank_count);
    sqlite3_bind_text(st, 5, d->idem_key, -1, SQLITE_TRANSIENT);
    sqlite3_bind_int(st, 6, d->attempts);
    sqlite3_bind_text(st, 7, d->last_error, -1, SQLITE_TRANSIENT);
    return step_done(impl, st, "insert dead letter", err);
}

static int sq_dead_scan(void *impl, tu_dead_scan_fn fn, void *ctx, tu_err *err) {
    static const char sql[] = "SELECT campaign_id, channel_id, first_rank, rank_count, idem_key, attempts, "
                              "last_error FROM push_dead ORDER BY id";
    STMT(impl, st, sql, err);
    int step;
    while ((step = sqlite3_step(st)) == SQLITE_ROW) {
        tu_dead_letter d;
        d.campaign_id = sqlite3_column_int64(st, 0);
        d.channel_id = sqlite3_column_int64(st, 1);
        d.first_rank = sqlite3_column_int64(st, 2);
        d.rank_count = sqlite3_column_int64(st, 3);
        tu__sq_col_copy(st, 4, d.idem_key, sizeof d.idem_key);
        d.attempts = sqlite3_column_int(st, 5);
        tu__sq_col_copy(st, 6, d.last_error, sizeof d.last_error);
        if (fn(ctx, &d)) break;
    }
    int rc = step == SQLITE_ROW || step == SQLITE_DONE ? TU_OK : tu__sq_fail(impl, err, "scan dead letters");
    tu__sq_done(st);
    return rc;
}

static int sq_pref_set(void *impl, const tu_push_pref *p, tu_err *err) {
    static const char sql[] = "INSERT OR REPLACE INTO push_pref (ent_id, channel_kind, enabled, address, digest, "
                              "max_per_week, sent_week, sent_count, last_digest) VALUES (?1, ?2, ?3, ?4, ?5, ?6, "
                              "?7, ?8, ?9)";
    STMT(impl, st, sql, err);
    sqlite3_bind_int64(st, 1, p->ent_id);
    sqlite3_bind_text(st, 2, p->channel_kind, -1, SQLITE_TRANSIENT);
    sqlite3_bind_int(st, 3, p->enabled);
    sqlite3_bind_text(st, 4, p->address, -1, SQLITE_TRANSIENT);
    sqlite3_bind_text(st, 5, p->digest, -1, SQLITE_TRANSIENT);
    sqlite3_bind_int(st, 6, p->max_per_week);
    sqlite3_bind_text(st, 7, p->sent_week, -1, SQLITE_TRANSIENT);
    sqlite3_bind_int(st, 8, p->sent_count);
    sqlite3_bind_text(st, 9, p->last_digest, -1, SQLITE_TRANSIENT);
    return step_done(impl, st, "write preference", err);
}

static int sq_pref_scan(void *impl, tu_pref_scan_fn fn, void *ctx, tu_err *err) {
    static const char sql[] = "SELECT ent_id, channel_kind, enabled, address, digest, max_per_week, sent_week, "
                              "sent_count, last_digest FROM push_pref "
                              "ORDER BY ent_id, channel_kind";
    STMT(impl, st, sql, err);
    int step;
    while ((step = sqlite3_step(st)) == SQLITE_ROW) {
        tu_push_pref p;
        p.ent_id = sqlite3_column_int64(st, 0);
        tu__sq_col_copy(st, 1, p.channel_kind, sizeof p.channel_kind);
        p.enabled = sqlite3_column_int(st, 2);
        tu__sq_col_copy(st, 3, p.address, sizeof p.address);
        tu__sq_col_copy(st, 4, p.digest, sizeof p.digest);
        p.max_per_week = sqlite3_column_int(st, 5);
        tu__sq_col_copy(st, 6, p.sent_week, sizeof p.sent_week);
        p.sent_count = sqlite3_column_int(st, 7);
        tu__sq_col_copy(st, 8, p.last_digest, sizeof p.last_digest);
        if (fn(ctx, &p)) break;
    }
    int rc = step == SQLITE_ROW || step == SQLITE_DONE ? TU_OK : tu__sq_fail(impl, err, "scan preferences");
    tu__sq_done(st);
    return rc;
}

static int sq_grant_list_add(void *impl, tu_grant_list *gl, tu_err *err) {
    static const char sql[] = "INSERT INTO grant_list (policy_id, version, status, created_at) VALUES (?1, ?2, "
                              "'generated', " NOW ")";
    STMT(impl, st, sql, err);
    sqlite3_bind_int64(st, 1, gl->policy_id);
    sqlite3_bind_int(st, 2, gl->version);
    int rc = step_done(impl, st, "insert grant list", err);
    if (!rc) gl->id = sqlite3_last_insert_rowid(tu__sq_db(impl));
    return rc;
}

/* Reads a grant_list row selected as id, policy_id, version, status, reviewed_by, created_at, reviewed_at. */
static void grant_list_row(sqlite3_stmt *st, tu_grant_list *out) {
    out->id = sqlite3_column_int64(st, 0);
    out->policy_id = sqlite3_column_int64(st, 1);
    out->version = sqlite3_column_int(st, 2);
    tu__sq_col_copy(st, 3, out->status, sizeof out->status);
    tu__sq_col_copy(st, 4, out->reviewed_by, sizeof out->reviewed_by);
    tu__sq_col_copy(st, 5, out->created_at, sizeof out->created_at);
    tu__sq_col_copy(st, 6, out->reviewed_at, sizeof out->reviewed_at);
}

#define GRANT_LIST_COLS "id, policy_id, version, status, reviewed_by, created_at, reviewed_at"

static int sq_grant_list_get(void *impl, int64_t id, tu_grant_list *out, tu_err *err) {
    static const char sql[] = "SELECT " GRANT_LIST_COLS " FROM grant_list WHERE id = ?1";
    STMT(impl, st, sql, err);
    sqlite3_bind_int64(st, 1, id);
    int step = sqlite3_step(st), rc = TU_OK;
    if (step == SQLITE_ROW) grant_list_row(st, out);
    else rc = step == SQLITE_DONE ? tu_err_set(err, TU_ENOTFOUND, "no grant list %lld", (long long)id)
                                  : tu__sq_fail(impl, err, "read grant list");
    tu__sq_done(st);
    return rc;
}

static int sq_grant_list_scan(void *impl, int64_t policy_id, tu_grant_list_fn fn, void *ctx, tu_err *err) {
    static const char sql[] = "SELECT " GRANT_LIST_COLS " FROM grant_list WHERE policy_id = ?1 ORDER BY id";
    STMT(impl, st, sql, err);
    sqlite3_bind_int64(st, 1, policy_id);
    int step;
    tu_grant_list gl;
    while ((step = sqlite3_step(st)) == SQLITE_ROW) {
        grant_list_row(st, &gl);
        if (fn(ctx, &gl)) break;
    }
    int rc = step == SQLITE_ROW || step == SQLITE_DONE ? TU_OK : tu__sq_fail(impl, err, "scan grant lists");
    tu__sq_done(st);
    return rc;
}

static int sq_grant_list_review(void *impl, int64_t id, const char *status, const char *by, tu_err *err) {
    static const char sql[] = "UPDATE grant_list SET status = ?2, reviewed_by = ?3, reviewed_at = " NOW
                              " WHERE id = ?1 AND status = 'generated'";
    STMT(impl, st, sql, err);
    sqlite3_bind_int64(st, 1, id);
    sqlite3_bind_text(st, 2, status, -1, SQLITE_TRANSIENT);
    sqlite3_bind_text(st, 3, by, -1, SQLITE_TRANSIENT);
    int rc = step_done(impl, st, "review grant list", err);
    if (!rc && sqlite3_changes(tu__sq_db(impl)) == 0)
        rc = tu_err_set(err, TU_ESTATE, "grant list %lld is not awaiting review", (long long)id);
    return rc;
}

static int sq_grant_item_add(void *impl, const tu_grant_item *it, tu_err *err) {
    static const char sql[] = "INSERT INTO grant_item (list_id, ent_id, benefit_fen, excluded) VALUES (?1, ?2, ?3, ?4)";
    STMT(impl, st, sql, err);
    sqlite3_bind_int64(st, 1, it->list_id);
    sqlite3_bind_int64(st, 2, it->ent_id);
    sqlite3_bind_int64(st, 3, it->benefit_fen);
    sqlite3_bind_text(st, 4, it->excluded, -1, SQLITE_TRANSIENT);
    return step_done(impl, st, "insert grant item", err);
}

static int scan_items(void *impl, sqlite3_stmt *st, tu_grant_item_fn fn, tu_grant_approved_fn afn, void *ctx,
                      tu_err *err) {
    int step;
    while ((step = sqlite3_step(st)) == SQLITE_ROW) {
        tu_grant_item it;
        it.list_id = sqlite3_column_int64(st, 0);
        it.ent_id = sqlite3_column_int64(st, 1);
        it.benefit_fen = sqlite3_column_int64(st, 2);
        tu__sq_col_copy(st, 3, it.excluded, sizeof it.excluded);
        if (fn ? fn(ctx, &it) : afn(ctx, sqlite3_column_int64(st, 4), &it)) break;
    }
    int rc = step == SQLITE_ROW || step == SQLITE_DONE ? TU_OK : tu__sq_fail(impl, err, "scan grant items");
    tu__sq_done(st);
    return rc;
}

static int sq_grant_item_scan(void *impl, int64_t list_id, tu_grant_item_fn fn, void *ctx, tu_err *err) {
    static const char sql[] = "SELECT list_id, ent_id, benefit_fen, excluded FROM grant_item WHERE list_id = ?1 "
                              "ORDER BY ent_id";
    STMT(impl, st, sql, err);
    sqlite3_bind_int64(st, 1, list_id);
    return scan_items(impl, st, fn, NULL, ctx, err);
}

static int sq_grant_approved_scan(void *impl, tu_grant_approved_fn fn, void *ctx, tu_err *err) {
    static const char sql[] = "SELECT i.list_id, i.ent_id, i.benefit_fen, i.excluded, l.policy_id FROM grant_item i "
                              "JOIN grant_list l ON l.id = i.list_id WHERE l.status = 'approved' AND "
                              "i.benefit_fen > 0 AND i.excluded = '' ORDER BY i.ent_id";
    STMT(impl, st, sql, err);
    return scan_items(impl, st, NULL, fn, ctx, err);
}

static int sq_state_count(void *impl, char source, int64_t ref_id, tu_push_state_counts *out, tu_err *err) {
    static const char sql[] = "SELECT state, count(*) FROM push_state WHERE source = ?1 AND ref_id = ?2 GROUP BY state";
    STMT(impl, st, sql, err);
    char src[2] = {source, 0};
    sqlite3_bind_text(st, 1, src, 1, SQLITE_TRANSIENT);
    sqlite3_bind_int64(st, 2, ref_id);
    memset(out, 0, sizeof *out);
    int step;
    while ((step = sqlite3_step(st)) == SQLITE_ROW) {
        const char *state = (const char *)sqlite3_column_text(st, 0);
        int64_t n = sqlite3_column_int64(st, 1);
        if (!state) continue;
        if (strcmp(state, "read") == 0) out->read = n;
        else if (strcmp(state, "dismissed") == 0) out->dismissed = n;
        else if (strcmp(state, "not_relevant") == 0) out->not_relevant = n;
    }
    int rc = step == SQLITE_DONE ? TU_OK : tu__sq_fail(impl, err, "count inbox states");
    tu__sq_done(st);
    return rc;
}

static int sq_sub_add(void *impl, tu_subscription *sub, tu_err *err) {
    static const char sql[] = "INSERT INTO subscription (owner, keywords, category, department, city, created_at) "
                              "VALUES (?1, ?2, ?3, ?4, ?5, " NOW ")";
    STMT(impl, st, sql, err);
    const char *v[] = {sub->owner, sub->keywords, sub->category, sub->department, sub->city};
    for (int i = 0; i < 5; i++) sqlite3_bind_text(st, i + 1, v[i], -1, SQLITE_TRANSIENT);
    int rc = step_done(impl, st, "insert subscription", err);
    if (!rc) sub->id = sqlite3_last_insert_rowid(tu__sq_db(impl));
    return rc;
}

static int sq_sub_scan(void *impl, tu_sub_fn fn, void *ctx, tu_err *err) {
    static const char sql[] = "SELECT id, owner, keywords, category, department, city, created_at FROM subscription "
                              "ORDER BY id";
    STMT(impl, st, sql, err);
    int step;
    while ((step = sqlite3_step(st)) == SQLITE_ROW) {
        tu_subscription sub;
        sub.id = sqlite3_column_int64(st, 0);
        tu__sq_col_copy(st, 1, sub.owner, sizeof sub.owner);
        tu__sq_col_copy(st, 2, sub.keywords, sizeof sub.keywords);
        tu__sq_col_copy(st, 3, sub.category, sizeof sub.category);
        tu__sq_col_copy(st, 4, sub.department, sizeof sub.department);
        tu__sq_col_copy(st, 5, sub.city, sizeof sub.city);
        tu__sq_col_copy(st, 6, sub.created_at, sizeof sub.created_at);
        if (fn(ctx, &sub)) break;
    }
    int rc = step == SQLITE_ROW || step == SQLITE_DONE ? TU_OK : tu__sq_fail(impl, err, "scan subscriptions");
    tu__sq_done(st);
    return rc;
}

static int sq_sub_delete(void *impl, int64_t id, const char *owner, tu_err *err) {
    static const char alerts[] = "DELETE FROM subscription_alert WHERE subscription_id = (SELECT id FROM subscription "
                                 "WHERE id = ?1 AND owner = ?2)";
    static const char sub[] = "DELETE FROM subscription WHERE id = ?1 AND owner = ?2";
    int rc = TU_OK;
    for (int i = 0; !rc && i < 2; i++) {
        STMT(impl, st, i ? sub : alerts, err);
        sqlite3_bind_int64(st, 1, id);
        sqlite3_bind_text(st, 2, owner, -1, SQLITE_TRANSIENT);
        rc = step_done(impl, st, "delete subscription", err);
    }
    if (!rc && sqlite3_changes(tu__sq_db(impl)) == 0)
        rc = tu_err_set(err, TU_ENOTFOUND, "no subscription %lld", (long long)id);
    return rc;
}

static int sq_alert_add(void *impl, int64_t sub_id, int64_t policy_id, int *created, tu_err *err) {
    static const char sql[] = "INSERT INTO subscription_alert (subscription_id, policy_id, created_at) VALUES (?1, "
                              "?2, " NOW ") ON CONFLICT DO NOTHING";
    STMT(impl, st, sql, err);
    sqlite3_bind_int64(st, 1, sub_id);
    sqlite3_bind_int64(st, 2, policy_id);
    int rc = step_done(impl, st, "insert alert", err);
    *created = !rc && sqlite3_changes(tu__sq_db(impl)) > 0;
    return rc;
}

static int sq_alert_scan(void *impl, const char *owner, tu_alert_fn fn, void *ctx, tu_err *err) {
    static const char sql[] = "SELECT a.subscription_id, a.policy_id, a.created_at FROM subscription_alert a JOIN "
                              "subscription s ON s.id = a.subscription_id WHERE s.owner = ?1 ORDER BY a.created_at "
                              "DESC, a.policy_id DESC";
    STMT(impl, st, sql, err);
    sqlite3_bind_text(st, 1, owner, -1, SQLITE_TRANSIENT);
    int step;
    while ((step = sqlite3_step(st)) == SQLITE_ROW)
        if (fn(ctx, sqlite3_column_int64(st, 0), sqlite3_column_int64(st, 1), (const char *)sqlite3_column_text(st, 2)))
            break;
    int rc = step == SQLITE_ROW || step == SQLITE_DONE ? TU_OK : tu__sq_fail(impl, err, "scan alerts");
    tu__sq_done(st);
    return rc;
}

const struct tu_push_ops tu__sqlite_push_ops = {
    .campaign_add = sq_campaign_add,
    .campaign_scan = sq_campaign_scan,
    .item_add = sq_item_add,
    .item_scan = sq_item_scan,
    .state_set = sq_state_set,
    .state_scan = sq_state_scan,
    .state_count = sq_state_count,
    .channel_add = sq_channel_add,
    .channel_scan = sq_channel_scan,
    .cursor_get = sq_cursor_get,
    .cursor_put = sq_cursor_put,
    .dead_add = sq_dead_add,
    .dead_scan = sq_dead_scan,
    .pref_set = sq_pref_set,
    .pref_scan = sq_pref_scan,
    .grant_list_add = sq_grant_list_add,
    .grant_list_get = sq_grant_list_get,
    .grant_list_scan = sq_grant_list_scan,
    .grant_list_review = sq_grant_list_review,
    .grant_item_add = sq_grant_item_add,
    .grant_item_scan = sq_grant_item_scan,
    .grant_approved_scan = sq_grant_approved_scan,
    .sub_add = sq_sub_add,
    .sub_scan = sq_sub_scan,
    .sub_delete = sq_sub_delete,
    .alert_add = sq_alert_add,
    .alert_scan = sq_alert_scan,
};
