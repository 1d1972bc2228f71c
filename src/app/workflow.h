/* workflow.h — the review workflow of projects as data: states with deadlines, transitions with the role allowed
 * to take each, the energy-review gate and the green channel.
 *
 *   draft -submit-> submitted -accept-> city_review -forward-> provincial_review -approve-> approved
 *   city_review / provincial_review -return-> returned -resubmit-> submitted;  -reject-> rejected
 *   approved -start-> in_construction -complete-> completed -claim-> award_claimed -pay-> paid
 *
 * Deadlines (tu_wf_states): each state in which someone must act has a period counted from the day the project
 * entered it, in WORKING days (Monday to Friday; public holidays and make-up working days are not modelled — a
 * holiday calendar is a later addition) or CALENDAR days, or the project's planned completion date. The deadline is
 * the last day to act; a project is overdue on the day after. Green-channel projects use the state's green period.
 *
 * Green channel: a project whose data satisfies the configured rule (an ordinary JsonLogic rule over
 * tu_project_data, evaluated when it is submitted) gets the green periods and skips the configured states: on
 * entering a skipped state it moves on at once along that state's forward transition, and the skip is recorded
 * as an event.
 *
 * Quota follows the workflow: starting construction takes the project's land-quota reservations into use, a
 * rejection releases them (quota.h).
 */
#ifndef TU_APP_WORKFLOW_H
#define TU_APP_WORKFLOW_H

#include <jansson.h>
#include <stdint.h>

#include "app/caller.h"
#include "store/project.h"

enum { TU_WF_NONE = 0, TU_WF_WORKING = 'W', TU_WF_CALENDAR = 'C', TU_WF_PLANNED = 'P' };

typedef struct tu_wf_state {
    const char *name;
    int unit;       /* TU_WF_NONE: no deadline */
    int days;       /* normal period */
    int green_days; /* period under the green channel (0 = same as normal) */
    int actor_role; /* who must act in this state (for reminders), -1 none */
} tu_wf_state;

enum {
    TU_WF_FORWARD = 1,       /* the main path out of a state (followed when the state is skipped) */
    TU_WF_ENERGY_GATE = 2,   /* refused while a required energy review has not passed */
    TU_WF_NEEDS_COMMENT = 4, /* a reason is required */
    TU_WF_SKIPPABLE = 8      /* a review step the green channel may skip (taken on the project's behalf) */
};

typedef struct tu_wf_transition {
    const char *from, *action, *to;
    int role; /* tu_role allowed to take it */
    unsigned flags;
} tu_wf_transition;

extern const tu_wf_state tu_wf_states[];
extern const int tu_wf_state_count;
extern const tu_wf_transition tu_wf_transitions[];
extern const int tu_wf_transition_count;

#define TU_GREEN_MAX_SKIP 4

typedef struct tu_green_config {
    json_t *rule; /* owned; NULL = no green channel */
    int nskip;
    char skip[TU_GREEN_MAX_SKIP][24];
} tu_green_config;

/* {"rule": <JsonLogic>, "skip": ["city_review"]}; only review states whose forward transition is TU_WF_SKIPPABLE
 * (submitted, city_review, provincial_review) may be skipped: never the energy gate, construction or payment. */
int tu_green_config_from_json(const json_t *j, tu_green_config *out, tu_err *err);
void tu_green_config_clear(tu_green_config *g);

const tu_wf_state *tu_workflow_state(const char *name); /* NULL if unknown */
const tu_wf_transition *tu_workflow_find(const char *from, const char *action);
/* TU_OK when `role` may take `action` from state `from`; TU_ESTATE when no such transition exists; TU_EFORBIDDEN
 * when it exists for another role. err names the allowed actions or role. */
int tu_workflow_may(int role, const char *from, const char *action, tu_err *err);

int32_t tu_workdays_add(int32_t day, int n); /* the day n working days after day */
/* The deadline of a project entering `state` on `since` (0 = none). */
int32_t tu_workflow_deadline(const tu_project *p, const char *state, int32_t since);

/* Takes `action` on project id for the actor (scope, role, state, energy gate and comment rules), records the
 * event, sets the new deadline, applies the green channel. green may be NULL. */
int tu_workflow_move(tu_store *s, const tu_caller *a, int64_t id, const char *action, const char *comment, int32_t today,
                     const tu_green_config *green, tu_err *err);

/* Records an energy-review decision (provincial tier: provincial_official; city and county tiers: the city
 * official of the project's city, who acts for the county authority). Refused for projects needing no review
 * and for drafts. */
int tu_energy_review_decide(tu_store *s, const tu_caller *a, int64_t id, int passed, const char *comment, int32_t today,
                            tu_err *err);

/* Projects in the actor's scope whose deadline has passed (deadline < today). */
int tu_workflow_overdue(tu_store *s, const tu_caller *a, int32_t today, tu_project_list *out, tu_err *err);
/* Reminders: projects in scope whose deadline falls within [today, today + within_days]. */
int tu_workflow_due_soon(tu_store *s, const tu_caller *a, int32_t today, int within_days, tu_project_list *out,
                         tu_err *err);

#endif
