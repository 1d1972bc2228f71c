/* rowval.c — the row-wise evaluator for residual sub-rules (the parts of a rule the plan cannot express).
 *
 * Stopgap until rules/ lands: it covers string (in)equality and list membership of any code or text
 * attribute ("industry" == "C3811", district in [...], uscc == ...). When tu_rule_eval_ent is available,
 * tu__resid_supported becomes "tu_rule_from_json succeeds" and tu__resid_eval calls tu_rule_eval_ent.
 */
#include <stdio.h>
#include <string.h>

#include "match/match_int.h"

static int str_attr(const json_t *j) {
    int attr = tu__var_attr(j);
    tu_attr_type t = attr >= 0 ? tu_attr_get(attr)->type : TU_T_INT;
    return t == TU_T_CODE || t == TU_T_TEXT || t == TU_T_ENUM ? attr : -1;
}

static int all_strings(const json_t *a) {
    for (size_t i = 0; i < json_array_size(a); i++)
        if (!json_is_string(json_array_get(a, i))) return 0;
    return json_is_array(a);
}

/* Splits a supported residual into (op, attr, constant); 0 when not supported. */
static int shape(const json_t *j, const char **op, int *attr, const json_t **c) {
    if (!json_is_object(j) || json_object_size(j) != 1) return 0;
    *op = json_object_iter_key(json_object_iter((json_t *)j));
    const json_t *args = json_object_get(j, *op);
    if (json_array_size(args) != 2) return 0;
    *attr = str_attr(json_array_get(args, 0));
    *c = json_array_get(args, 1);
    if (*attr < 0) return 0;
    if (!strcmp(*op, "in")) return all_strings(*c);
    return (!strcmp(*op, "==") || !strcmp(*op, "!=")) && json_is_string(*c);
}

int tu__resid_supported(const json_t *logic) {
    const char *op;
    int attr;
    const json_t *c;
    return shape(logic, &op, &attr, &c);
}

static int equals(const json_t *s, const char *v, size_t len) {
    return json_string_length(s) == len && memcmp(json_string_value(s), v, len) == 0;
}

tu_tri tu__resid_eval(const json_t *logic, const tu_ent *e) {
    const char *op;
    int attr;
    const json_t *c;
    if (!shape(logic, &op, &attr, &c) || !TU_ENT_HAS(e, attr)) return TU_TRI_UNKNOWN;
    char buf[16];
    tu_value v;
    tu_ent_get(e, attr, &v);
    if (v.kind == TU_V_NUM) v.len = (size_t)snprintf(buf, sizeof buf, "%06u", (unsigned)v.num), v.str = buf;
    int hit = 0;
    if (!strcmp(op, "in")) {
        for (size_t i = 0; i < json_array_size(c) && !hit; i++) hit = equals(json_array_get(c, i), v.str, v.len);
    } else {
        hit = equals(c, v.str, v.len) == !strcmp(op, "==");
    }
    return hit ? TU_TRI_TRUE : TU_TRI_FALSE;
}
