/* text.c — the readable rule syntax: a hand-written lexer and recursive-descent parser that build canonical
 * JsonLogic, and the printer that writes a tree back with the fewest parentheses that keep its shape.
 *
 * Precedence, lowest first: or; and; not; comparisons (== != === !== < <= > >= in, a < b < c); + -; * / %;
 * unary -; primaries (numbers, "strings", true/false/null, [lists], (expr), name.path, f(args), "op"(args)).
 * and, or, + and * are n-ary (a + b + c is one "+"), - / % are binary and left-associative. Rules are written
 * by people and parsed when saved: clarity over speed. Nesting is limited (TU_RULE_MAX_DEPTH): one level of
 * the tree costs the parser at most two of its own (-( or f(), so the tree's own limit, checked after parsing,
 * is the one that bites and text and JSON accept the same rules.
 */
#include <ctype.h>
#include <errno.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "core/alloc.h"
#include "core/num.h"
#include "rules/rules.h"
#include "rules/rules_int.h"
#include "rules/text.h"

/* ---------------------------------------------------------------- lexer */

typedef enum { T_EOF, T_NUM, T_STR, T_IDENT, T_AND, T_OR, T_NOT, T_IN, T_TRUE, T_FALSE, T_NULL, T_PUNCT } tok_kind;

typedef struct tok {
    tok_kind kind;
    size_t pos, len; /* bytes of the source */
    char punct[4];   /* T_PUNCT: "(", "==", ... */
} tok;

typedef struct parser {
    const char *s;
    size_t len, pos;
    tok t;          /* current token */
    int depth;
    tu_err *err;
    int failed;
} parser;

/* 1-based line and column (in characters) of byte offset pos. */
static void position(const char *s, size_t pos, int *line, int *col) {
    int l = 1, c = 1;
    for (size_t i = 0; i < pos; i++) {
        if (s[i] == '\n') l++, c = 1;
        else if (((unsigned char)s[i] & 0xC0) != 0x80) c++;
    }
    *line = l, *col = c;
}

static void describe(const parser *p, const tok *t, char *buf, size_t n) {
    if (t->kind == T_EOF) snprintf(buf, n, "end of input");
    else snprintf(buf, n, "'%.*s'", (int)(t->len > 30 ? 30 : t->len), p->s + t->pos);
}

/* Records the first error at byte offset pos; returns NULL for `return fail(...)`. */
static json_t *fail_at(parser *p, size_t pos, int code, const char *fmt, const char *arg) {
    if (p->failed) return NULL;
    p->failed = 1;
    tu_err_set(p->err, code, fmt, arg);
    if (p->err) position(p->s, pos, &p->err->line, &p->err->col);
    return NULL;
}

static json_t *expected(parser *p, const char *what) {
    char found[64], msg[160];
    describe(p, &p->t, found, sizeof found);
    snprintf(msg, sizeof msg, "expected %s, found %s", what, found);
    return fail_at(p, p->t.pos, TU_EPARSE, "%s", msg);
}

static int is_ident_start(int c) { return isalpha(c) || c == '_'; }
static int is_ident_char(int c) { return isalnum(c) || c == '_'; }

static const struct { const char *word; tok_kind kind; } keywords[] = {
    {"and", T_AND}, {"or", T_OR}, {"not", T_NOT}, {"in", T_IN}, {"true", T_TRUE}, {"false", T_FALSE}, {"null", T_NULL},
};

static tok_kind keyword(const char *s, size_t n) {
    for (size_t i = 0; i < sizeof keywords / sizeof keywords[0]; i++)
        if (strlen(keywords[i].word) == n && memcmp(keywords[i].word, s, n) == 0) return keywords[i].kind;
    return T_IDENT;
}

static void skip_space(parser *p) {
    while (p->pos < p->len) {
        char c = p->s[p->pos];
        if (c == '#') while (p->pos < p->len && p->s[p->pos] != '\n') p->pos++;
        else if (c == ' ' || c == '\t' || c == '\n' || c == '\r') p->pos++;
        else break;
    }
}

