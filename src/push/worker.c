/* worker.c — the delivery worker (see worker.h). Workload: campaigns of up to millions of recipients, sent in
 * batches (channel.batch ids a POST); one small transaction per batch moves the cursor. */
#include "push/worker.h"

#include <jansson.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "app/campaign.h"
#include "core/alloc.h"
#include "core/num.h"
#include "push/email.h"
#include "push/remind.h"
#include "push/webhook.h"
#include "store/policy.h"

enum { K_WEBHOOK, K_EMAIL, K_COUNT };
static const char *const kinds[K_COUNT] = {"webhook", "email"};
#define MAX_BACKOFF_MS 3600000LL
#define REMIND_DAYS 7 /* reminders go out this many days before an application window closes */

typedef struct prefs {
    tu_push_pref *p; /* sorted by (ent_id, channel_kind), as scanned */
    size_t n, cap;
    roaring_bitmap_t *off[K_COUNT], *capped[K_COUNT];
} prefs;

typedef struct run {
    tu_store *s;
    tu_inbox *ib;
    const tu_push_run_opts *o;
    tu_push_stats *st;
    tu_err *err;
    tu_webhook *wh;
    prefs pf;
    char week[TU_DATE_BUFSZ];
    int64_t wait_until; /* earliest retry time among waiting cursors; 0 = none */
    uint32_t *ids;
    size_t ids_cap;
} run;

static int64_t now_ms(void) {
    struct timespec ts;
    clock_gettime(CLOCK_REALTIME, &ts);
    return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

static void sleep_ms(int64_t ms) {
    struct timespec ts = {(time_t)(ms / 1000), (long)(ms % 1000) * 1000000L};
    nanosleep(&ts, NULL);
}

static int kind_index(const char *kind) {
    for (int k = 0; k < K_COUNT; k++)
        if (strcmp(kind, kinds[k]) == 0) return k;
    return -1;
}

/* ---- preferences ---- */

static int add_pref(void *ctx, const tu_push_pref *p) {
    prefs *pf = ctx;
    int k = kind_index(p->channel_kind);
    if (k < 0 || p->ent_id < 0 || p->ent_id > UINT32_MAX) return 0;
    if (pf->n == pf->cap) {
        size_t cap = pf->cap ? pf->cap * 2 : 64;
        tu_push_pref *np = tu_realloc(pf->p, cap * sizeof *np);
        if (!np) return 1;
        pf->p = np, pf->cap = cap;
    }
    pf->p[pf->n++] = *p;
    if (!p->enabled) roaring_bitmap_add(pf->off[k], (uint32_t)p->ent_id);
    if (p->max_per_week > 0) roaring_bitmap_add(pf->capped[k], (uint32_t)p->ent_id);
    return 0;
}

static void prefs_free(prefs *pf) {
    for (int k = 0; k < K_COUNT; k++) tu_bitmap_free(pf->off[k]), tu_bitmap_free(pf->capped[k]);
    tu_free(pf->p);
}

static int prefs_load(tu_store *s, prefs *pf, tu_err *err) {
    memset(pf, 0, sizeof *pf);
    for (int k = 0; k < K_COUNT; k++)
        if (!(pf->off[k] = roaring_bitmap_create()) || !(pf->capped[k] = roaring_bitmap_create()))
            return tu_err_set(err, TU_ENOMEM, "out of memory");
    return tu_store_push_pref_scan(s, add_pref, pf, err);
}

static tu_push_pref *pref_find(prefs *pf, uint32_t ent, int k) {
    size_t lo = 0, hi = pf->n;
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        int c = pf->p[mid].ent_id != ent ? (pf->p[mid].ent_id < ent ? -1 : 1) : strcmp(pf->p[mid].channel_kind, kinds[k]);
        if (c < 0) lo = mid + 1;
        else if (c > 0) hi = mid;
        else return &pf->p[mid];
    }
    return NULL;
}

/* The Monday of the current week (the frequency-cap window). */
static void this_week(char *buf) {
    int32_t today = tu_date_today();
    int32_t dow = (int32_t)(((today % 7) + 7 + 3) % 7); /* 1970-01-01 was a Thursday: Monday = 0 */
    tu_date_format(today - dow, buf);
}

static int sent_this_week(const run *r, const tu_push_pref *p) {
    return strcmp(p->sent_week, r->week) == 0 ? p->sent_count : 0;
}

/* Drops recipients who turned kind k off or reached their weekly cap; compacts ids, returns the count kept. */
static size_t filter(run *r, int k, uint32_t *ids, size_t n) {
    size_t keep = 0;
    for (size_t i = 0; i < n; i++) {
        if (roaring_bitmap_contains(r->pf.off[k], ids[i])) {
            r->st->skipped_pref++;
            continue;
        }
        if (roaring_bitmap_contains(r->pf.capped[k], ids[i])) {
            tu_push_pref *p = pref_find(&r->pf, ids[i], k);
            if (p && sent_this_week(r, p) >= p->max_per_week) {
                r->st->skipped_cap++;
                continue;
            }
        }
        ids[keep++] = ids[i];
    }
    return keep;
}

