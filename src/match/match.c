/* match.c — running a compiled plan over the enterprise index: three-valued set algebra on dense bitsets.
 *
 * Every node yields T (TRUE) and F (FALSE) bitsets; UNKNOWN is what is in neither. Leaves: tags and code
 * values OR their roaring bitmaps; numeric ranges scan the one-byte bucket column (32 rows per AVX2 compare,
 * 16 with SSE2) and check exact values only in the one or two boundary buckets — under an and/or only for the
 * rows the other kids leave undecided; "missing" bitmaps carve out UNKNOWN. and/or/not combine in Kleene logic
 * (and: T = T1&T2, F = F1|F2; or dual; not swaps). Residual sub-rules run row by row, only on the rows their
 * outcome can still change (the `care` mask). The eligible set alone (tu__match_dense_eligible) asks each node
 * for T only, so FALSE and missing sets are built only under a NOT. Workload: 7M rows, 0.2-2 ms.
 */
#include <string.h>
#if defined(__SSE2__)
#include <emmintrin.h>
#endif

#include "core/alloc.h"
#include "core/codes.h"
#include "match/match.h"
#include "match/match_int.h"

struct tu_matchset {
    tu_index *ix; /* its buffers go back to the index's scratch cache */
    size_t n, nw;
    uint64_t *t, *f, *near, *u; /* u: computed on first use (NULL until then) */
};

/* A plan runs chunk by chunk: 1024 words = 65,536 ids = one roaring container, so every intermediate bitset
 * (8 KB) stays in cache and memory traffic is only the inputs (bucket codes, containers, boundary rows). */
enum { CHUNK = 1024, POOL = 192 };
/* A range touching at most this many buckets (each ~n/256 rows) ORs those buckets' bitmaps instead of scanning the
 * chunk's 65,536 bucket codes: ~3 % of the rows or fewer, where reading their ids costs less than the scan. */
int tu__match_narrow = 8; /* tests set 0 (always scan) and TU__QBUCKETS (always bitmaps) */
size_t tu__match_chunk = CHUNK; /* a divisor of 1024 */

typedef struct run {
    tu_index *ix;
    size_t n, nw;
    size_t w0, cw; /* current chunk: words [w0, w0 + cw) */
    uint64_t *pool[POOL];
    int npool, oom;
    const tu__node *codes_node[16]; /* codes_by_complement's decisions */
    signed char codes_comp[16];
    int ncodes;
} run;

static uint64_t *buf_new(run *r) {
    if (r->npool) return r->pool[--r->npool];
    uint64_t *b = tu_malloc(CHUNK * 8);
    if (!b) r->oom = 1;
    return b;
}

static void buf_put(run *r, uint64_t *b) {
    if (b && r->npool < POOL) r->pool[r->npool++] = b;
    else tu_free(b);
}

static void fill_universe(const run *r, uint64_t *w) {
    memset(w, 0xff, r->cw * 8);
    if (r->w0 + r->cw == r->nw && r->n % 64) w[r->cw - 1] = (1ull << (r->n % 64)) - 1;
}

/* dst |= the container of bitmap b for this chunk. */
static void or_chunk(const run *r, uint64_t *dst, const roaring_bitmap_t *b) {
    tu__rb_or_chunk(dst, r->cw, b, r->w0);
}

/* What a node must produce: its TRUE set, its FALSE set, or both. The eligible set alone (tu_match_eligible) wants
 * only TRUE, so no FALSE set is built below an and/or unless a NOT asks for it; where a set is not wanted its
 * buffer is left as is. */
enum { W_T = 1, W_F = 2, W_TF = 3 };

/* m = this chunk's rows whose attr is missing. */
static void missing_chunk(const run *r, int attr, uint64_t *m) {
    memset(m, 0, r->cw * 8);
    or_chunk(r, m, r->ix->missing[attr]);
}

/* Given pred in t: T = pred & ~missing, F = universe & ~pred & ~missing (each when wanted). need_m = 0 says no
 * missing row can be in t, so the missing set is read only for F; m is that set when the caller has it (or NULL). */
