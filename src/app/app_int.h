/* app_int.h — shared inside app/ only.
 *
 * tu__app_tx: run a use case inside one write transaction (BEGIN IMMEDIATE on SQLite), retrying
 * while the database is busy, rolling back on any error. Checks and writes inside fn see a stable database:
 * no other writer can move a balance between the check and the write. */
#ifndef TU_APP_APP_INT_H
#define TU_APP_APP_INT_H

#include "core/error.h"
#include <jansson.h>
#include <roaring/roaring.h>

#include "app/caller.h"
#include "core/enterprise.h"
#include "store/change.h"
#include "store/project.h"
#include "store/store.h"

/* Runs fn(s, ctx, err) in a transaction; commits when it returns TU_OK. Returns fn's or the store's code. */
int tu__app_tx(tu_store *s, int (*fn)(tu_store *s, void *ctx, tu_err *err), void *ctx, tu_err *err);

/* Records one write in the audit trail (audit.h) as the caller, inside the open transaction. */
int tu__audit(tu_store *s, const tu_caller *c, const char *action, const char *target, const json_t *before,
              const json_t *after, tu_err *err);

/* Appends a workflow event (also audited as "project.<action>") (who, when, from -> to, action, comment) for a project.
 */
int tu__project_event(tu_store *s, int64_t id, const char *from, const char *to, const char *action, const tu_caller *a,
                      int32_t day, const char *comment, tu_err *err);

/* Inside a transaction: moves every reservation the project holds (any year) to used ("use") or back to available
 * ("release"). The workflow calls it on start (use) and on reject (release). */
int tu__quota_close_project(tu_store *s, const tu_caller *a, const tu_project *p, const char *kind, int32_t today,
                            tu_err *err);

/* The body of a correction (enterprises.h, tu_app_ent_patch) inside the caller's open transaction: applies
 * `values` to enterprise uscc as `who` (validated, in reach), records a source (kind, name, as_of; 0 = today) for
 * the changed values and an audit row. *id and *after receive the enterprise; *changed how many values changed
 * (0: nothing was written). The caller commits and then calls tu__app_enterprises_changed. */
int tu__app_ent_write(tu_store *s, const tu_principal *who, const tu_actor *a, const char *uscc,
                      const json_t *values, const char *source_kind, const char *source_name, int32_t as_of,
                      int64_t *id, tu_ent *after, int *changed, tu_err *err);

/* Non-combinable groups (policy.c), the one rule of awards and grant lists: two policies cannot both benefit the
 * same project (awards) or enterprise (grants) when they share ANY group. a and b are JSON arrays of group names
 * (NULL = none); returns the first group of a that b also holds, or NULL. */
const char *tu__group_shared(const json_t *a, const json_t *b);

/* Records the ids (n of them, store ids) one write changed in the change feed (store/change.h), inside the
 * caller's open transaction, as written by this process (tu_app_origin). Returns TU_OK (n == 0 too), TU_EINVAL
 * for an id outside 1..2^32-1, TU_ENOMEM or the store's error. */
int tu__app_record_change(tu_store *s, const int64_t *ids, size_t n, tu_err *err);
/* The ids of a feed row as a new bitmap (roaring_bitmap_free), or NULL when the blob is not a valid one. */
roaring_bitmap_t *tu__app_change_ids(const tu_change *c);

#endif
