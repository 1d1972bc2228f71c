/* index.h — the enterprise index: an in-memory, columnar copy of the attributes rules read.
 *
 * Built once from all enterprises (dense ids 0..n-1, id = position), then kept current with tu_index_update()
 * on every write. Numbers and dates are compact columns with a one-byte bucket code each (for range scans),
 * code values (city, industry division and section, size, region) and tags have a CRoaring bitmap per value,
 * and every attribute has a bitmap of the ids that lack it. Concurrency: a reader-writer lock; a query holds
 * the read lock for its duration (a few ms at 7M), a writer holds the write lock only while it patches one
 * record (a few roaring add/remove calls, microseconds), so readers are never blocked for long.
 */
#ifndef TU_MATCH_INDEX_H
#define TU_MATCH_INDEX_H

#include <stddef.h>
#include <stdint.h>

#include "core/enterprise.h"
#include "core/error.h"

typedef struct tu_index tu_index;

/* Builds an index over ents[0..n) (id i = ents[i]). Records must have passed tu_ent_finish(). Returns TU_OK
 * with *out set, or TU_ENOMEM / TU_EINVAL (a record with an unknown city/division). */
int tu_index_build(const tu_ent *ents, size_t n, tu_index **out, tu_err *err);
/* Replaces record `id` (id < count) or appends it (id == count). Returns TU_OK, TU_EINVAL for a bad id or
 * record, TU_ENOMEM (the index is unchanged then). */
int tu_index_update(tu_index *ix, uint32_t id, const tu_ent *e, tu_err *err);
/* Makes room for n records without further growth (a bulk load that knows its size: no column copies, no
 * rehash of the USCC table). Returns TU_OK or TU_ENOMEM, TU_ETOOBIG (the index is unchanged then). */
int tu_index_reserve(tu_index *ix, size_t n, tu_err *err);
/* Bulk appends: records appended between the two calls enter the USCC table only at the end, 32 at a time with
 * their slots prefetched (each entry is a cache miss; 7M one by one cost ~3 s). Meanwhile tu_index_find_uscc
 * does not see them. bulk_end returns TU_OK or TU_ENOMEM. */
void tu_index_bulk_begin(tu_index *ix);
int tu_index_bulk_end(tu_index *ix, tu_err *err);
void tu_index_close(tu_index *ix); /* NULL is fine */
/* Builds an index from an enterprise CSV file (header row first; ids in file order). Returns TU_OK, TU_EIO,
 * TU_EPARSE or TU_EINVAL with err->row (1 = header) and err->field set. */
int tu_index_load_csv(const char *path, tu_index **out, tu_err *err);
struct tu_store;
/* Builds an index from every enterprise of the store (index id = store id - 1; an id without a row becomes a
 * record with every attribute missing). Returns TU_OK or the store's error. */
int tu_index_load_store(struct tu_store *s, tu_index **out, tu_err *err);

size_t tu_index_count(const tu_index *ix);
/* Writes the 18-character USCC of id (NUL-terminated) into out. Returns TU_OK or TU_ENOTFOUND. */
int tu_index_uscc(const tu_index *ix, uint32_t id, char out[19]);
/* Id of a USCC (a hash lookup over the packed codes, well under a microsecond), or -1. A USCC held by two
 * records (not expected) finds the later one. */
int64_t tu_index_find_uscc(const tu_index *ix, const char *uscc);
/* The record of id as the index knows it (every rule attribute; name empty). Returns TU_OK or TU_ENOTFOUND. */
int tu_index_get(const tu_index *ix, uint32_t id, tu_ent *out);
/* Bytes held in columns (per-id arrays, with the USCC lookup table) and in bitmaps. */
void tu_index_memory(const tu_index *ix, size_t *column_bytes, size_t *bitmap_bytes);

#endif
