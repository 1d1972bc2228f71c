/* pair.c — the index's one composite: industry division x revenue.
 *
 * The commonest shape of an industrial policy is "these divisions, revenue at least X" (manufacturing divisions
 * above a turnover). Its answer is a few percent of a few percent of the enterprises: 32,512 of 7M for five
 * divisions and 2,000 万元. From either condition alone it costs a pass over ~350k rows; a SQL engine with a
 * (division, revenue) index reads just the matching entries. This keeps, for every division, its members'
 * revenue bucket codes in the order of the division's bitmap (ascending id): one byte per enterprise. The
 * division's own roaring bitmap maps a position back to the id, so the pair needs no id column. A query scans
 * the listed divisions' codes (32 per AVX2 compare), and per 65,536-id chunk merges the divisions' hits — each
 * division's hits are ascending, but five of them interleave — through an 8 KB bitset, extracted by the words
 * marked touched (the hits are ~0.5 % of a chunk). Updates keep the arrays in step with the bitmaps: a record
 * whose division stays rewrites its byte (rank in the bitmap), one that moves is deleted and inserted (a
 * memmove of the division's tail), a new record appends.
 */
#include <string.h>
#if defined(__x86_64__)
#include <immintrin.h>
#endif

#include <roaring/containers/containers.h>

#include "core/alloc.h"
#include "match/index.h"
#include "match/match_int.h"

enum { SLACK = 64 }; /* readable bytes after every pair array and writable entries after every position list */

static const roaring_bitmap_t *div_bm(const tu_index *ix, int v) { return ix->code[TU__CODE_DIVISION][v]; }

int tu__match_simd = 2; /* the widest instruction set the scans may use: 2 AVX-512, 1 AVX2, 0 none (tests) */

int tu__pair_build(tu_index *ix) {
    int nv = tu__code_nvalues(TU__CODE_DIVISION);
    for (int v = 0; v < nv; v++) {
        tu__pair *p = &ix->pair[v];
        uint64_t c = roaring_bitmap_get_cardinality(div_bm(ix, v));
        tu_free(p->q);
        p->q = NULL, p->n = p->cap = 0;
        if (c && !(p->q = tu_malloc(c + SLACK))) return TU_ENOMEM;
        p->cap = (uint32_t)c;
    }
    const uint8_t *q = ix->qcode[TU__NUM_REVENUE];
    for (size_t id = 0; id < ix->n; id++)
        if (ix->present[id] >> TU_A_INDUSTRY_DIVISION & 1u) {
            tu__pair *p = &ix->pair[ix->division[id]];
            p->q[p->n++] = q[id];
        }
    return TU_OK;
}

int tu__pair_reserve(tu_index *ix, int v) {
    tu__pair *p = &ix->pair[v];
    if (p->n < p->cap) return TU_OK;
    uint32_t cap = p->cap + p->cap / 2 + 64;
    uint8_t *q = tu_realloc(p->q, cap + SLACK);
    if (!q) return TU_ENOMEM;
    p->q = q, p->cap = cap;
    return TU_OK;
}

void tu__pair_trim(tu_index *ix) {
    for (int v = 0; v < tu__code_nvalues(TU__CODE_DIVISION); v++) {
        tu__pair *p = &ix->pair[v];
        uint8_t *q = p->n && p->cap > p->n + 16 ? tu_realloc(p->q, p->n + 16 + SLACK) : NULL;
        if (q) p->q = q, p->cap = p->n + 16;
    }
}

/* The position of id (a member) in division v's array. */
static uint32_t pos_of(const tu_index *ix, int v, uint32_t id) {
    return (uint32_t)roaring_bitmap_rank(div_bm(ix, v), id) - 1;
}

void tu__pair_del(tu_index *ix, int v, uint32_t id) {
    tu__pair *p = &ix->pair[v];
    uint32_t at = pos_of(ix, v, id);
    memmove(p->q + at, p->q + at + 1, p->n - at - 1);
    p->n--;
}

void tu__pair_put(tu_index *ix, int v, uint32_t id, uint8_t code, int how) {
    tu__pair *p = &ix->pair[v];
    if (how == TU__PAIR_STAYED) {
        p->q[pos_of(ix, v, id)] = code;
        return;
    }
    uint32_t at = how == TU__PAIR_APPENDED ? p->n : pos_of(ix, v, id); /* the index's last id: the division's too */
    memmove(p->q + at + 1, p->q + at, p->n - at);
    p->q[at] = code;
    p->n++;
}

