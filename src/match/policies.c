/* policies.c — the policy index: per-attribute class bitsets over policies, combined per enterprise.
 *
 * Workload: ~10,000 active policies, rebuilt on publication; one match per enterprise page view or record
 * change (target <= 20 us). A condition that reads exactly one indexable attribute (a code attribute, a number,
 * a date, or tags) is folded into that attribute's class table; any other condition (several attributes, or a
 * residual sub-rule) is "generic" and evaluated on the record at match time. An attribute whose rules use more
 * than MAX_CLASSES distinct intervals falls back to generic conditions, bounding memory.
 */
#include "match/policies.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/alloc.h"
#include "core/codes.h"
#include "match/match.h"
#include "match/match_int.h"

enum { MAX_CLASSES = 4096, TAG_CLASSES = 1 << TU_TAG_COUNT };
enum { G_NONE, G_CODE, G_TAGS, G_NUM };

typedef struct cond {
    uint32_t pos;
    const tu__node *node;
} cond;

typedef struct group {
    int kind, slot, nclasses;
    int64_t *cuts; /* G_NUM: ascending; class i = [cuts[i-1], cuts[i]), class ncuts+1 = missing */
    int ncuts;
    uint64_t *bits; /* [class][3][nwp]: all TRUE, exactly one FALSE (rest TRUE), none FALSE */
    cond *conds;
    size_t nconds;
} group;

struct tu_polindex {
    size_t n, nwp;
    int64_t *ids;
    tu_plan **plans;
    json_t **rules;
    group groups[TU_A_COUNT];
    cond *gen;
    size_t ngen;
};

struct tu_polres {
    size_t nwp;
    uint64_t *set[3]; /* eligible, near miss, unknown */
    uint64_t *nf, *g; /* scratch: none FALSE; generic T/F1/NF */
};

static int group_kind(int attr) {
    if (attr == TU_A_TAGS) return G_TAGS;
    if (tu__code_slot(attr) >= 0) return G_CODE;
    if (tu__num_slot(attr) >= 0) return G_NUM;
    return G_NONE;
}

static int single_attr(const tu__node *n) {
    uint32_t a = n->attrs;
    if (a == 0 || (a & (a - 1))) return -1;
    int attr = __builtin_ctz(a);
    return group_kind(attr) == G_NONE ? -1 : attr;
}

static int push_cond(cond **v, size_t *n, uint32_t pos, const tu__node *node) {
    cond *p = tu_realloc(*v, (*n + 1) * sizeof *p);
    if (!p) return TU_ENOMEM;
    *v = p, p[(*n)++] = (cond){pos, node};
    return TU_OK;
}

static void collect_cuts(const tu__node *n, int64_t *cuts, int *nc, int max) {
    if (n->type == TU__N_RANGE) {
        if (n->lo != INT64_MIN && *nc < max) cuts[(*nc)++] = n->lo;
        if (n->hi != INT64_MAX && *nc < max) cuts[(*nc)++] = n->hi + 1;
    }
    for (int i = 0; i < n->nkids; i++) collect_cuts(n->kids[i], cuts, nc, max);
}

static int cmp_i64(const void *a, const void *b) {
    int64_t x = *(const int64_t *)a, y = *(const int64_t *)b;
    return (x > y) - (x < y);
}

/* A record holding only class c of attribute attr (or lacking it, for the missing class). */
static void class_rep(const group *g, int attr, int c, tu_ent *e) {
    tu_ent_init(e);
    if (g->kind == G_TAGS) {
        e->tags = (uint32_t)c, e->present = 1u << TU_A_TAGS;
        return;
    }
    if (c == g->nclasses - 1) return; /* missing */
    e->present = 1u << attr;
    if (g->kind == G_NUM) {
        int64_t v = c == 0 ? INT64_MIN : g->cuts[c - 1];
        switch (g->slot) {
        case TU__NUM_REVENUE: e->revenue = v; break;
        case TU__NUM_EMPLOYEES: e->employees = v; break;
        case TU__NUM_RD_RATIO: e->rd_ratio = v; break;
        case TU__NUM_ENERGY: e->energy_tce = v; break;
        default: e->founded = (int32_t)(v < INT32_MIN ? INT32_MIN : v > INT32_MAX ? INT32_MAX : v);
        }
        return;
    }
    switch (g->slot) {
    case TU__CODE_CITY: e->city = tu_city_at(c)->code; break;
    case TU__CODE_DIVISION: memcpy(e->division, tu_division_at(c)->code, 3); break;
    case TU__CODE_SECTION: e->industry[0] = (char)('A' + c); break;
    case TU__CODE_SIZE: e->size = (int8_t)c; break;
    default: e->region = (int8_t)c;
    }
}

