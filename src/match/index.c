/* index.c — the enterprise index: columns, bucket codes and bitmaps; build, update, row access.
 *
 * Byte budget per enterprise in columns (must stay <= 64): revenue, rd_ratio, energy 3 x 8, employees 4, founded
 * 4, five bucket codes 5, city 1, division 1, district 1, industry tail 1, size 1, tags 2, presence 2, USCC 12,
 * the USCC hash table ~4.8, the division x revenue pair 1 (pair.c) = 63.8. Everything else is in roaring bitmaps (one per code value, per tag, per attribute for "missing", and per
 * bucket of each number/date so that a narrow range reads its few buckets' ids instead of the whole column).
 * Workload: one build at start (7M records in a few seconds), then single-record updates.
 */
#include "match/index.h"

#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>

#include "core/alloc.h"
#include "core/codes.h"
#include "core/num.h"
#include "match/match_int.h"

const int tu__num_attrs[TU__NUM_COUNT] = {TU_A_REVENUE, TU_A_EMPLOYEES, TU_A_RD_RATIO, TU_A_ENERGY_TCE,
                                          TU_A_FOUNDED};
static const int code_attrs[TU__CODE_COUNT] = {TU_A_CITY, TU_A_INDUSTRY_DIVISION, TU_A_INDUSTRY_SECTION, TU_A_SIZE,
                                               TU_A_REGION};

/* ---- fast code lookups (the core lookups scan their tables; the build calls them 7M times) ---- */
static int8_t div_table[26 * 100];  /* letter, two digits -> division index + 1 */
static int8_t city_table[10000];    /* first four digits of a city code -> city index + 1 */
static pthread_once_t tables_once = PTHREAD_ONCE_INIT;

static void init_tables(void) {
    for (int i = 0; i < tu_division_count(); i++) {
        const char *c = tu_division_at(i)->code;
        div_table[(c[0] - 'A') * 100 + (c[1] - '0') * 10 + (c[2] - '0')] = (int8_t)(i + 1);
    }
    for (int i = 0; i < tu_city_count(); i++) city_table[tu_city_at(i)->code / 100 % 10000] = (int8_t)(i + 1);
}

static int div_index(const char *d) {
    if (d[0] < 'A' || d[0] > 'Z' || d[1] < '0' || d[1] > '9' || d[2] < '0' || d[2] > '9') return -1;
    pthread_once(&tables_once, init_tables);
    return div_table[(d[0] - 'A') * 100 + (d[1] - '0') * 10 + (d[2] - '0')] - 1;
}

static int city_index(uint32_t code) {
    pthread_once(&tables_once, init_tables);
    int i = code % 100 == 0 && code < 1000000 ? city_table[code / 100] - 1 : -1;
    return i >= 0 && tu_city_at(i)->code == code ? i : -1;
}

int tu__num_slot(int attr) {
    for (int k = 0; k < TU__NUM_COUNT; k++)
        if (tu__num_attrs[k] == attr) return k;
    return -1;
}

int tu__code_slot(int attr) {
    for (int k = 0; k < TU__CODE_COUNT; k++)
        if (code_attrs[k] == attr) return k;
    return -1;
}

int tu__code_nvalues(int slot) {
    switch (slot) {
    case TU__CODE_CITY: return tu_city_count();
    case TU__CODE_DIVISION: return tu_division_count();
    case TU__CODE_SECTION: return 26;
    case TU__CODE_SIZE: return TU_SIZE_COUNT;
    default: return TU_REGION_COUNT;
    }
}

static int parse_city(const char *s, size_t len) {
    uint32_t v = 0;
    if (len != 6) return -1;
    for (size_t i = 0; i < 6; i++) {
        if (s[i] < '0' || s[i] > '9') return -1;
        v = v * 10 + (uint32_t)(s[i] - '0');
    }
    return tu_city_index(v);
}

int tu__code_value(int slot, const char *s, size_t len) {
    char buf[32];
    if (len >= sizeof buf) return -1;
    memcpy(buf, s, len), buf[len] = '\0';
    switch (slot) {
    case TU__CODE_CITY: return parse_city(s, len);
    case TU__CODE_DIVISION: return len == 3 ? div_index(buf) : -1;
    case TU__CODE_SECTION: return len == 1 && s[0] >= 'A' && s[0] <= 'Z' ? s[0] - 'A' : -1;
    case TU__CODE_SIZE: return tu_size_parse(s, len);
    default: return tu_region_parse(buf);
    }
}

int tu__code_of_ent(int slot, const tu_ent *e) {
    switch (slot) {
    case TU__CODE_CITY: return city_index(e->city);
    case TU__CODE_DIVISION: return div_index(e->division);
    case TU__CODE_SECTION: return e->industry[0] >= 'A' && e->industry[0] <= 'Z' ? e->industry[0] - 'A' : -1;
    case TU__CODE_SIZE: return e->size;
    default: return e->region;
    }
}

