/* jsonlogic.c — the standard JsonLogic evaluator (jsonlogic.com semantics, as json-logic-js implements them).
 *
 * A direct tree walk over jansson values: every operation of the specification, with JavaScript's type
 * coercions (value.c). Used by `techup eval`, the conformance suite, rule tests and the rare rules the compiler
 * cannot flatten; eligibility matching uses the compiled program of compile.c instead. Recursion is bounded by
 * TU_RULE_MAX_DEPTH; data is walked iteratively. Strings are indexed by code point (substr), not UTF-16 unit.
 */
#include <math.h>
#include <string.h>

#include "core/alloc.h"
#include "core/log.h"
#include "rules/rules.h"
#include "rules/rules_int.h"

/* Work one evaluation may do (operations plus elements and bytes it builds): nested merge or cat can double
 * a value at every level, so size alone is no bound. */
#define EVAL_BUDGET 2000000L

typedef struct ev {
    tu_err *err;
    int failed;
    long budget;
} ev;

/* Charges n units of work; 0 when the budget is spent (the evaluation then fails with TU_ELIMIT). */
static int charge(ev *x, size_t n) {
    x->budget -= (long)(n < (size_t)EVAL_BUDGET ? n : (size_t)EVAL_BUDGET);
    return x->budget >= 0;
}

static json_t *apply(ev *x, const json_t *logic, const json_t *data, int depth);

static json_t *fail(ev *x, int code, const char *msg, const char *arg) {
    if (!x->failed) tu_err_set(x->err, code, "%s%s%s", msg, arg ? " " : "", arg ? arg : "");
    x->failed = 1;
    return NULL;
}

/* Evaluates every argument (the eager operations); NULL on failure. */
static json_t *eval_args(ev *x, const json_t *args, const json_t *data, int depth) {
    json_t *out = json_array();
    if (!out) return fail(x, TU_ENOMEM, "out of memory", NULL);
    for (size_t i = 0; i < tu__nargs(args); i++) {
        json_t *v = apply(x, tu__arg(args, i), data, depth);
        if (!v || json_array_append_new(out, v)) {
            json_decref(out);
            return x->failed ? NULL : fail(x, TU_ENOMEM, "out of memory", NULL);
        }
    }
    return out;
}

#define A(i) json_array_get(a, i)

/* Follows a dotted path ("a.b.0") from data; NULL when some step does not exist (undefined). */
static const json_t *walk(const json_t *data, const char *path, size_t len) {
    if (len == 0) return data;
    size_t i = 0;
    while (data) {
        size_t j = i;
        while (j < len && path[j] != '.') j++;
        if (json_is_null(data)) return NULL;
        if (json_is_object(data)) {
            data = json_object_getn(data, path + i, j - i);
        } else if (json_is_array(data)) {
            size_t idx = 0, k = i;
            if (j == i || (path[i] == '0' && j - i > 1)) return NULL;
            for (; k < j && path[k] >= '0' && path[k] <= '9' && idx < ((size_t)1 << 40); k++) idx = idx * 10 + (size_t)(path[k] - '0');
            if (k < j) return NULL;
            data = json_array_get(data, idx);
        } else {
            return NULL;
        }
        if (j >= len) return data;
        i = j + 1;
    }
    return NULL;
}

/* {"var": [path, default]}: a new reference. */
static json_t *op_var(ev *x, json_t *a, const json_t *data) {
    const json_t *key = A(0), *def = A(1);
    if (!key || json_is_null(key)) return json_incref((json_t *)data);
    tu__buf b = {0};
    tu__js_tostr(&b, key);
    if (b.oom) return fail(x, TU_ENOMEM, "out of memory", NULL);
    const json_t *v = walk(data, b.p ? b.p : "", b.len);
    tu__buf_free(&b);
    if (!v) v = def ? def : json_null();
    return json_incref((json_t *)v);
}

static int is_missing(ev *x, json_t *key, const json_t *data) {
    json_t *one = json_pack("[O]", key);
    json_t *v = one ? op_var(x, one, data) : NULL;
    int r = !v || json_is_null(v) || (json_is_string(v) && json_string_length(v) == 0);
    json_decref(one), json_decref(v);
    return r;
}

