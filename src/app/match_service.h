/* match_service.h — the matching a server answers from memory: the enterprise index (built from the store at
 * start, kept current through the change hook of registry.h) and the active policies: those of the store that are
 * published or revised, each with its version in force today (reloaded by tu_match_svc_reload after a publish,
 * revision or withdrawal), or, when a file is given, a JSON file [{"id":N,"title":"...","rule":JsonLogic}, ...] —
 * the format of `techup policies-for --policies` (then reload does nothing).
 *
 * Id spaces: the index numbers enterprises 0..n-1 with index id = store id - 1 (match/load.c); eligible sets and
 * deltas given out here are in STORE ids, the id space of push campaigns and inbox items (push/inbox.h).
 *
 * Continuous matching: every record the change hook applies is matched against the active policies before and
 * after; a non-empty delta (newly eligible, no longer eligible, newly near miss) is queued, and the writer (which
 * may write to the store, unlike a hook subscriber) takes the queue with tu_match_svc_drain after its write.
 *
 * Thread safety: queries run concurrently (the index's read lock is held for the duration of one match);
 * updates from the change hook take the write lock per record. Workload: a rule count over 7M enterprises in
 * tens of ms; one enterprise's policies against 10,000 rules in microseconds (plus explanations, on demand).
 */
#ifndef TU_APP_MATCH_SERVICE_H
#define TU_APP_MATCH_SERVICE_H

#include <jansson.h>
#include <roaring/roaring.h>
#include <stddef.h>
#include <stdint.h>

#include "core/enterprise.h"
#include "store/store.h"

typedef struct tu_match_svc tu_match_svc;

/* Builds the index from every enterprise of s, loads policies_path (NULL = the active policies of s) and subscribes to the
 * enterprise change hook. Returns TU_OK with *out, or the store's, the file's (TU_EIO/TU_EPARSE with err->line)
 * or a rule's error (err names the policy id). */
int tu_match_svc_open(tu_store *s, const char *policies_path, tu_match_svc **out, tu_err *err);
/* Closes it; the caller must have stopped every writer first (the change hook's subscribers are cleared).
 * NULL is fine. */
void tu_match_svc_close(tu_match_svc *m);

typedef struct tu_match_svc_stats {
    size_t enterprises, policies;
    size_t column_bytes, bitmap_bytes;
    double build_ms;
    uint64_t updates, updates_skipped; /* records applied from the change hook; ones outside the index */
    uint64_t deltas_dropped;           /* policy deltas dropped because the queue was full */
} tu_match_svc_stats;
void tu_match_svc_stats_get(const tu_match_svc *m, tu_match_svc_stats *out);

/* Counts of the enterprises the rule `logic` finds eligible, near miss (one condition unmet), unknown (missing
 * data) and not eligible, each broken down by city, industry division and size: {"eligible":N,...,"breakdown":
 * {"eligible":{"city":{"440300":n,...},"division":{"C38":n,...},"size":{"large":n,...}},...}} (zero counts left
 * out). city != 0 restricts everything to that city. Returns TU_OK with *out (new reference), or the plan
 * compiler's error (TU_EPARSE / TU_EUNSUPPORTED / TU_EDEPTH), TU_ENOMEM. */
int tu_match_svc_count(tu_match_svc *m, const json_t *logic, uint32_t city, json_t **out, tu_err *err);

/* The policies of enterprise e as JSON text (written directly, no DOM: this is the portal's hottest read):
 * {"policies":N,"uscc":"...","counts":{...},"eligible":[P...],"near_miss":[P...],"unknown":[P...]} where
 * P = {"id","title","reason"} plus, when explain is set, "sentences":{"zh":[...],"en":[...]} and "explanation"
 * (rules/explain.h, with provenance, may be NULL). Returns TU_OK with *out (tu_free it) and *len, or TU_ENOMEM. */
/* Which lists tu_match_svc_policies fills (a bit per list; 0 = all three). */
enum { TU_POLS_ELIGIBLE = 1, TU_POLS_NEAR_MISS = 2, TU_POLS_UNKNOWN = 4, TU_POLS_ALL = 7 };
/* As described above, with only the lists of `lists` (TU_POLS_*, 0 = all) and "counts":{"eligible":N,
 * "near_miss":N,"unknown":N} always (a list of 10,000 policies' near misses is large: callers that only show the
 * eligible ones ask for those). Each list holds its items offset .. offset + limit - 1 (limit 0 = to the end), in
 * policy order. */
int tu_match_svc_policies(tu_match_svc *m, const tu_ent *e, unsigned lists, size_t offset, size_t limit,
                          int explain, const json_t *provenance, char **out, size_t *len, tu_err *err);

/* The record of the enterprise with this USCC as the index holds it (every attribute rules read; name empty):
 * what matching sees, without a store read. Returns TU_OK, or TU_ENOTFOUND when the index does not hold it (an
 * unknown USCC, or one added by another process that this one has not heard of yet). */
int tu_match_svc_record(tu_match_svc *m, const char *uscc, tu_ent *out);

/* Reloads the active policies from s (a no-op when they came from a file). Queries keep running meanwhile; the
 * old set is freed once no query uses it. Returns TU_OK, or the store's or a rule's error (nothing changes then). */