static void split_present(run *r, int attr, int want, int need_m, const uint64_t *m, uint64_t *t, uint64_t *f) {
    if (!(want & W_F) && !need_m) {
        if (r->w0 + r->cw == r->nw && r->n % 64) t[r->cw - 1] &= (1ull << (r->n % 64)) - 1;
        return;
    }
    uint64_t own[CHUNK];
    if (!m) missing_chunk(r, attr, own), m = own;
    uint64_t u[CHUNK];
    fill_universe(r, u);
    for (size_t i = 0; i < r->cw; i++) {
        t[i] &= ~m[i] & u[i];
        if (want & W_F) f[i] = u[i] & ~t[i] & ~m[i];
    }
}

/* The cost of ORing a bitmap into chunks, in ns: a dense container is a pass over 1024 words, an array one
 * scattered bit per id. */
static double or_cost(const roaring_bitmap_t *b) {
    uint64_t c = roaring_bitmap_get_cardinality(b);
    int32_t k = b->high_low_container.size;
    return k && c / (uint64_t)k > 4096 ? 300.0 * k : (double)c;
}

/* Whether a code list is cheaper built as its complement: present & ~(the other values). `region in [east, west,
 * north]` then ORs the one dense bitmap of the fourth region instead of scattering 1.1M ids. Decided once per
 * run and node (attributes with at most 32 values). */
static int codes_by_complement(run *r, const tu__node *n) {
    for (int i = 0; i < r->ncodes; i++)
        if (r->codes_node[i] == n) return r->codes_comp[i];
    int nv = tu__code_nvalues(n->k), comp = 0;
    if (nv <= 32) {
        double in = 0, out = or_cost(r->ix->missing[n->attr]);
        for (int v = 0; v < nv; v++) {
            double c = or_cost(r->ix->code[n->k][v]);
            if (n->vals[v >> 6] >> (v & 63) & 1u) in += c;
            else out += c;
        }
        comp = out < in / 2;
    }
    if (r->ncodes < (int)(sizeof r->codes_node / sizeof r->codes_node[0]))
        r->codes_node[r->ncodes] = n, r->codes_comp[r->ncodes++] = (signed char)comp;
    return comp;
}

static void leaf_codes(run *r, const tu__node *n, int want, uint64_t *t, uint64_t *f) {
    int comp = codes_by_complement(r, n);
    memset(t, 0, r->cw * 8);
    for (int v = 0; v < tu__code_nvalues(n->k); v++)
        if ((n->vals[v >> 6] >> (v & 63) & 1u) != (unsigned)comp) or_chunk(r, t, r->ix->code[n->k][v]);
    if (comp) { /* t holds the other values: the list is what is present and not among them */
        uint64_t m[CHUNK], u[CHUNK];
        missing_chunk(r, n->attr, m);
        fill_universe(r, u);
        for (size_t i = 0; i < r->cw; i++) {
            uint64_t other = t[i];
            t[i] = u[i] & ~m[i] & ~other;
            if (want & W_F) f[i] = other;
        }
        return;
    }
    split_present(r, n->attr, want, 0, NULL, t, f); /* a code bitmap holds present values only */
}

static void leaf_tag(run *r, const tu__node *n, int want, uint64_t *t, uint64_t *f) {
    memset(t, 0, r->cw * 8);
    or_chunk(r, t, r->ix->tag[n->k]);
    if (want & W_F) {
        fill_universe(r, f);
        for (size_t i = 0; i < r->cw; i++) f[i] &= ~t[i];
    }
}

