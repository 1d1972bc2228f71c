/* award.c — applications, awards, adjustments and disbursements (see award.h), and the JSON policy source.
 * Workload: a handful of applications per project; every write in one transaction so caps hold under concurrency. */
#include "app/award.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "app/app_int.h"
#include "app/formula.h"
#include "app/project.h"
#include "core/alloc.h"
#include "core/num.h"

void tu_policy_terms_clear(tu_policy_terms *t) {
    if (!t) return;
    json_decref(t->formula);
    json_decref(t->groups);
    t->formula = t->groups = NULL;
}

/* ---- the JSON policy source ---- */

static int money_member(const json_t *o, const char *key, int64_t *out, tu_err *err) {
    const json_t *v = json_object_get(o, key);
    if (!v) return TU_OK;
    char buf[64];
    if (json_is_integer(v))
        snprintf(buf, sizeof buf, "%lld", (long long)json_integer_value(v));
    else if (json_is_string(v))
        snprintf(buf, sizeof buf, "%s", json_string_value(v));
    else
        return tu_err_set(err, TU_EINVAL, "policy %s must be yuan as a string or integer", key);
    return tu_money_parse(buf, strlen(buf), out, err);
}

/* The groups of a policy or version of the JSON source: "groups":[...] or "group":"G"; new array (empty = none). */
static json_t *json_groups(const json_t *o) {
    const json_t *list = json_object_get(o, "groups"), *one = json_object_get(o, "group");
    if (json_is_array(list)) return json_deep_copy(list);
    return json_is_string(one) ? json_pack("[O]", one) : json_array();
}

static int json_terms(void *ctx, const char *policy_id, int32_t as_of, tu_policy_terms *out, tu_err *err) {
    memset(out, 0, sizeof *out);
    const json_t *pols = json_object_get((const json_t *)ctx, "policies"), *pol = NULL;
    for (size_t i = 0; i < json_array_size(pols) && !pol; i++) {
        const char *id = json_string_value(json_object_get(json_array_get(pols, i), "id"));
        if (id && !strcmp(id, policy_id)) pol = json_array_get(pols, i);
    }
    if (!pol) return tu_err_set(err, TU_ENOTFOUND, "policy %s not found", policy_id);
    const json_t *vers = json_object_get(pol, "versions"), *best = NULL;
    int32_t best_from = 0;
    for (size_t i = 0; i < json_array_size(vers); i++) {
        const char *from = json_string_value(json_object_get(json_array_get(vers, i), "from"));
        int32_t d;
        if (!from || tu_date_parse(from, strlen(from), &d, NULL)) continue;
        if (d <= as_of && (!best || d > best_from)) best = json_array_get(vers, i), best_from = d;
    }
    char day[TU_DATE_BUFSZ];
    if (!best)
        return tu_err_set(err, TU_ENOTFOUND, "policy %s has no version in force on %s", policy_id,
                          tu_date_format(as_of, day));
    snprintf(out->policy_id, sizeof out->policy_id, "%s", policy_id);
    out->version = (int)json_integer_value(json_object_get(best, "version"));
    out->effective_from = best_from;
    out->groups = json_groups(best);
    if (!json_array_size(out->groups)) json_decref(out->groups), out->groups = json_groups(pol);
    if (!out->groups) return tu_err_set(err, TU_ENOMEM, "out of memory");
    int rc = money_member(pol, "cap", &out->cap, err);
    if (!rc) rc = money_member(best, "cap", &out->cap, err);
    if (rc) return rc;
    out->formula = json_incref(json_object_get(best, "formula"));
    return out->formula ? TU_OK
                        : tu_err_set(err, TU_EINVAL, "policy %s version %d has no formula", policy_id, out->version);
}

tu_policy_source tu_policy_source_json(const json_t *doc) { return (tu_policy_source){json_terms, (void *)doc}; }

/* ---- computation ---- */

int tu_award_compute(const tu_policy_terms *t, const tu_project *p, const tu_ent *ent, int64_t *fen, char *expl,
                     size_t n, tu_err *err) {
    json_t *data = tu_project_data(p, ent);
    if (!data) return tu_err_set(err, TU_ENOMEM, "out of memory");
    int rc = tu_formula_money(t->formula, data, fen, expl, n, err);
    json_decref(data);
    return rc;
}