size_t tu__pair_bytes(const tu_index *ix) {
    size_t b = 0;
    for (int v = 0; v < tu__code_nvalues(TU__CODE_DIVISION); v++) b += ix->pair[v].cap + (ix->pair[v].q ? SLACK : 0);
    return b;
}

void tu__pair_free(tu_index *ix) {
    for (int v = 0; v < tu__code_nvalues(TU__CODE_DIVISION); v++) tu_free(ix->pair[v].q), ix->pair[v].q = NULL;
}

/* ---- queries ---- */

/* Cost model (ns, measured at 7M on this machine class): per code scanned, per container of a division
 * walked, per id in the answer (the merge and the output container: 2.2 ns when the answer is ~0.5 % of a chunk,
 * 6.5 ns at ~3 %, when words hold several ids and their extraction branches; the higher figure is used, so the
 * pair is chosen where it clearly wins), per row of a boundary bucket (a random read of the value). */
static const double NS_PAIR_CODE = 0.05, NS_PAIR_CONTAINER = 25, NS_PAIR_HIT = 6.5, NS_PAIR_EDGE = 20;

int tu__pair_fits(const tu__node *codes, const tu__node *range) {
    return codes->type == TU__N_CODES && codes->k == TU__CODE_DIVISION && range->type == TU__N_RANGE &&
           range->attr == TU_A_REVENUE;
}

double tu__pair_cost(const tu_index *ix, const tu__node *codes, const tu__node *range, double range_bound,
                     double *hits) {
    double members = 0, containers = 0;
    for (int v = 0; v < tu__code_nvalues(TU__CODE_DIVISION); v++)
        if (codes->vals[v >> 6] >> (v & 63) & 1u) {
            members += (double)ix->pair[v].n;
            containers += div_bm(ix, v)->high_low_container.size;
        }
    double share = ix->n ? members / (double)ix->n : 0, edges = 0; /* the lists' share of every bucket */
    tu__rbuckets rb = tu__range_buckets(ix->bounds[TU__NUM_REVENUE], range->lo, range->hi);
    if (rb.e1 >= 0) edges += ix->qcard[TU__NUM_REVENUE][rb.e1];
    if (rb.e2 >= 0 && rb.e2 != rb.e1) edges += ix->qcard[TU__NUM_REVENUE][rb.e2];
    *hits = share * range_bound;
    return members * NS_PAIR_CODE + containers * NS_PAIR_CONTAINER + *hits * NS_PAIR_HIT + share * edges * NS_PAIR_EDGE;
}

/* The ids of one container as a sorted uint16 array: an array container's own, else expanded into buf. */
static const uint16_t *container_ids(const void *c, uint8_t type, uint16_t *buf, int32_t *n) {
    if (type == ARRAY_CONTAINER_TYPE_CODE) {
        const array_container_t *ac = c;
        *n = ac->cardinality;
        return ac->array;
    }
    if (type == BITSET_CONTAINER_TYPE_CODE) {
        const bitset_container_t *bc = c;
        *n = (int32_t)bitset_extract_setbits_uint16(bc->array, 1024, buf, 0);
        return buf;
    }
    const run_container_t *rc = c;
    int32_t k = 0;
    for (int32_t i = 0; i < rc->n_runs; i++)
        for (uint32_t x = rc->runs[i].value, e = x + rc->runs[i].length; x <= e; x++) buf[k++] = (uint16_t)x;
    *n = k;
    return buf;
}

/* The ids[i] (i < n) with a <= q[i] <= a + top, in order, written at out; returns how many. Every pair array is
 * followed by SLACK readable bytes and out by SLACK writable entries: the scans run in whole blocks. */
static int32_t scan_plain(const uint8_t *q, const uint16_t *ids, int32_t n, uint8_t a, uint8_t top, uint16_t *out) {
    int32_t k = 0;
    for (int32_t i = 0; i < n; i++) out[k] = ids[i], k += (uint8_t)(q[i] - a) <= top;
    return k;
}

#if defined(__x86_64__) && (defined(__GNUC__) || defined(__clang__))
#define HAVE_SIMD_PATHS 1
/* AVX2: 64 codes per step, the hits' ids gathered one by one. Hits are ~10 % of the codes: eight written
 * unconditionally per step (past the hits they repeat ids[n - 1] and are overwritten), a loop only for more. */
