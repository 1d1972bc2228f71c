/* workflow.c — the workflow tables and the move, energy-review and deadline-list use cases (see workflow.h).
 * A new transition is one row in tu_wf_transitions; the tests walk these tables. */
#include "app/workflow.h"

#include <stdio.h>
#include <string.h>

#include "app/app_int.h"
#include "app/formula.h"
#include "app/project.h"
#include "core/codes.h"

// clang-format off
/*   state               unit            days green  who acts */
const tu_wf_state tu_wf_states[] = {
    {"draft",             TU_WF_NONE,     0,   0,    TU_ROLE_ENTERPRISE},
    {"submitted",         TU_WF_WORKING,  5,   2,    TU_ROLE_CITY_OFFICIAL},
    {"city_review",       TU_WF_WORKING,  20,  5,    TU_ROLE_CITY_OFFICIAL},
    {"provincial_review", TU_WF_WORKING,  20,  5,    TU_ROLE_PROVINCIAL_OFFICIAL},
    {"returned",          TU_WF_CALENDAR, 30,  0,    TU_ROLE_ENTERPRISE},
    {"rejected",          TU_WF_NONE,     0,   0,    -1},
    {"approved",          TU_WF_NONE,     0,   0,    TU_ROLE_ENTERPRISE},
    {"in_construction",   TU_WF_PLANNED,  0,   0,    TU_ROLE_ENTERPRISE},
    {"completed",         TU_WF_NONE,     0,   0,    TU_ROLE_ENTERPRISE},
    {"award_claimed",     TU_WF_WORKING,  30,  0,    TU_ROLE_PROVINCIAL_OFFICIAL},
    {"paid",              TU_WF_NONE,     0,   0,    -1},
};
const int tu_wf_state_count = sizeof tu_wf_states / sizeof tu_wf_states[0];
// clang-format on

// clang-format off
#define F TU_WF_FORWARD
#define C TU_WF_NEEDS_COMMENT
#define S (TU_WF_FORWARD | TU_WF_SKIPPABLE)
/*   from                 action      to                   role                 flags */
const tu_wf_transition tu_wf_transitions[] = {
    {"draft",             "submit",   "submitted",         TU_ROLE_ENTERPRISE,  F},
    {"submitted",         "accept",   "city_review",       TU_ROLE_CITY_OFFICIAL,        S},
    {"city_review",       "forward",  "provincial_review", TU_ROLE_CITY_OFFICIAL,        S},
    {"city_review",       "return",   "returned",          TU_ROLE_CITY_OFFICIAL,        C},
    {"city_review",       "reject",   "rejected",          TU_ROLE_CITY_OFFICIAL,        C},
    {"provincial_review", "approve",  "approved",          TU_ROLE_PROVINCIAL_OFFICIAL,  S},
    {"provincial_review", "return",   "returned",          TU_ROLE_PROVINCIAL_OFFICIAL,  C},
    {"provincial_review", "reject",   "rejected",          TU_ROLE_PROVINCIAL_OFFICIAL,  C},
    {"returned",          "resubmit", "submitted",         TU_ROLE_ENTERPRISE,  F},
    {"approved",          "start",    "in_construction",   TU_ROLE_ENTERPRISE,  F | TU_WF_ENERGY_GATE},
    {"in_construction",   "complete", "completed",         TU_ROLE_CITY_OFFICIAL,        F},
    {"completed",         "claim",    "award_claimed",     TU_ROLE_ENTERPRISE,  F},
    {"award_claimed",     "pay",      "paid",              TU_ROLE_PROVINCIAL_OFFICIAL,  F},
};
const int tu_wf_transition_count = sizeof tu_wf_transitions / sizeof tu_wf_transitions[0];
#undef F
#undef C
#undef S
// clang-format on

const tu_wf_state *tu_workflow_state(const char *name) {
    for (int i = 0; i < tu_wf_state_count; i++)
        if (strcmp(tu_wf_states[i].name, name) == 0) return &tu_wf_states[i];
    return NULL;
}

const tu_wf_transition *tu_workflow_find(const char *from, const char *action) {
    for (int i = 0; i < tu_wf_transition_count; i++)
        if (!strcmp(tu_wf_transitions[i].from, from) && !strcmp(tu_wf_transitions[i].action, action))
            return &tu_wf_transitions[i];
    return NULL;
}

static const tu_wf_transition *forward_of(const char *from) {
    for (int i = 0; i < tu_wf_transition_count; i++)
        if (!strcmp(tu_wf_transitions[i].from, from) && (tu_wf_transitions[i].flags & TU_WF_FORWARD))
            return &tu_wf_transitions[i];
    return NULL;
}

