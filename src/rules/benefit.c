/* benefit.c — exact evaluation of benefit formulas with GMP rationals; one rounding, to the fen, at the end.
 *
 * Runs once per award computation (a project reviewed, a fixture tested): clarity and exactness over speed.
 * Every number is an mpq_t; decimal text is converted digit by digit ("0.1" is exactly 1/10).
 */
#include <gmp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/alloc.h"
#include "core/catalog.h"
#include "core/num.h"
#include "rules/benefit.h"
#include "rules/rules_int.h"

enum { B_NULL, B_BOOL, B_NUM, B_STR, B_TAGS };

typedef struct bv {
    int kind, b;
    mpq_t q;        /* B_NUM; initialised for every value */
    const char *s;  /* B_STR: points into the formula, the project or the scratch of the evaluation */
    size_t len;
    uint32_t tags;
} bv;

typedef struct bctx {
    const tu_ent *e;
    const json_t *project, *loan;
    tu_err *err;
    int rc;
    char scratch[TU_A_COUNT][TU_DEC_BUFSZ];
} bctx;

static int bfail(bctx *c, int code, const char *field, const char *msg) {
    if (!c->rc) {
        c->rc = tu_err_set(c->err, code, "%s", msg);
        if (c->err && field) snprintf(c->err->field, sizeof c->err->field, "%.63s", field);
    }
    return c->rc;
}

/* Decimal text "-12.345e-2" -> exact rational. Returns 0, or -1 when s is not a decimal number. */
static int dec_to_q(const char *s, size_t n, mpq_t q) {
    char digits[512];
    size_t nd = 0, i = 0;
    long places = 0, exp = 0;
    int neg = 0, dot = 0;
    if (i < n && (s[i] == '-' || s[i] == '+')) neg = s[i++] == '-';
    for (; i < n; i++) {
        if (s[i] >= '0' && s[i] <= '9') {
            if (nd >= sizeof digits - 1) return -1;
            digits[nd++] = s[i];
            places += dot;
        } else if (s[i] == '.' && !dot) {
            dot = 1;
        } else {
            break;
        }
    }
    if (nd == 0) return -1;
    if (i < n && (s[i] == 'e' || s[i] == 'E')) {
        char tmp[16], *end;
        size_t m = n - i - 1;
        if (m == 0 || m >= sizeof tmp) return -1;
        memcpy(tmp, s + i + 1, m), tmp[m] = '\0';
        exp = strtol(tmp, &end, 10);
        if (*end || exp > 400 || exp < -400) return -1;
        i = n;
    }
    if (i != n) return -1;
    digits[nd] = '\0';
    mpz_t num, p10;
    mpz_init_set_str(num, digits, 10);
    mpz_init(p10);
    long scale = places - exp;
    mpz_ui_pow_ui(p10, 10, (unsigned long)(scale >= 0 ? scale : -scale));
    if (scale < 0) mpz_mul(num, num, p10), mpz_set_ui(p10, 1);
    if (neg) mpz_neg(num, num);
    mpq_set_num(q, num), mpq_set_den(q, p10);
    mpq_canonicalize(q);
    mpz_clear(num), mpz_clear(p10);
    return 0;
}

/* A JSON number by its decimal text: integers exactly, reals by their shortest round-trip form ("0.1"). */
static void json_num_to_q(const json_t *v, mpq_t q) {
    if (json_is_integer(v)) {
        mpq_set_si(q, (long)json_integer_value(v), 1);
        return;
    }
    char tmp[64];
    double d = json_real_value(v);
    tu__real_shortest(tmp, sizeof tmp, d);
    if (dec_to_q(tmp, strlen(tmp), q)) mpq_set_ui(q, 0, 1); /* not reached: %g always prints a decimal */
}

static void set_num(bv *v) { v->kind = B_NUM; }

static void set_str(bv *v, const char *s, size_t n) { v->kind = B_STR, v->s = s, v->len = n; }

static void from_json(bv *v, const json_t *j) {
    if (json_is_number(j)) json_num_to_q(j, v->q), set_num(v);
    else if (json_is_string(j)) set_str(v, json_string_value(j), json_string_length(j));
    else if (json_is_boolean(j)) v->kind = B_BOOL, v->b = json_is_true(j);
    else v->kind = B_NULL;
}

