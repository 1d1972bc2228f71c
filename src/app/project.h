/* project.h — declaring, validating, reading and listing upgrade projects (use cases over store/project.h).
 *
 * JSON form (API and CLI): money as strings of yuan with at most 2 decimals ("52000000.50") or integers; energy
 * (tce, kWh) and land (mu) as decimal strings or numbers with at most 4 places; dates "YYYY-MM-DD"; codes as
 * strings. Example in docs/projects.md. Validation names the failing field in err->field
 * ("equipment[2].unit_price") and changes nothing.
 */
#ifndef TU_APP_PROJECT_H
#define TU_APP_PROJECT_H

#include <jansson.h>

#include "app/caller.h"
#include "core/enterprise.h"
#include "store/project.h"

#define TU_PROJECT_MAX_EQUIPMENT   1000
#define TU_PROJECT_MAX_ATTACHMENTS 100
#define TU_MONEY_MAX               INT64_C(1000000000000000) /* fen: 10 trillion yuan, exact as a JSON number */

// clang-format off
/*     name                       zh */
#define TU_PROJECT_TYPE_MAP(XX)                         \
    XX("equipment_renewal",       "设备更新")            \
    XX("tech_transformation",     "技术改造")            \
    XX("digital_transformation",  "数字化转型")          \
    XX("green_low_carbon",        "绿色低碳")            \
    XX("capacity_expansion",      "扩能")
// clang-format on

int tu_project_type_valid(const char *name);

/* Parses the JSON form into p (arrays on the heap: tu_project_clear). Fields not in the JSON stay zero. */
int tu_project_from_json(const json_t *j, tu_project *p, tu_err *err);
/* The JSON form of a project (with id, state, deadline, energy tier, green flag); new reference, NULL on ENOMEM. */
json_t *tu_project_to_json(const tu_project *p);
/* Checks every field and the cross-field rules (equipment investment <= total; the equipment lines sum to the
 * equipment investment exactly; filing date <= today; filing date <= planned start <= planned completion; ...). */
int tu_project_validate(const tu_project *p, int32_t today, tu_err *err);

/* The data a rule or formula sees for a project: {"project":{...}, "uscc", "city", "district", "region"} plus the
 * enterprise's attributes when ent is not NULL. Money in yuan, energy/land as decimals (exact when read by
 * formula.h). New reference; NULL on ENOMEM. */
json_t *tu_project_data(const tu_project *p, const tu_ent *ent);

/* An enterprise declares a project of its own: validated, energy tier derived, state "draft". Sets p->id. */
int tu_project_declare(tu_store *s, const tu_caller *a, tu_project *p, int32_t today, tu_err *err);
/* The enterprise edits its project while it is a draft or returned (state, deadline and id are kept). */
int tu_project_edit(tu_store *s, const tu_caller *a, const tu_project *p, int32_t today, tu_err *err);
/* Reads a project the actor may see (TU_EFORBIDDEN otherwise, TU_ENOTFOUND if absent). */
int tu_project_get(tu_store *s, const tu_caller *a, int64_t id, tu_project *out, tu_err *err);
/* Lists the projects the actor may see that match f (f is narrowed to the actor's scope). */
int tu_project_search(tu_store *s, const tu_caller *a, const tu_project_filter *f, tu_project_list *out, tu_err *err);

#endif
