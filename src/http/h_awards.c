/* h_awards.c — awards and financing of projects over the API: applying a project to a policy (the award computed
 * from the policy store's version in force, app/award_source.c), the awards with their explanations, reviewer
 * adjustments with a reason, disbursements; banks' loan products, the products a project qualifies for, the
 * enterprise's choice, a bank's projects. Roles and the project / bank scope were checked by the route table;
 * app/award.h and app/finance.h check the caller again. Money is yuan as strings ("1500.50"). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "app/award.h"
#include "app/finance.h"
#include "app/policy.h"
#include "app/project.h"
#include "core/alloc.h"
#include "core/num.h"
#include "http/h_projects.h"
#include "store/registry.h"

static json_t *application_json(const void *v) {
    const tu_application *a = v;
    char c[TU_DEC_BUFSZ], w[TU_DEC_BUFSZ], p[TU_DEC_BUFSZ], day[TU_DATE_BUFSZ];
    return json_pack("{s:I,s:I,s:s,s:s,s:i,s:o,s:s,s:s,s:s,s:s,s:s,s:s,s:s,s:s}", "id", (json_int_t)a->id, "project",
                     (json_int_t)a->project_id, "uscc", a->uscc, "policy", a->policy_id, "policy_version",
                     a->policy_version, "groups", tu_award_groups(a), "applied_on", tu_date_format(a->applied_on, day),
                     "computed", tu_money_format(a->computed, c), "awarded", tu_money_format(a->awarded, w), "paid",
                     tu_money_format(a->paid, p), "status", a->status, "adjust_reason", a->adjust_reason, "adjusted_by",
                     a->adjusted_by, "explanation", a->explanation);
}

/* The enterprise record of a project, for formulas and rules over enterprise attributes (NULL when absent). */
static const tu_ent *project_ent(tu_req *r, const tu_project *p, tu_ent *e) {
    tu_err ignored = {0};
    return tu_store_ent_get_by_uscc(r->store, p->uscc, NULL, e, NULL, &ignored) == TU_OK ? e : NULL;
}

/* The {app} application of the {id} project (404 when it belongs to another project). */
static int project_application(tu_req *r, tu_caller *c, tu_application *a, tu_err *err) {
    tu_project p;
    int64_t app;
    int rc = tu__h_project(r, c, &p, err);
    tu_project_clear(&p);
    if (!rc) rc = tu_req_param_id(r, "app", &app, err);
    if (!rc) rc = tu_store_application_get(r->store, app, a, err);
    if (!rc && a->project_id != p.id)
        rc = tu_err_set(err, TU_ENOTFOUND, "no application %lld on project %lld", (long long)app, (long long)p.id);
    return rc;
}

/* An {"amount": yuan, <key>: text} body on the {app} application of the {id} project. */
static int amount_body(tu_req *r, const char *key, size_t max, int64_t *amount, const char **text, tu_caller *c,
                       tu_application *a, tu_err *err) {
    int rc = tu__h_body_money(r, "amount", amount, err);
    if (!rc) rc = tu_req_body_str(r, key, max, text, err);
    return rc ? rc : project_application(r, c, a, err);
}

static int reply_application(tu_req *r, int64_t id, int status, tu_err *err) {
    tu_application a;
    int rc = tu_store_application_get(r->store, id, &a, err);
    json_t *j = rc ? NULL : application_json(&a);
    if (rc) return rc;
    return j ? tu_reply_json(r, status, j) : TU_ENOMEM;
}

/* POST /projects/{id}/applications {"policy": code or id} (the project's enterprise). */
int tu_h_award_apply(tu_req *r, tu_err *err) {
    tu_caller c;
    tu_project p;
    tu_ent e;
    tu_application out;
    tu_policy_head h;
    int64_t pid;
    const char *policy;
    int rc = tu_req_body_str(r, "policy", 64, &policy, err);
    if (!rc) rc = tu__h_project(r, &c, &p, err);
    if (rc) return rc;
    rc = tu_app_policy_lookup(r->store, policy, &pid, err); /* one name per policy, so caps add up by code */
    if (!rc) rc = tu_store_policy_get(r->store, pid, &h, err);
    if (!rc && (!strcmp(h.status, "withdrawn") || !strcmp(h.status, "expired")))
        rc = tu_err_set(err, TU_ESTATE, "policy %s is %s and takes no applications", h.code, h.status);
    tu_policy_source src = tu_policy_source_store(r->store);
    if (!rc) rc = tu_award_apply(r->store, &c, p.id, h.code, tu_date_today(), &src, project_ent(r, &p, &e), &out, err);
    tu_project_clear(&p);
    return rc ? rc : reply_application(r, out.id, 201, err);
}

