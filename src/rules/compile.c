/* compile.c — rules compiled to a flat program over attribute ids, evaluated three-valued per enterprise.
 *
 * Workload: one rule is compiled once and then evaluated for millions of enterprises (matching, push), so
 * evaluation reads the record through tu_ent_get, keeps values in a small struct on the stack and never
 * allocates. Nodes live in one array, children as index ranges of a second one. Strings in the program point
 * into the rule's canonical JSON, which the rule keeps alive.
 *
 * What compiles: var of catalog attributes, literals, and/or/!/!!/if, comparisons, in (lists, strings, tags),
 * arithmetic, min/max. Any other subtree (cat, map, missing, ...) becomes an OPAQUE node evaluated by the
 * standard evaluator on the enterprise's JSON view: it is UNKNOWN when an attribute it reads is missing, and
 * it allocates. Three-valued semantics are those of rules.h; and/or yield booleans; `if` evaluates only the
 * branch it takes; a var with a default yields the default for a missing attribute.
 */
#include <math.h>
#include <string.h>

#include "core/alloc.h"
#include "core/num.h"
#include "rules/rules.h"
#include "rules/rules_int.h"

enum { K_UNK, K_NULL, K_BOOL, K_NUM, K_STR, K_TAGS, K_ARR };

typedef struct cv {
    uint8_t k, b;
    uint32_t len;  /* K_STR bytes, K_ARR items */
    uint32_t tags; /* K_TAGS */
    double n;
    const char *s;
    const struct cv *items; /* K_ARR: constant primitives */
} cv;

enum { N_CONST, N_VAR, N_AND, N_OR, N_NOT, N_NOTNOT, N_IF, N_CMP, N_CMPK, N_STREQ, N_STRIN, N_IN, N_TAG, N_ARITH, N_OPAQUE };

typedef struct node {
    uint8_t kind, op;
    int16_t attr;    /* N_VAR, N_CMPK; -1 = not a catalog attribute (always missing) */
    uint32_t kid, nkid; /* children: prog->kids[kid .. kid+nkid) */
    uint32_t mask;      /* N_OPAQUE: attributes read; N_TAG: the tag bit */
    int always_unknown; /* N_OPAQUE reads a variable that is not an attribute */
    cv c;               /* N_CONST, N_CMPK (the constant), N_VAR (the default, k = K_UNK when none) */
    const json_t *json; /* N_OPAQUE */
} node;

struct tu__prog {
    node *nodes;
    uint32_t n, cap;
    uint32_t *kids;
    uint32_t nk, kcap;
    cv *pool; /* items of constant arrays */
    uint32_t np, pcap;
    uint32_t root;
    int opaque;
};

/* ---------------------------------------------------------------- building */

static int grow(void **p, uint32_t *cap, uint32_t need, size_t size) {
    if (need <= *cap) return 0;
    uint32_t c = *cap ? *cap * 2 : 16;
    while (c < need) c *= 2;
    void *q = tu_realloc(*p, (size_t)c * size);
    if (!q) return -1;
    *p = q, *cap = c;
    return 0;
}

/* Appends a node; returns its index or -1. */
static long add_node(tu__prog *p, int kind, int op) {
    if (grow((void **)&p->nodes, &p->cap, p->n + 1, sizeof(node))) return -1;
    node *nd = &p->nodes[p->n];
    memset(nd, 0, sizeof *nd);
    nd->kind = (uint8_t)kind, nd->op = (uint8_t)op, nd->attr = -1;
    return p->n++;
}

static cv literal(const json_t *v) {
    cv c = {0};
    switch (json_typeof(v)) {
    case JSON_TRUE:
    case JSON_FALSE: c.k = K_BOOL, c.b = json_is_true(v); break;
    case JSON_INTEGER:
    case JSON_REAL: c.k = K_NUM, c.n = json_number_value(v); break;
    case JSON_STRING: c.k = K_STR, c.s = json_string_value(v), c.len = (uint32_t)json_string_length(v); break;
    default: c.k = K_NULL;
    }
    return c;
}

static int is_prim(const json_t *v) { return !json_is_array(v) && !json_is_object(v); }