static json_t *op_missing(ev *x, json_t *a, const json_t *data) {
    json_t *keys = json_is_array(A(0)) ? A(0) : a, *out = json_array();
    if (!out) return fail(x, TU_ENOMEM, "out of memory", NULL);
    for (size_t i = 0; i < json_array_size(keys); i++)
        if (is_missing(x, json_array_get(keys, i), data)) json_array_append(out, json_array_get(keys, i));
    return out;
}

static json_t *op_missing_some(ev *x, json_t *a, const json_t *data) {
    json_t *opts = json_is_array(A(1)) ? A(1) : NULL;
    if (!opts) return json_array();
    json_t *one = json_pack("[O]", opts);
    json_t *miss = one ? op_missing(x, one, data) : NULL;
    json_decref(one);
    if (!miss) return fail(x, TU_ENOMEM, "out of memory", NULL);
    double need = tu__js_tonum(A(0) ? A(0) : json_null());
    if ((double)(json_array_size(opts) - json_array_size(miss)) >= need) json_array_clear(miss);
    return miss;
}

/* Number of code points of UTF-8 text, and the byte offset of code point i. */
static size_t cp_count(const char *s, size_t n) {
    size_t c = 0;
    for (size_t i = 0; i < n; i++) c += ((unsigned char)s[i] & 0xC0) != 0x80;
    return c;
}

static size_t cp_offset(const char *s, size_t n, size_t cp) {
    size_t i = 0;
    for (size_t c = 0; i < n; i++)
        if (((unsigned char)s[i] & 0xC0) != 0x80 && c++ == cp) return i;
    return n;
}

static double to_int(const json_t *v) {
    double d = tu__js_tonum(v);
    return isnan(d) ? 0 : trunc(d);
}

static json_t *op_substr(ev *x, json_t *a) {
    tu__buf b = {0};
    tu__js_tostr(&b, A(0) ? A(0) : json_null());
    if (b.oom) return fail(x, TU_ENOMEM, "out of memory", NULL);
    const char *s = b.p ? b.p : "";
    double n = (double)cp_count(s, b.len), start = A(1) ? to_int(A(1)) : 0, len;
    if (start < 0) start = fmax(n + start, 0);
    if (start > n) start = n;
    if (!A(2)) len = n - start;
    else {
        double end = to_int(A(2));
        len = end < 0 ? fmax(n - start + end, 0) : fmin(end, n - start);
    }
    size_t from = cp_offset(s, b.len, (size_t)start), to = cp_offset(s, b.len, (size_t)(start + len));
    json_t *out = json_stringn_nocheck(s + from, to - from);
    tu__buf_free(&b);
    return out;
}

static json_t *op_cat(ev *x, json_t *a) {
    tu__buf b = {0};
    for (size_t i = 0; i < json_array_size(a); i++) {
        tu__js_tostr(&b, A(i));
        if (!charge(x, b.len)) return tu__buf_free(&b), fail(x, TU_ELIMIT, "evaluation exceeded its work limit", NULL);
    }
    if (b.oom) return fail(x, TU_ENOMEM, "out of memory", NULL);
    json_t *out = json_stringn_nocheck(b.p ? b.p : "", b.len);
    tu__buf_free(&b);
    return out;
}

static json_t *op_in(json_t *a) {
    const json_t *needle = A(0) ? A(0) : json_null(), *hay = A(1);
    if (json_is_array(hay)) {
        for (size_t i = 0; i < json_array_size(hay); i++)
            if (tu__js_strict_eq(needle, json_array_get(hay, i))) return json_true();
        return json_false();
    }
    if (!json_is_string(hay)) return json_false();
    tu__buf b = {0};
    tu__js_tostr(&b, needle);
    int found = !b.oom && memmem(json_string_value(hay), json_string_length(hay), b.p ? b.p : "", b.len) != NULL;
    tu__buf_free(&b);
    return json_boolean(found);
}

static json_t *op_merge(ev *x, json_t *a) {
    json_t *out = json_array();
    for (size_t i = 0; out && i < json_array_size(a); i++) {
        if (!charge(x, json_is_array(A(i)) ? json_array_size(A(i)) : 1)) {
            json_decref(out);
            return fail(x, TU_ELIMIT, "evaluation exceeded its work limit", NULL);
        }
        if (json_is_array(A(i))) json_array_extend(out, A(i));
        else json_array_append(out, A(i));
    }
    return out;
}

