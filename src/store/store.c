/* store.c — backend selection, migrations and transactions; dispatch only, no SQL here. */
#include "store/backend.h"

#include <stdlib.h>
#include <string.h>

#include "core/alloc.h"

const char *tu_store_default_url(void) {
    const char *env = getenv("TECHUP_DB");
    return env && *env ? env : "var/techup.db";
}

static int migrate(tu_store *s, tu_err *err) {
    /* Every migration not recorded yet, in order: a branch's lower-numbered file that lands after a higher one
     * is still applied. */
    for (int i = 0; i < tu__migration_count; i++) {
        const tu_migration *m = &tu__migrations[i];
        if (s->be->applied(s->impl, m->version)) continue;
        int rc = s->be->begin(s->impl, err);
        if (!rc) rc = s->be->exec_migration(s->impl, m, err);
        if (!rc) rc = s->be->commit(s->impl, err);
        if (rc) {
            s->be->rollback(s->impl);
            return rc;
        }
    }
    return TU_OK;
}

int tu_store_open(const char *url, int flags, tu_store **out, tu_err *err) {
    *out = NULL;
    const tu_store_backend *be = &tu__sqlite_backend;
    const char *loc = url ? url : tu_store_default_url();
    if (strncmp(loc, "postgres://", 11) == 0 || strncmp(loc, "postgresql://", 13) == 0)
        return tu_err_set(err, TU_EUNSUPPORTED, "the PostgreSQL backend is not built yet; use a SQLite file path");
    if (strncmp(loc, "sqlite:", 7) == 0) loc += 7;
    tu_store *s = tu_calloc(1, sizeof *s);
    if (!s) return tu_err_set(err, TU_ENOMEM, "out of memory");
    s->be = be;
    int rc = be->open(loc, flags, &s->impl, err);
    if (!rc && !(flags & TU_STORE_READONLY)) rc = migrate(s, err);
    if (rc) {
        tu_store_close(s);
        return rc;
    }
    *out = s;
    return TU_OK;
}

void tu_store_close(tu_store *s) {
    if (!s) return;
    if (s->impl) {
        if (s->in_tx) s->be->rollback(s->impl);
        s->be->close(s->impl);
    }
    tu_free(s);
}

const char *tu_store_backend_name(const tu_store *s) { return s->be->name; }
int tu_store_schema_version(tu_store *s) { return s->be->schema_version(s->impl); }

int tu_store_begin(tu_store *s, tu_err *err) {
    if (s->in_tx) return tu_err_set(err, TU_ESTATE, "a transaction is already open");
    int rc = s->be->begin(s->impl, err);
    if (!rc) s->in_tx = 1;
    return rc;
}

int tu_store_commit(tu_store *s, tu_err *err) {
    if (!s->in_tx) return tu_err_set(err, TU_ESTATE, "no transaction is open");
    int rc = s->be->commit(s->impl, err);
    if (rc) s->be->rollback(s->impl);
    s->in_tx = 0;
    return rc;
}

void tu_store_rollback(tu_store *s) {
    if (!s->in_tx) return;
    s->be->rollback(s->impl);
    s->in_tx = 0;
}

int tu_store_in_tx(const tu_store *s) { return s->in_tx; }