int tu__code_of_id(const tu_index *ix, int slot, uint32_t id) {
    switch (slot) {
    case TU__CODE_CITY: return ix->city[id];
    case TU__CODE_DIVISION: return ix->division[id];
    case TU__CODE_SECTION: return tu_division_at(ix->division[id])->code[0] - 'A';
    case TU__CODE_SIZE: return ix->size[id];
    default: return tu_city_at(ix->city[id])->region;
    }
}

static int64_t ent_num(const tu_ent *e, int slot) {
    switch (slot) {
    case TU__NUM_REVENUE: return e->revenue;
    case TU__NUM_EMPLOYEES: return e->employees;
    case TU__NUM_RD_RATIO: return e->rd_ratio;
    case TU__NUM_ENERGY: return e->energy_tce;
    default: return e->founded;
    }
}

/* ---- USCC packing: 18 characters of the 31-letter alphabet, 5 bits each ---- */
static void uscc_pack(const char *u, uint64_t *lo, uint32_t *hi) {
    uint64_t a = 0;
    uint32_t b = 0;
    for (int i = 0; i < 12; i++) a = a << 5 | (uint64_t)(tu_uscc_char_value(u[i]) & 31);
    for (int i = 12; i < 18; i++) b = b << 5 | (uint32_t)(tu_uscc_char_value(u[i]) & 31);
    *lo = a, *hi = b;
}

static void uscc_unpack(uint64_t lo, uint32_t hi, char out[19]) {
    for (int i = 11; i >= 0; i--, lo >>= 5) out[i] = tu_uscc_alphabet[lo & 31];
    for (int i = 17; i >= 12; i--, hi >>= 5) out[i] = tu_uscc_alphabet[hi & 31];
    out[18] = '\0';
}

/* ---- USCC -> id (the by_uscc table, see match_int.h) ---- */
#define ID_BITS 28
#define ID_MASK ((1u << ID_BITS) - 1)
#define MAX_IDS ID_MASK /* ids 0 .. 2^28 - 2 */

/* A record without a USCC (a gap in the store's ids) packs to an invalid first character. */
static int uscc_absent(uint64_t lo) { return (lo >> 55 & 31) == 31; }

static uint64_t uscc_hash(uint64_t lo, uint32_t hi) {
    uint64_t h = lo * 0x9E3779B97F4A7C15ull ^ (uint64_t)hi * 0xC2B2AE3D27D4EB4Full;
    h ^= h >> 32, h *= 0xD6E8FEB86659FD93ull, h ^= h >> 32;
    return h;
}

static uint32_t slot_tag(uint64_t h) { return (uint32_t)(h >> 60) << ID_BITS; }

/* The slot holding id's USCC key, or the empty slot where it would go. */
static size_t by_uscc_find(const tu_index *ix, uint64_t lo, uint32_t hi, uint64_t h) {
    uint32_t tag = slot_tag(h);
    for (size_t i = h & ix->by_uscc_mask;; i = (i + 1) & ix->by_uscc_mask) {
        uint32_t v = ix->by_uscc[i];
        if (!v) return i;
        uint32_t id = (v & ID_MASK) - 1;
        if ((v & ~ID_MASK) == tag && ix->uscc_lo[id] == lo && ix->uscc_hi[id] == hi) return i;
    }
}

/* Enters id under its USCC (from the columns); a USCC held by another id moves to this one (the later record). */
static void by_uscc_put(tu_index *ix, uint32_t id) {
    uint64_t lo = ix->uscc_lo[id], h;
    if (uscc_absent(lo)) return;
    size_t i = by_uscc_find(ix, lo, ix->uscc_hi[id], h = uscc_hash(lo, ix->uscc_hi[id]));
    ix->by_uscc_used += !ix->by_uscc[i];
    ix->by_uscc[i] = slot_tag(h) | (id + 1);
}

/* by_uscc_put for ids [from, to): each probe is a cache miss, so the slots of 32 ids are prefetched first. */
static void by_uscc_put_range(tu_index *ix, size_t from, size_t to) {
    for (size_t b = from; b < to; b += 32) {
        size_t e = to - b < 32 ? to : b + 32;
        for (size_t id = b; id < e; id++)
            __builtin_prefetch(&ix->by_uscc[uscc_hash(ix->uscc_lo[id], ix->uscc_hi[id]) & ix->by_uscc_mask], 1);
        for (size_t id = b; id < e; id++) by_uscc_put(ix, (uint32_t)id);
    }
}