static size_t scan_number(const char *s, size_t len, size_t i) {
    while (i < len && isdigit((unsigned char)s[i])) i++;
    if (i + 1 < len && s[i] == '.' && isdigit((unsigned char)s[i + 1]))
        for (i++; i < len && isdigit((unsigned char)s[i]);) i++;
    if (i < len && (s[i] == 'e' || s[i] == 'E')) {
        size_t j = i + 1 + (i + 1 < len && (s[i + 1] == '+' || s[i + 1] == '-'));
        if (j < len && isdigit((unsigned char)s[j]))
            for (i = j; i < len && isdigit((unsigned char)s[i]);) i++;
    }
    return i;
}

static size_t scan_string(parser *p, size_t i) {
    for (i++; i < p->len; i++) {
        if (p->s[i] == '\\') i++;
        else if (p->s[i] == '"') return i + 1;
        else if (p->s[i] == '\n') break;
    }
    fail_at(p, p->pos, TU_EPARSE, "%s", "unterminated string (a string ends with \" on the same line)");
    return p->len;
}

static const char *const puncts[] = {"===", "!==", "==", "!=", "<=", ">=", "<", ">", "(", ")", "[", "]",
                                     ",", ".", "+", "-", "*", "/", "%"};

static void next(parser *p) {
    skip_space(p);
    tok t = {T_EOF, p->pos, 0, ""};
    if (p->pos >= p->len) goto done;
    const char *s = p->s;
    unsigned char c = (unsigned char)s[p->pos];
    size_t end = p->pos;
    if (isdigit(c)) t.kind = T_NUM, end = scan_number(s, p->len, p->pos);
    else if (c == '"') t.kind = T_STR, end = scan_string(p, p->pos);
    else if (is_ident_start(c)) {
        while (end < p->len && is_ident_char((unsigned char)s[end])) end++;
        t.kind = keyword(s + p->pos, end - p->pos);
    } else {
        for (size_t i = 0; i < sizeof puncts / sizeof puncts[0]; i++) {
            size_t n = strlen(puncts[i]);
            if (p->pos + n <= p->len && memcmp(s + p->pos, puncts[i], n) == 0) {
                t.kind = T_PUNCT, end = p->pos + n, memcpy(t.punct, puncts[i], n + 1);
                break;
            }
        }
        if (t.kind != T_PUNCT) {
            size_t n = 1;
            while (p->pos + n < p->len && ((unsigned char)s[p->pos + n] & 0xC0) == 0x80) n++;
            char what[16];
            snprintf(what, sizeof what, "%.*s", (int)n, s + p->pos);
            fail_at(p, p->pos, TU_EPARSE, "unexpected character '%s'", what);
            end = p->len;
        }
    }
    t.len = end - p->pos;
    p->pos = end;
done:
    p->t = t;
}

static int is_punct(const parser *p, const char *s) { return p->t.kind == T_PUNCT && strcmp(p->t.punct, s) == 0; }

static int accept(parser *p, const char *s) {
    if (!is_punct(p, s)) return 0;
    next(p);
    return 1;
}

/* ---------------------------------------------------------------- literals */

static json_t *number(parser *p, int negative) {
    char buf[400];
    size_t n = p->t.len;
    if (n + 2 > sizeof buf) return fail_at(p, p->t.pos, TU_EPARSE, "%s", "number too long");
    buf[0] = '-';
    memcpy(buf + 1, p->s + p->t.pos, n), buf[n + 1] = '\0';
    const char *txt = negative ? buf : buf + 1;
    json_t *v;
    if (!strpbrk(txt, ".eE")) {
        errno = 0;
        long long x = strtoll(txt, NULL, 10);
        v = errno ? NULL : json_integer(x);
        if (errno) return fail_at(p, p->t.pos, TU_EPARSE, "%s", "integer out of range (use a decimal: 1.0e20)");
    } else {
        double d = strtod(txt, NULL);
        if (!isfinite(d)) return fail_at(p, p->t.pos, TU_EPARSE, "%s", "number out of range");
        v = json_real(d);
    }
    next(p);
    return v;
}

