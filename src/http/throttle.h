/* throttle.h — login throttling: counts failed attempts per key ("user:NAME", "addr:IP") in a fixed window and
 * refuses further attempts once a limit is reached, until the window ends.
 *
 * State lives in memory only (a restart forgets it; with several server processes each counts alone): a fixed
 * table of 4-way sets keyed by a keyed BLAKE2b hash of the key, so memory stays bounded whatever an attacker
 * sends; when a set is full the entry with the oldest window is replaced. Thread-safe (one mutex; logins are rare
 * next to other requests).
 */
#ifndef TU_HTTP_THROTTLE_H
#define TU_HTTP_THROTTLE_H

typedef struct tu_throttle tu_throttle;

/* limit failures per window_s seconds. NULL on out of memory. */
tu_throttle *tu_throttle_new(int limit, int window_s);
void tu_throttle_free(tu_throttle *t); /* NULL is fine */
/* 0 when key may try now; otherwise the seconds until it may (> 0). now: seconds (monotonic). */
int tu_throttle_wait(tu_throttle *t, const char *key, long now);
void tu_throttle_fail(tu_throttle *t, const char *key, long now);
void tu_throttle_reset(tu_throttle *t, const char *key);

#endif
