/* explain.c — explanations of eligibility, as JSON and as sentences in zh-CN and en.
 *
 * Runs for one rule and one enterprise at a time (a person asked "why"), so it may allocate: each condition
 * of the tree is compiled and evaluated on its own with the same three-valued program as matching, so the
 * explanation never disagrees with the match. Leaves of common shapes (attribute OP constant, a < x < b,
 * attribute in [list], "tag" in tags) are described with the attribute catalog's labels and units.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/alloc.h"
#include "core/catalog.h"
#include "core/codes.h"
#include "rules/explain.h"
#include "rules/rules_int.h"
#include "rules/text.h"

static const char *const outcome_names[] = {"not_met", "met", "unknown"};

/* ---------------------------------------------------------------- the tree */

typedef struct xctx {
    const tu_ent *e;
    const tu_explain_opts *o;
    json_t *missing; /* array of attribute names */
    int failed;
} xctx;

static int var_attr_name(const json_t *v, const tu_attr **a) {
    json_t *args;
    if (tu__logic_op(v, NULL, &args) != TU_OP_VAR || !json_is_string(args)) return 0;
    *a = tu_attr_find(json_string_value(args), json_string_length(args));
    return *a != NULL;
}

static tu_tri eval_sub(xctx *x, const json_t *logic) {
    tu_rule *r = NULL;
    if (tu_rule_from_json(logic, &r, NULL)) {
        x->failed = 1;
        return TU_TRI_UNKNOWN;
    }
    tu_tri t = tu_rule_eval_ent(r, x->e);
    tu_rule_free(r);
    return t;
}

static const char *flip_op(const char *op) {
    static const char *const pairs[][2] = {{"<", ">"}, {"<=", ">="}, {">", "<"}, {">=", "<="}};
    for (size_t i = 0; i < 4; i++)
        if (strcmp(op, pairs[i][0]) == 0) return pairs[i][1];
    return op;
}

static void set_attr(xctx *x, json_t *node, const tu_attr *a) {
    json_object_set_new(node, "attribute", json_string(a->name));
    json_t *actual = tu__ent_attr_json(x->e, a->id);
    json_object_set_new(node, "actual", actual ? actual : json_null());
    const json_t *p = x->o && json_is_object(x->o->provenance) ? json_object_get(x->o->provenance, a->name) : NULL;
    json_object_set(node, "source", json_object_get(p, "source") ? json_object_get(p, "source") : json_null());
    json_object_set(node, "as_of", json_object_get(p, "as_of") ? json_object_get(p, "as_of") : json_null());
}

static int is_cmp(int op) {
    return op == TU_OP_EQ || op == TU_OP_SEQ || op == TU_OP_NE || op == TU_OP_SNE || op == TU_OP_GT || op == TU_OP_GE ||
           op == TU_OP_LT || op == TU_OP_LE;
}

static int is_const(const json_t *v) { return tu__logic_op(v, NULL, NULL) < 0 && !json_is_array(v); }

/* Recognises the leaf shapes people ask about and fills kind/attribute/op/threshold. */
static void describe_leaf(xctx *x, json_t *node, int op, const char *name, const json_t *args) {
    const tu_attr *a = NULL;
    size_t n = json_array_size(args);
    json_t *a0 = json_array_get(args, 0), *a1 = json_array_get(args, 1), *a2 = json_array_get(args, 2);
    const char *kind = "other";
    if (op == TU_OP_IN && n == 2 && var_attr_name(a1, &a) && a->id == TU_A_TAGS && json_is_string(a0)) {
        kind = "has_tag", json_object_set(node, "threshold", a0);
    } else if (op == TU_OP_IN && n == 2 && var_attr_name(a0, &a) && json_is_array(a1)) {
        kind = "in_list", json_object_set(node, "threshold", a1);
    } else if ((op == TU_OP_LT || op == TU_OP_LE) && n == 3 && is_const(a0) && var_attr_name(a1, &a) && is_const(a2)) {
        kind = "between", json_object_set_new(node, "threshold", json_pack("[OO]", a0, a2));
    } else if (n == 2 && is_cmp(op)) {
        if (var_attr_name(a0, &a) && is_const(a1)) {
            kind = "compare", json_object_set(node, "threshold", a1);
        } else if (is_const(a0) && var_attr_name(a1, &a)) {
            kind = "compare", name = flip_op(name), json_object_set(node, "threshold", a0);
        }
    }
    json_object_set_new(node, "kind", json_string(kind));
    json_object_set_new(node, "op", json_string(name));
    if (a && strcmp(kind, "other") != 0) set_attr(x, node, a);
}

