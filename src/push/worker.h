/* worker.h — the delivery worker (`techup push run`): sends every campaign to every outbound channel, exactly once.
 *
 * Per (campaign, channel) a cursor in the store holds the rank (position in the campaign's bitmap) of the next
 * recipient. A batch of recipients is POSTed with the idempotency key "c<campaign>.ch<channel>.r<rank>"; the cursor
 * moves past it in one transaction after the receiver's 2xx. A kill at any moment therefore loses nothing; the
 * batch in flight at the kill is sent again with the SAME key, which the receiver de-duplicates (the only
 * window is between the receiver's answer and the commit). A failed batch is retried with exponential backoff
 * (backoff_ms * 2^(attempt-1), at most one hour) and moved to the dead-letter list after max_attempts failures,
 * the cursor then moving on. Preferences: an enterprise that turned a channel kind off is skipped; one with a
 * weekly cap gets at most that many messages a week on that kind (counted in the same transaction as the cursor).
 * Each pass also records the due reminder campaigns (remind.h, 7 days ahead) and sends due e-mail digests
 * (email.h) through "email" channels.
 */
#ifndef TU_PUSH_WORKER_H
#define TU_PUSH_WORKER_H

#include <signal.h>

#include "push/inbox.h"
#include "store/store.h"

typedef struct tu_push_stats {
    long posts, failures, dead, delivered, skipped_pref, skipped_cap, digests;
} tu_push_stats;

typedef struct tu_push_run_opts {
    int once;                     /* stop when no work is left (sleeping through backoffs); else poll forever */
    long timeout_ms;              /* per request; 0 = 10 s */
    volatile sig_atomic_t *stop;  /* set asynchronously to stop after the current batch; may be NULL */
} tu_push_run_opts;

/* Every outbound channel of s, in id order: *out is tu_malloc'd (tu_free; NULL when there are none), *n of them. */
int tu_push_channels(tu_store *s, tu_channel **out, size_t *n, tu_err *err);

/* Runs deliveries over every channel and campaign of s (ib: the campaign cache, refreshed as it goes).
 * Returns TU_OK when stopped or, with once, when done; a store error otherwise. Delivery failures are not errors:
 * they are retried and dead-lettered. */
int tu_push_run(tu_store *s, tu_inbox *ib, const tu_push_run_opts *o, tu_push_stats *stats, tu_err *err);

#endif