static void append(char *buf, size_t n, const char *fmt, ...) __attribute__((format(printf, 3, 4)));
static void append(char *buf, size_t n, const char *fmt, ...) {
    size_t used = strlen(buf);
    if (used + 1 >= n) return;
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(buf + used, n - used, fmt, ap);
    va_end(ap);
}

/* Sum awarded to uscc under policy_id by applications other than `except` (withdrawn ones excluded). */
static int awarded_so_far(tu_store *s, const char *uscc, const char *policy_id, int64_t except, int64_t *sum,
                          tu_err *err) {
    tu_application *apps = NULL;
    int n = 0, rc = tu_store_application_list(s, 0, uscc, &apps, &n, err);
    *sum = 0;
    for (int i = 0; !rc && i < n; i++)
        if (apps[i].id != except && !strcmp(apps[i].policy_id, policy_id) && strcmp(apps[i].status, "withdrawn"))
            *sum += apps[i].awarded;
    tu_free(apps);
    return rc;
}

json_t *tu_award_groups(const tu_application *a) {
    const char *text = a->policy_group;
    if (!*text) return json_array();
    json_t *g = text[0] == '[' ? json_loads(text, 0, NULL) : NULL;
    if (json_is_array(g)) return g;
    json_decref(g);
    return json_pack("[s]", text);
}

/* A project holds one award per policy, and none of two policies sharing any non-combinable group. */
static int check_group(tu_store *s, int64_t project_id, const tu_policy_terms *t, tu_err *err) {
    tu_application *apps = NULL;
    int n = 0, rc = tu_store_application_list(s, project_id, NULL, &apps, &n, err);
    for (int i = 0; !rc && i < n; i++) {
        if (!strcmp(apps[i].status, "withdrawn")) continue;
        json_t *held = tu_award_groups(&apps[i]);
        const char *g = tu__group_shared(t->groups, held);
        if (!held)
            rc = tu_err_set(err, TU_ENOMEM, "out of memory");
        else if (!strcmp(apps[i].policy_id, t->policy_id))
            rc = tu_err_set(err, TU_ECONFLICT, "the project has already applied to policy %s", t->policy_id);
        else if (g)
            rc = tu_err_set(err, TU_ECONFLICT,
                            "policy %s cannot be combined with policy %s (group %s) already applied for", t->policy_id,
                            apps[i].policy_id, g);
        json_decref(held);
    }
    tu_free(apps);
    return rc;
}

/* Records the groups of t on the application as a JSON array ("" when none). */
static int record_groups(tu_application *ap, const tu_policy_terms *t, tu_err *err) {
    ap->policy_group[0] = '\0';
    if (!json_array_size(t->groups)) return TU_OK;
    char *text = json_dumps(t->groups, JSON_COMPACT);
    if (!text) return tu_err_set(err, TU_ENOMEM, "out of memory");
    int fits = strlen(text) < sizeof ap->policy_group;
    if (fits) memcpy(ap->policy_group, text, strlen(text) + 1);
    free(text);
    return fits ? TU_OK
                : tu_err_set(err, TU_ELIMIT, "the groups of policy %s exceed %zu bytes", t->policy_id,
                             sizeof ap->policy_group - 1);
}

typedef struct award_ctx {
    const tu_caller *a;
    int64_t project_id, app_id, amount;
    const char *policy_id, *text;
    int32_t today;
    const tu_policy_source *src;
    const tu_ent *ent;
    tu_application *out;
} award_ctx;

