/* compile.c — JsonLogic -> a tree of set-algebra operators (tu__node), and that tree evaluated on one record.
 *
 * The compilable subset: and, or, !, !!, comparisons of a variable with a constant (numbers for numeric
 * attributes, "YYYY-MM-DD" for dates, code strings for city/division/section/size/region, incl. the
 * 3-argument between form of < and <=), "in" of a code variable over a list of strings and of a tag name over
 * tags. Numeric comparisons become integer ranges [lo, hi] on the stored fixed-point value, computed with the
 * same double arithmetic the row-wise evaluator uses, so the two agree on every value. Anything else becomes a
 * residual node (evaluated row by row). Workload: compile once per rule, run many times.
 */
#include <math.h>
#include <string.h>

#include "core/alloc.h"
#include "core/num.h"
#include "match/match.h"
#include "match/match_int.h"

enum { MAX_DEPTH = 64 };

static tu__node *node_new(tu__ntype t) {
    tu__node *n = tu_calloc(1, sizeof *n);
    if (n) n->type = t;
    return n;
}

void tu__node_free(tu__node *n) {
    if (!n) return;
    for (int i = 0; i < n->nkids; i++) tu__node_free(n->kids[i]);
    tu_free(n->kids);
    tu_rule_free(n->rule);
    tu_free(n);
}

static int add_kid(tu__node *n, tu__node *k) {
    tu__node **p = tu_realloc(n->kids, (size_t)(n->nkids + 1) * sizeof *p);
    if (!p) return TU_ENOMEM;
    n->kids = p, n->kids[n->nkids++] = k;
    n->attrs |= k->attrs;
    return TU_OK;
}

/* Attribute id of {"var":"name"} / {"var":["name"]}, or -1. */
int tu__var_attr(const json_t *j) {
    if (!json_is_object(j) || json_object_size(j) != 1) return -1;
    const json_t *v = json_object_get(j, "var");
    if (json_is_array(v) && json_array_size(v) == 1) v = json_array_get(v, 0);
    if (!json_is_string(v)) return -1;
    const tu_attr *a = tu_attr_find(json_string_value(v), json_string_length(v));
    return a ? a->id : -1;
}

/* ---- numeric thresholds ---- */
static double scale_of(int attr) {
    const tu_attr *a = tu_attr_get(attr);
    return a->type == TU_T_DEC ? (double)TU_DEC_SCALE : 1.0;
}

#define LIM ((int64_t)1 << 62)

/* Smallest t in [-LIM, LIM] with value(t) >= c (strict: > c), by the evaluator's double arithmetic. */
static int64_t min_at_least(double c, double scale, int strict) {
#define P(t) (strict ? (double)(t) / scale > c : (double)(t) / scale >= c)
    if (!(c * scale < 4.0e18)) return LIM;
    if (!(c * scale > -4.0e18)) return -LIM;
    int64_t t = (int64_t)floor(c * scale);
    for (int i = 0; i < 8 && P(t - 1); i++) t--;
    for (int i = 0; i < 8 && !P(t); i++) t++;
    return t;
#undef P
}

/* Range [lo, hi] of stored values v with "v op c" true; returns 0, or -1 if op is not a comparison. */
static int op_range(const char *op, int64_t ge, int64_t gt, int64_t *lo, int64_t *hi) {
    *lo = INT64_MIN, *hi = INT64_MAX;
    if (!strcmp(op, ">=")) *lo = ge;
    else if (!strcmp(op, ">")) *lo = gt;
    else if (!strcmp(op, "<=")) *hi = gt - 1;
    else if (!strcmp(op, "<")) *hi = ge - 1;
    else if (!strcmp(op, "==") || !strcmp(op, "!=")) *lo = ge, *hi = gt - 1;
    else return -1;
    return 0;
}

static const char *flip(const char *op) {
    if (!strcmp(op, "<")) return ">";
    if (!strcmp(op, "<=")) return ">=";
    if (!strcmp(op, ">")) return "<";
    if (!strcmp(op, ">=")) return "<=";
    return op;
}