static int load_attr(bctx *c, const tu_attr *a, bv *out) {
    tu_value v;
    tu_ent_get(c->e, a->id, &v);
    char *s = c->scratch[a->id];
    switch (v.kind) {
    case TU_V_NUM:
        if (a->type == TU_T_CODE) snprintf(s, TU_DEC_BUFSZ, "%06lld", (long long)v.num), set_str(out, s, 6);
        else mpq_set_si(out->q, (long)v.num, v.places ? TU_DEC_SCALE : 1), mpq_canonicalize(out->q), set_num(out);
        return 0;
    case TU_V_STR: set_str(out, v.str, v.len); return 0;
    case TU_V_DATE: set_str(out, tu_date_format((int32_t)v.num, s), 10); return 0;
    case TU_V_TAGS: out->kind = B_TAGS, out->tags = v.tags; return 0;
    default: return -1;
    }
}

static int ev(bctx *c, const json_t *node, bv *out);

static int op_var(bctx *c, const json_t *args, bv *out) {
    const json_t *name = json_is_string(args) ? args : json_array_get(args, 0);
    const json_t *def = json_is_array(args) ? json_array_get(args, 1) : NULL;
    if (!json_is_string(name)) return bfail(c, TU_EUNSUPPORTED, NULL, "a variable name must be a string");
    const char *n = json_string_value(name);
    const tu_attr *a = tu_attr_find(n, json_string_length(name));
    int found;
    if (a) {
        found = c->e && load_attr(c, a, out) == 0;
    } else if (strncmp(n, "project.", 8) == 0 || strncmp(n, "loan.", 5) == 0) {
        const json_t *v = json_object_get(n[0] == 'l' ? c->loan : c->project, strchr(n, '.') + 1);
        found = v && !json_is_null(v);
        if (found) from_json(out, v);
        if (found && out->kind == B_STR && dec_to_q(out->s, out->len, out->q) == 0) set_num(out); /* "1500.50" */
    } else {
        char msg[160];
        snprintf(msg, sizeof msg, "'%.60s' is neither an attribute nor a project.* or loan.* field", n);
        return bfail(c, TU_EEVAL, n, msg);
    }
    if (found) return 0;
    if (def) return ev(c, def, out);
    char msg[160];
    snprintf(msg, sizeof msg, "%s %.60s is missing", a ? "attribute" : n[0] == 'l' ? "loan field" : "project field",
             a ? a->name : strchr(n, '.') + 1);
    return bfail(c, TU_EEVAL, n, msg);
}

/* The exact number of a value: numbers, and strings that are decimal text. */
static int to_q(bctx *c, bv *v) {
    if (v->kind == B_NUM) return 0;
    if (v->kind == B_STR && dec_to_q(v->s, v->len, v->q) == 0) return set_num(v), 0;
    return bfail(c, TU_EEVAL, NULL, "arithmetic on a value that is not a number");
}

static int truthy(const bv *v) {
    switch (v->kind) {
    case B_BOOL: return v->b;
    case B_NUM: return mpq_sgn(v->q) != 0;
    case B_STR: return v->len != 0;
    case B_TAGS: return v->tags != 0;
    default: return 0;
    }
}

/* -1/0/1, or 2 when the two values cannot be ordered (a number and a non-numeric string). */
static int compare(bv *a, bv *b) {
    if (a->kind == B_STR && b->kind == B_STR) {
        int r = memcmp(a->s, b->s, a->len < b->len ? a->len : b->len);
        return r ? (r < 0 ? -1 : 1) : (a->len > b->len) - (a->len < b->len);
    }
    if (a->kind == B_STR && dec_to_q(a->s, a->len, a->q) == 0) set_num(a);
    if (b->kind == B_STR && dec_to_q(b->s, b->len, b->q) == 0) set_num(b);
    if (a->kind == B_NUM && b->kind == B_NUM) {
        int r = mpq_cmp(a->q, b->q);
        return (r > 0) - (r < 0);
    }
    if (a->kind == B_BOOL && b->kind == B_BOOL) return (a->b > b->b) - (a->b < b->b);
    return a->kind == B_NULL && b->kind == B_NULL ? 0 : 2;
}

static int holds(int op, int r) {
    switch (op) {
    case TU_OP_EQ:
    case TU_OP_SEQ: return r == 0;
    case TU_OP_NE:
    case TU_OP_SNE: return r != 0;
    case TU_OP_LT: return r == -1;
    case TU_OP_LE: return r == -1 || r == 0;
    case TU_OP_GT: return r == 1;
    default: return r == 1 || r == 0;
    }
}

/* Evaluates args[i] into a fresh value the caller clears. */
static int arg(bctx *c, const json_t *args, size_t i, bv *v) {
    memset(v, 0, sizeof *v);
    mpq_init(v->q);
    return ev(c, json_array_get(args, i), v);
}

