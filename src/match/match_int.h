/* match_int.h — internals shared by the files of src/match (never included from outside the module).
 *
 * Sets of enterprises are dense bitsets of 64-bit words while a plan runs (bit i = enterprise id i); the index
 * keeps its per-value sets as CRoaring bitmaps and converts on the fly (tu__rb_or_chunk). A compiled rule is a
 * small tree of tu__node; the same tree runs over the index (set algebra, match.c) and over one record
 * (tu__node_eval_ent, used by the policy index); residual sub-rules are tu_rules of rules/, run row by row.
 */
#ifndef TU_MATCH_MATCH_INT_H
#define TU_MATCH_MATCH_INT_H

#include <jansson.h>
#include <pthread.h>
#include <roaring/roaring.h>
#include <stdint.h>

#include "core/catalog.h"
#include "core/enterprise.h"
#include "rules/rules.h"

/* ---- dense bitsets (bits.c) ---- */
static inline size_t tu__words(size_t n) { return (n + 63) / 64; }
uint64_t tu__bits_count(const uint64_t *w, size_t nw);
/* dst[0..nw) |= the members of r among ids [w0*64, (w0+nw)*64); the range must lie within one container
 * (65,536 ids, 1024 words). */
void tu__rb_or_chunk(uint64_t *dst, size_t nw, const roaring_bitmap_t *r, size_t w0);
/* The container of r holding ids key * 65536 .. + 65535 (unwrapped when shared, its type in *type), or NULL. */
const void *tu__rb_container(const roaring_bitmap_t *r, uint16_t key, uint8_t *type);
/* Words per chunk of a plan run: 1024 (one container); tests lower it to exercise chunk edges. */
extern size_t tu__match_chunk;
extern int tu__match_narrow; /* ranges over at most this many buckets read bucket bitmaps (match.c) */
/* A new roaring bitmap holding the set bits of w (NULL on exhaustion). */
roaring_bitmap_t *tu__rb_from_bits(const uint64_t *w, size_t nw);
/* Appends the ids of one chunk (words w[0..nwc), nwc <= 1024, ids key * 65536 + bit) to r as one container;
 * key must be above r's last. Returns 0, or -1 on exhaustion. */
int tu__rb_append_chunk(roaring_bitmap_t *r, const uint64_t *w, size_t nwc, uint16_t key);

/* ---- the enterprise index (index.c) ---- */
enum { TU__QBUCKETS = 256 };
/* Numeric attributes with a column and a bucket-code column: index into tu__num_attrs. */
enum { TU__NUM_REVENUE, TU__NUM_EMPLOYEES, TU__NUM_RD_RATIO, TU__NUM_ENERGY, TU__NUM_FOUNDED, TU__NUM_COUNT };
extern const int tu__num_attrs[TU__NUM_COUNT];
int tu__num_slot(int attr); /* TU__NUM_* of a numeric/date attribute, or -1 */

/* Code attributes with one roaring bitmap per value. */
enum { TU__CODE_CITY, TU__CODE_DIVISION, TU__CODE_SECTION, TU__CODE_SIZE, TU__CODE_REGION, TU__CODE_COUNT };
int tu__code_slot(int attr);                        /* TU__CODE_* or -1 */
int tu__code_nvalues(int slot);                     /* 21, 97, 26, 4, 4 */
int tu__code_value(int slot, const char *s, size_t len); /* value index of a rule string, or -1 */
int tu__code_of_ent(int slot, const tu_ent *e);     /* value index of a record (attribute present), or -1 */
uint8_t tu__bucket_of(const int64_t *bounds, int64_t v); /* the bucket of a value: largest q, bounds[q] <= v */
struct tu_index;
int tu__code_of_id(const struct tu_index *ix, int slot, uint32_t id); /* the same from the columns */

/* Division x revenue (pair.c): per division value, the revenue bucket codes of its members, in the order of the
 * division's bitmap (ascending id). */
typedef struct tu__pair {
    uint8_t *q;
    uint32_t n, cap;
} tu__pair;

