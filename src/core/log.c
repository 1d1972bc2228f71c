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

static void json_escape(char *out, size_t n, const char *s) {
    size_t o = 0;
    for (; *s && o + 7 < n; s++) {
        unsigned char c = (unsigned char)*s;
        if (c == '"' || c == '\\') out[o++] = '\\', out[o++] = (char)c;
        else if (c < 0x20) o += (size_t)snprintf(out + o, n - o, "\\u%04x", c);
        else out[o++] = (char)c;
    }
    out[o] = '\0';
}

void tu_log(int level, const char *event, const char *fmt, ...) {
    static const char *const names[] = {"debug", "info", "warn", "error"};
    if (level < min_level || level >= TU_LOG_OFF) return;
    if (json_mode < 0) {
        const char *f = getenv("TECHUP_LOG_FORMAT");
        json_mode = f && strcmp(f, "json") == 0;
    }
    char msg[1024], esc[2100], line[2300];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof msg, fmt, ap);
    va_end(ap);
    struct timespec ts;
    clock_gettime(CLOCK_REALTIME, &ts);
    struct tm tm;
    gmtime_r(&ts.tv_sec, &tm);
    char when[40];
    strftime(when, sizeof when, "%Y-%m-%dT%H:%M:%S", &tm);
    if (json_mode) {
        json_escape(esc, sizeof esc, msg);
        snprintf(line, sizeof line, "{\"ts\":\"%s.%03ldZ\",\"level\":\"%s\",\"event\":\"%s\",\"msg\":\"%s\"}\n", when,
                 ts.tv_nsec / 1000000, names[level], event, esc);
    } else {
        snprintf(line, sizeof line, "%s %s %s: %s\n", when, names[level], event, msg);
    }
    fputs(line, stderr);
}
