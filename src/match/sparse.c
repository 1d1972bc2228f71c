/* sparse.c — the eligible set of a selective rule, straight as a roaring bitmap (tu_match_eligible, match.h).
 *
 * The dense engine (match.c) pays for every one of the 7M rows: each leaf builds TRUE and FALSE bitsets chunk by
 * chunk, even when the rule's answer is a few hundred rows. PostgreSQL answers such rules from its most
 * selective index; this does the same with the index's bitmaps. Every node's TRUE-set size has a cheap upper
 * bound (bitmap cardinalities: a tag, the code values, the buckets a range touches). The TRUE set is built from
 * bitmaps: an AND starts from its most selective condition and narrows that candidate set through the others —
 * by a roaring intersection, or by checking the candidates row by row in prefetched batches (a range by its
 * one-byte bucket code, exact values only in boundary buckets; other leaves on their columns; a residual on the
 * rebuilt record, three-valued as everywhere), whichever the cost model says is cheaper. The same model decides
 * between this path and the dense engine; whatever cannot start from a bitmap (a NOT, a residual sub-rule, a
 * constant, as the first condition) goes to the dense engine. Results are identical to it (tests/match/
 * test_match.c runs both on every random rule). Workload: selective rules at 7M in well under 1 ms.
 */
#include <stdatomic.h>
#include <stdbool.h>
#include <string.h>

#include "core/alloc.h"
#include "match/match.h"
#include "match/match_int.h"

/* 2: the sparse path runs when its estimate is under a quarter of the dense engine's (the estimate runs up to ~4x
 * optimistic on mid-size sets); 1: whenever it can (tests); 0: never. */
int tu__match_sparse = 2;
_Atomic unsigned long tu__match_sparse_runs; /* how often the sparse path answered (tests check it ran) */
int tu__match_pair = 2;
_Atomic unsigned long tu__match_pair_runs; /* how often an AND started from the division x revenue pair */

/* Cost model, in nanoseconds (this machine class, measured with bench/match): a roaring operation per element
 * of its inputs, a row check per candidate (a random read of a column), the dense engine per row of the index. */
enum { NS_BITMAP = 5, NS_CONTAINER = 1000, NS_ROW = 20, NS_ROW_RECORD = 250 };
static const double NS_DENSE_ROW = 0.5;
#define NS_NEVER 1e300

typedef struct sp {
    const tu_index *ix;
    int failed; /* out of memory, or a node the sparse path cannot start from */
} sp;

static uint64_t card(const roaring_bitmap_t *b) { return roaring_bitmap_get_cardinality(b); }

/* The bitmaps of a code list's values (at most 128) and their cardinalities (kept by the index: counting a
 * bitmap walks its containers, ~100 cache misses when it is cold); returns how many. */
static size_t code_bitmaps(const tu_index *ix, const tu__node *n, const roaring_bitmap_t *out[128], uint64_t cards[128]) {
    size_t k = 0;
    for (int v = 0; v < tu__code_nvalues(n->k); v++)
        if (n->vals[v >> 6] >> (v & 63) & 1u) cards[k] = ix->ccard[n->k][v], out[k++] = ix->code[n->k][v];
    return k;
}

static uint64_t sum(const uint64_t *x, size_t k) {
    uint64_t t = 0;
    for (size_t i = 0; i < k; i++) t += x[i];
    return t;
}

/* An upper bound of |TRUE(n)|. */
static uint64_t bound(const sp *s, const tu__node *n) {
    const tu_index *ix = s->ix;
    uint64_t b = 0;
    switch (n->type) {
    case TU__N_TAG: return ix->tcard[n->k];
    case TU__N_CODES: {
        const roaring_bitmap_t *v[128];
        uint64_t c[128];
        return sum(c, code_bitmaps(ix, n, v, c));
    }
    case TU__N_RANGE: {
        if (n->lo > n->hi) return 0;
        int slot = tu__num_slot(n->attr);
        tu__rbuckets rb = tu__range_buckets(ix->bounds[slot], n->lo, n->hi);
        int from = rb.e1 >= 0 ? rb.e1 : rb.a, to = rb.e2 >= 0 ? rb.e2 : rb.z;
        for (int q = from; q <= to; q++) b += ix->qcard[slot][q];
        return b;
    }
    case TU__N_AND:
        b = ix->n;
        for (int i = 0; i < n->nkids; i++) {
            uint64_t k = bound(s, n->kids[i]);
            if (k < b) b = k;
        }
        return b;
    case TU__N_OR:
        for (int i = 0; i < n->nkids && b < ix->n; i++) b += bound(s, n->kids[i]);
        return b < ix->n ? b : ix->n;
    case TU__N_CONST: return n->k == TU_TRI_TRUE ? ix->n : 0;
    default: return ix->n;
    }
}

