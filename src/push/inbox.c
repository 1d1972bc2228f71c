/* inbox.c — the campaign cache and inbox reads (see inbox.h). Workload: up to tens of thousands of campaigns of
 * up to millions of recipients each, loaded at start; inbox reads by the thousand per second.
 *
 * Probing every campaign's bitmap costs several cache misses per campaign (~3 ms for 10,000 on this machine), so
 * the cache also keeps inverted indexes (inverted.h) over blocks of campaigns: an inbox read is then a few
 * accesses per block, plus a direct probe of the campaigns left out of the blocks — the very wide ones
 * (> WIDE recipients, few) and those recorded since the last block was built (< TAIL). */
#include "push/inbox.h"

#include <pthread.h>
#include <stdlib.h>
#include <string.h>

#include "app/campaign.h"
#include "core/alloc.h"
#include "push/inverted.h"

#define WIDE 131072   /* campaigns with more recipients are probed directly */
#define TAIL 256      /* campaigns not yet in a block before a new block is built */
#define MAX_BLOCKS 8  /* more blocks than this: rebuild them all at once */
#define GATHER 1024   /* matches gathered on the stack before falling back to probing every campaign */

typedef struct cached {
    tu_campaign meta;
    roaring_bitmap_t *set;
    uint32_t min, max; /* a cheap range test before the bitmap probe */
    uint8_t indexed;   /* in a block's inverted index */
} cached;

typedef struct block {
    size_t first;      /* cache index of the block's first campaign */
    tu__inv *inv;
} block;

struct tu_inbox {
    pthread_rwlock_t lock;
    cached *c;
    size_t n, cap;
    int64_t last_id;
    int failed; /* a blob that did not decode */
    block *blocks;
    size_t nblocks, covered; /* campaigns [0, covered) belong to blocks */
    size_t *wide;            /* cache indices below covered that no block indexes */
    size_t nwide;
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
    e->indexed = 0;
    ib->last_id = c->id;
    return 0;
}

static void drop_blocks(tu_inbox *ib) {
    for (size_t b = 0; b < ib->nblocks; b++) tu__inv_free(ib->blocks[b].inv);
    tu_free(ib->blocks);
    tu_free(ib->wide);
    ib->blocks = NULL, ib->wide = NULL;
    ib->nblocks = ib->nwide = ib->covered = 0;
    for (size_t i = 0; i < ib->n; i++) ib->c[i].indexed = 0;
}

/* Builds blocks over the campaigns [covered, n). */
static int add_blocks(tu_inbox *ib) {
    size_t nb = (ib->n - ib->covered + TU__INV_MAX_SETS - 1) / TU__INV_MAX_SETS;
    block *bl = tu_realloc(ib->blocks, (ib->nblocks + nb) * sizeof *bl);
    size_t *wide = tu_realloc(ib->wide, ib->n * sizeof *wide);
    roaring_bitmap_t **sets = tu_malloc(TU__INV_MAX_SETS * sizeof *sets);
    uint8_t *flag = tu_malloc(TU__INV_MAX_SETS);
    if (bl) ib->blocks = bl;
    if (wide) ib->wide = wide;
    int rc = bl && wide && sets && flag ? TU_OK : TU_ENOMEM;
    while (!rc && ib->covered < ib->n) {
        size_t first = ib->covered, k = ib->n - first < TU__INV_MAX_SETS ? ib->n - first : TU__INV_MAX_SETS;
        for (size_t i = 0; i < k; i++) sets[i] = ib->c[first + i].set;
        tu__inv *inv = tu__inv_build(sets, k, WIDE, flag);
        if (!inv) rc = TU_ENOMEM;
        for (size_t i = 0; !rc && i < k; i++)
            if (!(ib->c[first + i].indexed = flag[i])) ib->wide[ib->nwide++] = first + i;
        if (!rc) ib->blocks[ib->nblocks++] = (block){first, inv}, ib->covered = first + k;
    }
    tu_free(sets);
    tu_free(flag);
    return rc;
}

/* Keeps the blocks up to date after new campaigns were cached. Caller holds the write lock. */
static int reindex(tu_inbox *ib) {
    if (ib->n - ib->covered < TAIL && ib->nblocks) return TU_OK;
    if (ib->nblocks >= MAX_BLOCKS) drop_blocks(ib);
    int rc = add_blocks(ib);
    if (rc) drop_blocks(ib); /* correct without blocks, only slower */
    return rc;
}

