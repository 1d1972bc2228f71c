/* sbuf.c — growable text buffer (sbuf.h). */
#include "core/sbuf.h"

#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "core/alloc.h"

/* Makes room for n more bytes plus the NUL. Returns 0, or -1 (and marks b oom). */
static int reserve(tu_sbuf *b, size_t n) {
    if (b->oom) return -1;
    if (b->p && b->cap - b->len > n) return 0;
    if (n >= SIZE_MAX / 4 - b->len) return b->oom = 1, -1;
    size_t need = b->len + n + 1, cap = b->cap ? b->cap : 256;
    while (cap < need) cap *= 2;
    char *p = tu_realloc(b->p, cap);
    if (!p) return b->oom = 1, -1;
    b->p = p, b->cap = cap;
    return 0;
}

void tu_sbuf_add(tu_sbuf *b, const char *s, size_t n) {
    if (reserve(b, n)) return;
    memcpy(b->p + b->len, s, n);
    b->len += n;
    b->p[b->len] = '\0';
}

void tu_sbuf_adds(tu_sbuf *b, const char *s) { tu_sbuf_add(b, s, strlen(s)); }

void tu_sbuf_addf(tu_sbuf *b, const char *fmt, ...) {
    va_list ap;
    va_start(ap, fmt);
    char small[128];
    int n = vsnprintf(small, sizeof small, fmt, ap);
    va_end(ap);
    if (n < 0) {
        b->oom = 1;
        return;
    }
    if ((size_t)n < sizeof small) {
        tu_sbuf_add(b, small, (size_t)n);
        return;
    }
    if (reserve(b, (size_t)n)) return;
    va_start(ap, fmt);
    vsnprintf(b->p + b->len, (size_t)n + 1, fmt, ap);
    va_end(ap);
    b->len += (size_t)n;
}

char *tu_sbuf_take(tu_sbuf *b, size_t *len) {
    if (!b->p && !reserve(b, 0)) b->p[0] = '\0';
    char *p = b->oom ? NULL : b->p;
    if (len) *len = p ? b->len : 0;
    if (!p) tu_free(b->p);
    *b = (tu_sbuf){0};
    return p;
}

void tu_sbuf_reset(tu_sbuf *b) {
    tu_free(b->p);
    *b = (tu_sbuf){0};
}
