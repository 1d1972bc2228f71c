/* match.h — policy -> enterprises: a rule compiled into a set-algebra plan over the enterprise index.
 *
 * tu_plan_compile() turns the eligibility subset of JsonLogic (and/or/not/!/!!, ==, !=, <, <=, >, >= incl. the
 * 3-argument "between" forms, "in" over a list of codes, "in" over tags) into a plan; any other sub-rule
 * becomes a residual evaluated row by row, only on the rows whose outcome it can still change. tu_match_run()
 * yields three disjoint sets (eligible, not eligible, unknown = missing data) identical to the row-wise
 * three-valued evaluation (rules.h), and optionally the near-miss set (exactly one condition FALSE, every
 * other TRUE). Workload: a few ms per rule over 7M enterprises; plans are immutable and reusable.
 */
#ifndef TU_MATCH_MATCH_H
#define TU_MATCH_MATCH_H

#include <jansson.h>
#include <roaring/roaring.h>
#include <stddef.h>
#include <stdint.h>

#include "core/error.h"
#include "match/index.h"

typedef struct tu_plan tu_plan;
typedef struct tu_matchset tu_matchset;

/* Compiles JsonLogic (not stolen). Returns TU_OK, or TU_EPARSE / TU_EUNSUPPORTED / TU_EDEPTH with err set. */
int tu_plan_compile(const json_t *logic, tu_plan **out, tu_err *err);
void tu_plan_free(tu_plan *p);        /* NULL is fine */
int tu_plan_conditions(const tu_plan *p); /* number of conditions (near-miss unit) */
int tu_plan_residuals(const tu_plan *p);  /* number of residual (row-wise) sub-rules */

enum { TU_MATCH_NEAR_MISS = 1 }; /* flags of tu_match_run */
typedef enum { TU_MS_ELIGIBLE, TU_MS_NOT_ELIGIBLE, TU_MS_UNKNOWN, TU_MS_NEAR_MISS } tu_ms_which;

/* Runs p over the index (holding its read lock). Returns TU_OK with *out (free with tu_matchset_free, before
 * the index is closed: its buffers return to the index's cache) or TU_ENOMEM. */
int tu_match_run(tu_index *ix, const tu_plan *p, unsigned flags, tu_matchset **out, tu_err *err);
void tu_matchset_free(tu_matchset *m);
/* Only the eligible set, as a new roaring bitmap in *out (roaring_bitmap_free): for a selective rule built from
 * the index's bitmaps, most selective condition first (sparse.c), else by tu_match_run. Same result either way.
 * Returns TU_OK or TU_ENOMEM. */
int tu_match_eligible(tu_index *ix, const tu_plan *p, roaring_bitmap_t **out, tu_err *err);
uint64_t tu_matchset_count(const tu_matchset *m, tu_ms_which w);
int tu_matchset_has(const tu_matchset *m, tu_ms_which w, uint32_t id);
/* The set as a new roaring bitmap the caller owns (roaring_bitmap_free), or NULL on exhaustion. */
roaring_bitmap_t *tu_matchset_bitmap(const tu_matchset *m, tu_ms_which w);
/* Up to max ids of the set, skipping the first `offset`, in id order. Returns how many were written. */
size_t tu_matchset_page(const tu_matchset *m, tu_ms_which w, uint64_t offset, uint32_t *ids, size_t max);

/* Breakdown of a set by city (21 counts, tu_city_at order), industry division (tu_division_at order; ids
 * without an industry are not counted) or size (tu_size order; unknown size not counted). counts must hold
 * tu_match_breakdown_len(attr) entries. Returns TU_OK or TU_EINVAL for another attribute. */
int tu_match_breakdown_len(int attr);
int tu_match_breakdown(tu_index *ix, const tu_matchset *m, tu_ms_which w, int attr, uint64_t *counts);

#endif
