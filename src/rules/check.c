/* check.c — static checks of rules against the attribute catalog and the code lists (see check.h).
 *
 * Runs once per saved rule: a walk over the canonical tree that keeps the JSON path of each node, checks each
 * comparison of an attribute with constants, and intersects the numeric bounds and equalities that the
 * conjuncts of each "and" put on one attribute.
 */
#include <math.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/alloc.h"
#include "core/catalog.h"
#include "core/codes.h"
#include "core/num.h"
#include "rules/check.h"
#include "rules/rules_int.h"
#include "rules/text.h"

typedef struct checker {
    int flags;
    json_t *issues, *deps;
} checker;

static void issue(checker *c, const char *sev, const char *code, const char *path, const json_t *node,
                  const char *attr, const char *fmt, ...) __attribute__((format(printf, 7, 8)));

static void issue(checker *c, const char *sev, const char *code, const char *path, const json_t *node,
                  const char *attr, const char *fmt, ...) {
    char msg[400];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof msg, fmt, ap);
    va_end(ap);
    char *text = node ? tu_rule_text_print(node, NULL) : NULL;
    json_array_append_new(c->issues, json_pack("{ssssssss*ss*ss}", "severity", sev, "code", code, "path", path, "text",
                                               text, "attribute", attr, "message", msg));
    tu_free(text);
}

static void add_dep(checker *c, const char *name) {
    for (size_t i = 0; i < json_array_size(c->deps); i++)
        if (strcmp(json_string_value(json_array_get(c->deps, i)), name) == 0) return;
    json_array_append_new(c->deps, json_string(name));
}

/* The catalog attribute a {"var":"name"} reads, or NULL. */
static const tu_attr *var_of(const json_t *v) {
    json_t *args;
    if (tu__logic_op(v, NULL, &args) != TU_OP_VAR) return NULL;
    const json_t *n = json_is_string(args) ? args : json_array_get(args, 0);
    return json_is_string(n) ? tu_attr_find(json_string_value(n), json_string_length(n)) : NULL;
}

static int is_num_attr(const tu_attr *a) { return a->type == TU_T_INT || a->type == TU_T_DEC; }

/* Whether a string constant belongs to the code list of attribute a (1), not (0), or a has no list (-1). */
static int in_code_list(const tu_attr *a, const char *s, size_t n) {
    switch (a->id) {
    case TU_A_CITY: return n == 6 && tu_city_find((uint32_t)strtoul(s, NULL, 10)) != NULL && strspn(s, "0123456789") == 6;
    case TU_A_DISTRICT: return n == 6 && strspn(s, "0123456789") == 6;
    case TU_A_INDUSTRY: return tu_industry_validate(s, n, NULL, NULL) == TU_OK;
    case TU_A_INDUSTRY_DIVISION: return n == 3 && tu_division_index(s) >= 0;
    case TU_A_INDUSTRY_SECTION: return n == 1 && tu_industry_find(s, 1) != NULL;
    case TU_A_SIZE: return tu_size_parse(s, n) >= 0;
    case TU_A_REGION: return n < 40 && tu_region_parse(s) >= 0;
    case TU_A_USCC: return tu_uscc_validate(s, n, NULL, NULL) == TU_OK;
    case TU_A_FOUNDED: {
        int32_t d;
        return tu_date_parse(s, n, &d, NULL) == TU_OK;
    }
    default: return -1;
    }
}

/* One constant compared with (or listed for) attribute a. */
static void check_const(checker *c, const tu_attr *a, int op, const json_t *k, const char *path, const json_t *node) {
    if (a->type == TU_T_TAGS) {
        issue(c, "error", "type_mismatch", path, node, a->name, "tags is a set of qualifications: write \"high_tech\" in tags");
        return;
    }
    if (is_num_attr(a)) {
        if (json_is_string(k) && isnan(tu__js_strtonum(json_string_value(k), json_string_length(k))))
            issue(c, "error", "type_mismatch", path, node, a->name, "%s is a number (%s), compared with the text \"%.60s\"",
                  a->name, tu_attr_type_name(a->type), json_string_value(k));
        else if (json_is_string(k) || json_is_boolean(k) || json_is_null(k))
            issue(c, op == TU_OP_SEQ ? "error" : "warning", "type_mismatch", path, node, a->name,
                  "%s is a number: write the constant as a number", a->name);
        else if (a->type == TU_T_INT && (op == TU_OP_EQ || op == TU_OP_SEQ) && json_is_real(k) &&
                 json_real_value(k) != trunc(json_real_value(k)))
            issue(c, "error", "never_true", path, node, a->name, "%s is a whole number and never equals %g", a->name,
                  json_real_value(k));
        return;
    }
    if (!json_is_string(k)) {
        issue(c, op == TU_OP_SEQ || op == TU_OP_IN ? "error" : "warning", "type_mismatch", path, node, a->name,
              "%s is %s text: write the constant in quotes", a->name, tu_attr_type_name(a->type));
        return;
    }
    int known = in_code_list(a, json_string_value(k), json_string_length(k));
    if (known == 0)
        issue(c, "error", "unknown_code", path, node, a->name, "\"%.60s\" is not a valid %s", json_string_value(k), a->name);
}

