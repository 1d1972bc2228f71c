/* log.h — structured logs on stderr: one JSON object a line ({"ts":..,"level":..,"event":..,"msg":..}) when
 * TECHUP_LOG_FORMAT=json or tu_log_set_json(1), plain text otherwise. Thread-safe; a line is written at once. */
#ifndef TU_CORE_LOG_H
#define TU_CORE_LOG_H

#include <stddef.h>

enum { TU_LOG_DEBUG = 0, TU_LOG_INFO, TU_LOG_WARN, TU_LOG_ERROR, TU_LOG_OFF };

void tu_log_set_level(int level);
void tu_log_set_json(int on);
int tu_log_enabled(int level);
/* event: a short stable name ("import.done"); fmt: the human message. */
void tu_log(int level, const char *event, const char *fmt, ...) __attribute__((format(printf, 3, 4)));
/* Like tu_log with extra structured fields: `fields` is a JSON object body without braces, already escaped
 * ("\"rid\":\"ab12\",\"status\":200"), inserted into the JSON line or appended to the text line. NULL = none. */
void tu_log_kv(int level, const char *event, const char *fields, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));
/* "debug", "info", "warn", "error", "off" -> level; -1 if unknown. */
int tu_log_level_parse(const char *s);
/* Escapes s as the inside of a JSON string into out (always NUL-terminated, truncated to fit). */
void tu_log_json_escape(char *out, size_t n, const char *s);

#endif
