/* catalog.c — lookups in the attribute, formula-field and tag tables of catalog.h. */
#include "core/catalog.h"

#include <string.h>

#include "core/num.h"

static const tu_attr attrs[TU_A_COUNT] = {
#define TU__ATTR_ROW(id, name, type, uz, ue, lz, le, flags) {TU_A_##id, name, TU_T_##type, uz, ue, lz, le, flags},
    TU_ATTR_MAP(TU__ATTR_ROW)
#undef TU__ATTR_ROW
};

static const tu_field fields[TU_F_COUNT] = {
#define TU__FIELD_ROW(id, name, type, uz, ue, lz, le) {TU_F_##id, name, TU_T_##type, uz, ue, lz, le},
    TU_FIELD_MAP(TU__FIELD_ROW)
#undef TU__FIELD_ROW
};

static const tu_tag tags[TU_TAG_COUNT] = {
#define TU__TAG_ROW(id, name, lz, le) {TU_TAG_##id, name, lz, le},
    TU_TAG_MAP(TU__TAG_ROW)
#undef TU__TAG_ROW
};

const tu_attr *tu_attr_get(int id) { return id >= 0 && id < TU_A_COUNT ? &attrs[id] : NULL; }

const tu_attr *tu_attr_find(const char *name, size_t len) {
    for (int i = 0; i < TU_A_COUNT; i++)
        if (strlen(attrs[i].name) == len && memcmp(attrs[i].name, name, len) == 0) return &attrs[i];
    return NULL;
}

const char *tu_attr_type_name(tu_attr_type t) {
    static const char *const names[] = {"text", "code", "enum", "integer", "decimal", "date", "boolean", "tags"};
    return (unsigned)t < sizeof names / sizeof names[0] ? names[t] : "";
}

const tu_tag *tu_tag_get(int id) { return id >= 0 && id < TU_TAG_COUNT ? &tags[id] : NULL; }

const tu_tag *tu_tag_find(const char *name, size_t len) {
    for (int i = 0; i < TU_TAG_COUNT; i++)
        if (strlen(tags[i].name) == len && memcmp(tags[i].name, name, len) == 0) return &tags[i];
    return NULL;
}

int tu_attr_scale_places(const tu_attr *a) { return a && a->type == TU_T_DEC ? TU_DEC_PLACES : 0; }

const tu_field *tu_field_get(int id) { return id >= 0 && id < TU_F_COUNT ? &fields[id] : NULL; }

const tu_field *tu_field_find(const char *name, size_t len) {
    for (int i = 0; i < TU_F_COUNT; i++)
        if (strlen(fields[i].name) == len && memcmp(fields[i].name, name, len) == 0) return &fields[i];
    return NULL;
}