/* The attribute a {"var": name} reads: its id, -1 for names outside the catalog, -2 if not a simple var. */
static int var_attr(const json_t *v, const json_t **def) {
    json_t *args;
    if (tu__logic_op(v, NULL, &args) != TU_OP_VAR) return -2;
    const json_t *name = tu__arg(args, 0);
    if (def) *def = tu__nargs(args) > 1 ? tu__arg(args, 1) : NULL;
    if (tu__nargs(args) > 2 || !json_is_string(name) || json_string_length(name) == 0) return -2;
    if (tu__nargs(args) == 2 && !is_prim(tu__arg(args, 1))) return -2;
    const tu_attr *a = tu_attr_find(json_string_value(name), json_string_length(name));
    return a ? a->id : -1;
}

static int value_ok(const json_t *v);

static int all_values_ok(const json_t *args, size_t from) {
    for (size_t i = from; i < tu__nargs(args); i++)
        if (!value_ok(tu__arg(args, i))) return 0;
    return 1;
}

/* Whether v compiles in a value position (its value, not only its truth, matters). */
static int value_ok(const json_t *v) {
    json_t *args;
    int op = tu__logic_op(v, NULL, &args);
    if (op < 0) return is_prim(v);
    size_t n = tu__nargs(args);
    switch (op) {
    case TU_OP_VAR: return var_attr(v, NULL) != -2 && var_attr(v, NULL) != TU_A_TAGS;
    case TU_OP_NOT:
    case TU_OP_NOTNOT: return 1; /* the operand is compiled for its truth */
    case TU_OP_IF:
    case TU_OP_TERNARY:
        for (size_t i = 1; i < n; i += 2)
            if (!value_ok(tu__arg(args, i))) return 0;
        return n % 2 == 0 || value_ok(tu__arg(args, n - 1));
    case TU_OP_EQ: case TU_OP_NE: case TU_OP_SEQ: case TU_OP_SNE: case TU_OP_GT: case TU_OP_GE:
        return n == 2 && all_values_ok(args, 0);
    case TU_OP_LT:
    case TU_OP_LE: return (n == 2 || n == 3) && all_values_ok(args, 0);
    case TU_OP_IN: {
        const json_t *hay = tu__arg(args, 1);
        if (n != 2 || !value_ok(tu__arg(args, 0))) return 0;
        if (json_is_array(hay)) {
            for (size_t i = 0; i < json_array_size(hay); i++)
                if (!is_prim(json_array_get(hay, i))) return 0;
            return 1;
        }
        return var_attr(hay, NULL) == TU_A_TAGS || value_ok(hay);
    }
    case TU_OP_ADD: case TU_OP_SUB: case TU_OP_MUL: case TU_OP_DIV: case TU_OP_MOD: case TU_OP_MIN:
    case TU_OP_MAX: return all_values_ok(args, 0);
    default: return 0;
    }
}

/* Attributes read by a subtree outside per-element scopes; *other set when it reads a non-attribute. */
static void collect_vars(const json_t *v, uint32_t *mask, int *other) {
    json_t *args;
    int op = tu__logic_op(v, NULL, &args);
    if (json_is_array(v)) {
        for (size_t i = 0; i < json_array_size(v); i++) collect_vars(json_array_get(v, i), mask, other);
        return;
    }
    if (op < 0 || op == TU_OP_COUNT) return;
    if (op == TU_OP_VAR) {
        int a = var_attr(v, NULL);
        if (a >= 0) *mask |= 1u << a;
        else *other = 1;
        return;
    }
    if (op == TU_OP_MISSING || op == TU_OP_MISSING_SOME) return; /* they test presence themselves */
    size_t n = tu__op_scoped(op) ? 1 : tu__nargs(args);
    for (size_t i = 0; i < n; i++) collect_vars(tu__arg(args, i), mask, other);
    if (op == TU_OP_REDUCE && tu__nargs(args) > 2) collect_vars(tu__arg(args, 2), mask, other);
}

static long compile_value(tu__prog *p, const json_t *v);
static long compile_truth(tu__prog *p, const json_t *v);

