/* uscc_set.h — internal to app/: the USCCs of a bulk load and their ids, 8 bytes a USCC (7M USCCs: 128 MiB).
 *
 * A slot holds a 32-bit fingerprint of the USCC and the id (< 2^32); the bucket comes from the fingerprint, so the
 * table can grow without the USCCs. Different USCCs can share a fingerprint: the caller confirms each candidate.
 */
#ifndef TU_APP_USCC_SET_H
#define TU_APP_USCC_SET_H

#include <stddef.h>
#include <stdint.h>

typedef struct tu__uscc_set {
    uint64_t *slots;
    size_t cap, n;
} tu__uscc_set;

/* Sized for about `expect` USCCs (it grows beyond). Returns 0, or -1 when out of memory. */
int tu__uscc_set_init(tu__uscc_set *s, size_t expect);
void tu__uscc_set_free(tu__uscc_set *s);

/* Confirms that id's USCC is the one looked up (1) or not (0). */
typedef int (*tu__uscc_same_fn)(void *ctx, int64_t id);

/* The id of uscc (18 chars) when present (a candidate confirmed by same()); otherwise adds uscc with new_id and
 * returns 0. Returns -1 when out of memory. */
int64_t tu__uscc_set_find_or_add(tu__uscc_set *s, const char *uscc, int64_t new_id, tu__uscc_same_fn same, void *ctx);

#endif