__attribute__((target("avx2,bmi,popcnt"))) static int32_t scan_avx2(const uint8_t *q, const uint16_t *ids, int32_t n,
                                                                     uint8_t a, uint8_t top, uint16_t *out) {
    const __m256i va = _mm256_set1_epi8((char)a), vmax = _mm256_set1_epi8((char)top);
    int32_t k = 0;
    for (int32_t j = 0; j < n; j += 64) {
        __m256i d0 = _mm256_sub_epi8(_mm256_loadu_si256((const __m256i *)(q + j)), va);
        __m256i d1 = _mm256_sub_epi8(_mm256_loadu_si256((const __m256i *)(q + j + 32)), va);
        uint64_t m = (uint32_t)_mm256_movemask_epi8(_mm256_cmpeq_epi8(_mm256_min_epu8(d0, vmax), d0)) |
                     (uint64_t)(uint32_t)_mm256_movemask_epi8(_mm256_cmpeq_epi8(_mm256_min_epu8(d1, vmax), d1)) << 32;
        if (n - j < 64) m &= (1ull << (n - j)) - 1;
        int c = __builtin_popcountll(m);
        uint16_t *o = out + k;
        const uint64_t top = 1ull << 63;
        for (int u = 0; u < 8; u++) {
            int32_t at = j + __builtin_ctzll(m | top);
            o[u] = ids[at < n ? at : n - 1], m &= m - 1;
        }
        for (int u = 8; u < c; u++, m &= m - 1) o[u] = ids[j + __builtin_ctzll(m)];
        k += c;
    }
    return k;
}

/* AVX-512 (VBMI2): 64 codes per compare, and the hits' ids packed 32 at a time by vpcompressw straight from the
 * container's array (masked loads: nothing is read past ids[n - 1]). No branch per hit. */
__attribute__((target("avx512f,avx512bw,avx512vbmi2,bmi2,popcnt"))) static int32_t
scan_avx512(const uint8_t *q, const uint16_t *ids, int32_t n, uint8_t a, uint8_t top, uint16_t *out) {
    const __m512i va = _mm512_set1_epi8((char)a), vmax = _mm512_set1_epi8((char)top);
    int32_t k = 0;
    for (int32_t j = 0; j < n; j += 64) {
        __mmask64 m = _mm512_cmple_epu8_mask(_mm512_sub_epi8(_mm512_loadu_si512(q + j), va), vmax);
        uint32_t left = n - j < 64 ? (uint32_t)(n - j) : 64; /* bzhi reads only the index's low byte */
        __mmask32 l0 = _bzhi_u32(~0u, left), l1 = left > 32 ? _bzhi_u32(~0u, left - 32) : 0;
        __mmask32 m0 = (__mmask32)m & l0, m1 = (__mmask32)(m >> 32) & l1;
        _mm512_storeu_si512(out + k, _mm512_maskz_compress_epi16(m0, _mm512_maskz_loadu_epi16(l0, ids + j)));
        k += __builtin_popcount(m0);
        if (m1) {
            _mm512_storeu_si512(out + k, _mm512_maskz_compress_epi16(m1, _mm512_maskz_loadu_epi16(l1, ids + j + 32)));
            k += __builtin_popcount(m1);
        }
    }
    return k;
}

static int simd_level(void) { /* 2: AVX-512 VBMI2, 1: AVX2, 0: neither */
    static int v = -1;
    if (v < 0)
        v = __builtin_cpu_supports("avx512bw") && __builtin_cpu_supports("avx512vbmi2") && __builtin_cpu_supports("bmi2")
                ? 2
                : __builtin_cpu_supports("avx2") ? 1 : 0;
    return v;
}
#endif

static int32_t scan(const uint8_t *q, const uint16_t *ids, int32_t n, uint8_t a, uint8_t top, uint16_t *out) {
#ifdef HAVE_SIMD_PATHS
    int level = tu__match_simd < simd_level() ? tu__match_simd : simd_level();
    if (level == 2) return scan_avx512(q, ids, n, a, top, out);
    if (level == 1) return scan_avx2(q, ids, n, a, top, out);
#endif
    return scan_plain(q, ids, n, a, top, out);
}

/* One chunk's hits, merged: bits in w (1024 words) with the touched words marked; emptied as it is read. Then
 * room for one container: its ids (when not an array), its hits' and edges' positions. */
