/* pool.c — a fixed set of threads draining a bounded FIFO of requests (see pool.h). Workload: rare, slow jobs
 * (logins, password changes), so one mutex and one condition variable are plenty. */
#include "http/pool.h"

#include <pthread.h>

#include "core/alloc.h"

#define MAX_THREADS 16

struct tu_pool {
    pthread_mutex_t lock;
    pthread_cond_t ready;
    struct tu_req **q;
    int cap, head, count, reserved, stopping, nthreads;
    pthread_t threads[MAX_THREADS];
    void (*run)(struct tu_req *r);
};

static void *worker(void *arg) {
    tu_pool *p = arg;
    pthread_mutex_lock(&p->lock);
    for (;;) {
        while (p->count == 0 && !p->stopping) pthread_cond_wait(&p->ready, &p->lock);
        if (p->count == 0) break; /* stopping and drained */
        struct tu_req *r = p->q[p->head];
        p->head = (p->head + 1) % p->cap;
        p->count--, p->reserved--;
        pthread_mutex_unlock(&p->lock);
        p->run(r);
        pthread_mutex_lock(&p->lock);
    }
    pthread_mutex_unlock(&p->lock);
    return NULL;
}

tu_pool *tu__pool_start(int threads, int capacity, void (*run)(struct tu_req *r)) {
    tu_pool *p = tu_calloc(1, sizeof *p);
    if (!p) return NULL;
    p->q = tu_calloc((size_t)capacity, sizeof *p->q);
    if (!p->q) {
        tu_free(p);
        return NULL;
    }
    pthread_mutex_init(&p->lock, NULL);
    pthread_cond_init(&p->ready, NULL);
    p->cap = capacity, p->run = run;
    for (int i = 0; i < threads && i < MAX_THREADS; i++)
        if (pthread_create(&p->threads[p->nthreads], NULL, worker, p) == 0) p->nthreads++;
    if (p->nthreads == 0) {
        tu__pool_stop(p);
        return NULL;
    }
    return p;
}

int tu__pool_reserve(tu_pool *p) {
    pthread_mutex_lock(&p->lock);
    int ok = !p->stopping && p->reserved < p->cap;
    if (ok) p->reserved++;
    pthread_mutex_unlock(&p->lock);
    return ok;
}

void tu__pool_push(tu_pool *p, struct tu_req *r) {
    pthread_mutex_lock(&p->lock);
    p->q[(p->head + p->count) % p->cap] = r;
    p->count++;
    pthread_cond_signal(&p->ready);
    pthread_mutex_unlock(&p->lock);
}

void tu__pool_stop(tu_pool *p) {
    if (!p) return;
    pthread_mutex_lock(&p->lock);
    p->stopping = 1;
    pthread_cond_broadcast(&p->ready);
    pthread_mutex_unlock(&p->lock);
    for (int i = 0; i < p->nthreads; i++) pthread_join(p->threads[i], NULL);
    pthread_cond_destroy(&p->ready);
    pthread_mutex_destroy(&p->lock);
    tu_free(p->q);
    tu_free(p);
}
