/* dispute.h — data disputes ("this value is wrong"): an enterprise user proposes a corrected value of one attribute
 * of its own enterprise; an official in reach (its city / the province) accepts it, which writes the value with
 * source kind "dispute" dated today (as a correction through the API would, so the change hook re-runs matching),
 * or rejects it, which changes nothing but the dispute.
 *
 * Every create and resolve is one transaction with its audit row ("dispute.create", "dispute.accept",
 * "dispute.reject"; an accepted value also records "enterprise.update"). Workload: a handful per enterprise.
 */
#ifndef TU_APP_DISPUTE_H
#define TU_APP_DISPUTE_H

#include <jansson.h>
#include <stdint.h>

#include "app/accounts.h"
#include "store/dispute.h"

/* Opens a dispute on attribute `attribute` (a CSV attribute of the catalog other than uscc) of enterprise uscc,
 * which must be in who's reach. `proposed` must be a valid value of the attribute's type for this enterprise
 * (as tu_ent_set_cell and tu_ent_finish check it; "" = the value should be empty) and differ from the current
 * one. TU_EVALIDATION naming the problem, TU_ENOTFOUND, TU_EFORBIDDEN; nothing is written on error. *id receives
 * the dispute. */
int tu_app_dispute_create(tu_store *s, const tu_principal *who, const tu_actor *a, const char *uscc,
                          const char *attribute, const char *proposed, const char *comment, int64_t *id,
                          tu_err *err);

/* Resolves an open dispute as `who` (its enterprise must be in reach: TU_EFORBIDDEN otherwise). accept != 0
 * writes `value` (NULL = the proposed value) with source "dispute"; TU_ESTATE when the dispute is not open,
 * TU_EVALIDATION when the value is not valid. One transaction; subscribers of the change hook run after commit. */
int tu_app_dispute_resolve(tu_store *s, const tu_principal *who, const tu_actor *a, int64_t id, int accept,
                           const char *value, const char *comment, tu_err *err);

/* Whether who may see dispute d (enterprise users their own enterprise's, city officials their city's, others
 * all). Needs the enterprise's USCC for enterprise users (uscc of d's enterprise). */
int tu_app_dispute_in_reach(const tu_principal *who, const tu_dispute *d, const char *uscc);

/* The JSON of a dispute: {"id","uscc","attribute","current_value","proposed_value","comment","status",
 * "created_by","created_at","resolved_by","resolution_comment","resolved_at"} (resolution fields null while open).
 * New reference. */
json_t *tu_app_dispute_json(const tu_dispute *d, const char *uscc);

#endif
