/* subscription.h — subscriptions to the public policy library (keywords, category, issuing department, city) and
 * the alerts raised when a newly published policy matches one.
 *
 * A subscription's empty fields match anything; keywords (space-separated) must all occur in the policy's title,
 * summary or keyword list (zh or en, case-sensitive substrings); city (a GB/T 2260 code) matches when the policy lists
 * none (province-wide) or lists an area containing it or contained in it ("440000" contains "440300"). Alerts are idempotent per
 * (subscription, policy).
 */
#ifndef TU_APP_SUBSCRIPTION_H
#define TU_APP_SUBSCRIPTION_H

#include <jansson.h>
#include <stdint.h>

#include "app/accounts.h"
#include "store/push.h"

/* Whether policy document doc matches sub. */
int tu_app_sub_matches(const tu_subscription *sub, const json_t *doc);
/* Raises the alerts of a newly published policy document; called by tu_app_policy_publish inside its
 * transaction (so a publication and its alerts commit together). *raised receives the number of new alerts. */
int tu_app_alert_new_policy(tu_store *s, int64_t policy_id, const json_t *doc, int *raised, tu_err *err);

/* Adds sub (owner = the caller's user name, set here) after checking its fields (city: a 6-digit area code or
 * empty; every field within its size). One transaction with an audit row ("subscription.create"); sub->id is
 * filled. TU_EVALIDATION naming the field. */
int tu_app_sub_add(tu_store *s, const tu_actor *a, tu_subscription *sub, tu_err *err);
/* Deletes subscription id of the caller (a->name) with its alerts, audited ("subscription.delete").
 * TU_ENOTFOUND when the caller has no such subscription. */
int tu_app_sub_delete(tu_store *s, const tu_actor *a, int64_t id, tu_err *err);

#endif