static const char *cmp_name(int op) { return tu__op_name(op); }

/* A non-negative attribute below zero, or a comparison that excludes every value. */
static void check_sign(checker *c, const tu_attr *a, int op, double k, const char *path, const json_t *node) {
    if (!(a->flags & TU_AF_NONNEG)) return;
    if ((op == TU_OP_LT && k <= 0) || (op == TU_OP_LE && k < 0) || ((op == TU_OP_EQ || op == TU_OP_SEQ) && k < 0))
        issue(c, "error", "never_true", path, node, a->name, "%s is never negative, so %s %s %g never holds", a->name,
              a->name, cmp_name(op), k);
}

static int flip(int op) {
    return op == TU_OP_LT ? TU_OP_GT : op == TU_OP_GT ? TU_OP_LT : op == TU_OP_LE ? TU_OP_GE : op == TU_OP_GE ? TU_OP_LE : op;
}

static int is_cmp(int op) {
    return op == TU_OP_EQ || op == TU_OP_SEQ || op == TU_OP_NE || op == TU_OP_SNE || op == TU_OP_GT || op == TU_OP_GE ||
           op == TU_OP_LT || op == TU_OP_LE;
}

/* attr OP constant (either order), with the constant and the op as seen from the attribute */
static const tu_attr *attr_cmp(int op, const json_t *args, int *op_out, const json_t **k) {
    const json_t *a0 = json_array_get(args, 0), *a1 = json_array_get(args, 1);
    const tu_attr *a;
    if (!is_cmp(op) || json_array_size(args) != 2) return NULL;
    if ((a = var_of(a0)) && tu__logic_op(a1, NULL, NULL) < 0 && !json_is_array(a1)) *k = a1, *op_out = op;
    else if ((a = var_of(a1)) && tu__logic_op(a0, NULL, NULL) < 0 && !json_is_array(a0)) *k = a0, *op_out = flip(op);
    else return NULL;
    return a;
}

static void check_leaf(checker *c, int op, const json_t *args, const char *path, const json_t *node) {
    const json_t *k;
    int aop;
    const tu_attr *a = attr_cmp(op, args, &aop, &k);
    if (a) {
        check_const(c, a, aop, k, path, node);
        if (json_is_number(k) && is_num_attr(a)) check_sign(c, a, aop, json_number_value(k), path, node);
        return;
    }
    if (op != TU_OP_IN || json_array_size(args) != 2) return;
    const json_t *needle = json_array_get(args, 0), *hay = json_array_get(args, 1);
    const tu_attr *h = var_of(hay);
    if (h && h->id == TU_A_TAGS && json_is_string(needle)) {
        if (!tu_tag_find(json_string_value(needle), json_string_length(needle)))
            issue(c, "error", "unknown_code", path, node, "tags", "\"%.60s\" is not a tag of the catalog", json_string_value(needle));
    } else if ((a = var_of(needle)) && json_is_array(hay)) {
        if (json_array_size(hay) == 0) issue(c, "error", "never_true", path, node, a->name, "the list is empty, so this never holds");
        for (size_t i = 0; i < json_array_size(hay); i++) check_const(c, a, TU_OP_IN, json_array_get(hay, i), path, node);
    }
}

/* ---- bounds that the conjuncts of one "and" put on an attribute ---- */

typedef struct bound {
    double lo, hi;
    int lo_open, hi_open, has_lo, has_hi;
    const char *eq; /* a string equality */
    size_t eq_len;
} bound;

static void narrow(bound *b, int op, double k) {
    int lower = op == TU_OP_GT || op == TU_OP_GE || op == TU_OP_EQ || op == TU_OP_SEQ;
    int upper = op == TU_OP_LT || op == TU_OP_LE || op == TU_OP_EQ || op == TU_OP_SEQ;
    int open = op == TU_OP_GT || op == TU_OP_LT;
    if (lower && (!b->has_lo || k > b->lo || (k == b->lo && open))) b->lo = k, b->lo_open = open, b->has_lo = 1;
    if (upper && (!b->has_hi || k < b->hi || (k == b->hi && open))) b->hi = k, b->hi_open = open, b->has_hi = 1;
}