static int hex4(const char *s, unsigned *out) {
    unsigned v = 0;
    for (int i = 0; i < 4; i++) {
        int c = s[i], d = isdigit(c) ? c - '0' : (c >= 'a' && c <= 'f') ? c - 'a' + 10 : (c >= 'A' && c <= 'F') ? c - 'A' + 10 : -1;
        if (d < 0) return -1;
        v = v * 16 + (unsigned)d;
    }
    *out = v;
    return 0;
}

static void put_utf8(tu__buf *b, unsigned cp) {
    char u[4];
    size_t n;
    if (cp < 0x80) u[0] = (char)cp, n = 1;
    else if (cp < 0x800) u[0] = (char)(0xC0 | cp >> 6), u[1] = (char)(0x80 | (cp & 63)), n = 2;
    else if (cp < 0x10000)
        u[0] = (char)(0xE0 | cp >> 12), u[1] = (char)(0x80 | (cp >> 6 & 63)), u[2] = (char)(0x80 | (cp & 63)), n = 3;
    else
        u[0] = (char)(0xF0 | cp >> 18), u[1] = (char)(0x80 | (cp >> 12 & 63)), u[2] = (char)(0x80 | (cp >> 6 & 63)),
        u[3] = (char)(0x80 | (cp & 63)), n = 4;
    tu__buf_add(b, u, n);
}

/* One escape after a backslash at s[i]; returns the bytes consumed after the backslash, or 0 if invalid. */
static size_t unescape(const char *s, size_t i, size_t end, tu__buf *b) {
    static const char from[] = "\"\\/bfnrt", to[] = "\"\\/\b\f\n\r\t";
    const char *k = i < end ? strchr(from, s[i]) : NULL;
    if (k && *k) {
        tu__buf_add(b, &to[k - from], 1);
        return 1;
    }
    unsigned cp, lo;
    if (i >= end || s[i] != 'u' || i + 5 > end || hex4(s + i + 1, &cp)) return 0;
    if (cp >= 0xDC00 && cp <= 0xDFFF) return 0;
    if (cp >= 0xD800 && cp <= 0xDBFF) { /* a surrogate pair: \uD83D\uDE00 */
        if (i + 11 > end || s[i + 5] != '\\' || s[i + 6] != 'u' || hex4(s + i + 7, &lo) || lo < 0xDC00 || lo > 0xDFFF)
            return 0;
        put_utf8(b, 0x10000 + ((cp - 0xD800) << 10) + (lo - 0xDC00));
        return 11;
    }
    put_utf8(b, cp);
    return 5;
}

static json_t *string(parser *p) {
    tu__buf b = {0};
    size_t end = p->t.pos + p->t.len - 1; /* the closing quote */
    for (size_t i = p->t.pos + 1; i < end; i++) {
        unsigned char c = (unsigned char)p->s[i];
        if (c < 0x20) {
            tu__buf_free(&b);
            return fail_at(p, i, TU_EPARSE, "%s", "control character in a string (write \\t or \\u0001)");
        }
        if (c != '\\') {
            tu__buf_add(&b, (const char *)&c, 1);
            continue;
        }
        size_t k = unescape(p->s, i + 1, end, &b);
        if (!k) {
            tu__buf_free(&b);
            return fail_at(p, i, TU_EPARSE, "%s", "invalid escape (use \\\" \\\\ \\/ \\b \\f \\n \\r \\t or \\uXXXX)");
        }
        i += k;
    }
    json_t *v = b.oom ? NULL : json_stringn_nocheck(b.p ? b.p : "", b.len);
    tu__buf_free(&b);
    if (!v) return fail_at(p, p->t.pos, TU_ENOMEM, "%s", "out of memory");
    next(p);
    return v;
}

