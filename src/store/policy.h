/* policy.h — the store area of policies: one row per policy (code, lifecycle status) and its versions.
 *
 * A version carries the whole policy document as JSON text (docs/policies.md) plus copies of a few fields for
 * listing. Version numbers start at 1; a version is `published` once it has been in force. Workload: a few
 * thousand policies, read at start and by the API; writes are rare and run inside tu_store_begin/commit.
 * The strings of the structs below are copies owned by the struct; tu_store_policy_version_clear frees them.
 */
#ifndef TU_STORE_POLICY_H
#define TU_STORE_POLICY_H

#include <stdint.h>

#include "store/store.h"

#define TU_POLICY_CODE_MAX 64

typedef struct tu_policy_head {
    int64_t id;
    char code[TU_POLICY_CODE_MAX + 1];
    char status[16];
    char updated_at[24];
} tu_policy_head;

typedef struct tu_policy_version {
    int64_t policy_id;
    int version;
    char effective_from[11]; /* YYYY-MM-DD */
    int published;
    char category[32];
    char mode[16];
    char *department, *title_zh, *title_en, *doc; /* owned */
} tu_policy_version;

void tu_store_policy_version_clear(tu_policy_version *v); /* frees the strings; the struct may be reused */

/* Inserts a policy; *id receives its id. TU_ECONFLICT when the code exists. */
int tu_store_policy_insert(tu_store *s, const char *code, const char *status, int64_t *id, tu_err *err);
/* TU_ENOTFOUND when there is no such policy. */
int tu_store_policy_get(tu_store *s, int64_t id, tu_policy_head *out, tu_err *err);
int tu_store_policy_find(tu_store *s, const char *code, int64_t *id, tu_err *err);
int tu_store_policy_set_status(tu_store *s, int64_t id, const char *status, tu_err *err);
/* Inserts or replaces version v->version of v->policy_id. */
int tu_store_policy_put_version(tu_store *s, const tu_policy_version *v, tu_err *err);
/* Version `version` (0 = the highest). TU_ENOTFOUND when absent. Clear *out after use. */
int tu_store_policy_version(tu_store *s, int64_t id, int version, tu_policy_version *out, tu_err *err);
/* The published version in force on `date` (YYYY-MM-DD): greatest effective_from <= date, then greatest version.
 * TU_ENOTFOUND when none was in force yet. */
int tu_store_policy_version_at(tu_store *s, int64_t id, const char *date, tu_policy_version *out, tu_err *err);
/* Calls fn for each policy (by id) with its highest version; fn returning non-zero stops the scan. */
typedef int (*tu_policy_scan_fn)(void *ctx, const tu_policy_head *h, const tu_policy_version *latest);
int tu_store_policy_scan(tu_store *s, tu_policy_scan_fn fn, void *ctx, tu_err *err);

/* ---- the policy library (search) ----
 * Searches the displayed version of each policy (the highest published one, or the highest while none is published;
 * kept in the full-text table of migration 0005). Every filter is optional (NULL = any). */
typedef struct tu_policy_query {
    const char *match;      /* FTS5 query over title, summary, full text, document number, department */
    const char *like;       /* LIKE pattern (ESCAPE '\\') over the same text, for queries too short for trigrams */
    const char *department, *category;
    const char *city;       /* policies whose "cities" list it or the province (`province`), or have no list */
    const char *province;
    const char *open_on;    /* YYYY-MM-DD inside [apply_from, apply_to] */
    const char *deadline_before; /* apply_to < this date */
    const char *statuses;   /* ",published,revised," — statuses to include, each between commas */
    int sort_deadline;      /* 0: first publication, newest first; 1: apply_to ascending (none last) */
    int after;              /* keyset: continue after (after_key, after_id) in the sort order */
    const char *after_key;
    int64_t after_id;
    int limit;              /* rows to return at most */
} tu_policy_query;
/* The sort key of a row as the keyset cursor needs it: published_at, or apply_to ("9999-12-31" when none). */
typedef int (*tu_policy_hit_fn)(void *ctx, const tu_policy_head *h, const tu_policy_version *v,
                                const char *published_at, const char *sort_key);
/* Calls fn for each hit in sort order (at most q->limit). Returns TU_OK, TU_EINVAL for a malformed FTS query,
 * or the store's error. */
int tu_store_policy_search(tu_store *s, const tu_policy_query *q, tu_policy_hit_fn fn, void *ctx, tu_err *err);

#endif
