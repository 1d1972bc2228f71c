/* inbox.c — the campaign cache and inbox reads (see inbox.h). Workload: up to tens of thousands of campaigns of
 * up to millions of recipients each, loaded at start; inbox reads by the thousand per second. */
#include "push/inbox.h"

#include <pthread.h>
#include <string.h>

#include "app/campaign.h"
#include "core/alloc.h"

typedef struct cached {
    tu_campaign meta;
    roaring_bitmap_t *set;
    uint32_t min, max; /* a cheap range test before the bitmap probe */
} cached;

struct tu_inbox {
    pthread_rwlock_t lock;
    cached *c;
    size_t n, cap;
    int64_t last_id;
    int failed; /* a blob that did not decode */
};

static int add_campaign(void *ctx, const tu_campaign *c, const void *blob, size_t len) {
    tu_inbox *ib = ctx;
    if (ib->n == ib->cap) {
        size_t cap = ib->cap ? ib->cap * 2 : 64;
        cached *nc = tu_realloc(ib->c, cap * sizeof *nc);
        if (!nc) return ib->failed = TU_ENOMEM;
        ib->c = nc, ib->cap = cap;
    }
    roaring_bitmap_t *set = tu_app_campaign_decode(blob, len);
    if (!set) return ib->failed = TU_ECORRUPT;
    cached *e = &ib->c[ib->n++];
    e->meta = *c;
    e->set = set;
    e->min = roaring_bitmap_minimum(set);
    e->max = roaring_bitmap_maximum(set);
    ib->last_id = c->id;
    return 0;
}

int tu_inbox_refresh(tu_inbox *ib, tu_store *s, tu_err *err) {
    pthread_rwlock_wrlock(&ib->lock);
    ib->failed = 0;
    int rc = tu_store_push_campaign_scan(s, ib->last_id, add_campaign, ib, err);
    if (!rc && ib->failed)
        rc = tu_err_set(err, ib->failed, "campaign after %lld: %s", (long long)ib->last_id,
                        ib->failed == TU_ENOMEM ? "out of memory" : "recipient bitmap does not decode");
    pthread_rwlock_unlock(&ib->lock);
    return rc;
}

int tu_inbox_open(tu_store *s, tu_inbox **out, tu_err *err) {
    *out = NULL;
    tu_inbox *ib = tu_calloc(1, sizeof *ib);
    if (!ib) return tu_err_set(err, TU_ENOMEM, "out of memory");
    pthread_rwlock_init(&ib->lock, NULL);
    int rc = tu_inbox_refresh(ib, s, err);
    if (rc) tu_inbox_close(ib);
    else *out = ib;
    return rc;
}

void tu_inbox_close(tu_inbox *ib) {
    if (!ib) return;
    for (size_t i = 0; i < ib->n; i++) roaring_bitmap_free(ib->c[i].set);
    tu_free(ib->c);
    pthread_rwlock_destroy(&ib->lock);
    tu_free(ib);
}

size_t tu_inbox_campaign_count(tu_inbox *ib) {
    pthread_rwlock_rdlock(&ib->lock);
    size_t n = ib->n;
    pthread_rwlock_unlock(&ib->lock);
    return n;
}

const roaring_bitmap_t *tu_inbox_campaign_at(tu_inbox *ib, size_t i, tu_campaign *meta) {
    pthread_rwlock_rdlock(&ib->lock);
    const roaring_bitmap_t *set = NULL;
    if (i < ib->n) {
        *meta = ib->c[i].meta;
        set = ib->c[i].set;
    }
    pthread_rwlock_unlock(&ib->lock);
    return set;
}

int64_t tu_inbox_last_id(tu_inbox *ib) {
    pthread_rwlock_rdlock(&ib->lock);
    int64_t id = ib->last_id;
    pthread_rwlock_unlock(&ib->lock);
    return id;
}

size_t tu_inbox_campaigns_of(tu_inbox *ib, uint32_t ent, int64_t *ids, size_t max) {
    size_t found = 0;
    pthread_rwlock_rdlock(&ib->lock);
    for (size_t i = 0; i < ib->n; i++) {
        const cached *e = &ib->c[i];
        if (ent < e->min || ent > e->max || !roaring_bitmap_contains(e->set, ent)) continue;
        if (found < max) ids[found] = e->meta.id;
        found++;
    }
    pthread_rwlock_unlock(&ib->lock);
    return found;
}

/* Campaign ids are increasing in the cache: binary search. Caller holds the lock. */
static const cached *find(const tu_inbox *ib, int64_t id) {
    size_t lo = 0, hi = ib->n;
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        if (ib->c[mid].meta.id < id) lo = mid + 1;
        else hi = mid;
    }
    return lo < ib->n && ib->c[lo].meta.id == id ? &ib->c[lo] : NULL;
}

int tu_inbox_campaign(tu_inbox *ib, int64_t campaign_id, tu_campaign *out) {
    pthread_rwlock_rdlock(&ib->lock);
    const cached *e = find(ib, campaign_id);
    if (e) *out = e->meta;
    pthread_rwlock_unlock(&ib->lock);
    return e ? TU_OK : TU_ENOTFOUND;
}

