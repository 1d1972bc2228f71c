/* inverted.c — the enterprise -> campaigns inverted index (see inverted.h). Workload: built at start over up to
 * tens of thousands of campaigns (two passes over their members), then read by every inbox request. */
#include "push/inverted.h"

#include <string.h>

#include "core/alloc.h"

struct tu__inv {
    uint32_t nids;  /* ids [0, nids) have lists */
    uint32_t *off;  /* nids + 1 offsets into rel */
    uint16_t *rel;  /* block-relative set index per membership */
    size_t total;
};

typedef struct fill {
    uint32_t *cursor;
    uint16_t *rel;
    uint16_t idx;
} fill;

static bool count_one(uint32_t v, void *ctx) {
    ((uint32_t *)ctx)[v + 1]++;
    return true;
}

static bool fill_one(uint32_t v, void *ctx) {
    fill *f = ctx;
    f->rel[f->cursor[v]++] = f->idx;
    return true;
}

static int wanted(roaring_bitmap_t *const *sets, size_t i, uint64_t max_card) {
    uint64_t c = roaring_bitmap_get_cardinality(sets[i]);
    return c > 0 && c <= max_card;
}

tu__inv *tu__inv_build(roaring_bitmap_t *const *sets, size_t n, uint64_t max_card, uint8_t *indexed) {
    if (n > TU__INV_MAX_SETS) return NULL;
    tu__inv *inv = tu_calloc(1, sizeof *inv);
    if (!inv) return NULL;
    for (size_t i = 0; i < n; i++)
        if (wanted(sets, i, max_card) && roaring_bitmap_maximum(sets[i]) + 1 > inv->nids)
            inv->nids = roaring_bitmap_maximum(sets[i]) + 1;
    inv->off = tu_calloc((size_t)inv->nids + 1, sizeof *inv->off);
    uint32_t *cursor = tu_malloc(((size_t)inv->nids + 1) * sizeof *cursor);
    if (!inv->off || !cursor) goto fail;
    for (size_t i = 0; i < n; i++)
        if (wanted(sets, i, max_card)) roaring_iterate(sets[i], count_one, inv->off);
    for (uint32_t id = 0; id < inv->nids; id++) inv->off[id + 1] += inv->off[id];
    inv->total = inv->off[inv->nids];
    inv->rel = tu_malloc(inv->total ? inv->total * sizeof *inv->rel : 1);
    if (!inv->rel) goto fail;
    memcpy(cursor, inv->off, ((size_t)inv->nids + 1) * sizeof *cursor);
    for (size_t i = 0; i < n; i++) {
        int w = wanted(sets, i, max_card);
        if (indexed) indexed[i] = (uint8_t)w;
        fill f = {cursor, inv->rel, (uint16_t)i};
        if (w) roaring_iterate(sets[i], fill_one, &f);
    }
    tu_free(cursor);
    return inv;
fail:
    tu_free(cursor);
    tu__inv_free(inv);
    return NULL;
}

void tu__inv_free(tu__inv *inv) {
    if (!inv) return;
    tu_free(inv->off);
    tu_free(inv->rel);
    tu_free(inv);
}

size_t tu__inv_lookup(const tu__inv *inv, uint32_t ent, uint32_t *out, size_t cap) {
    if (ent >= inv->nids) return 0;
    uint32_t a = inv->off[ent], b = inv->off[ent + 1];
    for (uint32_t k = a; k < b && k - a < cap; k++) out[k - a] = inv->rel[k];
    return b - a;
}

size_t tu__inv_bytes(const tu__inv *inv) {
    return inv ? ((size_t)inv->nids + 1) * sizeof *inv->off + inv->total * sizeof *inv->rel : 0;
}
