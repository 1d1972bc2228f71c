/* grant.h — 免申即享 (benefits without application): for a no_application policy, a grant list of the eligible
 * enterprises with their computed benefit and the rule version, reviewed (approved or rejected) once by an
 * official, exported as CSV or XLSX.
 *
 * Generation respects the policy's non-combinable groups (an enterprise holding an approved grant of another
 * policy that shares a group gets 0, marked "non-combinable with <code>") and its per-enterprise cap (cap_fen minus
 * what approved lists of the same policy already granted it). The benefit comes from a function:
 * tu_app_grant_formula_benefit evaluates the policy's formula on the registry's record (rules/benefit.h). An
 * enterprise whose data does not allow the computation (TU_EEVAL, not in the registry) is listed with 0 and the
 * reason, for the reviewer.
 */
#ifndef TU_APP_GRANT_H
#define TU_APP_GRANT_H

#include <jansson.h>
#include <roaring/roaring.h>
#include <stdint.h>
#include <stdio.h>

#include "app/accounts.h"
#include "store/push.h"
#include "store/store.h"

/* The benefit in fen of enterprise ent under policy document doc (the version in force), before caps. */
typedef int (*tu_benefit_fn)(void *ctx, const json_t *doc, uint32_t ent, int64_t *fen, tu_err *err);

/* The benefit from the policy's own formula ("benefit" or "benefit_text", no project fields) for the enterprise
 * record of the registry; ctx is the tu_store. TU_EEVAL when the formula needs data the enterprise lacks. */
int tu_app_grant_formula_benefit(void *ctx, const json_t *doc, uint32_t ent, int64_t *fen, tu_err *err);

/* Generates a list for the version of policy_id in force on date, over the eligible set, as `a` (audited:
 * "grant.generate"). Refused (TU_ESTATE) when the policy is not a no_application policy in force. Own
 * transaction; *list_id receives the list. */
int tu_app_grant_generate(tu_store *s, const tu_actor *a, int64_t policy_id, const char *date,
                          const roaring_bitmap_t *eligible, tu_benefit_fn fn, void *ctx, int64_t *list_id,
                          tu_err *err);
/* generated -> approved (approve != 0) or rejected, by the official a->name, audited ("grant.approve" /
 * "grant.reject") in the same transaction. TU_ESTATE when already reviewed. */
int tu_app_grant_review(tu_store *s, const tu_actor *a, int64_t list_id, int approve, tu_err *err);
/* CSV (RFC 4180, header row): list,policy,version,enterprise,uscc,benefit_yuan,benefit_fen,excluded (uscc from the
 * registry, empty when the enterprise is not there). */
int tu_app_grant_export_csv(tu_store *s, int64_t list_id, FILE *out, tu_err *err);
/* The same table as an XLSX workbook at path (libxlsxwriter). */
int tu_app_grant_export_xlsx(tu_store *s, int64_t list_id, const char *path, tu_err *err);

#endif