int tu_inbox_refresh(tu_inbox *ib, tu_store *s, tu_err *err) {
    pthread_rwlock_wrlock(&ib->lock);
    ib->failed = 0;
    size_t before = ib->n;
    int rc = tu_store_push_campaign_scan(s, ib->last_id, add_campaign, ib, err);
    if (!rc && ib->failed)
        rc = tu_err_set(err, ib->failed, "campaign after %lld: %s", (long long)ib->last_id,
                        ib->failed == TU_ENOMEM ? "out of memory" : "recipient bitmap does not decode");
    if (!rc && ib->n != before && reindex(ib)) rc = tu_err_set(err, TU_ENOMEM, "out of memory indexing campaigns");
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
    drop_blocks(ib);
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

typedef void (*emit_fn)(void *ctx, const cached *c);

static int probe(const cached *e, uint32_t ent) {
    return ent >= e->min && ent <= e->max && roaring_bitmap_contains(e->set, ent);
}

static void probe_all(const tu_inbox *ib, uint32_t ent, emit_fn emit, void *ctx) {
    for (size_t i = 0; i < ib->n; i++)
        if (probe(&ib->c[i], ent)) emit(ctx, &ib->c[i]);
}

static int cmp_size(const void *a, const void *b) {
    size_t x = *(const size_t *)a, y = *(const size_t *)b;
    return x < y ? -1 : x > y;
}

/* Calls emit for each campaign containing ent, in campaign order. Caller holds the lock. */
static void matches(const tu_inbox *ib, uint32_t ent, emit_fn emit, void *ctx) {
    size_t idx[GATHER], k = 0;
    uint32_t rel[GATHER];
    for (size_t b = 0; b < ib->nblocks; b++) {
        size_t m = tu__inv_lookup(ib->blocks[b].inv, ent, rel, GATHER);
        for (size_t j = 0; j < m && k < GATHER; j++) idx[k++] = ib->blocks[b].first + rel[j];
        if (m > GATHER) k = GATHER + 1;
    }
    for (size_t w = 0; w < ib->nwide && k <= GATHER; w++)
        if (probe(&ib->c[ib->wide[w]], ent) && k++ < GATHER) idx[k - 1] = ib->wide[w];
    for (size_t i = ib->covered; i < ib->n && k <= GATHER; i++)
        if (probe(&ib->c[i], ent) && k++ < GATHER) idx[k - 1] = i;
    if (k > GATHER) {
        probe_all(ib, ent, emit, ctx);
        return;
    }
    qsort(idx, k, sizeof idx[0], cmp_size);
    for (size_t j = 0; j < k; j++) emit(ctx, &ib->c[idx[j]]);
}

typedef struct id_sink {
    int64_t *ids;
    size_t max, found;
} id_sink;

static void emit_id(void *ctx, const cached *c) {
    id_sink *s = ctx;
    if (s->found < s->max) s->ids[s->found] = c->meta.id;
    s->found++;
}

size_t tu_inbox_campaigns_of(tu_inbox *ib, uint32_t ent, int64_t *ids, size_t max) {
    id_sink sink = {ids, max, 0};
    pthread_rwlock_rdlock(&ib->lock);
    matches(ib, ent, emit_id, &sink);
    pthread_rwlock_unlock(&ib->lock);
    return sink.found;
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

static void emit_entry(void *ctx, const cached *c) {
    tu_inbox_entry *e = push_entry(ctx);
    if (!e) return;
    e->source = 'c', e->ref_id = c->meta.id, e->policy_id = c->meta.policy_id, e->version = c->meta.version;
    memcpy(e->kind, c->meta.kind, sizeof e->kind);
    memcpy(e->created_at, c->meta.created_at, sizeof e->created_at);
}

static int add_campaigns(tu_inbox *ib, uint32_t ent, reader *r) {
    pthread_rwlock_rdlock(&ib->lock);
    matches(ib, ent, emit_entry, r);
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

roaring_bitmap_t *tu_inbox_policy_recipients(tu_inbox *ib, int64_t policy_id) {
    roaring_bitmap_t *set = roaring_bitmap_create();
    if (!set) return NULL;
    pthread_rwlock_rdlock(&ib->lock);
    for (size_t i = 0; i < ib->n; i++) {
        const cached *c = &ib->c[i];
        if (c->meta.policy_id != policy_id) continue;
        if (strcmp(c->meta.kind, "publish") == 0) {
            roaring_bitmap_clear(set);
            roaring_bitmap_or_inplace(set, c->set);
        } else if (strcmp(c->meta.kind, "revision_gained") == 0) {
            roaring_bitmap_or_inplace(set, c->set);
        } else if (strcmp(c->meta.kind, "revision_lost") == 0) {
            roaring_bitmap_andnot_inplace(set, c->set);
        }
    }
    pthread_rwlock_unlock(&ib->lock);
    return set;
}
