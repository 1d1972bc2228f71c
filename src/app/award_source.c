/* award_source.c — the policy store (app/policy.h) as a tu_policy_source for awards: the terms of a policy on a
 * date are those of its published version in force then — `benefit` (or `benefit_text`, compiled by the rules
 * engine) as the formula, `cap_fen` as the per-enterprise cap, every one of `groups` as a non-combinable group.
 * Workload: one point read per application or adjustment. */
#include <string.h>

#include "app/app_int.h"
#include "app/award.h"
#include "app/policy.h"
#include "core/num.h"
#include "rules/rules.h"

/* The benefit formula of a policy document: new reference, or NULL with err set. */
static json_t *benefit_of(const json_t *doc, const char *code, tu_err *err) {
    const json_t *b = json_object_get(doc, "benefit");
    if (b) return json_incref((json_t *)b);
    const char *text = json_string_value(json_object_get(doc, "benefit_text"));
    if (!text) return tu_err_set(err, TU_EVALIDATION, "policy %s has no benefit formula", code), NULL;
    tu_rule *rule = NULL;
    if (tu_rule_from_text(text, strlen(text), &rule, err)) return NULL;
    json_t *j = json_incref((json_t *)tu_rule_json(rule));
    tu_rule_free(rule);
    return j;
}

/* Fills out from the version v of policy `code` (its document doc). */
static int fill_terms(const char *code, const tu_policy_version *v, const json_t *doc, tu_policy_terms *out,
                      tu_err *err) {
    if ((size_t)snprintf(out->policy_id, sizeof out->policy_id, "%s", code) >= sizeof out->policy_id)
        return tu_err_set(err, TU_EINVAL, "policy code %.40s... is too long", code);
    out->version = v->version;
    if (tu_date_parse(v->effective_from, strlen(v->effective_from), &out->effective_from, err)) return TU_ECORRUPT;
    json_t *g = json_object_get(doc, "groups");
    out->groups = json_is_array(g) ? json_incref(g) : json_array();
    if (!out->groups) return tu_err_set(err, TU_ENOMEM, "out of memory");
    json_int_t cap = json_integer_value(json_object_get(doc, "cap_fen"));
    out->cap = cap > 0 ? (int64_t)cap : 0;
    out->formula = benefit_of(doc, code, err);
    return out->formula ? TU_OK : err->code;
}

static int store_terms(void *ctx, const char *policy_id, int32_t as_of, tu_policy_terms *out, tu_err *err) {
    tu_store *s = ctx;
    memset(out, 0, sizeof *out);
    int64_t id;
    tu_policy_head h;
    tu_policy_version v = {0};
    json_t *doc = NULL;
    char day[TU_DATE_BUFSZ];
    int rc = tu_app_policy_lookup(s, policy_id, &id, err);
    if (!rc) rc = tu_store_policy_get(s, id, &h, err);
    if (!rc) rc = tu_app_policy_as_of(s, id, tu_date_format(as_of, day), &v, &doc, err);
    if (rc == TU_ENOTFOUND)
        return tu_err_set(err, TU_ENOTFOUND, "policy %s has no published version in force on %s", policy_id, day);
    if (!rc) rc = fill_terms(h.code, &v, doc, out, err);
    json_decref(doc);
    tu_store_policy_version_clear(&v);
    if (rc) tu_policy_terms_clear(out);
    return rc;
}

tu_policy_source tu_policy_source_store(tu_store *s) { return (tu_policy_source){store_terms, s}; }
