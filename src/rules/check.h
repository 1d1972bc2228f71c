/* check.h — static checks run when a rule (or benefit formula) is saved, before any enterprise sees it.
 *
 * Finds: variables that are not catalog attributes (unknown_attribute), values of the wrong type for their
 * attribute (type_mismatch), codes that are not in their code list — cities, industries, sizes, regions,
 * tags (unknown_code), conditions that can never hold (never_true: revenue < 0 for a non-negative attribute,
 * x > 5 and x < 3, region == "east" and region == "west", in []); and lists the attributes the rule depends on.
 */
#ifndef TU_RULES_CHECK_H
#define TU_RULES_CHECK_H

#include <jansson.h>

#include "core/error.h"

enum { TU_CHECK_PROJECT = 1 /* allow project.* variables (benefit formulas) */ };

/* Returns a new object {"ok":bool, "issues":[{"severity":"error"|"warning", "code":..., "path":"/and/2",
 * "text":"revenue < 0", "attribute":"revenue", "message":...}], "depends_on":["revenue", ...]} ("ok" is false
 * when there is an error-level issue), or NULL with err when the rule itself is malformed (unknown
 * operation, limits: the codes of tu_rule_from_json). */
json_t *tu_rule_check(const json_t *logic, int flags, tu_err *err);

#endif