static json_t *op_compare(int op, json_t *a) {
    const json_t *n = json_null();
    const json_t *x0 = A(0) ? A(0) : n, *x1 = A(1) ? A(1) : n;
    switch (op) {
    case TU_OP_EQ: return json_boolean(tu__js_loose_eq(x0, x1));
    case TU_OP_NE: return json_boolean(!tu__js_loose_eq(x0, x1));
    case TU_OP_SEQ: return json_boolean(tu__js_strict_eq(x0, x1));
    case TU_OP_SNE: return json_boolean(!tu__js_strict_eq(x0, x1));
    case TU_OP_GT: return json_boolean(tu__js_cmp(x0, x1) == 1);
    case TU_OP_GE: { int c = tu__js_cmp(x0, x1); return json_boolean(c == 1 || c == 0); }
    default: break;
    }
    /* < and <= take an optional third operand: a < b < c */
    int c = tu__js_cmp(x0, x1), ok = op == TU_OP_LT ? c == -1 : (c == -1 || c == 0);
    if (ok && json_array_size(a) > 2) {
        c = tu__js_cmp(x1, A(2));
        ok = op == TU_OP_LT ? c == -1 : (c == -1 || c == 0);
    }
    return json_boolean(ok);
}

static json_t *op_arith(int op, json_t *a) {
    size_t n = json_array_size(a);
    double r;
    switch (op) {
    case TU_OP_ADD:
        r = 0;
        for (size_t i = 0; i < n; i++) r += tu__js_parsefloat(A(i));
        return tu__js_num(r);
    case TU_OP_MUL:
        if (n == 0) return json_null();
        r = tu__js_parsefloat(A(0));
        for (size_t i = 1; i < n; i++) r *= tu__js_parsefloat(A(i));
        return tu__js_num(r);
    case TU_OP_SUB:
        if (n == 1) return tu__js_num(-tu__js_tonum(A(0)));
        return tu__js_num(n ? tu__js_tonum(A(0)) - tu__js_tonum(A(1) ? A(1) : json_null()) : NAN);
    case TU_OP_DIV: return tu__js_num(n >= 2 ? tu__js_tonum(A(0)) / tu__js_tonum(A(1)) : NAN);
    case TU_OP_MOD: return tu__js_num(n >= 2 ? fmod(tu__js_tonum(A(0)), tu__js_tonum(A(1))) : NAN);
    default: break;
    }
    r = op == TU_OP_MIN ? INFINITY : -INFINITY; /* Math.min() of nothing is Infinity (null in JSON) */
    for (size_t i = 0; i < n; i++) {
        double d = tu__js_tonum(A(i));
        if (isnan(d)) return json_null();
        r = op == TU_OP_MIN ? fmin(r, d) : fmax(r, d);
    }
    return tu__js_num(r);
}

/* The eager operations: arguments already evaluated into the array a. */
static json_t *eager(ev *x, int op, json_t *a, const json_t *data) {
    switch (op) {
    case TU_OP_VAR: return op_var(x, a, data);
    case TU_OP_MISSING: return op_missing(x, a, data);
    case TU_OP_MISSING_SOME: return op_missing_some(x, a, data);
    case TU_OP_NOT: return json_boolean(!tu__js_truthy(A(0) ? A(0) : json_null()));
    case TU_OP_NOTNOT: return json_boolean(tu__js_truthy(A(0) ? A(0) : json_null()));
    case TU_OP_IN: return op_in(a);
    case TU_OP_CAT: return op_cat(x, a);
    case TU_OP_SUBSTR: return op_substr(x, a);
    case TU_OP_MERGE: return op_merge(x, a);
    case TU_OP_LOG:
        if (tu_log_enabled(TU_LOG_DEBUG)) {
            char *s = json_dumps(A(0) ? A(0) : json_null(), JSON_ENCODE_ANY);
            tu_log(TU_LOG_DEBUG, "rules.log", "%s", s ? s : "?");
            free(s);
        }
        return json_incref(A(0) ? A(0) : json_null());
    case TU_OP_EQ: case TU_OP_NE: case TU_OP_SEQ: case TU_OP_SNE:
    case TU_OP_GT: case TU_OP_GE: case TU_OP_LT: case TU_OP_LE: return op_compare(op, a);
    default: return op_arith(op, a);
    }
}

/* and / or: the first falsy (truthy) value, or the last one. */
static json_t *op_andor(ev *x, int op, const json_t *args, const json_t *data, int depth) {
    json_t *cur = NULL;
    for (size_t i = 0; i < tu__nargs(args); i++) {
        json_decref(cur);
        cur = apply(x, tu__arg(args, i), data, depth);
        if (!cur) return NULL;
        if (tu__js_truthy(cur) == (op == TU_OP_OR)) break;
    }
    return cur ? cur : json_null();
}