static int class_of(const group *g, int attr, const tu_ent *e) {
    if (g->kind == G_TAGS) return (int)(e->tags & (TAG_CLASSES - 1));
    if (!TU_ENT_HAS(e, attr)) return g->nclasses - 1;
    if (g->kind == G_CODE) {
        int v = tu__code_of_ent(g->slot, e);
        return v >= 0 && v < g->nclasses - 1 ? v : g->nclasses - 1;
    }
    tu_value v;
    tu_ent_get(e, attr, &v);
    int lo = 0, hi = g->ncuts; /* number of cuts <= value */
    while (lo < hi) {
        int mid = (lo + hi) / 2;
        if (g->cuts[mid] <= v.num) lo = mid + 1;
        else hi = mid;
    }
    return lo;
}

/* Folds the tri values of the conditions (sorted by policy) into T / F1 / NF bitsets (pre-set to T = NF = all,
 * F1 = none). */
static void fold(const cond *cs, size_t nc, const tu_ent *e, uint64_t *t, uint64_t *f1, uint64_t *nf) {
    for (size_t i = 0; i < nc;) {
        uint32_t pos = cs[i].pos;
        int nfalse = 0, nunk = 0;
        for (; i < nc && cs[i].pos == pos; i++) {
            tu_tri v = tu__node_eval_ent(cs[i].node, e);
            nfalse += v == TU_TRI_FALSE, nunk += v == TU_TRI_UNKNOWN;
        }
        uint64_t bit = 1ull << (pos & 63);
        if (nfalse || nunk) t[pos >> 6] &= ~bit;
        if (nfalse == 1 && !nunk) f1[pos >> 6] |= bit;
        if (nfalse) nf[pos >> 6] &= ~bit;
    }
}

static void set_all(uint64_t *w, size_t nwp, size_t n) { /* bits 0..n-1 */
    memset(w, 0xff, n / 64 * 8);
    memset(w + n / 64, 0, (nwp - n / 64) * 8);
    if (n % 64) w[n / 64] = (1ull << (n % 64)) - 1;
}

static int build_group(tu_polindex *pi, int attr) {
    group *g = &pi->groups[attr];
    if (g->kind == G_NUM) {
        int64_t *cuts = tu_malloc((MAX_CLASSES + 2) * sizeof *cuts);
        if (!cuts) return TU_ENOMEM;
        int nc = 0;
        for (size_t i = 0; i < g->nconds; i++) collect_cuts(g->conds[i].node, cuts, &nc, MAX_CLASSES + 2);
        qsort(cuts, (size_t)nc, sizeof *cuts, cmp_i64);
        int u = 0;
        for (int i = 0; i < nc; i++)
            if (u == 0 || cuts[i] != cuts[u - 1]) cuts[u++] = cuts[i];
        g->cuts = cuts, g->ncuts = u, g->nclasses = u + 2;
        if (u >= MAX_CLASSES) return 1; /* too fine: generic */
    } else {
        g->nclasses = g->kind == G_TAGS ? TAG_CLASSES : tu__code_nvalues(g->slot) + 1;
    }
    size_t per = 3 * pi->nwp;
    if (!(g->bits = tu_malloc((size_t)g->nclasses * per * 8 + 8))) return TU_ENOMEM;
    for (int c = 0; c < g->nclasses; c++) {
        uint64_t *t = g->bits + (size_t)c * per, *f1 = t + pi->nwp, *nf = f1 + pi->nwp;
        tu_ent e;
        class_rep(g, attr, c, &e);
        set_all(t, pi->nwp, pi->n), memset(f1, 0, pi->nwp * 8), set_all(nf, pi->nwp, pi->n);
        fold(g->conds, g->nconds, &e, t, f1, nf);
    }
    return TU_OK;
}