static int op_compare(bctx *c, int op, const json_t *args, bv *out) {
    size_t n = json_array_size(args);
    if (n < 2 || n > 3 || (n == 3 && op != TU_OP_LT && op != TU_OP_LE))
        return bfail(c, TU_EUNSUPPORTED, NULL, "a comparison takes two operands (three for a < b < c)");
    bv v[3];
    int ok = 1, rc = 0;
    size_t done = 0;
    for (; done < n && !rc; done++) rc = arg(c, args, done, &v[done]);
    for (size_t i = 0; !rc && i + 1 < n; i++) ok &= holds(op, compare(&v[i], &v[i + 1]));
    for (size_t i = 0; i < done; i++) mpq_clear(v[i].q);
    out->kind = B_BOOL, out->b = ok;
    return rc;
}

static int op_in(bctx *c, const json_t *args, bv *out) {
    bv needle;
    int rc = arg(c, args, 0, &needle), found = 0;
    const json_t *hay = json_array_get(args, 1);
    if (!rc && json_is_array(hay)) {
        for (size_t i = 0; !rc && !found && i < json_array_size(hay); i++) {
            bv item;
            rc = arg(c, hay, i, &item);
            found = !rc && compare(&needle, &item) == 0;
            mpq_clear(item.q);
        }
    } else if (!rc) {
        bv h;
        rc = arg(c, args, 1, &h);
        if (!rc && h.kind == B_TAGS && needle.kind == B_STR) {
            const tu_tag *t = tu_tag_find(needle.s, needle.len);
            found = t && (h.tags >> t->id & 1u);
        } else if (!rc && h.kind == B_STR && needle.kind == B_STR) {
            found = memmem(h.s, h.len, needle.s, needle.len) != NULL;
        }
        mpq_clear(h.q);
    }
    mpq_clear(needle.q);
    out->kind = B_BOOL, out->b = found;
    return rc;
}

static int op_arith(bctx *c, int op, const json_t *args, bv *out) {
    size_t n = json_array_size(args);
    if (n == 0 || ((op == TU_OP_DIV) && n != 2) || (op == TU_OP_SUB && n > 2))
        return bfail(c, TU_EUNSUPPORTED, NULL, "wrong number of operands for an arithmetic operation");
    int rc = 0;
    for (size_t i = 0; i < n && !rc; i++) {
        bv v;
        rc = arg(c, args, i, &v);
        if (!rc) rc = to_q(c, &v);
        if (!rc && i == 0) mpq_set(out->q, v.q);
        else if (!rc) {
            switch (op) {
            case TU_OP_ADD: mpq_add(out->q, out->q, v.q); break;
            case TU_OP_SUB: mpq_sub(out->q, out->q, v.q); break;
            case TU_OP_MUL: mpq_mul(out->q, out->q, v.q); break;
            case TU_OP_DIV:
                if (mpq_sgn(v.q) == 0) rc = bfail(c, TU_EEVAL, NULL, "division by zero");
                else mpq_div(out->q, out->q, v.q);
                break;
            case TU_OP_MIN: if (mpq_cmp(v.q, out->q) < 0) mpq_set(out->q, v.q); break;
            default: if (mpq_cmp(v.q, out->q) > 0) mpq_set(out->q, v.q); break;
            }
        }
        mpq_clear(v.q);
    }
    if (!rc && op == TU_OP_SUB && n == 1) mpq_neg(out->q, out->q);
    set_num(out);
    return rc;
}

/* and / or: the deciding value (the first falsy / truthy one) or the last, as in JsonLogic. */
static int op_andor(bctx *c, int op, const json_t *args, bv *out) {
    for (size_t i = 0; i < json_array_size(args); i++) {
        int rc = ev(c, json_array_get(args, i), out);
        if (rc || truthy(out) == (op == TU_OP_OR)) return rc;
    }
    return 0;
}

static int op_if(bctx *c, const json_t *args, bv *out) {
    size_t n = json_array_size(args), i = 0;
    for (; i + 1 < n; i += 2) {
        int rc = ev(c, json_array_get(args, i), out);
        if (rc) return rc;
        if (truthy(out)) return ev(c, json_array_get(args, i + 1), out);
    }
    if (i < n) return ev(c, json_array_get(args, i), out);
    out->kind = B_NULL;
    return 0;
}