/* Collects ids in ascending order into a new bitmap (add_many in batches). */
typedef struct collect {
    roaring_bitmap_t *out;
    uint32_t buf[1024];
    size_t k;
} collect;

static void collect_add(collect *c, uint32_t id) {
    c->buf[c->k++] = id;
    if (c->k == sizeof c->buf / sizeof c->buf[0]) roaring_bitmap_add_many(c->out, c->k, c->buf), c->k = 0;
}

static roaring_bitmap_t *collect_end(collect *c) {
    roaring_bitmap_add_many(c->out, c->k, c->buf);
    roaring_bitmap_run_optimize(c->out);
    return c->out;
}

/* A leaf on one row of the index, from the columns (a residual sub-rule on the rebuilt record). */
typedef struct row_ref {
    const tu_index *ix;
    uint32_t id;
} row_ref;

static tu_tri row_leaf(const tu__node *n, const void *row) {
    const tu_index *ix = ((const row_ref *)row)->ix;
    uint32_t id = ((const row_ref *)row)->id;
    switch (n->type) {
    case TU__N_TAG: return ix->tags[id] >> n->k & 1u ? TU_TRI_TRUE : TU_TRI_FALSE;
    case TU__N_RANGE: {
        if (!(ix->present[id] >> n->attr & 1u)) return TU_TRI_UNKNOWN;
        int64_t v = tu__num_get(ix, tu__num_slot(n->attr), id);
        return v >= n->lo && v <= n->hi ? TU_TRI_TRUE : TU_TRI_FALSE;
    }
    case TU__N_CODES: {
        if (!(ix->present[id] >> n->attr & 1u)) return TU_TRI_UNKNOWN;
        int v = tu__code_of_id(ix, n->k, id);
        return v >= 0 && (n->vals[v >> 6] >> (v & 63) & 1u) ? TU_TRI_TRUE : TU_TRI_FALSE;
    }
    default: {
        tu_ent e;
        tu__index_row(ix, id, &e);
        return tu_rule_eval_ent(n->rule, &e);
    }
    }
}

/* Three-valued outcome of n for one row of the index. */
static tu_tri row_tri(const tu_index *ix, const tu__node *n, uint32_t id) {
    row_ref r = {ix, id};
    return tu__node_eval_by(n, row_leaf, &r);
}

/* Prefetches the columns row_tri will read for id (the leaves' columns and the presence bits). */
static void prefetch_row(const tu_index *ix, const tu__node *n, uint32_t id) {
    switch (n->type) {
    case TU__N_TAG: __builtin_prefetch(&ix->tags[id]); break;
    case TU__N_RANGE: {
        int slot = tu__num_slot(n->attr);
        __builtin_prefetch(&ix->present[id]);
        if (slot == TU__NUM_FOUNDED) __builtin_prefetch(&ix->founded[id]);
        else if (slot == TU__NUM_EMPLOYEES) __builtin_prefetch(&ix->employees[id]);
        else __builtin_prefetch(&ix->num[slot][id]);
        break;
    }
    case TU__N_CODES:
        __builtin_prefetch(&ix->present[id]);
        __builtin_prefetch(n->k == TU__CODE_SIZE ? (const void *)&ix->size[id]
                           : n->k == TU__CODE_CITY || n->k == TU__CODE_REGION ? (const void *)&ix->city[id]
                                                                              : (const void *)&ix->division[id]);
        break;
    default:
        for (int i = 0; i < n->nkids; i++) prefetch_row(ix, n->kids[i], id);
    }
}

