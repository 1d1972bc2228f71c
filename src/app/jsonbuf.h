/* jsonbuf.h — JSON text written straight into a tu_sbuf: a jansson value's compact text (the same flags as
 * every HTTP reply), for replies assembled from pre-rendered pieces on hot paths without building a DOM. */
#ifndef TU_APP_JSONBUF_H
#define TU_APP_JSONBUF_H

#include <jansson.h>

#include "core/sbuf.h"

/* The flags of every JSON reply: compact, reals with 15 significant digits, any value at top level. */
#define TU_JSON_FLAGS (JSON_COMPACT | JSON_ENCODE_ANY | JSON_REAL_PRECISION(15))

/* Appends j's compact text (NULL appends `null`); a failure marks b oom. */
void tu_sbuf_add_json(tu_sbuf *b, const json_t *j);
/* Appends s as a JSON string (quoted and escaped); a failure marks b oom. */
void tu_sbuf_add_jstr(tu_sbuf *b, const char *s);

#endif
