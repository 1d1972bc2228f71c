/* codes.c — USCC check characters, code-list lookups and the size-class, above-scale and energy-tier rules.
 * All rules follow data/README.md; the numeric thresholds live in the generated tables, not here. */
#include "core/codes.h"

#include <pthread.h>
#include <string.h>

#include "core/num.h"

const char tu_uscc_alphabet[32] = "0123456789ABCDEFGHJKLMNPQRTUWXY";

int tu_uscc_char_value(char c) {
    const char *p = c ? memchr(tu_uscc_alphabet, c, 31) : NULL;
    return p ? (int)(p - tu_uscc_alphabet) : -1;
}

char tu_uscc_check_char(const char *first17) {
    int sum = 0, w = 1;
    for (int i = 0; i < 17; i++) {
        int v = tu_uscc_char_value(first17[i]);
        if (v < 0) return '\0';
        sum += v * w;
        w = (w * 3) % 31;
    }
    return tu_uscc_alphabet[(31 - sum % 31) % 31];
}

char tu_org_check_char(const char *eight) {
    static const int w[8] = {3, 7, 9, 10, 5, 8, 4, 2};
    int sum = 0;
    for (int i = 0; i < 8; i++) {
        char c = eight[i];
        int v;
        if (c >= '0' && c <= '9') v = c - '0';
        else if (c >= 'A' && c <= 'Z') v = c - 'A' + 10;
        else return '\0';
        sum += v * w[i];
    }
    int r = 11 - sum % 11;
    return r == 10 ? 'X' : r == 11 ? '0' : (char)('0' + r);
}

int tu_uscc_validate(const char *s, size_t len, int *org_warning, tu_err *err) {
    if (org_warning) *org_warning = 0;
    if (len != TU_USCC_LEN)
        return tu_err_set(err, TU_EINVAL, "a USCC has 18 characters, this one has %zu", len);
    for (size_t i = 0; i < len; i++)
        if (tu_uscc_char_value(s[i]) < 0)
            return tu_err_set(err, TU_EINVAL, "character %zu ('%c') is not allowed in a USCC", i + 1,
                              (s[i] >= 32 && s[i] < 127) ? s[i] : '?');
    for (int i = 2; i < 8; i++)
        if (s[i] < '0' || s[i] > '9')
            return tu_err_set(err, TU_EINVAL, "characters 3-8 of a USCC are an area code of 6 digits");
    char want = tu_uscc_check_char(s);
    if (want != s[17])
        return tu_err_set(err, TU_EINVAL, "check character is '%c', expected '%c'", s[17], want);
    if (org_warning && tu_org_check_char(s + 8) != s[16]) *org_warning = 1;
    return TU_OK;
}

/* ---- regions ---- */
static const char *const region_names[TU_REGION_COUNT] = {"pearl_river_delta", "east", "west", "north"};

const char *tu_region_name(int region) {
    return region >= 0 && region < TU_REGION_COUNT ? region_names[region] : "";
}

int tu_region_parse(const char *s) {
    for (int i = 0; i < TU_REGION_COUNT; i++)
        if (strcmp(s, region_names[i]) == 0) return i;
    return -1;
}

/* ---- cities ---- */
int tu_city_count(void) { return tu__city_count; }
const tu_city *tu_city_at(int i) { return i >= 0 && i < tu__city_count ? &tu__cities[i] : NULL; }

int tu_city_index(uint32_t code) {
    for (int i = 0; i < tu__city_count; i++)
        if (tu__cities[i].code == code) return i;
    return -1;
}

const tu_city *tu_city_find(uint32_t code) { return tu_city_at(tu_city_index(code)); }

int tu_district_valid(uint32_t city, uint32_t district) {
    return district >= 100000 && district <= 999999 && district / 100 == city / 100 && district != city;
}

/* ---- industries ---- */
int tu_industry_count(void) { return tu__industry_count; }
const tu_industry *tu_industry_at(int i) { return i >= 0 && i < tu__industry_count ? &tu__industries[i] : NULL; }

