/* log.c — leveled, optionally JSON-lines logging to stderr. */
#include "core/log.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

static int min_level = TU_LOG_INFO;
static int json_mode = -1;

void tu_log_set_level(int level) { min_level = level; }
void tu_log_set_json(int on) { json_mode = on; }
int tu_log_enabled(int level) { return level >= min_level; }

void tu_log_json_escape(char *out, size_t n, const char *s) {
    size_t o = 0;
    if (n == 0) return;
    for (; *s && o + 7 < n; s++) {
        unsigned char c = (unsigned char)*s;
        if (c == '"' || c == '\\') out[o++] = '\\', out[o++] = (char)c;
        else if (c < 0x20) o += (size_t)snprintf(out + o, n - o, "\\u%04x", c);
        else out[o++] = (char)c;
    }
    out[o] = '\0';
}

int tu_log_level_parse(const char *s) {
    static const char *const names[] = {"debug", "info", "warn", "error", "off"};
    for (int i = 0; s && i < 5; i++)
        if (strcmp(s, names[i]) == 0) return i;
    return -1;
}

static void vlog(int level, const char *event, const char *fields, const char *fmt, va_list ap) {
    static const char *const names[] = {"debug", "info", "warn", "error"};
    if (level < min_level || level >= TU_LOG_OFF) return;
    if (json_mode < 0) {
        const char *f = getenv("TECHUP_LOG_FORMAT");
        json_mode = f && strcmp(f, "json") == 0;
    }
    char msg[1024], esc[2100], line[3400];
    vsnprintf(msg, sizeof msg, fmt, ap);
    struct timespec ts;
    clock_gettime(CLOCK_REALTIME, &ts);
    struct tm tm;
    gmtime_r(&ts.tv_sec, &tm);
    char when[40];
    strftime(when, sizeof when, "%Y-%m-%dT%H:%M:%S", &tm);
    const char *sep = fields && *fields ? "," : "";
    if (!fields) fields = "";
    if (json_mode) {
        tu_log_json_escape(esc, sizeof esc, msg);
        snprintf(line, sizeof line, "{\"ts\":\"%s.%03ldZ\",\"level\":\"%s\",\"event\":\"%s\"%s%s,\"msg\":\"%s\"}\n", when,
                 ts.tv_nsec / 1000000, names[level], event, sep, fields, esc);
    } else {
        snprintf(line, sizeof line, "%s %s %s: %s%s%s\n", when, names[level], event, msg, *fields ? " " : "", fields);
    }
    fputs(line, stderr);
}

void tu_log(int level, const char *event, const char *fmt, ...) {
    va_list ap;
    va_start(ap, fmt);
    vlog(level, event, NULL, fmt, ap);
    va_end(ap);
}

void tu_log_kv(int level, const char *event, const char *fields, const char *fmt, ...) {
    va_list ap;
    va_start(ap, fmt);
    vlog(level, event, fields, fmt, ap);
    va_end(ap);
}
