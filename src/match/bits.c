/* bits.c — dense bitsets and their conversion from/to CRoaring bitmaps.
 *
 * Conversions walk roaring's containers directly (bitset containers are ORed word by word, arrays scattered,
 * runs filled) so that turning a 7M-id bitmap into a dense bitset costs about one pass over 875 KB.
 */
#include <roaring/bitset_util.h>
#include <roaring/containers/containers.h>
#include <string.h>

#include "match/match_int.h"

uint64_t tu__bits_count(const uint64_t *w, size_t nw) {
    uint64_t c = 0;
    for (size_t i = 0; i < nw; i++) c += (uint64_t)__builtin_popcountll(w[i]);
    return c;
}

static void fill_range(uint64_t *dst, size_t nw, uint64_t a, uint64_t b) { /* [a, b) */
    if (b > (uint64_t)nw * 64) b = (uint64_t)nw * 64;
    for (; a < b && (a & 63); a++) dst[a >> 6] |= 1ull << (a & 63);
    for (; a + 64 <= b; a += 64) dst[a >> 6] = ~0ull;
    for (; a < b; a++) dst[a >> 6] |= 1ull << (a & 63);
}

/* One 65536-id chunk (1024 words, fewer at the end) holding card > 0 ids as a container: a bitset when dense,
 * else an array. NULL on exhaustion. */
static void *make_container(const uint64_t *w, size_t nwc, uint64_t card, uint8_t *type) {
    if (card > 4096) {
        bitset_container_t *bc = bitset_container_create();
        if (!bc) return NULL;
        memcpy(bc->array, w, nwc * 8);
        bc->cardinality = (int32_t)card;
        *type = BITSET_CONTAINER_TYPE_CODE;
        return bc;
    }
    array_container_t *ac = array_container_create_given_capacity((int32_t)card + 4);
    if (!ac) return NULL;
    uint16_t *out = ac->array;
    for (size_t i = 0; i < nwc; i++) { /* four positions per word unconditionally: sparse words without a branch */
        uint64_t x = w[i];
        int c = __builtin_popcountll(x);
        uint16_t base = (uint16_t)(i * 64);
        const uint64_t top = 1ull << 63; /* ctz(0 | top) = 63: a defined value past the end, overwritten next */
        out[0] = (uint16_t)(base + __builtin_ctzll(x | top)), x &= x - 1;
        out[1] = (uint16_t)(base + __builtin_ctzll(x | top)), x &= x - 1;
        out[2] = (uint16_t)(base + __builtin_ctzll(x | top)), x &= x - 1;
        out[3] = (uint16_t)(base + __builtin_ctzll(x | top)), x &= x - 1;
        if (c > 4)
            for (int j = 4; j < c; j++, x &= x - 1) out[j] = (uint16_t)(base + __builtin_ctzll(x));
        out += c;
    }
    ac->cardinality = (int32_t)card;
    *type = ARRAY_CONTAINER_TYPE_CODE;
    return ac;
}

int tu__rb_append_chunk(roaring_bitmap_t *r, const uint64_t *w, size_t nwc, uint16_t key) {
    uint64_t card = tu__bits_count(w, nwc);
    if (card == 0) return 0;
    uint8_t type = 0;
    void *c = make_container(w, nwc, card, &type);
    if (!c) return -1;
    ra_append(&r->high_low_container, key, c, type);
    return 0;
}

roaring_bitmap_t *tu__rb_from_bits(const uint64_t *w, size_t nw) {
    roaring_bitmap_t *r = roaring_bitmap_create();
    if (!r) return NULL;
    for (size_t w0 = 0; w0 < nw; w0 += 1024) {
        size_t nwc = nw - w0 < 1024 ? nw - w0 : 1024;
        if (tu__rb_append_chunk(r, w + w0, nwc, (uint16_t)(w0 / 1024))) {
            roaring_bitmap_free(r);
            return NULL;
        }
    }
    return r;
}

/* dst[0..nw) |= ids [w0*64, (w0+nw)*64) of one container (its first id is base). */
static void or_container_part(uint64_t *dst, size_t nw, uint64_t w0, uint64_t base, const void *c, uint8_t type) {
    uint64_t lo = w0 * 64, hi = (w0 + nw) * 64;
    if (type == BITSET_CONTAINER_TYPE_CODE) {
        const bitset_container_t *bc = c;
        for (size_t i = 0; i < nw; i++) dst[i] |= bc->array[w0 - base / 64 + i];
    } else if (type == ARRAY_CONTAINER_TYPE_CODE) {
        const array_container_t *ac = c;
        if (nw == 1024 && lo == base) { /* the whole container: roaring's own scatter */
            bitset_set_list(dst, ac->array, (uint64_t)ac->cardinality);
            return;
        }
        for (int32_t i = 0; i < ac->cardinality; i++) {
            uint64_t x = base + ac->array[i];
            if (x >= lo && x < hi) dst[(x - lo) >> 6] |= 1ull << (x & 63);
        }
    } else {
        const run_container_t *rc = c;
        for (int32_t i = 0; i < rc->n_runs; i++) {
            uint64_t a = base + rc->runs[i].value, b = a + rc->runs[i].length + 1u;
            if (a < lo) a = lo;
            if (b > hi) b = hi;
            if (a < b) fill_range(dst, nw, a - lo, b - lo);
        }
    }
}

const void *tu__rb_container(const roaring_bitmap_t *r, uint16_t key, uint8_t *type) {
    const roaring_array_t *ra = &r->high_low_container;
    int32_t lo = 0, hi = ra->size - 1;
    while (lo <= hi) { /* binary search for the container of this key */
        int32_t mid = (lo + hi) / 2;
        if (ra->keys[mid] < key) lo = mid + 1;
        else if (ra->keys[mid] > key) hi = mid - 1;
        else {
            *type = ra->typecodes[mid];
            return container_unwrap_shared(ra->containers[mid], type);
        }
    }
    return NULL;
}

void tu__rb_or_chunk(uint64_t *dst, size_t nw, const roaring_bitmap_t *r, size_t w0) {
    uint16_t key = (uint16_t)(w0 / 1024);
    uint8_t type;
    const void *c = tu__rb_container(r, key, &type);
    if (c) or_container_part(dst, nw, w0, (uint64_t)key << 16, c, type);
}
