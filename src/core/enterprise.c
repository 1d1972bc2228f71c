/* enterprise.c — parsing, validation, derivation and printing of one enterprise record. */
#include "core/enterprise.h"

#include <stdio.h>
#include <stdint.h>
#include <string.h>

#include "core/codes.h"
#include "core/num.h"

void tu_ent_init(tu_ent *e) {
    memset(e, 0, sizeof *e);
    e->size = -1;
    e->region = -1;
}

int tu_tags_parse(const char *s, size_t len, uint32_t *out, tu_err *err) {
    uint32_t bits = 0;
    size_t i = 0;
    while (i < len) {
        size_t j = i;
        while (j < len && s[j] != ';') j++;
        size_t a = i, b = j;
        while (a < b && s[a] == ' ') a++;
        while (b > a && s[b - 1] == ' ') b--;
        if (b > a) {
            const tu_tag *t = tu_tag_find(s + a, b - a);
            if (!t) return tu_err_set(err, TU_EINVAL, "unknown tag '%.*s'", (int)(b - a > 40 ? 40 : b - a), s + a);
            bits |= 1u << t->id;
        }
        i = j + 1;
    }
    *out = bits;
    return TU_OK;
}

static int parse_code6(const char *s, size_t len, uint32_t *out) {
    if (len != 6) return -1;
    uint32_t v = 0;
    for (size_t i = 0; i < 6; i++) {
        if (s[i] < '0' || s[i] > '9') return -1;
        v = v * 10 + (uint32_t)(s[i] - '0');
    }
    *out = v;
    return 0;
}

static int set_number(const tu_attr *a, int64_t *slot, const char *s, size_t len, tu_err *err) {
    int64_t v;
    int rc = a->type == TU_T_DEC ? tu_dec_parse(s, len, &v, err) : tu_int_parse(s, len, &v, err);
    if (rc) return rc;
    if ((a->flags & TU_AF_NONNEG) && v < 0) return tu_err_set(err, TU_EINVAL, "%s may not be negative", a->name);
    *slot = v;
    return TU_OK;
}

static int set_cell(tu_ent *e, const tu_attr *a, const char *s, size_t len, int32_t today, tu_err *err);

int tu_ent_set_cell(tu_ent *e, int attr, const char *s, size_t len, int32_t today, tu_err *err) {
    const tu_attr *a = tu_attr_get(attr);
    if (!a || (a->flags & TU_AF_DERIVED)) return tu_err_set(err, TU_EINVAL, "attribute cannot be set");
    int rc = set_cell(e, a, s, len, today, err);
    if (rc && err) snprintf(err->field, sizeof err->field, "%s", a->name); /* only on failure: imports call this 10^8 times */
    return rc;
}

