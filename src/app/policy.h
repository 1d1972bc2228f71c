/* policy.h — policy use cases: add and edit from the one-file JSON format (docs/policies.md), the lifecycle
 * (draft -> preview -> published -> revised -> withdrawn | expired, one transition table), versions by effective
 * date and "as of" selection, and publishing with its push campaign in the same transaction.
 *
 * Rule tests run through a hook (tu_app_policy_set_test_runner): publish and revise are refused while the runner
 * reports a failing fixture or a static-check error. The default runner is the rules module's
 * (tu_ruletest_run); the hook lets tests substitute their own.
 */
#ifndef TU_APP_POLICY_H
#define TU_APP_POLICY_H

#include <jansson.h>
#include <roaring/roaring.h>
#include <stdint.h>

#include "store/policy.h"
#include "store/store.h"

#define TU_POLICY_STATUS_MAP(XX) \
    XX(DRAFT, "draft")           \
    XX(PREVIEW, "preview")       \
    XX(PUBLISHED, "published")   \
    XX(REVISED, "revised")       \
    XX(WITHDRAWN, "withdrawn")   \
    XX(EXPIRED, "expired")

typedef enum {
#define TU__PS_ENUM(id, name) TU_PS_##id,
    TU_POLICY_STATUS_MAP(TU__PS_ENUM)
#undef TU__PS_ENUM
    TU_PS_COUNT
} tu_policy_status;

typedef enum { TU_PEV_EDIT, TU_PEV_PREVIEW, TU_PEV_PUBLISH, TU_PEV_REVISE, TU_PEV_WITHDRAW, TU_PEV_EXPIRE,
               TU_PEV_COUNT } tu_policy_event;

const char *tu_policy_status_name(int status);   /* "draft"; "?" when out of range */
int tu_policy_status_parse(const char *name);    /* -1 when unknown */
const char *tu_policy_event_name(int ev);
/* The transition table: the status after `ev` in `from`, or -1 when the event is not allowed there. */
int tu_policy_next_status(int from, int ev);

/* Checks a policy document (docs/policies.md). TU_OK, or TU_EVALIDATION with err->field = the offending field. */
int tu_policy_doc_check(const json_t *doc, tu_err *err);

/* The rule-test runner: runs the fixtures of doc["tests"] against doc's rules; sets *failed to the number of
 * failing fixtures and writes a one-line-per-failure report (may be truncated). Returns TU_OK or an error. */
typedef int (*tu_policy_test_runner)(const json_t *doc, int *failed, char *report, size_t n, tu_err *err);
/* NULL restores the default (rules/ruletest.h). Not thread-safe: call at start-up. */
void tu_app_policy_set_test_runner(tu_policy_test_runner fn);
/* Runs the installed runner on doc: TU_OK when every fixture passes, TU_EVALIDATION with the report otherwise. */
int tu_app_policy_run_tests(const json_t *doc, tu_err *err);

/* Adds a policy as a draft (version 1) from a checked document; *id receives its id. Own transaction. */
int tu_app_policy_add(tu_store *s, const json_t *doc, int64_t *id, tu_err *err);
/* Edits: in draft/preview the draft version is replaced (preview returns to draft); in published/revised the
 * document becomes the pending revision (next version, not in force until published). The code may not change.
 * Own transaction. */
int tu_app_policy_edit(tu_store *s, int64_t id, const json_t *doc, tu_err *err);
/* draft -> preview. Own transaction. */
int tu_app_policy_preview(tu_store *s, int64_t id, tu_err *err);
/* Publishes: preview -> published (version 1) or, with a pending revision, published|revised -> revised.
 * Refused (TU_EVALIDATION) while a rule test fails. `eligible` is the set of enterprise ids that qualify under
 * the version being published (from match/); it is recorded as one campaign in the same transaction ("publish",
 * or for a revision "revision_gained" = newly eligible and "revision_lost" = no longer eligible against the
 * previous campaign), and raises the alerts of matching subscriptions (app/subscription.h), all in the same
 * transaction. *campaign_id (may be NULL) receives the publish/gained campaign. Own transaction. */
int tu_app_policy_publish(tu_store *s, int64_t id, const roaring_bitmap_t *eligible, int64_t *campaign_id,
                          tu_err *err);
/* The same for a revision when the caller knows the eligible set under the version in force before it
 * (`previous`, NULL = unknown: everyone eligible counts as newly eligible). */
int tu_app_policy_publish_revision(tu_store *s, int64_t id, const roaring_bitmap_t *eligible,
                                   const roaring_bitmap_t *previous, int64_t *campaign_id, tu_err *err);
/* -> withdrawn / -> expired. Own transaction. */
int tu_app_policy_withdraw(tu_store *s, int64_t id, tu_err *err);
int tu_app_policy_expire(tu_store *s, int64_t id, tu_err *err);
/* The version in force on `date` (YYYY-MM-DD), with its document parsed into *doc (new reference, may be NULL
 * when not wanted). TU_ENOTFOUND when none was in force. Clear *v with tu_store_policy_version_clear. */
int tu_app_policy_as_of(tu_store *s, int64_t id, const char *date, tu_policy_version *v, json_t **doc, tu_err *err);
/* The one-file JSON of version `version` (0 = latest) with "status" and "version" added; new reference. */
json_t *tu_app_policy_export(tu_store *s, int64_t id, int version, tu_err *err);
/* Finds a policy by numeric id or code ("12" or "gd-2023-equipment"). */
int tu_app_policy_lookup(tu_store *s, const char *id_or_code, int64_t *id, tu_err *err);

#endif