/* ge/gt thresholds of constant c for attribute attr; returns 0 or -1 when c does not fit (then: residual). */
static int thresholds(int attr, const json_t *c, int64_t *ge, int64_t *gt) {
    const tu_attr *a = tu_attr_get(attr);
    if (a->type == TU_T_DATE) {
        int32_t d;
        if (!json_is_string(c) || tu_date_parse(json_string_value(c), json_string_length(c), &d, NULL)) return -1;
        *ge = d, *gt = (int64_t)d + 1;
        return 0;
    }
    if ((a->type != TU_T_INT && a->type != TU_T_DEC) || !json_is_number(c)) return -1;
    double x = json_number_value(c), s = scale_of(attr);
    *ge = min_at_least(x, s, 0), *gt = min_at_least(x, s, 1);
    return 0;
}

static tu__node *range_node(int attr, int64_t lo, int64_t hi) {
    tu__node *n = node_new(TU__N_RANGE);
    if (n) n->attr = attr, n->lo = lo, n->hi = hi, n->attrs = 1u << attr;
    return n;
}

static tu__node *not_node(tu__node *k) {
    tu__node *n = k ? node_new(TU__N_NOT) : NULL;
    if (n && add_kid(n, k) == TU_OK) return n;
    tu__node_free(n);
    tu__node_free(k);
    return NULL;
}

static tu__node *codes_node(int attr, int slot, const json_t *const *vals, size_t nv) {
    tu__node *n = node_new(TU__N_CODES);
    if (!n) return NULL;
    n->attr = attr, n->k = slot, n->attrs = 1u << attr;
    for (size_t i = 0; i < nv; i++) {
        int v = tu__code_value(slot, json_string_value(vals[i]), json_string_length(vals[i]));
        if (v >= 0) n->vals[v >> 6] |= 1ull << (v & 63);
    }
    return n;
}

/* var OP const (op already oriented). NULL result with *unsupported = 1 when outside the subset. */
static tu__node *cmp_leaf(const char *op, int attr, const json_t *c, int *unsupported) {
    int slot = tu__code_slot(attr);
    if (slot >= 0) {
        if ((strcmp(op, "==") && strcmp(op, "!=")) || !json_is_string(c)) return *unsupported = 1, NULL;
        tu__node *n = codes_node(attr, slot, &c, 1);
        return strcmp(op, "!=") ? n : not_node(n);
    }
    int64_t ge, gt, lo, hi;
    if (tu__num_slot(attr) < 0 || thresholds(attr, c, &ge, &gt) || op_range(op, ge, gt, &lo, &hi))
        return *unsupported = 1, NULL;
    tu__node *n = range_node(attr, lo, hi);
    return strcmp(op, "!=") ? n : not_node(n);
}

static int is_cmp(const char *op) {
    return !strcmp(op, "==") || !strcmp(op, "!=") || !strcmp(op, "<") || !strcmp(op, "<=") || !strcmp(op, ">") ||
           !strcmp(op, ">=");
}

static tu__node *compile_cmp(const char *op, const json_t *args, int *unsupported) {
    size_t n = json_array_size(args);
    if (n == 3 && (!strcmp(op, "<") || !strcmp(op, "<="))) { /* a < x < b */
        int attr = tu__var_attr(json_array_get(args, 1));
        if (attr < 0 || tu__num_slot(attr) < 0) return *unsupported = 1, NULL;
        int64_t ge1, gt1, ge2, gt2, lo, hi, lo2, hi2;
        if (thresholds(attr, json_array_get(args, 0), &ge1, &gt1) ||
            thresholds(attr, json_array_get(args, 2), &ge2, &gt2))
            return *unsupported = 1, NULL;
        op_range(flip(op), ge1, gt1, &lo, &hi);
        op_range(op, ge2, gt2, &lo2, &hi2);
        return range_node(attr, lo, hi2);
    }
    if (n != 2) return *unsupported = 1, NULL;
    int a0 = tu__var_attr(json_array_get(args, 0)), a1 = tu__var_attr(json_array_get(args, 1));
    if (a0 >= 0 && a1 < 0) return cmp_leaf(op, a0, json_array_get(args, 1), unsupported);
    if (a1 >= 0 && a0 < 0) return cmp_leaf(flip(op), a1, json_array_get(args, 0), unsupported);
    return *unsupported = 1, NULL;
}