/* ---- O(1) lookups by division number (GB/T 4754 numbers divisions 01..97 across all sections), built once:
 * imports and the start-up scan look up a division and its size group for every one of millions of rows. ---- */
static const tu_industry *div_by_num[100];
static const tu_size_group *group_by_num[100];
static unsigned char group_longer[100]; /* a size-group scope longer than the division exists (K7020) */
static pthread_once_t fast_once = PTHREAD_ONCE_INIT;

static const tu_size_group *group_slow(const char *industry, size_t len);

static int division_num(const char *s) {
    if (s[0] < 'A' || s[0] > 'T' || s[1] < '0' || s[1] > '9' || s[2] < '0' || s[2] > '9') return -1;
    return (s[1] - '0') * 10 + (s[2] - '0');
}

static void build_fast(void) {
    for (int i = 0; i < tu__industry_count; i++) {
        const tu_industry *d = &tu__industries[i];
        if (!d->is_division || strlen(d->code) != 3 || division_num(d->code) < 0) continue;
        int num = division_num(d->code);
        div_by_num[num] = d;
        group_by_num[num] = group_slow(d->code, 3);
        for (int g = 0; g < tu__size_group_count; g++)
            for (const char *sc = tu__size_groups[g].scope; *sc;) {
                size_t n = strcspn(sc, ";");
                if (n > 3 && memcmp(sc, d->code, 3) == 0) group_longer[num] = 1;
                sc += n + (sc[n] == ';');
            }
    }
}

/* The division entry of a 3-character code, or NULL. */
static const tu_industry *division_fast(const char *code) {
    pthread_once(&fast_once, build_fast);
    int num = division_num(code);
    const tu_industry *d = num >= 0 ? div_by_num[num] : NULL;
    return d && d->code[0] == code[0] ? d : NULL;
}

const tu_industry *tu_industry_find(const char *code, size_t len) {
    if (len == 3) return division_fast(code);
    for (int i = 0; i < tu__industry_count; i++)
        if (strlen(tu__industries[i].code) == len && memcmp(tu__industries[i].code, code, len) == 0)
            return &tu__industries[i];
    return NULL;
}

static int first_division(void) {
    static int first = -1;
    if (first < 0) {
        int i = 0;
        while (i < tu__industry_count && !tu__industries[i].is_division) i++;
        first = i;
    }
    return first;
}

int tu_division_count(void) { return tu__industry_count - first_division(); }

const tu_industry *tu_division_at(int idx) {
    return idx >= 0 && idx < tu_division_count() ? &tu__industries[first_division() + idx] : NULL;
}

int tu_division_index(const char *div3) {
    if (strnlen(div3, 4) != 3) return -1;
    const tu_industry *ind = tu_industry_find(div3, 3);
    return ind && ind->is_division ? (int)(ind - tu__industries) - first_division() : -1;
}

int tu_industry_validate(const char *s, size_t len, char division[4], tu_err *err) {
    if (len < 3 || len > 5 || s[0] < 'A' || s[0] > 'T')
        return tu_err_set(err, TU_EINVAL, "'%.*s' is not a GB/T 4754 code (a section letter and 2 to 4 digits)",
                          (int)(len > 20 ? 20 : len), s);
    for (size_t i = 1; i < len; i++)
        if (s[i] < '0' || s[i] > '9')
            return tu_err_set(err, TU_EINVAL, "'%.*s' is not a GB/T 4754 code (a section letter and 2 to 4 digits)",
                              (int)(len > 20 ? 20 : len), s);
    const tu_industry *d = tu_industry_find(s, 3);
    if (!d || !d->is_division)
        return tu_err_set(err, TU_EINVAL, "industry division %.3s does not exist in GB/T 4754-2017", s);
    if (division) memcpy(division, s, 3), division[3] = '\0';
    return TU_OK;
}

int tu_is_industrial_section(char section) { return section == 'B' || section == 'C' || section == 'D'; }

