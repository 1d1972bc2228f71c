/* tx.c — the write-transaction wrapper of app/ (see app_int.h). Busy retries back off up to ~10 s in total. */
#include "app/app_int.h"

#include <time.h>

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