/* ---------------------------------------------------------------- expressions */

static json_t *expr(parser *p);

/* {"op":[args...]} built from an array (stolen). */
static json_t *node(parser *p, const char *op, json_t *args) {
    json_t *v = args ? json_pack("{so}", op, args) : NULL;
    if (!v && !p->failed) fail_at(p, p->t.pos, TU_ENOMEM, "%s", "out of memory");
    return v;
}

static json_t *node2(parser *p, const char *op, json_t *a, json_t *b) {
    json_t *args = a && b ? json_pack("[oo]", a, b) : NULL;
    if (!args) json_decref(a), json_decref(b);
    return node(p, op, args);
}

/* Items up to the closing bracket: "[" a, b "]" or "(" a, b ")"; the opening one is already consumed. */
static json_t *items(parser *p, const char *close, size_t open_pos) {
    json_t *arr = json_array();
    if (!arr) return fail_at(p, p->t.pos, TU_ENOMEM, "%s", "out of memory");
    if (accept(p, close)) return arr;
    for (;;) {
        json_t *x = expr(p);
        if (!x) return json_decref(arr), NULL;
        json_array_append_new(arr, x);
        if (accept(p, close)) return arr;
        if (!accept(p, ",")) {
            char what[128];
            int l, c;
            position(p->s, open_pos, &l, &c);
            snprintf(what, sizeof what, "',' or '%s' to close the '%c' of line %d, column %d", close,
                     close[0] == ']' ? '[' : '(', l, c);
            json_decref(arr);
            return expected(p, what);
        }
    }
}

/* f(args) or "op"(args): the operation name is checked against the table. */
static json_t *call(parser *p, const char *name, size_t name_pos) {
    size_t open = p->t.pos;
    next(p); /* ( */
    if (tu__op_find(name) < 0) return fail_at(p, name_pos, TU_EPARSE, "unknown operation '%.60s'", name);
    json_t *args = items(p, ")", open);
    if (!args) return NULL;
    if (strcmp(name, "var") == 0 && json_array_size(args) == 1 && json_is_string(json_array_get(args, 0))) {
        json_t *v = json_pack("{sO}", "var", json_array_get(args, 0)); /* canonical: {"var":"a"} */
        json_decref(args);
        return v;
    }
    return node(p, name, args);
}

/* name.path, or name(args) */
static json_t *name_or_call(parser *p) {
    tu__buf path = {0};
    size_t start = p->t.pos;
    tu__buf_add(&path, p->s + p->t.pos, p->t.len);
    next(p);
    if (is_punct(p, "(")) {
        json_t *v = path.oom ? NULL : call(p, path.p, start);
        tu__buf_free(&path);
        return v;
    }
    while (accept(p, ".")) {
        if (p->t.kind == T_EOF || p->t.kind == T_PUNCT || p->t.kind == T_STR || p->t.kind == T_NUM) {
            tu__buf_free(&path);
            return expected(p, "a name after '.'");
        }
        tu__buf_add(&path, ".", 1);
        tu__buf_add(&path, p->s + p->t.pos, p->t.len);
        next(p);
    }
    json_t *v = path.oom ? NULL : json_pack("{ss#}", "var", path.p, path.len);
    tu__buf_free(&path);
    return v;
}

static json_t *primary(parser *p) {
    json_t *v;
    switch (p->t.kind) {
    case T_NUM: return number(p, 0);
    case T_STR: {
        size_t pos = p->t.pos;
        if (!(v = string(p))) return NULL;
        if (!is_punct(p, "(")) return v;
        json_t *c = call(p, json_string_value(v), pos); /* "op"(args) */
        json_decref(v);
        return c;
    }
    case T_IDENT: return name_or_call(p);
    case T_TRUE: next(p); return json_true();
    case T_FALSE: next(p); return json_false();
    case T_NULL: next(p); return json_null();
    default: break;
    }
    size_t open = p->t.pos;
    if (accept(p, "[")) return items(p, "]", open);
    if (accept(p, "(")) {
        if (!(v = expr(p))) return NULL;
        if (accept(p, ")")) return v;
        json_decref(v);
        char what[80];
        int l, c;
        position(p->s, open, &l, &c);
        snprintf(what, sizeof what, "')' to close the '(' of line %d, column %d", l, c);
        return expected(p, what);
    }
    return expected(p, "an expression");
}

