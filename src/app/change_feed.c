/* change_feed.c — the app side of the enterprise change feed (store/change.h): this process's origin id, and the
 * ids of one write transaction as a portable Roaring bitmap (a 50,000-id import batch of consecutive new ids is a
 * few dozen bytes; scattered updates about 2 bytes an id). Workload: one call per import batch or API write. */
#include <pthread.h>
#include <sodium.h>

#include "app/app_int.h"
#include "app/registry.h"
#include "core/alloc.h"
#include "store/change.h"

static pthread_once_t origin_once = PTHREAD_ONCE_INIT;
static int64_t origin;

static void make_origin(void) {
    uint64_t r = 0;
    if (sodium_init() >= 0) randombytes_buf(&r, sizeof r);
    origin = (int64_t)(r >> 1) | 1; /* positive and never 0 */
}

int64_t tu_app_origin(void) {
    pthread_once(&origin_once, make_origin);
    return origin;
}

int tu__app_record_change(tu_store *s, const int64_t *ids, size_t n, tu_err *err) {
    if (n == 0) return TU_OK;
    roaring_bitmap_t *b = roaring_bitmap_create();
    if (!b) return tu_err_set(err, TU_ENOMEM, "out of memory");
    for (size_t i = 0; i < n; i++) {
        if (ids[i] <= 0 || ids[i] > UINT32_MAX) {
            roaring_bitmap_free(b);
            return tu_err_set(err, TU_EINVAL, "enterprise id %lld out of range", (long long)ids[i]);
        }
        roaring_bitmap_add(b, (uint32_t)ids[i]);
    }
    roaring_bitmap_run_optimize(b);
    size_t len = roaring_bitmap_portable_size_in_bytes(b);
    char *buf = tu_malloc(len);
    int rc = buf ? TU_OK : tu_err_set(err, TU_ENOMEM, "out of memory");
    if (!rc) roaring_bitmap_portable_serialize(b, buf);
    if (!rc) rc = tu_store_change_add(s, tu_app_origin(), buf, len, (int64_t)roaring_bitmap_get_cardinality(b), NULL, err);
    tu_free(buf);
    roaring_bitmap_free(b);
    return rc;
}

roaring_bitmap_t *tu__app_change_ids(const tu_change *c) {
    return roaring_bitmap_portable_deserialize_safe(c->ids, c->len);
}
