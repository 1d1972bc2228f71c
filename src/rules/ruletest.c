/* ruletest.c — fixtures of a policy file: build each enterprise, evaluate the rule three-valued, compute the
 * benefit exactly, compare with the expectation, print one line per fixture. Runs when a policy is saved or
 * published and from `techup rules test` (a handful of fixtures; nothing here is hot).
 */
#include <stdio.h>
#include <string.h>

#include "core/alloc.h"
#include "core/codes.h"
#include "core/num.h"
#include "rules/benefit.h"
#include "rules/check.h"
#include "rules/explain.h"
#include "rules/rules.h"
#include "rules/rules_int.h"
#include "rules/ruletest.h"
#include "rules/text.h"

#define PLACEHOLDER_USCC "91440300MA5F00000" /* 17 characters; the check character is computed */

/* The CSV text of one attribute value given as JSON: a string as is, a number printed, tags joined by ';'. */
static int cell_text(const json_t *v, tu__buf *b) {
    if (json_is_string(v)) tu__buf_add(b, json_string_value(v), json_string_length(v));
    else if (json_is_integer(v)) tu__buf_printf(b, "%lld", (long long)json_integer_value(v));
    else if (json_is_real(v)) tu__js_tostr(b, v);
    else if (json_is_array(v)) {
        for (size_t i = 0; i < json_array_size(v); i++) {
            if (!json_is_string(json_array_get(v, i))) return -1;
            if (i) tu__buf_add(b, ";", 1);
            tu__js_tostr(b, json_array_get(v, i));
        }
    } else if (!json_is_null(v)) return -1;
    return 0;
}

static int set_attr(tu_ent *e, const tu_attr *a, const json_t *v, tu_err *err) {
    tu__buf b = {0};
    if (cell_text(v, &b)) {
        tu__buf_free(&b);
        if (err) snprintf(err->field, sizeof err->field, "%s", a->name);
        return tu_err_set(err, TU_EINVAL, "%s: give a string, a number or a list of tags", a->name);
    }
    int rc = b.oom ? tu_err_set(err, TU_ENOMEM, "out of memory")
                   : tu_ent_set_cell(e, a->id, b.p ? b.p : "", b.len, tu_date_today(), err);
    tu__buf_free(&b);
    return rc;
}

int tu_ent_from_json(const json_t *attrs, tu_ent *e, tu_err *err) {
    tu_ent_init(e);
    if (!json_is_object(attrs)) return tu_err_set(err, TU_EINVAL, "enterprise must be a JSON object");
    const char *k;
    json_t *v;
    json_object_foreach((json_t *)attrs, k, v) {
        const tu_attr *a = tu_attr_find(k, strlen(k));
        if (!a || (a->flags & TU_AF_DERIVED)) {
            if (err) snprintf(err->field, sizeof err->field, "%.63s", k);
            return tu_err_set(err, TU_EINVAL, "'%.60s' is not an attribute that can be given", k);
        }
        int rc = set_attr(e, a, v, err);
        if (rc) return rc;
    }
    if (!TU_ENT_HAS(e, TU_A_USCC)) {
        char u[TU_USCC_LEN + 1] = PLACEHOLDER_USCC;
        u[17] = tu_uscc_check_char(u), u[18] = '\0';
        tu_ent_set_cell(e, TU_A_USCC, u, TU_USCC_LEN, 0, NULL);
    }
    if (!TU_ENT_HAS(e, TU_A_NAME)) tu_ent_set_cell(e, TU_A_NAME, "fixture", 7, 0, NULL);
    return tu_ent_finish(e, err);
}

/* The JsonLogic of a policy member given as JSON (key) or as readable text (key_text); new reference, or NULL
 * (err set when the member is present but malformed; err->code == TU_OK when simply absent). */
json_t *tu_policy_logic(const json_t *policy, const char *key, tu_err *err) {
    char text_key[64];
    snprintf(text_key, sizeof text_key, "%s_text", key);
    const json_t *j = json_object_get(policy, key), *t = json_object_get(policy, text_key);
    if (j) return json_incref((json_t *)j);
    if (!t) return NULL;
    if (!json_is_string(t)) {
        tu_err_set(err, TU_EINVAL, "%s must be a string of readable syntax", text_key);
        return NULL;
    }
    json_t *v = tu_rule_text_parse(json_string_value(t), json_string_length(t), err);
    if (!v && err) {
        char msg[sizeof err->msg];
        memcpy(msg, err->msg, sizeof msg);
        snprintf(err->msg, sizeof err->msg, "%s: %.*s", text_key, (int)(sizeof msg - 80), msg);
    }
    return v;
}

static const char *const expect_names[] = {"not_eligible", "eligible", "unknown"};

