/* sqlite_int.h — shared by the SQLite backend's area files (sqlite_*.c). Statements are prepared once per
 * connection and cached by their SQL text's address; callers reset them after use (tu__sq_done). */
#ifndef TU_STORE_SQLITE_INT_H
#define TU_STORE_SQLITE_INT_H

#include <sqlite3.h>
#include <stddef.h>

#include "core/error.h"

typedef struct tu_sqlite tu_sqlite;

sqlite3 *tu__sq_db(void *impl);
/* The cached prepared statement for `sql` (a string literal: its address is the key), reset and unbound.
 * NULL on error, with err filled. */
sqlite3_stmt *tu__sq_stmt(void *impl, const char *sql, tu_err *err);
/* Resets a statement after use so it holds no read transaction open. */
void tu__sq_done(sqlite3_stmt *st);
/* Copies text column i into buf (NUL-terminated, truncated to n-1 bytes; NULL reads as ""). */
void tu__sq_col_copy(sqlite3_stmt *st, int i, char *buf, size_t n);
/* A tu_malloc'd copy of text column i ("" for NULL), or NULL when out of memory. */
char *tu__sq_col_dup(sqlite3_stmt *st, int i);
/* Fills err from the connection's last error; returns TU_ESTORE (or TU_EBUSY / TU_ECONFLICT as fitting). */
int tu__sq_fail(void *impl, tu_err *err, const char *what);
/* Executes SQL text without results (DDL, pragmas). */
int tu__sq_exec(void *impl, const char *sql, tu_err *err);

#endif
