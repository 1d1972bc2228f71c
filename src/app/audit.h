/* audit.h — the append-only, hash-chained audit trail. Every write of the app layer calls tu_audit_record inside
 * its own transaction, so the row commits or rolls back with the change it describes.
 *
 * Row hash = BLAKE2b-256 over (previous row's hash, id, ts, actor id, actor, action, target, before hash, after
 * hash, request id), each field length-prefixed; before/after hashes are BLAKE2b-256 of the canonical JSON
 * (sorted keys, compact) of the state. Editing any field of a row, or deleting or inserting a row in the middle,
 * breaks the chain at that row; tu_audit_verify names the first bad row. (Cutting rows off the end is only
 * visible against an externally kept head hash: tu_audit_verify reports the head for that purpose.)
 */
#ifndef TU_APP_AUDIT_H
#define TU_APP_AUDIT_H

#include <jansson.h>
#include <stdint.h>

#include "app/accounts.h"
#include "store/accounts.h"

/* Appends one row. before/after may be NULL (creation, deletion). Requires an open transaction. */
int tu_audit_record(tu_store *s, const tu_actor *a, const char *action, const char *target, const json_t *before,
                    const json_t *after, tu_err *err);

typedef struct tu_audit_report {
    int64_t rows;       /* rows checked */
    int64_t bad_id;     /* first bad row, 0 when the chain holds */
    char reason[128];   /* why bad_id is bad */
    char head[65];      /* hash of the last row ("" when empty) */
} tu_audit_report;

/* Walks the whole chain. Returns TU_OK with rep->bad_id = 0 when intact, TU_ECORRUPT with bad_id and reason
 * when not, or a store error. */
int tu_audit_verify(tu_store *s, tu_audit_report *rep, tu_err *err);

/* Hex BLAKE2b-256 of the canonical form of j ("" for NULL). out: 65 bytes. */
void tu_audit_state_hash(const json_t *j, char out[65]);
/* The current UTC time as "YYYY-MM-DDTHH:MM:SSZ" (+ seconds offset); out: 32 bytes. */
void tu_utc_now(char out[32], long offset_s);

#endif