/* Bits of 64 bucket codes: in = code in [a, a+span), edge = code == e1 or code == e2. */
static void scan64(const uint8_t *c, uint8_t a, uint8_t span, int e1, int e2, uint64_t *in, uint64_t *edge) {
    uint64_t m = 0, e = 0;
#if defined(__SSE2__)
    const __m128i va = _mm_set1_epi8((char)a), vmax = _mm_set1_epi8((char)(uint8_t)(span - 1));
    const __m128i v1 = _mm_set1_epi8((char)e1), v2 = _mm_set1_epi8((char)e2);
    for (int k = 0; k < 4; k++) {
        __m128i x = _mm_loadu_si128((const __m128i *)(c + 16 * k));
        __m128i d = _mm_sub_epi8(x, va);
        __m128i le = _mm_cmpeq_epi8(_mm_min_epu8(d, vmax), d);
        if (span) m |= (uint64_t)(uint16_t)_mm_movemask_epi8(le) << (16 * k);
        if (e1 >= 0) e |= (uint64_t)(uint16_t)_mm_movemask_epi8(_mm_cmpeq_epi8(x, v1)) << (16 * k);
        if (e2 >= 0) e |= (uint64_t)(uint16_t)_mm_movemask_epi8(_mm_cmpeq_epi8(x, v2)) << (16 * k);
    }
#else
    for (int i = 0; i < 64; i++) {
        m |= (uint64_t)((uint8_t)(c[i] - a) < span) << i;
        e |= (uint64_t)(c[i] == e1 || c[i] == e2) << i;
    }
#endif
    *in = m, *edge = e;
}

/* Exact check of the rows in `rows` (of boundary buckets): the ones whose value lies in the range are ORed into
 * `out`. Prefetches for the whole chunk go out first, so the cache misses overlap instead of queueing. */
static void check_edges(run *r, const tu__node *n, int slot, uint64_t *out, const uint64_t *rows) {
    enum { MAXE = 2048 };
    uint32_t ids[MAXE];
    size_t k = 0;
    for (size_t w = 0; w < r->cw; w++)
        for (uint64_t x = rows[w]; x; x &= x - 1) {
            if (k == MAXE) break;
            uint32_t id = (uint32_t)((r->w0 + w) * 64 + (size_t)__builtin_ctzll(x));
            ids[k++] = id;
            if (slot == TU__NUM_FOUNDED) __builtin_prefetch(&r->ix->founded[id]);
            else if (slot == TU__NUM_EMPLOYEES) __builtin_prefetch(&r->ix->employees[id]);
            else __builtin_prefetch(&r->ix->num[slot][id]);
        }
    uint32_t base = (uint32_t)(r->w0 * 64);
    for (size_t i = 0; i < k; i++) {
        int64_t v = tu__num_get(r->ix, slot, ids[i]);
        if (v >= n->lo && v <= n->hi) out[(ids[i] - base) >> 6] |= 1ull << (ids[i] & 63);
    }
    if (k == MAXE) /* a crowded boundary bucket: the rest without prefetching */
        for (size_t w = 0; w < r->cw; w++)
            for (uint64_t x = rows[w]; x; x &= x - 1) {
                uint32_t id = (uint32_t)((r->w0 + w) * 64 + (size_t)__builtin_ctzll(x));
                int64_t v = tu__num_get(r->ix, slot, id);
                if (v >= n->lo && v <= n->hi) out[w] |= 1ull << (id & 63);
            }
}

#if defined(__x86_64__) && (defined(__GNUC__) || defined(__clang__))
#include <immintrin.h>
#define HAVE_AVX2_PATH 1
/* scan64 over nw whole words, 32 codes per AVX2 compare: ~4x the SSE2 loop on a 7M-row column (0.15 against
 * 0.65 ms), chosen at run time so that the build still runs on any x86-64. */
__attribute__((target("avx2"))) static void scan_avx2(const uint8_t *c, size_t nw, uint8_t a, uint8_t span, int e1,
                                                      int e2, uint64_t *in, uint64_t *edge) {
    const __m256i va = _mm256_set1_epi8((char)a), vmax = _mm256_set1_epi8((char)(uint8_t)(span - 1));
    const __m256i v1 = _mm256_set1_epi8((char)e1), v2 = _mm256_set1_epi8((char)e2);
    for (size_t i = 0; i < nw; i++, c += 64) {
        __m256i x0 = _mm256_loadu_si256((const __m256i *)c), x1 = _mm256_loadu_si256((const __m256i *)(c + 32));
        uint64_t m = 0, e = 0;
        if (span) {
            __m256i d0 = _mm256_sub_epi8(x0, va), d1 = _mm256_sub_epi8(x1, va);
            m = (uint32_t)_mm256_movemask_epi8(_mm256_cmpeq_epi8(_mm256_min_epu8(d0, vmax), d0)) |
                (uint64_t)(uint32_t)_mm256_movemask_epi8(_mm256_cmpeq_epi8(_mm256_min_epu8(d1, vmax), d1)) << 32;
        }
        if (e1 >= 0)
            e = (uint32_t)_mm256_movemask_epi8(_mm256_cmpeq_epi8(x0, v1)) |
                (uint64_t)(uint32_t)_mm256_movemask_epi8(_mm256_cmpeq_epi8(x1, v1)) << 32;
        if (e2 >= 0)
            e |= (uint32_t)_mm256_movemask_epi8(_mm256_cmpeq_epi8(x0, v2)) |
                 (uint64_t)(uint32_t)_mm256_movemask_epi8(_mm256_cmpeq_epi8(x1, v2)) << 32;
        in[i] = m, edge[i] = e;
    }
}

