/* email.c — digests over SMTP (see email.h). Workload: a worker pass checks every e-mail preference (rows only for
 * enterprises that asked for digests) and sends at most one message each per period. */
#include "push/email.h"

#include <curl/curl.h>
#include <sodium.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "core/alloc.h"
#include "store/policy.h"

typedef struct upload {
    const char *p;
    size_t left;
} upload;

static size_t read_payload(char *buf, size_t size, size_t n, void *ctx) {
    upload *u = ctx;
    size_t k = size * n < u->left ? size * n : u->left;
    memcpy(buf, u->p, k);
    u->p += k, u->left -= k;
    return k;
}

int tu_push_smtp_send(const tu_channel *ch, const char *to, const char *msg, size_t len, tu_err *err) {
    CURL *c = curl_easy_init();
    if (!c) return tu_err_set(err, TU_ENOMEM, "curl_easy_init failed");
    struct curl_slist *rcpt = curl_slist_append(NULL, to);
    upload u = {msg, len};
    curl_easy_setopt(c, CURLOPT_URL, ch->url);
    curl_easy_setopt(c, CURLOPT_PROTOCOLS_STR, "smtp,smtps");
    curl_easy_setopt(c, CURLOPT_MAIL_FROM, ch->sender);
    curl_easy_setopt(c, CURLOPT_MAIL_RCPT, rcpt);
    curl_easy_setopt(c, CURLOPT_READFUNCTION, read_payload);
    curl_easy_setopt(c, CURLOPT_READDATA, &u);
    curl_easy_setopt(c, CURLOPT_UPLOAD, 1L);
    curl_easy_setopt(c, CURLOPT_TIMEOUT_MS, 10000L);
    curl_easy_setopt(c, CURLOPT_NOSIGNAL, 1L);
    if (ch->secret[0]) curl_easy_setopt(c, CURLOPT_USERPWD, ch->secret);
    CURLcode cc = rcpt ? curl_easy_perform(c) : CURLE_OUT_OF_MEMORY;
    curl_slist_free_all(rcpt);
    curl_easy_cleanup(c);
    return cc == CURLE_OK ? TU_OK : tu_err_set(err, TU_EIO, "%s: %s", ch->url, curl_easy_strerror(cc));
}

static void iso_now(char *buf, size_t n) {
    time_t t = time(NULL);
    struct tm tm;
    gmtime_r(&t, &tm);
    strftime(buf, n, "%Y-%m-%dT%H:%M:%SZ", &tm);
}

/* Whether a digest is due: never sent, or the period has passed since the last one. */
static int due(const tu_push_pref *p) {
    if (!p->last_digest[0]) return 1;
    struct tm tm = {0};
    if (!strptime(p->last_digest, "%Y-%m-%dT%H:%M:%SZ", &tm)) return 1;
    long period = strcmp(p->digest, "weekly") == 0 ? 7 * 86400L : 86400L;
    return time(NULL) - timegm(&tm) >= period;
}

typedef struct text {
    char *s;
    size_t len, cap;
    int oom;
} text;

