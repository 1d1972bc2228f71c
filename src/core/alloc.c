/* alloc.c — counting allocator with failure injection. A size header before each block keeps the count exact. */
#include "core/alloc.h"

#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define HDR 16 /* keeps max_align_t alignment */

static _Atomic int64_t live;
static _Atomic long fail_countdown = -1;

static int should_fail(void) {
    long n = atomic_load(&fail_countdown);
    if (n < 0) return 0;
    if (atomic_fetch_sub(&fail_countdown, 1) == 0) return 1;
    return 0;
}

void *tu_malloc(size_t n) {
    if (n > SIZE_MAX - HDR || should_fail()) return NULL;
    unsigned char *p = malloc(n + HDR);
    if (!p) return NULL;
    memcpy(p, &n, sizeof n);
    atomic_fetch_add(&live, (int64_t)n);
    return p + HDR;
}

void *tu_calloc(size_t count, size_t size) {
    if (size && count > SIZE_MAX / size) return NULL;
    void *p = tu_malloc(count * size);
    if (p) memset(p, 0, count * size);
    return p;
}

void *tu_realloc(void *p, size_t n) {
    if (!p) return tu_malloc(n);
    if (n > SIZE_MAX - HDR || should_fail()) return NULL;
    unsigned char *base = (unsigned char *)p - HDR;
    size_t old;
    memcpy(&old, base, sizeof old);
    unsigned char *q = realloc(base, n + HDR);
    if (!q) return NULL;
    memcpy(q, &n, sizeof n);
    atomic_fetch_add(&live, (int64_t)n - (int64_t)old);
    return q + HDR;
}

void tu_free(void *p) {
    if (!p) return;
    unsigned char *base = (unsigned char *)p - HDR;
    size_t n;
    memcpy(&n, base, sizeof n);
    atomic_fetch_sub(&live, (int64_t)n);
    free(base);
}

char *tu_strndup(const char *s, size_t n) {
    char *d = tu_malloc(n + 1);
    if (!d) return NULL;
    memcpy(d, s, n);
    d[n] = '\0';
    return d;
}

char *tu_strdup(const char *s) { return tu_strndup(s, strlen(s)); }

static void *oom(void) {
    fputs("techup: out of memory\n", stderr);
    abort();
}

void *tu_xmalloc(size_t n) {
    void *p = tu_malloc(n);
    return p ? p : oom();
}
void *tu_xcalloc(size_t count, size_t size) {
    void *p = tu_calloc(count, size);
    return p ? p : oom();
}
void *tu_xrealloc(void *p, size_t n) {
    void *q = tu_realloc(p, n);
    return q ? q : oom();
}
char *tu_xstrdup(const char *s) {
    char *p = tu_strdup(s);
    return p ? p : oom();
}

int64_t tu_alloc_live(void) { return atomic_load(&live); }
void tu_alloc_fail_after(long n) { atomic_store(&fail_countdown, n); }
