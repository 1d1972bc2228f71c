/* sbuf.h — a growable byte buffer for building text (JSON replies written directly, without a DOM).
 *
 * Appends never fail loudly: on exhaustion the buffer remembers it (oom) and ignores later appends, so a writer
 * appends freely and checks once at the end. The text is always NUL-terminated while not oom.
 * Workload: a few kilobytes per HTTP reply on the hot path; grows by doubling.
 */
#ifndef TU_CORE_SBUF_H
#define TU_CORE_SBUF_H

#include <stddef.h>

typedef struct tu_sbuf {
    char *p;     /* tu_malloc'd; NULL until the first append */
    size_t len;  /* bytes written, without the NUL */
    size_t cap;  /* bytes allocated */
    int oom;     /* an append failed: the content is incomplete */
} tu_sbuf;

/* Appends n bytes of s. */
void tu_sbuf_add(tu_sbuf *b, const char *s, size_t n);
/* Appends the NUL-terminated s. */
void tu_sbuf_adds(tu_sbuf *b, const char *s);
/* Appends printf-formatted text. */
void tu_sbuf_addf(tu_sbuf *b, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* Takes the text out (caller tu_frees it; *len may be NULL) and resets b. Returns NULL, freeing what was
 * there, if any append failed. */
char *tu_sbuf_take(tu_sbuf *b, size_t *len);
/* Frees the text and resets b. */
void tu_sbuf_reset(tu_sbuf *b);

#endif
