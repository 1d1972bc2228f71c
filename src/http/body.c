/* body.c — request-body JSON: a depth pre-scan (jansson's own limit is 2048 levels, far too deep for an API)
 * followed by jansson's strict decoder. */
#include "http/body.h"

int tu_json_depth(const char *s, size_t len, int max) {
    int depth = 0, deepest = 0, in_str = 0;
    for (size_t i = 0; i < len; i++) {
        char c = s[i];
        if (in_str) {
            if (c == '\\') i++;
            else if (c == '"') in_str = 0;
            continue;
        }
        if (c == '"') in_str = 1;
        else if (c == '[' || c == '{') {
            if (++depth > deepest) deepest = depth;
            if (deepest > max) return max + 1;
        } else if ((c == ']' || c == '}') && depth > 0) depth--;
    }
    return deepest;
}

int tu_http_parse_body(const char *s, size_t len, int max_depth, json_t **out, tu_err *err) {
    *out = NULL;
    if (tu_json_depth(s, len, max_depth) > max_depth)
        return tu_err_set(err, TU_EDEPTH, "the JSON body is nested deeper than %d levels", max_depth);
    json_error_t je;
    json_t *j = json_loadb(s, len, JSON_REJECT_DUPLICATES, &je);
    if (!j) {
        tu_err_set(err, TU_EPARSE, "invalid JSON at line %d, column %d: %s", je.line, je.column, je.text);
        if (err) err->line = je.line, err->col = je.column;
        return TU_EPARSE;
    }
    if (!json_is_object(j)) {
        json_decref(j);
        return tu_err_set(err, TU_EVALIDATION, "the body must be a JSON object");
    }
    *out = j;
    return TU_OK;
}
