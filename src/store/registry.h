/* registry.h — the enterprise registry area of the store: sources, enterprises, per-value sources, import runs.
 *
 * Enterprises are keyed by USCC and numbered by a dense id that is never reused (the enterprise's bit in the match
 * index). Every value keeps its source: by default the source of the row's last write, or an override recorded in
 * enterprise_value_source. Workload: batched upserts of millions of rows (import), point reads (API), one full
 * scan in id order at start (the match index build: ~7M rows in a few seconds).
 *
 * Writes require an open transaction (tu_store_begin); reads do not. All functions return TU_OK or a negative
 * TU_E* code with details in err.
 */
#ifndef TU_STORE_REGISTRY_H
#define TU_STORE_REGISTRY_H

#include <stddef.h>
#include <stdint.h>

#include "core/enterprise.h"
#include "store/store.h"

#define TU_SOURCE_KIND_MAX 16
#define TU_SOURCE_NAME_MAX 256

/* Where values came from: an import file, an API user, a dispute resolution, a generator run. */
typedef struct tu_source {
    int64_t id;
    char kind[TU_SOURCE_KIND_MAX]; /* "import" | "api" | "dispute" | "gen" */
    char name[TU_SOURCE_NAME_MAX];
    int32_t as_of; /* days since epoch: the date the values describe */
} tu_source;

/* Records a source; *id receives its id. kind and name must be non-empty. Requires a transaction. */
int tu_store_source_add(tu_store *s, const char *kind, const char *name, int32_t as_of, int64_t *id, tu_err *err);
/* TU_ENOTFOUND when no such source. */
int tu_store_source_get(tu_store *s, int64_t id, tu_source *out, tu_err *err);

/* Inserts or updates n finished records (tu_ent_finish done) by USCC, in order (a USCC twice in the batch: the later
 * record wins). An existing enterprise keeps its id; all its values are replaced, take source_id and lose their
 * per-value overrides. ids_out (may be NULL) receives each record's id. Requires a transaction. */
int tu_store_ent_upsert(tu_store *s, const tu_ent *batch, size_t n, int64_t source_id, int64_t *ids_out,
                        tu_err *err);
/* ---- bulk load into an empty registry ----
 * Inserting millions of random USCCs into a live index rewrites most index pages in every batch; a first load
 * instead appends rows and builds the index once. Protocol: bulk_begin (empty registry, drops the USCC index),
 * ent_append per batch, bulk_end (builds the index). Until bulk_end the USCC lookups scan the table and nothing
 * rejects a duplicate USCC: the caller guarantees uniqueness. A crash in between leaves a consistent database
 * without the index; calling bulk_end (what an import does when it starts) restores it. */
/* Requires a transaction and an empty enterprise table (TU_ESTATE otherwise). */
int tu_store_ent_bulk_begin(tu_store *s, tu_err *err);
/* Inserts n new records with the given ids (each above every id in use, increasing) and USCCs not in the store.
 * Requires a transaction. */
int tu_store_ent_append(tu_store *s, const tu_ent *batch, const int64_t *ids, size_t n, int64_t source_id,
                        tu_err *err);
/* Replaces every value of enterprise id (as an upsert would: new source, overrides dropped). TU_ENOTFOUND when
 * there is no such id. Requires a transaction. */
int tu_store_ent_replace(tu_store *s, int64_t id, const tu_ent *e, int64_t source_id, tu_err *err);
/* Builds the USCC index if it is missing (a no-op otherwise). Requires a transaction. TU_ECONFLICT if two rows
 * share a USCC. */
int tu_store_ent_bulk_end(tu_store *s, tu_err *err);

/* Read one enterprise (derived attributes computed). source_id may be NULL. TU_ENOTFOUND when absent. */
int tu_store_ent_get_by_uscc(tu_store *s, const char *uscc, int64_t *id, tu_ent *out, int64_t *source_id,
                             tu_err *err);
int tu_store_ent_get_by_id(tu_store *s, int64_t id, tu_ent *out, int64_t *source_id, tu_err *err);
int tu_store_ent_count(tu_store *s, int64_t *n, tu_err *err);
/* Largest id in use (0 when empty): the size of the match index's id space. */
int tu_store_ent_max_id(tu_store *s, int64_t *max_id, tu_err *err);

/* ---- search (API lists) ----
 * Filters (each NULL/0 = any) combined with AND; results in keyset order of `sort` then id, so a cursor (the last
 * row's sort value and id) stays valid while rows are inserted. Workload: an indexed id walk for the default sort;
 * the other sorts and the substring filter scan the table (see docs/architecture.md). */
typedef enum { TU_ENT_SORT_ID, TU_ENT_SORT_NAME, TU_ENT_SORT_REVENUE, TU_ENT_SORT_EMPLOYEES } tu_ent_sort;
typedef struct tu_ent_query {
    const char *name_part; /* substring of the name */
    const char *uscc;      /* exact USCC */
    uint32_t city;         /* city code */
    const char *industry;  /* prefix of the industry code: "C", "C38", "C3811" */
    const char *tag;       /* a tag name the enterprise holds */
    tu_ent_sort sort;
    int reverse;           /* 1: descending */
    int after;             /* 1: start after (after_key, after_id) */
    const char *after_text; /* TU_ENT_SORT_NAME */
    int64_t after_num;      /* revenue/employees (missing = -1) */
    int64_t after_id;
} tu_ent_query;
/* Called once per row found; e is valid only during the call. */
typedef int (*tu_ent_scan_fn)(void *ctx, int64_t id, const tu_ent *e, int64_t source_id);
/* Visits up to limit rows matching q in order. Returns TU_OK or a store error (or fn's non-zero return). */
int tu_store_ent_search(tu_store *s, const tu_ent_query *q, int limit, tu_ent_scan_fn fn, void *ctx, tu_err *err);

/* Scan: fn is called once per enterprise in id order; a non-zero return stops the scan and is returned by
 * tu_store_ent_scan. e is valid only during the call. */
/* Visits every enterprise in id order, inside one read snapshot. */
int tu_store_ent_scan(tu_store *s, tu_ent_scan_fn fn, void *ctx, tu_err *err);

/* Records that one attribute (a CSV column of the catalog) of an enterprise came from source_id, overriding the
 * row's source. Requires a transaction. */
int tu_store_value_source_set(tu_store *s, int64_t ent_id, int attr, int64_t source_id, tu_err *err);
/* The source of one value: the override when there is one, else the row's source. */
int tu_store_value_source(tu_store *s, int64_t ent_id, int attr, tu_source *out, tu_err *err);

/* ---- import runs: resumable progress of one CSV file ---- */
typedef struct tu_import_run {
    int64_t id, source_id;
    int64_t rows_done, rejected; /* data rows handled so far (imported or rejected), rejected among them */
    int finished;
} tu_import_run;

/* The latest run of the file identified by (path, size, mtime); TU_ENOTFOUND when none. */
int tu_store_import_find(tu_store *s, const char *path, int64_t size, int64_t mtime, tu_import_run *out, tu_err *err);
/* Starts a run (rows_done = 0) with its source. Requires a transaction. */
int tu_store_import_start(tu_store *s, const char *path, int64_t size, int64_t mtime, int64_t source_id,
                          int64_t *run_id, tu_err *err);
/* Records progress; call in the transaction that wrote the rows. */
int tu_store_import_progress(tu_store *s, int64_t run_id, int64_t rows_done, int64_t rejected, int finished,
                             tu_err *err);

#endif
