/* throttle.c — fixed-window failure counters in a bounded, set-associative table (see throttle.h). */
#include "http/throttle.h"

#include <pthread.h>
#include <sodium.h>
#include <stdint.h>
#include <string.h>

#include "core/alloc.h"

#define SETS 1024
#define WAYS 4

typedef struct {
    uint64_t key; /* 0 = empty */
    long window_start;
    int failures;
} slot;

struct tu_throttle {
    pthread_mutex_t lock;
    int limit, window;
    unsigned char hkey[crypto_shorthash_KEYBYTES];
    slot sets[SETS][WAYS];
};

tu_throttle *tu_throttle_new(int limit, int window_s) {
    tu_throttle *t = tu_calloc(1, sizeof *t);
    if (!t) return NULL;
    pthread_mutex_init(&t->lock, NULL);
    t->limit = limit, t->window = window_s;
    randombytes_buf(t->hkey, sizeof t->hkey);
    return t;
}

void tu_throttle_free(tu_throttle *t) {
    if (!t) return;
    pthread_mutex_destroy(&t->lock);
    tu_free(t);
}

static uint64_t key_of(const tu_throttle *t, const char *key) {
    unsigned char h[8];
    crypto_shorthash(h, (const unsigned char *)key, strlen(key), t->hkey);
    uint64_t k;
    memcpy(&k, h, sizeof k);
    return k ? k : 1;
}

/* The slot of key (NULL if absent); with create, an empty, expired or oldest slot is taken over. */
static slot *find(tu_throttle *t, uint64_t k, long now, int create) {
    slot *set = t->sets[k % SETS], *victim = &set[0];
    for (int i = 0; i < WAYS; i++) {
        if (set[i].key == k) return &set[i];
        if (set[i].key == 0 || now - set[i].window_start >= t->window) victim = &set[i];
        else if (victim->key && set[i].window_start < victim->window_start) victim = &set[i];
    }
    if (!create) return NULL;
    victim->key = k, victim->window_start = now, victim->failures = 0;
    return victim;
}

int tu_throttle_wait(tu_throttle *t, const char *key, long now) {
    pthread_mutex_lock(&t->lock);
    slot *s = find(t, key_of(t, key), now, 0);
    int wait = 0;
    if (s && now - s->window_start < t->window && s->failures >= t->limit)
        wait = (int)(s->window_start + t->window - now);
    pthread_mutex_unlock(&t->lock);
    return wait;
}

void tu_throttle_fail(tu_throttle *t, const char *key, long now) {
    pthread_mutex_lock(&t->lock);
    slot *s = find(t, key_of(t, key), now, 1);
    if (now - s->window_start >= t->window) s->window_start = now, s->failures = 0;
    s->failures++;
    pthread_mutex_unlock(&t->lock);
}

void tu_throttle_reset(tu_throttle *t, const char *key) {
    pthread_mutex_lock(&t->lock);
    slot *s = find(t, key_of(t, key), 0, 0);
    if (s) memset(s, 0, sizeof *s);
    pthread_mutex_unlock(&t->lock);
}
