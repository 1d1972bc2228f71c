/* policies.h — enterprise -> policies: an index over the rules of all active policies.
 *
 * Each rule's conditions (conjuncts of its top-level "and") are grouped by the one attribute they read; for
 * every class of that attribute's values (each code value, each tag combination, each interval between the
 * thresholds the rules use, and "missing") the index precomputes three bitsets over the policies: all of a
 * policy's conditions on the attribute TRUE, exactly one FALSE and the rest TRUE, none FALSE. Matching one
 * enterprise then ANDs about 15 bitsets of 10,000 bits (plus row-wise evaluation of the few conditions that
 * read several attributes): microseconds. Rebuilt when the set of active policies changes.
 */
#ifndef TU_MATCH_POLICIES_H
#define TU_MATCH_POLICIES_H

#include <jansson.h>
#include <stddef.h>
#include <stdint.h>

#include "core/enterprise.h"
#include "core/error.h"

typedef struct tu_polindex tu_polindex;
typedef struct tu_polres tu_polres;

typedef struct tu_policy_rule {
    int64_t id;          /* the policy's id */
    const json_t *rule;  /* JsonLogic (borrowed during build) */
} tu_policy_rule;

/* Reads a policy list [{"id":N,"title":"..." or {"zh","en"},"rule":JsonLogic}, ...] — the file format of `techup serve
 * --policies` and `techup policies-for` — into *out (tu_malloc'd, *n entries; the rules point into arr, so arr
 * must outlive them). Returns TU_OK, or TU_EPARSE naming `what` and the element that lacks an integer id, a title
 * or a rule (or that arr is not an array), TU_ENOMEM. */
int tu_policy_rules_from_json(const json_t *arr, const char *what, tu_policy_rule **out, size_t *n, tu_err *err);
/* The same from a file: *doc receives the parsed array (json_decref it), err->line/col a syntax error's place. */
int tu_policy_rules_load(const char *path, json_t **doc, tu_policy_rule **out, size_t *n, tu_err *err);

/* Builds the index. Returns TU_OK, or the compile error of the first bad rule (err names its id). */
int tu_polindex_build(const tu_policy_rule *pols, size_t n, tu_polindex **out, tu_err *err);
void tu_polindex_close(tu_polindex *pi); /* NULL is fine */
size_t tu_polindex_count(const tu_polindex *pi);
int64_t tu_polindex_id(const tu_polindex *pi, size_t pos); /* policy id at position pos */

/* A result buffer for one enterprise (reusable; free with tu_polres_free). NULL on exhaustion. */
tu_polres *tu_polres_new(const tu_polindex *pi);
void tu_polres_free(tu_polres *r);

typedef enum { TU_PR_ELIGIBLE, TU_PR_NEAR_MISS, TU_PR_UNKNOWN } tu_pr_which;
/* Fills r with the eligible, near-miss (exactly one condition FALSE) and unknown policies of e. */
void tu_polindex_match(const tu_polindex *pi, const tu_ent *e, tu_polres *r);
/* Positions of one set (ascending), at most max; returns the set's size. */
size_t tu_polres_list(const tu_polres *r, tu_pr_which w, uint32_t *pos, size_t max);
int tu_polres_has(const tu_polres *r, tu_pr_which w, size_t pos);

/* Change -> delta: positions of the policies e_new qualifies for and e_old did not (gained) and the reverse
 * (lost). scratch_old / scratch_new are result buffers of this index. Returns the number of gained + lost. */
size_t tu_polindex_delta(const tu_polindex *pi, const tu_ent *e_old, const tu_ent *e_new, tu_polres *scratch_old,
                         tu_polres *scratch_new, uint32_t *gained, size_t *ngained, uint32_t *lost, size_t *nlost,
                         size_t max);

/* One line saying why policy pos is not eligible for e: the first FALSE condition, else the first UNKNOWN
 * one (as compact JsonLogic), or "all conditions met". Returns buf. */
const char *tu_polindex_reason(const tu_polindex *pi, size_t pos, const tu_ent *e, char *buf, size_t n);

#endif
