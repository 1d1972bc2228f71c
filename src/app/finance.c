/* finance.c — loan products, eligibility, choice, the bank's project list and interest subsidies (finance.h).
 * Workload: tens of products per bank, evaluated per project on request. */
#include "app/finance.h"

#include <stdio.h>
#include <string.h>

#include "app/app_int.h"
#include "app/formula.h"
#include "app/project.h"
#include "core/alloc.h"
#include "core/num.h"

static int valid_product(const tu_loan_product *l, tu_err *err) {
    if (!l->name[0]) return tu_err_set(err, TU_EINVAL, "name: a product needs a name");
    if (l->rate_bp <= 0 || l->rate_bp > 10000) return tu_err_set(err, TU_EINVAL, "rate_bp: must be 1..10000");
    if (l->term_months <= 0 || l->term_months > 360) return tu_err_set(err, TU_EINVAL, "term_months: must be 1..360");
    if (l->min_amount <= 0 || l->min_amount > l->max_amount || l->max_amount > TU_MONEY_MAX)
        return tu_err_set(err, TU_EINVAL, "amount range: need 0 < min <= max <= 10 trillion yuan");
    json_error_t je;
    json_t *rule = json_loads(l->eligibility, JSON_DECODE_ANY, &je);
    if (!rule) return tu_err_set(err, TU_EPARSE, "eligibility: %s (line %d, column %d)", je.text, je.line, je.column);
    json_decref(rule);
    return TU_OK;
}

typedef struct publish_ctx {
    const tu_caller *a;
    tu_loan_product *l;
} publish_ctx;

static int publish_tx(tu_store *s, void *v, tu_err *err) {
    publish_ctx *c = v;
    int rc = tu_store_loan_insert(s, c->l, err);
    if (rc) return rc;
    char target[32];
    snprintf(target, sizeof target, "loan_product:%lld", (long long)c->l->id);
    json_t *after =
        json_pack("{s:s,s:s,s:i,s:i,s:I,s:I,s:s}", "bank", c->l->bank_id, "name", c->l->name, "rate_bp", c->l->rate_bp,
                  "term_months", c->l->term_months, "min_amount", (json_int_t)c->l->min_amount, "max_amount",
                  (json_int_t)c->l->max_amount, "eligibility", c->l->eligibility);
    rc = after ? tu__audit(s, c->a, "loan.publish", target, NULL, after, err)
               : tu_err_set(err, TU_ENOMEM, "out of memory");
    json_decref(after);
    return rc;
}

json_t *tu_loan_product_to_json(const tu_loan_product *l) {
    char a[TU_DEC_BUFSZ], b[TU_DEC_BUFSZ];
    json_t *rule = json_loads(l->eligibility, JSON_DECODE_ANY, NULL);
    return json_pack("{s:I,s:s,s:s,s:i,s:i,s:s,s:s,s:o*}", "id", (json_int_t)l->id, "bank", l->bank_id, "name", l->name,
                     "rate_bp", l->rate_bp, "term_months", l->term_months, "min_amount",
                     tu_money_format(l->min_amount, a), "max_amount", tu_money_format(l->max_amount, b), "eligibility",
                     rule);
}

int tu_loan_publish(tu_store *s, const tu_caller *a, tu_loan_product *l, tu_err *err) {
    if (a->role != TU_ROLE_BANK_OFFICER || !a->bank_id[0])
        return tu_err_set(err, TU_EFORBIDDEN, "loan products are published by bank officers");
    snprintf(l->bank_id, sizeof l->bank_id, "%s", a->bank_id);
    if (!l->eligibility[0]) snprintf(l->eligibility, sizeof l->eligibility, "true");
    int rc = valid_product(l, err);
    publish_ctx c = {a, l};
    return rc ? rc : tu__app_tx(s, publish_tx, &c, err);
}

/* Whether the product's rule holds for the project. */
static int qualifies(const tu_loan_product *l, const json_t *data, int *holds, tu_err *err) {
    json_t *rule = json_loads(l->eligibility, JSON_DECODE_ANY, NULL);
    if (!rule) return tu_err_set(err, TU_ECORRUPT, "product %lld has an unreadable rule", (long long)l->id);
    int rc = tu_formula_holds(rule, data, holds, err);
    json_decref(rule);
    if (rc == TU_EEVAL) *holds = 0, rc = TU_OK; /* a rule reading missing data does not qualify the project */
    return rc;
}

int tu_loan_products_for(tu_store *s, const tu_caller *a, int64_t project_id, const tu_ent *ent, tu_loan_product **out,
                         int *n, tu_err *err) {
    *out = NULL, *n = 0;
    tu_project p;
    int rc = tu_project_get(s, a, project_id, &p, err);
    if (rc) return rc;
    json_t *data = tu_project_data(&p, ent);
    tu_project_clear(&p);
    if (!data) return tu_err_set(err, TU_ENOMEM, "out of memory");
    tu_loan_product *all = NULL;
    int total = 0, k = 0;
    rc = tu_store_loan_list(s, "", &all, &total, err);
    for (int i = 0; !rc && i < total; i++) {
        int holds = 0;
        rc = qualifies(&all[i], data, &holds, err);
        if (!rc && holds) all[k++] = all[i];
    }
    json_decref(data);
    if (rc) return tu_free(all), rc;
    *out = all, *n = k;
    return TU_OK;
}