/* Row checks in batches: the batch's cache misses are all requested before the first check, so they overlap. */
enum { BATCH = 256 };
typedef struct rowcheck {
    const tu_index *ix;
    const tu__node *n; /* NULL: a range's boundary rows (lo..hi on slot, no presence check: missing rows are
                          taken out by the caller) */
    int slot;
    int64_t lo, hi;
    tu__rbuckets rb; /* n a range: its buckets, so that most rows are decided by the one-byte bucket code */
    uint32_t ids[BATCH];
    size_t k;
    collect c;
} rowcheck;

/* A range leaf on one row by its bucket code (7 MB column, mostly cache-resident): inside -> TRUE, a boundary
 * bucket -> the exact value decides, elsewhere FALSE; a missing value is UNKNOWN. */
static int range_row_true(const rowcheck *rc, uint32_t id) {
    const tu__node *n = rc->n;
    if (!(rc->ix->present[id] >> n->attr & 1u)) return 0;
    int q = rc->ix->qcode[rc->slot][id];
    if (q >= rc->rb.a && q <= rc->rb.z) return 1;
    if (q != rc->rb.e1 && q != rc->rb.e2) return 0;
    int64_t v = tu__num_get(rc->ix, rc->slot, id);
    return v >= n->lo && v <= n->hi;
}

static void check_batch(rowcheck *rc) {
    int leaf_range = rc->n && rc->n->type == TU__N_RANGE;
    for (size_t i = 0; i < rc->k; i++) {
        uint32_t id = rc->ids[i];
        if (leaf_range) __builtin_prefetch(&rc->ix->present[id]), __builtin_prefetch(&rc->ix->qcode[rc->slot][id]);
        else if (rc->n) prefetch_row(rc->ix, rc->n, id);
        else __builtin_prefetch(rc->slot == TU__NUM_FOUNDED ? (const void *)&rc->ix->founded[id]
                                : rc->slot == TU__NUM_EMPLOYEES ? (const void *)&rc->ix->employees[id]
                                                                : (const void *)&rc->ix->num[rc->slot][id]);
    }
    for (size_t i = 0; i < rc->k; i++) {
        uint32_t id = rc->ids[i];
        int keep;
        if (leaf_range) {
            keep = range_row_true(rc, id);
        } else if (rc->n) {
            keep = row_tri(rc->ix, rc->n, id) == TU_TRI_TRUE;
        } else {
            int64_t v = tu__num_get(rc->ix, rc->slot, id);
            keep = v >= rc->lo && v <= rc->hi;
        }
        if (keep) collect_add(&rc->c, id);
    }
    rc->k = 0;
}

static bool check_one(uint32_t id, void *ctx) {
    rowcheck *rc = ctx;
    rc->ids[rc->k++] = id;
    if (rc->k == BATCH) check_batch(rc);
    return true;
}

/* Runs the checks of rc over the ids of b, adding the kept ones to rc->c. */
static void check_rows(rowcheck *rc, const roaring_bitmap_t *b) {
    roaring_iterate(b, check_one, rc);
    check_batch(rc);
}

/* The candidates for which n is TRUE, checked row by row. */
static roaring_bitmap_t *row_filter(sp *s, const tu__node *n, const roaring_bitmap_t *cand) {
    rowcheck *rc = tu_calloc(1, sizeof *rc);
    if (!rc || !(rc->c.out = roaring_bitmap_create())) return tu_free(rc), s->failed = 1, NULL;
    rc->ix = s->ix, rc->n = n;
    if (n->type == TU__N_RANGE) {
        rc->slot = tu__num_slot(n->attr);
        rc->rb = tu__range_buckets(s->ix->bounds[rc->slot], n->lo, n->hi);
    }
    check_rows(rc, cand);
    roaring_bitmap_t *b = collect_end(&rc->c);
    tu_free(rc);
    return b;
}

/* The order an AND's conditions are applied in: ascending bound. Returns how many (0 when too many). */
static int and_order(const sp *s, const tu__node *n, const tu__node **order, uint64_t *bnd) {
    if (n->nkids > 64) return 0;
    for (int i = 0; i < n->nkids; i++) {
        uint64_t x = bound(s, n->kids[i]);
        int j = i;
        for (; j > 0 && bnd[j - 1] > x; j--) order[j] = order[j - 1], bnd[j] = bnd[j - 1];
        order[j] = n->kids[i], bnd[j] = x;
    }
    return n->nkids;
}

/* The cost (ns) of a roaring operation reading a bitmap of `card` ids in `containers` containers: sparse
 * (array) containers cost per id, dense (bitset, run) ones per container. */
