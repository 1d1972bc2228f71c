/* rules.h — policy rules: JsonLogic (canonical) and a readable syntax, evaluated in three ways.
 *
 * CONTRACT shared by rules/, match/ and the layers above (the rules module implements it; keep these names):
 *  - A tu_rule is a parsed, checked and compiled rule, immutable after creation and refcounted
 *    (tu_rule_ref/tu_rule_free), so many threads may evaluate one rule at once.
 *  - Enterprise values as rules see them (catalog.h types): code and enum attributes are strings ("440300",
 *    "C38", "large", "pearl_river_delta"), integer and decimal attributes are numbers (value / 10^places),
 *    dates are "YYYY-MM-DD" strings, tags is an array of tag names (never missing: no tags = []).
 *  - Three-valued eligibility (tu_rule_eval_ent): an operation that reads an attribute the enterprise lacks is
 *    UNKNOWN; and/or/not/!! combine in Kleene logic (and: any FALSE -> FALSE, else any UNKNOWN -> UNKNOWN, else
 *    TRUE; or: dual; not: swaps TRUE/FALSE, keeps UNKNOWN); any other operation with an UNKNOWN operand is
 *    UNKNOWN; a non-boolean final value is truthy/falsy as in JsonLogic.
 *  - Conditions and near misses: the conditions of a rule are the conjuncts of its top-level "and" (nested
 *    "and"s flattened); a rule that is not an "and" is one condition. An enterprise is a near miss (k = 1) when
 *    exactly one condition is FALSE and every other condition is TRUE.
 */
#ifndef TU_RULES_RULES_H
#define TU_RULES_RULES_H

#include <jansson.h>
#include <stddef.h>

#include "core/enterprise.h"
#include "core/error.h"

typedef struct tu_rule tu_rule;

typedef enum { TU_TRI_FALSE = 0, TU_TRI_TRUE = 1, TU_TRI_UNKNOWN = 2 } tu_tri;

/* Builds a rule from JsonLogic. Does not steal `logic`. Errors (TU_EPARSE, TU_EDEPTH, TU_ETOOBIG) in err. */
int tu_rule_from_json(const json_t *logic, tu_rule **out, tu_err *err);
/* Builds a rule from readable syntax; errors carry err->line/err->col (1-based). */
int tu_rule_from_text(const char *text, size_t len, tu_rule **out, tu_err *err);
tu_rule *tu_rule_ref(tu_rule *r);
void tu_rule_free(tu_rule *r); /* drops a reference; NULL is fine */

const json_t *tu_rule_json(const tu_rule *r); /* canonical JsonLogic, borrowed */

/* Three-valued eligibility of one enterprise (compiled evaluation, no allocation). */
tu_tri tu_rule_eval_ent(const tu_rule *r, const tu_ent *e);

/* Standard JsonLogic evaluation (jsonlogic.com semantics): returns a new reference, or NULL with err set. */
json_t *tu_jsonlogic_apply(const json_t *logic, const json_t *data, tu_err *err);

/* The enterprise as a JsonLogic data object (the view described above); new reference. */
json_t *tu_ent_to_json(const tu_ent *e);

#endif
