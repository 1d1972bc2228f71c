/* inverted.h — internal to push/: an inverted index enterprise -> campaigns over a block of cached campaigns, so
 * that an inbox read costs a few memory accesses instead of one bitmap probe per campaign.
 *
 * Built once over sets[0..n) (n <= 65535), read-only after: for each enterprise id, the ascending list of the
 * block-relative indices of the sets that contain it (2 bytes a membership, plus 4 bytes an id). Sets with more
 * than max_card members are left out (the caller probes those few directly) so memory stays bounded.
 */
#ifndef TU_PUSH_INVERTED_H
#define TU_PUSH_INVERTED_H

#include <roaring/roaring.h>
#include <stddef.h>
#include <stdint.h>

typedef struct tu__inv tu__inv;

#define TU__INV_MAX_SETS 65535

/* Builds the index; returns NULL when out of memory. indexed[i] (may be NULL) is set to 1 for sets included. */
tu__inv *tu__inv_build(roaring_bitmap_t *const *sets, size_t n, uint64_t max_card, uint8_t *indexed);
void tu__inv_free(tu__inv *inv); /* NULL is fine */
/* Writes up to cap relative indices of the indexed sets containing ent into out (ascending); returns how many
 * there are in all. */
size_t tu__inv_lookup(const tu__inv *inv, uint32_t ent, uint32_t *out, size_t cap);
size_t tu__inv_bytes(const tu__inv *inv);

#endif
