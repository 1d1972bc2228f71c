/* codes.h — the official code lists and standards: USCC (GB 32100-2015), cities (GB/T 2260), industries
 * (GB/T 4754-2017), 2017 size classes, above-scale status, statistical regions, energy-review tiers.
 *
 * The tables come from the CSV files of data/, compiled in by scripts/gen_codes.py; lookups are read-only and thread-safe.
 */
#ifndef TU_CORE_CODES_H
#define TU_CORE_CODES_H

#include <stddef.h>
#include <stdint.h>

#include "core/error.h"

/* ---- USCC ---- */
#define TU_USCC_LEN 18
extern const char tu_uscc_alphabet[32]; /* "0123456789ABCDEFGHJKLMNPQRTUWXY" */

/* Value (0..30) of a USCC character, or -1. */
int tu_uscc_char_value(char c);
/* Check character (18th) for the first 17 characters, or '\0' if one of them is not in the alphabet. */
char tu_uscc_check_char(const char *first17);
/* Validates an 18-character USCC. Returns TU_OK or TU_EINVAL with the reason in err. When the embedded
 * organisation code fails its own mod-11 check, *org_warning (if not NULL) is set to 1 and TU_OK is returned. */
int tu_uscc_validate(const char *s, size_t len, int *org_warning, tu_err *err);
/* GB 11714 check character for organisation code positions 9..16 (8 chars): '0'..'9' or 'X'; '\0' if invalid. */
char tu_org_check_char(const char *eight);

/* ---- statistical regions of Guangdong ---- */
typedef enum { TU_REGION_PRD = 0, TU_REGION_EAST, TU_REGION_WEST, TU_REGION_NORTH, TU_REGION_COUNT } tu_region;
const char *tu_region_name(int region);      /* "pearl_river_delta" */
int tu_region_parse(const char *s);           /* -1 if unknown */

/* ---- cities (GB/T 2260) ---- */
typedef struct tu_city {
    uint32_t code; /* 440300 */
    const char *name_zh, *name_en;
    int region;    /* tu_region */
    int above_scale_2022, above_scale_2023;
} tu_city;

int tu_city_count(void);
const tu_city *tu_city_at(int i);
const tu_city *tu_city_find(uint32_t code); /* NULL if not a city of the province */
int tu_city_index(uint32_t code);           /* 0..count-1, or -1 */
/* District rule: 6 digits whose first four are the city's, not the city code itself. */
int tu_district_valid(uint32_t city, uint32_t district);

/* ---- industries (GB/T 4754-2017) ---- */
typedef struct tu_industry {
    const char *code; /* "C" or "C38" */
    const char *name_zh, *name_en;
    int is_division;
} tu_industry;

int tu_industry_count(void);
const tu_industry *tu_industry_at(int i);
const tu_industry *tu_industry_find(const char *code, size_t len); /* a section or a division */
/* Validates an industry code: section letter + 2..4 digits whose division exists under that section.
 * Fills division (3 chars + NUL) when not NULL. */
int tu_industry_validate(const char *s, size_t len, char division[4], tu_err *err);
/* Index of a division ("C38") among divisions, 0..96, or -1. */
int tu_division_index(const char *div3);
int tu_division_count(void);
const tu_industry *tu_division_at(int idx);
int tu_is_industrial_section(char section); /* B, C, D */

/* ---- size classes (2017) ---- */
typedef enum { TU_SIZE_LARGE = 0, TU_SIZE_MEDIUM, TU_SIZE_SMALL, TU_SIZE_MICRO, TU_SIZE_COUNT } tu_size;
const char *tu_size_name(int size);  /* "large" */
int tu_size_parse(const char *s, size_t len); /* -1 if unknown */

typedef struct tu_size_group {
    const char *group, *scope, *name_en;
    int64_t min_employees[3]; /* large, medium, small; -1 = not used */
    int64_t min_revenue[3];   /* 万元; -1 = not used */
} tu_size_group;

const tu_size_group *tu_size_group_for(const char *industry, size_t len);
/* Derives the size class. has_* say which indicators are known; revenue is fixed-point (TU_DEC_SCALE).
 * Returns a tu_size, or -1 when the known indicators cannot decide it. */
int tu_size_derive(const char *industry, size_t len, int has_employees, int64_t employees, int has_revenue,
                   int64_t revenue_dec);

/* Above-scale industrial enterprise: sections B, C, D with revenue >= 2000 万元. */
int tu_is_above_scale(char section, int64_t revenue_dec);

/* ---- energy review tiers (节能审查) ---- */
typedef enum { TU_ENERGY_NONE = 0, TU_ENERGY_COUNTY, TU_ENERGY_CITY, TU_ENERGY_PROVINCE } tu_energy_tier;
/* tce and kwh are fixed-point (TU_DEC_SCALE). */
int tu_energy_review_tier(int64_t tce_dec, int64_t kwh_dec);
const char *tu_energy_tier_name(int tier);

/* Generated tables (codes_data.c). */
extern const tu_city tu__cities[];
extern const int tu__city_count;
extern const tu_industry tu__industries[];
extern const int tu__industry_count;
extern const tu_size_group tu__size_groups[];
extern const int tu__size_group_count;

#endif