static int set_cell(tu_ent *e, const tu_attr *a, const char *s, size_t len, int32_t today, tu_err *err) {
    int attr = a->id;
    if (len == 0) {
        if (a->flags & TU_AF_REQUIRED) return tu_err_set(err, TU_EINVAL, "%s is required", a->name);
        e->present &= ~(1u << attr);
        if (attr == TU_A_TAGS) e->tags = 0, e->present |= 1u << attr;
        if (attr == TU_A_SIZE) e->size = -1, e->size_given = 0;
        return TU_OK;
    }
    long bad = tu_utf8_invalid_at(s, len);
    if (bad >= 0) return tu_err_set(err, TU_EINVAL, "not valid UTF-8 at byte %ld", bad + 1);
    int rc = TU_OK;
    uint32_t code;
    switch (attr) {
    case TU_A_USCC:
        rc = tu_uscc_validate(s, len, NULL, err);
        if (!rc) memcpy(e->uscc, s, TU_USCC_LEN), e->uscc[TU_USCC_LEN] = '\0';
        break;
    case TU_A_NAME:
        if (len > TU_NAME_MAX) return tu_err_set(err, TU_EINVAL, "name is longer than %d bytes", TU_NAME_MAX);
        memcpy(e->name, s, len), e->name[len] = '\0';
        break;
    case TU_A_CITY:
        if (parse_code6(s, len, &code) || !tu_city_find(code))
            return tu_err_set(err, TU_EINVAL, "'%.*s' is not a city code of the province (GB/T 2260)",
                              (int)(len > 20 ? 20 : len), s);
        e->city = code;
        break;
    case TU_A_DISTRICT:
        if (parse_code6(s, len, &code))
            return tu_err_set(err, TU_EINVAL, "'%.*s' is not a 6-digit district code", (int)(len > 20 ? 20 : len), s);
        e->district = code;
        break;
    case TU_A_INDUSTRY:
        rc = tu_industry_validate(s, len, e->division, err);
        if (!rc) memcpy(e->industry, s, len), e->industry[len] = '\0';
        break;
    case TU_A_SIZE: {
        int sz = tu_size_parse(s, len);
        if (sz < 0) return tu_err_set(err, TU_EINVAL, "size must be large, medium, small or micro");
        e->size = (int8_t)sz, e->size_given = 1;
        break;
    }
    case TU_A_REVENUE: rc = set_number(a, &e->revenue, s, len, err); break;
    case TU_A_EMPLOYEES: /* the match index keeps 32 bits: more than 2^31 - 1 staff is a data error */
        rc = set_number(a, &e->employees, s, len, err);
        if (!rc && e->employees > INT32_MAX) rc = tu_err_set(err, TU_EINVAL, "employees: at most 2147483647");
        break;
    case TU_A_RD_RATIO: rc = set_number(a, &e->rd_ratio, s, len, err); break;
    case TU_A_ENERGY_TCE: rc = set_number(a, &e->energy_tce, s, len, err); break;
    case TU_A_FOUNDED:
        rc = tu_date_parse(s, len, &e->founded, err);
        if (!rc && e->founded > today) return tu_err_set(err, TU_EINVAL, "founding date %.*s is in the future", (int)len, s);
        break;
    case TU_A_TAGS: rc = tu_tags_parse(s, len, &e->tags, err); break;
    default: return tu_err_set(err, TU_EINVAL, "attribute cannot be set");
    }
    if (rc) return rc;
    e->present |= 1u << attr;
    return TU_OK;
}

int tu_ent_finish(tu_ent *e, tu_err *err) {
    static const int required[] = {TU_A_USCC, TU_A_NAME, TU_A_CITY};
    for (size_t i = 0; i < sizeof required / sizeof required[0]; i++)
        if (!TU_ENT_HAS(e, required[i])) {
            if (err) snprintf(err->field, sizeof err->field, "%s", tu_attr_get(required[i])->name);
            return tu_err_set(err, TU_EINVAL, "%s is required", tu_attr_get(required[i])->name);
        }
    if (TU_ENT_HAS(e, TU_A_DISTRICT) && !tu_district_valid(e->city, e->district)) {
        if (err) snprintf(err->field, sizeof err->field, "district");
        return tu_err_set(err, TU_EINVAL, "district %06u is not under city %06u", e->district, e->city);
    }
    e->present |= 1u << TU_A_TAGS; /* no tags on record = the empty set */
    e->region = (int8_t)tu_city_find(e->city)->region;
    e->present |= 1u << TU_A_REGION;
    if (TU_ENT_HAS(e, TU_A_INDUSTRY)) e->present |= (1u << TU_A_INDUSTRY_SECTION) | (1u << TU_A_INDUSTRY_DIVISION);
    else e->present &= ~((1u << TU_A_INDUSTRY_SECTION) | (1u << TU_A_INDUSTRY_DIVISION));
    if (!e->size_given) {
        int sz = TU_ENT_HAS(e, TU_A_INDUSTRY)
                     ? tu_size_derive(e->industry, strlen(e->industry), TU_ENT_HAS(e, TU_A_EMPLOYEES), e->employees,
                                      TU_ENT_HAS(e, TU_A_REVENUE), e->revenue)
                     : -1;
        e->size = (int8_t)sz;
        if (sz >= 0) e->present |= 1u << TU_A_SIZE;
        else e->present &= ~(1u << TU_A_SIZE);
    }
    return TU_OK;
}