static int have_avx2(void) {
    static int v = -1;
    if (v < 0) v = __builtin_cpu_supports("avx2") ? 1 : 0;
    return v;
}
#endif

/* The wide-range path: scans the chunk's bucket codes, 64 rows per step. */
static void scan_buckets(run *r, const uint8_t *q, int a, uint8_t span, int e1, int e2, int all, uint64_t *t,
                         uint64_t *edge) {
    if (all) { /* every bucket: beyond n cut by split_present */
        memset(t, 0xff, r->cw * 8), memset(edge, 0, r->cw * 8);
        return;
    }
    size_t full = r->n / 64, i = 0;
#ifdef HAVE_AVX2_PATH
    if (have_avx2() && r->w0 < full) {
        i = full - r->w0 < r->cw ? full - r->w0 : r->cw;
        scan_avx2(q + r->w0 * 64, i, (uint8_t)a, span, e1, e2, t, edge);
    }
#endif
    for (; i < r->cw; i++) {
        size_t w = r->w0 + i;
        uint64_t in = 0, ed = 0;
        if (w < full) {
            scan64(q + w * 64, (uint8_t)a, span, e1, e2, &in, &ed);
        } else {
            uint8_t tail[64] = {0};
            uint64_t lim = (1ull << (r->n - w * 64)) - 1;
            memcpy(tail, q + w * 64, r->n - w * 64);
            scan64(tail, (uint8_t)a, span, e1, e2, &in, &ed);
            in &= lim, ed &= lim;
        }
        t[i] = in, edge[i] = ed;
    }
}

tu__rbuckets tu__range_buckets(const int64_t *b, int64_t lo, int64_t hi) {
    int blo = 0, bhi = TU__QBUCKETS - 1;
    while (blo < TU__QBUCKETS - 1 && b[blo + 1] <= lo) blo++;
    while (bhi > 0 && b[bhi] > hi) bhi--;
    int lo_full = lo <= b[blo], hi_full = bhi == TU__QBUCKETS - 1 ? hi >= INT64_MAX / 2 : hi >= b[bhi + 1] - 1;
    return (tu__rbuckets){blo + !lo_full, bhi - !hi_full, lo_full ? -1 : blo, hi_full ? -1 : bhi};
}

/* A range's T and F (as wanted). With `lazy` NULL the rows of boundary buckets are checked here; otherwise they
 * are left to the caller (an and/or, which checks only the rows its other kids leave undecided): they go into
 * `lazy`, and count as TRUE in t when edge_true (an and: t is then an upper bound, f exact where it is set),
 * else as FALSE (an or). Returns whether lazy holds any row. */