static tu__node *compile_in(const json_t *args, int *unsupported) {
    if (json_array_size(args) != 2) return *unsupported = 1, NULL;
    const json_t *x = json_array_get(args, 0), *set = json_array_get(args, 1);
    int ax = tu__var_attr(x), as = tu__var_attr(set);
    if (as == TU_A_TAGS && json_is_string(x)) {
        const tu_tag *t = tu_tag_find(json_string_value(x), json_string_length(x));
        tu__node *n = node_new(t ? TU__N_TAG : TU__N_CONST);
        if (n) n->k = t ? t->id : TU_TRI_FALSE, n->attrs = 1u << TU_A_TAGS;
        return n;
    }
    int slot = ax >= 0 ? tu__code_slot(ax) : -1;
    if (slot < 0 || !json_is_array(set)) return *unsupported = 1, NULL;
    enum { MAXV = 256 };
    const json_t *vals[MAXV];
    size_t nv = json_array_size(set);
    if (nv > MAXV) return *unsupported = 1, NULL;
    for (size_t i = 0; i < nv; i++)
        if (!json_is_string(vals[i] = json_array_get(set, i))) return *unsupported = 1, NULL;
    return codes_node(ax, slot, vals, nv);
}

static int compile(const json_t *j, int depth, tu__node **out, tu_err *err);

static int compile_bool(const char *op, const json_t *args, int depth, tu__node **out, tu_err *err) {
    size_t n = json_array_size(args);
    int negate = !strcmp(op, "!");
    if ((negate || !strcmp(op, "!!")) && n != 1)
        return tu_err_set(err, TU_EPARSE, "'%s' takes one argument", op);
    if (n == 0) return tu_err_set(err, TU_EPARSE, "'%s' needs at least one argument", op);
    if (negate) {
        int rc = compile(json_array_get(args, 0), depth + 1, out, err);
        if (rc) return rc;
        return (*out = not_node(*out)) ? TU_OK : tu_err_set(err, TU_ENOMEM, "out of memory");
    }
    /* "!!" is a one-kid "or": the same truth value, and it keeps an "and" inside from being split into
     * separate conditions (a rule that is not an "and" is one condition). */
    tu__node *node = node_new(!strcmp(op, "and") ? TU__N_AND : TU__N_OR);
    if (!node) return tu_err_set(err, TU_ENOMEM, "out of memory");
    for (size_t i = 0; i < n; i++) {
        tu__node *k = NULL;
        int rc = compile(json_array_get(args, i), depth + 1, &k, err);
        if (!rc && (rc = add_kid(node, k))) tu__node_free(k), tu_err_set(err, rc, "out of memory");
        if (rc) {
            tu__node_free(node);
            return rc;
        }
    }
    *out = node;
    return TU_OK;
}

/* A sub-rule outside the compilable subset: rules/ compiles it (or reports why it is not a valid rule). */
static int residual(const json_t *j, tu__node **out, tu_err *err) {
    tu__node *n = node_new(TU__N_RESID);
    if (!n) return tu_err_set(err, TU_ENOMEM, "out of memory");
    int rc = tu_rule_from_json(j, &n->rule, err);
    if (rc) {
        tu__node_free(n);
        return rc;
    }
    n->attrs = ~0u;
    *out = n;
    return TU_OK;
}

