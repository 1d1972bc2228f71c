/* alloc.h — the one allocation policy.
 *
 * All heap memory of techup goes through these wrappers. They count live bytes (tu_alloc_live()) and can be told
 * to fail (tu_alloc_fail_after()) so tests can check that every caller handles TU_ENOMEM. Library code returns
 * TU_ENOMEM on NULL; the server and CLI may use the tu_x* variants, which abort with a message on exhaustion.
 */
#ifndef TU_CORE_ALLOC_H
#define TU_CORE_ALLOC_H

#include <stddef.h>
#include <stdint.h>

void *tu_malloc(size_t n);
void *tu_calloc(size_t count, size_t size);
void *tu_realloc(void *p, size_t n);
void tu_free(void *p);
char *tu_strdup(const char *s);
char *tu_strndup(const char *s, size_t n);

void *tu_xmalloc(size_t n);   /* aborts on exhaustion */
void *tu_xcalloc(size_t count, size_t size);
void *tu_xrealloc(void *p, size_t n);
char *tu_xstrdup(const char *s);

/* Bytes currently allocated through these wrappers (approximate: counts requested sizes). */
int64_t tu_alloc_live(void);
/* Makes the n-th allocation from now fail (n = 0: the next one); -1 turns injection off. Testing only. */
void tu_alloc_fail_after(long n);

#endif