/* Attributes a subtree reads that the enterprise lacks, added once to x->missing. */
static void note_missing(xctx *x, const json_t *v) {
    json_t *args;
    const tu_attr *a;
    if (json_is_array(v)) {
        for (size_t i = 0; i < json_array_size(v); i++) note_missing(x, json_array_get(v, i));
        return;
    }
    int op = tu__logic_op(v, NULL, &args);
    if (op < 0 || op == TU_OP_COUNT) return;
    if (op == TU_OP_VAR) {
        const json_t *nm = json_is_string(args) ? args : json_array_get(args, 0);
        a = json_is_string(nm) ? tu_attr_find(json_string_value(nm), json_string_length(nm)) : NULL;
        if (!a || TU_ENT_HAS(x->e, a->id)) return;
        for (size_t i = 0; i < json_array_size(x->missing); i++)
            if (strcmp(json_string_value(json_array_get(x->missing, i)), a->name) == 0) return;
        json_array_append_new(x->missing, json_string(a->name));
        return;
    }
    size_t n = tu__op_scoped(op) ? 1 : json_array_size(args);
    for (size_t i = 0; i < n; i++) note_missing(x, json_array_get(args, i));
}

/* relevant: every enclosing condition is UNKNOWN, so a missing attribute below matters to the outcome */
static json_t *explain_node(xctx *x, const json_t *v, int relevant) {
    json_t *node = json_object();
    if (!node) return NULL;
    tu_tri t = eval_sub(x, v);
    char *text = tu_rule_text_print(v, NULL);
    json_object_set_new(node, "outcome", json_string(outcome_names[t]));
    json_object_set_new(node, "text", text ? json_string(text) : json_null());
    tu_free(text);
    json_object_set(node, "rule", (json_t *)v);
    const char *name;
    json_t *args;
    int op = tu__logic_op(v, &name, &args);
    if (op == TU_OP_AND || op == TU_OP_OR || op == TU_OP_NOT) {
        json_t *kids = json_array();
        json_object_set_new(node, "kind", json_string(op == TU_OP_AND ? "all" : op == TU_OP_OR ? "any" : "not"));
        for (size_t i = 0; i < json_array_size(args) && (op != TU_OP_NOT || i < 1); i++)
            json_array_append_new(kids, explain_node(x, json_array_get(args, i), relevant && t == TU_TRI_UNKNOWN));
        json_object_set_new(node, "children", kids);
        return node;
    }
    if (op >= 0 && op < TU_OP_COUNT) describe_leaf(x, node, op, name, args);
    else json_object_set_new(node, "kind", json_string("other"));
    if (relevant && t == TU_TRI_UNKNOWN) note_missing(x, v);
    return node;
}

/* The conditions of a rule: the conjuncts of its top-level "and", nested "and"s flattened (rules.h). */
static void conditions(const json_t *v, json_t *out) {
    json_t *args;
    if (tu__logic_op(v, NULL, &args) != TU_OP_AND) {
        json_array_append(out, (json_t *)v);
        return;
    }
    for (size_t i = 0; i < json_array_size(args); i++) conditions(json_array_get(args, i), out);
}

json_t *tu_rule_explain(const tu_rule *r, const tu_ent *e, const tu_explain_opts *o, tu_err *err) {
    xctx x = {e, o, json_array(), 0};
    json_t *conds = json_array(), *nodes = json_array(), *unmet = json_array();
    int k = o && o->k > 0 ? o->k : 1, n_unmet = 0, n_unknown = 0;
    conditions(tu_rule_json(r), conds);
    for (size_t i = 0; i < json_array_size(conds); i++) {
        json_t *nd = explain_node(&x, json_array_get(conds, i), 1);
        const char *oc = json_string_value(json_object_get(nd, "outcome"));
        if (oc && strcmp(oc, "not_met") == 0) n_unmet++, json_array_append(unmet, nd);
        if (oc && strcmp(oc, "unknown") == 0) n_unknown++;
        json_array_append_new(nodes, nd);
    }
    tu_tri all = tu_rule_eval_ent(r, e);
    json_t *out = json_pack("{sssosOso}", "outcome", all == TU_TRI_TRUE ? "eligible" : all == TU_TRI_FALSE ? "not_eligible" : "unknown",
                            "conditions", nodes, "missing", x.missing, "near_miss",
                            n_unmet >= 1 && n_unmet <= k && n_unknown == 0 ? json_pack("{sO}", "unmet", unmet) : json_null());
    json_decref(conds), json_decref(unmet), json_decref(x.missing);
    if (!out || x.failed) {
        json_decref(out);
        tu_err_set(err, TU_ENOMEM, "out of memory");
        return NULL;
    }
    return out;
}