/* GET /projects/{id}/awards: every application of the project with its explanation. */
int tu_h_award_list(tu_req *r, tu_err *err) {
    tu_caller c;
    tu_project p;
    tu_application *a = NULL;
    int n = 0;
    int rc = tu__h_project(r, &c, &p, err);
    tu_project_clear(&p);
    if (!rc) rc = tu_store_application_list(r->store, p.id, NULL, &a, &n, err);
    return tu__h_reply_items(r, rc, p.id, a, n, sizeof *a, application_json);
}

/* POST /projects/{id}/awards/{app}/adjustments {"amount": yuan, "reason"} (provincial, or the project's city). */
int tu_h_award_adjust(tu_req *r, tu_err *err) {
    tu_caller c;
    tu_application a;
    int64_t amount;
    const char *reason;
    int rc = amount_body(r, "reason", 511, &amount, &reason, &c, &a, err);
    tu_policy_source src = tu_policy_source_store(r->store);
    if (!rc) rc = tu_award_adjust(r->store, &c, a.id, amount, reason, tu_date_today(), &src, err);
    return rc ? rc : reply_application(r, a.id, 200, err);
}

/* POST /projects/{id}/awards/{app}/disbursements {"amount": yuan, "reference"} (provincial official). */
int tu_h_award_disburse(tu_req *r, tu_err *err) {
    tu_caller c;
    tu_application a;
    int64_t amount;
    const char *ref;
    int rc = amount_body(r, "reference", TU_PROJ_TEXT - 1, &amount, &ref, &c, &a, err);
    if (!rc) rc = tu_award_disburse(r->store, &c, a.id, amount, ref, tu_date_today(), err);
    return rc ? rc : reply_application(r, a.id, 201, err);
}

/* GET /projects/{id}/interest-subsidy?policy=P&days=N: the subsidy of the project's chosen loan under the
 * policy's formula in force today, over N days of interest (default 360). */
int tu_h_loan_subsidy(tu_req *r, tu_err *err) {
    tu_caller c;
    tu_project p = {0}; /* cleared even when the query is refused before it is read */
    const char *policy = tu_req_query(r, "policy");
    int64_t days = 360;
    if (!policy || !*policy || strlen(policy) > 64) return tu_err_set(err, TU_EINVAL, "give ?policy= (code or id)");
    int rc = tu_req_query_int(r, "days", 1, 36600, &days, err);
    if (!rc) rc = tu__h_project(r, &c, &p, err);
    tu_project_clear(&p);
    if (rc) return rc;
    tu_policy_source src = tu_policy_source_store(r->store);
    int64_t fen = 0;
    char expl[2048] = "", money[TU_DEC_BUFSZ];
    rc = tu_finance_policy_subsidy(r->store, &c, p.id, policy, (int)days, tu_date_today(), &src, &fen, expl,
                                   sizeof expl, err);
    if (rc) return rc;
    return tu_reply_json(r, 200,
                         json_pack("{s:I,s:s,s:i,s:s,s:s}", "project", (json_int_t)p.id, "policy", policy, "days",
                                   (int)days, "subsidy", tu_money_format(fen, money), "explanation", expl));
}

static json_t *products_json(const tu_loan_product *l, int n) {
    json_t *arr = json_array();
    for (int i = 0; arr && i < n; i++) json_array_append_new(arr, tu_loan_product_to_json(&l[i]));
    return json_pack("{s:o}", "items", arr);
}

static int reply_products(tu_req *r, int rc, tu_loan_product *l, int n) {
    json_t *j = rc ? NULL : products_json(l, n);
    tu_free(l);
    if (rc) return rc;
    return j ? tu_reply_json(r, 200, j) : TU_ENOMEM;
}

/* GET /loan-products[?bank=B]. */
int tu_h_loan_list(tu_req *r, tu_err *err) {
    const char *bank = tu_req_query(r, "bank");
    tu_loan_product *l = NULL;
    int n = 0;
    if (bank && strlen(bank) >= TU_PROJ_BANK) return tu_err_set(err, TU_EINVAL, "'bank' is too long");
    int rc = tu_store_loan_list(r->store, bank ? bank : "", &l, &n, err); /* fills l and n before they are read */
    return reply_products(r, rc, l, n);
}