struct tu_index {
    pthread_rwlock_t lock; /* readers: one query; writer: one record (short) */
    size_t n, cap;
    /* columns, one entry per id (see index.c for the byte budget) */
    int64_t *num[4];         /* revenue, -, rd_ratio, energy_tce (num[TU__NUM_EMPLOYEES] is NULL) */
    int32_t *employees;      /* at most INT32_MAX (core/enterprise.c refuses more) */
    int32_t *founded;
    uint8_t *qcode[TU__NUM_COUNT]; /* bucket of the value: bounds[k][q] <= v < bounds[k][q+1] */
    int64_t bounds[TU__NUM_COUNT][TU__QBUCKETS];
    uint8_t *city, *division, *district2; /* city index, division index, district's last two digits */
    uint8_t *ind_tail;        /* industry digits beyond the division: 0 none, 10+d, 100+dd */
    int8_t *size;
    uint16_t *tags, *present;
    uint64_t *uscc_lo; /* USCC characters 1-12, 5 bits each */
    uint32_t *uscc_hi; /* characters 13-18 */
    /* USCC -> id: open addressing with linear probing over the packed USCC; a slot holds id + 1 in its low 28
     * bits and 4 more bits of the hash above them (most probes of other keys end without reading a column);
     * 0 = empty. Kept at most 7/8 full: 4.8 bytes per enterprise at 7M. */
    uint32_t *by_uscc;
    size_t by_uscc_mask, by_uscc_used;
    size_t uscc_defer_from; /* a bulk load (tu_index_bulk_begin): ids from here enter at its end; SIZE_MAX: none */
    /* bitmaps */
    roaring_bitmap_t **code[TU__CODE_COUNT]; /* [slot][value] */
    roaring_bitmap_t *tag[TU_TAG_COUNT];
    roaring_bitmap_t *missing[TU_A_COUNT];
    roaring_bitmap_t *qbm[TU__NUM_COUNT][TU__QBUCKETS]; /* ids per bucket code (mirrors qcode): narrow ranges */
    uint32_t qcard[TU__NUM_COUNT][TU__QBUCKETS]; /* their cardinalities (the sparse path's cost model) */
    uint32_t ccard[TU__CODE_COUNT][128], tcard[TU_TAG_COUNT]; /* those of the code values' and tags' bitmaps */
    tu__pair pair[128]; /* [division value] (pair.c) */
    /* scratch bitsets of queries, reused so that a query does not page-fault fresh memory in */
    pthread_mutex_t scratch_lock;
    uint64_t *scratch[32];
    size_t nscratch, scratch_words;
};

/* A bitset of at least `words` words from the index's cache (or new); NULL on exhaustion. */
uint64_t *tu__scratch_get(struct tu_index *ix, size_t words);
void tu__scratch_put(struct tu_index *ix, uint64_t *b, size_t words); /* NULL is fine */

static inline int64_t tu__num_get(const struct tu_index *ix, int slot, uint32_t id) {
    return slot == TU__NUM_FOUNDED ? ix->founded[id] : slot == TU__NUM_EMPLOYEES ? ix->employees[id] : ix->num[slot][id];
}

/* The buckets a range lo..hi (lo <= hi) touches: a..z wholly inside (none when z < a), e1 / e2 the boundary
 * buckets whose rows need their exact value checked (-1 = none). */
typedef struct tu__rbuckets {
    int a, z, e1, e2;
} tu__rbuckets;
tu__rbuckets tu__range_buckets(const int64_t *bounds, int64_t lo, int64_t hi);
extern int tu__match_sparse; /* sparse.c: 2 by cost, 1 whenever possible, 0 never */
extern _Atomic unsigned long tu__match_sparse_runs; /* times the sparse path answered */
void tu__index_row(const struct tu_index *ix, uint32_t id, tu_ent *e); /* rebuilds the record (name left empty) */

struct tu__node;
/* ---- the division x revenue composite (pair.c) ---- */
int tu__pair_build(struct tu_index *ix);          /* from the division bitmaps and the revenue codes; TU_ENOMEM */
int tu__pair_reserve(struct tu_index *ix, int v); /* room for one more member of division v; TU_ENOMEM */
void tu__pair_trim(struct tu_index *ix);          /* gives back the slack of a bulk load */
void tu__pair_del(struct tu_index *ix, int v, uint32_t id); /* before id leaves division v's bitmap */
/* Records id's revenue code in division v's array: after id entered v's bitmap (room reserved before), as the
 * index's last id or not, or while it stays there. */
