/* campaign.h — recording a push campaign: the recipients of a publication as ONE compressed CRoaring bitmap row.
 *
 * 7 million recipients are one row of a few MB at most (run-optimised portable serialization), written in the
 * caller's transaction so that a publish and its campaign commit together or not at all. Recording is idempotent
 * on the key: recording the same key twice returns the first campaign.
 */
#ifndef TU_APP_CAMPAIGN_H
#define TU_APP_CAMPAIGN_H

#include <roaring/roaring.h>
#include <stdint.h>

#include "store/push.h"
#include "store/store.h"

/* Records campaign `kind` of (policy_id, version) with the recipients in `set` under idempotency key
 * "<kind>:<policy_id>:<version>". Requires an open transaction. *id receives the campaign id (the existing one
 * when the key was recorded before; *created says which, may be NULL). */
int tu_app_campaign_record(tu_store *s, int64_t policy_id, int version, const char *kind,
                           const roaring_bitmap_t *set, int64_t *id, int *created, tu_err *err);

/* The recipients of a stored campaign blob; NULL when the blob is not a valid portable bitmap. Free with
 * roaring_bitmap_free. */
roaring_bitmap_t *tu_app_campaign_decode(const void *blob, size_t len);

/* roaring_bitmap_free of CRoaring 0.2 crashes on NULL: this one does not. */
static inline void tu_bitmap_free(const roaring_bitmap_t *r) {
    if (r) roaring_bitmap_free(r);
}

#endif
