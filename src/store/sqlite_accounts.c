/* sqlite_accounts.c — the SQL of the accounts area for SQLite. Every statement is cached per connection; reads are
 * single indexed lookups (authentication runs one per API request), pages use keyset conditions. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "store/accounts_ops.h"
#include "store/sqlite_int.h"

static void bind_text(sqlite3_stmt *st, int i, const char *s) { sqlite3_bind_text(st, i, s, -1, SQLITE_STATIC); }

/* Runs a statement that returns no rows; TU_ECONFLICT on constraint violations. */
static int run(void *impl, sqlite3_stmt *st, const char *what, tu_err *err) {
    int rc = sqlite3_step(st);
    int out = rc == SQLITE_DONE ? TU_OK : tu__sq_fail(impl, err, what);
    tu__sq_done(st);
    return out;
}

#define USER_COLS "id, username, role, scope, pw_hash, disabled, created_at, updated_at"

static void read_user(sqlite3_stmt *st, int c, tu_user_rec *u) {
    u->id = sqlite3_column_int64(st, c);
    tu__sq_col_copy(st, c + 1, u->username, sizeof u->username);
    tu__sq_col_copy(st, c + 2, u->role, sizeof u->role);
    tu__sq_col_copy(st, c + 3, u->scope, sizeof u->scope);
    tu__sq_col_copy(st, c + 4, u->pw_hash, sizeof u->pw_hash);
    u->disabled = sqlite3_column_int(st, c + 5);
    tu__sq_col_copy(st, c + 6, u->created_at, sizeof u->created_at);
    tu__sq_col_copy(st, c + 7, u->updated_at, sizeof u->updated_at);
}

static int user_insert(void *impl, tu_user_rec *u, tu_err *err) {
    static const char sql[] = "INSERT INTO app_user (username, role, scope, pw_hash, disabled, created_at, updated_at)"
                              " VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)";
    sqlite3_stmt *st = tu__sq_stmt(impl, sql, err);
    if (!st) return err ? err->code : TU_ESTORE;
    bind_text(st, 1, u->username), bind_text(st, 2, u->role), bind_text(st, 3, u->scope);
    bind_text(st, 4, u->pw_hash), sqlite3_bind_int(st, 5, u->disabled);
    bind_text(st, 6, u->created_at), bind_text(st, 7, u->updated_at);
    int rc = run(impl, st, "insert user", err);
    if (rc == TU_ECONFLICT) return tu_err_set(err, TU_ECONFLICT, "user '%s' already exists", u->username);
    if (!rc) u->id = sqlite3_last_insert_rowid(tu__sq_db(impl));
    return rc;
}

static int user_get(void *impl, int64_t id, const char *username, tu_user_rec *out, tu_err *err) {
    static const char by_id[] = "SELECT " USER_COLS " FROM app_user WHERE id = ?1";
    static const char by_name[] = "SELECT " USER_COLS " FROM app_user WHERE username = ?1";
    sqlite3_stmt *st = tu__sq_stmt(impl, username ? by_name : by_id, err);
    if (!st) return err ? err->code : TU_ESTORE;
    if (username) bind_text(st, 1, username);
    else sqlite3_bind_int64(st, 1, id);
    int rc = sqlite3_step(st);
    if (rc == SQLITE_ROW) read_user(st, 0, out);
    int out_rc = rc == SQLITE_ROW ? TU_OK : rc == SQLITE_DONE ? tu_err_set(err, TU_ENOTFOUND, "no such user")
                                                               : tu__sq_fail(impl, err, "read user");
    tu__sq_done(st);
    return out_rc;
}

