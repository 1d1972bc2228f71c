/* libFuzzer driver for request bodies: every byte string must either parse into one JSON object within the depth
 * limit or be refused with a clean error (no crash, no leak, no read past the end), and an accepted body must
 * survive a re-encode/re-parse round trip. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "http/body.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
    json_t *j = NULL;
    tu_err err = {0};
    int rc = tu_http_parse_body((const char *)data, size, 32, &j, &err);
    if (rc == TU_OK) {
        if (!json_is_object(j) || tu_json_depth((const char *)data, size, 32) > 32) abort();
        char *text = json_dumps(j, JSON_COMPACT);
        json_t *k = NULL;
        if (text && tu_http_parse_body(text, strlen(text), 33, &k, &err) != TU_OK) abort();
        if (k && !json_equal(j, k)) abort();
        json_decref(k);
        free(text);
        json_decref(j);
    } else if (j != NULL || (rc != TU_EDEPTH && rc != TU_EPARSE && rc != TU_EVALIDATION)) {
        abort();
    }
    return 0;
}
