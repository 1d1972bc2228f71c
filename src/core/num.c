/* num.c — parsing and printing of fixed-point decimals, integers, dates and money. */
#include "core/num.h"

#include <stdio.h>
#include <string.h>
#include <time.h>

#define DEC_MAX_INT 900000000000000LL /* integer part limit keeps value*scale inside int64 */

/* Parses [-]digits[.digits] with at most `places` decimals into value * 10^places. */
static int parse_fixed(const char *s, size_t len, int places, int64_t *out, tu_err *err, const char *what) {
    size_t i = 0;
    int neg = 0;
    if (len == 0) return tu_err_set(err, TU_EINVAL, "empty %s", what);
    if (s[0] == '-') neg = 1, i++;
    size_t start = i;
    int64_t ip = 0;
    for (; i < len && s[i] >= '0' && s[i] <= '9'; i++) {
        ip = ip * 10 + (s[i] - '0');
        if (ip >= DEC_MAX_INT) return tu_err_set(err, TU_EINVAL, "%s '%.*s' is too large", what, (int)len, s);
    }
    if (i == start) return tu_err_set(err, TU_EINVAL, "'%.*s' is not a %s", (int)len, s, what);
    int64_t fp = 0;
    int nf = 0;
    if (i < len && s[i] == '.') {
        i++;
        for (; i < len && s[i] >= '0' && s[i] <= '9'; i++, nf++) {
            if (nf >= places)
                return tu_err_set(err, TU_EINVAL, "%s '%.*s' has more than %d decimal places", what, (int)len, s,
                                  places);
            fp = fp * 10 + (s[i] - '0');
        }
        if (nf == 0) return tu_err_set(err, TU_EINVAL, "'%.*s' is not a %s", (int)len, s, what);
    }
    if (i != len) return tu_err_set(err, TU_EINVAL, "'%.*s' is not a %s", (int)len, s, what);
    for (int k = nf; k < places; k++) fp *= 10;
    int64_t scale = 1;
    for (int k = 0; k < places; k++) scale *= 10;
    int64_t v = ip * scale + fp;
    *out = neg ? -v : v;
    return TU_OK;
}

static char *format_fixed(int64_t v, int places, int min_places, char *buf) {
    int64_t scale = 1;
    for (int k = 0; k < places; k++) scale *= 10;
    uint64_t a = v < 0 ? (uint64_t)0 - (uint64_t)v : (uint64_t)v;
    uint64_t ip = a / (uint64_t)scale, fp = a % (uint64_t)scale;
    int n = snprintf(buf, TU_DEC_BUFSZ, "%s%llu", v < 0 ? "-" : "", (unsigned long long)ip);
    int nf = places;
    while (nf > min_places && fp % 10 == 0) fp /= 10, nf--;
    /* TU_DEC_BUFSZ holds the longest value; the length is checked so that no compiler has to prove it */
    if (nf > 0 && snprintf(buf + n, (size_t)(TU_DEC_BUFSZ - n), ".%0*llu", nf, (unsigned long long)fp) >= TU_DEC_BUFSZ - n)
        buf[TU_DEC_BUFSZ - 1] = '\0';
    return buf;
}

int tu_dec_parse(const char *s, size_t len, int64_t *out, tu_err *err) {
    return parse_fixed(s, len, TU_DEC_PLACES, out, err, "decimal number");
}

char *tu_dec_format(int64_t v, char *buf) { return format_fixed(v, TU_DEC_PLACES, 0, buf); }

double tu_dec_to_double(int64_t v) { return (double)v / TU_DEC_SCALE; }

int tu_money_parse(const char *s, size_t len, int64_t *fen, tu_err *err) {
    return parse_fixed(s, len, 2, fen, err, "money amount");
}

char *tu_money_format(int64_t fen, char *buf) { return format_fixed(fen, 2, 2, buf); }

