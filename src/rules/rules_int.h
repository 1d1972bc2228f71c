/* rules_int.h — internals shared by the files of the rules module (never included from outside src/rules/).
 *
 * JavaScript coercions on jansson values (the semantics JsonLogic inherits from json-logic-js), a growable
 * string buffer, the operator table and the limits every reader of rules enforces.
 */
#ifndef TU_RULES_RULES_INT_H
#define TU_RULES_RULES_INT_H

#include <jansson.h>
#include <stddef.h>
#include <stdint.h>

#include "core/enterprise.h"
#include "core/error.h"
#include "rules/rules.h"

/* Limits: nesting of operations, nodes in one rule, bytes of readable text. */
#define TU_RULE_MAX_DEPTH 200 /* an operation and its argument array are two levels */
#define TU_RULE_MAX_NODES 100000
#define TU_RULE_MAX_TEXT (1 << 20)

/* ---- operators (one table: name, the readable-syntax printing class) ---- */
#define TU_OP_MAP(XX)                                                                                               \
    XX(VAR, "var") XX(MISSING, "missing") XX(MISSING_SOME, "missing_some") XX(IF, "if") XX(TERNARY, "?:")           \
    XX(EQ, "==") XX(SEQ, "===") XX(NE, "!=") XX(SNE, "!==") XX(NOT, "!") XX(NOTNOT, "!!") XX(OR, "or")             \
    XX(AND, "and") XX(GT, ">") XX(GE, ">=") XX(LT, "<") XX(LE, "<=") XX(MAX, "max") XX(MIN, "min") XX(ADD, "+")     \
    XX(SUB, "-") XX(MUL, "*") XX(DIV, "/") XX(MOD, "%") XX(MAP, "map") XX(FILTER, "filter") XX(REDUCE, "reduce")    \
    XX(ALL, "all") XX(NONE, "none") XX(SOME, "some") XX(MERGE, "merge") XX(IN, "in") XX(CAT, "cat")                \
    XX(SUBSTR, "substr") XX(LOG, "log")

typedef enum {
#define TU__OP_ENUM(id, name) TU_OP_##id,
    TU_OP_MAP(TU__OP_ENUM)
#undef TU__OP_ENUM
        TU_OP_COUNT
} tu__op;

int tu__op_find(const char *name);   /* -1 if not an operator */
const char *tu__op_name(int op);
/* The operator of a logic node (an object with exactly one key), or -1 when v is data; *args gets the value. */
int tu__logic_op(const json_t *v, const char **name, json_t **args);
/* Number of arguments of an operation's value (a non-array value is one argument) and the i-th of them. */
size_t tu__nargs(const json_t *args);
json_t *tu__arg(const json_t *args, size_t i);
/* True for the operations whose second argument is evaluated per array element (map, filter, all, ...). */
int tu__op_scoped(int op);

/* ---- growable string ---- */
typedef struct tu__buf {
    char *p;
    size_t len, cap;
    int oom;
} tu__buf;

void tu__buf_add(tu__buf *b, const char *s, size_t n);
void tu__buf_str(tu__buf *b, const char *s);
void tu__buf_printf(tu__buf *b, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
void tu__buf_free(tu__buf *b);
/* Takes the NUL-terminated contents (NULL after an allocation failure) and resets b. */
char *tu__buf_take(tu__buf *b);

/* ---- JavaScript values ---- */
int tu__js_truthy(const json_t *v);                 /* JsonLogic truthiness: [] is false */
double tu__js_tonum(const json_t *v);               /* Number(v) */
double tu__js_parsefloat(const json_t *v);          /* parseFloat(String(v)) */
double tu__js_strtonum(const char *s, size_t len);  /* Number("...") */
void tu__js_tostr(tu__buf *b, const json_t *v);     /* appends String(v) */
void tu__js_numstr(char *buf, size_t n, double d);  /* String(d), shortest round-trip form */
void tu__real_shortest(char *buf, size_t n, double d); /* "%g" with the fewest digits that read back as d */
json_t *tu__js_num(double d);                       /* integer when integral, real, or null for NaN/Inf */
int tu__js_loose_eq(const json_t *a, const json_t *b);  /* a == b */
int tu__js_strict_eq(const json_t *a, const json_t *b); /* a === b */
/* Abstract relational comparison: -1, 0, 1, or 2 when unordered (NaN). */
int tu__js_cmp(const json_t *a, const json_t *b);
/* Equality of JSON values with numbers compared by value (3 == 3.0): for tests and round trips. */
int tu__json_same(const json_t *a, const json_t *b);


/* ---- the compiled program (compile.c) ---- */
typedef struct tu__prog tu__prog;
/* Compiles a canonical, validated rule into a flat program over attribute ids. */
int tu__prog_compile(const json_t *logic, tu__prog **out, tu_err *err);
void tu__prog_free(tu__prog *p);
tu_tri tu__prog_eval(const tu__prog *p, const tu_ent *e);
/* 1 when the program had to keep a subtree for the standard evaluator (it then allocates per evaluation). */
int tu__prog_has_opaque(const tu__prog *p);

/* ---- rules (rule.c) ---- */
/* Checks limits and operators and returns the canonical copy (every operation's arguments an array, a single
 * var path a plain string). */
int tu__rule_canonical(const json_t *logic, json_t **out, tu_err *err);
/* One attribute of an enterprise as rule data (string, number, date string, tag array); NULL when missing. */
json_t *tu__ent_attr_json(const tu_ent *e, int attr);
#endif