static void check_and(checker *c, const json_t *args, const char *path, const json_t *node) {
    bound b[TU_A_COUNT];
    int conflict[TU_A_COUNT] = {0};
    memset(b, 0, sizeof b);
    for (size_t i = 0; i < json_array_size(args); i++) {
        const json_t *k, *x = json_array_get(args, i);
        json_t *xa;
        int aop, op = tu__logic_op(x, NULL, &xa);
        const tu_attr *a = op >= 0 ? attr_cmp(op, xa, &aop, &k) : NULL;
        if (!a) continue;
        if (json_is_number(k) && is_num_attr(a)) narrow(&b[a->id], aop, json_number_value(k));
        if (json_is_string(k) && (aop == TU_OP_EQ || aop == TU_OP_SEQ)) {
            bound *s = &b[a->id];
            if (s->eq && (s->eq_len != json_string_length(k) || memcmp(s->eq, json_string_value(k), s->eq_len) != 0))
                conflict[a->id] = 1;
            s->eq = json_string_value(k), s->eq_len = json_string_length(k);
        }
    }
    for (int id = 0; id < TU_A_COUNT; id++) {
        bound *x = &b[id];
        int empty = x->has_lo && x->has_hi && (x->lo > x->hi || (x->lo == x->hi && (x->lo_open || x->hi_open)));
        if (empty || conflict[id])
            issue(c, "error", "never_true", path, node, tu_attr_get(id)->name,
                  "the conditions on %s contradict each other: no value satisfies all of them", tu_attr_get(id)->name);
    }
}

/* ---- the walk ---- */

static void walk(checker *c, const json_t *v, const char *path);

static void walk_list(checker *c, const json_t *arr, const char *path, const char *name, size_t from, size_t to) {
    char sub[1024];
    for (size_t i = from; i < json_array_size(arr) && i < to; i++) {
        snprintf(sub, sizeof sub, "%s%s%s/%zu", path, name ? "/" : "", name ? name : "", i);
        walk(c, json_array_get(arr, i), sub);
    }
}

static void walk_var(checker *c, const json_t *args, const char *path, const json_t *node) {
    const json_t *n = json_is_string(args) ? args : json_array_get(args, 0);
    if (!json_is_string(n)) return;
    const char *name = json_string_value(n);
    const tu_attr *a = tu_attr_find(name, json_string_length(n));
    const tu_field *f = a ? NULL : tu_field_find(name, json_string_length(n));
    if (a) add_dep(c, a->name);
    else if (f && (c->flags & TU_CHECK_PROJECT)) add_dep(c, f->name);
    else if (f) issue(c, "error", "unknown_attribute", path, node, name, "\"%.60s\" is read only by benefit formulas", name);
    else if ((c->flags & TU_CHECK_PROJECT) && strchr(name, '.'))
        issue(c, "error", "unknown_attribute", path, node, name,
              "\"%.60s\" is neither an attribute nor a project.* or loan.* field of the catalog", name);
    else issue(c, "error", "unknown_attribute", path, node, name, "\"%.60s\" is not an attribute of the catalog", name);
}

static void walk(checker *c, const json_t *v, const char *path) {
    const char *name;
    json_t *args;
    if (json_is_array(v)) {
        walk_list(c, v, path, NULL, 0, SIZE_MAX);
        return;
    }
    int op = tu__logic_op(v, &name, &args);
    if (op < 0 || op == TU_OP_COUNT) return;
    if (op == TU_OP_VAR) {
        walk_var(c, args, path, v);
        return;
    }
    if (op == TU_OP_AND) check_and(c, args, path, v);
    check_leaf(c, op, args, path, v);
    /* in map/filter/... the second argument reads the elements, not the enterprise */
    walk_list(c, args, path, name, 0, tu__op_scoped(op) ? 1 : SIZE_MAX);
    if (op == TU_OP_REDUCE) walk_list(c, args, path, name, 2, 3);
}

json_t *tu_rule_check(const json_t *logic, int flags, tu_err *err) {
    json_t *canon;
    if (tu__rule_canonical(logic, &canon, err)) return NULL;
    checker c = {flags, json_array(), json_array()};
    walk(&c, canon, "");
    int ok = 1;
    for (size_t i = 0; i < json_array_size(c.issues); i++)
        ok &= strcmp(json_string_value(json_object_get(json_array_get(c.issues, i), "severity")), "error") != 0;
    json_decref(canon);
    json_t *out = json_pack("{sbsoso}", "ok", ok, "issues", c.issues, "depends_on", c.deps);
    if (!out) tu_err_set(err, TU_ENOMEM, "out of memory");
    return out;
}