/* Compiles the children args[from..] with f and links them to node id. */
static long link_kids(tu__prog *p, long id, const json_t *args, size_t from, int truth) {
    size_t n = tu__nargs(args);
    uint32_t first = p->nk, count = n > from ? (uint32_t)(n - from) : 0;
    if (grow((void **)&p->kids, &p->kcap, p->nk + count, sizeof(uint32_t))) return -1;
    p->nk += count;
    for (uint32_t i = 0; i < count; i++) {
        long k = truth ? compile_truth(p, tu__arg(args, from + i)) : compile_value(p, tu__arg(args, from + i));
        if (k < 0) return -1;
        p->kids[first + i] = (uint32_t)k;
    }
    p->nodes[id].kid = first, p->nodes[id].nkid = count;
    return id;
}

static long compile_const_array(tu__prog *p, const json_t *arr) {
    long id = add_node(p, N_CONST, 0);
    uint32_t n = (uint32_t)json_array_size(arr);
    if (id < 0 || grow((void **)&p->pool, &p->pcap, p->np + n, sizeof(cv))) return -1;
    for (uint32_t i = 0; i < n; i++) p->pool[p->np + i] = literal(json_array_get(arr, i));
    /* items are found through an offset: the pool may still move while compiling */
    p->nodes[id].c.k = K_ARR, p->nodes[id].c.len = n, p->nodes[id].c.n = p->np;
    p->np += n;
    return id;
}

static long compile_var(tu__prog *p, const json_t *v) {
    const json_t *def = NULL;
    int a = var_attr(v, &def);
    long id = add_node(p, N_VAR, 0);
    if (id < 0) return -1;
    p->nodes[id].attr = (int16_t)a;
    p->nodes[id].c.k = K_UNK;
    if (def) p->nodes[id].c = literal(def);
    return id;
}

static int flip(int op) {
    switch (op) {
    case TU_OP_LT: return TU_OP_GT;
    case TU_OP_LE: return TU_OP_GE;
    case TU_OP_GT: return TU_OP_LT;
    case TU_OP_GE: return TU_OP_LE;
    default: return op;
    }
}

/* attr OP number (or number OP attr): the common condition, one node. */
static long compile_cmpk(tu__prog *p, int op, const json_t *args) {
    const json_t *a0 = tu__arg(args, 0), *a1 = tu__arg(args, 1), *def = NULL;
    int swap = json_is_number(a0);
    const json_t *var = swap ? a1 : a0, *k = swap ? a0 : a1;
    int attr = var_attr(var, &def);
    if (tu__nargs(args) != 2 || !json_is_number(k) || attr < 0 || def) return -2;
    const tu_attr *at = tu_attr_get(attr);
    if (at->type != TU_T_INT && at->type != TU_T_DEC) return -2;
    long id = add_node(p, N_CMPK, swap ? flip(op) : op);
    if (id < 0) return -1;
    p->nodes[id].attr = (int16_t)attr, p->nodes[id].c = literal(k);
    return id;
}

static int is_str_attr(int attr) {
    return attr >= 0 && attr != TU_A_TAGS && !(tu_attr_get(attr)->type == TU_T_INT || tu_attr_get(attr)->type == TU_T_DEC);
}

/* attr == "text" / != / === / !== (either order): one node comparing bytes. */
static long compile_streq(tu__prog *p, int op, const json_t *args) {
    const json_t *a0 = tu__arg(args, 0), *a1 = tu__arg(args, 1), *def = NULL;
    int swap = json_is_string(a0);
    const json_t *var = swap ? a1 : a0, *k = swap ? a0 : a1;
    int attr = var_attr(var, &def);
    if (tu__nargs(args) != 2 || !json_is_string(k) || !is_str_attr(attr) || def) return -2;
    if (op != TU_OP_EQ && op != TU_OP_NE && op != TU_OP_SEQ && op != TU_OP_SNE) return -2;
    long id = add_node(p, N_STREQ, op);
    if (id < 0) return -1;
    p->nodes[id].attr = (int16_t)attr, p->nodes[id].c = literal(k);
    return id;
}