int tu_inbox_has(tu_inbox *ib, int64_t campaign_id, uint32_t ent) {
    pthread_rwlock_rdlock(&ib->lock);
    const cached *e = find(ib, campaign_id);
    int has = e && roaring_bitmap_contains(e->set, ent);
    pthread_rwlock_unlock(&ib->lock);
    return has;
}

/* ---- full reads ---- */

typedef struct reader {
    tu_inbox_entry *e;
    size_t n, cap;
    int oom;
} reader;

static tu_inbox_entry *push_entry(reader *r) {
    if (r->n == r->cap) {
        size_t cap = r->cap ? r->cap * 2 : 16;
        tu_inbox_entry *ne = tu_realloc(r->e, cap * sizeof *ne);
        if (!ne) return r->oom = 1, NULL;
        r->e = ne, r->cap = cap;
    }
    tu_inbox_entry *e = &r->e[r->n++];
    memset(e, 0, sizeof *e);
    strcpy(e->state, "unread");
    return e;
}

static int add_item(void *ctx, const tu_push_item *it) {
    tu_inbox_entry *e = push_entry(ctx);
    if (!e) return 1;
    e->source = 'i', e->ref_id = it->id, e->policy_id = it->policy_id;
    memcpy(e->kind, it->kind, sizeof e->kind);
    memcpy(e->created_at, it->created_at, sizeof e->created_at);
    memcpy(e->detail, it->detail, sizeof e->detail);
    return 0;
}

static int apply_state(void *ctx, char source, int64_t ref_id, const char *state) {
    reader *r = ctx;
    for (size_t i = 0; i < r->n; i++)
        if (r->e[i].source == source && r->e[i].ref_id == ref_id)
            snprintf(r->e[i].state, sizeof r->e[i].state, "%s", state);
    return 0;
}

static int add_campaigns(tu_inbox *ib, uint32_t ent, reader *r) {
    pthread_rwlock_rdlock(&ib->lock);
    for (size_t i = 0; i < ib->n; i++) {
        const cached *c = &ib->c[i];
        if (ent < c->min || ent > c->max || !roaring_bitmap_contains(c->set, ent)) continue;
        tu_inbox_entry *e = push_entry(r);
        if (!e) break;
        e->source = 'c', e->ref_id = c->meta.id, e->policy_id = c->meta.policy_id, e->version = c->meta.version;
        memcpy(e->kind, c->meta.kind, sizeof e->kind);
        memcpy(e->created_at, c->meta.created_at, sizeof e->created_at);
    }
    pthread_rwlock_unlock(&ib->lock);
    return r->oom ? TU_ENOMEM : TU_OK;
}

int tu_inbox_read(tu_inbox *ib, tu_store *s, int64_t ent, tu_inbox_entry **out, size_t *n, tu_err *err) {
    *out = NULL, *n = 0;
    if (ent < 0 || ent > UINT32_MAX) return tu_err_set(err, TU_EINVAL, "enterprise id %lld out of range", (long long)ent);
    reader r = {0};
    int rc = tu_inbox_refresh(ib, s, err);
    if (!rc) rc = add_campaigns(ib, (uint32_t)ent, &r);
    if (!rc) rc = tu_store_push_item_scan(s, ent, add_item, &r, err);
    if (!rc && r.oom) rc = TU_ENOMEM;
    if (!rc) rc = tu_store_push_state_scan(s, ent, apply_state, &r, err);
    if (rc) {
        tu_free(r.e);
        return rc == TU_ENOMEM ? tu_err_set(err, rc, "out of memory") : rc;
    }
    *out = r.e, *n = r.n;
    return TU_OK;
}

static const char *const states[] = {"unread", "read", "dismissed", "not_relevant"};

int tu_inbox_set_state(tu_inbox *ib, tu_store *s, int64_t ent, char source, int64_t ref_id, const char *state,
                       tu_err *err) {
    size_t k;
    for (k = 0; k < sizeof states / sizeof states[0] && strcmp(state, states[k]) != 0; k++) {}
    if (k == sizeof states / sizeof states[0])
        return tu_err_set(err, TU_EINVAL, "state '%s': use unread, read, dismissed or not_relevant", state);
    tu_inbox_entry *all;
    size_t n;
    int rc = tu_inbox_read(ib, s, ent, &all, &n, err);
    if (rc) return rc;
    size_t i;
    for (i = 0; i < n && !(all[i].source == source && all[i].ref_id == ref_id); i++) {}
    tu_free(all);
    if (i == n) return tu_err_set(err, TU_ENOTFOUND, "enterprise %lld has no inbox entry %c%lld", (long long)ent, source, (long long)ref_id);
    rc = tu_store_begin(s, err);
    if (!rc) rc = tu_store_push_state_set(s, ent, source, ref_id, state, err);
    if (!rc) return tu_store_commit(s, err);
    tu_store_rollback(s);
    return rc;
}
