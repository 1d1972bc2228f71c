/* tx.c — the write-transaction wrapper of app/ and the audit call of the project use cases (see app_int.h).
 * Busy retries back off up to ~10 s in total. */
#include "app/app_int.h"

#include <time.h>

#include "app/audit.h"

#define RETRIES 50

static void nap(int attempt) {
    struct timespec ts = {0, (long)(1 + attempt % 10) * 20 * 1000 * 1000};
    nanosleep(&ts, NULL);
}

int tu__app_tx(tu_store *s, int (*fn)(tu_store *s, void *ctx, tu_err *err), void *ctx, tu_err *err) {
    for (int attempt = 0;; attempt++) {
        int rc = tu_store_begin(s, err);
        if (!rc) {
            rc = fn(s, ctx, err);
            if (rc)
                tu_store_rollback(s);
            else
                rc = tu_store_commit(s, err);
        }
        if (rc != TU_EBUSY || attempt >= RETRIES) return rc;
        nap(attempt);
    }
}

int tu__audit(tu_store *s, const tu_caller *c, const char *action, const char *target, const json_t *before,
              const json_t *after, tu_err *err) {
    tu_actor a = tu_caller_audit(c);
    return tu_audit_record(s, &a, action, target, before, after, err);
}
