/* audit.c — recording and verifying the hash chain of audit_log. Writes are rare next to reads (one row per
 * change); verification walks every row once. */
#include "app/audit.h"

#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

void tu_utc_now(char out[32], long offset_s) {
    time_t t = time(NULL) + offset_s;
    struct tm tm;
    gmtime_r(&t, &tm);
    strftime(out, 32, "%Y-%m-%dT%H:%M:%SZ", &tm);
}

static void to_hex(const unsigned char *h, char out[65]) { sodium_bin2hex(out, 65, h, 32); }

void tu_audit_state_hash(const json_t *j, char out[65]) {
    out[0] = '\0';
    if (!j) return;
    char *text = json_dumps(j, JSON_COMPACT | JSON_SORT_KEYS | JSON_ENCODE_ANY);
    if (!text) return;
    unsigned char h[32];
    crypto_generichash(h, sizeof h, (const unsigned char *)text, strlen(text), NULL, 0);
    free(text);
    to_hex(h, out);
}

static void put_field(crypto_generichash_state *st, const char *s) {
    uint64_t n = strlen(s);
    unsigned char len[8];
    for (int i = 0; i < 8; i++) len[i] = (unsigned char)(n >> (8 * i));
    crypto_generichash_update(st, len, sizeof len);
    crypto_generichash_update(st, (const unsigned char *)s, n);
}

static void row_hash(const tu_audit_rec *a, char out[65]) {
    char id[24], actor_id[24];
    snprintf(id, sizeof id, "%lld", (long long)a->id);
    snprintf(actor_id, sizeof actor_id, "%lld", (long long)a->actor_id);
    const char *fields[] = {a->prev_hash, id, a->ts, actor_id, a->actor, a->action, a->target, a->before_hash,
                            a->after_hash, a->request_id};
    crypto_generichash_state st;
    crypto_generichash_init(&st, NULL, 0, 32);
    for (size_t i = 0; i < sizeof fields / sizeof fields[0]; i++) put_field(&st, fields[i]);
    unsigned char h[32];
    crypto_generichash_final(&st, h, sizeof h);
    to_hex(h, out);
}

int tu_audit_record(tu_store *s, const tu_actor *a, const char *action, const char *target, const json_t *before,
                    const json_t *after, tu_err *err) {
    if (!tu_store_in_tx(s)) return tu_err_set(err, TU_ESTATE, "audit rows are written inside the change's transaction");
    tu_audit_rec last, row;
    memset(&row, 0, sizeof row);
    int rc = tu_store_audit_last(s, &last, err);
    if (rc == TU_ENOTFOUND) last.id = 0, last.hash[0] = '\0';
    else if (rc) return rc;
    row.id = last.id + 1;
    memcpy(row.prev_hash, last.hash, sizeof row.prev_hash);
    tu_utc_now(row.ts, 0);
    row.actor_id = a->user_id;
    snprintf(row.actor, sizeof row.actor, "%s", a->name ? a->name : "");
    snprintf(row.action, sizeof row.action, "%s", action);
    snprintf(row.target, sizeof row.target, "%s", target);
    snprintf(row.request_id, sizeof row.request_id, "%s", a->request_id ? a->request_id : "");
    tu_audit_state_hash(before, row.before_hash);
    tu_audit_state_hash(after, row.after_hash);
    row_hash(&row, row.hash);
    return tu_store_audit_append(s, &row, err);
}

static int check_row(void *ctx, const tu_audit_rec *a) {
    tu_audit_report *rep = ctx;
    char want[65];
    const char *why = NULL;
    if (a->id != rep->rows + 1) why = "row missing before this one (ids must run 1, 2, 3, ...)";
    else if (strcmp(a->prev_hash, rep->head) != 0) why = "prev_hash does not match the previous row's hash";
    else if (row_hash(a, want), strcmp(want, a->hash) != 0) why = "hash does not match the row's contents";
    if (why) {
        rep->bad_id = a->id;
        snprintf(rep->reason, sizeof rep->reason, "%s", why);
        return TU_ECORRUPT;
    }
    rep->rows++;
    memcpy(rep->head, a->hash, sizeof rep->head);
    return TU_OK;
}

int tu_audit_verify(tu_store *s, tu_audit_report *rep, tu_err *err) {
    memset(rep, 0, sizeof *rep);
    int rc = tu_store_audit_scan(s, check_row, rep, err);
    if (rc == TU_ECORRUPT)
        return tu_err_set(err, TU_ECORRUPT, "audit row %lld is bad: %s", (long long)rep->bad_id, rep->reason);
    return rc;
}