static int user_update(void *impl, const tu_user_rec *u, tu_err *err) {
    static const char sql[] = "UPDATE app_user SET username = ?2, role = ?3, scope = ?4, pw_hash = ?5, disabled = ?6,"
                              " updated_at = ?7 WHERE id = ?1";
    sqlite3_stmt *st = tu__sq_stmt(impl, sql, err);
    if (!st) return err ? err->code : TU_ESTORE;
    sqlite3_bind_int64(st, 1, u->id);
    bind_text(st, 2, u->username), bind_text(st, 3, u->role), bind_text(st, 4, u->scope);
    bind_text(st, 5, u->pw_hash), sqlite3_bind_int(st, 6, u->disabled), bind_text(st, 7, u->updated_at);
    int rc = run(impl, st, "update user", err);
    if (!rc && sqlite3_changes(tu__sq_db(impl)) == 0) return tu_err_set(err, TU_ENOTFOUND, "no such user");
    return rc;
}

static int user_page(void *impl, int by_name, int reverse, const char *after, int limit, tu_user_rec *out, int *n,
                     tu_err *err) {
    /* [by_name][reverse]; ?1 = the key after which to start (NULL = no bound), ?2 = limit */
    static const char *const sql[2][2] = {
        {"SELECT " USER_COLS " FROM app_user WHERE ?1 IS NULL OR id > ?1 ORDER BY id LIMIT ?2",
         "SELECT " USER_COLS " FROM app_user WHERE ?1 IS NULL OR id < ?1 ORDER BY id DESC LIMIT ?2"},
        {"SELECT " USER_COLS " FROM app_user WHERE ?1 IS NULL OR username > ?1 ORDER BY username LIMIT ?2",
         "SELECT " USER_COLS " FROM app_user WHERE ?1 IS NULL OR username < ?1 ORDER BY username DESC LIMIT ?2"}};
    sqlite3_stmt *st = tu__sq_stmt(impl, sql[!!by_name][!!reverse], err);
    if (!st) return err ? err->code : TU_ESTORE;
    if (after && by_name) bind_text(st, 1, after);
    else if (after) sqlite3_bind_int64(st, 1, strtoll(after, NULL, 10));
    sqlite3_bind_int(st, 2, limit);
    int rc;
    *n = 0;
    while ((rc = sqlite3_step(st)) == SQLITE_ROW && *n < limit) read_user(st, 0, &out[(*n)++]);
    int out_rc = rc == SQLITE_DONE || rc == SQLITE_ROW ? TU_OK : tu__sq_fail(impl, err, "list users");
    tu__sq_done(st);
    return out_rc;
}

static int cred_insert(void *impl, tu_cred_rec *c, tu_err *err) {
    static const char sql[] = "INSERT INTO credential (user_id, kind, name, token_hash, created_at, expires_at)"
                              " VALUES (?1, ?2, ?3, ?4, ?5, ?6)";
    sqlite3_stmt *st = tu__sq_stmt(impl, sql, err);
    if (!st) return err ? err->code : TU_ESTORE;
    sqlite3_bind_int64(st, 1, c->user_id), bind_text(st, 2, c->kind), bind_text(st, 3, c->name);
    sqlite3_bind_blob(st, 4, c->token_hash, 32, SQLITE_STATIC);
    bind_text(st, 5, c->created_at), bind_text(st, 6, c->expires_at);
    int rc = run(impl, st, "insert credential", err);
    if (!rc) c->id = sqlite3_last_insert_rowid(tu__sq_db(impl));
    return rc;
}