/* Moves a group's conditions to the generic list (keeping policy order is not needed there: fold sorts). */
static int cmp_cond(const void *a, const void *b) {
    const cond *x = a, *y = b;
    return (x->pos > y->pos) - (x->pos < y->pos);
}

static int to_generic(tu_polindex *pi, group *g) {
    for (size_t i = 0; i < g->nconds; i++)
        if (push_cond(&pi->gen, &pi->ngen, g->conds[i].pos, g->conds[i].node)) return TU_ENOMEM;
    tu_free(g->conds), tu_free(g->cuts), tu_free(g->bits);
    memset(g, 0, sizeof *g);
    qsort(pi->gen, pi->ngen, sizeof *pi->gen, cmp_cond);
    return TU_OK;
}

static int add_policy(tu_polindex *pi, size_t pos, const tu_policy_rule *p, tu_err *err) {
    int rc = tu_plan_compile(p->rule, &pi->plans[pos], err);
    if (rc) {
        char m[sizeof err->msg];
        snprintf(m, sizeof m, "%s", err ? err->msg : "");
        return tu_err_set(err, rc, "policy %lld: %s", (long long)p->id, m);
    }
    pi->ids[pos] = p->id;
    pi->rules[pos] = json_incref((json_t *)p->rule);
    const tu_plan *pl = pi->plans[pos];
    for (int i = 0; i < pl->nconds; i++) {
        int attr = single_attr(pl->conds[i]);
        group *g = attr >= 0 ? &pi->groups[attr] : NULL;
        if (g && !g->kind) g->kind = group_kind(attr), g->slot = g->kind == G_CODE ? tu__code_slot(attr) : tu__num_slot(attr);
        rc = g ? push_cond(&g->conds, &g->nconds, (uint32_t)pos, pl->conds[i])
               : push_cond(&pi->gen, &pi->ngen, (uint32_t)pos, pl->conds[i]);
        if (rc) return tu_err_set(err, rc, "out of memory");
    }
    return TU_OK;
}

int tu_policy_rules_from_json(const json_t *arr, const char *what, tu_policy_rule **out, size_t *n, tu_err *err) {
    *out = NULL, *n = 0;
    if (!json_is_array(arr)) return tu_err_set(err, TU_EPARSE, "%s: expected a JSON array of policies", what);
    size_t len = json_array_size(arr);
    tu_policy_rule *pr = tu_calloc(len + 1, sizeof *pr);
    if (!pr) return tu_err_set(err, TU_ENOMEM, "out of memory");
    for (size_t i = 0; i < len; i++) {
        json_t *o = json_array_get(arr, i), *id = json_object_get(o, "id"), *rule = json_object_get(o, "rule");
        if (!json_is_integer(id) || !rule || !json_object_get(o, "title")) {
            tu_free(pr);
            return tu_err_set(err, TU_EPARSE, "%s: policy %zu needs an integer id, a title and a rule", what, i + 1);
        }
        pr[i] = (tu_policy_rule){json_integer_value(id), rule};
    }
    *out = pr, *n = len;
    return TU_OK;
}

int tu_policy_rules_load(const char *path, json_t **doc, tu_policy_rule **out, size_t *n, tu_err *err) {
    json_error_t je;
    *out = NULL, *n = 0;
    if (!(*doc = json_load_file(path, 0, &je))) {
        err->line = je.line, err->col = je.column;
        return tu_err_set(err, TU_EPARSE, "%s: line %d, column %d: %s", path, je.line, je.column, je.text);
    }
    return tu_policy_rules_from_json(*doc, path, out, n, err);
}