/* ---------------------------------------------------------------- sentences */

typedef struct words {
    int zh;
    tu__buf *b;
} words;

static const char *const rel[][4] = { /* op, en, zh, en after "were" */
    {"<", "is below", "<", "below"},   {"<=", "is at most", "≤", "at most"}, {">", "is above", ">", "above"},
    {">=", "is at least", "≥", "at least"}, {"==", "is", "=", ""},    {"===", "is", "=", ""},
    {"!=", "is not", "≠", "not"},      {"!==", "is not", "≠", "not"},
};

static const char *negate(const char *op) {
    static const char *const pairs[][2] = {{"<", ">="}, {"<=", ">"}, {">", "<="}, {">=", "<"},
                                           {"==", "!="}, {"!=", "=="}, {"===", "!=="}, {"!==", "==="}};
    for (size_t i = 0; i < 8; i++)
        if (strcmp(op, pairs[i][0]) == 0) return pairs[i][1];
    return op;
}

static const char *rel_col(const char *op, int col) {
    for (size_t i = 0; i < sizeof rel / sizeof rel[0]; i++)
        if (strcmp(rel[i][0], op) == 0) return rel[i][col];
    return op;
}

static const char *rel_word(const words *w, const char *op) { return rel_col(op, w->zh ? 2 : 1); }

/* A value with the attribute's unit: "3.1%" (zh), "3.1 %" (en); cities by name, tags by label. */
static void value(words *w, const tu_attr *a, const json_t *v) {
    if (json_is_string(v) && a && a->id == TU_A_CITY) {
        const tu_city *c = tu_city_find((uint32_t)strtoul(json_string_value(v), NULL, 10));
        if (c) {
            tu__buf_printf(w->b, "%s", w->zh ? c->name_zh : c->name_en);
            return;
        }
    }
    if (json_is_string(v) && a && a->id == TU_A_TAGS) {
        const tu_tag *t = tu_tag_find(json_string_value(v), json_string_length(v));
        if (t) {
            tu__buf_str(w->b, w->zh ? t->label_zh : t->label_en);
            return;
        }
    }
    if (json_is_array(v)) {
        for (size_t i = 0; i < json_array_size(v); i++) {
            if (i) tu__buf_str(w->b, w->zh ? "、" : ", ");
            value(w, a, json_array_get(v, i));
        }
        return;
    }
    tu__js_tostr(w->b, v);
    const char *unit = a ? (w->zh ? a->unit_zh : a->unit_en) : "";
    if (json_is_number(v) && unit[0]) tu__buf_printf(w->b, "%s%s", w->zh ? "" : " ", unit);
}

static const tu_attr *node_attr(const json_t *nd) {
    const char *name = json_string_value(json_object_get(nd, "attribute"));
    return name ? tu_attr_find(name, strlen(name)) : NULL;
}

static const char *label(const words *w, const tu_attr *a) { return a ? (w->zh ? a->label_zh : a->label_en) : "?"; }

