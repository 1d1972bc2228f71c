/* metrics.c — the counter registry: an append-only array of pointers guarded by a mutex for registration;
 * reads and bumps are lock-free. */
#include "core/metrics.h"

#include <pthread.h>

static pthread_mutex_t lock = PTHREAD_MUTEX_INITIALIZER;
static tu_metric *registry[TU_METRICS_MAX];
static _Atomic int count;

void tu_metric_register(tu_metric *m) {
    if (atomic_load_explicit(&m->registered, memory_order_acquire)) return;
    pthread_mutex_lock(&lock);
    if (!atomic_load(&m->registered)) {
        int n = atomic_load(&count);
        if (n < TU_METRICS_MAX) {
            registry[n] = m;
            atomic_store_explicit(&count, n + 1, memory_order_release);
        }
        atomic_store_explicit(&m->registered, 1, memory_order_release);
    }
    pthread_mutex_unlock(&lock);
}

void tu_metric_add(tu_metric *m, uint64_t n) {
    tu_metric_register(m);
    atomic_fetch_add_explicit(&m->value, n, memory_order_relaxed);
}

int tu_metric_count(void) { return atomic_load_explicit(&count, memory_order_acquire); }

const tu_metric *tu_metric_at(int i) { return i >= 0 && i < tu_metric_count() ? registry[i] : NULL; }