int tu_polindex_build(const tu_policy_rule *pols, size_t n, tu_polindex **out, tu_err *err) {
    *out = NULL;
    if (n > UINT32_MAX) return tu_err_set(err, TU_ETOOBIG, "too many policies");
    tu_polindex *pi = tu_calloc(1, sizeof *pi);
    int rc = pi ? TU_OK : TU_ENOMEM;
    if (pi) {
        pi->n = n, pi->nwp = tu__words(n) + 1;
        pi->ids = tu_calloc(n + 1, sizeof *pi->ids);
        pi->plans = tu_calloc(n + 1, sizeof *pi->plans);
        pi->rules = tu_calloc(n + 1, sizeof *pi->rules);
        if (!pi->ids || !pi->plans || !pi->rules) rc = TU_ENOMEM;
    }
    if (rc) tu_err_set(err, rc, "out of memory");
    for (size_t i = 0; i < n && !rc; i++) rc = add_policy(pi, i, &pols[i], err);
    for (int a = 0; a < TU_A_COUNT && !rc; a++) {
        if (!pi->groups[a].kind) continue;
        rc = build_group(pi, a);
        if (rc == 1) rc = to_generic(pi, &pi->groups[a]);
        if (rc) tu_err_set(err, rc, "out of memory");
    }
    if (rc) {
        tu_polindex_close(pi);
        return rc;
    }
    *out = pi;
    return TU_OK;
}

void tu_polindex_close(tu_polindex *pi) {
    if (!pi) return;
    for (size_t i = 0; i < pi->n; i++) {
        if (pi->plans) tu_plan_free(pi->plans[i]);
        if (pi->rules) json_decref(pi->rules[i]);
    }
    for (int a = 0; a < TU_A_COUNT; a++) {
        tu_free(pi->groups[a].conds), tu_free(pi->groups[a].cuts), tu_free(pi->groups[a].bits);
    }
    tu_free(pi->ids), tu_free(pi->plans), tu_free(pi->rules), tu_free(pi->gen);
    tu_free(pi);
}

size_t tu_polindex_count(const tu_polindex *pi) { return pi->n; }
int64_t tu_polindex_id(const tu_polindex *pi, size_t pos) { return pos < pi->n ? pi->ids[pos] : -1; }

tu_polres *tu_polres_new(const tu_polindex *pi) {
    tu_polres *r = tu_calloc(1, sizeof *r);
    if (!r) return NULL;
    r->nwp = pi->nwp;
    uint64_t *mem = tu_malloc(pi->nwp * 7 * 8);
    if (!mem) {
        tu_free(r);
        return NULL;
    }
    r->set[0] = mem, r->set[1] = mem + pi->nwp, r->set[2] = mem + 2 * pi->nwp;
    r->nf = mem + 3 * pi->nwp, r->g = mem + 4 * pi->nwp;
    return r;
}

void tu_polres_free(tu_polres *r) {
    if (!r) return;
    tu_free(r->set[0]);
    tu_free(r);
}

/* A = all TRUE so far, B = exactly one FALSE so far (rest TRUE), NF = no FALSE so far. */
static void combine(size_t nwp, uint64_t *a, uint64_t *b, uint64_t *nf, const uint64_t *t, const uint64_t *f1,
                    const uint64_t *nfg) {
    for (size_t w = 0; w < nwp; w++) {
        b[w] = (b[w] & t[w]) | (a[w] & f1[w]);
        a[w] &= t[w];
        nf[w] &= nfg[w];
    }
}

void tu_polindex_match(const tu_polindex *pi, const tu_ent *e, tu_polres *r) {
    size_t nwp = pi->nwp;
    uint64_t *a = r->set[0], *b = r->set[1], *nf = r->nf;
    set_all(a, nwp, pi->n), memset(b, 0, nwp * 8), set_all(nf, nwp, pi->n);
    for (int attr = 0; attr < TU_A_COUNT; attr++) {
        const group *g = &pi->groups[attr];
        if (!g->kind) continue;
        const uint64_t *t = g->bits + (size_t)class_of(g, attr, e) * 3 * nwp;
        combine(nwp, a, b, nf, t, t + nwp, t + 2 * nwp);
    }
    if (pi->ngen) {
        uint64_t *t = r->g, *f1 = t + nwp, *nfg = f1 + nwp;
        set_all(t, nwp, pi->n), memset(f1, 0, nwp * 8), set_all(nfg, nwp, pi->n);
        fold(pi->gen, pi->ngen, e, t, f1, nfg);
        combine(nwp, a, b, nf, t, f1, nfg);
    }
    for (size_t w = 0; w < nwp; w++) r->set[2][w] = nf[w] & ~a[w];
}

