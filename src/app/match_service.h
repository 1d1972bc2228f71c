/* match_service.h — the matching a server answers from memory: the enterprise index (built from the store at
 * start, kept current through the change hook of registry.h) and the active policies (for now loaded from a JSON
 * file [{"id":N,"title":"...","rule":JsonLogic}, ...] — the format of `techup policies-for --policies` — since
 * policies are not in the store yet).
 *
 * Thread safety: queries run concurrently (the index's read lock is held for the duration of one match);
 * updates from the change hook take the write lock per record. Workload: a rule count over 7M enterprises in
 * tens of ms; one enterprise's policies against 10,000 rules in microseconds (plus explanations, on demand).
 */
#ifndef TU_APP_MATCH_SERVICE_H
#define TU_APP_MATCH_SERVICE_H

#include <jansson.h>
#include <stddef.h>
#include <stdint.h>

#include "core/enterprise.h"
#include "store/store.h"

typedef struct tu_match_svc tu_match_svc;

/* Builds the index from every enterprise of s, loads policies_path (NULL = no policies) and subscribes to the
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
} tu_match_svc_stats;
void tu_match_svc_stats_get(const tu_match_svc *m, tu_match_svc_stats *out);

/* Counts of the enterprises the rule `logic` finds eligible, near miss (one condition unmet), unknown (missing
 * data) and not eligible, each broken down by city, industry division and size: {"eligible":N,...,"breakdown":
 * {"eligible":{"city":{"440300":n,...},"division":{"C38":n,...},"size":{"large":n,...}},...}} (zero counts left
 * out). city != 0 restricts everything to that city. Returns TU_OK with *out (new reference), or the plan
 * compiler's error (TU_EPARSE / TU_EUNSUPPORTED / TU_EDEPTH), TU_ENOMEM. */
int tu_match_svc_count(tu_match_svc *m, const json_t *logic, uint32_t city, json_t **out, tu_err *err);

/* The policies of enterprise e: {"eligible":[P...],"near_miss":[P...],"unknown":[P...]} where P = {"id","title",
 * "reason"} plus, when explain is set, "explanation" (rules/explain.h, with provenance, may be NULL) and
 * "sentences":{"zh":[...],"en":[...]}. Returns TU_OK with *out, or TU_ENOMEM. */
int tu_match_svc_policies(tu_match_svc *m, const tu_ent *e, int explain, const json_t *provenance, json_t **out,
                          tu_err *err);

/* Explanation sentences of rules/explain.h as a JSON array of lines (new reference). */
json_t *tu_explain_lines(const json_t *explanation, const char *lang);

#endif