/* Takes id's USCC key out if it points at id (backward-shift deletion keeps every probe chain whole). */
static void by_uscc_del(tu_index *ix, uint32_t id) {
    uint64_t lo = ix->uscc_lo[id];
    if (uscc_absent(lo)) return;
    size_t mask = ix->by_uscc_mask, i = by_uscc_find(ix, lo, ix->uscc_hi[id], uscc_hash(lo, ix->uscc_hi[id]));
    if ((ix->by_uscc[i] & ID_MASK) != id + 1) return;
    for (size_t j = i;;) {
        j = (j + 1) & mask;
        uint32_t v = ix->by_uscc[j];
        if (!v) break;
        uint32_t o = (v & ID_MASK) - 1;
        size_t home = uscc_hash(ix->uscc_lo[o], ix->uscc_hi[o]) & mask;
        if (((j - home) & mask) >= ((j - i) & mask)) ix->by_uscc[i] = v, i = j; /* home is not in (i, j] */
    }
    ix->by_uscc[i] = 0;
    ix->by_uscc_used--;
}

/* Asks for transparent huge pages on a big column: 7M-row columns otherwise cost ~100k page faults. */
static void advise_huge(void *p, size_t bytes) {
    uintptr_t a = ((uintptr_t)p + 4095) & ~(uintptr_t)4095, z = ((uintptr_t)p + bytes) & ~(uintptr_t)4095;
    if (bytes >= (2u << 20) && z > a) madvise((void *)a, z - a, MADV_HUGEPAGE);
}

/* Makes the table big enough for `need` keys at most 7/8 full, re-entering ids 0..n-1. Returns 0 or TU_ENOMEM
 * (the old table stays). */
static int by_uscc_reserve(tu_index *ix, size_t need, size_t n) {
    size_t slots = ix->by_uscc ? ix->by_uscc_mask + 1 : 0;
    if (need <= slots / 8 * 7) return TU_OK;
    size_t want = 1024;
    while (need > want / 8 * 7) want *= 2;
    uint32_t *t = tu_calloc(want, sizeof *t);
    if (!t) return TU_ENOMEM;
    advise_huge(t, want * sizeof *t); /* every insert and lookup is a random probe: no page walk on top */
    tu_free(ix->by_uscc);
    ix->by_uscc = t, ix->by_uscc_mask = want - 1, ix->by_uscc_used = 0;
    by_uscc_put_range(ix, 0, n);
    return TU_OK;
}

/* ---- buckets ---- */
uint8_t tu__bucket_of(const int64_t *bounds, int64_t v) { /* branch-free: 8 steps, no mispredicted jumps */
    int q = 0;
    for (int half = TU__QBUCKETS / 2; half; half /= 2) q += (bounds[q + half] <= v) * half;
    return (uint8_t)q;
}

static int cmp_i64(const void *a, const void *b) {
    int64_t x = *(const int64_t *)a, y = *(const int64_t *)b;
    return (x > y) - (x < y);
}

/* The roundest value in (lo, hi], or lo + 1 when the window is empty: a date on the first of a year, else of a
 * month (as days); a number with the most trailing decimal zeros in its stored unit. */
static int64_t roundest(int64_t lo, int64_t hi, int is_date) {
    if (hi <= lo) return lo + 1;
    if (is_date && lo >= INT32_MIN && hi <= INT32_MAX) {
        int y, m, d;
        tu_date_to_ymd((int32_t)lo + 1, &y, &m, &d);
        int32_t year = tu_date_from_ymd(y + (m > 1 || d > 1), 1, 1);
        if (year <= hi) return year;
        int32_t month = d > 1 ? tu_date_from_ymd(m == 12 ? y + 1 : y, m == 12 ? 1 : m + 1, 1) : (int32_t)lo + 1;
        return month <= hi ? month : lo + 1;
    }
    for (int64_t p = 1000000000000000000; p > 1; p /= 10) {
        if (lo >= INT64_MAX - p) continue;
        int64_t v = lo + 1 >= 0 ? (lo + p) / p * p : -((-(lo + 1)) / p * p); /* the first multiple above lo */
        if (v > lo && v <= hi) return v;
    }
    return lo + 1;
}

/* Sample values in [a, b). */
static size_t count_in(const int64_t *s, size_t m, int64_t a, int64_t b) {
    size_t lo = 0, hi = m, x;
    while (lo < hi) x = (lo + hi) / 2, s[x] < a ? (lo = x + 1) : (hi = x);
    size_t from = lo;
    for (hi = m; lo < hi;) x = (lo + hi) / 2, s[x] < b ? (lo = x + 1) : (hi = x);
    return lo - from;
}

/* Bucket bounds from a sample of the present values (bounds[0] = INT64_MIN). Thresholds in policies are round
 * (20 employees, 2,000 万元, 3 %, 2017-01-01); a range that starts and ends on bucket bounds has no boundary
 * rows to check one by one. So the bounds are (a) the roundest value within ±0.4 bucket of each of the 255
 * quantiles, plus (b) every d x 10^k (d = 1..9; dates: every 1 January) within the sample's span — that covers
 * the sparse upper tail, where a quantile bucket would span 40,000 万元 and more; (a)-bounds are then dropped,
 * smallest merged bucket first, until 255 are left. */
