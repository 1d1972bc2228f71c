/* fuzz_rule_text.c — libFuzzer driver for the readable-syntax parser: any bytes -> tu_rule_text_parse (and the
 * caret display of its error), then everything fuzz_exercise checks on the tree it built. */
#include <stddef.h>
#include <stdint.h>

#include "fuzz_common.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
    tu_err err = {0};
    json_t *v = tu_rule_text_parse((const char *)data, size, &err);
    if (!v) {
        char buf[1024];
        if (err.line > 0) tu_rule_text_caret((const char *)data, size, &err, buf, sizeof buf);
        return 0;
    }
    fuzz_exercise(v);
    json_decref(v);
    return 0;
}