static void num(tu_value *v, int64_t x, int places) {
    v->kind = TU_V_NUM, v->num = x, v->places = places;
}

static void str(tu_value *v, const char *s, size_t len) {
    v->kind = TU_V_STR, v->str = s, v->len = len;
}

void tu_ent_get(const tu_ent *e, int attr, tu_value *v) {
    memset(v, 0, sizeof *v);
    if (attr < 0 || attr >= TU_A_COUNT || !TU_ENT_HAS(e, attr)) return;
    switch (attr) {
    case TU_A_USCC: str(v, e->uscc, TU_USCC_LEN); break;
    case TU_A_NAME: str(v, e->name, strlen(e->name)); break;
    case TU_A_CITY: num(v, e->city, 0); break;
    case TU_A_DISTRICT: num(v, e->district, 0); break;
    case TU_A_INDUSTRY: str(v, e->industry, strlen(e->industry)); break;
    case TU_A_INDUSTRY_SECTION: str(v, e->industry, 1); break;
    case TU_A_INDUSTRY_DIVISION: str(v, e->division, 3); break;
    case TU_A_SIZE: {
        const char *n = tu_size_name(e->size);
        str(v, n, strlen(n));
        break;
    }
    case TU_A_REGION: {
        const char *n = tu_region_name(e->region);
        str(v, n, strlen(n));
        break;
    }
    case TU_A_REVENUE: num(v, e->revenue, TU_DEC_PLACES); break;
    case TU_A_EMPLOYEES: num(v, e->employees, 0); break;
    case TU_A_RD_RATIO: num(v, e->rd_ratio, TU_DEC_PLACES); break;
    case TU_A_ENERGY_TCE: num(v, e->energy_tce, TU_DEC_PLACES); break;
    case TU_A_FOUNDED: v->kind = TU_V_DATE, v->num = e->founded; break;
    case TU_A_TAGS: v->kind = TU_V_TAGS, v->tags = e->tags; break;
    }
}

static int format_tags(uint32_t tags, char *buf, size_t n) {
    size_t used = 0;
    buf[0] = '\0';
    for (int t = 0; t < TU_TAG_COUNT; t++) {
        if (!(tags >> t & 1u)) continue;
        int k = snprintf(buf + used, n - used, "%s%s", used ? ";" : "", tu_tag_get(t)->name);
        if (k < 0 || (size_t)k >= n - used) return -1;
        used += (size_t)k;
    }
    return (int)used;
}

int tu_ent_format(const tu_ent *e, int attr, char *buf, size_t n) {
    char tmp[TU_DEC_BUFSZ];
    int k;
    if (n == 0) return -1;
    buf[0] = '\0';
    if (attr == TU_A_SIZE && !e->size_given) return 0; /* a derived size is not data: export leaves it empty */
    if (attr < 0 || attr >= TU_A_COUNT || !TU_ENT_HAS(e, attr)) return 0;
    switch (attr) {
    case TU_A_CITY: k = snprintf(buf, n, "%06u", e->city); break;
    case TU_A_DISTRICT: k = snprintf(buf, n, "%06u", e->district); break;
    case TU_A_REVENUE: k = snprintf(buf, n, "%s", tu_dec_format(e->revenue, tmp)); break;
    case TU_A_RD_RATIO: k = snprintf(buf, n, "%s", tu_dec_format(e->rd_ratio, tmp)); break;
    case TU_A_ENERGY_TCE: k = snprintf(buf, n, "%s", tu_dec_format(e->energy_tce, tmp)); break;
    case TU_A_EMPLOYEES: k = snprintf(buf, n, "%lld", (long long)e->employees); break;
    case TU_A_FOUNDED: k = snprintf(buf, n, "%s", tu_date_format(e->founded, tmp)); break;
    case TU_A_TAGS: return format_tags(e->tags, buf, n);
    default: {
        tu_value v;
        tu_ent_get(e, attr, &v);
        k = snprintf(buf, n, "%.*s", (int)v.len, v.str);
    }
    }
    return k < 0 || (size_t)k >= n ? -1 : k;
}