int tu_int_parse(const char *s, size_t len, int64_t *out, tu_err *err) {
    size_t i = 0;
    int neg = 0;
    if (len == 0) return tu_err_set(err, TU_EINVAL, "empty integer");
    if (s[0] == '-') neg = 1, i++;
    if (i == len) return tu_err_set(err, TU_EINVAL, "'%.*s' is not an integer", (int)len, s);
    uint64_t v = 0;
    for (; i < len; i++) {
        if (s[i] < '0' || s[i] > '9') return tu_err_set(err, TU_EINVAL, "'%.*s' is not an integer", (int)len, s);
        if (v > (UINT64_C(9223372036854775807) - (uint64_t)(s[i] - '0')) / 10)
            return tu_err_set(err, TU_EINVAL, "integer '%.*s' is too large", (int)len, s);
        v = v * 10 + (uint64_t)(s[i] - '0');
    }
    *out = neg ? -(int64_t)v : (int64_t)v;
    return TU_OK;
}

/* Days from civil, after H. Hinnant's public-domain algorithm description. */
int32_t tu_date_from_ymd(int y, int m, int d) {
    y -= m <= 2;
    int era = (y >= 0 ? y : y - 399) / 400;
    int yoe = y - era * 400;
    int doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
    int doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    return era * 146097 + doe - 719468;
}

void tu_date_to_ymd(int32_t days, int *y, int *m, int *d) {
    int z = days + 719468;
    int era = (z >= 0 ? z : z - 146096) / 146097;
    int doe = z - era * 146097;
    int yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
    int yy = yoe + era * 400;
    int doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    int mp = (5 * doy + 2) / 153;
    *d = doy - (153 * mp + 2) / 5 + 1;
    *m = mp + (mp < 10 ? 3 : -9);
    *y = yy + (*m <= 2);
}

static int days_in_month(int y, int m) {
    static const int dm[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
    int leap = (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
    return m == 2 ? 28 + leap : dm[m - 1];
}

int tu_date_parse(const char *s, size_t len, int32_t *days, tu_err *err) {
    int v[3] = {0, 0, 0};
    static const int width[3] = {4, 2, 2};
    size_t i = 0;
    if (len != 10) goto bad;
    for (int part = 0; part < 3; part++) {
        for (int k = 0; k < width[part]; k++, i++) {
            if (s[i] < '0' || s[i] > '9') goto bad;
            v[part] = v[part] * 10 + (s[i] - '0');
        }
        if (part < 2 && s[i++] != '-') goto bad;
    }
    if (v[0] < 1800 || v[1] < 1 || v[1] > 12 || v[2] < 1 || v[2] > days_in_month(v[0], v[1]))
        return tu_err_set(err, TU_EINVAL, "'%.*s' is not a calendar date", (int)len, s);
    *days = tu_date_from_ymd(v[0], v[1], v[2]);
    return TU_OK;
bad:
    return tu_err_set(err, TU_EINVAL, "'%.*s' is not a date (YYYY-MM-DD)", (int)(len > 40 ? 40 : len), s);
}

char *tu_date_format(int32_t days, char *buf) {
    int y, m, d;
    tu_date_to_ymd(days, &y, &m, &d);
    if (y < 0 || y > 9999) y = 0;
    snprintf(buf, TU_DATE_BUFSZ, "%04u-%02u-%02u", (unsigned)y % 10000u, (unsigned)m % 100u, (unsigned)d % 100u);
    return buf;
}

int32_t tu_date_today(void) { return (int32_t)(time(NULL) / 86400); }

long tu_utf8_invalid_at(const char *str, size_t len) {
    const unsigned char *s = (const unsigned char *)str;
    size_t i = 0;
    while (i < len) {
        unsigned c = s[i];
        size_t n;
        unsigned min;
        if (c < 0x80) { i++; continue; }
        else if ((c & 0xE0) == 0xC0) n = 1, min = 0x80, c &= 0x1F;
        else if ((c & 0xF0) == 0xE0) n = 2, min = 0x800, c &= 0x0F;
        else if ((c & 0xF8) == 0xF0) n = 3, min = 0x10000, c &= 0x07;
        else return (long)i;
        for (size_t k = 1; k <= n; k++) {
            if (i + k >= len || (s[i + k] & 0xC0) != 0x80) return (long)i;
            c = (c << 6) | (s[i + k] & 0x3F);
        }
        if (c < min || c > 0x10FFFF || (c >= 0xD800 && c <= 0xDFFF)) return (long)i;
        i += n + 1;
    }
    return -1;
}