static int compile(const json_t *j, int depth, tu__node **out, tu_err *err) {
    *out = NULL;
    if (depth > MAX_DEPTH) return tu_err_set(err, TU_EDEPTH, "rule is nested deeper than %d", MAX_DEPTH);
    if (json_is_boolean(j)) {
        tu__node *n = node_new(TU__N_CONST);
        if (!n) return tu_err_set(err, TU_ENOMEM, "out of memory");
        n->k = json_is_true(j) ? TU_TRI_TRUE : TU_TRI_FALSE;
        *out = n;
        return TU_OK;
    }
    if (!json_is_object(j) || json_object_size(j) != 1) return residual(j, out, err);
    const char *op = json_object_iter_key(json_object_iter((json_t *)j));
    json_t *args = json_object_get(j, op), *wrapped = NULL;
    if (!json_is_array(args)) args = wrapped = json_pack("[O]", args);
    if (!args) return tu_err_set(err, TU_ENOMEM, "out of memory");
    int rc = TU_OK, unsupported = 0;
    tu__node *n = NULL;
    if (!strcmp(op, "and") || !strcmp(op, "or") || !strcmp(op, "!") || !strcmp(op, "!!")) {
        rc = compile_bool(op, args, depth, &n, err);
    } else {
        if (is_cmp(op)) n = compile_cmp(op, args, &unsupported);
        else if (!strcmp(op, "in")) n = compile_in(args, &unsupported);
        else unsupported = 1;
        if (unsupported) rc = residual(j, &n, err);
        else if (!n) rc = tu_err_set(err, TU_ENOMEM, "out of memory");
    }
    json_decref(wrapped);
    *out = n;
    return rc;
}

static int count_resid(const tu__node *n) {
    int c = n->type == TU__N_RESID;
    for (int i = 0; i < n->nkids; i++) c += count_resid(n->kids[i]);
    return c;
}

static int collect_conds(tu_plan *p, tu__node *n) {
    if (n->type == TU__N_AND) {
        for (int i = 0; i < n->nkids; i++)
            if (collect_conds(p, n->kids[i])) return TU_ENOMEM;
        return TU_OK;
    }
    tu__node **c = tu_realloc(p->conds, (size_t)(p->nconds + 1) * sizeof *c);
    if (!c) return TU_ENOMEM;
    p->conds = c, p->conds[p->nconds++] = n;
    return TU_OK;
}

int tu_plan_compile(const json_t *logic, tu_plan **out, tu_err *err) {
    *out = NULL;
    tu_plan *p = tu_calloc(1, sizeof *p);
    if (!p) return tu_err_set(err, TU_ENOMEM, "out of memory");
    int rc = compile(logic, 0, &p->root, err);
    if (!rc && collect_conds(p, p->root)) rc = tu_err_set(err, TU_ENOMEM, "out of memory");
    if (rc) {
        tu_plan_free(p);
        return rc;
    }
    p->nresid = count_resid(p->root);
    *out = p;
    return TU_OK;
}

void tu_plan_free(tu_plan *p) {
    if (!p) return;
    tu__node_free(p->root);
    tu_free(p->conds);
    tu_free(p);
}

int tu_plan_conditions(const tu_plan *p) { return p->nconds; }
int tu_plan_residuals(const tu_plan *p) { return p->nresid; }

/* ---- one record ---- */
static int64_t ent_value(const tu_ent *e, int attr) {
    tu_value v;
    tu_ent_get(e, attr, &v);
    return v.num;
}

int tu__has_resid(const tu__node *n) {
    if (n->type == TU__N_RESID) return 1;
    for (int i = 0; i < n->nkids; i++)
        if (tu__has_resid(n->kids[i])) return 1;
    return 0;
}

/* A leaf on a record (tu__node_eval_by does the junctions). */
static tu_tri ent_leaf(const tu__node *n, const void *row) {
    const tu_ent *e = row;
    switch (n->type) {
    case TU__N_TAG: return (e->tags >> n->k & 1u) ? TU_TRI_TRUE : TU_TRI_FALSE;
    case TU__N_RANGE: {
        if (!TU_ENT_HAS(e, n->attr)) return TU_TRI_UNKNOWN;
        int64_t v = ent_value(e, n->attr);
        return v >= n->lo && v <= n->hi ? TU_TRI_TRUE : TU_TRI_FALSE;
    }
    case TU__N_CODES: {
        if (!TU_ENT_HAS(e, n->attr)) return TU_TRI_UNKNOWN;
        int v = tu__code_of_ent(n->k, e);
        return v >= 0 && (n->vals[v >> 6] >> (v & 63) & 1u) ? TU_TRI_TRUE : TU_TRI_FALSE;
    }
    default: return tu_rule_eval_ent(n->rule, e);
    }
}

tu_tri tu__node_eval_ent(const tu__node *n, const tu_ent *e) { return tu__node_eval_by(n, ent_leaf, e); }
