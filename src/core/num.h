/* num.h — exact numbers, dates and money as they appear in CSV files, rules and the API.
 *
 * Decimals (revenue in 万元, R&D ratio in %, energy in tce) are fixed-point int64 with TU_DEC_SCALE (4 places):
 * "1234.5" -> 12345000. Money is integer fen (分): "12.34" yuan -> 1234. Dates are days since 1970-01-01
 * (proleptic Gregorian), ISO YYYY-MM-DD on the wire. Parsers take (ptr,len), never read past len, reject
 * anything but the canonical forms, and fill tu_err with the reason.
 */
#ifndef TU_CORE_NUM_H
#define TU_CORE_NUM_H

#include <stddef.h>
#include <stdint.h>

#include "core/error.h"

#define TU_DEC_SCALE 10000
#define TU_DEC_PLACES 4
#define TU_DEC_BUFSZ 32
#define TU_DATE_BUFSZ 11

/* Decimal "-12.3456": optional '-', digits, optional '.' and 1..4 digits; |value| < 9e14. */
int tu_dec_parse(const char *s, size_t len, int64_t *out, tu_err *err);
/* Shortest exact form: 12345000 -> "1234.5", 0 -> "0". buf must hold TU_DEC_BUFSZ bytes. Returns buf. */
char *tu_dec_format(int64_t v, char *buf);
double tu_dec_to_double(int64_t v);

/* Integer: optional '-', digits, no leading '+', fits int64. */
int tu_int_parse(const char *s, size_t len, int64_t *out, tu_err *err);

/* Date "YYYY-MM-DD", a real calendar day in years 1800..9999. */
int tu_date_parse(const char *s, size_t len, int32_t *days, tu_err *err);
char *tu_date_format(int32_t days, char *buf); /* buf: TU_DATE_BUFSZ bytes */
int32_t tu_date_from_ymd(int y, int m, int d);
void tu_date_to_ymd(int32_t days, int *y, int *m, int *d);
int32_t tu_date_today(void); /* UTC */

/* Money in yuan with at most 2 decimals -> fen. "1500.5" -> 150050. */
int tu_money_parse(const char *s, size_t len, int64_t *fen, tu_err *err);
char *tu_money_format(int64_t fen, char *buf); /* "1500.50"; buf: TU_DEC_BUFSZ bytes */

/* Checks that s[0..len) is well-formed UTF-8 (no overlongs, no surrogates). Returns the byte offset of the
 * first bad byte, or -1 when valid. */
long tu_utf8_invalid_at(const char *s, size_t len);

#endif