/* Static checks of the rule and formula: error-level issues count as one failed check each. */
static void run_checks(const json_t *logic, int flags, const char *what, FILE *out, tu_ruletest_summary *sum) {
    json_t *r = logic ? tu_rule_check(logic, flags, NULL) : NULL;
    json_t *issues = json_object_get(r, "issues");
    for (size_t i = 0; i < json_array_size(issues); i++) {
        json_t *is = json_array_get(issues, i);
        int error = strcmp(json_string_value(json_object_get(is, "severity")), "error") == 0;
        fprintf(out, "%s %s: %s %s: %s\n", error ? "FAIL" : "warn", what, json_string_value(json_object_get(is, "code")),
                json_string_value(json_object_get(is, "path")), json_string_value(json_object_get(is, "message")));
        sum->failed += error;
    }
    json_decref(r);
}

/* One fixture: returns 1 when it passes; prints its line. */
static int run_fixture(const tu_rule *rule, const json_t *benefit, const json_t *fx, size_t idx, FILE *out) {
    const char *name = json_string_value(json_object_get(fx, "name"));
    const char *expect = json_string_value(json_object_get(fx, "expect"));
    const json_t *want_benefit = json_object_get(fx, "benefit");
    char why[700] = "";
    tu_ent e;
    tu_err err = {0};
    name = name ? name : "(unnamed)";
    if (!expect || (strcmp(expect, "eligible") && strcmp(expect, "not_eligible") && strcmp(expect, "unknown"))) {
        snprintf(why, sizeof why, "\"expect\" must be eligible, not_eligible or unknown");
    } else if (tu_ent_from_json(json_object_get(fx, "enterprise"), &e, &err)) {
        snprintf(why, sizeof why, "enterprise: %s", err.msg);
    } else {
        tu_tri t = tu_rule_eval_ent(rule, &e);
        if (strcmp(expect_names[t], expect) != 0) {
            json_t *x = tu_rule_explain(rule, &e, NULL, NULL);
            char *missing = x ? json_dumps(json_object_get(x, "missing"), JSON_COMPACT) : NULL;
            snprintf(why, sizeof why, "expected %s, got %s (missing: %s)", expect, expect_names[t], missing ? missing : "?");
            free(missing), json_decref(x);
        } else if (want_benefit && !json_is_null(want_benefit)) {
            int64_t want, got;
            char a[TU_DEC_BUFSZ], b[TU_DEC_BUFSZ];
            if (!json_is_string(want_benefit) ||
                tu_money_parse(json_string_value(want_benefit), json_string_length(want_benefit), &want, NULL))
                snprintf(why, sizeof why, "\"benefit\" must be yuan as a string: \"1500.00\"");
            else if (!benefit) snprintf(why, sizeof why, "the policy has no benefit formula");
            else if (tu_benefit_eval_loan(benefit, &e, json_object_get(fx, "project"), json_object_get(fx, "loan"), &got,
                                          &err))
                snprintf(why, sizeof why, "benefit: %s", err.msg);
            else if (got != want)
                snprintf(why, sizeof why, "benefit %s yuan, expected %s", tu_money_format(got, a), tu_money_format(want, b));
        }
    }
    fprintf(out, why[0] ? "FAIL %zu %s: %s\n" : "ok   %zu %s%s\n", idx + 1, name, why);
    return why[0] == '\0';
}

int tu_ruletest_run(const json_t *policy, FILE *out, tu_ruletest_summary *sum, tu_err *err) {
    memset(sum, 0, sizeof *sum);
    if (err) err->code = TU_OK;
    if (!json_is_object(policy)) return tu_err_set(err, TU_EINVAL, "a policy file is a JSON object");
    json_t *logic = tu_policy_logic(policy, "rule", err);
    if (!logic) return err && err->code ? err->code : tu_err_set(err, TU_EINVAL, "the policy has no \"rule\" or \"rule_text\"");
    json_t *benefit = tu_policy_logic(policy, "benefit", err);
    const json_t *tests = json_object_get(policy, "tests");
    tu_rule *rule = NULL;
    int rc = err && err->code ? err->code : tu_rule_from_json(logic, &rule, err);
    if (!rc && !json_is_array(tests)) rc = tu_err_set(err, TU_EINVAL, "\"tests\" must be a list of fixtures");
    if (!rc) {
        run_checks(logic, 0, "rule", out, sum);
        if (benefit) run_checks(benefit, TU_CHECK_PROJECT, "benefit", out, sum);
        for (size_t i = 0; i < json_array_size(tests); i++) {
            if (run_fixture(rule, benefit, json_array_get(tests, i), i, out)) sum->passed++;
            else sum->failed++;
        }
    }
    tu_rule_free(rule);
    json_decref(logic), json_decref(benefit);
    return rc;
}
