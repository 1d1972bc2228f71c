/* award.h — applications of projects to policies, awards computed from the policy's benefit formula, reviewer
 * adjustments, non-combinable groups, per-enterprise caps, disbursements.
 *
 * POLICY INTERFACE (until the policy engine of issue 6 lands): a tu_policy_source answers "the terms of policy P in
 * force on date D" — version, benefit formula (JsonLogic giving yuan over tu_project_data), non-combinable group,
 * per-enterprise cap. tu_policy_source_json() serves them from a JSON document; the policy store will provide
 * another source with the same signature.
 *
 * Money: integer fen. A formula's result (exact rational yuan, formula.h) is rounded HALF UP to the fen once, at
 * the end (12344.5 fen -> 12345 fen); caps and sums are exact integer arithmetic on fen after that.
 * Caps: an enterprise's awards under one policy (all its projects, withdrawn ones excluded) never exceed the cap
 * of the version in force at the application date; an award above what remains is cut to it and the explanation
 * says so. Groups: a policy may belong to several non-combinable groups; a project never holds awards of two
 * policies that share ANY group (the rule of grant lists too, app_int.h tu__group_shared). The application records
 * all the groups of the version it was computed under.
 */
#ifndef TU_APP_AWARD_H
#define TU_APP_AWARD_H

#include <jansson.h>

#include "app/caller.h"
#include "core/enterprise.h"
#include "store/project.h"

typedef struct tu_policy_terms {
    char policy_id[64];
    int version;
    int32_t effective_from;
    json_t *groups;  /* owned JSON array of group names; empty = combinable with anything */
    int64_t cap;     /* fen per enterprise under this policy; 0 = no cap */
    json_t *formula; /* owned */
} tu_policy_terms;

typedef struct tu_policy_source {
    /* Fills out with the version of policy_id in force on as_of (TU_ENOTFOUND when none). */
    int (*terms)(void *ctx, const char *policy_id, int32_t as_of, tu_policy_terms *out, tu_err *err);
    void *ctx;
} tu_policy_source;

void tu_policy_terms_clear(tu_policy_terms *t);
/* A source over {"policies":[{"id":"P","groups":["G"],"cap":"15000000","versions":[{"version":1,"from":"2023-01-01",
 * "formula":{...},"cap":"...","groups":[...]}]}]} (version fields override the policy's; "group":"G" is read as
 * ["G"]). doc is borrowed. */
tu_policy_source tu_policy_source_json(const json_t *doc);
/* A source over the policy store (app/policy.h): the published version in force on the date, by code or numeric
 * id; the terms name the policy by its code. `benefit` or `benefit_text` is the formula, `cap_fen` the cap, `groups`
 * (all of them) the non-combinable groups. s is borrowed and must outlive the source. (award_source.c) */
tu_policy_source tu_policy_source_store(tu_store *s);

/* The groups recorded on an application (policy_group: a JSON array, "" = none, or one bare group name in rows
 * written before every group of a policy was recorded) as a new JSON array; NULL on ENOMEM. */
json_t *tu_award_groups(const tu_application *a);

/* Computes the formula of terms for a project (ent optional: the enterprise's attributes). expl gets the steps. */
int tu_award_compute(const tu_policy_terms *t, const tu_project *p, const tu_ent *ent, int64_t *fen, char *expl,
                     size_t n, tu_err *err);

/* The enterprise applies its project to a policy on `today` (project approved or later). Computes, applies
 * group and cap rules, records the application. */
int tu_award_apply(tu_store *s, const tu_caller *a, int64_t project_id, const char *policy_id, int32_t today,
                   const tu_policy_source *src, const tu_ent *ent, tu_application *out, tu_err *err);
/* A reviewer (provincial official, or the city official of the project's city) sets the award to `amount` with a
 * reason; refused above the cap or below what was already paid. */
int tu_award_adjust(tu_store *s, const tu_caller *a, int64_t application_id, int64_t amount, const char *reason,
                    int32_t today, const tu_policy_source *src, tu_err *err);
/* The provincial official records a payment; the paid total never exceeds the award. */
int tu_award_disburse(tu_store *s, const tu_caller *a, int64_t application_id, int64_t amount, const char *reference,
                      int32_t today, tu_err *err);

#endif