static int apply_checked(tu_store *s, award_ctx *c, const tu_project *p, const tu_policy_terms *t, tu_err *err) {
    static const char *const states[] = {"approved", "in_construction", "completed", "award_claimed"};
    int ok = 0;
    for (size_t i = 0; i < sizeof states / sizeof states[0]; i++) ok |= !strcmp(p->state, states[i]);
    if (!ok) return tu_err_set(err, TU_ESTATE, "a project applies for awards once approved (it is %s)", p->state);
    int rc = check_group(s, p->id, t, err);
    if (rc) return rc;
    tu_application *ap = c->out;
    memset(ap, 0, sizeof *ap);
    char m1[TU_DEC_BUFSZ], m2[TU_DEC_BUFSZ], m3[TU_DEC_BUFSZ], day[TU_DATE_BUFSZ];
    snprintf(ap->explanation, sizeof ap->explanation, "policy %s version %d (in force from %s)\n", t->policy_id,
             t->version, tu_date_format(t->effective_from, day));
    size_t used = strlen(ap->explanation);
    rc = tu_award_compute(t, p, c->ent, &ap->computed, ap->explanation + used, sizeof ap->explanation - used, err);
    if (rc) return rc;
    append(ap->explanation, sizeof ap->explanation, "computed %s yuan (rounded half up to the fen)\n",
           tu_money_format(ap->computed, m1));
    ap->awarded = ap->computed;
    if (t->cap > 0) {
        int64_t so_far;
        if ((rc = awarded_so_far(s, p->uscc, t->policy_id, 0, &so_far, err))) return rc;
        int64_t left = t->cap > so_far ? t->cap - so_far : 0;
        if (ap->awarded > left) {
            ap->awarded = left;
            append(ap->explanation, sizeof ap->explanation,
                   "per-enterprise cap %s yuan, %s yuan already awarded: award limited to %s yuan\n",
                   tu_money_format(t->cap, m1), tu_money_format(so_far, m2), tu_money_format(left, m3));
        }
    }
    ap->project_id = p->id;
    memcpy(ap->uscc, p->uscc, sizeof ap->uscc);
    snprintf(ap->policy_id, sizeof ap->policy_id, "%s", t->policy_id);
    if ((rc = record_groups(ap, t, err))) return rc;
    ap->policy_version = t->version;
    ap->applied_on = c->today;
    snprintf(ap->status, sizeof ap->status, "computed");
    rc = tu_store_application_insert(s, ap, err);
    if (!rc) rc = tu__project_event(s, p->id, p->state, p->state, "apply", c->a, c->today, t->policy_id, err);
    return rc;
}

static int apply_tx(tu_store *s, void *v, tu_err *err) {
    award_ctx *c = v;
    tu_project p;
    int rc = tu_store_project_get(s, c->project_id, &p, err);
    if (rc) return rc;
    tu_policy_terms t = {0};
    if (c->a->role != TU_ROLE_ENTERPRISE || strcmp(c->a->uscc, p.uscc) != 0)
        rc = tu_err_set(err, TU_EFORBIDDEN, "only the project's enterprise applies for awards");
    if (!rc) rc = c->src->terms(c->src->ctx, c->policy_id, c->today, &t, err);
    if (!rc) rc = apply_checked(s, c, &p, &t, err);
    tu_policy_terms_clear(&t);
    tu_project_clear(&p);
    return rc;
}

int tu_award_apply(tu_store *s, const tu_caller *a, int64_t project_id, const char *policy_id, int32_t today,
                   const tu_policy_source *src, const tu_ent *ent, tu_application *out, tu_err *err) {
    award_ctx c = {
        .a = a, .project_id = project_id, .policy_id = policy_id, .today = today, .src = src, .ent = ent, .out = out};
    return tu__app_tx(s, apply_tx, &c, err);
}

/* ---- adjustment and disbursement ---- */

static int reviewer_of(const tu_caller *a, const tu_project *p, tu_err *err) {
    if (a->role == TU_ROLE_PROVINCIAL_OFFICIAL || (a->role == TU_ROLE_CITY_OFFICIAL && a->city == p->city)) return TU_OK;
    return tu_err_set(err, TU_EFORBIDDEN, "awards are adjusted by the provincial official or the project's city");
}

