/* remind.h — reminders before an application window closes: for each policy in force whose version in force has
 * an apply_to date within the next `days` days, one "reminder" campaign to the enterprises it was pushed to
 * (publish and revision_gained recipients, minus revision_lost), at most once per policy version (idempotency key
 * reminder:<policy>:<version>). The delivery worker runs it each pass with 7 days; `techup push remind` on demand.
 */
#ifndef TU_PUSH_REMIND_H
#define TU_PUSH_REMIND_H

#include "push/inbox.h"
#include "store/store.h"

/* Records the due reminder campaigns as of today (days since epoch); *created (may be NULL) receives how many
 * were new. Each reminder is its own transaction. */
int tu_push_remind(tu_store *s, tu_inbox *ib, int32_t today, int days, int *created, tu_err *err);

#endif
