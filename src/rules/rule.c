/* rule.c — a rule's life: JsonLogic in, limits and operators checked, canonical copy, compiled program,
 * reference counting; and the enterprise as JsonLogic data.
 *
 * Rules are created when a policy is saved or loaded (rare) and evaluated millions of times (compile.c);
 * creation may allocate freely, evaluation does not.
 */
#include <stdatomic.h>
#include <stdio.h>
#include <string.h>

#include "core/alloc.h"
#include "core/codes.h"
#include "core/num.h"
#include "rules/rules.h"
#include "rules/rules_int.h"

struct tu_rule {
    atomic_int refs;
    json_t *logic;  /* canonical JsonLogic */
    tu__prog *prog; /* compiled for tu_rule_eval_ent */
};

typedef struct canon {
    size_t nodes;
    tu_err *err;
} canon;

static json_t *canonical(canon *c, const json_t *v, int depth);

/* A canonical array of the values of items (an operation's arguments, or an array literal). */
static json_t *canonical_list(canon *c, const json_t *items, int depth) {
    json_t *out = json_array();
    if (!out) return tu_err_set(c->err, TU_ENOMEM, "out of memory"), NULL;
    for (size_t i = 0; i < tu__nargs(items); i++) {
        json_t *x = canonical(c, tu__arg(items, i), depth);
        if (!x || json_array_append_new(out, x)) {
            if (x == NULL && c->err && c->err->code == TU_OK) tu_err_set(c->err, TU_ENOMEM, "out of memory");
            json_decref(out);
            return NULL;
        }
    }
    return out;
}

static json_t *canonical(canon *c, const json_t *v, int depth) {
    if (depth > TU_RULE_MAX_DEPTH) {
        tu_err_set(c->err, TU_EDEPTH, "rule nested deeper than %d levels", TU_RULE_MAX_DEPTH);
        return NULL;
    }
    if (++c->nodes > TU_RULE_MAX_NODES) {
        tu_err_set(c->err, TU_ETOOBIG, "rule has more than %d nodes", TU_RULE_MAX_NODES);
        return NULL;
    }
    if (json_is_array(v)) return canonical_list(c, v, depth + 1);
    const char *name;
    json_t *args;
    int op = tu__logic_op(v, &name, &args);
    if (op < 0) return json_deep_copy(v); /* a scalar, or an object that is data ({} or several keys) */
    if (op == TU_OP_COUNT) {
        tu_err_set(c->err, TU_EPARSE, "unknown operation '%.60s'", name);
        return NULL;
    }
    if (op == TU_OP_VAR && tu__nargs(args) == 1 && json_is_string(tu__arg(args, 0)))
        return json_pack("{sO}", "var", tu__arg(args, 0)); /* {"var":"revenue"} */
    json_t *list = canonical_list(c, args, depth + 1);
    return list ? json_pack("{so}", name, list) : NULL;
}

int tu__rule_canonical(const json_t *logic, json_t **out, tu_err *err) {
    canon c = {0, err};
    if (err) err->code = TU_OK;
    if (!logic) return tu_err_set(err, TU_EINVAL, "no rule");
    *out = canonical(&c, logic, 1);
    if (*out) return TU_OK;
    return err && err->code ? err->code : TU_ENOMEM;
}

int tu_rule_from_json(const json_t *logic, tu_rule **out, tu_err *err) {
    *out = NULL;
    json_t *canon_json;
    int rc = tu__rule_canonical(logic, &canon_json, err);
    if (rc) return rc;
    tu_rule *r = tu_calloc(1, sizeof *r);
    if (!r) {
        json_decref(canon_json);
        return tu_err_set(err, TU_ENOMEM, "out of memory");
    }
    atomic_init(&r->refs, 1);
    r->logic = canon_json;
    rc = tu__prog_compile(r->logic, &r->prog, err);
    if (rc) {
        tu_rule_free(r);
        return rc;
    }
    *out = r;
    return TU_OK;
}

tu_rule *tu_rule_ref(tu_rule *r) {
    if (r) atomic_fetch_add(&r->refs, 1);
    return r;
}

void tu_rule_free(tu_rule *r) {
    if (!r || atomic_fetch_sub(&r->refs, 1) != 1) return;
    json_decref(r->logic);
    tu__prog_free(r->prog);
    tu_free(r);
}

const json_t *tu_rule_json(const tu_rule *r) { return r ? r->logic : NULL; }

tu_tri tu_rule_eval_ent(const tu_rule *r, const tu_ent *e) { return tu__prog_eval(r->prog, e); }

/* One attribute as JsonLogic sees it (the view of rules.h); NULL when missing. */
json_t *tu__ent_attr_json(const tu_ent *e, int attr) {
    tu_value v;
    char buf[TU_DEC_BUFSZ];
    tu_ent_get(e, attr, &v);
    const tu_attr *a = tu_attr_get(attr);
    switch (v.kind) {
    case TU_V_NUM:
        if (a->type == TU_T_CODE) return snprintf(buf, sizeof buf, "%06lld", (long long)v.num), json_string(buf);
        if (v.places == 0) return json_integer(v.num);
        return tu__js_num((double)v.num / (v.places == TU_DEC_PLACES ? TU_DEC_SCALE : 1));
    case TU_V_STR: return json_stringn(v.str, v.len);
    case TU_V_DATE: return json_string(tu_date_format((int32_t)v.num, buf));
    case TU_V_TAGS: {
        json_t *arr = json_array();
        for (int t = 0; arr && t < TU_TAG_COUNT; t++)
            if (v.tags >> t & 1u) json_array_append_new(arr, json_string(tu_tag_get(t)->name));
        return arr;
    }
    default: return NULL;
    }
}

json_t *tu_ent_to_json(const tu_ent *e) {
    json_t *o = json_object();
    for (int a = 0; o && a < TU_A_COUNT; a++) {
        json_t *v = tu__ent_attr_json(e, a);
        if (v && json_object_set_new(o, tu_attr_get(a)->name, v)) {
            json_decref(o);
            return NULL;
        }
    }
    return o;
}