static json_t *unary(parser *p) {
    if (!is_punct(p, "-")) return primary(p);
    next(p);
    if (p->t.kind == T_NUM) return number(p, 1); /* -5 is a number, -(5) an operation */
    /* one level per negation: -(x) counts in the parenthesis (expr), not twice, so the printer's -(-(x)) for a
     * chain of negations parses back at the depth it was read (found by the fuzzer) */
    int counted = !is_punct(p, "(");
    if (counted && ++p->depth > TU_RULE_MAX_DEPTH) return fail_at(p, p->t.pos, TU_EDEPTH, "%s", "rule nested too deeply");
    json_t *x = unary(p);
    p->depth -= counted;
    json_t *args = x ? json_pack("[o]", x) : NULL;
    return args ? node(p, "-", args) : NULL;
}

/* A left-associative level: a OP b OP c. An op listed in nary collects its run into one node (a + b + c is
 * {"+":[a,b,c]}), but never reaches into a parenthesised operand: (a + b) + c stays nested. */
static json_t *binary_level(parser *p, const char *const ops[], int nops, const char *const nary[],
                            json_t *(*sub)(parser *)) {
    json_t *left = sub(p), *run = NULL; /* run: the argument array of the n-ary node this loop is building */
    const char *run_op = NULL;
    int saved = p->depth; /* a - b - c nests to the left: count it, or freeing a long chain would recurse */
    while (left) {
        const char *op = NULL;
        for (int i = 0; i < nops; i++)
            if ((ops[i][0] == 'a' && p->t.kind == T_AND) || (ops[i][0] == 'o' && p->t.kind == T_OR) || is_punct(p, ops[i]))
                op = ops[i];
        if (!op) break;
        next(p);
        json_t *right = sub(p);
        if (!right) return json_decref(left), NULL;
        int is_nary = 0;
        for (int i = 0; nary[i]; i++) is_nary |= strcmp(nary[i], op) == 0;
        if (run && run_op == op) {
            json_array_append_new(run, right);
            continue;
        }
        if (++p->depth > TU_RULE_MAX_DEPTH) {
            json_decref(left), json_decref(right);
            return fail_at(p, p->t.pos, TU_EDEPTH, "%s", "rule nested too deeply");
        }
        left = node2(p, op, left, right);
        run = left && is_nary ? json_object_get(left, op) : NULL, run_op = op;
    }
    p->depth = saved;
    return left;
}

static json_t *mul_level(parser *p) {
    static const char *const ops[] = {"*", "/", "%"}, *const nary[] = {"*", NULL};
    return binary_level(p, ops, 3, nary, unary);
}

static json_t *add_level(parser *p) {
    static const char *const ops[] = {"+", "-"}, *const nary[] = {"+", NULL};
    return binary_level(p, ops, 2, nary, mul_level);
}

static const char *cmp_op(const parser *p) {
    static const char *const ops[] = {"===", "!==", "==", "!=", "<=", ">=", "<", ">"};
    if (p->t.kind == T_IN) return "in";
    for (size_t i = 0; i < sizeof ops / sizeof ops[0]; i++)
        if (is_punct(p, ops[i])) return ops[i];
    return NULL;
}