enum { TU__PAIR_STAYED, TU__PAIR_MOVED, TU__PAIR_APPENDED };
void tu__pair_put(struct tu_index *ix, int v, uint32_t id, uint8_t code, int how);
size_t tu__pair_bytes(const struct tu_index *ix);
void tu__pair_free(struct tu_index *ix);
/* Whether (codes, range) is the composite's: a division list and a revenue range. */
int tu__pair_fits(const struct tu__node *codes, const struct tu__node *range);
/* Estimated cost (ns) of tu__pair_true, and in *hits its estimated answer size (range_bound: the range's rows). */
double tu__pair_cost(const struct tu_index *ix, const struct tu__node *codes, const struct tu__node *range,
                     double range_bound, double *hits);
/* TRUE(codes and range) as a new bitmap; NULL on exhaustion. */
roaring_bitmap_t *tu__pair_true(const struct tu_index *ix, const struct tu__node *codes, const struct tu__node *range);
extern int tu__match_pair; /* sparse.c: 2 by cost, 1 whenever it fits, 0 never */
extern _Atomic unsigned long tu__match_pair_runs; /* times an AND started from the pair */
extern int tu__match_simd; /* pair.c: widest SIMD the pair's scans use, 2 AVX-512, 1 AVX2, 0 none (tests) */

/* ---- compiled rules (compile.c) ---- */
typedef enum {
    TU__N_CONST, /* k: TU_TRI_* */
    TU__N_AND, TU__N_OR, TU__N_NOT,
    TU__N_CODES, /* attr in values (bit per value index) */
    TU__N_TAG,   /* tag k is held */
    TU__N_RANGE, /* lo <= attr <= hi (stored integer) */
    TU__N_RESID  /* anything else: evaluated row by row */
} tu__ntype;

typedef struct tu__node {
    tu__ntype type;
    int attr, k;
    int64_t lo, hi;
    uint64_t vals[2];           /* TU__N_CODES: value indexes (< 128) */
    struct tu__node **kids;
    int nkids;
    tu_rule *rule;              /* TU__N_RESID: the sub-rule, evaluated by rules/ */
    uint32_t attrs;             /* bit per attribute the subtree reads */
} tu__node;

struct tu_plan {
    tu__node *root;
    tu__node **conds; /* the conditions: conjuncts of the top-level and (pointers into root) */
    int nconds;
    int nresid;
};

/* Attribute id of {"var":"name"} / {"var":["name"]}, or -1. */
int tu__var_attr(const json_t *j);
void tu__node_free(tu__node *n);
tu_tri tu__node_eval_ent(const tu__node *n, const tu_ent *e);
int tu__has_resid(const tu__node *n); /* a residual sub-rule anywhere in the subtree */
/* The eligible set by the dense engine, chunk by chunk, TRUE sets only (match.c). NULL on exhaustion. */
roaring_bitmap_t *tu__match_dense_eligible(struct tu_index *ix, const struct tu_plan *p);

/* Kleene three-valued evaluation of a node tree over one row: constants, not, and, or here; the leaves (tag,
 * range, codes, residual) by `leaf` on `row` — a record (compile.c) or a row of the index's columns (sparse.c).
 * Inline so that each caller's leaf function can be inlined into it. */
typedef tu_tri (*tu__leaf_fn)(const tu__node *n, const void *row);
static inline tu_tri tu__node_eval_by(const tu__node *n, tu__leaf_fn leaf, const void *row) {
    switch (n->type) {
    case TU__N_CONST: return (tu_tri)n->k;
    case TU__N_NOT: {
        tu_tri t = tu__node_eval_by(n->kids[0], leaf, row);
        return t == TU_TRI_UNKNOWN ? t : (tu_tri)!t;
    }
    case TU__N_AND:
    case TU__N_OR: {
        tu_tri dom = n->type == TU__N_AND ? TU_TRI_FALSE : TU_TRI_TRUE, acc = (tu_tri)!dom;
        for (int i = 0; i < n->nkids; i++) {
            tu_tri t = tu__node_eval_by(n->kids[i], leaf, row);
            if (t == dom) return dom;
            if (t == TU_TRI_UNKNOWN) acc = TU_TRI_UNKNOWN;
        }
        return acc;
    }
    default: return leaf(n, row);
    }
}

#endif