static double bm_cost(double card, double containers) {
    return card * NS_BITMAP < containers * NS_CONTAINER ? card * NS_BITMAP : containers * NS_CONTAINER;
}

static double bm_cost_of(const roaring_bitmap_t *b, uint64_t card) { return bm_cost((double)card, b->high_low_container.size); }

/* The cost (ns) of building a leaf's TRUE set from its bitmaps, intersected with c candidates (c < 0: none). */
static double leaf_bitmap_cost(const sp *s, const tu__node *n, double c) {
    const tu_index *ix = s->ix;
    double total = c > 0 ? bm_cost(c, (double)(ix->n >> 16) + 1) : 0;
    if (n->type == TU__N_TAG) return total + bm_cost_of(ix->tag[n->k], ix->tcard[n->k]);
    if (n->type == TU__N_CODES) {
        const roaring_bitmap_t *v[128];
        uint64_t c[128];
        for (size_t i = 0, k = code_bitmaps(ix, n, v, c); i < k; i++) total += bm_cost_of(v[i], c[i]);
        return total;
    }
    int slot = tu__num_slot(n->attr);
    tu__rbuckets rb = tu__range_buckets(ix->bounds[slot], n->lo, n->hi);
    for (int q = rb.a; q <= rb.z; q++) total += bm_cost(ix->qcard[slot][q], ix->qbm[slot][q]->high_low_container.size);
    if (rb.e1 >= 0) total += (double)ix->qcard[slot][rb.e1] * NS_ROW;
    if (rb.e2 >= 0 && rb.e2 != rb.e1) total += (double)ix->qcard[slot][rb.e2] * NS_ROW;
    return total;
}

/* Whether a leaf is cheaper checked row by row over c candidates than built from its bitmaps. */
static int leaf_by_rows(const sp *s, const tu__node *n, double c) { return c * NS_ROW < leaf_bitmap_cost(s, n, c); }

static double cost(const sp *s, const tu__node *n, double c);

/* The cost of an AND's conditions applied in order over c candidates (c < 0: every row). */
static double and_cost(const sp *s, const tu__node **order, const uint64_t *bnd, int k, double c) {
    double total = k ? 0 : NS_NEVER;
    for (int i = 0; i < k && total < NS_NEVER; i++) {
        total += cost(s, order[i], c);
        if (c < 0 || (double)bnd[i] < c) c = (double)bnd[i];
    }
    return total;
}

/* An AND of every row that holds a division list and a revenue range can start from the pair (pair.c): both
 * at once, then the other conditions in ascending bound. */
typedef struct pair_pick {
    int codes, range; /* positions in the AND's order */
    double cost;
} pair_pick;

/* Whether to start n (an AND over every row, its conditions in order[0..k) with bounds bnd) from the pair: when
 * forced (tu__match_pair 1), or when cheaper than `plain`, the cost of starting from order[0]. */
static int pick_pair(const sp *s, const tu__node **order, const uint64_t *bnd, int k, double plain, pair_pick *pk) {
    pk->codes = pk->range = -1;
    if (!tu__match_pair) return 0;
    for (int i = 0; i < k; i++) {
        if (order[i]->type == TU__N_CODES && order[i]->k == TU__CODE_DIVISION && pk->codes < 0) pk->codes = i;
        if (order[i]->type == TU__N_RANGE && pk->range < 0 && order[i]->attr == TU_A_REVENUE) pk->range = i;
    }
    if (pk->codes < 0 || pk->range < 0 || !tu__pair_fits(order[pk->codes], order[pk->range])) return 0;
    double hits;
    pk->cost = tu__pair_cost(s->ix, order[pk->codes], order[pk->range], (double)bnd[pk->range], &hits);
    for (int i = 0; i < k && pk->cost < NS_NEVER; i++)
        if (i != pk->codes && i != pk->range) {
            pk->cost += cost(s, order[i], hits);
            if ((double)bnd[i] < hits) hits = (double)bnd[i];
        }
    return tu__match_pair == 1 || pk->cost < plain;
}

/* The estimated cost (ns) of true_set(n) over c candidates (c < 0: every row); NS_NEVER when it cannot start
 * from a bitmap. Mirrors true_set's choices. */
