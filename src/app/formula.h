/* formula.h — exact evaluation of JsonLogic benefit formulas and boolean rules for the project use cases.
 *
 * The ONE place where the project use cases evaluate JsonLogic. Boolean rules (green channel, loan eligibility) go
 * to the rules engine (tu_jsonlogic_apply, standard semantics). Money formulas (awards, interest subsidies) are
 * evaluated here exactly, with a step-by-step explanation, over tu_project_data (which gives "region", "city" and
 * "loan.*" besides enterprise attributes and project fields); rules/benefit.h (tu_benefit_eval) has the same
 * exactness and rounding but takes only a tu_ent and project fields and explains nothing, so it can replace
 * tu_formula_eval once it accepts a data object and returns its steps.
 *
 * Semantics: JsonLogic (jsonlogic.com) for var (dotted paths, default), if/?:, ==, !=, ===, !==, <, <=, >, >=
 * (3-argument "between" too), !, !!, and, or, in (string or array), +, -, *, /, %, min, max, cat. Numbers are
 * exact rationals (GMP): a JSON real is read as its shortest decimal form (0.179 is exactly 179/1000), so
 * "17.9 % of 1234567.89" has no binary rounding. Deviation on purpose: arithmetic on a missing value (null) is an
 * error naming the variable, not 0, so a missing project figure never becomes a zero award.
 * Workload: a few evaluations per request; depth limited to 64.
 */
#ifndef TU_APP_FORMULA_H
#define TU_APP_FORMULA_H

#include <jansson.h>
#include <stddef.h>
#include <stdint.h>

#include "core/error.h"

/* Evaluates logic over data. On success *truthy is the JsonLogic truthiness of the result and, when the result is
 * a number and fen is not NULL, *fen is it rounded half up (away from zero) to 1/100 — money in yuan -> fen;
 * *is_num says whether it was a number. expl (optional, n bytes) receives the steps, one a line. Returns TU_OK,
 * TU_EEVAL (bad operand, missing value, division by zero), TU_EUNSUPPORTED, TU_EDEPTH or TU_ELIMIT (> int64). */
int tu_formula_eval(const json_t *logic, const json_t *data, int *truthy, int64_t *fen, int *is_num, char *expl,
                    size_t n, tu_err *err);

/* A boolean rule, by the rules engine: *holds = JsonLogic truthiness of the result. */
int tu_formula_holds(const json_t *logic, const json_t *data, int *holds, tu_err *err);

/* Money: evaluates a formula that yields yuan and returns fen (half up). A non-number or negative result is
 * TU_EEVAL. */
int tu_formula_money(const json_t *logic, const json_t *data, int64_t *fen, char *expl, size_t n, tu_err *err);

#endif