/* Counts one message for each capped recipient of a delivered batch (inside the batch's transaction). */
static int count_sent(run *r, int k, const uint32_t *ids, size_t n) {
    for (size_t i = 0; i < n; i++) {
        if (!roaring_bitmap_contains(r->pf.capped[k], ids[i])) continue;
        tu_push_pref *p = pref_find(&r->pf, ids[i], k);
        if (!p) continue;
        p->sent_count = sent_this_week(r, p) + 1;
        memcpy(p->sent_week, r->week, sizeof p->sent_week);
        int rc = tu_store_push_pref_set(r->s, p, r->err);
        if (rc) return rc;
    }
    return TU_OK;
}

/* ---- one batch ---- */

typedef struct target {
    const tu_channel *ch;
    tu_campaign c;
    const roaring_bitmap_t *set;
    int64_t total;
    char *title_zh, *title_en;
} target;

static char *batch_body(const target *t, const char *key, const uint32_t *ids, size_t n) {
    json_t *rec = json_array();
    for (size_t i = 0; rec && i < n; i++) json_array_append_new(rec, json_integer(ids[i]));
    json_t *body = json_pack("{s:I,s:I,s:i,s:s,s:{s:s,s:s},s:o,s:s}", "campaign", (json_int_t)t->c.id, "policy",
                             (json_int_t)t->c.policy_id, "version", t->c.version, "kind", t->c.kind, "title", "zh",
                             t->title_zh ? t->title_zh : "", "en", t->title_en ? t->title_en : "", "recipients", rec,
                             "idempotency_key", key);
    char *txt = body ? json_dumps(body, JSON_COMPACT) : NULL;
    json_decref(body);
    return txt;
}

/* Moves the cursor past a batch or records a failure, in one transaction. */
static int commit_batch(run *r, const target *t, tu_cursor *cur, size_t n, const uint32_t *sent, size_t nsent,
                        int ok, const char *key, const char *why) {
    int rc = tu_store_begin(r->s, r->err);
    if (rc) return rc;
    int advance = ok;
    if (!ok && ++cur->attempts >= t->ch->max_attempts) {
        tu_dead_letter d = {.campaign_id = t->c.id, .channel_id = t->ch->id, .first_rank = cur->next_rank,
                            .rank_count = (int64_t)n, .attempts = cur->attempts};
        snprintf(d.idem_key, sizeof d.idem_key, "%s", key);
        snprintf(d.last_error, sizeof d.last_error, "%.255s", why);
        rc = tu_store_push_dead_add(r->s, &d, r->err);
        advance = 1;
        r->st->dead++;
    } else if (!ok) {
        int64_t back = t->ch->backoff_ms << (cur->attempts - 1 < 30 ? cur->attempts - 1 : 30);
        cur->next_at_ms = now_ms() + (back < MAX_BACKOFF_MS ? back : MAX_BACKOFF_MS);
    }
    if (!rc && ok) rc = count_sent(r, kind_index(t->ch->kind), sent, nsent);
    if (advance) {
        cur->next_rank += (int64_t)n;
        cur->attempts = 0, cur->next_at_ms = 0;
        cur->done = cur->next_rank >= t->total;
    }
    if (!rc) rc = tu_store_push_cursor_put(r->s, cur, r->err);
    if (!rc) return tu_store_commit(r->s, r->err);
    tu_store_rollback(r->s);
    return rc;
}

static int send_batch(run *r, const target *t, tu_cursor *cur) {
    size_t n = (size_t)(t->total - cur->next_rank);
    if (n > (size_t)t->ch->batch) n = (size_t)t->ch->batch;
    roaring_bitmap_range_uint32_array(t->set, (size_t)cur->next_rank, n, r->ids);
    size_t keep = filter(r, kind_index(t->ch->kind), r->ids, n);
    char key[96];
    snprintf(key, sizeof key, "c%lld.ch%lld.r%lld", (long long)t->c.id, (long long)t->ch->id, (long long)cur->next_rank);
    tu_err perr = {0};
    int ok = 1;
    if (keep) {
        char *body = batch_body(t, key, r->ids, keep);
        if (!body) return tu_err_set(r->err, TU_ENOMEM, "out of memory");
        r->st->posts++;
        ok = tu_webhook_post(r->wh, t->ch->url, t->ch->secret, key, body, strlen(body),
                             r->o->timeout_ms ? r->o->timeout_ms : 10000, &perr) == TU_OK;
        free(body);
        if (ok) r->st->delivered += (long)keep;
        else r->st->failures++;
    }
    return commit_batch(r, t, cur, n, r->ids, keep, ok, key, perr.msg);
}

