/* h_rules.c — rules as a service: static checks of a rule written as JsonLogic or readable text, and the
 * explanation of a rule for one enterprise the caller may see (the route table checked the body's "uscc").
 * Workload: one parse, check and print per request (rules are small: the body limit bounds them). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "app/enterprises.h"
#include "app/match_service.h"
#include "core/alloc.h"
#include "core/codes.h"
#include "http/http_int.h"
#include "rules/check.h"
#include "rules/explain.h"
#include "rules/rules.h"
#include "rules/text.h"

/* The rule of a request body: "rule" (JsonLogic) or "text" (readable syntax) -> canonical JsonLogic (new
 * reference). A syntax error is TU_EPARSE with err->line/col; a body with neither is TU_EVALIDATION. */
static int body_rule(tu_req *r, json_t **logic, int *from_text, tu_err *err) {
    json_t *j = json_object_get(r->json, "rule"), *t = json_object_get(r->json, "text");
    *logic = NULL, *from_text = 0;
    if ((j != NULL) == (t != NULL))
        return tu_err_set(err, TU_EVALIDATION, "send the rule as 'rule' (JsonLogic) or 'text' (readable), one of them");
    if (j) {
        *logic = json_incref(j);
        return TU_OK;
    }
    if (!json_is_string(t)) return tu_err_set(err, TU_EVALIDATION, "'text' must be a string");
    *from_text = 1;
    *logic = tu_rule_text_parse(json_string_value(t), json_string_length(t), err);
    return *logic ? TU_OK : (err->code ? err->code : TU_EPARSE);
}

/* {"line","column","code","message","caret"} of a parse error (line/column only for text). */
static json_t *error_json(tu_req *r, const tu_err *e, int from_text) {
    json_t *o = json_pack("{s:s,s:s}", "code", tu_err_code(e->code), "message", e->msg);
    if (!from_text || e->line <= 0) return o;
    json_t *t = json_object_get(r->json, "text");
    char caret[1024];
    tu_rule_text_caret(json_string_value(t), json_string_length(t), e, caret, sizeof caret);
    json_object_set_new(o, "line", json_integer(e->line));
    json_object_set_new(o, "column", json_integer(e->col));
    json_object_set_new(o, "caret", json_string(caret));
    return o;
}

/* Reply of a rule that does not parse or compile: 200 {"ok":false,"errors":[...]} (the check itself worked). */
static int reply_invalid(tu_req *r, const tu_err *e, int from_text) {
    json_t *errors = json_array();
    json_array_append_new(errors, error_json(r, e, from_text));
    return tu_reply_json(r, 200, json_pack("{s:b,s:o,s:[],s:[]}", "ok", 0, "errors", errors, "issues",
                                           "attributes"));
}

int tu_h_rules_validate(tu_req *r, tu_err *err) {
    json_t *logic;
    int from_text;
    tu_err perr = {0};
    int rc = body_rule(r, &logic, &from_text, &perr);
    if (rc == TU_EVALIDATION) return tu_err_set(err, rc, "%s", perr.msg);
    tu_rule *rule = NULL;
    if (!rc) rc = tu_rule_from_json(logic, &rule, &perr);
    json_t *report = rc ? NULL : tu_rule_check(tu_rule_json(rule), 0, &perr);
    if (!report) {
        json_decref(logic), tu_rule_free(rule);
        if (perr.code == TU_ENOMEM) return TU_ENOMEM;
        return reply_invalid(r, &perr, from_text);
    }
    char *text = tu_rule_text_print(tu_rule_json(rule), &perr);
    json_object_set(report, "attributes", json_object_get(report, "depends_on"));
    json_object_set_new(report, "errors", json_array());
    json_object_set(report, "json", (json_t *)tu_rule_json(rule));
    json_object_set_new(report, "text", text ? json_string(text) : json_null());
    tu_free(text), json_decref(logic), tu_rule_free(rule);
    return tu_reply_json(r, 200, report);
}

/* Body: {"rule":JsonLogic | "text":"...", "uscc":"...", "k":1}. */
int tu_h_rules_explain(tu_req *r, tu_err *err) {
    const char *uscc;
    json_t *logic = NULL, *k = json_object_get(r->json, "k");
    int from_text;
    int rc = tu_req_body_str(r, "uscc", 18, &uscc, err);
    if (!rc && k && (!json_is_integer(k) || json_integer_value(k) < 1 || json_integer_value(k) > 5))
        rc = tu_err_set(err, TU_EVALIDATION, "'k' must be an integer 1..5");
    if (!rc && (rc = body_rule(r, &logic, &from_text, err)) == TU_EPARSE)
        return tu_err_set(err, TU_EPARSE, "line %d, column %d: %.400s", err->line, err->col, err->msg);
    tu_rule *rule = NULL;
    if (!rc) rc = tu_rule_from_json(logic, &rule, err);
    json_decref(logic);
    int64_t id;
    tu_ent e;
    json_t *prov = NULL, *x = NULL;
    if (!rc) rc = tu_store_ent_get_by_uscc(r->store, uscc, &id, &e, NULL, err);
    if (!rc) rc = tu_app_ent_provenance(r->store, id, &e, &prov, err);
    tu_explain_opts o = {k ? (int)json_integer_value(k) : 1, prov};
    if (!rc && !(x = tu_rule_explain(rule, &e, &o, err))) rc = err->code ? err->code : TU_ENOMEM;
    tu_rule_free(rule), json_decref(prov);
    if (rc) return rc;
    return tu_reply_json(r, 200, json_pack("{s:s,s:s,s:o,s:{s:o,s:o}}", "uscc", e.uscc, "name", e.name,
                                           "explanation", x, "sentences", "zh", tu_explain_lines(x, "zh"), "en",
                                           tu_explain_lines(x, "en")));
}

/* Body: {"rule" | "text", "city":"440300" (optional)}. A city official's counts are always those of its city. */
int tu_h_rules_match(tu_req *r, tu_err *err) {
    json_t *logic = NULL, *c = json_object_get(r->json, "city");
    int from_text;
    uint32_t city = 0;
    if (c && (!json_is_string(c) || !tu_city_find(city = (uint32_t)strtoul(json_string_value(c), NULL, 10))))
        return tu_err_set(err, TU_EVALIDATION, "'city' must be a city code of the province");
    if (r->who.role == TU_ROLE_CITY_OFFICIAL) {
        uint32_t own = (uint32_t)strtoul(r->who.scope, NULL, 10);
        if (city && city != own) return tu_err_set(err, TU_EFORBIDDEN, "outside your scope");
        city = own;
    }
    int rc = body_rule(r, &logic, &from_text, err);
    if (rc == TU_EPARSE) return tu_err_set(err, TU_EPARSE, "line %d, column %d: %.400s", err->line, err->col, err->msg);
    json_t *out = NULL;
    if (!rc) rc = tu_match_svc_count(tu__server_match(r->srv), logic, city, &out, err);
    json_decref(logic);
    return rc ? rc : tu_reply_json(r, 200, out);
}