/* attr in ["a", "b", ...]: one node over the constant list. */
static long compile_strin(tu__prog *p, const json_t *args) {
    const json_t *def = NULL;
    int attr = var_attr(tu__arg(args, 0), &def);
    if (!is_str_attr(attr) || def || !json_is_array(tu__arg(args, 1))) return -2;
    long id = add_node(p, N_STRIN, TU_OP_IN), arr = compile_const_array(p, tu__arg(args, 1));
    if (id < 0 || arr < 0 || grow((void **)&p->kids, &p->kcap, p->nk + 1, sizeof(uint32_t))) return -1;
    p->nodes[id].attr = (int16_t)attr, p->nodes[id].kid = p->nk, p->nodes[id].nkid = 1;
    p->kids[p->nk++] = (uint32_t)arr;
    return id;
}

static long compile_op(tu__prog *p, int op, const json_t *args) {
    long id;
    switch (op) {
    case TU_OP_NOT:
    case TU_OP_NOTNOT:
        id = add_node(p, op == TU_OP_NOT ? N_NOT : N_NOTNOT, op);
        if (id < 0 || link_kids(p, id, args, 0, 1) < 0) return -1;
        if (p->nodes[id].nkid > 1) p->nodes[id].nkid = 1; /* !a,b is !a */
        return id;
    case TU_OP_IN: {
        const json_t *needle = tu__arg(args, 0), *hay = tu__arg(args, 1);
        if (var_attr(hay, NULL) == TU_A_TAGS && json_is_string(needle)) {
            const tu_tag *t = tu_tag_find(json_string_value(needle), json_string_length(needle));
            id = add_node(p, N_TAG, op);
            if (id >= 0) p->nodes[id].mask = t ? 1u << t->id : 0, p->nodes[id].attr = TU_A_TAGS;
            return id;
        }
        if ((id = compile_strin(p, args)) != -2) return id;
        id = add_node(p, N_IN, op);
        if (id < 0 || link_kids(p, id, args, 0, 0) < 0) return -1;
        if (json_is_array(hay)) {
            long arr = compile_const_array(p, hay);
            if (arr < 0) return -1;
            p->kids[p->nodes[id].kid + 1] = (uint32_t)arr;
        }
        return id;
    }
    case TU_OP_EQ: case TU_OP_NE: case TU_OP_SEQ: case TU_OP_SNE: case TU_OP_GT: case TU_OP_GE: case TU_OP_LT:
    case TU_OP_LE:
        if ((id = compile_cmpk(p, op, args)) != -2 || (id = compile_streq(p, op, args)) != -2) return id;
        id = add_node(p, N_CMP, op);
        return id < 0 ? -1 : link_kids(p, id, args, 0, 0);
    default:
        id = add_node(p, N_ARITH, op);
        return id < 0 ? -1 : link_kids(p, id, args, 0, 0);
    }
}

/* An if/?: whose conditions are compiled for truth and whose branches as `truth` says. */
static long compile_if(tu__prog *p, const json_t *args, int truth) {
    long id = add_node(p, N_IF, TU_OP_IF);
    size_t n = tu__nargs(args);
    if (id < 0 || grow((void **)&p->kids, &p->kcap, p->nk + (uint32_t)n, sizeof(uint32_t))) return -1;
    uint32_t first = p->nk;
    p->nk += (uint32_t)n;
    for (size_t i = 0; i < n; i++) {
        int is_cond = i % 2 == 0 && i + 1 < n;
        long k = is_cond || truth ? compile_truth(p, tu__arg(args, i)) : compile_value(p, tu__arg(args, i));
        if (k < 0) return -1;
        p->kids[first + i] = (uint32_t)k;
    }
    p->nodes[id].kid = first, p->nodes[id].nkid = (uint32_t)n;
    return id;
}

static long compile_value(tu__prog *p, const json_t *v) {
    json_t *args;
    int op = tu__logic_op(v, NULL, &args);
    if (op < 0) {
        long id = add_node(p, N_CONST, 0);
        if (id >= 0) p->nodes[id].c = literal(v);
        return id;
    }
    if (op == TU_OP_VAR) return compile_var(p, v);
    if (op == TU_OP_IF || op == TU_OP_TERNARY) return compile_if(p, args, 0);
    return compile_op(p, op, args);
}

