/* explain.h — why an enterprise is or is not eligible: the tree of conditions with each one's outcome, the
 * attribute, its actual value, source and as-of date, the operator and threshold; the missing attributes;
 * the near miss ("only rd_ratio >= 4 is unmet"); as JSON and as zh-CN / en sentences.
 *
 * JSON shape (docs/rules.md, "Explanations"):
 *   {"outcome":"eligible"|"not_eligible"|"unknown", "conditions":[NODE...], "missing":["rd_ratio",...],
 *    "near_miss":null | {"unmet":[NODE...]}}
 *   NODE = {"outcome":"met"|"not_met"|"unknown", "text":"rd_ratio >= 4", "rule":<JsonLogic>,
 *           "kind":"compare"|"between"|"in_list"|"has_tag"|"all"|"any"|"not"|"other",
 *           "attribute":"rd_ratio", "op":">=", "threshold":4, "actual":3.1 (null when missing),
 *           "source":..., "as_of":..., "children":[NODE...] (all/any/not)}
 */
#ifndef TU_RULES_EXPLAIN_H
#define TU_RULES_EXPLAIN_H

#include <jansson.h>

#include "core/enterprise.h"
#include "rules/rules.h"

typedef struct tu_explain_opts {
    int k;                    /* near miss: 1..k conditions unmet, all others met (0 means 1) */
    const json_t *provenance; /* optional {"revenue":{"source":"统计局","as_of":"2025-12-31"}, ...} */
} tu_explain_opts;

/* The explanation of r for e (o may be NULL): a new JSON reference, or NULL with err (TU_ENOMEM). */
json_t *tu_rule_explain(const tu_rule *r, const tu_ent *e, const tu_explain_opts *o, tu_err *err);

/* The explanation as sentences, one per line, in lang "zh" or "en", built from the catalog's labels and
 * units ("✗ 研发投入占比 3.1% < 4%" / "✗ R&D ratio 3.1 % is below 4 %"). tu_malloc'd; NULL on ENOMEM. */
char *tu_explain_sentences(const json_t *explanation, const char *lang);

/* What the rule of an explanation asks, one condition a line without outcomes or values ("研发投入占比 ≥ 4%" /
 * "R&D ratio is at least 4 %"; groups as "满足以下全部条件：" with their conditions indented). The explanation may
 * be of any enterprise (an empty record will do). tu_malloc'd; NULL on ENOMEM. */
char *tu_explain_rule_sentences(const json_t *explanation, const char *lang);

#endif