size_t tu_polres_list(const tu_polres *r, tu_pr_which w, uint32_t *pos, size_t max) {
    size_t k = 0;
    const uint64_t *s = r->set[w];
    for (size_t i = 0; i < r->nwp; i++) {
        uint64_t x = s[i];
        if (k >= max) { /* past the page: count only */
            k += (size_t)__builtin_popcountll(x);
            continue;
        }
        for (; x; x &= x - 1, k++)
            if (k < max) pos[k] = (uint32_t)(i * 64 + (size_t)__builtin_ctzll(x));
    }
    return k;
}

int tu_polres_has(const tu_polres *r, tu_pr_which w, size_t pos) {
    return pos / 64 < r->nwp && (r->set[w][pos >> 6] >> (pos & 63) & 1u);
}

size_t tu_polindex_delta(const tu_polindex *pi, const tu_ent *e_old, const tu_ent *e_new, tu_polres *so,
                         tu_polres *sn, uint32_t *gained, size_t *ngained, uint32_t *lost, size_t *nlost,
                         size_t max) {
    tu_polindex_match(pi, e_old, so);
    tu_polindex_match(pi, e_new, sn);
    size_t ng = 0, nl = 0;
    for (size_t i = 0; i < pi->nwp; i++) {
        uint64_t o = so->set[0][i], nw = sn->set[0][i];
        for (uint64_t x = nw & ~o; x; x &= x - 1, ng++)
            if (ng < max) gained[ng] = (uint32_t)(i * 64 + (size_t)__builtin_ctzll(x));
        for (uint64_t x = o & ~nw; x; x &= x - 1, nl++)
            if (nl < max) lost[nl] = (uint32_t)(i * 64 + (size_t)__builtin_ctzll(x));
    }
    *ngained = ng, *nlost = nl;
    return ng + nl;
}

/* The i-th condition of a rule as JsonLogic (conjuncts of the top-level "and", flattened). */
static const json_t *nth_cond(const json_t *j, int *i) {
    const json_t *a = json_is_object(j) && json_object_size(j) == 1 ? json_object_get(j, "and") : NULL;
    if (!a) return (*i)-- == 0 ? j : NULL;
    if (!json_is_array(a)) return nth_cond(a, i);
    for (size_t k = 0; k < json_array_size(a); k++) {
        const json_t *c = nth_cond(json_array_get(a, k), i);
        if (c) return c;
    }
    return NULL;
}

const char *tu_polindex_reason(const tu_polindex *pi, size_t pos, const tu_ent *e, char *buf, size_t n) {
    snprintf(buf, n, "all conditions met");
    if (pos >= pi->n) return buf;
    const tu_plan *p = pi->plans[pos];
    int pick = -1;
    for (int pass = 0; pass < 2 && pick < 0; pass++)
        for (int i = 0; i < p->nconds && pick < 0; i++)
            if (tu__node_eval_ent(p->conds[i], e) == (pass ? TU_TRI_UNKNOWN : TU_TRI_FALSE)) pick = i;
    if (pick < 0) return buf;
    int k = pick;
    tu_tri v = tu__node_eval_ent(p->conds[pick], e);
    const json_t *c = nth_cond(pi->rules[pos], &k);
    char *s = c ? json_dumps(c, JSON_COMPACT | JSON_ENCODE_ANY) : NULL;
    snprintf(buf, n, "%s: %s", v == TU_TRI_FALSE ? "not met" : "missing data for", s ? s : "?");
    free(s);
    return buf;
}
