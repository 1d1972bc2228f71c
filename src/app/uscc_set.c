/* uscc_set.c — open addressing with linear probing over fingerprint-derived buckets; see uscc_set.h. Workload:
 * one lookup-or-insert per imported row (~7M), almost all of them inserts. */
#include "app/uscc_set.h"

#include <string.h>

#include "core/alloc.h"

static uint32_t fingerprint(const char *uscc) {
    uint64_t h = 0xcbf29ce484222325ull; /* FNV-1a, then a final mix */
    for (int i = 0; i < 18; i++) h = (h ^ (unsigned char)uscc[i]) * 0x100000001b3ull;
    h ^= h >> 33;
    h *= 0xff51afd7ed558ccdull;
    h ^= h >> 33;
    return (uint32_t)h;
}

static size_t bucket(uint32_t fp, size_t cap) { return (size_t)(((uint64_t)fp * 0x9E3779B97F4A7C15ull) >> 32) & (cap - 1); }

static int rehash(tu__uscc_set *s, size_t cap) {
    uint64_t *slots = tu_calloc(cap, sizeof *slots);
    if (!slots) return -1;
    for (size_t i = 0; i < s->cap; i++) {
        uint64_t v = s->slots[i];
        if (!v) continue;
        size_t j = bucket((uint32_t)(v >> 32), cap);
        while (slots[j]) j = (j + 1) & (cap - 1);
        slots[j] = v;
    }
    tu_free(s->slots);
    s->slots = slots, s->cap = cap;
    return 0;
}

int tu__uscc_set_init(tu__uscc_set *s, size_t expect) {
    memset(s, 0, sizeof *s);
    size_t cap = 1024;
    while (cap < expect * 2) cap *= 2;
    s->slots = tu_calloc(cap, sizeof *s->slots);
    if (!s->slots) return -1;
    s->cap = cap;
    return 0;
}

void tu__uscc_set_free(tu__uscc_set *s) {
    tu_free(s->slots);
    memset(s, 0, sizeof *s);
}

int64_t tu__uscc_set_find_or_add(tu__uscc_set *s, const char *uscc, int64_t new_id, tu__uscc_same_fn same, void *ctx) {
    if ((s->n + 1) * 2 > s->cap && rehash(s, s->cap * 2)) return -1;
    uint32_t fp = fingerprint(uscc);
    size_t i = bucket(fp, s->cap);
    for (uint64_t v; (v = s->slots[i]) != 0; i = (i + 1) & (s->cap - 1))
        if ((uint32_t)(v >> 32) == fp && same(ctx, (int64_t)(uint32_t)v)) return (int64_t)(uint32_t)v;
    s->slots[i] = (uint64_t)fp << 32 | (uint32_t)new_id;
    s->n++;
    return 0;
}