static int leaf_range(run *r, const tu__node *n, int want, uint64_t *t, uint64_t *f, uint64_t *lazy,
                      int edge_true) {
    int slot = tu__num_slot(n->attr);
    const int64_t *b = r->ix->bounds[slot];
    const uint8_t *q = r->ix->qcode[slot];
    int edges = 0, need_m = 0;
    memset(t, 0, r->cw * 8);
    if (n->lo <= n->hi) {
        tu__rbuckets rb = tu__range_buckets(b, n->lo, n->hi);
        int a = rb.a, z = rb.z, e1 = rb.e1, e2 = rb.e2, all = z - a + 1 == TU__QBUCKETS;
        int q0 = tu__bucket_of(b, 0); /* a missing value is stored as 0 */
        need_m = (q0 >= a && q0 <= z) || q0 == e1 || q0 == e2;
        uint8_t span = (uint8_t)(z >= a && !all ? z - a + 1 : 0);
        uint64_t own[CHUNK], *edge = lazy ? lazy : own;
        if (!all && span + (e1 >= 0) + (e2 >= 0) <= tu__match_narrow) { /* narrow: the buckets' own ids */
            for (int bq = a; span && bq <= z; bq++) or_chunk(r, t, r->ix->qbm[slot][bq]);
            memset(edge, 0, r->cw * 8);
            if (e1 >= 0) or_chunk(r, edge, r->ix->qbm[slot][e1]);
            if (e2 >= 0 && e2 != e1) or_chunk(r, edge, r->ix->qbm[slot][e2]);
        } else {
            scan_buckets(r, q, a, span, e1, e2, all, t, edge);
        }
        edges = !all && (e1 >= 0 || e2 >= 0);
        if (edges && !lazy) check_edges(r, n, slot, t, edge);
        if (edges && lazy && edge_true)
            for (size_t i = 0; i < r->cw; i++) t[i] |= edge[i];
    }
    uint64_t m[CHUNK];
    const uint64_t *mp = NULL;
    if (lazy && !edges) memset(lazy, 0, r->cw * 8);
    if (lazy && edges && need_m) { /* no missing value among the rows left to check */
        missing_chunk(r, n->attr, m), mp = m;
        for (size_t i = 0; i < r->cw; i++) lazy[i] &= ~m[i];
    }
    split_present(r, n->attr, want, need_m, mp, t, f);
    return lazy && edges;
}

static void eval(run *r, const tu__node *n, int want, const uint64_t *care, uint64_t *t, uint64_t *f);

static void leaf_resid(run *r, const tu__node *n, const uint64_t *care, uint64_t *t, uint64_t *f) {
    memset(t, 0, r->cw * 8);
    memset(f, 0, r->cw * 8);
    for (size_t w = 0; w < r->cw; w++)
        for (uint64_t c = care[w]; c; c &= c - 1) {
            uint32_t id = (uint32_t)((r->w0 + w) * 64 + (size_t)__builtin_ctzll(c));
            tu_ent e;
            tu__index_row(r->ix, id, &e);
            tu_tri v = tu_rule_eval_ent(n->rule, &e);
            if (v == TU_TRI_TRUE) t[w] |= 1ull << (id & 63);
            else if (v == TU_TRI_FALSE) f[w] |= 1ull << (id & 63);
        }
}

/* Word w of the rows a junction has not decided yet: and: not FALSE (T only: still TRUE-able); or: not TRUE. */
static inline uint64_t undecided(int is_and, int has_f, const uint64_t *t, const uint64_t *f, size_t w) {
    return is_and ? (has_f ? ~f[w] : t[w]) : ~t[w];
}

static int any_bit(const uint64_t *w, size_t n) {
    uint64_t x = 0;
    for (size_t i = 0; i < n; i++) x |= w[i];
    return x != 0;
}

/* and/or in Kleene logic: and: T = T1 & T2, F = F1 | F2; or: the dual. Kids with residuals go last and only see
 * rows still undecided. The boundary rows of range kids are checked after the other kids ran, and only where
 * the junction is still undecided: for `division in [...] and revenue >= x` the revenue column is read for the
 * boundary rows of the listed divisions only. When only T is wanted, an and stops at a chunk no row of which
 * can still be TRUE. */
