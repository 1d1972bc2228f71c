/* sqlite.c — the embedded SQLite backend: connection setup (WAL), migrations, transactions, statement cache.
 * Area files (sqlite_registry.c, ...) hold the SQL of each area. Workload: bulk imports of millions of rows in
 * batched transactions, point reads and writes from the API, full scans at start to build the match index. */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>

#include "core/alloc.h"
#include "store/backend.h"
#include "store/registry_ops.h"
#include "store/sqlite_int.h"

/* The statement cache grows as needed (one entry per distinct static SQL text): every statement this file
 * prepares is in it, so close finalizes exactly ours — never the statements SQLite's own modules (FTS5) hold. */
typedef struct stmt_entry {
    const char *key;
    sqlite3_stmt *st;
} stmt_entry;

struct tu_sqlite {
    sqlite3 *db;
    int nstmt, cap;
    stmt_entry *stmts;
};

sqlite3 *tu__sq_db(void *impl) { return ((tu_sqlite *)impl)->db; }

int tu__sq_fail(void *impl, tu_err *err, const char *what) {
    sqlite3 *db = tu__sq_db(impl);
    int ec = sqlite3_errcode(db);
    int code = ec == SQLITE_BUSY || ec == SQLITE_LOCKED ? TU_EBUSY
               : ec == SQLITE_CONSTRAINT                ? TU_ECONFLICT
               : ec == SQLITE_CORRUPT                   ? TU_ECORRUPT
                                                        : TU_ESTORE;
    return tu_err_set(err, code, "%s: %s", what, sqlite3_errmsg(db));
}

int tu__sq_exec(void *impl, const char *sql, tu_err *err) {
    char *msg = NULL;
    if (sqlite3_exec(tu__sq_db(impl), sql, NULL, NULL, &msg) != SQLITE_OK) {
        int rc = tu_err_set(err, TU_ESTORE, "%s", msg ? msg : "sqlite error");
        sqlite3_free(msg);
        return rc;
    }
    return TU_OK;
}

sqlite3_stmt *tu__sq_stmt(void *impl, const char *sql, tu_err *err) {
    tu_sqlite *q = impl;
    for (int i = 0; i < q->nstmt; i++)
        if (q->stmts[i].key == sql) {
            sqlite3_reset(q->stmts[i].st);
            sqlite3_clear_bindings(q->stmts[i].st);
            return q->stmts[i].st;
        }
    sqlite3_stmt *st = NULL;
    if (sqlite3_prepare_v3(q->db, sql, -1, SQLITE_PREPARE_PERSISTENT, &st, NULL) != SQLITE_OK) {
        tu__sq_fail(impl, err, "prepare");
        return NULL;
    }
    if (q->nstmt == q->cap) {
        int cap = q->cap ? q->cap * 2 : 64;
        stmt_entry *grown = tu_realloc(q->stmts, (size_t)cap * sizeof *grown);
        if (!grown) {
            sqlite3_finalize(st);
            tu_err_set(err, TU_ENOMEM, "out of memory");
            return NULL;
        }
        q->stmts = grown, q->cap = cap;
    }
    q->stmts[q->nstmt].key = sql;
    q->stmts[q->nstmt].st = st;
    q->nstmt++;
    return st;
}

void tu__sq_done(sqlite3_stmt *st) {
    if (st) sqlite3_reset(st);
}

void tu__sq_col_copy(sqlite3_stmt *st, int i, char *buf, size_t n) {
    const unsigned char *t = sqlite3_column_text(st, i);
    snprintf(buf, n, "%s", t ? (const char *)t : "");
}

char *tu__sq_col_dup(sqlite3_stmt *st, int i) {
    const unsigned char *t = sqlite3_column_text(st, i);
    return tu_strdup(t ? (const char *)t : "");
}

