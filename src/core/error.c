/* error.c — lookups in the error table and the tu_err helpers. */
#include "core/error.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

typedef struct {
    int value, http;
    const char *code, *msg;
} err_row;

static const err_row rows[] = {
#define TU__ERR_ROW(name, value, http, code, msg) {value, http, code, msg},
    TU_ERRNO_MAP(TU__ERR_ROW)
#undef TU__ERR_ROW
};

static const err_row *find(int code) {
    for (size_t i = 0; i < sizeof rows / sizeof rows[0]; i++)
        if (rows[i].value == code) return &rows[i];
    return NULL;
}

const char *tu_strerror(int code) {
    const err_row *r = find(code);
    return r ? r->msg : "unknown error";
}

const char *tu_err_code(int code) {
    const err_row *r = find(code);
    return r ? r->code : "internal";
}

int tu_err_http_status(int code) {
    const err_row *r = find(code);
    return r ? r->http : 500;
}

int tu_err_set(tu_err *e, int code, const char *fmt, ...) {
    if (e == NULL) return code;
    e->code = code;
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(e->msg, sizeof e->msg, fmt, ap);
    va_end(ap);
    return code;
}

void tu_err_clear(tu_err *e) {
    if (e) memset(e, 0, sizeof *e);
}