static int cred_auth(void *impl, const unsigned char hash[32], tu_cred_rec *c, tu_user_rec *u, tu_err *err) {
    static const char sql[] = "SELECT c.id, c.user_id, c.kind, c.name, c.created_at, c.expires_at, c.revoked, u.id,"
                              " u.username, u.role, u.scope, u.pw_hash, u.disabled, u.created_at, u.updated_at"
                              " FROM credential c JOIN app_user u ON u.id = c.user_id WHERE c.token_hash = ?1";
    sqlite3_stmt *st = tu__sq_stmt(impl, sql, err);
    if (!st) return err ? err->code : TU_ESTORE;
    sqlite3_bind_blob(st, 1, hash, 32, SQLITE_STATIC);
    int rc = sqlite3_step(st);
    if (rc == SQLITE_ROW) {
        c->id = sqlite3_column_int64(st, 0), c->user_id = sqlite3_column_int64(st, 1);
        tu__sq_col_copy(st, 2, c->kind, sizeof c->kind), tu__sq_col_copy(st, 3, c->name, sizeof c->name);
        tu__sq_col_copy(st, 4, c->created_at, sizeof c->created_at), tu__sq_col_copy(st, 5, c->expires_at, sizeof c->expires_at);
        c->revoked = sqlite3_column_int(st, 6);
        memcpy(c->token_hash, hash, 32);
        read_user(st, 7, u);
    }
    int out = rc == SQLITE_ROW ? TU_OK : rc == SQLITE_DONE ? tu_err_set(err, TU_ENOTFOUND, "no such credential")
                                                            : tu__sq_fail(impl, err, "read credential");
    tu__sq_done(st);
    return out;
}

static int cred_revoke(void *impl, int64_t id, int64_t user_id, int64_t keep, tu_err *err) {
    static const char one[] = "UPDATE credential SET revoked = 1 WHERE id = ?1";
    static const char all[] = "UPDATE credential SET revoked = 1 WHERE user_id = ?2 AND id <> ?3 AND revoked = 0";
    sqlite3_stmt *st = tu__sq_stmt(impl, id ? one : all, err);
    if (!st) return err ? err->code : TU_ESTORE;
    if (id) sqlite3_bind_int64(st, 1, id);
    else sqlite3_bind_int64(st, 2, user_id), sqlite3_bind_int64(st, 3, keep);
    return run(impl, st, "revoke credential", err);
}

static int cred_purge(void *impl, int64_t user_id, const char *now, int *n, tu_err *err) {
    static const char sql[] = "DELETE FROM credential WHERE user_id = ?1 AND (revoked = 1 OR expires_at <= ?2)";
    sqlite3_stmt *st = tu__sq_stmt(impl, sql, err);
    if (!st) return err ? err->code : TU_ESTORE;
    sqlite3_bind_int64(st, 1, user_id), bind_text(st, 2, now);
    int rc = run(impl, st, "purge credentials", err);
    *n = rc ? 0 : sqlite3_changes(tu__sq_db(impl));
    return rc;
}

static int cred_list(void *impl, int64_t user_id, const char *kind, tu_cred_rec *out, int cap, int *n, tu_err *err) {
    static const char sql[] = "SELECT id, name, created_at, expires_at FROM credential WHERE user_id = ?1 AND kind = ?2"
                              " AND revoked = 0 ORDER BY id DESC LIMIT ?3";
    sqlite3_stmt *st = tu__sq_stmt(impl, sql, err);
    if (!st) return err ? err->code : TU_ESTORE;
    sqlite3_bind_int64(st, 1, user_id), bind_text(st, 2, kind), sqlite3_bind_int(st, 3, cap);
    int rc;
    *n = 0;
    while ((rc = sqlite3_step(st)) == SQLITE_ROW && *n < cap) {
        tu_cred_rec *c = &out[(*n)++];
        memset(c, 0, sizeof *c);
        c->id = sqlite3_column_int64(st, 0), c->user_id = user_id;
        snprintf(c->kind, sizeof c->kind, "%s", kind);
        tu__sq_col_copy(st, 1, c->name, sizeof c->name);
        tu__sq_col_copy(st, 2, c->created_at, sizeof c->created_at), tu__sq_col_copy(st, 3, c->expires_at, sizeof c->expires_at);
    }
    int out_rc = rc == SQLITE_DONE || rc == SQLITE_ROW ? TU_OK : tu__sq_fail(impl, err, "list credentials");
    tu__sq_done(st);
    return out_rc;
}

#define AUDIT_COLS "id, ts, actor_id, actor, action, target, before_hash, after_hash, request_id, prev_hash, hash"