int tu_workflow_may(int role, const char *from, const char *action, tu_err *err) {
    const tu_wf_transition *t = tu_workflow_find(from, action);
    if (!t) {
        char allowed[256] = "";
        for (int i = 0; i < tu_wf_transition_count; i++)
            if (!strcmp(tu_wf_transitions[i].from, from))
                snprintf(allowed + strlen(allowed), sizeof allowed - strlen(allowed), "%s%s", allowed[0] ? ", " : "",
                         tu_wf_transitions[i].action);
        return tu_err_set(err, TU_ESTATE, "no action '%s' from state '%s' (possible: %s)", action, from,
                          allowed[0] ? allowed : "none");
    }
    if (t->role != role)
        return tu_err_set(err, TU_EFORBIDDEN, "'%s' from '%s' is taken by %s, not %s", action, from,
                          tu_role_name(t->role), tu_role_name(role));
    return TU_OK;
}

int32_t tu_workdays_add(int32_t day, int n) {
    while (n > 0) {
        day++;
        if ((day + 3) % 7 < 5) n--; /* 1970-01-01 was a Thursday: (day + 3) % 7 is 0 on Mondays */
    }
    return day;
}

int32_t tu_workflow_deadline(const tu_project *p, const char *state, int32_t since) {
    const tu_wf_state *st = tu_workflow_state(state);
    if (!st || st->unit == TU_WF_NONE) return 0;
    if (st->unit == TU_WF_PLANNED) return p->planned_completion;
    int days = p->green && st->green_days ? st->green_days : st->days;
    return st->unit == TU_WF_WORKING ? tu_workdays_add(since, days) : since + days;
}

/* ---- green channel ---- */

int tu_green_config_from_json(const json_t *j, tu_green_config *out, tu_err *err) {
    memset(out, 0, sizeof *out);
    if (!json_is_object(j)) return tu_err_set(err, TU_EINVAL, "green channel: expected {\"rule\":..., \"skip\":[...]}");
    const json_t *rule = json_object_get(j, "rule"), *skip = json_object_get(j, "skip");
    if (!rule) return tu_err_set(err, TU_EINVAL, "green channel: \"rule\" is required");
    if (skip && (!json_is_array(skip) || json_array_size(skip) > TU_GREEN_MAX_SKIP))
        return tu_err_set(err, TU_EINVAL, "green channel: \"skip\" must be a list of at most %d states",
                          TU_GREEN_MAX_SKIP);
    for (size_t i = 0; skip && i < json_array_size(skip); i++) {
        const char *name = json_string_value(json_array_get(skip, i));
        const tu_wf_transition *f = name ? forward_of(name) : NULL;
        if (!f || !(f->flags & TU_WF_SKIPPABLE))
            return tu_err_set(err, TU_EINVAL, "green channel: '%s' is not a state that can be skipped",
                              name ? name : "(not a string)");
        snprintf(out->skip[out->nskip++], sizeof out->skip[0], "%s", name);
    }
    out->rule = json_deep_copy(rule);
    return out->rule ? TU_OK : tu_err_set(err, TU_ENOMEM, "out of memory");
}

void tu_green_config_clear(tu_green_config *g) {
    if (!g) return;
    json_decref(g->rule);
    memset(g, 0, sizeof *g);
}

static int skipped(const tu_green_config *g, const char *state) {
    for (int i = 0; g && i < g->nskip; i++)
        if (!strcmp(g->skip[i], state)) return 1;
    return 0;
}

static int green_holds(const tu_green_config *g, const tu_project *p, int *holds, tu_err *err) {
    *holds = 0;
    if (!g || !g->rule) return TU_OK;
    json_t *data = tu_project_data(p, NULL);
    if (!data) return tu_err_set(err, TU_ENOMEM, "out of memory");
    int rc = tu_formula_holds(g->rule, data, holds, err);
    json_decref(data);
    return rc;
}

/* ---- moves ---- */

typedef struct move_ctx {
    const tu_caller *a;
    int64_t id;
    const char *action, *comment;
    int32_t today;
    const tu_green_config *green;
    int passed; /* energy review */
} move_ctx;

static int energy_gate(tu_store *s, const tu_project *p, tu_err *err) {
    if (p->energy_tier == TU_ENERGY_NONE) return TU_OK;
    tu_energy_review r;
    int rc = tu_store_energy_review_last(s, p->id, &r, err);
    if (rc == TU_ENOTFOUND || (!rc && !r.passed))
        return tu_err_set(err, TU_ESTATE, "the project needs a %s energy review, which has not passed",
                          tu_energy_tier_name(p->energy_tier));
    return rc;
}

/* Puts p into state `to` on `day`, records the event. */
static int enter(tu_store *s, tu_project *p, const tu_wf_transition *t, const char *action, const tu_caller *a,
                 int32_t day, const char *comment, tu_err *err) {
    char from[24];
    snprintf(from, sizeof from, "%s", p->state);
    snprintf(p->state, sizeof p->state, "%s", t->to);
    p->state_since = day;
    p->deadline = tu_workflow_deadline(p, t->to, day);
    int rc = tu_store_project_update(s, p, err);
    return rc ? rc : tu__project_event(s, p->id, from, t->to, action, a, day, comment, err);
}

