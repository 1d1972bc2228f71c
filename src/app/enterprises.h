/* enterprises.h — enterprise use cases of the API: search within the caller's reach, one enterprise with the
 * source and as-of date of every value, and corrections of values through the API (validated, audited, one
 * transaction, then the change hook of registry.h).
 *
 * Reach: an enterprise user reaches only its own enterprise, a city official the enterprises of its city, other
 * roles every enterprise (the route table decides which roles may call at all). Workload: point reads and pages
 * of up to 500 rows per API request.
 */
#ifndef TU_APP_ENTERPRISES_H
#define TU_APP_ENTERPRISES_H

#include <jansson.h>
#include <stdint.h>

#include "app/accounts.h"
#include "core/enterprise.h"
#include "store/registry.h"

typedef struct tu_ent_row {
    int64_t id;
    tu_ent e;
} tu_ent_row;

/* 1 when `who` may see enterprise e (its own / its city / province-wide roles), else 0. */
int tu_app_ent_in_reach(const tu_principal *who, const tu_ent *e);

/* Searches q narrowed to who's reach; fills up to max rows, *more = 1 when a further row exists. rows must hold
 * max + 1 entries. Returns TU_OK or a store error. */
int tu_app_ent_search(tu_store *s, const tu_principal *who, const tu_ent_query *q, tu_ent_row *rows, int max,
                      int *n, int *more, tu_err *err);

/* The short JSON of a list item: uscc, name, city, industry, size, revenue, employees, tags. New reference. */
json_t *tu_app_ent_summary(const tu_ent *e);

/* Where each value of enterprise id came from: {"revenue":{"source":NAME,"kind":"import","as_of":"YYYY-MM-DD"},
 * ...} for every CSV attribute the record holds (the provenance explanations take). *out is a new reference. */
int tu_app_ent_provenance(tu_store *s, int64_t id, const tu_ent *e, json_t **out, tu_err *err);

/* The full JSON of one enterprise: {"uscc","name","values":{attr:{"value","text","source","kind","as_of"}}}
 * (derived attributes carry "derived":true instead of a source). New reference through *out. */
int tu_app_ent_detail(tu_store *s, int64_t id, const tu_ent *e, json_t **out, tu_err *err);

/* Changes values of enterprise `uscc`: `values` maps CSV attribute names to their new text (a string, a number,
 * or null to clear); uscc cannot change and only a province-wide role may change city. as_of (days, 0 = today)
 * dates the new "api" source the changed values get (other values keep theirs). Validated with tu_ent_set_cell
 * and tu_ent_finish; nothing changes on error (TU_EVALIDATION naming the attribute, TU_ENOTFOUND, TU_EFORBIDDEN).
 * One transaction with an audit row (before/after hashes); subscribers of the change hook run after commit.
 * *out (may be NULL) receives the new record, *changed the number of values that changed. */
int tu_app_ent_patch(tu_store *s, const tu_principal *who, const tu_actor *a, const char *uscc,
                     const json_t *values, int32_t as_of, tu_ent *out, int *changed, tu_err *err);

#endif