/* a OP b, and the chains a < b < c / a <= b <= c (JsonLogic's "between"); other chains need parentheses. */
static json_t *cmp_level(parser *p) {
    json_t *left = add_level(p);
    const char *op = left ? cmp_op(p) : NULL;
    if (!op) return left;
    next(p);
    json_t *v = node2(p, op, left, add_level(p));
    const char *op2 = v ? cmp_op(p) : NULL;
    if (!op2) return v;
    if (strcmp(op, op2) != 0 || (strcmp(op, "<") != 0 && strcmp(op, "<=") != 0)) {
        json_decref(v);
        return fail_at(p, p->t.pos, TU_EPARSE, "%s",
                       "comparisons do not chain, except a < b < c and a <= b <= c: add parentheses");
    }
    next(p);
    json_t *third = add_level(p);
    if (!third) return json_decref(v), NULL;
    json_array_append_new(json_object_get(v, op), third);
    return v;
}

static json_t *not_level(parser *p) {
    if (p->t.kind != T_NOT) return cmp_level(p);
    next(p);
    if (++p->depth > TU_RULE_MAX_DEPTH) return fail_at(p, p->t.pos, TU_EDEPTH, "%s", "rule nested too deeply");
    json_t *x = not_level(p);
    p->depth--;
    json_t *args = x ? json_pack("[o]", x) : NULL;
    return args ? node(p, "!", args) : NULL;
}

static json_t *and_level(parser *p) {
    static const char *const ops[] = {"and"}, *const nary[] = {"and", NULL};
    return binary_level(p, ops, 1, nary, not_level);
}

static json_t *expr(parser *p) {
    static const char *const ops[] = {"or"}, *const nary[] = {"or", NULL};
    if (++p->depth > TU_RULE_MAX_DEPTH) return fail_at(p, p->t.pos, TU_EDEPTH, "%s", "rule nested too deeply");
    int saved = p->depth;
    json_t *v = binary_level(p, ops, 1, nary, and_level);
    p->depth = saved - 1;
    return v;
}

json_t *tu_rule_text_parse(const char *text, size_t len, tu_err *err) {
    parser p = {text, len, 0, {T_EOF, 0, 0, ""}, 0, err, 0};
    if (len > TU_RULE_MAX_TEXT) return fail_at(&p, 0, TU_ETOOBIG, "%s", "rule text longer than 1 MiB");
    long bad = tu_utf8_invalid_at(text, len);
    if (bad >= 0) return fail_at(&p, (size_t)bad, TU_EPARSE, "%s", "not valid UTF-8");
    next(&p);
    json_t *v = p.failed ? NULL : expr(&p);
    if (v && p.failed) { /* an error the lexer found inside a token the parser then used */
        json_decref(v);
        return NULL;
    }
    if (v && p.t.kind != T_EOF) {
        json_decref(v);
        v = expected(&p, "'and', 'or', an operator or the end of the rule");
    }
    if (!v) return NULL;
    json_t *canon = NULL; /* limits, operators and the canonical shape, exactly as for JSON rules */
    if (tu__rule_canonical(v, &canon, err)) canon = NULL;
    json_decref(v);
    return canon;
}

/* ---------------------------------------------------------------- printer */

enum { L_OR = 1, L_AND, L_NOT, L_CMP, L_ADD, L_MUL, L_UNARY, L_PRIMARY };

typedef struct printer {
    tu__buf b;
    int unsupported;
} printer;

static void print(printer *w, const json_t *v, int min_level);

static void print_string(tu__buf *b, const char *s, size_t n) {
    tu__buf_add(b, "\"", 1);
    for (size_t i = 0; i < n; i++) {
        unsigned char c = (unsigned char)s[i];
        const char *e = c == '"' ? "\\\"" : c == '\\' ? "\\\\" : c == '\n' ? "\\n" : c == '\t' ? "\\t" : c == '\r' ? "\\r" : NULL;
        if (e) tu__buf_str(b, e);
        else if (c < 0x20 || c == 0x7f) tu__buf_printf(b, "\\u%04x", c);
        else tu__buf_add(b, (const char *)&c, 1);
    }
    tu__buf_add(b, "\"", 1);
}

