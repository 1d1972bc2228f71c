/* webhook.h — signed JSON POSTs through libcurl, standing in for SMS and messaging gateways.
 *
 * Each request carries three headers:
 *   X-Techup-Timestamp: <unix seconds>
 *   Idempotency-Key: <key>                 the same key for every retry of one batch: receivers de-duplicate on it
 *   X-Techup-Signature: sha256=<hex>       HMAC-SHA256(secret, timestamp "." key "." body)
 * A receiver checks the signature with tu_webhook_verify (constant-time) and refuses stale timestamps.
 */
#ifndef TU_PUSH_WEBHOOK_H
#define TU_PUSH_WEBHOOK_H

#include <stddef.h>
#include <stdint.h>

#include "core/error.h"

#define TU_WEBHOOK_SIG_BUFSZ 72 /* "sha256=" + 64 hex digits + NUL */

/* Writes "sha256=<hex>" for (timestamp, key, body) into sig (TU_WEBHOOK_SIG_BUFSZ bytes). */
void tu_webhook_sign(const char *secret, int64_t timestamp, const char *key, const char *body, size_t len, char *sig);
/* TU_OK when sig is the signature of (timestamp, key, body) and |now - timestamp| <= tolerance_s; TU_EAUTH
 * otherwise. */
int tu_webhook_verify(const char *secret, int64_t timestamp, const char *key, const char *body, size_t len,
                      const char *sig, int64_t now, int64_t tolerance_s);

typedef struct tu_webhook tu_webhook; /* a reusable connection (keep-alive) */

int tu_webhook_open(tu_webhook **out, tu_err *err);
void tu_webhook_close(tu_webhook *w); /* NULL is fine */
/* POSTs body to url, signed. Returns TU_OK on a 2xx answer; otherwise TU_EIO with err->msg giving the HTTP status
 * or the transport error. timeout_ms bounds the whole request. */
int tu_webhook_post(tu_webhook *w, const char *url, const char *secret, const char *key, const char *body,
                    size_t len, long timeout_ms, tu_err *err);

#endif