static int make_parent_dir(const char *path) {
    const char *slash = strrchr(path, '/');
    if (!slash || slash == path) return 0;
    char dir[4096];
    size_t n = (size_t)(slash - path);
    if (n >= sizeof dir) return -1;
    memcpy(dir, path, n);
    dir[n] = '\0';
    for (char *p = dir + 1; *p; p++)
        if (*p == '/') {
            *p = '\0';
            if (mkdir(dir, 0755) != 0 && errno != EEXIST) return -1;
            *p = '/';
        }
    return mkdir(dir, 0755) != 0 && errno != EEXIST ? -1 : 0;
}

static void sq_close(void *impl) {
    tu_sqlite *q = impl;
    if (!q) return;
    for (int i = 0; i < q->nstmt; i++) sqlite3_finalize(q->stmts[i].st);
    tu_free(q->stmts);
    sqlite3_close_v2(q->db);
    tu_free(q);
}

static int sq_open(const char *path, int flags, void **out, tu_err *err) {
    *out = NULL;
    int ro = flags & TU_STORE_READONLY;
    if (!ro && strcmp(path, ":memory:") != 0 && make_parent_dir(path) != 0)
        return tu_err_set(err, TU_EIO, "cannot create the folder of %s: %s", path, strerror(errno));
    tu_sqlite *q = tu_calloc(1, sizeof *q);
    if (!q) return tu_err_set(err, TU_ENOMEM, "out of memory");
    int oflags = (ro ? SQLITE_OPEN_READONLY : SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE) | SQLITE_OPEN_NOMUTEX;
    if (sqlite3_open_v2(path, &q->db, oflags, NULL) != SQLITE_OK) {
        int rc = tu_err_set(err, TU_EIO, "cannot open %s: %s", path, q->db ? sqlite3_errmsg(q->db) : "out of memory");
        sq_close(q);
        return rc;
    }
    sqlite3_extended_result_codes(q->db, 0);
    sqlite3_busy_timeout(q->db, 5000);
    const char *pragmas = (flags & TU_STORE_BULK)
                              ? "PRAGMA page_size=16384; PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; PRAGMA foreign_keys=ON;"
                                "PRAGMA cache_size=-524288; PRAGMA temp_store=MEMORY; PRAGMA wal_autocheckpoint=20000; PRAGMA threads=2;"
                              : "PRAGMA page_size=16384; PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; PRAGMA foreign_keys=ON;"
                                "PRAGMA cache_size=-65536; PRAGMA temp_store=MEMORY;";
    /* Read the header first so a non-database file fails here with its name, not later. */
    int rc = tu__sq_exec(q, "SELECT count(*) FROM sqlite_master;", err);
    if (!rc) rc = ro ? tu__sq_exec(q, "PRAGMA query_only=1;", err) : tu__sq_exec(q, pragmas, err);
    if (!rc && (flags & TU_STORE_DURABLE)) rc = tu__sq_exec(q, "PRAGMA synchronous=FULL;", err);
    if (rc) {
        char why[512];
        snprintf(why, sizeof why, "%s", err ? err->msg : "");
        rc = tu_err_set(err, TU_EIO, "cannot use %s as a techup database: %s", path, why);
    }
    if (rc) {
        sq_close(q);
        return rc;
    }
    *out = q;
    return TU_OK;
}

static int sq_schema_version(void *impl) {
    sqlite3 *db = tu__sq_db(impl);
    sqlite3_stmt *st;
    int v = 0;
    if (sqlite3_prepare_v2(db, "SELECT max(version) FROM schema_migrations", -1, &st, NULL) != SQLITE_OK) return 0;
    if (sqlite3_step(st) == SQLITE_ROW) v = sqlite3_column_int(st, 0);
    sqlite3_finalize(st);
    return v;
}

static int sq_applied(void *impl, int version) {
    sqlite3_stmt *st;
    int found = 0;
    if (sqlite3_prepare_v2(tu__sq_db(impl), "SELECT 1 FROM schema_migrations WHERE version = ?1", -1, &st, NULL) !=
        SQLITE_OK)
        return 0; /* no table yet: nothing applied */
    sqlite3_bind_int(st, 1, version);
    found = sqlite3_step(st) == SQLITE_ROW;
    sqlite3_finalize(st);
    return found;
}

