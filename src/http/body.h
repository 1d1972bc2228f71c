/* body.h — turning a request body into JSON under the server's limits. Shared by the dispatcher, the unit tests
 * and the libFuzzer driver (tests/fuzz/fuzz_http_body.c), so hostile bodies meet exactly one parser path. */
#ifndef TU_HTTP_BODY_H
#define TU_HTTP_BODY_H

#include <jansson.h>
#include <stddef.h>

#include "core/error.h"

/* Nesting depth of the JSON text s[0..len) (arrays and objects, strings skipped), stopping early once it exceeds
 * max; returns max + 1 in that case. Linear, no allocation. */
int tu_json_depth(const char *s, size_t len, int max);
/* Parses a request body that must be one JSON object: TU_EDEPTH when nested deeper than max_depth, TU_EPARSE
 * with line/column for bad JSON or bad UTF-8, TU_EVALIDATION when it is not an object. *out is a new reference. */
int tu_http_parse_body(const char *s, size_t len, int max_depth, json_t **out, tu_err *err);

#endif