static int adjust_checked(tu_store *s, award_ctx *c, tu_application *ap, const tu_project *p, tu_err *err) {
    char m1[TU_DEC_BUFSZ], m2[TU_DEC_BUFSZ];
    if (c->amount < ap->paid)
        return tu_err_set(err, TU_ELIMIT, "%s yuan is below the %s yuan already paid", tu_money_format(c->amount, m1),
                          tu_money_format(ap->paid, m2));
    tu_policy_terms t = {0};
    int rc = c->src->terms(c->src->ctx, ap->policy_id, ap->applied_on, &t, err);
    int64_t so_far = 0;
    if (!rc && t.cap > 0) rc = awarded_so_far(s, ap->uscc, ap->policy_id, ap->id, &so_far, err);
    if (!rc && t.cap > 0 && so_far + c->amount > t.cap)
        rc = tu_err_set(err, TU_ELIMIT, "the per-enterprise cap of %s yuan leaves %s yuan for this award",
                        tu_money_format(t.cap, m1), tu_money_format(t.cap - so_far, m2));
    tu_policy_terms_clear(&t);
    if (rc) return rc;
    append(ap->explanation, sizeof ap->explanation, "adjusted from %s to %s yuan by %s: %s\n",
           tu_money_format(ap->awarded, m1), tu_money_format(c->amount, m2), c->a->name, c->text);
    ap->awarded = c->amount;
    snprintf(ap->status, sizeof ap->status, "adjusted");
    snprintf(ap->adjust_reason, sizeof ap->adjust_reason, "%s", c->text);
    snprintf(ap->adjusted_by, sizeof ap->adjusted_by, "%s", c->a->name);
    rc = tu_store_application_update(s, ap, err);
    return rc ? rc : tu__project_event(s, p->id, p->state, p->state, "award_adjust", c->a, c->today, c->text, err);
}

static int disburse_checked(tu_store *s, award_ctx *c, const tu_application *ap, const tu_project *p, tu_err *err) {
    char m1[TU_DEC_BUFSZ], m2[TU_DEC_BUFSZ];
    if (c->a->role != TU_ROLE_PROVINCIAL_OFFICIAL)
        return tu_err_set(err, TU_EFORBIDDEN, "payments are recorded by the provincial official");
    if (c->amount > ap->awarded - ap->paid)
        return tu_err_set(err, TU_ELIMIT, "%s yuan exceeds the %s yuan left to pay", tu_money_format(c->amount, m1),
                          tu_money_format(ap->awarded - ap->paid, m2));
    tu_disbursement d = {.application_id = ap->id, .amount = c->amount, .day = c->today};
    snprintf(d.reference, sizeof d.reference, "%s", c->text);
    snprintf(d.actor, sizeof d.actor, "%s", c->a->name);
    int rc = tu_store_disbursement_add(s, &d, err);
    return rc ? rc : tu__project_event(s, p->id, p->state, p->state, "disburse", c->a, c->today, c->text, err);
}

/* Loads the application and its project, then runs fn (adjust or disburse). */
static int on_application(tu_store *s, award_ctx *c, int adjust, tu_err *err) {
    tu_application ap;
    tu_project p;
    int rc = tu_store_application_get(s, c->app_id, &ap, err);
    if (!rc) rc = tu_store_project_get(s, ap.project_id, &p, err);
    if (rc) return rc;
    tu_project_clear(&p);
    if (adjust) rc = reviewer_of(c->a, &p, err);
    if (!rc) rc = adjust ? adjust_checked(s, c, &ap, &p, err) : disburse_checked(s, c, &ap, &p, err);
    return rc;
}

static int adjust_tx(tu_store *s, void *v, tu_err *err) { return on_application(s, v, 1, err); }
static int disburse_tx(tu_store *s, void *v, tu_err *err) { return on_application(s, v, 0, err); }

int tu_award_adjust(tu_store *s, const tu_caller *a, int64_t application_id, int64_t amount, const char *reason,
                    int32_t today, const tu_policy_source *src, tu_err *err) {
    if (!reason || !*reason) return tu_err_set(err, TU_EINVAL, "an adjustment needs a reason");
    if (amount < 0) return tu_err_set(err, TU_EINVAL, "an award cannot be negative");
    award_ctx c = {.a = a, .app_id = application_id, .amount = amount, .text = reason, .today = today, .src = src};
    return tu__app_tx(s, adjust_tx, &c, err);
}

int tu_award_disburse(tu_store *s, const tu_caller *a, int64_t application_id, int64_t amount, const char *reference,
                      int32_t today, tu_err *err) {
    if (amount <= 0) return tu_err_set(err, TU_EINVAL, "a payment must be > 0");
    if (!reference || !*reference) return tu_err_set(err, TU_EINVAL, "a payment needs a reference");
    award_ctx c = {.a = a, .app_id = application_id, .amount = amount, .text = reference, .today = today};
    return tu__app_tx(s, disburse_tx, &c, err);
}