/* Replaces the portable placeholders of migration files with SQLite's types. */
static char *dialect(const char *sql) {
    static const char *const map[][2] = {{"{{ID}}", "INTEGER PRIMARY KEY"}, {"{{BLOB}}", "BLOB"}};
    size_t cap = strlen(sql) * 2 + 64, o = 0;
    char *out = tu_malloc(cap);
    if (!out) return NULL;
    while (*sql) {
        size_t i;
        for (i = 0; i < sizeof map / sizeof map[0]; i++) {
            size_t n = strlen(map[i][0]);
            if (strncmp(sql, map[i][0], n) == 0) {
                size_t m = strlen(map[i][1]);
                memcpy(out + o, map[i][1], m);
                o += m, sql += n;
                break;
            }
        }
        if (i == sizeof map / sizeof map[0]) out[o++] = *sql++;
    }
    out[o] = '\0';
    return out;
}

static int sq_exec_migration(void *impl, const tu_migration *m, tu_err *err) {
    int rc = tu__sq_exec(impl,
                         "CREATE TABLE IF NOT EXISTS schema_migrations (version INTEGER PRIMARY KEY, name TEXT NOT "
                         "NULL, applied_at TEXT NOT NULL)",
                         err);
    if (rc) return rc;
    char *sql = dialect(m->sql);
    if (!sql) return tu_err_set(err, TU_ENOMEM, "out of memory");
    rc = tu__sq_exec(impl, sql, err);
    tu_free(sql);
    if (rc) {
        char why[512];
        snprintf(why, sizeof why, "%s", err ? err->msg : "");
        return tu_err_set(err, rc, "migration %04d_%s failed: %s", m->version, m->name, why);
    }
    sqlite3_stmt *st;
    sqlite3 *db = tu__sq_db(impl);
    if (sqlite3_prepare_v2(db, "INSERT INTO schema_migrations VALUES (?1, ?2, strftime('%Y-%m-%dT%H:%M:%SZ','now'))",
                           -1, &st, NULL) != SQLITE_OK)
        return tu__sq_fail(impl, err, "record migration");
    sqlite3_bind_int(st, 1, m->version);
    sqlite3_bind_text(st, 2, m->name, -1, SQLITE_STATIC);
    int step = sqlite3_step(st);
    sqlite3_finalize(st);
    return step == SQLITE_DONE ? TU_OK : tu__sq_fail(impl, err, "record migration");
}

static int sq_begin(void *impl, tu_err *err) { return tu__sq_exec(impl, "BEGIN IMMEDIATE", err); }
static int sq_commit(void *impl, tu_err *err) { return tu__sq_exec(impl, "COMMIT", err); }
static void sq_rollback(void *impl) {
    if (!sqlite3_get_autocommit(tu__sq_db(impl))) tu__sq_exec(impl, "ROLLBACK", NULL);
}

extern const struct tu_registry_ops tu__sqlite_registry_ops;
extern const struct tu_policy_ops tu__sqlite_policy_ops;
extern const struct tu_push_ops tu__sqlite_push_ops;
extern const struct tu_accounts_ops tu__sqlite_accounts_ops;
extern const struct tu_project_ops tu__sqlite_project_ops;
extern const struct tu_dispute_ops tu__sqlite_dispute_ops;

const tu_store_backend tu__sqlite_backend = {
    .name = "sqlite",
    .open = sq_open,
    .close = sq_close,
    .exec_migration = sq_exec_migration,
    .schema_version = sq_schema_version,
    .applied = sq_applied,
    .begin = sq_begin,
    .commit = sq_commit,
    .rollback = sq_rollback,
    .policy = &tu__sqlite_policy_ops,
    .push = &tu__sqlite_push_ops,
    .accounts = &tu__sqlite_accounts_ops,
    .registry = &tu__sqlite_registry_ops,
    .project = &tu__sqlite_project_ops,
    .dispute = &tu__sqlite_dispute_ops,
};