static int audit_append(void *impl, const tu_audit_rec *a, tu_err *err) {
    static const char sql[] = "INSERT INTO audit_log (" AUDIT_COLS ") VALUES (?1,?2,?3,?4,?5,?6,?7,?8,?9,?10,?11)";
    sqlite3_stmt *st = tu__sq_stmt(impl, sql, err);
    if (!st) return err ? err->code : TU_ESTORE;
    sqlite3_bind_int64(st, 1, a->id), bind_text(st, 2, a->ts), sqlite3_bind_int64(st, 3, a->actor_id);
    bind_text(st, 4, a->actor), bind_text(st, 5, a->action), bind_text(st, 6, a->target);
    bind_text(st, 7, a->before_hash), bind_text(st, 8, a->after_hash), bind_text(st, 9, a->request_id);
    bind_text(st, 10, a->prev_hash), bind_text(st, 11, a->hash);
    return run(impl, st, "append audit row", err);
}

static void read_audit(sqlite3_stmt *st, tu_audit_rec *a) {
    a->id = sqlite3_column_int64(st, 0);
    tu__sq_col_copy(st, 1, a->ts, sizeof a->ts);
    a->actor_id = sqlite3_column_int64(st, 2);
    tu__sq_col_copy(st, 3, a->actor, sizeof a->actor), tu__sq_col_copy(st, 4, a->action, sizeof a->action);
    tu__sq_col_copy(st, 5, a->target, sizeof a->target), tu__sq_col_copy(st, 6, a->before_hash, sizeof a->before_hash);
    tu__sq_col_copy(st, 7, a->after_hash, sizeof a->after_hash), tu__sq_col_copy(st, 8, a->request_id, sizeof a->request_id);
    tu__sq_col_copy(st, 9, a->prev_hash, sizeof a->prev_hash), tu__sq_col_copy(st, 10, a->hash, sizeof a->hash);
}

static int audit_page(void *impl, int64_t after, int reverse, int limit, tu_audit_rec *out, int *n, tu_err *err) {
    static const char fwd[] = "SELECT " AUDIT_COLS " FROM audit_log WHERE id > ?1 ORDER BY id LIMIT ?2";
    static const char rev[] = "SELECT " AUDIT_COLS " FROM audit_log WHERE ?1 = 0 OR id < ?1 ORDER BY id DESC LIMIT ?2";
    sqlite3_stmt *st = tu__sq_stmt(impl, reverse ? rev : fwd, err);
    if (!st) return err ? err->code : TU_ESTORE;
    sqlite3_bind_int64(st, 1, after), sqlite3_bind_int(st, 2, limit);
    int rc;
    *n = 0;
    while ((rc = sqlite3_step(st)) == SQLITE_ROW && *n < limit) read_audit(st, &out[(*n)++]);
    int out_rc = rc == SQLITE_DONE || rc == SQLITE_ROW ? TU_OK : tu__sq_fail(impl, err, "read audit log");
    tu__sq_done(st);
    return out_rc;
}

static int audit_scan(void *impl, int (*fn)(void *ctx, const tu_audit_rec *a), void *ctx, tu_err *err) {
    static const char sql[] = "SELECT " AUDIT_COLS " FROM audit_log ORDER BY id";
    sqlite3_stmt *st = tu__sq_stmt(impl, sql, err);
    if (!st) return err ? err->code : TU_ESTORE;
    int rc, out = TU_OK;
    tu_audit_rec a;
    while (out == TU_OK && (rc = sqlite3_step(st)) == SQLITE_ROW) {
        read_audit(st, &a);
        out = fn(ctx, &a);
    }
    if (out == TU_OK && rc != SQLITE_DONE) out = tu__sq_fail(impl, err, "scan audit log");
    tu__sq_done(st);
    return out;
}

const struct tu_accounts_ops tu__sqlite_accounts_ops = {
    user_insert, user_get, user_update, user_page, cred_insert, cred_auth,
    cred_revoke, cred_purge, cred_list, audit_append, audit_page, audit_scan,
};
