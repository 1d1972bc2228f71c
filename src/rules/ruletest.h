/* ruletest.h — rule tests: a policy file carries fixtures (enterprise attributes -> expected outcome and
 * benefit) that must pass before the policy is published. File format: docs/rules.md, "Policy files".
 */
#ifndef TU_RULES_RULETEST_H
#define TU_RULES_RULETEST_H

#include <jansson.h>
#include <stdio.h>

#include "core/enterprise.h"
#include "core/error.h"

/* Builds an enterprise from a JSON object of attribute -> value (CSV text, or a JSON number / array of tags).
 * uscc and name default to a placeholder when absent; city is required. Derived attributes are computed.
 * Returns TU_OK, or TU_EINVAL with err->field naming the attribute. */
int tu_ent_from_json(const json_t *attrs, tu_ent *out, tu_err *err);

/* A policy's rule ("rule": JsonLogic, or "rule_text": readable syntax) or benefit formula ("benefit" /
 * "benefit_text") as JsonLogic: a new reference; NULL when absent (err->code TU_OK) or malformed (err set). */
json_t *tu_policy_logic(const json_t *policy, const char *key, tu_err *err);

typedef struct tu_ruletest_summary {
    int passed, failed;
} tu_ruletest_summary;

/* Runs every fixture of a policy (a parsed policy file) and prints one line per fixture to out
 * ("ok   1 name" / "FAIL 2 name: expected eligible, got unknown (missing: ["rd_ratio"])"), and the static checks of
 * the rule and formula (an error-level issue counts as a failure). Returns TU_OK when the
 * policy itself is valid (whatever the fixtures' results, counted in *sum), or an error for a malformed file. */
int tu_ruletest_run(const json_t *policy, FILE *out, tu_ruletest_summary *sum, tu_err *err);

#endif
