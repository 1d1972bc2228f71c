/* prefs.h — an enterprise's notification preferences as one record (the API's view of the push_pref rows, which
 * exist only where something was set): outbound channels on or off, the e-mail address and digest period, a
 * weekly cap per outbound channel, and whether near-miss items are wanted. The in-app inbox is always on.
 *
 * Stored as rows per channel kind ("webhook", "email", and "near_miss" whose `enabled` is the switch); writing keeps
 * the worker's counters (sent this week, last digest) of existing rows. Workload: one enterprise at a time; the
 * rows are few (defaults need none), read by one scan.
 */
#ifndef TU_PUSH_PREFS_H
#define TU_PUSH_PREFS_H

#include <stdint.h>

#include "app/accounts.h"
#include "store/store.h"

typedef struct tu_push_prefs {
    int webhook;        /* 1 = webhook deliveries on (default) */
    int email;          /* 1 = e-mail digests on: needs address and digest (default off) */
    char address[256];  /* e-mail address, "" = none */
    char digest[16];    /* daily | weekly | off */
    int max_per_week;   /* per outbound channel, 0 = no cap */
    int near_miss;      /* 1 = near-miss items in the inbox (default) */
} tu_push_prefs;

/* The preferences of enterprise ent_id (defaults where nothing is set). */
int tu_push_prefs_get(tu_store *s, int64_t ent_id, tu_push_prefs *out, tu_err *err);
/* Checks and stores p for ent_id in one transaction with an audit row ("push.preferences", target = uscc).
 * TU_EVALIDATION when e-mail is on without an address or digest, the address is not one, the digest is unknown
 * or max_per_week is outside 0..1000. */
int tu_push_prefs_put(tu_store *s, const tu_actor *a, int64_t ent_id, const char *uscc, const tu_push_prefs *p,
                      tu_err *err);

#endif