static void print_number(tu__buf *b, const json_t *v) {
    if (json_is_integer(v)) {
        tu__buf_printf(b, "%lld", (long long)json_integer_value(v));
        return;
    }
    char tmp[64];
    double d = json_real_value(v);
    tu__real_shortest(tmp, sizeof tmp, d);
    tu__buf_str(b, tmp);
    if (!strpbrk(tmp, ".eEni")) tu__buf_str(b, ".0"); /* stays a real: 2.0 */
}

static int is_ident(const char *s, size_t n) {
    if (n == 0 || !is_ident_start((unsigned char)s[0]) || keyword(s, n) != T_IDENT) return 0;
    for (size_t i = 1; i < n; i++)
        if (!is_ident_char((unsigned char)s[i])) return 0;
    return 1;
}

/* A var path every segment of which is a plain name: printed bare (revenue, project.equipment_investment). */
static int is_plain_path(const char *s) {
    for (;;) {
        const char *dot = strchr(s, '.');
        size_t n = dot ? (size_t)(dot - s) : strlen(s);
        if (!is_ident(s, n)) return 0;
        if (!dot) return 1;
        s = dot + 1;
    }
}

static void print_list(printer *w, const json_t *arr, const char *open, const char *close) {
    tu__buf_str(&w->b, open);
    for (size_t i = 0; i < json_array_size(arr); i++) {
        if (i) tu__buf_str(&w->b, ", ");
        print(w, json_array_get(arr, i), L_OR);
    }
    tu__buf_str(&w->b, close);
}

static void print_call(printer *w, const char *name, const json_t *args) {
    if (is_ident(name, strlen(name))) tu__buf_str(&w->b, name);
    else print_string(&w->b, name, strlen(name));
    print_list(w, args, "(", ")");
}

/* The level an infix form of {op: args} prints at, or 0 when it must be a call. */
static int infix_level(int op, size_t n) {
    switch (op) {
    case TU_OP_OR: return n >= 2 ? L_OR : 0;
    case TU_OP_AND: return n >= 2 ? L_AND : 0;
    case TU_OP_NOT: return n == 1 ? L_NOT : 0;
    case TU_OP_LT:
    case TU_OP_LE: return n == 2 || n == 3 ? L_CMP : 0;
    case TU_OP_EQ: case TU_OP_NE: case TU_OP_SEQ: case TU_OP_SNE: case TU_OP_GT: case TU_OP_GE:
    case TU_OP_IN: return n == 2 ? L_CMP : 0;
    case TU_OP_ADD:
    case TU_OP_MUL: return n >= 2 ? (op == TU_OP_ADD ? L_ADD : L_MUL) : 0;
    case TU_OP_SUB: return n == 2 ? L_ADD : n == 1 ? L_UNARY : 0;
    case TU_OP_DIV:
    case TU_OP_MOD: return n == 2 ? L_MUL : 0;
    default: return 0;
    }
}

static void print_logic(printer *w, int op, const char *name, const json_t *args, int min_level) {
    size_t n = json_array_size(args);
    int level = infix_level(op, n);
    if (op == TU_OP_VAR && json_is_string(args) && is_plain_path(json_string_value(args))) {
        tu__buf_str(&w->b, json_string_value(args));
        return;
    }
    if (op == TU_OP_VAR && json_is_string(args)) {
        tu__buf_str(&w->b, "var(");
        print_string(&w->b, json_string_value(args), json_string_length(args));
        tu__buf_str(&w->b, ")");
        return;
    }
    if (!level) {
        print_call(w, name, args);
        return;
    }
    int paren = level < min_level;
    if (paren) tu__buf_str(&w->b, "(");
    if (op == TU_OP_NOT || (op == TU_OP_SUB && n == 1)) {
        const json_t *x = json_array_get(args, 0);
        tu__buf_str(&w->b, op == TU_OP_NOT ? "not " : "-");
        print(w, x, json_is_number(x) || (op == TU_OP_SUB && tu__logic_op(x, NULL, NULL) == TU_OP_SUB)
                        ? L_PRIMARY + 1 : level);
    } else {
        /* operands bind tighter than the operator: one level up, so a same-level child keeps its parentheses */
        for (size_t i = 0; i < n; i++) {
            if (i) tu__buf_printf(&w->b, " %s ", name);
            print(w, json_array_get(args, i), level + 1);
        }
    }
    if (paren) tu__buf_str(&w->b, ")");
}

