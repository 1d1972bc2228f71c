/* follow.c — the server's change-feed follower: a thread that, every second, applies the enterprise changes other
 * processes wrote (a `techup import`, another node; store/change.h) to this node's match index and turns their
 * policy deltas into inbox items, then records how far it got under the node's name, so a restart neither misses
 * nor repeats a change. Items are idempotent per (enterprise, policy, version, kind) (push/change.h), so another
 * node delivering the same delta adds nothing. Workload: idle most ticks (one indexed read); an import of 50,000-row
 * batches is applied a few batches per tick.
 */
#include <pthread.h>
#include <stdatomic.h>
#include <time.h>

#include "app/match_service.h"
#include "core/alloc.h"
#include "core/log.h"
#include "http/http_int.h"
#include "push/change.h"
#include "store/change.h"

#define ROWS_PER_STEP 4 /* feed rows per read: up to 200,000 enterprises between cursor records */

struct tu_follower {
    tu_server *srv;
    char name[128];
    char db_url[1024];
    int interval_ms;
    pthread_t thread;
    pthread_mutex_t lock;
    pthread_cond_t wake;
    int stop;
    int64_t cursor;
    time_t last_prune; /* 0: not yet */
    int keep_s;        /* grace before applied rows are pruned (TECHUP_FEED_KEEP_S) */
    _Atomic uint64_t applied, items;
};

int tu__deliver_delta(tu_store *st, tu_inbox *ib, const tu_match_delta *d) {
    tu_near_miss *near = tu_calloc(d->nnear + 1, sizeof *near);
    if (!near) return 0;
    for (size_t i = 0; i < d->nnear; i++) near[i] = (tu_near_miss){d->near[i], d->near_reason[i]};
    tu_policy_delta pd = {d->gained, d->ngained, d->lost, d->nlost, near, d->nnear};
    tu_err e = {0};
    int added = 0;
    if (tu_push_on_enterprise_change(st, ib, d->ent_id, &pd, &added, &e))
        tu_log(TU_LOG_WARN, "push.change", "inbox items of enterprise %lld not recorded: %s", (long long)d->ent_id,
               e.msg);
    tu_free(near);
    return added;
}

typedef struct deliver_ctx {
    tu_follower *f;
    tu_store *st;
} deliver_ctx;

static void deliver(void *ctx, const tu_match_delta *d) {
    deliver_ctx *c = ctx;
    tu_err e = {0};
    tu_inbox *ib = tu__server_inbox(c->f->srv, c->st, &e); /* campaigns that told the enterprise already */
    atomic_fetch_add(&c->f->items, (uint64_t)tu__deliver_delta(c->st, ib, d));
}

static int save_cursor(tu_follower *f, tu_store *st, tu_err *err) {
    int rc = tu_store_begin(st, err);
    if (!rc) rc = tu_store_change_cursor_set(st, f->name, f->cursor, err);
    if (!rc) rc = tu_store_commit(st, err);
    else tu_store_rollback(st);
    return rc;
}

/* Applies the feed until it is drained or the follower is told to stop. */
static int catch_up(tu_follower *f, tu_store *st, tu_err *err) {
    deliver_ctx c = {f, st};
    for (;;) {
        int64_t before = f->cursor;
        size_t n = 0;
        int rc = tu_match_svc_follow(tu__server_match(f->srv), st, &f->cursor, ROWS_PER_STEP, deliver, &c, &n, err);
        atomic_fetch_add(&f->applied, n);
        if (f->cursor != before) {
            int rc2 = save_cursor(f, st, err);
            if (!rc) rc = rc2;
            tu_log(TU_LOG_INFO, "match.follow", "applied the change feed up to %lld (%zu records)",
                   (long long)f->cursor, n);
        }
        pthread_mutex_lock(&f->lock);
        int stop = f->stop;
        pthread_mutex_unlock(&f->lock);
        if (rc || stop || f->cursor == before) return rc;
    }
}

