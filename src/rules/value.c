/* value.c — JavaScript coercions on jansson values, the operator table and a growable string.
 *
 * JsonLogic inherits JavaScript's loose typing: == converts strings to numbers, < compares two strings
 * lexicographically and anything else numerically, + uses parseFloat, [] is falsy. These helpers reproduce
 * those rules exactly on the JSON value types (NaN and Infinity do not exist in JSON; results that would be
 * NaN or Infinity become null). Used by the standard evaluator and the compiler; not on the hot path.
 */
#include <ctype.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/alloc.h"
#include "rules/rules_int.h"

static const char *const op_names[] = {
#define TU__OP_NAME(id, name) name,
    TU_OP_MAP(TU__OP_NAME)
#undef TU__OP_NAME
};

int tu__op_find(const char *name) {
    for (int i = 0; i < TU_OP_COUNT; i++)
        if (strcmp(op_names[i], name) == 0) return i;
    return -1;
}

const char *tu__op_name(int op) { return op >= 0 && op < TU_OP_COUNT ? op_names[op] : "?"; }

int tu__logic_op(const json_t *v, const char **name, json_t **args) {
    if (!json_is_object(v) || json_object_size(v) != 1) return -1;
    const char *key = json_object_iter_key(json_object_iter((json_t *)v));
    if (name) *name = key;
    if (args) *args = json_object_iter_value(json_object_iter((json_t *)v));
    int op = tu__op_find(key);
    return op < 0 ? TU_OP_COUNT : op; /* TU_OP_COUNT: logic with an unknown operator */
}

size_t tu__nargs(const json_t *args) { return json_is_array(args) ? json_array_size(args) : 1; }

json_t *tu__arg(const json_t *args, size_t i) {
    if (json_is_array(args)) return json_array_get(args, i);
    return i == 0 ? (json_t *)args : NULL;
}

int tu__op_scoped(int op) {
    return op == TU_OP_MAP || op == TU_OP_FILTER || op == TU_OP_REDUCE || op == TU_OP_ALL || op == TU_OP_NONE ||
           op == TU_OP_SOME;
}

/* ---- growable string ---- */

void tu__buf_add(tu__buf *b, const char *s, size_t n) {
    if (b->oom) return;
    if (b->len + n + 1 > b->cap) {
        size_t cap = b->cap ? b->cap : 64;
        while (cap < b->len + n + 1) cap *= 2;
        char *p = tu_realloc(b->p, cap);
        if (!p) {
            b->oom = 1;
            return;
        }
        b->p = p, b->cap = cap;
    }
    memcpy(b->p + b->len, s, n);
    b->len += n;
    b->p[b->len] = '\0';
}

void tu__buf_str(tu__buf *b, const char *s) { tu__buf_add(b, s, strlen(s)); }

void tu__buf_printf(tu__buf *b, const char *fmt, ...) {
    char tmp[512];
    va_list ap;
    va_start(ap, fmt);
    int n = vsnprintf(tmp, sizeof tmp, fmt, ap);
    va_end(ap);
    if (n < 0) return;
    tu__buf_add(b, tmp, (size_t)n < sizeof tmp ? (size_t)n : sizeof tmp - 1);
}

void tu__buf_free(tu__buf *b) {
    tu_free(b->p);
    memset(b, 0, sizeof *b);
}

char *tu__buf_take(tu__buf *b) {
    if (!b->oom && !b->p) tu__buf_add(b, "", 0);
    char *p = b->oom ? NULL : b->p;
    if (b->oom) tu_free(b->p);
    memset(b, 0, sizeof *b);
    return p;
}

/* ---- coercions ---- */

int tu__js_truthy(const json_t *v) {
    switch (json_typeof(v)) {
    case JSON_TRUE: return 1;
    case JSON_INTEGER: return json_integer_value(v) != 0;
    case JSON_REAL: return json_real_value(v) != 0;
    case JSON_STRING: return json_string_length(v) != 0;
    case JSON_ARRAY: return json_array_size(v) != 0;
    case JSON_OBJECT: return 1;
    default: return 0;
    }
}