static long compile_opaque(tu__prog *p, const json_t *v) {
    long id = add_node(p, N_OPAQUE, 0);
    if (id < 0) return -1;
    collect_vars(v, &p->nodes[id].mask, &p->nodes[id].always_unknown);
    p->nodes[id].json = v;
    p->opaque = 1;
    return id;
}

/* Compiles v where only its truth matters (the root, and/or/! operands, if conditions). */
static long compile_truth(tu__prog *p, const json_t *v) {
    json_t *args;
    int op = tu__logic_op(v, NULL, &args);
    if (op == TU_OP_AND || op == TU_OP_OR) {
        long id = add_node(p, op == TU_OP_AND ? N_AND : N_OR, op);
        return id < 0 ? -1 : link_kids(p, id, args, 0, 1);
    }
    if (op == TU_OP_IF || op == TU_OP_TERNARY) return compile_if(p, args, 1);
    return value_ok(v) ? compile_value(p, v) : compile_opaque(p, v);
}

int tu__prog_compile(const json_t *logic, tu__prog **out, tu_err *err) {
    tu__prog *p = tu_calloc(1, sizeof *p);
    *out = NULL;
    if (!p) return tu_err_set(err, TU_ENOMEM, "out of memory");
    long root = compile_truth(p, logic);
    if (root < 0) {
        tu__prog_free(p);
        return tu_err_set(err, TU_ENOMEM, "out of memory");
    }
    p->root = (uint32_t)root;
    for (uint32_t i = 0; i < p->n; i++) /* constant arrays: offsets become pointers */
        if (p->nodes[i].kind == N_CONST && p->nodes[i].c.k == K_ARR) p->nodes[i].c.items = p->pool + (size_t)p->nodes[i].c.n;
    *out = p;
    return TU_OK;
}

void tu__prog_free(tu__prog *p) {
    if (!p) return;
    tu_free(p->nodes), tu_free(p->kids), tu_free(p->pool), tu_free(p);
}

int tu__prog_has_opaque(const tu__prog *p) { return p->opaque; }

/* ---------------------------------------------------------------- evaluation */

typedef struct vm {
    const tu__prog *p;
    const tu_ent *e;
    char scratch[TU_A_COUNT][TU_DATE_BUFSZ + 1]; /* city/district codes and dates as text */
} vm;

static const cv UNK = {K_UNK, 0, 0, 0, 0, NULL, NULL};

static cv boolv(int b) { return (cv){K_BOOL, (uint8_t)(b != 0), 0, 0, 0, NULL, NULL}; }

static cv numv(double d) { /* NaN and Infinity become null, as in the standard evaluator */
    if (!isfinite(d)) return (cv){K_NULL, 0, 0, 0, 0, NULL, NULL};
    return (cv){K_NUM, 0, 0, 0, d, NULL, NULL};
}

static cv load(vm *m, int attr) {
    tu_value v;
    cv c = UNK;
    if (attr < 0) return UNK;
    tu_ent_get(m->e, attr, &v);
    char *s = m->scratch[attr];
    switch (v.kind) {
    case TU_V_NUM:
        if (tu_attr_get(attr)->type == TU_T_CODE) { /* city and district are 6-digit strings to rules */
            uint32_t x = (uint32_t)v.num;
            for (int i = 5; i >= 0; i--) s[i] = (char)('0' + x % 10), x /= 10;
            c.k = K_STR, c.s = s, c.len = 6;
        } else {
            c.k = K_NUM, c.n = v.places ? (double)v.num / TU_DEC_SCALE : (double)v.num;
        }
        break;
    case TU_V_STR: c.k = K_STR, c.s = v.str, c.len = (uint32_t)v.len; break;
    case TU_V_DATE: c.k = K_STR, c.s = tu_date_format((int32_t)v.num, s), c.len = 10; break;
    case TU_V_TAGS: c.k = K_TAGS, c.tags = v.tags; break;
    default: break;
    }
    return c;
}

