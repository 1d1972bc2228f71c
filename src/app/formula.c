/* formula.c — the exact JsonLogic evaluator behind formula.h (GMP rationals, an explanation trace).
 * Stand-in for the rules engine's benefit formulas; see formula.h for the semantics and the one deviation. */
#include "app/formula.h"

#include <gmp.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/alloc.h"
#include "rules/rules.h"

#define MAX_DEPTH 64

typedef enum { V_NULL, V_BOOL, V_NUM, V_STR, V_ARR } vkind;

typedef struct val {
    vkind k;
    int b;
    mpq_t q;
    char *s;           /* V_STR: heap copy (tu_strdup) */
    const json_t *arr; /* V_ARR: borrowed */
} val;

typedef struct ctx {
    const json_t *data;
    char *expl;
    size_t n, used;
    tu_err *err;
    const char *missing; /* the variable last read as missing (points at missing_buf) */
    char missing_buf[128];
} ctx;

static void v_init(val *v) {
    memset(v, 0, sizeof *v);
    mpq_init(v->q);
}
static void v_clear(val *v) {
    mpq_clear(v->q);
    tu_free(v->s);
    v->s = NULL;
}

static void trace(ctx *c, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void trace(ctx *c, const char *fmt, ...) {
    if (!c->expl || c->used + 1 >= c->n) return;
    va_list ap;
    va_start(ap, fmt);
    int k = vsnprintf(c->expl + c->used, c->n - c->used, fmt, ap);
    va_end(ap);
    if (k > 0) c->used = c->used + (size_t)k >= c->n ? c->n - 1 : c->used + (size_t)k;
}

/* Decimal text of a rational: exact when the denominator divides a power of ten (up to 12 places), else a
 * fraction with an approximation. buf: 128 bytes. */
static const char *qstr(const mpq_t q, char *buf, size_t n) {
    mpz_t num, den, t;
    mpz_inits(num, den, t, NULL);
    mpz_set(den, mpq_denref(q));
    int places = 0;
    while (places <= 12 && mpz_cmp_ui(den, 1) != 0) {
        if (mpz_divisible_ui_p(den, 10))
            mpz_divexact_ui(den, den, 10);
        else if (mpz_divisible_ui_p(den, 2))
            mpz_divexact_ui(den, den, 2);
        else if (mpz_divisible_ui_p(den, 5))
            mpz_divexact_ui(den, den, 5);
        else
            break;
        places++;
    }
    if (mpz_cmp_ui(den, 1) == 0) {
        mpz_ui_pow_ui(t, 10, (unsigned long)places);
        mpz_mul(num, mpq_numref(q), t);
        mpz_divexact(num, num, mpq_denref(q));
        char *digits = mpz_get_str(NULL, 10, num);
        int neg = digits[0] == '-';
        const char *d = digits + neg;
        size_t len = strlen(d);
        if (places == 0)
            snprintf(buf, n, "%s%s", neg ? "-" : "", d);
        else if (len > (size_t)places)
            snprintf(buf, n, "%s%.*s.%s", neg ? "-" : "", (int)(len - (size_t)places), d, d + len - places);
        else
            snprintf(buf, n, "%s0.%.*s%s", neg ? "-" : "", (int)((size_t)places - len), "0000000000000000", d);
        free(digits); /* GMP strings come from its allocator (malloc) */
    } else {
        char *f = mpq_get_str(NULL, 10, q);
        snprintf(buf, n, "%s (~%.6f)", f, mpq_get_d(q));
        free(f);
    }
    mpz_clears(num, den, t, NULL);
    return buf;
}

/* Parses a decimal number text ("-12.5", "1e-3") into q exactly. Returns 0 or -1. */
static int parse_decimal(const char *s, mpq_t q) {
    char digits[96];
    size_t nd = 0;
    long exp = 0;
    int neg = 0, any = 0;
    const char *p = s;
    while (*p == ' ') p++;
    if (*p == '-' || *p == '+') neg = *p++ == '-';
    for (; *p >= '0' && *p <= '9'; p++, any = 1) {
        if (nd >= sizeof digits - 1) return -1;
        digits[nd++] = *p;
    }
    if (*p == '.')
        for (p++; *p >= '0' && *p <= '9'; p++, exp--, any = 1) {
            if (nd >= sizeof digits - 1) return -1;
            digits[nd++] = *p;
        }
    if (!any) return -1;
    if (*p == 'e' || *p == 'E') {
        char *end;
        long e = strtol(p + 1, &end, 10);
        if (end == p + 1 || e > 400 || e < -400) return -1;
        exp += e, p = end;
    }
    while (*p == ' ') p++;
    if (*p) return -1;
    digits[nd] = '\0';
    mpz_t num, den;
    mpz_init_set_str(num, digits, 10);
    mpz_init_set_ui(den, 1);
    if (exp > 0)
        mpz_ui_pow_ui(den, 10, (unsigned long)exp), mpz_mul(num, num, den), mpz_set_ui(den, 1);
    else if (exp < 0)
        mpz_ui_pow_ui(den, 10, (unsigned long)-exp);
    if (neg) mpz_neg(num, num);
    mpq_set_num(q, num);
    mpq_set_den(q, den);
    mpq_canonicalize(q);
    mpz_clears(num, den, NULL);
    return 0;
}

/* A JSON real as its shortest round-tripping decimal, read exactly. */
static void real_to_q(double d, mpq_t q) {
    char buf[40];
    for (int prec = 1; prec <= 17; prec++) {
        snprintf(buf, sizeof buf, "%.*g", prec, d);
        if (strtod(buf, NULL) == d) break;
    }
    if (parse_decimal(buf, q) != 0) mpq_set_d(q, d);
}

static int from_json(const json_t *j, val *v) {
    switch (json_typeof(j)) {
    case JSON_INTEGER: v->k = V_NUM, mpq_set_si(v->q, (long)json_integer_value(j), 1); break;
    case JSON_REAL: v->k = V_NUM, real_to_q(json_real_value(j), v->q); break;
    case JSON_STRING:
        v->k = V_STR, v->s = tu_strdup(json_string_value(j));
        if (!v->s) return TU_ENOMEM;
        break;
    case JSON_TRUE: v->k = V_BOOL, v->b = 1; break;
    case JSON_FALSE: v->k = V_BOOL, v->b = 0; break;
    case JSON_ARRAY: v->k = V_ARR, v->arr = j; break;
    default: v->k = V_NULL; /* objects as data values are not comparable: treated as null */
    }
    return TU_OK;
}

static int truthy(const val *v) {
    switch (v->k) {
    case V_BOOL: return v->b;
    case V_NUM: return mpq_sgn(v->q) != 0;
    case V_STR: return v->s[0] != '\0';
    case V_ARR: return json_array_size(v->arr) > 0;
    default: return 0;
    }
}

/* Numeric value of v into q (numbers, numeric strings, booleans); -1 when not a number. */
static int to_num(const val *v, mpq_t q) {
    if (v->k == V_NUM) return mpq_set(q, v->q), 0;
    if (v->k == V_BOOL) return mpq_set_si(q, v->b, 1), 0;
    if (v->k == V_STR) return parse_decimal(v->s, q);
    return -1;
}

static void v_set(val *dst, val *src) { /* moves src into dst */
    v_clear(dst);
    *dst = *src;
    v_init(src);
}

static int eval(ctx *c, const json_t *node, val *out, int depth);

static int need_num(ctx *c, const val *v, mpq_t q, const char *op) {
    if (to_num(v, q) == 0) return TU_OK;
    if (v->k == V_NULL && c->missing)
        return tu_err_set(c->err, TU_EEVAL, "'%s' needs a number but '%s' is missing", op, c->missing);
    return tu_err_set(c->err, TU_EEVAL, "'%s' needs a number", op);
}

static int op_var(ctx *c, const json_t *args, val *out, int depth) {
    const json_t *a0 = json_is_array(args) ? json_array_get(args, 0) : args;
    val path;
    v_init(&path);
    int rc = a0 ? eval(c, a0, &path, depth + 1) : TU_OK;
    if (rc) return v_clear(&path), rc;
    char name[128];
    if (path.k == V_STR)
        snprintf(name, sizeof name, "%s", path.s);
    else if (path.k == V_NUM)
        qstr(path.q, name, sizeof name);
    else
        name[0] = '\0';
    v_clear(&path);
    const json_t *cur = c->data;
    char tmp[128];
    snprintf(tmp, sizeof tmp, "%s", name);
    for (char *tok = tmp, *dot; cur && *tmp; tok = dot + 1) {
        dot = strchr(tok, '.');
        if (dot) *dot = '\0';
        cur = json_is_object(cur)  ? json_object_get(cur, tok)
              : json_is_array(cur) ? json_array_get(cur, (size_t)strtoul(tok, NULL, 10))
                                   : NULL;
        if (!dot) break;
    }
    if ((!cur || json_is_null(cur)) && json_is_array(args) && json_array_size(args) > 1)
        return eval(c, json_array_get(args, 1), out, depth + 1);
    if (!cur || json_is_null(cur)) {
        snprintf(c->missing_buf, sizeof c->missing_buf, "%s", name);
        c->missing = c->missing_buf;
        out->k = V_NULL;
        return TU_OK;
    }
    rc = from_json(cur, out);
    if (!rc && out->k == V_NUM) {
        char b[128];
        trace(c, "%s = %s\n", name, qstr(out->q, b, sizeof b));
    }
    return rc;
}

/* Loose equality (==) and strict (===). */
static int equal(const val *a, const val *b, int strict) {
    if (a->k == b->k) {
        switch (a->k) {
        case V_NUM: return mpq_equal(a->q, b->q);
        case V_STR: return strcmp(a->s, b->s) == 0;
        case V_BOOL: return a->b == b->b;
        case V_NULL: return 1;
        default: return a->arr == b->arr;
        }
    }
    if (strict || a->k == V_NULL || b->k == V_NULL || a->k == V_ARR || b->k == V_ARR) return 0;
    mpq_t x, y;
    mpq_inits(x, y, NULL);
    int eq = to_num(a, x) == 0 && to_num(b, y) == 0 && mpq_equal(x, y);
    mpq_clears(x, y, NULL);
    return eq;
}

/* a < b (lt) or a <= b: strings compare as text, everything else as numbers. Returns 0/1, or -1 when not
 * comparable (null or non-numeric text against a number). */
static int less(const val *a, const val *b, int or_equal) {
    if (a->k == V_STR && b->k == V_STR) {
        int r = strcmp(a->s, b->s);
        return or_equal ? r <= 0 : r < 0;
    }
    mpq_t x, y;
    mpq_inits(x, y, NULL);
    int r = -1;
    if (to_num(a, x) == 0 && to_num(b, y) == 0) r = or_equal ? mpq_cmp(x, y) <= 0 : mpq_cmp(x, y) < 0;
    mpq_clears(x, y, NULL);
    return r;
}

/* Evaluates every argument of args into vals[0..*n) (at most cap). */
static int eval_args(ctx *c, const json_t *args, val *vals, size_t cap, size_t *n, int depth) {
    *n = 0;
    if (!json_is_array(args)) {
        v_init(&vals[0]);
        *n = 1;
        return eval(c, args, &vals[0], depth + 1);
    }
    if (json_array_size(args) > cap) return tu_err_set(c->err, TU_ELIMIT, "too many arguments (max %zu)", cap);
    for (size_t i = 0; i < json_array_size(args); i++) {
        v_init(&vals[i]);
        *n = i + 1;
        int rc = eval(c, json_array_get(args, i), &vals[i], depth + 1);
        if (rc) return rc;
    }
    return TU_OK;
}

#define MAX_ARGS 32

static int op_compare(ctx *c, const char *op, val *v, size_t n, val *out) {
    out->k = V_BOOL;
    if (!strcmp(op, "==") || !strcmp(op, "!=") || !strcmp(op, "===") || !strcmp(op, "!==")) {
        if (n != 2) return tu_err_set(c->err, TU_EEVAL, "'%s' takes 2 arguments", op);
        int eq = equal(&v[0], &v[1], strlen(op) == 3);
        if (op[0] == '!') eq = !eq;
        out->b = eq;
        return TU_OK;
    }
    int or_equal = op[1] == '=';
    int gt = op[0] == '>';
    if (n < 2 || n > 3 || (gt && n == 3)) return tu_err_set(c->err, TU_EEVAL, "'%s' takes 2 arguments", op);
    for (size_t i = 0; i + 1 < n; i++) {
        int r = gt ? less(&v[i + 1], &v[i], or_equal) : less(&v[i], &v[i + 1], or_equal);
        if (r < 0) {
            if (c->missing && (v[i].k == V_NULL || v[i + 1].k == V_NULL))
                return tu_err_set(c->err, TU_EEVAL, "'%s' compares '%s', which is missing", op, c->missing);
            r = 0;
        }
        if (!r) return out->b = 0, TU_OK;
    }
    out->b = 1;
    return TU_OK;
}

static int op_arith(ctx *c, const char *op, val *v, size_t n, val *out) {
    mpq_t acc, x;
    mpq_inits(acc, x, NULL);
    int rc = TU_OK;
    char b1[128], b2[128];
    if (n == 0) rc = tu_err_set(c->err, TU_EEVAL, "'%s' needs arguments", op);
    for (size_t i = 0; !rc && i < n; i++) {
        rc = need_num(c, &v[i], i ? x : acc, op);
        if (rc || i == 0) continue;
        switch (op[0]) {
        case '+': mpq_add(acc, acc, x); break;
        case '-': mpq_sub(acc, acc, x); break;
        case '*': mpq_mul(acc, acc, x); break;
        case 'm':
            if (op[1] == 'i' ? mpq_cmp(x, acc) < 0 : mpq_cmp(x, acc) > 0) mpq_set(acc, x);
            break;
        default: /* '/' and '%' */
            if (mpq_sgn(x) == 0) {
                rc = tu_err_set(c->err, TU_EEVAL, "division by zero in '%s'", op);
                break;
            }
            if (op[0] == '/')
                mpq_div(acc, acc, x);
            else {
                mpz_t r;
                mpz_init(r);
                mpq_t qq;
                mpq_init(qq);
                mpq_div(qq, acc, x);
                mpz_tdiv_q(r, mpq_numref(qq), mpq_denref(qq)); /* truncated quotient, as JavaScript % */
                mpq_set_z(qq, r);
                mpq_mul(qq, qq, x);
                mpq_sub(acc, acc, qq);
                mpq_clear(qq);
                mpz_clear(r);
            }
        }
    }
    if (!rc && n == 1 && op[0] == '-' && op[1] == '\0') mpq_neg(acc, acc);
    if (!rc) {
        out->k = V_NUM;
        mpq_set(out->q, acc);
        if (n > 1 || op[0] == '-') {
            trace(c, "%s(", op);
            for (size_t i = 0; i < n; i++) {
                to_num(&v[i], x);
                trace(c, "%s%s", i ? ", " : "", qstr(x, b1, sizeof b1));
            }
            trace(c, ") = %s\n", qstr(acc, b2, sizeof b2));
        }
    }
    mpq_clears(acc, x, NULL);
    return rc;
}

static int op_in(ctx *c, val *v, size_t n, val *out) {
    if (n != 2) return tu_err_set(c->err, TU_EEVAL, "'in' takes 2 arguments");
    out->k = V_BOOL, out->b = 0;
    if (v[1].k == V_STR && v[0].k == V_STR) return out->b = strstr(v[1].s, v[0].s) != NULL, TU_OK;
    if (v[1].k != V_ARR) return TU_OK;
    for (size_t i = 0; i < json_array_size(v[1].arr) && !out->b; i++) {
        val e;
        v_init(&e);
        int rc = from_json(json_array_get(v[1].arr, i), &e);
        if (!rc) out->b = equal(&v[0], &e, 1);
        v_clear(&e);
        if (rc) return tu_err_set(c->err, rc, "out of memory");
    }
    return TU_OK;
}

static int op_cat(ctx *c, val *v, size_t n, val *out) {
    size_t cap = 1;
    char b[128];
    for (size_t i = 0; i < n; i++) cap += v[i].k == V_STR ? strlen(v[i].s) : 128;
    out->s = tu_malloc(cap);
    if (!out->s) return tu_err_set(c->err, TU_ENOMEM, "out of memory");
    out->k = V_STR, out->s[0] = '\0';
    for (size_t i = 0; i < n; i++)
        strcat(out->s, v[i].k == V_STR ? v[i].s : v[i].k == V_NUM ? qstr(v[i].q, b, sizeof b) : "");
    return TU_OK;
}

/* if / ?: and and / or evaluate lazily. */
static int op_lazy(ctx *c, const char *op, const json_t *args, val *out, int depth) {
    size_t n = json_is_array(args) ? json_array_size(args) : 0;
    if (!strcmp(op, "if") || !strcmp(op, "?:")) {
        size_t i = 0;
        for (; i + 1 < n; i += 2) {
            val cond;
            v_init(&cond);
            int rc = eval(c, json_array_get(args, i), &cond, depth + 1);
            int t = truthy(&cond);
            v_clear(&cond);
            if (rc) return rc;
            if (t) return eval(c, json_array_get(args, i + 1), out, depth + 1);
        }
        return i < n ? eval(c, json_array_get(args, i), out, depth + 1) : (out->k = V_NULL, TU_OK);
    }
    int is_and = op[0] == 'a';
    if (n == 0) return tu_err_set(c->err, TU_EEVAL, "'%s' needs arguments", op);
    for (size_t i = 0; i < n; i++) {
        val x;
        v_init(&x);
        int rc = eval(c, json_array_get(args, i), &x, depth + 1);
        if (rc) return v_clear(&x), rc;
        int t = truthy(&x);
        v_set(out, &x);
        v_clear(&x);
        if (is_and ? !t : t) break;
    }
    return TU_OK;
}

static int eval_op(ctx *c, const char *op, const json_t *args, val *out, int depth) {
    if (!strcmp(op, "var")) return op_var(c, args, out, depth);
    if (!strcmp(op, "if") || !strcmp(op, "?:") || !strcmp(op, "and") || !strcmp(op, "or"))
        return op_lazy(c, op, args, out, depth);
    static const char *const known[] = {"==", "!=", "===", "!==", "<", "<=", ">",   ">=",  "!",  "!!",
                                        "in", "+",  "-",   "*",   "/", "%",  "min", "max", "cat"};
    size_t k = 0;
    while (k < sizeof known / sizeof known[0] && strcmp(op, known[k])) k++;
    if (k == sizeof known / sizeof known[0])
        return tu_err_set(c->err, TU_EUNSUPPORTED, "operation '%s' is not supported in formulas", op);
    val v[MAX_ARGS];
    size_t n = 0;
    int rc = eval_args(c, args, v, MAX_ARGS, &n, depth);
    if (!rc) {
        if (op[0] == '!' && (op[1] == '\0' || op[1] == '!')) {
            if (n < 1)
                rc = tu_err_set(c->err, TU_EEVAL, "'%s' needs an argument", op);
            else
                out->k = V_BOOL, out->b = op[1] ? truthy(&v[0]) : !truthy(&v[0]);
        } else if (k < 8)
            rc = op_compare(c, op, v, n, out);
        else if (!strcmp(op, "in"))
            rc = op_in(c, v, n, out);
        else if (!strcmp(op, "cat"))
            rc = op_cat(c, v, n, out);
        else
            rc = op_arith(c, op, v, n, out);
    }
    for (size_t i = 0; i < n; i++) v_clear(&v[i]);
    return rc;
}

static int eval(ctx *c, const json_t *node, val *out, int depth) {
    if (depth > MAX_DEPTH) return tu_err_set(c->err, TU_EDEPTH, "formula nested deeper than %d", MAX_DEPTH);
    if (json_is_object(node)) {
        if (json_object_size(node) != 1)
            return tu_err_set(c->err, TU_EPARSE, "an operation is an object with exactly one key");
        const char *op = json_object_iter_key(json_object_iter((json_t *)node));
        return eval_op(c, op, json_object_iter_value(json_object_iter((json_t *)node)), out, depth);
    }
    return from_json(node, out) ? tu_err_set(c->err, TU_ENOMEM, "out of memory") : TU_OK;
}

/* Rounds q (yuan) half away from zero to fen. Returns -1 when it does not fit int64. */
static int to_fen(const mpq_t q, int64_t *fen) {
    mpq_t t;
    mpq_init(t);
    mpq_set_ui(t, 100, 1);
    mpq_mul(t, t, q);
    int neg = mpq_sgn(t) < 0;
    mpq_abs(t, t);
    mpz_t r, twice;
    mpz_inits(r, twice, NULL);
    /* floor(|x| + 1/2) = floor((2 num + den) / (2 den)) */
    mpz_mul_2exp(twice, mpq_numref(t), 1);
    mpz_add(twice, twice, mpq_denref(t));
    mpz_mul_2exp(r, mpq_denref(t), 1);
    mpz_fdiv_q(r, twice, r);
    int ok = mpz_fits_slong_p(r);
    if (ok) *fen = neg ? -(int64_t)mpz_get_si(r) : (int64_t)mpz_get_si(r);
    mpz_clears(r, twice, NULL);
    mpq_clear(t);
    return ok ? 0 : -1;
}

int tu_formula_eval(const json_t *logic, const json_t *data, int *truthy_out, int64_t *fen, int *is_num, char *expl,
                    size_t n, tu_err *err) {
    if (!logic) return tu_err_set(err, TU_EINVAL, "no formula");
    ctx c = {.data = data, .expl = expl, .n = n, .err = err};
    if (expl && n) expl[0] = '\0';
    val v;
    v_init(&v);
    int rc = eval(&c, logic, &v, 0);
    if (!rc) {
        if (truthy_out) *truthy_out = truthy(&v);
        if (is_num) *is_num = v.k == V_NUM;
        if (fen && v.k == V_NUM && to_fen(v.q, fen) != 0)
            rc = tu_err_set(err, TU_ELIMIT, "the amount does not fit in 64-bit fen");
    }
    v_clear(&v);
    return rc;
}

/* JsonLogic truthiness: false, null, 0, "" and [] are false. */
static int json_truthy(const json_t *v) {
    switch (json_typeof(v)) {
    case JSON_TRUE: return 1;
    case JSON_INTEGER: return json_integer_value(v) != 0;
    case JSON_REAL: return json_real_value(v) != 0.0;
    case JSON_STRING: return json_string_length(v) > 0;
    case JSON_ARRAY: return json_array_size(v) > 0;
    case JSON_OBJECT: return 1;
    default: return 0;
    }
}

int tu_formula_holds(const json_t *logic, const json_t *data, int *holds, tu_err *err) {
    json_t *v = tu_jsonlogic_apply(logic, data, err); /* the rules engine, standard semantics */
    if (!v) return err && err->code ? err->code : TU_EEVAL;
    *holds = json_truthy(v);
    json_decref(v);
    return TU_OK;
}

int tu_formula_money(const json_t *logic, const json_t *data, int64_t *fen, char *expl, size_t n, tu_err *err) {
    int is_num = 0, t = 0;
    int rc = tu_formula_eval(logic, data, &t, fen, &is_num, expl, n, err);
    if (rc) return rc;
    if (!is_num) return tu_err_set(err, TU_EEVAL, "the formula did not give a number");
    if (*fen < 0) return tu_err_set(err, TU_EEVAL, "the formula gave a negative amount");
    return TU_OK;
}