static int is_js_space(unsigned char c) { return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' || c == '\v'; }

double tu__js_strtonum(const char *s, size_t len) {
    while (len && is_js_space((unsigned char)*s)) s++, len--;
    while (len && is_js_space((unsigned char)s[len - 1])) len--;
    if (len == 0) return 0;
    if (len > 400) return NAN;
    char tmp[401];
    memcpy(tmp, s, len), tmp[len] = '\0';
    const char *body = tmp + (tmp[0] == '+' || tmp[0] == '-');
    if (strcmp(body, "Infinity") == 0) return tmp[0] == '-' ? -INFINITY : INFINITY;
    for (const char *p = body; *p; p++)
        if (!isdigit((unsigned char)*p) && *p != '.' && *p != 'e' && *p != 'E' && *p != '+' && *p != '-') return NAN;
    char *end;
    double d = strtod(tmp, &end);
    return *end || end == tmp ? NAN : d;
}

double tu__js_tonum(const json_t *v) {
    switch (json_typeof(v)) {
    case JSON_TRUE: return 1;
    case JSON_FALSE:
    case JSON_NULL: return 0;
    case JSON_INTEGER:
    case JSON_REAL: return json_number_value(v);
    case JSON_STRING: return tu__js_strtonum(json_string_value(v), json_string_length(v));
    case JSON_ARRAY: {
        tu__buf b = {0};
        tu__js_tostr(&b, v);
        double d = b.oom ? NAN : tu__js_strtonum(b.p ? b.p : "", b.len);
        tu__buf_free(&b);
        return d;
    }
    default: return NAN;
    }
}

double tu__js_parsefloat(const json_t *v) {
    if (json_is_number(v)) return json_number_value(v);
    tu__buf b = {0};
    tu__js_tostr(&b, v);
    double d = NAN;
    if (!b.oom && b.p) {
        const char *s = b.p;
        while (is_js_space((unsigned char)*s)) s++;
        const char *body = s + (*s == '+' || *s == '-');
        if (strncmp(body, "Infinity", 8) == 0) d = *s == '-' ? -INFINITY : INFINITY;
        else if (isdigit((unsigned char)*body) || (*body == '.' && isdigit((unsigned char)body[1]))) {
            /* the longest decimal prefix: digits, '.', digits, exponent (strtod would also take hex and "nan") */
            const char *p = body;
            while (isdigit((unsigned char)*p)) p++;
            if (*p == '.') for (p++; isdigit((unsigned char)*p);) p++;
            if ((*p == 'e' || *p == 'E')) {
                const char *q = p + 1 + (p[1] == '+' || p[1] == '-');
                if (isdigit((unsigned char)*q)) for (p = q; isdigit((unsigned char)*p);) p++;
            }
            char tmp[401];
            size_t n = (size_t)(p - s) < 400 ? (size_t)(p - s) : 400;
            memcpy(tmp, s, n), tmp[n] = '\0';
            d = strtod(tmp, NULL);
        }
    }
    tu__buf_free(&b);
    return d;
}

void tu__real_shortest(char *buf, size_t n, double d) {
    for (int p = 1; p <= 17; p++) {
        snprintf(buf, n, "%.*g", p, d);
        if (strtod(buf, NULL) == d) return;
    }
}

void tu__js_numstr(char *buf, size_t n, double d) {
    if (isnan(d)) snprintf(buf, n, "NaN");
    else if (isinf(d)) snprintf(buf, n, d < 0 ? "-Infinity" : "Infinity");
    else if (d == 0) snprintf(buf, n, "0");
    else if (d == trunc(d) && fabs(d) < 1e21) snprintf(buf, n, "%.0f", d);
    else {
        tu__real_shortest(buf, n, d);
        char *e = strchr(buf, 'e'); /* JavaScript writes 1e-7 and 1e+21, C writes 1e-07 */
        if (e && (e[2] == '0')) memmove(e + 2, e + 3, strlen(e + 3) + 1);
    }
}

void tu__js_tostr(tu__buf *b, const json_t *v) {
    char tmp[64];
    switch (json_typeof(v)) {
    case JSON_STRING: tu__buf_add(b, json_string_value(v), json_string_length(v)); break;
    case JSON_INTEGER:
    case JSON_REAL:
        tu__js_numstr(tmp, sizeof tmp, json_number_value(v));
        tu__buf_str(b, tmp);
        break;
    case JSON_TRUE: tu__buf_str(b, "true"); break;
    case JSON_FALSE: tu__buf_str(b, "false"); break;
    case JSON_NULL: tu__buf_str(b, "null"); break;
    case JSON_ARRAY:
        for (size_t i = 0; i < json_array_size(v); i++) {
            if (i) tu__buf_add(b, ",", 1);
            const json_t *x = json_array_get(v, i);
            if (!json_is_null(x)) tu__js_tostr(b, x); /* [null].join() is "" */
        }
        break;
    default: tu__buf_str(b, "[object Object]");
    }
}

json_t *tu__js_num(double d) {
    if (!isfinite(d)) return json_null();
    if (d == trunc(d) && fabs(d) < 9007199254740992.0) return json_integer((json_int_t)d);
    return json_real(d);
}

/* ToPrimitive of an array or object: its string; other values unchanged (new reference). */
static json_t *to_primitive(const json_t *v) {
    if (!json_is_array(v) && !json_is_object(v)) return json_incref((json_t *)v);
    tu__buf b = {0};
    tu__js_tostr(&b, v);
    json_t *s = b.oom ? NULL : json_stringn_nocheck(b.p ? b.p : "", b.len);
    tu__buf_free(&b);
    return s;
}

static int str_eq(const json_t *a, const json_t *b) {
    return json_string_length(a) == json_string_length(b) &&
           memcmp(json_string_value(a), json_string_value(b), json_string_length(a)) == 0;
}

int tu__js_strict_eq(const json_t *a, const json_t *b) {
    if (json_is_number(a) && json_is_number(b)) return json_number_value(a) == json_number_value(b);
    if (json_typeof(a) != json_typeof(b)) return 0;
    switch (json_typeof(a)) {
    case JSON_STRING: return str_eq(a, b);
    case JSON_ARRAY:
    case JSON_OBJECT: return a == b; /* identity, as in JavaScript */
    default: return 1;               /* true, false, null */
    }
}

static int composite(const json_t *v) { return json_is_array(v) || json_is_object(v); }

int tu__js_loose_eq(const json_t *a, const json_t *b) {
    if ((json_is_number(a) && json_is_number(b)) || json_typeof(a) == json_typeof(b)) return tu__js_strict_eq(a, b);
    if (json_is_null(a) || json_is_null(b)) return 0;
    if (composite(a) && composite(b)) return 0; /* an array is never == an object */
    if (composite(a) || composite(b)) {
        json_t *p = to_primitive(composite(a) ? a : b);
        int r = p ? tu__js_loose_eq(p, composite(a) ? b : a) : 0;
        json_decref(p);
        return r;
    }
    return tu__js_tonum(a) == tu__js_tonum(b); /* booleans, numbers and strings meet as numbers */
}

static int sign_cmp(double x, double y) {
    if (isnan(x) || isnan(y)) return 2;
    return x < y ? -1 : x > y;
}

int tu__js_cmp(const json_t *a, const json_t *b) {
    json_t *pa = to_primitive(a), *pb = to_primitive(b);
    int r = 2;
    if (pa && pb && json_is_string(pa) && json_is_string(pb)) {
        size_t la = json_string_length(pa), lb = json_string_length(pb);
        int c = memcmp(json_string_value(pa), json_string_value(pb), la < lb ? la : lb);
        r = c ? (c < 0 ? -1 : 1) : (la < lb ? -1 : la > lb);
    } else if (pa && pb) {
        r = sign_cmp(tu__js_tonum(pa), tu__js_tonum(pb));
    }
    json_decref(pa), json_decref(pb);
    return r;
}

int tu__json_same(const json_t *a, const json_t *b) {
    if (json_is_number(a) && json_is_number(b)) return json_number_value(a) == json_number_value(b);
    if (!a || !b || json_typeof(a) != json_typeof(b)) return a == b;
    if (json_is_string(a)) return str_eq(a, b);
    if (json_is_array(a)) {
        if (json_array_size(a) != json_array_size(b)) return 0;
        for (size_t i = 0; i < json_array_size(a); i++)
            if (!tu__json_same(json_array_get(a, i), json_array_get(b, i))) return 0;
        return 1;
    }
    if (json_is_object(a)) {
        const char *k;
        json_t *v;
        if (json_object_size(a) != json_object_size(b)) return 0;
        json_object_foreach((json_t *)a, k, v) if (!tu__json_same(v, json_object_get(b, k))) return 0;
        return 1;
    }
    return 1;
}