static double cost(const sp *s, const tu__node *n, double c) {
    switch (n->type) {
    case TU__N_TAG:
    case TU__N_CODES:
    case TU__N_RANGE: return c >= 0 && leaf_by_rows(s, n, c) ? c * NS_ROW : leaf_bitmap_cost(s, n, c);
    case TU__N_AND: {
        const tu__node *order[64];
        uint64_t bnd[64];
        int k = and_order(s, n, order, bnd);
        double total = and_cost(s, order, bnd, k, c);
        pair_pick pk;
        return c < 0 && pick_pair(s, order, bnd, k, total, &pk) ? pk.cost : total;
    }
    case TU__N_OR: {
        double total = 0;
        for (int i = 0; i < n->nkids && total < NS_NEVER; i++) total += cost(s, n->kids[i], c);
        return total;
    }
    default:
        if (c < 0) return n->type == TU__N_CONST && n->k != TU_TRI_TRUE ? 0 : NS_NEVER;
        return c * (tu__has_resid(n) ? NS_ROW_RECORD : NS_ROW);
    }
}

/* The union of k bitmaps as a new bitmap (NULL on exhaustion). roaring_bitmap_or_many works through bitset
 * containers (8 KB each, cleared, filled, converted back): right for dense inputs, but for a few thousand ids
 * spread over 107 containers it costs ~0.25 ms where merging the sorted arrays one by one costs a tenth. */
static roaring_bitmap_t *or_all(const tu_index *ix, size_t k, const roaring_bitmap_t **v, uint64_t total) {
    if (!k) return roaring_bitmap_create();
    if (total >= 1024 * ((uint64_t)(ix->n >> 16) + 1)) return roaring_bitmap_or_many(k, v);
    roaring_bitmap_t *b = roaring_bitmap_copy(v[0]);
    for (size_t i = 1; b && i < k; i++) roaring_bitmap_or_inplace(b, v[i]);
    return b;
}

/* The rows of a range's buckets: the inner ones whole, the boundary ones checked value by value. */
static roaring_bitmap_t *range_rows(sp *s, const tu__node *n) {
    const tu_index *ix = s->ix;
    int slot = tu__num_slot(n->attr);
    tu__rbuckets rb = tu__range_buckets(ix->bounds[slot], n->lo, n->hi);
    const roaring_bitmap_t *inner[TU__QBUCKETS];
    size_t k = 0;
    uint64_t total = 0;
    for (int q = rb.a; q <= rb.z; q++) inner[k++] = ix->qbm[slot][q], total += ix->qcard[slot][q];
    roaring_bitmap_t *b = or_all(ix, k, inner, total);
    rowcheck *rc = tu_calloc(1, sizeof *rc);
    if (!b || !rc || !(rc->c.out = roaring_bitmap_create())) {
        if (b) roaring_bitmap_free(b);
        tu_free(rc);
        return s->failed = 1, NULL;
    }
    rc->ix = ix, rc->slot = slot, rc->lo = n->lo, rc->hi = n->hi;
    if (rb.e1 >= 0) check_rows(rc, ix->qbm[slot][rb.e1]);
    if (rb.e2 >= 0 && rb.e2 != rb.e1) {
        roaring_bitmap_add_many(rc->c.out, rc->c.k, rc->c.buf), rc->c.k = 0; /* e2's ids may be below e1's */
        check_rows(rc, ix->qbm[slot][rb.e2]);
    }
    roaring_bitmap_t *edges = collect_end(&rc->c);
    tu_free(rc);
    roaring_bitmap_or_inplace(b, edges);
    roaring_bitmap_free(edges);
    roaring_bitmap_andnot_inplace(b, ix->missing[n->attr]); /* a missing value is stored as 0 */
    return b;
}

/* TRUE(n) within cand (NULL = every row), as a new bitmap; NULL with s->failed set when it cannot be built
 * here. Rows beyond the index are never in a leaf's bitmaps. */