typedef struct merge {
    uint64_t w[1024];
    uint8_t touched[1024];
    uint32_t card;
    uint16_t *ids, *hit, *edge;
} merge;

/* A merge with room for containers of up to `most` ids (+ SLACK: the scans write past their last entry). */
static merge *merge_new(int32_t most) {
    size_t per = (size_t)most + SLACK;
    merge *m = tu_malloc(sizeof *m + 3 * per * sizeof(uint16_t));
    if (!m) return NULL;
    memset(m, 0, sizeof *m);
    m->ids = (uint16_t *)(m + 1), m->hit = m->ids + per, m->edge = m->hit + per;
    return m;
}

#if defined(__SSE2__)
#include <emmintrin.h>
#endif
/* Bit i set when flag f[i] (of 64) is not zero. */
static inline uint64_t touched64(const uint8_t *f) {
#if defined(__SSE2__)
    uint64_t t = 0;
    for (int k = 0; k < 4; k++) {
        __m128i v = _mm_loadu_si128((const __m128i *)(f + 16 * k));
        t |= (uint64_t)(uint32_t)_mm_movemask_epi8(_mm_cmpgt_epi8(v, _mm_setzero_si128())) << (16 * k);
    }
    return t;
#else
    uint64_t t = 0;
    for (int i = 0; i < 64; i++) t |= (uint64_t)(f[i] != 0) << i;
    return t;
#endif
}

static inline void merge_set(merge *m, uint16_t x) {
    m->w[x >> 6] |= 1ull << (x & 63);
    m->touched[x >> 6] = 1;
}

static inline void merge_clear(merge *m, uint16_t x) {
    uint64_t bit = 1ull << (x & 63);
    m->card -= (m->w[x >> 6] & bit) != 0;
    m->w[x >> 6] &= ~bit;
}

/* Takes the ids of `missing` in chunk key out of the merge (a missing revenue is stored as 0, so its code may
 * have hit): one pass over the missing bitmap's container instead of a random read per hit. */
static void clear_missing(merge *m, const roaring_bitmap_t *missing, uint16_t key) {
    uint8_t type;
    const void *c = tu__rb_container(missing, key, &type);
    if (!c) return;
    if (type == BITSET_CONTAINER_TYPE_CODE) {
        const uint64_t *b = ((const bitset_container_t *)c)->array;
        for (int w = 0; w < 1024; w++) {
            uint64_t gone = m->w[w] & b[w];
            m->w[w] &= ~gone, m->card -= (uint32_t)__builtin_popcountll(gone);
        }
    } else if (type == ARRAY_CONTAINER_TYPE_CODE) {
        const array_container_t *ac = c;
        for (int32_t k = 0; k < ac->cardinality; k++) merge_clear(m, ac->array[k]);
    } else {
        const run_container_t *rc = c;
        for (int32_t i = 0; i < rc->n_runs; i++)
            for (uint32_t x = rc->runs[i].value, e = x + rc->runs[i].length; x <= e; x++) merge_clear(m, (uint16_t)x);
    }
}

/* Appends the merged chunk to r as one container (key), emptying m. Returns 0, or -1 on exhaustion. */
static int merge_flush(merge *m, roaring_bitmap_t *r, uint16_t key) {
    uint32_t card = m->card;
    m->card = 0;
    if (!card) return 0;
    if (card > 4096) {
        bitset_container_t *bc = bitset_container_create();
        if (!bc) return -1;
        memcpy(bc->array, m->w, sizeof m->w);
        memset(m->w, 0, sizeof m->w), memset(m->touched, 0, sizeof m->touched);
        bc->cardinality = (int32_t)card;
        ra_append(&r->high_low_container, key, bc, BITSET_CONTAINER_TYPE_CODE);
        return 0;
    }
    array_container_t *ac = array_container_create_given_capacity((int32_t)card + 1);
    if (!ac) return -1;
    uint16_t *o = ac->array;
    for (int g = 0; g < 1024; g += 64) { /* the touched words, 64 flags per test */
        uint64_t t = touched64(m->touched + g);
        for (; t; t &= t - 1) {
            int i = g + __builtin_ctzll(t);
            uint64_t x = m->w[i];
            m->w[i] = 0, m->touched[i] = 0;
            uint16_t base = (uint16_t)(i * 64);
            *o = (uint16_t)(base + __builtin_ctzll(x | 1ull << 63)), o += x != 0, x &= x - 1; /* mostly one bit */
            for (; x; x &= x - 1) *o++ = (uint16_t)(base + __builtin_ctzll(x));
        }
    }
    ac->cardinality = (int32_t)card;
    ra_append(&r->high_low_container, key, ac, ARRAY_CONTAINER_TYPE_CODE);
    return 0;
}

