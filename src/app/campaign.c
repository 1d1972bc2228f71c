/* campaign.c — serialising a recipient set into one campaign row (see campaign.h). Workload: one call per
 * publication; the serialisation of 7M recipients takes a few milliseconds. */
#include "app/campaign.h"

#include <stdio.h>
#include <string.h>

#include "core/alloc.h"

int tu_app_campaign_record(tu_store *s, int64_t policy_id, int version, const char *kind,
                           const roaring_bitmap_t *set, int64_t *id, int *created, tu_err *err) {
    if (!tu_store_in_tx(s)) return tu_err_set(err, TU_ESTATE, "a campaign is recorded inside a transaction");
    roaring_bitmap_t *copy = roaring_bitmap_copy(set);
    if (!copy) return tu_err_set(err, TU_ENOMEM, "out of memory");
    roaring_bitmap_run_optimize(copy);
    size_t len = roaring_bitmap_portable_size_in_bytes(copy);
    char *blob = tu_malloc(len ? len : 1);
    if (!blob) {
        roaring_bitmap_free(copy);
        return tu_err_set(err, TU_ENOMEM, "out of memory");
    }
    roaring_bitmap_portable_serialize(copy, blob);
    tu_campaign c = {.policy_id = policy_id, .version = version, .count = (int64_t)roaring_bitmap_get_cardinality(copy)};
    roaring_bitmap_free(copy);
    snprintf(c.kind, sizeof c.kind, "%s", kind);
    snprintf(c.idem_key, sizeof c.idem_key, "%s:%lld:%d", kind, (long long)policy_id, version);
    int made = 0;
    int rc = tu_store_push_campaign_add(s, &c, blob, len, id, &made, err);
    tu_free(blob);
    if (created) *created = made;
    return rc;
}

roaring_bitmap_t *tu_app_campaign_decode(const void *blob, size_t len) {
    if (!blob || len == 0) return NULL;
    if (roaring_bitmap_portable_deserialize_size(blob, len) != len) return NULL;
    return roaring_bitmap_portable_deserialize_safe(blob, len);
}
