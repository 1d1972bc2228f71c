/* enterprise.h — one enterprise's record (一企一档) as every layer sees it.
 *
 * A tu_ent is a plain value (no pointers; copy it freely). Each catalog attribute has a presence bit in
 * `present`; a missing value is not zero. tu_ent_set_cell() parses and validates one CSV/API text value,
 * tu_ent_finish() checks cross-field rules and computes the derived attributes, tu_ent_get() reads any
 * attribute generically (rules and the index use it), tu_ent_format() prints one back as CSV text.
 */
#ifndef TU_CORE_ENTERPRISE_H
#define TU_CORE_ENTERPRISE_H

#include <stddef.h>
#include <stdint.h>

#include "core/catalog.h"
#include "core/error.h"

#define TU_NAME_MAX 300 /* bytes of UTF-8 */

typedef struct tu_ent {
    char uscc[19];
    char name[TU_NAME_MAX + 1];
    uint32_t city, district;
    char industry[6];   /* "C3811" */
    char division[4];   /* derived: "C38" */
    int8_t size;        /* tu_size, given or derived; valid when the TU_A_SIZE bit is set */
    uint8_t size_given; /* 1 when size came from the data, 0 when derived */
    int8_t region;      /* derived from city */
    int64_t revenue;    /* 万元, fixed-point TU_DEC_SCALE */
    int64_t employees;
    int64_t rd_ratio;   /* %, fixed-point */
    int64_t energy_tce; /* fixed-point */
    int32_t founded;    /* days since epoch */
    uint32_t tags;      /* bit per tu_tag_id */
    uint32_t present;   /* bit per tu_attr_id */
} tu_ent;

#define TU_ENT_HAS(e, id) (((e)->present >> (id)) & 1u)

typedef enum { TU_V_MISSING = 0, TU_V_NUM, TU_V_STR, TU_V_TAGS, TU_V_DATE } tu_value_kind;

/* A read-only view of one attribute value. For TU_V_NUM, `num` is the stored integer and `places` its decimal
 * places (value = num / 10^places); for TU_V_STR, str points into the record (or a static table) with len
 * bytes; for TU_V_DATE, `num` is days since epoch. */
typedef struct tu_value {
    tu_value_kind kind;
    int places;
    int64_t num;
    const char *str;
    size_t len;
    uint32_t tags;
} tu_value;

void tu_ent_init(tu_ent *e);
/* Parses one text value for a CSV attribute (not a derived one). An empty text clears the value (missing),
 * except for required attributes (error) and tags (the empty set). today: days since epoch, for "not in the
 * future" checks. Returns TU_OK or TU_EINVAL with err->msg set. */
int tu_ent_set_cell(tu_ent *e, int attr, const char *s, size_t len, int32_t today, tu_err *err);
/* Cross-field validation and derived attributes (division, section, region; size when not given).
 * Requires uscc, name and city to be present. Returns TU_OK or TU_EINVAL with err->field and err->msg. */
int tu_ent_finish(tu_ent *e, tu_err *err);
void tu_ent_get(const tu_ent *e, int attr, tu_value *out);
/* Writes the CSV text of one attribute into buf (NUL-terminated, empty when missing). Returns its length,
 * or -1 if it did not fit. */
int tu_ent_format(const tu_ent *e, int attr, char *buf, size_t n);
/* Tag list "high_tech;above_scale" -> bits. Returns TU_EINVAL naming the unknown tag. */
int tu_tags_parse(const char *s, size_t len, uint32_t *out, tu_err *err);

#endif
