/* change.h — the enterprise change feed: which enterprises each write transaction changed, in commit order.
 *
 * Every use case that writes enterprises adds one feed row in the same transaction (app/registry.h does it for
 * imports, PATCH and disputes), so the feed is exactly as durable as the rows. Server nodes follow it: each reads
 * the rows after its cursor, applies the changed records to its match index and turns the policy deltas into
 * inbox items, then records its cursor (change_cursor_set). The ids travel as an opaque blob (a portable Roaring
 * bitmap, encoded above the store, which links no bitmap library). Workload: one row per import batch (140 rows for
 * a 7M-row import) or per API write; followers read a few rows a second and prune, hourly, what all have applied.
 *
 * All functions return TU_OK or a negative TU_E* code with details in err.
 */
#ifndef TU_STORE_CHANGE_H
#define TU_STORE_CHANGE_H

#include <stddef.h>
#include <stdint.h>

#include "store/store.h"

typedef struct tu_change {
    int64_t seq;     /* increasing in commit order */
    int64_t origin;  /* the writing process (see app/registry.h tu_app_origin) */
    int64_t n;       /* number of ids in the blob */
    const void *ids; /* the blob, valid only during the callback */
    size_t len;
} tu_change;

/* Appends a feed row; *seq (may be NULL) receives its sequence number. Requires a transaction and len > 0. */
int tu_store_change_add(tu_store *s, int64_t origin, const void *ids, size_t len, int64_t n, int64_t *seq,
                        tu_err *err);
/* fn is called for each row with seq > after, in seq order, at most limit rows (limit > 0); a non-zero return
 * stops the scan and is returned. Do not write to the store from fn. */
typedef int (*tu_change_fn)(void *ctx, const tu_change *c);
int tu_store_change_scan(tu_store *s, int64_t after, int limit, tu_change_fn fn, void *ctx, tu_err *err);
/* The largest seq in the feed (0 when empty). */
int tu_store_change_last(tu_store *s, int64_t *seq, tu_err *err);

/* A follower's cursor: the seq up to which it has applied the feed. TU_ENOTFOUND for a new follower. */
int tu_store_change_cursor_get(tu_store *s, const char *name, int64_t *seq, tu_err *err);
/* Records it (insert or update). Requires a transaction. */
int tu_store_change_cursor_set(tu_store *s, const char *name, int64_t seq, tu_err *err);
/* Deletes the rows every recorded follower has applied (seq <= the smallest cursor) that are older than
 * min_age_s seconds; the newest row always stays, so seqs never go back. The age is the grace for a node that
 * has built its index but not yet recorded a cursor. With no cursor recorded nothing is deleted. *deleted (may
 * be NULL) receives how many rows went. */
int tu_store_change_prune(tu_store *s, int64_t min_age_s, int64_t *deleted, tu_err *err);

#endif