static int choose_bounds(int64_t *bounds, const tu_ent *ents, size_t n, int slot) {
    enum { SAMPLE = 1 << 16, MAXB = 255 + 9 * 19 + 512 };
    int64_t *s = tu_malloc((SAMPLE + 2 * MAXB) * sizeof *s), *b = s + SAMPLE, *extra = b + MAXB;
    if (!s) return TU_ENOMEM;
    size_t m = 0, step = n / SAMPLE + 1;
    for (size_t i = 0; i < n && m < SAMPLE; i += step)
        if (TU_ENT_HAS(&ents[i], tu__num_attrs[slot])) s[m++] = ent_num(&ents[i], slot);
    qsort(s, m, sizeof *s, cmp_i64);
    bounds[0] = INT64_MIN;
    for (int q = 1; q < TU__QBUCKETS; q++) {
        int64_t v = INT64_MAX;
        if (m) {
            size_t at = (size_t)q * m / TU__QBUCKETS, w = (size_t)(0.4 * (double)m / TU__QBUCKETS);
            size_t lo = at > w ? at - w : 0, hi = at + w < m ? at + w : m - 1;
            v = s[lo] < s[hi] ? roundest(s[lo], s[hi], slot == TU__NUM_FOUNDED) : s[at];
        }
        bounds[q] = v > bounds[q - 1] ? v : (bounds[q - 1] == INT64_MAX ? INT64_MAX : bounds[q - 1] + 1);
    }
    size_t ne = 0;
    if (m && s[0] < s[m - 1]) { /* (b): the round values of the whole span */
        if (slot == TU__NUM_FOUNDED) {
            int y0, y1, mo, d;
            tu_date_to_ymd((int32_t)s[0], &y0, &mo, &d);
            tu_date_to_ymd((int32_t)s[m - 1], &y1, &mo, &d);
            for (int y = y0 + 1; y <= y1 && ne < 512; y++) extra[ne++] = tu_date_from_ymd(y, 1, 1);
        } else {
            for (int64_t p = 1; ne < MAXB - 255 - 9; p *= 10) {
                for (int64_t d = 1; d <= 9; d++)
                    if (d * p > s[0] && d * p <= s[m - 1]) extra[ne++] = d * p;
                if (p > INT64_MAX / 100 || p > s[m - 1]) break;
            }
        }
    }
    if (ne && bounds[TU__QBUCKETS - 1] < INT64_MAX) {
        size_t nb = 0, i = 1, j = 0; /* merge (a) and (b), sorted and unique; keep[] marks (b) */
        unsigned char keep[MAXB];
        while (i < TU__QBUCKETS || j < ne) {
            int take_b = j < ne && (i >= TU__QBUCKETS || extra[j] <= bounds[i]);
            int64_t v = take_b ? extra[j] : bounds[i];
            if (take_b && i < TU__QBUCKETS && bounds[i] == v) i++;
            take_b ? j++ : i++;
            if (nb && b[nb - 1] == v) {
                keep[nb - 1] |= (unsigned char)take_b;
                continue;
            }
            b[nb] = v, keep[nb++] = (unsigned char)take_b;
        }
        while (nb > TU__QBUCKETS - 1) { /* drop the (a)-bound whose two buckets together are smallest */
            size_t best = SIZE_MAX, best_c = 0;
            for (int all = 0; all < 2 && best == SIZE_MAX; all++) /* (b)-bounds only if nothing else is left */
                for (size_t k = 0; k < nb; k++) {
                    if (keep[k] && !all) continue;
                    size_t c = count_in(s, m, k ? b[k - 1] : INT64_MIN, k + 1 < nb ? b[k + 1] : INT64_MAX);
                    if (best == SIZE_MAX || c < best_c) best = k, best_c = c;
                }
            memmove(b + best, b + best + 1, (nb - best - 1) * sizeof *b);
            memmove(keep + best, keep + best + 1, nb - best - 1);
            nb--;
        }
        if (nb == TU__QBUCKETS - 1) memcpy(bounds + 1, b, nb * sizeof *b);
    }
    tu_free(s);
    return TU_OK;
}

/* ---- storage ---- */
#define COLUMNS(XX)                                                                                             \
    XX(num[0]) XX(employees) XX(num[2]) XX(num[3]) XX(founded) XX(qcode[0]) XX(qcode[1]) XX(qcode[2]) XX(qcode[3]) \
    XX(qcode[4]) XX(city) XX(division) XX(district2) XX(ind_tail) XX(size) XX(tags) XX(present) XX(uscc_lo)   \
    XX(uscc_hi)


/* Columns move to fresh memory when they grow (not realloc: mremap would keep the old small pages), so a
 * loaded index's columns sit in huge pages: row checks at random ids then cost a cache miss, not also a page
 * walk (measured: ~2x on boundary-bucket checks in a VM). */