int tu_match_svc_reload(tu_match_svc *m, tu_store *s, tu_err *err);

/* The enterprises (store ids, see above) the rule `logic` finds eligible, as a new bitmap in *out
 * (roaring_bitmap_free). Returns TU_OK or the plan compiler's error, TU_ENOMEM. */
int tu_match_svc_eligible(tu_match_svc *m, const json_t *logic, roaring_bitmap_t **out, tu_err *err);

/* Publishes policy id's pending version (app/policy.h) with the eligible set computed here; for a revision the
 * previous version's eligible set is computed too, so the gained / lost campaigns are right. Then reloads the
 * active policies. *campaign_id (may be NULL) receives the publish / gained campaign, *recipients (may be NULL)
 * the number of eligible enterprises. Returns TU_OK, TU_EVALIDATION (a rule test fails), TU_ESTATE, TU_ENOTFOUND,
 * or the store's error. */
int tu_match_svc_publish(tu_match_svc *m, tu_store *s, int64_t id, int64_t *campaign_id, uint64_t *recipients,
                         tu_err *err);

/* The JsonLogic of a policy document: its "rule", or its "rule_text" parsed (new reference); NULL with err set. */
json_t *tu_match_policy_rule(const json_t *doc, tu_err *err);

#define TU_MATCH_REASON_MAX 256
/* One enterprise's policy delta (policy ids); near_reason[i] says what near[i] misses. */
typedef struct tu_match_delta {
    int64_t ent_id; /* store id */
    int64_t *gained, *lost, *near;
    size_t ngained, nlost, nnear;
    char (*near_reason)[TU_MATCH_REASON_MAX];
} tu_match_delta;
typedef void (*tu_match_delta_fn)(void *ctx, const tu_match_delta *d);
/* Takes the queued deltas, calls fn (may be NULL: discard) for each in order and frees them. Returns how many. */
size_t tu_match_svc_drain(tu_match_svc *m, tu_match_delta_fn fn, void *ctx);

/* ---- estimated total benefit (the impact preview) ---- */
typedef enum { TU_EST_NONE, TU_EST_FORMULA, TU_EST_CAP_BOUND } tu_est_basis;
typedef struct tu_benefit_estimate {
    tu_est_basis basis;  /* NONE: no estimate (no formula, or it needs project data and there is no cap) */
    int64_t total_fen;   /* FORMULA: the exact sum; CAP_BOUND: eligible x cap (an upper bound) */
    uint64_t eligible;   /* eligible enterprises (within the city) */
    uint64_t counted;    /* FORMULA: those whose formula was evaluated and summed */
    uint64_t missing;    /* FORMULA: eligible ones whose formula lacks an attribute (not in the sum) */
    char reason[256];    /* one English sentence saying how the amount was reached, or why there is none */
} tu_benefit_estimate;
/* The estimated total benefit of policy document doc ("rule"/"rule_text", "benefit", "cap_fen") over the
 * enterprises its rule finds eligible now (within city when city != 0). A formula over enterprise attributes only
 * is evaluated exactly for each (rules/benefit.h), capped at cap_fen per enterprise, and summed; a formula that
 * needs project.* fields (no project exists yet) gives eligible x cap_fen. Returns TU_OK with *out, TU_ELIMIT
 * when a sum exceeds int64 fen, the rule's or formula's error, TU_ENOMEM. Workload: one pass over the eligible set
 * (see docs/architecture.md for the time at 1M). */
int tu_match_svc_estimate(tu_match_svc *m, const json_t *doc, uint32_t city, tu_benefit_estimate *out, tu_err *err);

/* ---- following the change feed (store/change.h) ----
 * Writes by other processes (a `techup import`, another server node) reach this index through the feed. The
 * feed's last seq is read before the index is built (tu_match_svc_built_seq); rows after it are changes the index
 * has not seen, except those of this process (tu_app_origin), which the change hook applied already and which are
 * skipped. Rows at or before it are a catch-up: changes made while no follower ran, already in the index. */

/* The feed's last seq when the index was built. */
int64_t tu_match_svc_built_seq(const tu_match_svc *m);
/* Applies up to max_rows feed rows after *cursor: each changed enterprise's current record is read from s and
 * applied to the index, and fn (may be NULL) gets its policy delta (a catch-up record: every policy it qualifies
 * for, as gained; no lost or near-miss part); *cursor advances past each row handled. *applied (may be NULL)
 * receives the number of records. Call from one thread at a time; fn may write to the store. Returns TU_OK, or
 * the store's error (*cursor stays at the last row fully handled). */
int tu_match_svc_follow(tu_match_svc *m, tu_store *s, int64_t *cursor, int max_rows, tu_match_delta_fn fn,
                        void *ctx, size_t *applied, tu_err *err);

/* Explanation sentences of rules/explain.h as a JSON array of lines (new reference). */
json_t *tu_explain_lines(const json_t *explanation, const char *lang);
/* What rule `logic` asks as a JSON array of lines in lang (rules/explain.h tu_explain_rule_sentences); an empty
 * array when the rule does not compile. New reference. */
json_t *tu_rule_lines(const json_t *logic, const char *lang);

#endif