static void eval_junction(run *r, const tu__node *n, int want, const uint64_t *care, uint64_t *t, uint64_t *f) {
    enum { MAXLAZY = 8 };
    int is_and = n->type == TU__N_AND, nlazy = 0;
    int has_f = want != W_T, kw = has_f ? W_TF : W_T; /* F alone (under a NOT) is built with T, as both */
    const tu__node *lk[MAXLAZY];
    uint64_t *lz[MAXLAZY] = {0};
    uint64_t *kt = buf_new(r), *kf = buf_new(r), *kc = buf_new(r);
    if (r->oom) goto out;
    if (is_and) fill_universe(r, t);
    else memset(t, 0, r->cw * 8);
    if (has_f) {
        if (is_and) memset(f, 0, r->cw * 8);
        else fill_universe(r, f);
    }
    for (int pass = 0; pass < 2; pass++) {
        for (int i = 0; i < n->nkids; i++) {
            const tu__node *kid = n->kids[i];
            if (tu__has_resid(kid) != pass) continue;
            if (is_and && !has_f && !any_bit(t, r->cw)) goto out; /* nothing left to be TRUE here */
            if (pass)
                for (size_t w = 0; w < r->cw; w++) kc[w] = care[w] & undecided(is_and, has_f, t, f, w);
            if (kid->type == TU__N_RANGE && nlazy < MAXLAZY) {
                if (!(lz[nlazy] = buf_new(r))) goto out;
                if (leaf_range(r, kid, kw, kt, kf, lz[nlazy], is_and)) lk[nlazy++] = kid;
                else buf_put(r, lz[nlazy]), lz[nlazy] = NULL;
            } else {
                eval(r, kid, kw, kc, kt, kf);
            }
            if (r->oom) goto out;
            for (size_t w = 0; w < r->cw; w++)
                if (is_and) t[w] &= kt[w];
                else t[w] |= kt[w];
            for (size_t w = 0; has_f && w < r->cw; w++) {
                if (is_and) f[w] |= kf[w];
                else f[w] &= kf[w];
            }
        }
        for (int j = 0; j < nlazy; j++) { /* the boundary rows still undecided: their exact values */
            uint64_t any = 0;
            for (size_t w = 0; w < r->cw; w++) any |= kc[w] = lz[j][w] & undecided(is_and, has_f, t, f, w);
            if (!any) continue;
            memset(kt, 0, r->cw * 8);
            check_edges(r, lk[j], tu__num_slot(lk[j]->attr), kt, kc);
            for (size_t w = 0; w < r->cw; w++) {
                if (is_and) { /* counted TRUE so far: the ones out of range are FALSE */
                    uint64_t no = kc[w] & ~kt[w];
                    t[w] &= ~no;
                    if (has_f) f[w] |= no;
                } else { /* counted FALSE so far: the ones in range are TRUE */
                    t[w] |= kt[w];
                    if (has_f) f[w] &= ~kt[w];
                }
            }
        }
        for (; nlazy; nlazy--) buf_put(r, lz[nlazy - 1]), lz[nlazy - 1] = NULL;
    }
out:
    for (int j = 0; j < MAXLAZY; j++) buf_put(r, lz[j]);
    buf_put(r, kt), buf_put(r, kf), buf_put(r, kc);
}

static void eval(run *r, const tu__node *n, int want, const uint64_t *care, uint64_t *t, uint64_t *f) {
    switch (n->type) {
    case TU__N_CONST:
        memset(t, 0, r->cw * 8), memset(f, 0, r->cw * 8);
        if (n->k == TU_TRI_TRUE) fill_universe(r, t);
        if (n->k == TU_TRI_FALSE) fill_universe(r, f);
        break;
    case TU__N_TAG: leaf_tag(r, n, want, t, f); break;
    case TU__N_CODES: leaf_codes(r, n, want, t, f); break;
    case TU__N_RANGE: leaf_range(r, n, want, t, f, NULL, 0); break;
    case TU__N_RESID: leaf_resid(r, n, care, t, f); break;
    case TU__N_NOT: eval(r, n->kids[0], (want & W_T ? W_F : 0) | (want & W_F ? W_T : 0), care, f, t); break;
    default: eval_junction(r, n, want, care, t, f);
    }
}

