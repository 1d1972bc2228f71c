/* router.c — segment-by-segment matching of paths against route patterns. Called for every route of the table on
 * every request (a few dozen routes), so it is a plain scan without allocation. */
#include "http/router.h"

#include <string.h>

static size_t seglen(const char *s) {
    size_t n = 0;
    while (s[n] && s[n] != '/') n++;
    return n;
}

int tu_route_match(const char *pattern, const char *path, tu_params *out) {
    tu_params tmp;
    if (!out) out = &tmp;
    out->n = 0;
    while (*pattern && *path) {
        if (*pattern != '/' || *path != '/') return 0;
        pattern++, path++;
        size_t pl = seglen(pattern), sl = seglen(path);
        if (pl >= 2 && pattern[0] == '{' && pattern[pl - 1] == '}') {
            if (sl == 0 || out->n == TU_MAX_PARAMS) return 0;
            out->p[out->n].name = pattern + 1;
            out->p[out->n].name_len = pl - 2;
            out->p[out->n].val = path;
            out->p[out->n].len = sl;
            out->n++;
        } else if (pl != sl || memcmp(pattern, path, pl) != 0) {
            return 0;
        }
        pattern += pl, path += sl;
    }
    return *pattern == '\0' && *path == '\0';
}

int tu_params_get(const tu_params *p, const char *name, char *buf, size_t n) {
    size_t nl = strlen(name);
    for (int i = 0; i < p->n; i++)
        if (p->p[i].name_len == nl && memcmp(p->p[i].name, name, nl) == 0) {
            if (p->p[i].len >= n) return -1;
            memcpy(buf, p->p[i].val, p->p[i].len);
            buf[p->p[i].len] = '\0';
            return (int)p->p[i].len;
        }
    return -1;
}