static int truthy(const cv *c) {
    switch (c->k) {
    case K_BOOL: return c->b;
    case K_NUM: return c->n != 0;
    case K_STR: return c->len != 0;
    case K_TAGS: return c->tags != 0;
    case K_ARR: return c->len != 0;
    default: return 0;
    }
}

static double tonum(const cv *c) {
    switch (c->k) {
    case K_BOOL: return c->b;
    case K_NUM: return c->n;
    case K_STR: return tu__js_strtonum(c->s, c->len);
    case K_NULL: return 0;
    default: return NAN;
    }
}

static double parsefloat(const cv *c) {
    if (c->k == K_NUM) return c->n;
    if (c->k != K_STR) return NAN;
    json_t *s = json_stringn_nocheck(c->s, c->len); /* rare path: strings in + and * */
    double d = s ? tu__js_parsefloat(s) : NAN;
    json_decref(s);
    return d;
}

static int strict_eq(const cv *a, const cv *b) {
    if (a->k != b->k) return 0;
    switch (a->k) {
    case K_NUM: return a->n == b->n;
    case K_BOOL: return a->b == b->b;
    case K_STR: return a->len == b->len && memcmp(a->s, b->s, a->len) == 0;
    case K_NULL: return 1;
    default: return 0;
    }
}

static int loose_eq(const cv *a, const cv *b) {
    if (a->k == b->k) return strict_eq(a, b);
    if (a->k == K_NULL || b->k == K_NULL) return 0;
    return tonum(a) == tonum(b);
}

/* -1, 0, 1, or 2 when unordered */
static int compare(const cv *a, const cv *b) {
    if (a->k == K_STR && b->k == K_STR) {
        int c = memcmp(a->s, b->s, a->len < b->len ? a->len : b->len);
        return c ? (c < 0 ? -1 : 1) : (a->len < b->len ? -1 : a->len > b->len);
    }
    double x = tonum(a), y = tonum(b);
    if (isnan(x) || isnan(y)) return 2;
    return x < y ? -1 : x > y;
}

/* a OP b on two numbers (NaN compares false, as in JavaScript) */
static int num_holds(int op, double a, double b) {
    switch (op) {
    case TU_OP_EQ:
    case TU_OP_SEQ: return a == b;
    case TU_OP_NE:
    case TU_OP_SNE: return a != b;
    case TU_OP_LT: return a < b;
    case TU_OP_GT: return a > b;
    case TU_OP_LE: return a <= b;
    default: return a >= b;
    }
}

static int cmp_holds(int op, const cv *a, const cv *b) {
    int c;
    switch (op) {
    case TU_OP_EQ: return loose_eq(a, b);
    case TU_OP_NE: return !loose_eq(a, b);
    case TU_OP_SEQ: return strict_eq(a, b);
    case TU_OP_SNE: return !strict_eq(a, b);
    case TU_OP_LT: return compare(a, b) == -1;
    case TU_OP_GT: return compare(a, b) == 1;
    case TU_OP_LE: c = compare(a, b); return c == -1 || c == 0;
    default: c = compare(a, b); return c == 1 || c == 0;
    }
}

static cv ev(vm *m, uint32_t i);
static int evt(vm *m, uint32_t i);

#define KID(nd, j) (m->p->kids[(nd)->kid + (j)])

static cv ev_if(vm *m, const node *nd) {
    uint32_t j = 0;
    for (; j + 1 < nd->nkid; j += 2) {
        cv c = ev(m, KID(nd, j));
        if (c.k == K_UNK) return UNK;
        if (truthy(&c)) return ev(m, KID(nd, j + 1));
    }
    return j < nd->nkid ? ev(m, KID(nd, j)) : (cv){K_NULL, 0, 0, 0, 0, NULL, NULL};
}