/* "研发投入占比 3.1% < 4%" — the actual relation between the value and the threshold. */
static void leaf_sentence(words *w, const json_t *nd, const char *oc) {
    const tu_attr *a = node_attr(nd);
    const char *kind = json_string_value(json_object_get(nd, "kind")), *op = json_string_value(json_object_get(nd, "op"));
    const json_t *th = json_object_get(nd, "threshold"), *actual = json_object_get(nd, "actual");
    int met = strcmp(oc, "met") == 0, unknown = strcmp(oc, "unknown") == 0;
    if (!a || !kind || strcmp(kind, "other") == 0) {
        const char *t = json_string_value(json_object_get(nd, "text"));
        tu__buf_printf(w->b, "%s%s", w->zh ? (met ? "条件成立：" : unknown ? "无法判断：" : "条件不成立：")
                                           : (met ? "condition holds: " : unknown ? "cannot tell: " : "condition fails: "),
                       t ? t : "?");
        return;
    }
    if (strcmp(kind, "has_tag") == 0) {
        tu__buf_str(w->b, w->zh ? (met ? "具有资质：" : "不具有资质：") : (met ? "holds the qualification " : "does not hold the qualification "));
        value(w, a, th);
        return;
    }
    tu__buf_printf(w->b, "%s ", label(w, a));
    if (unknown) {
        tu__buf_str(w->b, w->zh ? "无数据（条件：" : "is missing (condition: ");
        if (strcmp(kind, "compare") == 0) tu__buf_printf(w->b, "%s ", rel_word(w, op));
        else tu__buf_str(w->b, strcmp(kind, "in_list") == 0 ? (w->zh ? "属于 " : "one of ") : (w->zh ? "介于 " : "between "));
        value(w, a, th);
        tu__buf_str(w->b, w->zh ? "）" : ")");
        return;
    }
    value(w, a, actual);
    if (strcmp(kind, "compare") == 0) {
        tu__buf_printf(w->b, " %s ", rel_word(w, met ? op : negate(op)));
        value(w, a, th);
    } else if (strcmp(kind, "in_list") == 0) {
        tu__buf_str(w->b, w->zh ? (met ? " 属于 " : " 不属于 ") : (met ? " is one of " : " is not one of "));
        value(w, a, th);
    } else { /* between */
        tu__buf_str(w->b, w->zh ? (met ? " 介于 " : " 不介于 ") : (met ? " is between " : " is not between "));
        value(w, a, json_array_get(th, 0));
        tu__buf_str(w->b, w->zh ? " 与 " : " and ");
        value(w, a, json_array_get(th, 1));
        if (w->zh) tu__buf_str(w->b, " 之间");
    }
}

/* "满足以下全部条件：" / "all of:" and a newline, for an all / any / not group. */
static void group_header(words *w, const char *kind) {
    int any = strcmp(kind, "any") == 0, no = strcmp(kind, "not") == 0;
    tu__buf_str(w->b, w->zh ? (any ? "满足以下任一条件：" : no ? "不满足以下条件：" : "满足以下全部条件：")
                            : (any ? "at least one of:" : no ? "not:" : "all of:"));
    tu__buf_str(w->b, "\n");
}

static void node_sentences(words *w, const json_t *nd, int indent) {
    const char *oc = json_string_value(json_object_get(nd, "outcome")), *kind = json_string_value(json_object_get(nd, "kind"));
    if (!oc || !kind) return;
    tu__buf_printf(w->b, "%*s%s ", indent, "", strcmp(oc, "met") == 0 ? "✓" : strcmp(oc, "unknown") == 0 ? "?" : "✗");
    const json_t *kids = json_object_get(nd, "children");
    if (kids) {
        group_header(w, kind);
        for (size_t i = 0; i < json_array_size(kids); i++) node_sentences(w, json_array_get(kids, i), indent + 2);
        return;
    }
    leaf_sentence(w, nd, oc);
    tu__buf_str(w->b, "\n");
}

/* "研发投入占比 ≥ 4%" — what a leaf condition asks, whatever any enterprise's value. */
static void leaf_rule(words *w, const json_t *nd) {
    const tu_attr *a = node_attr(nd);
    const char *kind = json_string_value(json_object_get(nd, "kind")), *op = json_string_value(json_object_get(nd, "op"));
    const json_t *th = json_object_get(nd, "threshold");
    if (!a || !kind || strcmp(kind, "other") == 0) {
        const char *t = json_string_value(json_object_get(nd, "text"));
        tu__buf_str(w->b, t ? t : "?");
    } else if (strcmp(kind, "has_tag") == 0) {
        tu__buf_str(w->b, w->zh ? "具有资质：" : "holds the qualification ");
        value(w, a, th);
    } else if (strcmp(kind, "between") == 0) {
        tu__buf_printf(w->b, "%s %s ", label(w, a), w->zh ? "介于" : "is between");
        value(w, a, json_array_get(th, 0));
        tu__buf_str(w->b, w->zh ? " 与 " : " and ");
        value(w, a, json_array_get(th, 1));
        if (w->zh) tu__buf_str(w->b, " 之间");
    } else {
        const char *rel_text = strcmp(kind, "in_list") == 0 ? (w->zh ? "属于" : "is one of") : rel_word(w, op ? op : "?");
        tu__buf_printf(w->b, "%s %s ", label(w, a), rel_text);
        value(w, a, th);
    }
}

