/* dispute.h — the store area of data disputes: a proposed correction of one value of an enterprise, open until an
 * official accepts or rejects it (see src/app/dispute.h for the use cases).
 *
 * Workload: a few rows per enterprise at most; officials page through the open ones of their city. Writes run
 * inside tu_store_begin/commit.
 */
#ifndef TU_STORE_DISPUTE_H
#define TU_STORE_DISPUTE_H

#include <stdint.h>

#include "store/store.h"

#define TU_DISPUTE_TEXT_MAX 512

typedef struct tu_dispute {
    int64_t id, ent_id;
    uint32_t city;                  /* the enterprise's city when opened */
    char attribute[64];
    char current_value[TU_DISPUTE_TEXT_MAX];
    char proposed_value[TU_DISPUTE_TEXT_MAX];
    char comment[TU_DISPUTE_TEXT_MAX];
    char status[16];                /* open | accepted | rejected */
    char created_by[80], resolved_by[80]; /* user names (TU_USERNAME_MAX = 64 bytes) */
    char resolution_comment[TU_DISPUTE_TEXT_MAX];
    char created_at[24], resolved_at[24]; /* resolved_at "" while open */
} tu_dispute;

/* Which disputes a scan visits (0 / NULL = any), in id order after after_id. */
typedef struct tu_dispute_filter {
    int64_t ent_id;
    uint32_t city;
    int resolved;       /* 0 any, 1 open only, 2 accepted or rejected */
    int64_t after_id;
} tu_dispute_filter;

/* Inserts d (id, status, resolution and timestamps ignored: it starts open); *id receives its id. */
int tu_store_dispute_add(tu_store *s, const tu_dispute *d, int64_t *id, tu_err *err);
/* TU_ENOTFOUND when no such dispute. */
int tu_store_dispute_get(tu_store *s, int64_t id, tu_dispute *out, tu_err *err);
/* open -> status ("accepted" | "rejected") with who and why; TU_ESTATE when the dispute is not open. */
int tu_store_dispute_resolve(tu_store *s, int64_t id, const char *status, const char *by, const char *comment,
                             tu_err *err);
/* Visits up to limit disputes matching f in id order; fn non-zero stops. */
typedef int (*tu_dispute_fn)(void *ctx, const tu_dispute *d);
int tu_store_dispute_scan(tu_store *s, const tu_dispute_filter *f, int limit, tu_dispute_fn fn, void *ctx,
                          tu_err *err);

#endif
