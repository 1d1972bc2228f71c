/* error.h — the one error table of techup.
 *
 * Every fallible function returns an int: TU_OK (0) or a negative TU_E* code. The X-macro below is the only
 * place that lists errors: it gives the enum, the human message, the HTTP status and the stable JSON error code
 * used by the API ({"error":{"code":...,"message":...}}). Details (file, row, column, reason) travel in a
 * tu_err filled by the callee.
 */
#ifndef TU_CORE_ERROR_H
#define TU_CORE_ERROR_H

#include <stddef.h>

/*        name          value  http  json code                 message */
#define TU_ERRNO_MAP(XX)                                                                     \
    XX(OK,              0,     200, "ok",                      "ok")                          \
    XX(EINVAL,         -1,     400, "invalid_argument",        "invalid argument")            \
    XX(ENOMEM,         -2,     500, "internal",                "out of memory")               \
    XX(EIO,            -3,     500, "internal",                "input/output error")          \
    XX(ENOTFOUND,      -4,     404, "not_found",               "not found")                   \
    XX(ECONFLICT,      -5,     409, "conflict",                "conflict")                    \
    XX(EFORBIDDEN,     -6,     403, "forbidden",               "forbidden")                   \
    XX(EAUTH,          -7,     401, "unauthenticated",         "authentication required")     \
    XX(ETOOBIG,        -8,     413, "payload_too_large",       "input too large")             \
    XX(EDEPTH,         -9,     400, "too_deep",                "input nested too deeply")     \
    XX(EPARSE,        -10,     400, "parse_error",             "parse error")                 \
    XX(EVALIDATION,   -11,     422, "validation_failed",       "validation failed")           \
    XX(ESTORE,        -12,     500, "internal",                "storage error")               \
    XX(EBUSY,         -13,     503, "unavailable",             "busy, try again")             \
    XX(ERATE,         -14,     429, "rate_limited",            "too many requests")           \
    XX(ECORRUPT,      -15,     500, "internal",                "data is corrupt")             \
    XX(ETIMEOUT,      -16,     408, "timeout",                 "timed out")                   \
    XX(EUNSUPPORTED,  -17,     400, "unsupported",             "not supported")               \
    XX(EMETHOD,       -18,     405, "method_not_allowed",      "method not allowed")          \
    XX(EUSAGE,        -19,     400, "usage",                   "usage error")                 \
    XX(EEVAL,         -20,     422, "evaluation_error",        "rule evaluation failed")      \
    XX(ESTATE,        -21,     409, "invalid_state",           "not allowed in this state")   \
    XX(ELIMIT,        -22,     422, "limit_exceeded",          "limit exceeded")

typedef enum {
#define TU__ERR_ENUM(name, value, http, code, msg) TU_##name = value,
    TU_ERRNO_MAP(TU__ERR_ENUM)
#undef TU__ERR_ENUM
} tu_errno;

/* Details of a failure, filled by the callee. line/col/row are 1-based; 0 means "not applicable". */
typedef struct tu_err {
    int code;          /* a tu_errno */
    int line, col;     /* position in a text (rule, JSON) */
    long row;          /* row of a CSV file (1 = header) */
    char field[64];    /* column or attribute name */
    char msg[512];     /* human-readable reason, without the position */
} tu_err;

const char *tu_strerror(int code);    /* "out of memory"; never NULL */
const char *tu_err_code(int code);    /* stable JSON code: "not_found" */
int tu_err_http_status(int code);     /* 404 */

/* Sets e->code and a printf-style message; returns code so callers can `return tu_err_set(...)`.
 * e may be NULL (the error is then only returned). */
int tu_err_set(tu_err *e, int code, const char *fmt, ...) __attribute__((format(printf, 3, 4)));
void tu_err_clear(tu_err *e);

#endif