typedef struct choose_ctx {
    const tu_caller *a;
    int64_t project_id, product_id, principal;
    const tu_ent *ent;
    int32_t today;
} choose_ctx;

static int choose_tx(tu_store *s, void *v, tu_err *err) {
    choose_ctx *c = v;
    tu_project p;
    tu_loan_product l;
    int rc = tu_store_loan_get(s, c->product_id, &l, err);
    if (!rc) rc = tu_store_project_get(s, c->project_id, &p, err);
    if (rc) return rc;
    char m1[TU_DEC_BUFSZ], m2[TU_DEC_BUFSZ];
    json_t *data = NULL;
    int holds = 0;
    if (c->a->role != TU_ROLE_ENTERPRISE || strcmp(c->a->uscc, p.uscc))
        rc = tu_err_set(err, TU_EFORBIDDEN, "only the project's enterprise chooses its loan");
    else if (!strcmp(p.state, "draft") || !strcmp(p.state, "rejected") || !strcmp(p.state, "paid"))
        rc = tu_err_set(err, TU_ESTATE, "a %s project cannot choose a loan", p.state);
    else if (c->principal < l.min_amount || c->principal > l.max_amount)
        rc = tu_err_set(err, TU_EINVAL, "principal: the product lends %s to %s yuan", tu_money_format(l.min_amount, m1),
                        tu_money_format(l.max_amount, m2));
    else if (!(data = tu_project_data(&p, c->ent)))
        rc = tu_err_set(err, TU_ENOMEM, "out of memory");
    else if (!(rc = qualifies(&l, data, &holds, err)) && !holds)
        rc = tu_err_set(err, TU_EFORBIDDEN, "the project does not meet the eligibility rule of product %lld",
                        (long long)l.id);
    json_decref(data);
    if (!rc) {
        snprintf(p.bank_id, sizeof p.bank_id, "%s", l.bank_id);
        p.loan_product_id = l.id, p.loan_principal = c->principal;
        rc = tu_store_project_update(s, &p, err);
        if (!rc) rc = tu__project_event(s, p.id, p.state, p.state, "choose_loan", c->a, c->today, l.name, err);
    }
    tu_project_clear(&p);
    return rc;
}

int tu_loan_choose(tu_store *s, const tu_caller *a, int64_t project_id, int64_t product_id, int64_t principal,
                   const tu_ent *ent, int32_t today, tu_err *err) {
    choose_ctx c = {a, project_id, product_id, principal, ent, today};
    return tu__app_tx(s, choose_tx, &c, err);
}

int tu_loan_bank_projects(tu_store *s, const tu_caller *a, tu_project_list *out, tu_err *err) {
    if (a->role != TU_ROLE_BANK_OFFICER) return tu_err_set(err, TU_EFORBIDDEN, "this list is for bank officers");
    tu_project_filter f = {.limit = 100000};
    return tu_project_search(s, a, &f, out, err);
}

int tu_interest_subsidy(int64_t principal, int rate_bp, int cap_bp, int share_bp, int days, int64_t *fen, tu_err *err) {
    if (principal < 0 || rate_bp < 0 || cap_bp < 0 || share_bp < 0 || share_bp > 10000 || days < 0)
        return tu_err_set(err, TU_EINVAL, "subsidy inputs must be >= 0 (share at most 10000 bp)");
    if (principal > TU_MONEY_MAX || days > 36600 || rate_bp > 100000 || cap_bp > 100000)
        return tu_err_set(err, TU_ELIMIT, "subsidy inputs out of range");
    __int128 num = (__int128)principal * (rate_bp < cap_bp ? rate_bp : cap_bp) * share_bp * days;
    __int128 den = (__int128)10000 * 10000 * 360;
    *fen = (int64_t)((2 * num + den) / (2 * den)); /* half up */
    return TU_OK;
}

int tu_finance_policy_subsidy(tu_store *s, const tu_caller *a, int64_t project_id, const char *policy_id, int days,
                              int32_t today, const tu_policy_source *src, int64_t *fen, char *expl, size_t n,
                              tu_err *err) {
    tu_project p;
    int rc = tu_project_get(s, a, project_id, &p, err);
    if (rc) return rc;
    tu_loan_product l = {0};
    if (!p.loan_product_id) rc = tu_err_set(err, TU_ESTATE, "the project has chosen no loan");
    if (!rc) rc = tu_store_loan_get(s, p.loan_product_id, &l, err);
    tu_policy_terms t = {0};
    if (!rc) rc = src->terms(src->ctx, policy_id, today, &t, err);
    json_t *data = rc ? NULL : tu_project_data(&p, NULL);
    if (!rc && !data) rc = tu_err_set(err, TU_ENOMEM, "out of memory");
    if (!rc) {
        json_t *loan = json_pack("{s:f,s:i,s:i,s:i,s:s}", "principal", (double)p.loan_principal / 100.0, "rate_bp",
                                 l.rate_bp, "term_months", l.term_months, "days", days, "bank_id", l.bank_id);
        if (p.loan_principal % 100 == 0) json_object_set_new(loan, "principal", json_integer(p.loan_principal / 100));
        json_object_set_new(data, "loan", loan);
        rc = tu_formula_money(t.formula, data, fen, expl, n, err);
    }
    json_decref(data);
    tu_policy_terms_clear(&t);
    tu_project_clear(&p);
    return rc;
}
