/* router.h — matching a request path against a route pattern with {param} segments ("/api/v1/users/{id}").
 * Pure functions, no allocation: parameters point into the path. A parameter matches one non-empty segment. */
#ifndef TU_HTTP_ROUTER_H
#define TU_HTTP_ROUTER_H

#include <stddef.h>

#define TU_MAX_PARAMS 4

typedef struct tu_params {
    int n;
    struct {
        const char *name; /* points into the pattern, name_len bytes */
        size_t name_len;
        const char *val; /* points into the path, len bytes */
        size_t len;
    } p[TU_MAX_PARAMS];
} tu_params;

/* Returns 1 and fills out (may be NULL) when path matches pattern, else 0. Query strings are not part of path. */
int tu_route_match(const char *pattern, const char *path, tu_params *out);
/* Copies parameter `name` into buf (NUL-terminated). Returns its length, or -1 if absent or too long. */
int tu_params_get(const tu_params *p, const char *name, char *buf, size_t n);

#endif