/* GET /projects/{id}/loan-products: the products whose eligibility rule the project meets. */
int tu_h_loan_for_project(tu_req *r, tu_err *err) {
    tu_caller c;
    tu_project p;
    tu_ent e;
    tu_loan_product *l = NULL;
    int n = 0;
    int rc = tu__h_project(r, &c, &p, err);
    if (!rc) rc = tu_loan_products_for(r->store, &c, p.id, project_ent(r, &p, &e), &l, &n, err);
    tu_project_clear(&p);
    return reply_products(r, rc, l, n);
}

/* The product of a publish body: {"name","rate_bp","term_months","min_amount","max_amount","eligibility"}. */
static int product_from_body(tu_req *r, tu_loan_product *l, tu_err *err) {
    const char *name;
    json_t *rate = json_object_get(r->json, "rate_bp"), *term = json_object_get(r->json, "term_months");
    int rc = tu_req_body_str(r, "name", TU_PROJ_TEXT - 1, &name, err);
    if (!rc && (!json_is_integer(rate) || json_integer_value(rate) < 1 || json_integer_value(rate) > 10000))
        rc = tu_err_set(err, TU_EVALIDATION, "'rate_bp' must be an integer 1..10000");
    if (!rc && (!json_is_integer(term) || json_integer_value(term) < 1 || json_integer_value(term) > 600))
        rc = tu_err_set(err, TU_EVALIDATION, "'term_months' must be an integer 1..600");
    if (!rc) rc = tu__h_body_money(r, "min_amount", &l->min_amount, err);
    if (!rc) rc = tu__h_body_money(r, "max_amount", &l->max_amount, err);
    if (rc) return rc;
    snprintf(l->name, sizeof l->name, "%s", name);
    l->rate_bp = (int)json_integer_value(rate), l->term_months = (int)json_integer_value(term);
    json_t *rule = json_object_get(r->json, "eligibility");
    if (!rule) return TU_OK;
    char *text = json_dumps(rule, JSON_COMPACT | JSON_ENCODE_ANY);
    if (!text) return TU_ENOMEM;
    if (strlen(text) < sizeof l->eligibility)
        snprintf(l->eligibility, sizeof l->eligibility, "%s", text);
    else
        rc = tu_err_set(err, TU_EVALIDATION, "'eligibility' is longer than %zu bytes", sizeof l->eligibility - 1);
    free(text);
    return rc;
}

/* POST /banks/{bank}/loan-products (a bank officer of that bank; app/ sets the bank from the caller). */
int tu_h_loan_publish(tu_req *r, tu_err *err) {
    tu_caller c;
    tu_loan_product l = {0};
    int rc = product_from_body(r, &l, err);
    if (!rc) rc = tu__h_caller(r, &c, err);
    if (!rc) rc = tu_loan_publish(r->store, &c, &l, err);
    if (rc) return rc;
    json_t *j = tu_loan_product_to_json(&l);
    return j ? tu_reply_json(r, 201, j) : TU_ENOMEM;
}

/* POST /projects/{id}/loan {"product": id, "principal": yuan} (the project's enterprise). */
int tu_h_loan_choose(tu_req *r, tu_err *err) {
    tu_caller c;
    tu_project p;
    tu_ent e;
    int64_t product, principal;
    int rc = tu__h_body_id(r, "product", &product, err);
    if (!rc) rc = tu__h_body_money(r, "principal", &principal, err);
    if (!rc) rc = tu__h_project(r, &c, &p, err);
    if (rc) return rc;
    rc = tu_loan_choose(r->store, &c, p.id, product, principal, project_ent(r, &p, &e), tu_date_today(), err);
    tu_project_clear(&p);
    if (rc) return rc;
    tu_project q;
    if ((rc = tu_project_get(r->store, &c, p.id, &q, err)) != TU_OK) return rc;
    json_t *j = tu_project_to_json(&q);
    tu_project_clear(&q);
    return j ? tu_reply_json(r, 200, j) : TU_ENOMEM;
}

/* GET /banks/{bank}/projects (that bank's officer). */
int tu_h_bank_projects(tu_req *r, tu_err *err) {
    tu_caller c;
    tu_project_list l = {0};
    int rc = tu__h_caller(r, &c, err);
    if (!rc) rc = tu_loan_bank_projects(r->store, &c, &l, err);
    json_t *j = rc ? NULL : tu__h_projects_json(&l);
    tu_project_list_free(&l);
    if (rc) return rc;
    return j ? tu_reply_json(r, 200, j) : TU_ENOMEM;
}