static int ev(bctx *c, const json_t *node, bv *out) {
    const char *name;
    json_t *args;
    int op = tu__logic_op(node, &name, &args);
    if (op < 0) {
        if (json_is_array(node) || json_is_object(node))
            return bfail(c, TU_EUNSUPPORTED, NULL, "lists and objects are not values of a formula");
        from_json(out, node);
        return 0;
    }
    switch (op) {
    case TU_OP_VAR: return op_var(c, args, out);
    case TU_OP_ADD: case TU_OP_SUB: case TU_OP_MUL: case TU_OP_DIV: case TU_OP_MIN:
    case TU_OP_MAX: return op_arith(c, op, args, out);
    case TU_OP_EQ: case TU_OP_SEQ: case TU_OP_NE: case TU_OP_SNE: case TU_OP_LT: case TU_OP_LE: case TU_OP_GT:
    case TU_OP_GE: return op_compare(c, op, args, out);
    case TU_OP_AND:
    case TU_OP_OR: return op_andor(c, op, args, out);
    case TU_OP_IF:
    case TU_OP_TERNARY: return op_if(c, args, out);
    case TU_OP_IN: return op_in(c, args, out);
    case TU_OP_NOT:
    case TU_OP_NOTNOT: {
        int rc = ev(c, json_array_get(args, 0) ? json_array_get(args, 0) : json_null(), out);
        int t = truthy(out);
        out->kind = B_BOOL, out->b = op == TU_OP_NOT ? !t : t;
        return rc;
    }
    default: {
        char msg[120];
        snprintf(msg, sizeof msg, "'%s' is not allowed in a benefit formula", name);
        return bfail(c, TU_EUNSUPPORTED, NULL, msg);
    }
    }
}

/* yuan -> fen, half away from zero; -1 when it does not fit int64 */
static int round_fen(const mpq_t yuan, int64_t *fen) {
    mpq_t x, half;
    mpz_t r;
    mpq_init(x), mpq_init(half), mpz_init(r);
    mpq_set_ui(half, 1, 2);
    mpq_set_ui(x, 100, 1);
    mpq_mul(x, x, yuan);
    int neg = mpq_sgn(x) < 0;
    mpq_abs(x, x);
    mpq_add(x, x, half);
    mpz_fdiv_q(r, mpq_numref(x), mpq_denref(x));
    if (neg) mpz_neg(r, r);
    int ok = mpz_fits_slong_p(r);
    if (ok) *fen = mpz_get_si(r);
    mpq_clear(x), mpq_clear(half), mpz_clear(r);
    return ok ? 0 : -1;
}

/* Evaluates a canonical formula. */
static int eval_canon(const json_t *canon, const tu_ent *e, const json_t *project, const json_t *loan, int64_t *fen,
                      tu_err *err) {
    bctx c = {.e = e, .project = project, .loan = loan, .err = err, .rc = 0};
    bv out;
    memset(&out, 0, sizeof out);
    mpq_init(out.q);
    int rc = ev(&c, canon, &out);
    if (!rc && out.kind == B_STR) rc = to_q(&c, &out);
    if (!rc && out.kind != B_NUM) rc = bfail(&c, TU_EEVAL, NULL, "the formula's value is not a number");
    if (!rc && mpq_sgn(out.q) < 0) rc = bfail(&c, TU_EEVAL, NULL, "the formula gave a negative amount");
    if (!rc && round_fen(out.q, fen)) rc = bfail(&c, TU_ELIMIT, NULL, "the amount does not fit in 64-bit fen");
    mpq_clear(out.q);
    return rc;
}

int tu_benefit_eval(const json_t *formula, const tu_ent *e, const json_t *project, int64_t *fen, tu_err *err) {
    return tu_benefit_eval_loan(formula, e, project, NULL, fen, err);
}

int tu_benefit_eval_loan(const json_t *formula, const tu_ent *e, const json_t *project, const json_t *loan, int64_t *fen,
                         tu_err *err) {
    json_t *canon;
    int rc = tu__rule_canonical(formula, &canon, err);
    if (rc) return rc;
    rc = eval_canon(canon, e, project, loan, fen, err);
    json_decref(canon);
    return rc;
}

struct tu_benefit {
    json_t *canon;
};

int tu_benefit_compile(const json_t *formula, tu_benefit **out, tu_err *err) {
    *out = NULL;
    json_t *canon;
    int rc = tu__rule_canonical(formula, &canon, err);
    if (rc) return rc;
    tu_benefit *b = tu_calloc(1, sizeof *b);
    if (!b) return json_decref(canon), tu_err_set(err, TU_ENOMEM, "out of memory");
    b->canon = canon;
    *out = b;
    return TU_OK;
}

int tu_benefit_run(const tu_benefit *b, const tu_ent *e, const json_t *project, int64_t *fen, tu_err *err) {
    return eval_canon(b->canon, e, project, NULL, fen, err);
}

void tu_benefit_free(tu_benefit *b) {
    if (!b) return;
    json_decref(b->canon);
    tu_free(b);
}