static int grow(tu_index *ix, size_t cap) {
#define GROW(f)                                                                                                 \
    {                                                                                                           \
        void *p = tu_malloc(cap * sizeof *ix->f);                                                               \
        if (!p) return TU_ENOMEM;                                                                               \
        advise_huge(p, cap * sizeof *ix->f);                                                                    \
        if (ix->f) memcpy(p, ix->f, ix->cap * sizeof *ix->f);                                                   \
        tu_free(ix->f);                                                                                         \
        ix->f = p;                                                                                              \
    }
    COLUMNS(GROW)
#undef GROW
    ix->cap = cap;
    return TU_OK;
}

static size_t column_bytes_per_id(const tu_index *ix) {
    size_t b = 0;
#define SZ(f) b += sizeof *ix->f;
    COLUMNS(SZ)
#undef SZ
    return b;
}

static int alloc_bitmaps(tu_index *ix) {
    for (int k = 0; k < TU__CODE_COUNT; k++) {
        int nv = tu__code_nvalues(k);
        ix->code[k] = tu_calloc((size_t)nv, sizeof *ix->code[k]);
        if (!ix->code[k]) return TU_ENOMEM;
        for (int v = 0; v < nv; v++)
            if (!(ix->code[k][v] = roaring_bitmap_create())) return TU_ENOMEM;
    }
    for (int t = 0; t < TU_TAG_COUNT; t++)
        if (!(ix->tag[t] = roaring_bitmap_create())) return TU_ENOMEM;
    for (int a = 0; a < TU_A_COUNT; a++)
        if (!(ix->missing[a] = roaring_bitmap_create())) return TU_ENOMEM;
    for (int k = 0; k < TU__NUM_COUNT; k++)
        for (int q = 0; q < TU__QBUCKETS; q++)
            if (!(ix->qbm[k][q] = roaring_bitmap_create())) return TU_ENOMEM;
    return TU_OK;
}

/* The bucket bitmaps of a freshly built index from its bucket-code columns: a counting sort per attribute, then
 * one sorted bulk insert per bucket (7M single adds would cost seconds). */
static int build_bucket_bitmaps(tu_index *ix) {
    uint32_t *ids = tu_malloc((ix->n ? ix->n : 1) * sizeof *ids);
    if (!ids) return TU_ENOMEM;
    for (int k = 0; k < TU__NUM_COUNT; k++) {
        size_t start[TU__QBUCKETS + 1] = {0}, at[TU__QBUCKETS];
        for (size_t i = 0; i < ix->n; i++) start[ix->qcode[k][i] + 1]++;
        for (int q = 0; q < TU__QBUCKETS; q++) start[q + 1] += start[q], at[q] = start[q];
        for (size_t i = 0; i < ix->n; i++) ids[at[ix->qcode[k][i]]++] = (uint32_t)i;
        for (int q = 0; q < TU__QBUCKETS; q++) {
            roaring_bitmap_add_many(ix->qbm[k][q], start[q + 1] - start[q], ids + start[q]);
            ix->qcard[k][q] = (uint32_t)(start[q + 1] - start[q]);
            roaring_bitmap_run_optimize(ix->qbm[k][q]);
        }
    }
    tu_free(ids);
    return TU_OK;
}

static int check_ent(const tu_ent *e, tu_err *err) {
    if (city_index(e->city) < 0) return tu_err_set(err, TU_EINVAL, "record has an unknown city %06u", e->city);
    if (TU_ENT_HAS(e, TU_A_INDUSTRY) && div_index(e->division) < 0)
        return tu_err_set(err, TU_EINVAL, "record has an unknown industry division '%.3s'", e->division);
    if (TU_ENT_HAS(e, TU_A_SIZE) && (e->size < 0 || e->size >= TU_SIZE_COUNT))
        return tu_err_set(err, TU_EINVAL, "record has a bad size class");
    return TU_OK;
}

static uint8_t ind_tail(const tu_ent *e) {
    size_t len = strnlen(e->industry, sizeof e->industry);
    if (len == 4) return (uint8_t)(10 + e->industry[3] - '0');
    if (len == 5) return (uint8_t)(100 + (e->industry[3] - '0') * 10 + e->industry[4] - '0');
    return 0;
}

/* Adds (on = 1) or removes (on = 0) id from the bitmaps of record e. Roaring add/remove may allocate: the
 * CRoaring of Debian aborts on exhaustion there, so this step cannot fail halfway. */
static void set_bitmaps(tu_index *ix, uint32_t id, const tu_ent *e, int on) {
    void (*op)(roaring_bitmap_t *, uint32_t) = on ? roaring_bitmap_add : roaring_bitmap_remove;
    uint32_t d = on ? 1 : (uint32_t)-1; /* an id is in a bitmap once per record: the counts follow */
    for (int k = 0; k < TU__CODE_COUNT; k++) {
        int v = TU_ENT_HAS(e, code_attrs[k]) ? tu__code_of_ent(k, e) : -1;
        if (v >= 0 && v < tu__code_nvalues(k)) op(ix->code[k][v], id), ix->ccard[k][v] += d;
    }
    for (int t = 0; t < TU_TAG_COUNT; t++)
        if (e->tags >> t & 1u) op(ix->tag[t], id), ix->tcard[t] += d;
    for (int a = 0; a < TU_A_COUNT; a++)
        if (!TU_ENT_HAS(e, a)) op(ix->missing[a], id);
}