static void rule_sentences(words *w, const json_t *nd, int indent) {
    const char *kind = json_string_value(json_object_get(nd, "kind"));
    const json_t *kids = json_object_get(nd, "children");
    tu__buf_printf(w->b, "%*s", indent, "");
    if (kids && kind) {
        group_header(w, kind);
        for (size_t i = 0; i < json_array_size(kids); i++) rule_sentences(w, json_array_get(kids, i), indent + 2);
        return;
    }
    leaf_rule(w, nd);
    tu__buf_str(w->b, "\n");
}

char *tu_explain_rule_sentences(const json_t *x, const char *lang) {
    tu__buf b = {0};
    words w = {lang && strncmp(lang, "zh", 2) == 0, &b};
    const json_t *conds = json_object_get(x, "conditions");
    for (size_t i = 0; i < json_array_size(conds); i++) rule_sentences(&w, json_array_get(conds, i), 0);
    return tu__buf_take(&b);
}

/* "只需 研发投入占比 ≥ 4%（当前 3.1%）" / "R&D ratio were at least 4 % (now 3.1 %)" */
static void advice(words *w, const json_t *nd) {
    const tu_attr *a = node_attr(nd);
    const char *kind = json_string_value(json_object_get(nd, "kind"));
    const json_t *th = json_object_get(nd, "threshold");
    if (!a || !kind || strcmp(kind, "other") == 0 || strcmp(kind, "between") == 0) {
        const char *t = json_string_value(json_object_get(nd, "text"));
        tu__buf_printf(w->b, w->zh ? "满足 %s" : "%s held", t ? t : "?");
        return;
    }
    if (strcmp(kind, "has_tag") == 0) {
        tu__buf_str(w->b, w->zh ? "取得资质：" : "it held the qualification ");
        value(w, a, th);
        return;
    }
    const char *op = json_string_value(json_object_get(nd, "op"));
    if (strcmp(kind, "in_list") == 0) tu__buf_printf(w->b, "%s %s ", label(w, a), w->zh ? "属于" : "were one of");
    else if (w->zh) tu__buf_printf(w->b, "%s %s ", label(w, a), rel_word(w, op ? op : "?"));
    else tu__buf_printf(w->b, "%s were %s%s", label(w, a), rel_col(op ? op : "?", 3), *rel_col(op ? op : "?", 3) ? " " : "");
    value(w, a, th);
    tu__buf_str(w->b, w->zh ? "（当前 " : " (now ");
    value(w, a, json_object_get(nd, "actual"));
    tu__buf_str(w->b, w->zh ? "）" : ")");
}

char *tu_explain_sentences(const json_t *x, const char *lang) {
    tu__buf b = {0};
    words w = {lang && strncmp(lang, "zh", 2) == 0, &b};
    const char *oc = json_string_value(json_object_get(x, "outcome"));
    const json_t *missing = json_object_get(x, "missing"), *near = json_object_get(x, "near_miss");
    oc = oc ? oc : "unknown";
    if (strcmp(oc, "eligible") == 0) tu__buf_str(&b, w.zh ? "结论：符合条件\n" : "Result: eligible\n");
    else if (strcmp(oc, "not_eligible") == 0) tu__buf_str(&b, w.zh ? "结论：不符合条件\n" : "Result: not eligible\n");
    else tu__buf_str(&b, w.zh ? "结论：无法判断，缺少数据\n" : "Result: unknown, data is missing\n");
    const json_t *conds = json_object_get(x, "conditions");
    for (size_t i = 0; i < json_array_size(conds); i++) node_sentences(&w, json_array_get(conds, i), 0);
    if (json_array_size(missing)) {
        tu__buf_str(&b, w.zh ? "缺少数据：" : "Missing data: ");
        for (size_t i = 0; i < json_array_size(missing); i++) {
            const char *n = json_string_value(json_array_get(missing, i));
            const tu_attr *a = n ? tu_attr_find(n, strlen(n)) : NULL;
            tu__buf_printf(&b, "%s%s", i ? (w.zh ? "、" : ", ") : "", label(&w, a));
        }
        tu__buf_str(&b, "\n");
    }
    const json_t *unmet = json_object_get(near, "unmet");
    for (size_t i = 0; i < json_array_size(unmet); i++) {
        tu__buf_str(&b, i ? (w.zh ? "；并且 " : "; and if ") : (w.zh ? "差一点：只需 " : "Near miss: eligible if "));
        advice(&w, json_array_get(unmet, i));
    }
    if (json_array_size(unmet)) tu__buf_str(&b, w.zh ? " 即可符合条件\n" : "\n");
    return tu__buf_take(&b);
}
