/* benefit.h — benefit formulas: how much an enterprise is awarded for a project, exactly, in integer fen.
 *
 * A formula is JsonLogic arithmetic (+ - * / min max, if/?: with comparisons, and/or/!, in) over enterprise
 * attributes (the view of rules.h) and project fields (`project.equipment_investment`). Every number is an
 * exact rational (GMP): formula constants and project numbers are read by their decimal text, never as binary
 * floating point. The formula's value is an amount in yuan; the result is rounded once, at the end, to the fen,
 * half away from zero (四舍五入: 1.015 yuan -> 102 fen... see docs/rules.md, "Benefit formulas").
 *
 * Project fields: a JSON object {"equipment_investment":"12000000.50", ...}; money in yuan, as a decimal string
 * (preferred) or a JSON number (read by its shortest decimal form, exact up to 15 significant digits). Loan fields
 * (`loan.rate_bp`, for interest subsidies): an object of the same kind, {"principal":"1234567.89","rate_bp":345,
 * "days":90,...}. The names formulas may use are TU_FIELD_MAP of core/catalog.h.
 */
#ifndef TU_RULES_BENEFIT_H
#define TU_RULES_BENEFIT_H

#include <jansson.h>
#include <stdint.h>

#include "core/enterprise.h"
#include "core/error.h"

/* Evaluates formula for e and project (may be NULL). On success *fen is the amount (>= 0). Errors: TU_EEVAL
 * (a missing attribute or project field, division by zero, a non-numeric result, a negative amount; err->field
 * names the variable), TU_EUNSUPPORTED (an operation formulas do not allow), TU_ELIMIT (beyond int64 fen), and
 * the codes of tu_rule_from_json for a malformed formula. */
int tu_benefit_eval(const json_t *formula, const tu_ent *e, const json_t *project, int64_t *fen, tu_err *err);
/* The same with the fields of the chosen loan (may be NULL) for loan.* variables. */
int tu_benefit_eval_loan(const json_t *formula, const tu_ent *e, const json_t *project, const json_t *loan, int64_t *fen,
                         tu_err *err);

/* A formula checked and put in canonical form once, for many evaluations (the impact preview's total over a
 * million enterprises): tu_benefit_run(b, ...) is tu_benefit_eval(formula, ...) without the per-call copy. */
typedef struct tu_benefit tu_benefit;
/* Returns TU_OK with *out (free with tu_benefit_free), or tu_benefit_eval's formula errors, TU_ENOMEM. */
int tu_benefit_compile(const json_t *formula, tu_benefit **out, tu_err *err);
int tu_benefit_run(const tu_benefit *b, const tu_ent *e, const json_t *project, int64_t *fen, tu_err *err);
void tu_benefit_free(tu_benefit *b); /* NULL is fine */

#endif