static int move_checked(tu_store *s, move_ctx *c, tu_project *p, tu_err *err) {
    if (!tu_caller_sees(c->a, p))
        return tu_err_set(err, TU_EFORBIDDEN, "project %lld is outside your scope", (long long)p->id);
    int rc = tu_workflow_may(c->a->role, p->state, c->action, err);
    if (rc) return rc;
    const tu_wf_transition *t = tu_workflow_find(p->state, c->action);
    if ((t->flags & TU_WF_NEEDS_COMMENT) && (!c->comment || !c->comment[0]))
        return tu_err_set(err, TU_EINVAL, "'%s' needs a comment giving the reason", c->action);
    if ((t->flags & TU_WF_ENERGY_GATE) && (rc = energy_gate(s, p, err))) return rc;
    if (!strcmp(t->to, "submitted") && (rc = green_holds(c->green, p, &p->green, err))) return rc;
    rc = enter(s, p, t, c->action, c->a, c->today, c->comment, err);
    if (!rc && !strcmp(t->to, "in_construction")) rc = tu__quota_close_project(s, c->a, p, "use", c->today, err);
    if (!rc && !strcmp(t->to, "rejected")) rc = tu__quota_close_project(s, c->a, p, "release", c->today, err);
    for (int guard = 0; !rc && p->green && skipped(c->green, p->state) && guard < tu_wf_state_count; guard++) {
        const tu_wf_transition *f = forward_of(p->state);
        char action[32];
        snprintf(action, sizeof action, "skip:%s", f->action);
        rc = enter(s, p, f, action, c->a, c->today, "green channel", err);
    }
    return rc;
}

static int move_tx(tu_store *s, void *vctx, tu_err *err) {
    move_ctx *c = vctx;
    tu_project p;
    int rc = tu_store_project_get(s, c->id, &p, err);
    if (rc) return rc;
    rc = move_checked(s, c, &p, err);
    tu_project_clear(&p);
    return rc;
}

int tu_workflow_move(tu_store *s, const tu_caller *a, int64_t id, const char *action, const char *comment, int32_t today,
                     const tu_green_config *green, tu_err *err) {
    move_ctx c = {a, id, action, comment, today, green, 0};
    return tu__app_tx(s, move_tx, &c, err);
}

/* ---- energy review ---- */

static int review_tx(tu_store *s, void *vctx, tu_err *err) {
    move_ctx *c = vctx;
    tu_project p;
    int rc = tu_store_project_get(s, c->id, &p, err);
    if (rc) return rc;
    int need = p.energy_tier == TU_ENERGY_PROVINCE ? TU_ROLE_PROVINCIAL_OFFICIAL : TU_ROLE_CITY_OFFICIAL;
    if (p.energy_tier == TU_ENERGY_NONE)
        rc = tu_err_set(err, TU_ESTATE, "the project's energy use needs no energy review");
    else if (c->a->role != need || !tu_caller_sees(c->a, &p))
        rc = tu_err_set(err, TU_EFORBIDDEN, "a %s energy review is decided by %s%s", tu_energy_tier_name(p.energy_tier),
                        tu_role_name(need), need == TU_ROLE_CITY_OFFICIAL ? " of the project's city" : "");
    else if (!strcmp(p.state, "draft") || !strcmp(p.state, "rejected"))
        rc = tu_err_set(err, TU_ESTATE, "no energy review for a project that is %s", p.state);
    if (!rc) {
        tu_energy_review r = {.project_id = p.id, .tier = p.energy_tier, .passed = c->passed, .day = c->today};
        snprintf(r.reviewer, sizeof r.reviewer, "%s", c->a->name);
        snprintf(r.comment, sizeof r.comment, "%s", c->comment ? c->comment : "");
        rc = tu_store_energy_review_add(s, &r, err);
        if (!rc)
            rc = tu__project_event(s, p.id, p.state, p.state, c->passed ? "energy_review_pass" : "energy_review_fail",
                                   c->a, c->today, c->comment, err);
    }
    tu_project_clear(&p);
    return rc;
}

int tu_energy_review_decide(tu_store *s, const tu_caller *a, int64_t id, int passed, const char *comment, int32_t today,
                            tu_err *err) {
    move_ctx c = {a, id, NULL, comment, today, NULL, passed ? 1 : 0};
    return tu__app_tx(s, review_tx, &c, err);
}

/* ---- deadline lists ---- */

int tu_workflow_overdue(tu_store *s, const tu_caller *a, int32_t today, tu_project_list *out, tu_err *err) {
    tu_project_filter f = {.deadline_before = today, .limit = 100000};
    return tu_project_search(s, a, &f, out, err);
}

int tu_workflow_due_soon(tu_store *s, const tu_caller *a, int32_t today, int within_days, tu_project_list *out,
                         tu_err *err) {
    tu_project_filter f = {.deadline_before = today + within_days + 1, .limit = 100000};
    int rc = tu_project_search(s, a, &f, out, err);
    if (rc) return rc;
    int k = 0;
    for (int i = 0; i < out->n; i++)
        if (out->items[i].deadline >= today) out->items[k++] = out->items[i];
    out->n = k;
    return TU_OK;
}
