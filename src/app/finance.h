/* finance.h — banks' loan products for upgrade projects, the projects that chose a bank, interest subsidies.
 *
 * A loan product has an annual rate in basis points, a term in months, an amount range (fen) and an eligibility
 * rule: ordinary JsonLogic over tu_project_data (enterprise attributes and project.*), evaluated by formula.h.
 *
 * Interest subsidy (贴息), exact:
 *     subsidy = principal x min(rate, cap rate) x share x days / 360
 * with rates and share in basis points, i.e. fen = principal_fen * min(rate_bp, cap_bp) * share_bp * days /
 * (10^4 * 10^4 * 360), computed in 128-bit integers and rounded HALF UP to the fen once (actual/360 day count, as
 * Chinese banks quote loan interest). A policy may instead give its own formula over "loan":{principal (yuan),
 * rate_bp, term_months, days, bank_id} and the project data; tu_finance_policy_subsidy evaluates that.
 */
#ifndef TU_APP_FINANCE_H
#define TU_APP_FINANCE_H

#include "app/caller.h"
#include "app/award.h"
#include "core/enterprise.h"
#include "store/project.h"

/* A bank officer publishes a product of its own bank (l->bank_id is set from the actor). Sets l->id. */
int tu_loan_publish(tu_store *s, const tu_caller *a, tu_loan_product *l, tu_err *err);
/* {"id","bank","name","rate_bp","term_months","min_amount","max_amount" (yuan strings),"eligibility"}; new
 * reference, NULL on ENOMEM. */
json_t *tu_loan_product_to_json(const tu_loan_product *l);
/* The products a project qualifies for (rule holds), for anyone who may see the project. *out on the heap. */
int tu_loan_products_for(tu_store *s, const tu_caller *a, int64_t project_id, const tu_ent *ent, tu_loan_product **out,
                         int *n, tu_err *err);
/* The enterprise chooses a product it qualifies for, with a principal inside the product's range. */
int tu_loan_choose(tu_store *s, const tu_caller *a, int64_t project_id, int64_t product_id, int64_t principal,
                   const tu_ent *ent, int32_t today, tu_err *err);
/* A bank officer's view: the projects that chose its bank. */
int tu_loan_bank_projects(tu_store *s, const tu_caller *a, tu_project_list *out, tu_err *err);

/* The exact subsidy formula above. TU_EINVAL on negative inputs, TU_ELIMIT when it does not fit. */
int tu_interest_subsidy(int64_t principal, int rate_bp, int cap_bp, int share_bp, int days, int64_t *fen, tu_err *err);
/* The subsidy of a project's chosen loan under a policy's formula in force on `today`, over `days` of interest. */
int tu_finance_policy_subsidy(tu_store *s, const tu_caller *a, int64_t project_id, const char *policy_id, int days,
                              int32_t today, const tu_policy_source *src, int64_t *fen, char *expl, size_t n,
                              tu_err *err);

#endif
