/* store.h — the source of truth, behind one interface.
 *
 * A tu_store is an open database: SQLite (a file path, or "sqlite:PATH") now, PostgreSQL ("postgres://...")
 * later, both behind the table of functions in backend.h. Opening applies the numbered migrations of
 * src/store/migrations that the database has not recorded yet. A tu_store is used by one thread at a time;
 * a server opens one per worker. Every write runs inside tu_store_begin()/tu_store_commit() (or a function that
 * opens its own transaction, as documented). The per-area operations (registry, accounts, ...) are declared in
 * the area headers beside this one.
 */
#ifndef TU_STORE_STORE_H
#define TU_STORE_STORE_H

#include <stdint.h>

#include "core/error.h"

typedef struct tu_store tu_store;

enum {
    TU_STORE_READONLY = 1, /* open without creating or migrating */
    TU_STORE_BULK = 2,     /* bulk-load tuning (larger cache); still crash-safe */
    TU_STORE_DURABLE = 4   /* synchronous=FULL: a commit is on disk when it returns (power loss, not only kill -9) */
};

/* Default database location: $TECHUP_DB, else "var/techup.db". */
const char *tu_store_default_url(void);
/* Opens (creating the file and parent folder if needed, unless READONLY) and migrates. *out is NULL on error. */
int tu_store_open(const char *url, int flags, tu_store **out, tu_err *err);
void tu_store_close(tu_store *s); /* NULL is fine */
const char *tu_store_backend_name(const tu_store *s); /* "sqlite" */
int tu_store_schema_version(tu_store *s);            /* highest applied migration */

int tu_store_begin(tu_store *s, tu_err *err);  /* a write transaction */
int tu_store_commit(tu_store *s, tu_err *err);
void tu_store_rollback(tu_store *s);           /* no-op when no transaction is open */
int tu_store_in_tx(const tu_store *s);

#endif
