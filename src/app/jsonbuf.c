/* jsonbuf.c — jansson text into a tu_sbuf (jsonbuf.h). */
#include "app/jsonbuf.h"

static int append(const char *buf, size_t size, void *data) {
    tu_sbuf *b = data;
    tu_sbuf_add(b, buf, size);
    return b->oom ? -1 : 0;
}

void tu_sbuf_add_json(tu_sbuf *b, const json_t *j) {
    if (!j) {
        tu_sbuf_add(b, "null", 4);
        return;
    }
    if (json_dump_callback(j, append, b, TU_JSON_FLAGS)) b->oom = 1;
}

void tu_sbuf_add_jstr(tu_sbuf *b, const char *s) {
    json_t *j = json_string(s);
    if (!j) {
        b->oom = 1;
        return;
    }
    tu_sbuf_add_json(b, j);
    json_decref(j);
}
