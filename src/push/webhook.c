/* webhook.c — signing and posting (see webhook.h). Workload: one POST per batch of recipients, a connection reused
 * across a delivery run. */
#include "push/webhook.h"

#include <curl/curl.h>
#include <sodium.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "core/alloc.h"

struct tu_webhook {
    CURL *curl;
};

void tu_webhook_sign(const char *secret, int64_t timestamp, const char *key, const char *body, size_t len,
                     char *sig) {
    crypto_auth_hmacsha256_state h;
    unsigned char mac[crypto_auth_hmacsha256_BYTES];
    char ts[24];
    int tn = snprintf(ts, sizeof ts, "%lld", (long long)timestamp);
    crypto_auth_hmacsha256_init(&h, (const unsigned char *)secret, strlen(secret));
    crypto_auth_hmacsha256_update(&h, (const unsigned char *)ts, (unsigned long long)tn);
    crypto_auth_hmacsha256_update(&h, (const unsigned char *)".", 1);
    crypto_auth_hmacsha256_update(&h, (const unsigned char *)key, strlen(key));
    crypto_auth_hmacsha256_update(&h, (const unsigned char *)".", 1);
    crypto_auth_hmacsha256_update(&h, (const unsigned char *)body, len);
    crypto_auth_hmacsha256_final(&h, mac);
    memcpy(sig, "sha256=", 7);
    sodium_bin2hex(sig + 7, TU_WEBHOOK_SIG_BUFSZ - 7, mac, sizeof mac);
}

int tu_webhook_verify(const char *secret, int64_t timestamp, const char *key, const char *body, size_t len,
                      const char *sig, int64_t now, int64_t tolerance_s) {
    char want[TU_WEBHOOK_SIG_BUFSZ];
    if (!sig || strlen(sig) != TU_WEBHOOK_SIG_BUFSZ - 1) return TU_EAUTH;
    if (now - timestamp > tolerance_s || timestamp - now > tolerance_s) return TU_EAUTH;
    tu_webhook_sign(secret, timestamp, key, body, len, want);
    return sodium_memcmp(want, sig, sizeof want - 1) == 0 ? TU_OK : TU_EAUTH;
}

int tu_webhook_open(tu_webhook **out, tu_err *err) {
    *out = NULL;
    if (sodium_init() < 0) return tu_err_set(err, TU_EIO, "libsodium failed to initialise");
    tu_webhook *w = tu_calloc(1, sizeof *w);
    if (!w) return tu_err_set(err, TU_ENOMEM, "out of memory");
    w->curl = curl_easy_init();
    if (!w->curl) {
        tu_free(w);
        return tu_err_set(err, TU_ENOMEM, "curl_easy_init failed");
    }
    *out = w;
    return TU_OK;
}

void tu_webhook_close(tu_webhook *w) {
    if (!w) return;
    curl_easy_cleanup(w->curl);
    tu_free(w);
}

static size_t discard(char *p, size_t size, size_t n, void *ctx) {
    (void)p, (void)ctx;
    return size * n;
}

int tu_webhook_post(tu_webhook *w, const char *url, const char *secret, const char *key, const char *body,
                    size_t len, long timeout_ms, tu_err *err) {
    int64_t now = (int64_t)time(NULL);
    char sig[TU_WEBHOOK_SIG_BUFSZ], h_ts[64], h_key[160], h_sig[112];
    tu_webhook_sign(secret, now, key, body, len, sig);
    snprintf(h_ts, sizeof h_ts, "X-Techup-Timestamp: %lld", (long long)now);
    snprintf(h_key, sizeof h_key, "Idempotency-Key: %s", key);
    snprintf(h_sig, sizeof h_sig, "X-Techup-Signature: %s", sig);
    struct curl_slist *hs = NULL;
    const char *lines[] = {"Content-Type: application/json", h_ts, h_key, h_sig, "Expect:"};
    for (size_t i = 0; i < sizeof lines / sizeof lines[0]; i++) {
        struct curl_slist *n = curl_slist_append(hs, lines[i]);
        if (!n) {
            curl_slist_free_all(hs);
            return tu_err_set(err, TU_ENOMEM, "out of memory");
        }
        hs = n;
    }
    CURL *c = w->curl;
    curl_easy_reset(c);
    curl_easy_setopt(c, CURLOPT_URL, url);
    curl_easy_setopt(c, CURLOPT_HTTPHEADER, hs);
    curl_easy_setopt(c, CURLOPT_POSTFIELDS, body);
    curl_easy_setopt(c, CURLOPT_POSTFIELDSIZE_LARGE, (curl_off_t)len);
    curl_easy_setopt(c, CURLOPT_TIMEOUT_MS, timeout_ms);
    curl_easy_setopt(c, CURLOPT_NOSIGNAL, 1L);
    curl_easy_setopt(c, CURLOPT_WRITEFUNCTION, discard);
    curl_easy_setopt(c, CURLOPT_PROTOCOLS_STR, "http,https");
    CURLcode cc = curl_easy_perform(c);
    long status = 0;
    curl_easy_getinfo(c, CURLINFO_RESPONSE_CODE, &status);
    curl_slist_free_all(hs);
    if (cc != CURLE_OK) return tu_err_set(err, TU_EIO, "%s: %s", url, curl_easy_strerror(cc));
    if (status < 200 || status > 299) return tu_err_set(err, TU_EIO, "%s: HTTP %ld", url, status);
    return TU_OK;
}