static cv ev_cmp(vm *m, const node *nd) {
    cv a = ev(m, KID(nd, 0)), b = ev(m, KID(nd, 1));
    if (a.k == K_UNK || b.k == K_UNK) return UNK;
    if (!cmp_holds(nd->op, &a, &b) || nd->nkid < 3) return boolv(cmp_holds(nd->op, &a, &b));
    cv c = ev(m, KID(nd, 2));
    return c.k == K_UNK ? UNK : boolv(cmp_holds(nd->op, &b, &c));
}

static cv ev_in(vm *m, const node *nd) {
    cv a = ev(m, KID(nd, 0)), h = ev(m, KID(nd, 1));
    if (a.k == K_UNK || h.k == K_UNK) return UNK;
    if (h.k == K_ARR) {
        for (uint32_t j = 0; j < h.len; j++)
            if (strict_eq(&a, &h.items[j])) return boolv(1);
        return boolv(0);
    }
    if (h.k == K_TAGS) {
        const tu_tag *t = a.k == K_STR ? tu_tag_find(a.s, a.len) : NULL;
        return boolv(t && (h.tags >> t->id & 1u));
    }
    if (h.k != K_STR) return boolv(0);
    char buf[64];
    const char *s = a.s;
    size_t len = a.len;
    if (a.k != K_STR) { /* String(needle) */
        if (a.k == K_NUM) tu__js_numstr(buf, sizeof buf, a.n);
        else strcpy(buf, a.k == K_NULL ? "null" : a.b ? "true" : "false");
        s = buf, len = strlen(buf);
    }
    return boolv(memmem(h.s, h.len, s, len) != NULL);
}

static cv ev_arith(vm *m, const node *nd) {
    cv x[2];
    double r = nd->op == TU_OP_MIN ? INFINITY : nd->op == TU_OP_MAX ? -INFINITY : 0;
    uint32_t n = nd->nkid;
    for (uint32_t j = 0; j < n; j++) {
        cv c = ev(m, KID(nd, j));
        if (c.k == K_UNK) return UNK;
        switch (nd->op) {
        case TU_OP_ADD: r += parsefloat(&c); break;
        case TU_OP_MUL: r = j ? r * parsefloat(&c) : parsefloat(&c); break;
        case TU_OP_MIN:
        case TU_OP_MAX: {
            double d = tonum(&c);
            if (isnan(d)) r = NAN;
            else if (!isnan(r)) r = nd->op == TU_OP_MIN ? fmin(r, d) : fmax(r, d);
            break;
        }
        default:
            if (j < 2) x[j] = c;
        }
    }
    switch (nd->op) {
    case TU_OP_ADD:
    case TU_OP_MIN:
    case TU_OP_MAX: return numv(r);
    case TU_OP_MUL: return numv(n ? r : NAN);
    default: break;
    }
    double a = n > 0 ? tonum(&x[0]) : NAN, b = n > 1 ? tonum(&x[1]) : 0; /* x[] is filled for - / % only */
    switch (nd->op) {
    case TU_OP_SUB: return numv(n == 1 ? -a : n > 1 ? a - b : NAN);
    case TU_OP_DIV: return numv(n > 1 ? a / b : NAN);
    default: return numv(n > 1 ? fmod(a, b) : NAN);
    }
}

static cv ev_opaque(vm *m, const node *nd) {
    if (nd->always_unknown || (m->e->present & nd->mask) != nd->mask) return UNK;
    json_t *data = tu_ent_to_json(m->e);
    json_t *r = data ? tu_jsonlogic_apply(nd->json, data, NULL) : NULL;
    cv c = r ? boolv(tu__js_truthy(r)) : UNK; /* an evaluation error is UNKNOWN */
    json_decref(r), json_decref(data);
    return c;
}

/* The text of a string-like attribute (codes, words, dates); 0 when missing. */
static int str_view(vm *m, int attr, const char **s, size_t *len) {
    tu_value v;
    tu_ent_get(m->e, attr, &v);
    char *buf = m->scratch[attr];
    switch (v.kind) {
    case TU_V_STR: *s = v.str, *len = v.len; return 1;
    case TU_V_NUM: /* a numeric code (city, district): its 6 digits */
        for (int i = 5; i >= 0; i--) buf[i] = (char)('0' + v.num % 10), v.num /= 10;
        *s = buf, *len = 6;
        return 1;
    case TU_V_DATE: *s = tu_date_format((int32_t)v.num, buf), *len = 10; return 1;
    default: return 0;
    }
}

