/* registry.h — registry use cases: CSV import and export of enterprises, and the change hook.
 *
 * The enterprise CSV is the format of DESIGN.md (UTF-8, RFC 4180, header row required). Import upserts by USCC in
 * batched transactions, writes invalid rows to a reject file and can resume an interrupted run; export writes the
 * same columns back (import -> export -> import -> export gives identical files). Workload: files of ~7M rows
 * (~1 GB) in well under a minute, memory bounded by one batch.
 */
#ifndef TU_APP_REGISTRY_H
#define TU_APP_REGISTRY_H

#include <stdint.h>
#include <stdio.h>

#include "core/enterprise.h"
#include "store/store.h"

#define TU_IMPORT_BATCH_DEFAULT 50000

typedef struct tu_import_opts {
    int strict;              /* 1: all or nothing, in one transaction; nothing is written if a row is invalid */
    long batch;              /* rows per transaction; 0 = TU_IMPORT_BATCH_DEFAULT */
    const char *reject_path; /* where invalid rows go (created on the first one); NULL = "<file>.rejects.csv" */
    FILE *progress;          /* a terminal to draw a progress bar on, or NULL */
    int32_t as_of;           /* the date the file describes (days since epoch); 0 = today */
} tu_import_opts;

typedef struct tu_import_stats {
    int64_t rows;         /* data rows read (after the header), including those skipped on resume */
    int64_t imported;     /* rows written (a USCC listed twice counts twice: the later row wins) */
    int64_t rejected;     /* rows written to the reject file (including those of an interrupted earlier run) */
    int64_t resumed_from; /* data rows skipped because an interrupted earlier run had committed them; 0 if none */
    int64_t inserted;     /* enterprises new to the database */
    int64_t updated;      /* imported rows that replaced an existing enterprise (or a row earlier in the file) */
    char reject_path[1024]; /* the reject file, when rejected > 0 */
} tu_import_stats;

/* Imports a CSV file. Returns TU_OK when the file was read to its end (rejected rows do not make it fail);
 * TU_EVALIDATION in strict mode when some row is invalid (nothing written; the first reject is in err, all are in
 * the reject file); TU_EINVAL/TU_EPARSE for a bad header or malformed CSV (err->row names the row: the header is
 * row 1, blank lines are not counted); TU_EIO/TU_ESTORE on I/O or storage failure. Batches committed before a
 * failure stay committed; a re-run of the same unchanged file resumes after them. */
int tu_app_import_csv(tu_store *s, const char *path, const tu_import_opts *opts, tu_import_stats *stats,
                      tu_err *err);

/* Writes every enterprise as CSV (header first, id order) to out. *rows (may be NULL) receives the count. */
int tu_app_export_csv(tu_store *s, FILE *out, int64_t *rows, tu_err *err);

/* ---- change hook ----
 * Every use case that writes enterprises calls the subscribers after its transaction commits, with the ids and the
 * finished records it wrote (batches of up to one import batch; an id may repeat when a file lists a USCC twice).
 * The match index subscribes here to stay in step with the store. Subscribers run on the writing thread and must
 * not write to the store. Registration is not thread-safe: subscribe at start, before any writer runs. */
typedef void (*tu_ent_change_fn)(void *ctx, const int64_t *ids, const tu_ent *ents, size_t n);
#define TU_APP_MAX_SUBSCRIBERS 8
/* Adds a subscriber. Returns TU_OK, or TU_ELIMIT when TU_APP_MAX_SUBSCRIBERS are registered. */
int tu_app_on_enterprise_change(tu_ent_change_fn fn, void *ctx);
/* Calls every subscriber (for the use cases of app/ that write enterprises, after their commit). */
void tu__app_enterprises_changed(const int64_t *ids, const tu_ent *ents, size_t n);
/* Removes every subscriber (tests, shutdown). */
void tu_app_enterprise_subscribers_clear(void);

/* ---- change feed ----
 * Besides calling the hook, every such use case records the ids it wrote in the store's change feed
 * (store/change.h) in its own transaction, tagged with this process's origin: a positive random id fixed at first
 * use. Other processes (server nodes) follow the feed; a node skips the rows of its own origin, which its hook has
 * already applied. */
int64_t tu_app_origin(void);

#endif
