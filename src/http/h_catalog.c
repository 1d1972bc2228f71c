/* h_catalog.c — the attribute, formula-field and tag catalog (core/catalog.h) as JSON, for forms, rule editors and
 * clients. Public: it describes the data model, not any enterprise. Built per request (~5 KB). */
#include "core/catalog.h"
#include "http/http_int.h"

static json_t *flags_json(unsigned f) {
    return json_pack("{s:b,s:b,s:b,s:b}", "csv", (f & TU_AF_CSV) != 0, "required", (f & TU_AF_REQUIRED) != 0,
                     "derived", (f & TU_AF_DERIVED) != 0, "non_negative", (f & TU_AF_NONNEG) != 0);
}

int tu_h_catalog(tu_req *r, tu_err *err) {
    (void)err;
    json_t *attrs = json_array(), *fields = json_array(), *tags = json_array();
    for (int i = 0; i < TU_A_COUNT; i++) {
        const tu_attr *a = tu_attr_get(i);
        json_array_append_new(attrs, json_pack("{s:s,s:s,s:{s:s,s:s},s:{s:s,s:s},s:o}", "name", a->name, "type",
                                               tu_attr_type_name(a->type), "unit", "zh", a->unit_zh, "en",
                                               a->unit_en, "label", "zh", a->label_zh, "en", a->label_en, "flags",
                                               flags_json(a->flags)));
    }
    for (int i = 0; i < TU_F_COUNT; i++) {
        const tu_field *f = tu_field_get(i);
        json_array_append_new(fields, json_pack("{s:s,s:s,s:{s:s,s:s},s:{s:s,s:s}}", "name", f->name, "type",
                                                tu_attr_type_name(f->type), "unit", "zh", f->unit_zh, "en",
                                                f->unit_en, "label", "zh", f->label_zh, "en", f->label_en));
    }
    for (int i = 0; i < TU_TAG_COUNT; i++) {
        const tu_tag *t = tu_tag_get(i);
        json_array_append_new(tags, json_pack("{s:s,s:{s:s,s:s}}", "name", t->name, "label", "zh", t->label_zh,
                                              "en", t->label_en));
    }
    return tu_reply_json(r, 200, json_pack("{s:o,s:o,s:o}", "attributes", attrs, "formula_fields", fields, "tags", tags));
}