/* attr == / != "text": both are strings, so loose and strict equality agree */
static int evt_streq(vm *m, const node *nd) {
    const char *s;
    size_t len;
    if (!str_view(m, nd->attr, &s, &len)) return TU_TRI_UNKNOWN;
    int eq = len == nd->c.len && memcmp(s, nd->c.s, len) == 0;
    return (nd->op == TU_OP_EQ || nd->op == TU_OP_SEQ) ? eq : !eq;
}

static int evt_strin(vm *m, const node *nd) {
    const char *s;
    size_t len;
    if (!str_view(m, nd->attr, &s, &len)) return TU_TRI_UNKNOWN;
    const cv *list = &m->p->nodes[KID(nd, 0)].c;
    for (uint32_t j = 0; j < list->len; j++) {
        const cv *x = &list->items[j];
        if (x->k == K_STR && x->len == len && memcmp(x->s, s, len) == 0) return 1;
    }
    return 0;
}

static cv ev(vm *m, uint32_t i) {
    const node *nd = &m->p->nodes[i];
    switch (nd->kind) {
    case N_CONST: return nd->c;
    case N_VAR: {
        cv c = load(m, nd->attr);
        return c.k == K_UNK ? nd->c : c; /* the default, or UNKNOWN */
    }
    case N_CMPK:
    case N_STREQ:
    case N_STRIN:
    case N_TAG:
    case N_AND:
    case N_OR:
    case N_NOT:
    case N_NOTNOT: { /* conditions: their truth as a value */
        int t = evt(m, i);
        return t == TU_TRI_UNKNOWN ? UNK : boolv(t);
    }
    case N_IF: return ev_if(m, nd);
    case N_CMP: return ev_cmp(m, nd);
    case N_IN: return ev_in(m, nd);
    case N_ARITH: return ev_arith(m, nd);
    default: return ev_opaque(m, nd);
    }
}

/* The truth of node i as a tu_tri: the hot path of matching. Condition nodes answer directly, without
 * building a value; anything else goes through ev(). */
static int evt(vm *m, uint32_t i) {
    const node *nd = &m->p->nodes[i];
    switch (nd->kind) {
    case N_AND:
    case N_OR: {
        int unknown = 0, is_and = nd->kind == N_AND;
        for (uint32_t j = 0; j < nd->nkid; j++) {
            int t = evt(m, KID(nd, j));
            if (t == TU_TRI_UNKNOWN) unknown = 1;
            else if (t != is_and) return !is_and; /* decided: a FALSE in and, a TRUE in or */
        }
        return unknown ? TU_TRI_UNKNOWN : is_and && nd->nkid; /* {"and":[]} is null in JsonLogic: false */
    }
    case N_NOT:
    case N_NOTNOT: {
        int t = nd->nkid ? evt(m, KID(nd, 0)) : TU_TRI_FALSE;
        return t == TU_TRI_UNKNOWN ? t : t == (nd->kind == N_NOTNOT);
    }
    case N_TAG: return TU_ENT_HAS(m->e, TU_A_TAGS) ? (m->e->tags & nd->mask) != 0 : TU_TRI_UNKNOWN;
    case N_STREQ: return evt_streq(m, nd);
    case N_STRIN: return evt_strin(m, nd);
    case N_CMPK: {
        tu_value v;
        tu_ent_get(m->e, nd->attr, &v);
        if (v.kind != TU_V_NUM) return TU_TRI_UNKNOWN;
        return num_holds(nd->op, v.places ? (double)v.num / TU_DEC_SCALE : (double)v.num, nd->c.n);
    }
    default: {
        cv c = ev(m, i);
        return c.k == K_UNK ? TU_TRI_UNKNOWN : truthy(&c);
    }
    }
}

tu_tri tu__prog_eval(const tu__prog *p, const tu_ent *e) {
    vm m;
    m.p = p, m.e = e;
    return (tu_tri)evt(&m, p->root);
}