/* Every keep_s seconds (at most hourly; every round when 0): the feed rows every node has applied go, keep_s
 * after they were written (the grace for a node that has built its index but not yet recorded a cursor). */
static void prune(tu_follower *f, tu_store *st) {
    time_t now = time(NULL);
    if (f->last_prune && now - f->last_prune < (f->keep_s < 3600 ? f->keep_s : 3600)) return;
    f->last_prune = now;
    tu_err e = {0};
    int64_t n = 0;
    if (tu_store_change_prune(st, f->keep_s, &n, &e)) tu_log(TU_LOG_WARN, "match.follow", "change feed not pruned: %s", e.msg);
    else if (n) tu_log(TU_LOG_INFO, "match.follow", "pruned %lld change-feed rows every node has applied", (long long)n);
}

/* Where this node starts: its recorded cursor, or (a new node) the feed's seq when the index was built. */
static int start_cursor(tu_follower *f, tu_store *st, tu_err *err) {
    int rc = tu_store_change_cursor_get(st, f->name, &f->cursor, err);
    if (rc == TU_ENOTFOUND) f->cursor = tu_match_svc_built_seq(tu__server_match(f->srv)), rc = TU_OK;
    return rc;
}

static void *run(void *arg) {
    tu_follower *f = arg;
    tu_store *st = NULL;
    tu_err err = {0};
    int rc = tu_store_open(f->db_url, 0, &st, &err);
    if (!rc) rc = start_cursor(f, st, &err);
    if (rc) tu_log(TU_LOG_ERROR, "match.follow", "cannot follow the change feed: %s", err.msg);
    pthread_mutex_lock(&f->lock);
    while (!rc && !f->stop) {
        pthread_mutex_unlock(&f->lock);
        tu_err e = {0};
        if (catch_up(f, st, &e)) tu_log(TU_LOG_WARN, "match.follow", "change feed: %s (retrying)", e.msg);
        prune(f, st);
        struct timespec until;
        clock_gettime(CLOCK_REALTIME, &until);
        until.tv_nsec += (long)(f->interval_ms % 1000) * 1000000L, until.tv_sec += f->interval_ms / 1000;
        if (until.tv_nsec >= 1000000000L) until.tv_sec++, until.tv_nsec -= 1000000000L;
        pthread_mutex_lock(&f->lock);
        if (!f->stop) pthread_cond_timedwait(&f->wake, &f->lock, &until);
    }
    pthread_mutex_unlock(&f->lock);
    tu_store_close(st);
    return NULL;
}

tu_follower *tu__follow_start(tu_server *s, const char *db_url, const char *name, int interval_ms, int keep_s) {
    tu_follower *f = tu_xcalloc(1, sizeof *f);
    f->srv = s, f->interval_ms = interval_ms > 0 ? interval_ms : 1000, f->keep_s = keep_s > 0 ? keep_s : 0;
    snprintf(f->name, sizeof f->name, "%s", name);
    snprintf(f->db_url, sizeof f->db_url, "%s", db_url);
    pthread_mutex_init(&f->lock, NULL);
    pthread_cond_init(&f->wake, NULL);
    if (pthread_create(&f->thread, NULL, run, f) != 0) {
        pthread_mutex_destroy(&f->lock), pthread_cond_destroy(&f->wake), tu_free(f);
        return NULL;
    }
    return f;
}

void tu__follow_stop(tu_follower *f) {
    if (!f) return;
    pthread_mutex_lock(&f->lock);
    f->stop = 1;
    pthread_cond_signal(&f->wake);
    pthread_mutex_unlock(&f->lock);
    pthread_join(f->thread, NULL);
    tu_log(TU_LOG_INFO, "match.follow", "stopped at change %lld: %llu records applied, %llu inbox items",
           (long long)f->cursor, (unsigned long long)atomic_load(&f->applied),
           (unsigned long long)atomic_load(&f->items));
    pthread_mutex_destroy(&f->lock);
    pthread_cond_destroy(&f->wake);
    tu_free(f);
}