static void add(text *t, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void add(text *t, const char *fmt, ...) {
    va_list ap;
    for (int pass = 0; pass < 2 && !t->oom; pass++) {
        va_start(ap, fmt);
        int k = vsnprintf(t->s ? t->s + t->len : NULL, t->s ? t->cap - t->len : 0, fmt, ap);
        va_end(ap);
        if (k < 0) t->oom = 1;
        else if (t->s && t->len + (size_t)k < t->cap) {
            t->len += (size_t)k;
            return;
        } else {
            size_t cap = (t->cap + (size_t)k + 1) * 2;
            char *ns = tu_realloc(t->s, cap);
            if (!ns) t->oom = 1;
            else t->s = ns, t->cap = cap;
        }
    }
}

/* The message for the entries of e[0..n) created after `since`; NULL when there are none (or out of memory). */
static char *compose(tu_store *s, const tu_channel *ch, const tu_push_pref *p, const tu_inbox_entry *e, size_t n,
                     size_t *len) {
    text t = {0};
    size_t fresh = 0;
    for (size_t i = 0; i < n; i++) fresh += strcmp(e[i].state, "unread") == 0 && strcmp(e[i].created_at, p->last_digest) > 0;
    if (!fresh) return NULL;
    char subject[160], b64[256], date[64];
    snprintf(subject, sizeof subject, "政策推送摘要 / Policy digest (%zu)", fresh);
    sodium_bin2base64(b64, sizeof b64, (const unsigned char *)subject, strlen(subject), sodium_base64_VARIANT_ORIGINAL);
    time_t now = time(NULL);
    struct tm tm;
    gmtime_r(&now, &tm);
    strftime(date, sizeof date, "%a, %d %b %Y %H:%M:%S +0000", &tm);
    add(&t, "From: %s\r\nTo: %s\r\nSubject: =?UTF-8?B?%s?=\r\nDate: %s\r\nMessage-ID: <digest.%lld.%s@techup>\r\n"
            "MIME-Version: 1.0\r\nContent-Type: text/plain; charset=UTF-8\r\nContent-Transfer-Encoding: 8bit\r\n\r\n"
            "您有 %zu 条新的政策推送。 You have %zu new policy notices.\r\n\r\n",
        ch->sender, p->address, b64, date, (long long)p->ent_id, p->last_digest[0] ? p->last_digest : "0", fresh, fresh);
    for (size_t i = 0; i < n; i++) {
        if (strcmp(e[i].state, "unread") != 0 || strcmp(e[i].created_at, p->last_digest) <= 0) continue;
        tu_policy_version v;
        int ok = tu_store_policy_version(s, e[i].policy_id, e[i].version, &v, NULL) == TU_OK;
        add(&t, "- [%s] %s / %s (policy %lld)%s%s\r\n", e[i].kind, ok ? v.title_zh : "?", ok ? v.title_en : "?",
            (long long)e[i].policy_id, e[i].detail[0] ? ": " : "", e[i].detail);
        if (ok) tu_store_policy_version_clear(&v);
    }
    if (t.oom) {
        tu_free(t.s);
        return NULL;
    }
    *len = t.len;
    return t.s;
}

static int send_one(tu_store *s, tu_inbox *ib, const tu_channel *ch, tu_push_pref *p, long *sent, tu_err *err) {
    tu_inbox_entry *e;
    size_t n, len = 0;
    int rc = tu_inbox_read(ib, s, p->ent_id, &e, &n, err);
    if (rc) return rc;
    char *msg = compose(s, ch, p, e, n, &len);
    tu_free(e);
    if (!msg) return TU_OK;
    tu_err serr = {0};
    int ok = tu_push_smtp_send(ch, p->address, msg, len, &serr) == TU_OK;
    tu_free(msg);
    if (!ok) return TU_OK; /* retried at the next pass: last_digest is unchanged */
    iso_now(p->last_digest, sizeof p->last_digest);
    rc = tu_store_begin(s, err);
    if (!rc) rc = tu_store_push_pref_set(s, p, err);
    if (!rc) rc = tu_store_commit(s, err);
    else tu_store_rollback(s);
    if (!rc) ++*sent;
    return rc;
}

int tu_push_email_digests(tu_store *s, tu_inbox *ib, const tu_channel *ch, tu_push_pref *prefs, size_t n,
                          long *sent, tu_err *err) {
    int rc = TU_OK;
    for (size_t i = 0; !rc && i < n; i++) {
        tu_push_pref *p = &prefs[i];
        if (strcmp(p->channel_kind, "email") != 0 || !p->enabled || !p->address[0] || !p->digest[0] || !due(p))
            continue;
        rc = send_one(s, ib, ch, p, sent, err);
    }
    return rc;
}
