/* change.h — continuous matching: when an enterprise's data changes, the match engine's change delta (policies it
 * newly qualifies for, no longer qualifies for, near misses) becomes inbox items for that enterprise.
 *
 * Items are idempotent per (enterprise, policy, version, kind, round): replaying a delta after a crash adds
 * nothing, while an enterprise that loses a policy and qualifies again later is told again (the round of a
 * "qualified" item is the number of "no_longer" items before it, and the reverse). An enterprise already told by
 * a campaign of that policy version gets no extra "qualified" item until it has lost the policy once.
 */
#ifndef TU_PUSH_CHANGE_H
#define TU_PUSH_CHANGE_H

#include <stddef.h>
#include <stdint.h>

#include "push/inbox.h"
#include "store/store.h"

typedef struct tu_near_miss {
    int64_t policy_id;
    const char *reason; /* "研发投入占比 3.1% < 4%" — from the rules explanation */
} tu_near_miss;

typedef struct tu_policy_delta {
    const int64_t *gained; /* policies the enterprise newly qualifies for */
    size_t ngained;
    const int64_t *lost;   /* policies it no longer qualifies for */
    size_t nlost;
    const tu_near_miss *near; /* optional near misses */
    size_t nnear;
} tu_policy_delta;

/* Creates the items of one enterprise's change in one transaction: "qualified" for each gained policy in force
 * (published or revised), "no_longer" for each lost one, "near_miss" for each near miss of a policy in force
 * (unless the enterprise turned near misses off in its preferences, push/prefs.h).
 * Policies not in force are skipped. ib may be NULL (no campaign de-duplication). *added (may be NULL) receives
 * the number of new items. */
int tu_push_on_enterprise_change(tu_store *s, tu_inbox *ib, int64_t ent_id, const tu_policy_delta *d, int *added,
                                 tu_err *err);

#endif