/* ---- size classes ---- */
static const char *const size_names[TU_SIZE_COUNT] = {"large", "medium", "small", "micro"};

const char *tu_size_name(int size) { return size >= 0 && size < TU_SIZE_COUNT ? size_names[size] : ""; }

int tu_size_parse(const char *s, size_t len) {
    for (int i = 0; i < TU_SIZE_COUNT; i++)
        if (strlen(size_names[i]) == len && memcmp(s, size_names[i], len) == 0) return i;
    return -1;
}

/* Does one `;`-separated scope entry cover the industry code? Returns the entry's length (specificity) or 0. */
static size_t scope_match(const char *scope, const char *ind, size_t len) {
    size_t best = 0;
    while (*scope) {
        const char *end = strchr(scope, ';');
        size_t n = end ? (size_t)(end - scope) : strlen(scope);
        if (n <= len && memcmp(scope, ind, n) == 0 && n > best) best = n;
        scope += n + (end != NULL);
    }
    return best;
}

const tu_size_group *tu_size_group_for(const char *industry, size_t len) {
    const tu_industry *d = len >= 3 ? division_fast(industry) : NULL;
    int num = d ? division_num(industry) : -1;
    return d && !group_longer[num] ? group_by_num[num] : group_slow(industry, len);
}

static const tu_size_group *group_slow(const char *industry, size_t len) {
    const tu_size_group *best = NULL, *fallback = NULL;
    size_t best_n = 0;
    for (int i = 0; i < tu__size_group_count; i++) {
        const tu_size_group *g = &tu__size_groups[i];
        if (strcmp(g->scope, "*") == 0) {
            fallback = g;
            continue;
        }
        size_t n = scope_match(g->scope, industry, len);
        if (n > best_n) best = g, best_n = n;
    }
    return best ? best : fallback;
}

/* The class one indicator gives alone: the largest class whose bound it reaches (bounds inclusive). */
static int class_by(const int64_t min[3], int64_t v) {
    for (int c = 0; c < 3; c++)
        if (v >= min[c]) return c;
    return TU_SIZE_MICRO;
}

int tu_size_derive(const char *industry, size_t len, int has_employees, int64_t employees, int has_revenue,
                   int64_t revenue_dec) {
    const tu_size_group *g = industry && len ? tu_size_group_for(industry, len) : NULL;
    if (!g) return -1;
    int uses_revenue = g->min_revenue[0] >= 0;
    int64_t rev_min[3];
    for (int c = 0; c < 3; c++) rev_min[c] = g->min_revenue[c] * TU_DEC_SCALE;
    int ce = has_employees ? class_by(g->min_employees, employees) : -1;
    if (!uses_revenue) return ce;
    int cr = has_revenue ? class_by(rev_min, revenue_dec) : -1;
    if (ce >= 0 && cr >= 0) return ce > cr ? ce : cr; /* the smaller class has the larger enum value */
    int known = ce >= 0 ? ce : cr;
    return known == TU_SIZE_MICRO ? TU_SIZE_MICRO : -1; /* one indicator alone decides only "micro" */
}

int tu_is_above_scale(char section, int64_t revenue_dec) {
    return tu_is_industrial_section(section) && revenue_dec >= (int64_t)2000 * TU_DEC_SCALE;
}

/* ---- energy review ---- */
int tu_energy_review_tier(int64_t tce, int64_t kwh) {
    const int64_t S = TU_DEC_SCALE;
    if (tce >= 10000 * S) return TU_ENERGY_PROVINCE;
    if (tce >= 5000 * S) return TU_ENERGY_CITY;
    if (tce >= 1000 * S || kwh >= (int64_t)5000000 * S) return TU_ENERGY_COUNTY;
    return TU_ENERGY_NONE;
}

const char *tu_energy_tier_name(int tier) {
    static const char *const names[] = {"none", "county", "city", "provincial"};
    return tier >= 0 && tier <= TU_ENERGY_PROVINCE ? names[tier] : "";
}