static roaring_bitmap_t *true_set(sp *s, const tu__node *n, const roaring_bitmap_t *cand) {
    const tu_index *ix = s->ix;
    roaring_bitmap_t *b = NULL;
    if (s->failed) return NULL;
    if (cand && (n->type == TU__N_TAG || n->type == TU__N_CODES || n->type == TU__N_RANGE) &&
        leaf_by_rows(s, n, (double)card(cand)))
        return row_filter(s, n, cand);
    switch (n->type) {
    case TU__N_TAG: b = cand ? roaring_bitmap_and(cand, ix->tag[n->k]) : roaring_bitmap_copy(ix->tag[n->k]); break;
    case TU__N_CODES: {
        const roaring_bitmap_t *v[128];
        uint64_t c[128];
        size_t k = code_bitmaps(ix, n, v, c);
        b = or_all(ix, k, v, sum(c, k));
        if (b && cand) roaring_bitmap_and_inplace(b, cand);
        if (b) roaring_bitmap_andnot_inplace(b, ix->missing[n->attr]);
        break;
    }
    case TU__N_RANGE:
        if (n->lo > n->hi) return roaring_bitmap_create();
        b = range_rows(s, n);
        if (b && cand) roaring_bitmap_and_inplace(b, cand);
        break;
    case TU__N_AND: { /* most selective first; each later condition narrows the candidates */
        const tu__node *order[64];
        uint64_t bnd[64];
        int k = and_order(s, n, order, bnd);
        if (!k) return s->failed = 1, NULL;
        const roaring_bitmap_t *cur = cand;
        pair_pick pk = {-1, -1, 0};
        if (!cand) {
            if (pick_pair(s, order, bnd, k, and_cost(s, order, bnd, k, -1), &pk)) {
                if (!(cur = tu__pair_true(ix, order[pk.codes], order[pk.range]))) return s->failed = 1, NULL;
                tu__match_pair_runs++;
            } else {
                pk.codes = pk.range = -1;
            }
        }
        for (int i = 0; i < k && !s->failed; i++) {
            if (i == pk.codes || i == pk.range) continue;
            if (cur && cur != cand && roaring_bitmap_is_empty(cur)) break;
            roaring_bitmap_t *next = true_set(s, order[i], cur);
            if (cur != cand) roaring_bitmap_free((roaring_bitmap_t *)cur);
            cur = next;
            if (!cur || roaring_bitmap_is_empty(cur)) break;
        }
        if (s->failed) {
            if (cur && cur != cand) roaring_bitmap_free((roaring_bitmap_t *)cur);
            return NULL;
        }
        b = cur == cand ? roaring_bitmap_copy(cand) : (roaring_bitmap_t *)cur;
        break;
    }
    case TU__N_OR:
        b = roaring_bitmap_create();
        for (int i = 0; b && i < n->nkids && !s->failed; i++) {
            roaring_bitmap_t *k = true_set(s, n->kids[i], cand);
            if (k) roaring_bitmap_or_inplace(b, k), roaring_bitmap_free(k);
        }
        if (s->failed && b) roaring_bitmap_free(b), b = NULL;
        return b;
    default: /* NOT, residual, constant: row by row over candidates */
        if (cand) return row_filter(s, n, cand);
        if (n->type == TU__N_CONST && n->k != TU_TRI_TRUE) return roaring_bitmap_create();
        return s->failed = 1, NULL; /* every row: the dense engine's case */
    }
    if (!b) s->failed = 1;
    return b;
}

int tu_match_eligible(tu_index *ix, const tu_plan *p, roaring_bitmap_t **out, tu_err *err) {
    *out = NULL;
    roaring_bitmap_t *b = NULL;
    pthread_rwlock_rdlock(&ix->lock);
    sp s = {ix, 0};
    double c = tu__match_sparse > 0 ? cost(&s, p->root, -1) : NS_NEVER;
    /* the estimate runs up to ~4x optimistic on mid-size sets (roaring's per-container costs, cache misses of row
     * checks): the sparse path must promise a quarter of the dense engine's time */
    if (c < NS_NEVER && (tu__match_sparse == 1 || 4 * c < NS_DENSE_ROW * (double)ix->n)) b = true_set(&s, p->root, NULL);
    pthread_rwlock_unlock(&ix->lock);
    if (b) {
        tu__match_sparse_runs++;
        *out = b;
        return TU_OK;
    }
    /* not selective, or not startable from a bitmap: the dense engine, TRUE sets only */
    if (!(*out = tu__match_dense_eligible(ix, p))) return tu_err_set(err, TU_ENOMEM, "out of memory");
    return TU_OK;
}