/* Sends batches from cur until done, stopped or waiting for a retry. */
static int deliver_from(run *r, target *t, tu_cursor *c) {
    tu_cursor cur = *c;
    int rc = TU_OK;
    while (!rc && !cur.done) {
        if (r->o->stop && *r->o->stop) return TU_OK;
        if (cur.next_at_ms > now_ms()) {
            if (!r->wait_until || cur.next_at_ms < r->wait_until) r->wait_until = cur.next_at_ms;
            return TU_OK;
        }
        if (t->total == 0) {
            cur.done = 1;
            return tu_store_push_cursor_put(r->s, &cur, r->err);
        }
        rc = send_batch(r, t, &cur);
    }
    return rc;
}

/* Sends what is due of one (campaign, channel). */
static int deliver(run *r, target *t) {
    tu_cursor cur;
    int rc = tu_store_push_cursor_get(r->s, t->c.id, t->ch->id, &cur, r->err);
    if (rc == TU_ENOTFOUND) rc = TU_OK;
    if (rc || cur.done) return rc;
    tu_policy_version v = {0}; /* the titles, read only for campaigns with work left */
    if (tu_store_policy_version(r->s, t->c.policy_id, t->c.version, &v, NULL) == TU_OK)
        t->title_zh = v.title_zh, t->title_en = v.title_en;
    rc = deliver_from(r, t, &cur);
    tu_store_policy_version_clear(&v);
    return rc;
}

static int deliver_channel(run *r, const tu_channel *ch) {
    if (kind_index(ch->kind) != K_WEBHOOK || ch->batch <= 0) return TU_OK;
    if ((size_t)ch->batch > r->ids_cap) {
        uint32_t *ni = tu_realloc(r->ids, (size_t)ch->batch * sizeof *ni);
        if (!ni) return tu_err_set(r->err, TU_ENOMEM, "out of memory");
        r->ids = ni, r->ids_cap = (size_t)ch->batch;
    }
    int rc = TU_OK;
    size_t count = tu_inbox_campaign_count(r->ib);
    for (size_t i = 0; !rc && i < count; i++) {
        target t = {.ch = ch};
        t.set = tu_inbox_campaign_at(r->ib, i, &t.c);
        if (!t.set || t.c.id <= ch->since_campaign) continue;
        t.total = (int64_t)roaring_bitmap_get_cardinality(t.set);
        rc = deliver(r, &t);
    }
    return rc;
}

typedef struct chans {
    tu_channel *c;
    size_t n, cap;
    int oom;
} chans;

static int add_chan(void *ctx, const tu_channel *ch) {
    chans *cs = ctx;
    if (cs->n == cs->cap) {
        size_t cap = cs->cap ? cs->cap * 2 : 8;
        tu_channel *nc = tu_realloc(cs->c, cap * sizeof *nc);
        if (!nc) return cs->oom = 1;
        cs->c = nc, cs->cap = cap;
    }
    cs->c[cs->n++] = *ch;
    return 0;
}

int tu_push_channels(tu_store *s, tu_channel **out, size_t *n, tu_err *err) {
    chans cs = {0};
    int rc = tu_store_push_channel_scan(s, add_chan, &cs, err);
    if (!rc && cs.oom) rc = tu_err_set(err, TU_ENOMEM, "out of memory");
    if (rc) {
        tu_free(cs.c);
        cs.c = NULL, cs.n = 0;
    }
    *out = cs.c, *n = cs.n;
    return rc;
}

static int one_pass(run *r) {
    chans cs = {0};
    prefs_free(&r->pf); /* preferences may have changed since the last pass */
    int rc = prefs_load(r->s, &r->pf, r->err);
    if (!rc) rc = tu_push_remind(r->s, r->ib, tu_date_today(), REMIND_DAYS, NULL, r->err);
    if (!rc) rc = tu_inbox_refresh(r->ib, r->s, r->err);
    if (!rc) rc = tu_push_channels(r->s, &cs.c, &cs.n, r->err);
    this_week(r->week);
    r->wait_until = 0;
    for (size_t i = 0; !rc && i < cs.n; i++)
        rc = kind_index(cs.c[i].kind) == K_EMAIL
                 ? tu_push_email_digests(r->s, r->ib, &cs.c[i], r->pf.p, r->pf.n, &r->st->digests, r->err)
                 : deliver_channel(r, &cs.c[i]);
    tu_free(cs.c);
    return rc;
}

int tu_push_run(tu_store *s, tu_inbox *ib, const tu_push_run_opts *o, tu_push_stats *stats, tu_err *err) {
    tu_push_stats local = {0};
    run r = {.s = s, .ib = ib, .o = o, .st = stats ? stats : &local, .err = err};
    int rc = tu_webhook_open(&r.wh, err);
    while (!rc && !(o->stop && *o->stop)) {
        rc = one_pass(&r);
        if (rc || (o->once && !r.wait_until)) break;
        int64_t wait = r.wait_until ? r.wait_until - now_ms() : 1000;
        sleep_ms(wait < 1 ? 1 : wait > 1000 ? 1000 : wait);
    }
    prefs_free(&r.pf);
    tu_free(r.ids);
    tu_webhook_close(r.wh);
    return rc;
}
