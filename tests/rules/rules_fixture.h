/* rules_fixture.h — helpers shared by the rules tests: JSON from text, enterprises from JSON, rules from text. */
#ifndef TESTS_RULES_FIXTURE_H
#define TESTS_RULES_FIXTURE_H

#include <jansson.h>
#include <string.h>

#include "rules/rules.h"
#include "rules/ruletest.h"

static inline json_t *fx_json(const char *text) {
    json_error_t je;
    json_t *v = json_loads(text, JSON_DECODE_ANY, &je);
    if (!v) fail_msg("bad test JSON %s: %s", text, je.text);
    return v;
}

static inline tu_ent fx_ent(const char *attrs_json) {
    tu_ent e;
    tu_err err = {0};
    json_t *a = fx_json(attrs_json);
    if (tu_ent_from_json(a, &e, &err)) fail_msg("bad enterprise %s: %s", attrs_json, err.msg);
    json_decref(a);
    return e;
}

static inline tu_rule *fx_rule(const char *logic_json) {
    tu_rule *r = NULL;
    tu_err err = {0};
    json_t *l = fx_json(logic_json);
    if (tu_rule_from_json(l, &r, &err)) fail_msg("bad rule %s: %s", logic_json, err.msg);
    json_decref(l);
    return r;
}

#endif
