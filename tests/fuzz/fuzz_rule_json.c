/* fuzz_rule_json.c — libFuzzer driver for the JSON rule reader: any bytes -> jansson -> tu_rule_from_json, the
 * standard evaluator on the input itself as data, and everything fuzz_exercise checks. */
#include <stddef.h>
#include <stdint.h>

#include "fuzz_common.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
    json_t *v = json_loadb((const char *)data, size, JSON_DECODE_ANY, NULL);
    if (!v) return 0;
    json_decref(tu_jsonlogic_apply(v, v, NULL));
    fuzz_exercise(v);
    json_decref(v);
    return 0;
}