static void print(printer *w, const json_t *v, int min_level) {
    const char *name;
    json_t *args;
    int op = tu__logic_op(v, &name, &args);
    if (op >= 0) {
        print_logic(w, op, name, args, min_level);
        return;
    }
    switch (json_typeof(v)) {
    case JSON_OBJECT: w->unsupported = 1; break; /* data objects have no readable form */
    case JSON_ARRAY: print_list(w, v, "[", "]"); break;
    case JSON_STRING: print_string(&w->b, json_string_value(v), json_string_length(v)); break;
    case JSON_INTEGER:
    case JSON_REAL:
        if (min_level > L_PRIMARY) { /* under a unary minus: -(5) and -(-5), never the literal -5 */
            tu__buf_str(&w->b, "(");
            print_number(&w->b, v);
            tu__buf_str(&w->b, ")");
        } else {
            print_number(&w->b, v);
        }
        break;
    case JSON_TRUE: tu__buf_str(&w->b, "true"); break;
    case JSON_FALSE: tu__buf_str(&w->b, "false"); break;
    default: tu__buf_str(&w->b, "null");
    }
}

char *tu_rule_text_print(const json_t *logic, tu_err *err) {
    json_t *canon;
    if (tu__rule_canonical(logic, &canon, err)) return NULL;
    printer w = {{0}, 0};
    print(&w, canon, L_OR);
    json_decref(canon);
    if (w.unsupported) {
        tu__buf_free(&w.b);
        tu_err_set(err, TU_EUNSUPPORTED, "the rule contains a data object ({} or several keys) that only JSON can write");
        return NULL;
    }
    char *s = tu__buf_take(&w.b);
    if (!s) tu_err_set(err, TU_ENOMEM, "out of memory");
    return s;
}

/* ---------------------------------------------------------------- error display */

static int char_width(const unsigned char *s) {
    unsigned cp = s[0] >= 0xF0 ? 0x10000 : s[0] >= 0xE0 ? (unsigned)((s[0] & 15) << 12 | (s[1] & 63) << 6) : 0;
    return cp >= 0x1100 && (cp < 0x2E80 ? cp <= 0x115F : 1) ? 2 : 1; /* CJK and other wide characters */
}

void tu_rule_text_caret(const char *text, size_t len, const tu_err *err, char *buf, size_t n) {
    tu__buf b = {0};
    tu__buf_printf(&b, "line %d, column %d: %s\n", err->line, err->col, err->msg);
    size_t start = 0;
    for (int l = 1; l < err->line && start < len; start++)
        if (text[start] == '\n') l++;
    size_t end = start;
    while (end < len && text[end] != '\n') end++;
    tu__buf_str(&b, "  ");
    tu__buf_add(&b, text + start, end - start);
    tu__buf_str(&b, "\n  ");
    int col = 1;
    for (size_t i = start; i < end && col < err->col; i++) {
        if (((unsigned char)text[i] & 0xC0) == 0x80) continue;
        tu__buf_str(&b, text[i] == '\t' ? "\t" : char_width((const unsigned char *)text + i) == 2 ? "  " : " ");
        col++;
    }
    tu__buf_str(&b, "^\n");
    snprintf(buf, n, "%s", b.oom || !b.p ? err->msg : b.p);
    tu__buf_free(&b);
}

int tu_rule_from_text(const char *text, size_t len, tu_rule **out, tu_err *err) {
    *out = NULL;
    json_t *logic = tu_rule_text_parse(text, len, err);
    if (!logic) return err && err->code ? err->code : TU_EPARSE;
    int rc = tu_rule_from_json(logic, out, err);
    json_decref(logic);
    return rc;
}