/* Adds or removes id in the bucket bitmaps of record e (the codes set_columns gives it). */
static void set_bucket_bitmaps(tu_index *ix, uint32_t id, const tu_ent *e, int on) {
    for (int k = 0; k < TU__NUM_COUNT; k++) {
        int64_t v = TU_ENT_HAS(e, tu__num_attrs[k]) ? ent_num(e, k) : 0;
        uint8_t q = tu__bucket_of(ix->bounds[k], v);
        if (on) roaring_bitmap_add(ix->qbm[k][q], id), ix->qcard[k][q]++;
        else roaring_bitmap_remove(ix->qbm[k][q], id), ix->qcard[k][q]--;
    }
}

static void set_columns(tu_index *ix, uint32_t id, const tu_ent *e) {
    for (int k = 0; k < TU__NUM_COUNT; k++) {
        int64_t v = TU_ENT_HAS(e, tu__num_attrs[k]) ? ent_num(e, k) : 0;
        if (k == TU__NUM_FOUNDED) ix->founded[id] = (int32_t)v;
        else if (k == TU__NUM_EMPLOYEES) ix->employees[id] = (int32_t)v;
        else ix->num[k][id] = v;
        ix->qcode[k][id] = tu__bucket_of(ix->bounds[k], v);
    }
    ix->city[id] = (uint8_t)city_index(e->city);
    ix->division[id] = TU_ENT_HAS(e, TU_A_INDUSTRY) ? (uint8_t)div_index(e->division) : 0;
    ix->ind_tail[id] = TU_ENT_HAS(e, TU_A_INDUSTRY) ? ind_tail(e) : 0;
    ix->district2[id] = TU_ENT_HAS(e, TU_A_DISTRICT) ? (uint8_t)(e->district % 100) : 0;
    ix->size[id] = TU_ENT_HAS(e, TU_A_SIZE) ? e->size : -1;
    ix->tags[id] = (uint16_t)e->tags;
    ix->present[id] = (uint16_t)e->present;
    uscc_pack(e->uscc, &ix->uscc_lo[id], &ix->uscc_hi[id]);
}

static int too_many(tu_err *err) {
    return tu_err_set(err, TU_ETOOBIG, "too many enterprises for one index (at most %u)", MAX_IDS - 1);
}

int tu_index_build(const tu_ent *ents, size_t n, tu_index **out, tu_err *err) {
    *out = NULL;
    if (n >= MAX_IDS) return too_many(err);
    tu_index *ix = tu_calloc(1, sizeof *ix);
    if (!ix) return tu_err_set(err, TU_ENOMEM, "out of memory");
    pthread_rwlock_init(&ix->lock, NULL);
    pthread_mutex_init(&ix->scratch_lock, NULL);
    ix->uscc_defer_from = SIZE_MAX;
    int rc = grow(ix, n > 1024 ? n : 1024);
    if (!rc) rc = alloc_bitmaps(ix);
    for (int k = 0; k < TU__NUM_COUNT && !rc; k++) rc = choose_bounds(ix->bounds[k], ents, n, k);
    if (rc) {
        tu_index_close(ix);
        return tu_err_set(err, rc, "out of memory");
    }
    for (size_t i = 0; i < n; i++) {
        if ((rc = check_ent(&ents[i], err))) {
            tu_index_close(ix);
            return rc;
        }
        set_columns(ix, (uint32_t)i, &ents[i]);
        set_bitmaps(ix, (uint32_t)i, &ents[i], 1);
    }
    ix->n = n;
    if ((rc = build_bucket_bitmaps(ix)) || (rc = by_uscc_reserve(ix, n, n)) || (rc = tu__pair_build(ix))) {
        tu_index_close(ix);
        return tu_err_set(err, rc, "out of memory");
    }
    for (int k = 0; k < TU__CODE_COUNT; k++)
        for (int v = 0; v < tu__code_nvalues(k); v++) roaring_bitmap_run_optimize(ix->code[k][v]);
    *out = ix;
    return TU_OK;
}

int tu_index_reserve(tu_index *ix, size_t n, tu_err *err) {
    if (n >= MAX_IDS) return too_many(err);
    pthread_rwlock_wrlock(&ix->lock);
    int rc = n > ix->cap ? grow(ix, n) : TU_OK;
    if (!rc) rc = by_uscc_reserve(ix, n, ix->n);
    pthread_rwlock_unlock(&ix->lock);
    return rc ? tu_err_set(err, rc, "out of memory") : TU_OK;
}