/* Conditions one by one: A = all TRUE so far, B = exactly one FALSE and the rest TRUE (the near misses). */
static void eval_near(run *r, const tu_plan *p, uint64_t *a, uint64_t *b, uint64_t *f) {
    uint64_t *kt = buf_new(r), *kf = buf_new(r), *care = buf_new(r);
    if (r->oom) goto out;
    fill_universe(r, a);
    memset(b, 0, r->cw * 8), memset(f, 0, r->cw * 8);
    for (int pass = 0; pass < 2; pass++)
        for (int i = 0; i < p->nconds; i++) {
            if (tu__has_resid(p->conds[i]) != pass) continue;
            if (pass) {
                fill_universe(r, care);
                for (size_t w = 0; w < r->cw; w++) care[w] &= ~f[w] | b[w];
            }
            eval(r, p->conds[i], W_TF, care, kt, kf);
            if (r->oom) goto out;
            for (size_t w = 0; w < r->cw; w++) {
                b[w] = (b[w] & kt[w]) | (a[w] & kf[w]);
                a[w] &= kt[w];
                f[w] |= kf[w];
            }
        }
out:
    buf_put(r, kt), buf_put(r, kf), buf_put(r, care);
}

/* The chunk size a run uses (tests lower tu__match_chunk to exercise chunk edges). */
static size_t chunk_words(void) {
    return tu__match_chunk >= 1 && tu__match_chunk <= CHUNK && CHUNK % tu__match_chunk == 0 ? tu__match_chunk : CHUNK;
}

int tu_match_run(tu_index *ix, const tu_plan *p, unsigned flags, tu_matchset **out, tu_err *err) {
    *out = NULL;
    tu_matchset *m = tu_calloc(1, sizeof *m);
    if (!m) return tu_err_set(err, TU_ENOMEM, "out of memory");
    pthread_rwlock_rdlock(&ix->lock);
    run r = {.ix = ix, .n = ix->n, .nw = tu__words(ix->n)};
    m->ix = ix, m->n = r.n, m->nw = r.nw;
    m->t = tu__scratch_get(ix, r.nw), m->f = tu__scratch_get(ix, r.nw);
    if (flags & TU_MATCH_NEAR_MISS) m->near = tu__scratch_get(ix, r.nw);
    uint64_t *care = buf_new(&r);
    r.oom |= !m->t || !m->f || ((flags & TU_MATCH_NEAR_MISS) && !m->near);
    size_t chunk = chunk_words();
    for (r.w0 = 0; r.w0 < r.nw && !r.oom; r.w0 += chunk) {
        r.cw = r.nw - r.w0 < chunk ? r.nw - r.w0 : chunk;
        if (flags & TU_MATCH_NEAR_MISS) {
            eval_near(&r, p, m->t + r.w0, m->near + r.w0, m->f + r.w0);
        } else {
            fill_universe(&r, care);
            eval(&r, p->root, W_TF, care, m->t + r.w0, m->f + r.w0);
        }
    }
    pthread_rwlock_unlock(&ix->lock);
    buf_put(&r, care);
    while (r.npool) tu_free(r.pool[--r.npool]);
    if (r.oom) {
        tu_matchset_free(m);
        return tu_err_set(err, TU_ENOMEM, "out of memory");
    }
    *out = m;
    return TU_OK;
}

roaring_bitmap_t *tu__match_dense_eligible(tu_index *ix, const tu_plan *p) {
    roaring_bitmap_t *out = roaring_bitmap_create();
    if (!out) return NULL;
    pthread_rwlock_rdlock(&ix->lock);
    run r = {.ix = ix, .n = ix->n, .nw = tu__words(ix->n)};
    uint64_t *care = buf_new(&r), *t = buf_new(&r), *f = buf_new(&r); /* t: one container's words */
    size_t chunk = chunk_words();
    for (r.w0 = 0; r.w0 < r.nw && !r.oom; r.w0 += chunk) {
        r.cw = r.nw - r.w0 < chunk ? r.nw - r.w0 : chunk;
        fill_universe(&r, care);
        eval(&r, p->root, W_T, care, t + r.w0 % CHUNK, f);
        size_t end = r.w0 + r.cw;
        if (!r.oom && (end % CHUNK == 0 || end == r.nw)) {
            size_t c0 = (end - 1) / CHUNK * CHUNK;
            if (tu__rb_append_chunk(out, t, end - c0, (uint16_t)(c0 / CHUNK))) r.oom = 1;
        }
    }
    pthread_rwlock_unlock(&ix->lock);
    buf_put(&r, care), buf_put(&r, t), buf_put(&r, f);
    while (r.npool) tu_free(r.pool[--r.npool]);
    if (r.oom) roaring_bitmap_free(out), out = NULL;
    return out;
}

