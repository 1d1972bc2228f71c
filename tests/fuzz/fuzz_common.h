/* fuzz_common.h — what both rule fuzzers do with a rule that was accepted: print it as text and parse it back
 * (must be the same tree), evaluate it standard and compiled on a full enterprise (must agree), explain it,
 * check it and try it as a benefit formula. Any disagreement aborts, so libFuzzer reports it. */
#ifndef TESTS_FUZZ_COMMON_H
#define TESTS_FUZZ_COMMON_H

#include <stdlib.h>
#include <string.h>

#include "core/alloc.h"
#include "rules/benefit.h"
#include "rules/check.h"
#include "rules/explain.h"
#include "rules/rules.h"
#include "rules/rules_int.h"
#include "rules/ruletest.h"
#include "rules/text.h"

static tu_ent fuzz_ent(void) {
    tu_ent e;
    json_t *a = json_loads("{\"city\":\"440300\",\"industry\":\"C3811\",\"revenue\":\"2500.5\",\"employees\":120,"
                           "\"rd_ratio\":\"3.1\",\"energy_tce\":\"800\",\"founded\":\"2015-06-01\",\"tags\":\"high_tech\"}",
                           0, NULL);
    if (!a || tu_ent_from_json(a, &e, NULL)) abort();
    json_decref(a);
    return e;
}

static void fuzz_exercise(const json_t *logic) {
    static tu_ent e;
    static int have;
    if (!have) e = fuzz_ent(), have = 1;
    tu_rule *r = NULL;
    if (tu_rule_from_json(logic, &r, NULL) != TU_OK) return;
    char *text = tu_rule_text_print(tu_rule_json(r), NULL);
    if (text) {
        json_t *back = tu_rule_text_parse(text, strlen(text), NULL);
        if (!back || !tu__json_same(back, tu_rule_json(r))) abort(); /* print/parse round trip */
        json_decref(back);
        tu_free(text);
    }
    tu_tri t = tu_rule_eval_ent(r, &e);
    json_t *data = tu_ent_to_json(&e);
    tu_err err = {0};
    json_t *std = tu_jsonlogic_apply(tu_rule_json(r), data, &err);
    if (std && t != TU_TRI_UNKNOWN && (int)t != tu__js_truthy(std)) abort(); /* compiled == standard */
    json_decref(std), json_decref(data);
    json_t *x = tu_rule_explain(r, &e, NULL, NULL);
    char *s = x ? tu_explain_sentences(x, "en") : NULL;
    tu_free(s), json_decref(x);
    json_decref(tu_rule_check(tu_rule_json(r), TU_CHECK_PROJECT, NULL));
    int64_t fen;
    tu_benefit_eval(tu_rule_json(r), &e, NULL, &fen, NULL);
    tu_rule_free(r);
}

#endif