void tu_index_bulk_begin(tu_index *ix) {
    pthread_rwlock_wrlock(&ix->lock);
    if (ix->uscc_defer_from == SIZE_MAX) ix->uscc_defer_from = ix->n;
    pthread_rwlock_unlock(&ix->lock);
}

int tu_index_bulk_end(tu_index *ix, tu_err *err) {
    pthread_rwlock_wrlock(&ix->lock);
    int rc = TU_OK;
    if (ix->uscc_defer_from != SIZE_MAX && !(rc = by_uscc_reserve(ix, ix->n, ix->uscc_defer_from))) {
        by_uscc_put_range(ix, ix->uscc_defer_from, ix->n);
        ix->uscc_defer_from = SIZE_MAX;
    }
    tu__pair_trim(ix);
    pthread_rwlock_unlock(&ix->lock);
    return rc ? tu_err_set(err, rc, "out of memory") : TU_OK;
}

int tu_index_update(tu_index *ix, uint32_t id, const tu_ent *e, tu_err *err) {
    int rc = check_ent(e, err);
    if (rc) return rc;
    pthread_rwlock_wrlock(&ix->lock);
    if (id > ix->n) rc = tu_err_set(err, TU_EINVAL, "id %u is beyond the end of the index (%zu)", id, ix->n);
    else if (id + 1 >= MAX_IDS) rc = too_many(err);
    else if (id == ix->cap && (rc = grow(ix, ix->cap * 2))) tu_err_set(err, rc, "out of memory");
    else if ((rc = by_uscc_reserve(ix, ix->by_uscc_used + 1, ix->n))) tu_err_set(err, rc, "out of memory");
    /* the record's division before and after (-1: none), and room in the pair array it moves into */
    int vo = id < ix->n && (ix->present[id] >> TU_A_INDUSTRY_DIVISION & 1u) ? ix->division[id] : -1;
    int vn = TU_ENT_HAS(e, TU_A_INDUSTRY_DIVISION) ? div_index(e->division) : -1;
    if (!rc && vn >= 0 && vn != vo && (rc = tu__pair_reserve(ix, vn))) tu_err_set(err, rc, "out of memory");
    if (!rc) {
        uint64_t lo;
        uint32_t hi;
        uscc_pack(e->uscc, &lo, &hi);
        int moved = id == ix->n || lo != ix->uscc_lo[id] || hi != ix->uscc_hi[id];
        if (id < ix->n) {
            tu_ent old;
            tu__index_row(ix, id, &old);
            if (vo >= 0 && vo != vn) tu__pair_del(ix, vo, id);
            set_bitmaps(ix, id, &old, 0);
            set_bucket_bitmaps(ix, id, &old, 0);
            if (moved) by_uscc_del(ix, id);
        } else {
            ix->n++;
        }
        set_columns(ix, id, e);
        if (moved && id < ix->uscc_defer_from) by_uscc_put(ix, id);
        set_bitmaps(ix, id, e, 1);
        set_bucket_bitmaps(ix, id, e, 1);
        if (vn >= 0)
            tu__pair_put(ix, vn, id, ix->qcode[TU__NUM_REVENUE][id],
                         vn == vo ? TU__PAIR_STAYED : id + 1 == ix->n ? TU__PAIR_APPENDED : TU__PAIR_MOVED);
    }
    pthread_rwlock_unlock(&ix->lock);
    return rc;
}

void tu_index_close(tu_index *ix) {
    if (!ix) return;
#define FREE(f) tu_free(ix->f);
    COLUMNS(FREE)
#undef FREE
    for (int k = 0; k < TU__CODE_COUNT; k++) {
        for (int v = 0; ix->code[k] && v < tu__code_nvalues(k); v++) roaring_bitmap_free(ix->code[k][v]);
        tu_free(ix->code[k]);
    }
    for (int t = 0; t < TU_TAG_COUNT; t++) roaring_bitmap_free(ix->tag[t]);
    for (int a = 0; a < TU_A_COUNT; a++) roaring_bitmap_free(ix->missing[a]);
    for (int k = 0; k < TU__NUM_COUNT; k++)
        for (int q = 0; q < TU__QBUCKETS; q++) roaring_bitmap_free(ix->qbm[k][q]);
    for (size_t i = 0; i < ix->nscratch; i++) tu_free(ix->scratch[i]);
    tu__pair_free(ix);
    tu_free(ix->by_uscc);
    pthread_mutex_destroy(&ix->scratch_lock);
    pthread_rwlock_destroy(&ix->lock);
    tu_free(ix);
}

size_t tu_index_count(const tu_index *ix) { return ix->n; }

