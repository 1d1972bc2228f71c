/* metrics.h — process-wide counters any layer can bump, rendered as Prometheus text by the server's /metrics.
 *
 * A counter is a static object registered once (tu_metric_register, typically from the owning module's init or
 * lazily through TU_METRIC_ADD); bumping it is one relaxed atomic add, safe from any thread. Names follow
 * Prometheus conventions ("techup_matches_total"). At most TU_METRICS_MAX counters; registering more is ignored
 * (the counter still counts, it is just not exported).
 */
#ifndef TU_CORE_METRICS_H
#define TU_CORE_METRICS_H

#include <stdatomic.h>
#include <stddef.h>
#include <stdint.h>

#define TU_METRICS_MAX 64

typedef struct tu_metric {
    const char *name; /* "techup_matches_total" */
    const char *help; /* one line */
    _Atomic uint64_t value;
    _Atomic int registered;
} tu_metric;

#define TU_METRIC_INIT(name, help) {name, help, 0, 0}

/* Registers m (idempotent, thread-safe). */
void tu_metric_register(tu_metric *m);
/* Adds n to m, registering it on first use. */
void tu_metric_add(tu_metric *m, uint64_t n);
/* Number of registered counters and the i-th one (registration order); NULL when out of range. */
int tu_metric_count(void);
const tu_metric *tu_metric_at(int i);

#endif