/* Asks for the ids of container i (an array: the one the next chunk reads) to come into cache: a division's
 * arrays are scattered over the heap, and at ~670 ids (21 cache lines) each is too short for the hardware
 * prefetcher to find on its own. */
static void prefetch_next(const roaring_array_t *ra, int32_t i) {
    if (i >= ra->size || ra->typecodes[i] != ARRAY_CONTAINER_TYPE_CODE) return;
    const array_container_t *ac = ra->containers[i];
    const char *a = (const char *)ac->array;
    for (int32_t off = 0; off < ac->cardinality * 2; off += 64) __builtin_prefetch(a + off);
}

roaring_bitmap_t *tu__pair_true(const tu_index *ix, const tu__node *codes, const tu__node *range) {
    roaring_bitmap_t *r = roaring_bitmap_create();
    merge *m = NULL;
    if (!r || range->lo > range->hi) return r;
    const int64_t *bounds = ix->bounds[TU__NUM_REVENUE];
    tu__rbuckets rb = tu__range_buckets(bounds, range->lo, range->hi);
    int span = rb.z >= rb.a ? rb.z - rb.a + 1 : 0;
    int q0 = tu__bucket_of(bounds, 0); /* a missing revenue is stored as 0: such hits need the presence bit */
    int check_present = (q0 >= rb.a && q0 <= rb.z) || q0 == rb.e1 || q0 == rb.e2;
    const int64_t *rev = ix->num[TU__NUM_REVENUE];
    struct cursor {
        const roaring_array_t *ra;
        const uint8_t *q;
        int32_t ci;
    } cur[128];
    int nc = 0;
    int32_t most = 4096; /* array containers hold at most 4096 ids; others up to 65536 */
    for (int v = 0; v < tu__code_nvalues(TU__CODE_DIVISION); v++)
        if (codes->vals[v >> 6] >> (v & 63) & 1u) {
            const roaring_array_t *ra = &div_bm(ix, v)->high_low_container;
            cur[nc++] = (struct cursor){ra, ix->pair[v].q, 0};
            for (int32_t i = 0; i < ra->size; i++)
                if (ra->typecodes[i] != ARRAY_CONTAINER_TYPE_CODE) most = 65536;
        }
    if (!(m = merge_new(most))) goto fail;
    for (uint32_t key = 0; key <= (uint32_t)(ix->n >> 16); key++) {
        for (int s = 0; s < nc; s++) {
            struct cursor *c = &cur[s];
            if (c->ci >= c->ra->size || c->ra->keys[c->ci] != key) continue;
            uint8_t type = c->ra->typecodes[c->ci];
            const void *cont = container_unwrap_shared(c->ra->containers[c->ci], &type);
            int32_t n, nh = 0, ne = 0;
            const uint16_t *ids = container_ids(cont, type, m->ids, &n);
            prefetch_next(c->ra, c->ci + 1);
            nh = span ? scan(c->q, ids, n, (uint8_t)rb.a, (uint8_t)(span - 1), m->hit) : 0;
            if (rb.e1 >= 0) ne = scan(c->q, ids, n, (uint8_t)rb.e1, 0, m->edge);
            if (rb.e2 >= 0 && rb.e2 != rb.e1) ne += scan(c->q, ids, n, (uint8_t)rb.e2, 0, m->edge + ne);
            uint32_t base = key << 16;
            for (int32_t i = 0; i < nh; i++) merge_set(m, m->hit[i]);
            m->card += (uint32_t)nh;
            for (int32_t i = 0; i < ne; i++) { /* boundary buckets: the exact value decides */
                uint16_t x = m->edge[i];
                int64_t val = rev[base | x];
                if (val >= range->lo && val <= range->hi) merge_set(m, x), m->card++;
            }
            c->q += n, c->ci++;
        }
        if (check_present) clear_missing(m, ix->missing[TU_A_REVENUE], (uint16_t)key);
        if (merge_flush(m, r, (uint16_t)key)) goto fail;
    }
    tu_free(m);
    return r;
fail:
    if (r) roaring_bitmap_free(r);
    tu_free(m);
    return NULL;
}