void tu_matchset_free(tu_matchset *m) {
    if (!m) return;
    uint64_t *b[4] = {m->t, m->f, m->near, m->u};
    for (int i = 0; i < 4; i++) tu__scratch_put(m->ix, b[i], m->nw);
    tu_free(m);
}

/* The words of one set (UNKNOWN is computed once and kept); NULL when not available. */
static const uint64_t *set_words(const tu_matchset *m, tu_ms_which w) {
    switch (w) {
    case TU_MS_ELIGIBLE: return m->t;
    case TU_MS_NOT_ELIGIBLE: return m->f;
    case TU_MS_NEAR_MISS: return m->near;
    default: break;
    }
    tu_matchset *mm = (tu_matchset *)m;
    if (!mm->u && (mm->u = tu__scratch_get(m->ix, m->nw))) {
        for (size_t i = 0; i < m->nw; i++) mm->u[i] = ~(m->t[i] | m->f[i]);
        if (m->n % 64) mm->u[m->nw - 1] &= (1ull << (m->n % 64)) - 1;
    }
    return mm->u;
}

uint64_t tu_matchset_count(const tu_matchset *m, tu_ms_which w) {
    const uint64_t *s = set_words(m, w);
    return s ? tu__bits_count(s, m->nw) : 0;
}

int tu_matchset_has(const tu_matchset *m, tu_ms_which w, uint32_t id) {
    const uint64_t *s = set_words(m, w);
    return s && id < m->n && (s[id >> 6] >> (id & 63) & 1u);
}

roaring_bitmap_t *tu_matchset_bitmap(const tu_matchset *m, tu_ms_which w) {
    const uint64_t *s = set_words(m, w);
    return s ? tu__rb_from_bits(s, m->nw) : roaring_bitmap_create();
}

size_t tu_matchset_page(const tu_matchset *m, tu_ms_which w, uint64_t offset, uint32_t *ids, size_t max) {
    const uint64_t *s = set_words(m, w);
    size_t k = 0;
    for (size_t i = 0; s && i < m->nw && k < max; i++) {
        uint64_t c = (uint64_t)__builtin_popcountll(s[i]);
        if (offset >= c) {
            offset -= c;
            continue;
        }
        for (uint64_t x = s[i]; x && k < max; x &= x - 1) {
            if (offset) {
                offset--;
                continue;
            }
            ids[k++] = (uint32_t)(i * 64 + (size_t)__builtin_ctzll(x));
        }
    }
    return k;
}

int tu_match_breakdown_len(int attr) {
    switch (attr) {
    case TU_A_CITY: return tu_city_count();
    case TU_A_INDUSTRY_DIVISION: return tu_division_count();
    case TU_A_SIZE: return TU_SIZE_COUNT;
    default: return -1;
    }
}

int tu_match_breakdown(tu_index *ix, const tu_matchset *m, tu_ms_which w, int attr, uint64_t *counts) {
    int len = tu_match_breakdown_len(attr);
    if (len < 0) return TU_EINVAL;
    memset(counts, 0, (size_t)len * sizeof *counts);
    const uint64_t *s = set_words(m, w);
    pthread_rwlock_rdlock(&ix->lock);
    for (size_t i = 0; s && i < m->nw; i++)
        for (uint64_t x = s[i]; x; x &= x - 1) {
            uint32_t id = (uint32_t)(i * 64 + (size_t)__builtin_ctzll(x));
            if (id >= ix->n) break;
            int has = (ix->present[id] >> attr) & 1u;
            if (attr == TU_A_CITY) counts[ix->city[id]]++;
            else if (attr == TU_A_SIZE && has) counts[ix->size[id]]++;
            else if (attr == TU_A_INDUSTRY_DIVISION && has) counts[ix->division[id]]++;
        }
    pthread_rwlock_unlock(&ix->lock);
    return TU_OK;
}
