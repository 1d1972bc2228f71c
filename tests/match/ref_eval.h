/* ref_eval.h — a naive row-wise three-valued JsonLogic evaluator over one record, written independently of
 * src/match for differential tests (the subset the random rules use). Values follow rules.h: codes, enums and
 * dates are strings, numbers are value / 10^places as double, tags a list of names. */
#ifndef TU_TESTS_MATCH_REF_EVAL_H
#define TU_TESTS_MATCH_REF_EVAL_H

#include <jansson.h>
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "core/enterprise.h"
#include "core/num.h"
#include "rules/rules.h"

typedef struct { int missing, is_num; double num; char str[32]; uint32_t tags; int is_tags; } ref_val;

static inline ref_val ref_operand(const json_t *j, const tu_ent *e) {
    ref_val r;
    memset(&r, 0, sizeof r);
    const json_t *v = json_is_object(j) ? json_object_get(j, "var") : NULL;
    if (!v) {
        if (json_is_number(j)) r.is_num = 1, r.num = json_number_value(j);
        else snprintf(r.str, sizeof r.str, "%s", json_is_string(j) ? json_string_value(j) : "");
        return r;
    }
    tu_value x;
    tu_ent_get(e, tu_attr_find(json_string_value(v), json_string_length(v))->id, &x);
    const tu_attr *a = tu_attr_find(json_string_value(v), json_string_length(v));
    if (x.kind == TU_V_MISSING) r.missing = 1;
    else if (x.kind == TU_V_TAGS) r.is_tags = 1, r.tags = x.tags;
    else if (x.kind == TU_V_DATE) tu_date_format((int32_t)x.num, r.str);
    else if (x.kind == TU_V_STR) snprintf(r.str, sizeof r.str, "%.*s", (int)x.len, x.str);
    else if (a->type == TU_T_CODE) snprintf(r.str, sizeof r.str, "%06lld", (long long)x.num);
    else r.is_num = 1, r.num = (double)x.num / pow(10, x.places);
    return r;
}

static inline int ref_cmp(const char *op, ref_val a, ref_val b) {
    int c = a.is_num ? (a.num > b.num) - (a.num < b.num) : strcmp(a.str, b.str);
    if (!strcmp(op, "==")) return c == 0;
    if (!strcmp(op, "!=")) return c != 0;
    if (!strcmp(op, "<")) return c < 0;
    if (!strcmp(op, "<=")) return c <= 0;
    if (!strcmp(op, ">")) return c > 0;
    return c >= 0;
}

static inline tu_tri ref_tri(const json_t *j, const tu_ent *e) {
    if (json_is_boolean(j)) return json_is_true(j) ? TU_TRI_TRUE : TU_TRI_FALSE;
    const char *op = json_object_iter_key(json_object_iter((json_t *)j));
    const json_t *args = json_object_get(j, op);
    size_t n = json_array_size(args);
    if (!strcmp(op, "!") || !strcmp(op, "!!")) {
        tu_tri t = ref_tri(json_is_array(args) ? json_array_get(args, 0) : args, e);
        return t == TU_TRI_UNKNOWN || !strcmp(op, "!!") ? t : (tu_tri)!t;
    }
    if (!strcmp(op, "and") || !strcmp(op, "or")) {
        int is_and = !strcmp(op, "and"), unknown = 0;
        for (size_t i = 0; i < n; i++) {
            tu_tri t = ref_tri(json_array_get(args, i), e);
            if (t == TU_TRI_UNKNOWN) unknown = 1;
            else if ((t == TU_TRI_TRUE) != is_and) return t;
        }
        return unknown ? TU_TRI_UNKNOWN : is_and ? TU_TRI_TRUE : TU_TRI_FALSE;
    }
    ref_val v[3];
    memset(v, 0, sizeof v);
    for (size_t i = 0; i < n && i < 3; i++) {
        const json_t *a = json_array_get(args, i);
        if (json_is_array(a)) continue; /* the list of "in" */
        v[i] = ref_operand(a, e);
        if (v[i].missing) return TU_TRI_UNKNOWN;
    }
    if (!strcmp(op, "in")) {
        const json_t *set = json_array_get(args, 1);
        if (v[1].is_tags) {
            const tu_tag *t = tu_tag_find(v[0].str, strlen(v[0].str));
            return t && (v[1].tags >> t->id & 1u) ? TU_TRI_TRUE : TU_TRI_FALSE;
        }
        for (size_t i = 0; i < json_array_size(set); i++)
            if (!strcmp(json_string_value(json_array_get(set, i)), v[0].str)) return TU_TRI_TRUE;
        return TU_TRI_FALSE;
    }
    if (n == 3) return ref_cmp(op, v[0], v[1]) && ref_cmp(op, v[1], v[2]) ? TU_TRI_TRUE : TU_TRI_FALSE;
    return ref_cmp(op, v[0], v[1]) ? TU_TRI_TRUE : TU_TRI_FALSE;
}

/* Conditions of a rule: the conjuncts of its top-level "and", nested "and"s flattened. */
static inline void ref_conds(const json_t *j, const json_t **out, int *n) {
    const json_t *a = json_is_object(j) ? json_object_get(j, "and") : NULL;
    if (!a || json_object_size(j) != 1) {
        out[(*n)++] = j;
        return;
    }
    for (size_t i = 0; i < json_array_size(a); i++) ref_conds(json_array_get(a, i), out, n);
}

/* The row-wise evaluator of rules/ (the reference of the differential tests): a rule and its conditions. */
typedef struct rs_rule {
    tu_rule *whole, *cond[64];
    int nconds;
} rs_rule;

static inline int rs_build(rs_rule *r, const json_t *j) {
    const json_t *c[64];
    tu_err err;
    memset(r, 0, sizeof *r);
    ref_conds(j, c, &r->nconds);
    if (tu_rule_from_json(j, &r->whole, &err)) return -1;
    for (int i = 0; i < r->nconds; i++)
        if (tu_rule_from_json(c[i], &r->cond[i], &err)) return -1;
    return 0;
}

static inline void rs_free(rs_rule *r) {
    tu_rule_free(r->whole);
    for (int i = 0; i < r->nconds; i++) tu_rule_free(r->cond[i]);
}

static inline int rs_near_miss(const rs_rule *r, const tu_ent *e) {
    int f = 0;
    for (int i = 0; i < r->nconds; i++) {
        tu_tri t = tu_rule_eval_ent(r->cond[i], e);
        if (t == TU_TRI_UNKNOWN) return 0;
        f += t == TU_TRI_FALSE;
    }
    return f == 1;
}

/* Near miss: exactly one condition FALSE, every other TRUE. */
static inline int ref_near_miss(const json_t *j, const tu_ent *e) {
    const json_t *c[64];
    int n = 0, f = 0;
    ref_conds(j, c, &n);
    for (int i = 0; i < n; i++) {
        tu_tri t = ref_tri(c[i], e);
        if (t == TU_TRI_UNKNOWN) return 0;
        f += t == TU_TRI_FALSE;
    }
    return f == 1;
}

#endif