void tu__index_row(const tu_index *ix, uint32_t id, tu_ent *e) {
    tu_ent_init(e);
    uscc_unpack(ix->uscc_lo[id], ix->uscc_hi[id], e->uscc);
    const tu_city *c = tu_city_at(ix->city[id]);
    e->city = c->code;
    e->region = (int8_t)c->region;
    e->present = ix->present[id];
    if (TU_ENT_HAS(e, TU_A_DISTRICT)) e->district = c->code / 100 * 100 + ix->district2[id];
    if (TU_ENT_HAS(e, TU_A_INDUSTRY)) {
        const char *d = tu_division_at(ix->division[id])->code;
        unsigned t = ix->ind_tail[id];
        memcpy(e->division, d, 3);
        memcpy(e->industry, d, 3);
        if (t >= 100) e->industry[3] = (char)('0' + (t - 100) / 10), e->industry[4] = (char)('0' + (t - 100) % 10);
        else if (t >= 10) e->industry[3] = (char)('0' + t - 10);
    }
    e->size = ix->size[id];
    e->size_given = 1;
    e->revenue = ix->num[TU__NUM_REVENUE][id];
    e->employees = ix->employees[id];
    e->rd_ratio = ix->num[TU__NUM_RD_RATIO][id];
    e->energy_tce = ix->num[TU__NUM_ENERGY][id];
    e->founded = ix->founded[id];
    e->tags = ix->tags[id];
}

int tu_index_get(const tu_index *ix, uint32_t id, tu_ent *out) {
    pthread_rwlock_rdlock((pthread_rwlock_t *)&ix->lock);
    int rc = id < ix->n ? TU_OK : TU_ENOTFOUND;
    if (!rc) tu__index_row(ix, id, out);
    pthread_rwlock_unlock((pthread_rwlock_t *)&ix->lock);
    return rc;
}

int tu_index_uscc(const tu_index *ix, uint32_t id, char out[19]) {
    if (id >= ix->n) return TU_ENOTFOUND;
    uscc_unpack(ix->uscc_lo[id], ix->uscc_hi[id], out);
    return TU_OK;
}

int64_t tu_index_find_uscc(const tu_index *ix, const char *uscc) {
    if (strlen(uscc) != 18) return -1;
    for (int i = 0; i < 18; i++)
        if (tu_uscc_char_value(uscc[i]) < 0) return -1;
    uint64_t lo;
    uint32_t hi;
    uscc_pack(uscc, &lo, &hi);
    pthread_rwlock_rdlock((pthread_rwlock_t *)&ix->lock);
    uint32_t v = ix->by_uscc ? ix->by_uscc[by_uscc_find(ix, lo, hi, uscc_hash(lo, hi))] : 0;
    pthread_rwlock_unlock((pthread_rwlock_t *)&ix->lock);
    return v ? (int64_t)((v & ID_MASK) - 1) : -1;
}

void tu_index_memory(const tu_index *ix, size_t *column_bytes, size_t *bitmap_bytes) {
    size_t b = 0;
    for (int k = 0; k < TU__CODE_COUNT; k++)
        for (int v = 0; v < tu__code_nvalues(k); v++) b += roaring_bitmap_size_in_bytes(ix->code[k][v]);
    for (int t = 0; t < TU_TAG_COUNT; t++) b += roaring_bitmap_size_in_bytes(ix->tag[t]);
    for (int a = 0; a < TU_A_COUNT; a++) b += roaring_bitmap_size_in_bytes(ix->missing[a]);
    for (int k = 0; k < TU__NUM_COUNT; k++)
        for (int q = 0; q < TU__QBUCKETS; q++) b += roaring_bitmap_size_in_bytes(ix->qbm[k][q]);
    if (column_bytes)
        *column_bytes = column_bytes_per_id(ix) * ix->n + (ix->by_uscc_mask + 1) * sizeof *ix->by_uscc + tu__pair_bytes(ix);
    if (bitmap_bytes) *bitmap_bytes = b;
}

uint64_t *tu__scratch_get(tu_index *ix, size_t words) {
    uint64_t *b = NULL;
    pthread_mutex_lock(&ix->scratch_lock);
    if (ix->scratch_words != words) { /* the index grew: drop buffers of the old size */
        for (size_t i = 0; i < ix->nscratch; i++) tu_free(ix->scratch[i]);
        ix->nscratch = 0, ix->scratch_words = words;
    }
    if (ix->nscratch) b = ix->scratch[--ix->nscratch];
    pthread_mutex_unlock(&ix->scratch_lock);
    return b ? b : tu_malloc(words * 8 + 64);
}

void tu__scratch_put(tu_index *ix, uint64_t *b, size_t words) {
    if (!b) return;
    pthread_mutex_lock(&ix->scratch_lock);
    if (words == ix->scratch_words && ix->nscratch < sizeof ix->scratch / sizeof ix->scratch[0]) {
        ix->scratch[ix->nscratch++] = b;
        b = NULL;
    }
    pthread_mutex_unlock(&ix->scratch_lock);
    tu_free(b);
}