static json_t *op_if(ev *x, const json_t *args, const json_t *data, int depth) {
    size_t n = tu__nargs(args), i = 0;
    for (; i + 1 < n; i += 2) {
        json_t *c = apply(x, tu__arg(args, i), data, depth);
        if (!c) return NULL;
        int t = tu__js_truthy(c);
        json_decref(c);
        if (t) return apply(x, tu__arg(args, i + 1), data, depth);
    }
    return i < n ? apply(x, tu__arg(args, i), data, depth) : json_null();
}

/* map, filter, reduce, all, none, some: the second argument runs once per element of the first. */
static json_t *scoped(ev *x, int op, const json_t *args, const json_t *data, int depth) {
    json_t *arr = tu__arg(args, 0) ? apply(x, tu__arg(args, 0), data, depth) : json_null();
    if (!arr) return NULL;
    const json_t *logic = tu__arg(args, 1) ? tu__arg(args, 1) : json_null();
    json_t *acc = NULL, *out = NULL;
    if (op == TU_OP_REDUCE) acc = tu__arg(args, 2) ? apply(x, tu__arg(args, 2), data, depth) : json_null();
    else if (op == TU_OP_MAP || op == TU_OP_FILTER) out = json_array();
    size_t n = json_is_array(arr) ? json_array_size(arr) : 0, hits = 0, i = 0;
    for (; i < n && !x->failed; i++) {
        json_t *item = json_array_get(arr, i), *scope = item, *r;
        if (op == TU_OP_REDUCE) {
            if (!acc) break;
            scope = json_pack("{sOsO}", "current", item, "accumulator", acc);
            if (!scope) { fail(x, TU_ENOMEM, "out of memory", NULL); break; }
        }
        r = apply(x, logic, scope, depth);
        if (op == TU_OP_REDUCE) json_decref(scope), json_decref(acc), acc = r;
        else if (!r) break;
        else if (op == TU_OP_MAP) json_array_append_new(out, r);
        else {
            int t = tu__js_truthy(r);
            json_decref(r);
            if (op == TU_OP_FILTER && t) json_array_append(out, item);
            hits += (size_t)t;
            if (op == TU_OP_ALL && !t) break;
        }
    }
    json_decref(arr);
    if (x->failed) return json_decref(acc), json_decref(out), NULL;
    switch (op) {
    case TU_OP_REDUCE: return acc;
    case TU_OP_ALL: return json_boolean(n > 0 && hits == n);
    case TU_OP_SOME: return json_boolean(hits > 0);
    case TU_OP_NONE: return json_boolean(hits == 0);
    default: return out;
    }
}

static json_t *apply(ev *x, const json_t *logic, const json_t *data, int depth) {
    if (++depth > TU_RULE_MAX_DEPTH) return fail(x, TU_EDEPTH, "rule nested too deeply", NULL);
    if (!charge(x, 1)) return fail(x, TU_ELIMIT, "evaluation exceeded its work limit", NULL);
    if (json_is_array(logic)) return eval_args(x, logic, data, depth);
    const char *name;
    json_t *args;
    int op = tu__logic_op(logic, &name, &args);
    if (op < 0) return json_incref((json_t *)logic);
    if (op == TU_OP_COUNT) return fail(x, TU_EEVAL, "unrecognized operation", name);
    if (op == TU_OP_AND || op == TU_OP_OR) return op_andor(x, op, args, data, depth);
    if (op == TU_OP_IF || op == TU_OP_TERNARY) return op_if(x, args, data, depth);
    if (tu__op_scoped(op)) return scoped(x, op, args, data, depth);
    json_t *a = eval_args(x, args, data, depth);
    if (!a) return NULL;
    json_t *r = eager(x, op, a, data);
    json_decref(a);
    if (!r && !x->failed) fail(x, TU_ENOMEM, "out of memory", NULL);
    return r;
}

json_t *tu_jsonlogic_apply(const json_t *logic, const json_t *data, tu_err *err) {
    ev x = {err, 0, EVAL_BUDGET};
    if (!logic) {
        tu_err_set(err, TU_EINVAL, "no rule");
        return NULL;
    }
    return apply(&x, logic, data ? data : json_null(), 0);
}
