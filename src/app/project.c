/* project.c — project JSON form, validation with field-named errors, the data rules see, and the declare / edit /
 * read / list use cases. Workload: one project per request; equipment lists of up to 1000 lines. */
#include "app/project.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "app/app_int.h"
#include "core/alloc.h"
#include "core/codes.h"
#include "core/num.h"
#include "rules/rules.h"

static const char *const type_names[] = {
#define TU__PT_NAME(name, zh) name,
    TU_PROJECT_TYPE_MAP(TU__PT_NAME)
#undef TU__PT_NAME
};

int tu_project_type_valid(const char *name) {
    for (size_t i = 0; i < sizeof type_names / sizeof type_names[0]; i++)
        if (strcmp(name, type_names[i]) == 0) return 1;
    return 0;
}

/* Sets err->field and the message; returns TU_EVALIDATION. */
static int bad(tu_err *err, const char *field, const char *fmt, ...) __attribute__((format(printf, 3, 4)));
static int bad(tu_err *err, const char *field, const char *fmt, ...) {
    if (!err) return TU_EVALIDATION;
    char msg[sizeof err->msg];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof msg, fmt, ap);
    va_end(ap);
    tu_err_set(err, TU_EVALIDATION, "%s: %s", field, msg);
    snprintf(err->field, sizeof err->field, "%s", field);
    return TU_EVALIDATION;
}

/* ---- JSON form ---- */

/* Reads a fixed-point number (places 2 = money, 4 = decimal) from a string, integer or real member. */
static int get_fixed(const json_t *o, const char *key, const char *field, int places, int64_t *out, tu_err *err) {
    const json_t *v = json_object_get(o, key);
    if (!v || json_is_null(v)) return TU_OK;
    char buf[64];
    if (json_is_string(v))
        snprintf(buf, sizeof buf, "%s", json_string_value(v));
    else if (json_is_integer(v))
        snprintf(buf, sizeof buf, "%lld", (long long)json_integer_value(v));
    else if (json_is_real(v)) {
        double d = json_real_value(v);
        for (int prec = 1; prec <= 17; prec++) {
            snprintf(buf, sizeof buf, "%.*f", prec, d);
            if (strtod(buf, NULL) == d) break;
        }
    } else
        return bad(err, field, "must be a number or a decimal string");
    tu_err e = {0};
    int rc = places == 2 ? tu_money_parse(buf, strlen(buf), out, &e) : tu_dec_parse(buf, strlen(buf), out, &e);
    return rc ? bad(err, field, "%s", e.msg) : TU_OK;
}

static int get_text(const json_t *o, const char *key, const char *field, char *dst, size_t n, tu_err *err) {
    const json_t *v = json_object_get(o, key);
    if (!v || json_is_null(v)) return TU_OK;
    if (!json_is_string(v)) return bad(err, field, "must be a string");
    const char *s = json_string_value(v);
    if (strlen(s) >= n) return bad(err, field, "is longer than %zu bytes", n - 1);
    snprintf(dst, n, "%s", s);
    return TU_OK;
}

static int get_date(const json_t *o, const char *key, int32_t *out, tu_err *err) {
    const json_t *v = json_object_get(o, key);
    if (!v || json_is_null(v)) return TU_OK;
    tu_err e = {0};
    if (!json_is_string(v)) return bad(err, key, "must be a date string YYYY-MM-DD");
    const char *s = json_string_value(v);
    return tu_date_parse(s, strlen(s), out, &e) ? bad(err, key, "%s", e.msg) : TU_OK;
}

static int get_code(const json_t *o, const char *key, uint32_t *out, tu_err *err) {
    const json_t *v = json_object_get(o, key);
    if (!v || json_is_null(v)) return TU_OK;
    if (json_is_integer(v) && json_integer_value(v) > 0 && json_integer_value(v) < 1000000)
        return *out = (uint32_t)json_integer_value(v), TU_OK;
    const char *s = json_is_string(v) ? json_string_value(v) : "";
    if (strlen(s) != 6 || strspn(s, "0123456789") != 6) return bad(err, key, "must be a 6-digit code");
    *out = (uint32_t)strtoul(s, NULL, 10);
    return TU_OK;
}

static int get_int(const json_t *o, const char *key, const char *field, int64_t *out, tu_err *err) {
    const json_t *v = json_object_get(o, key);
    if (!v || json_is_null(v)) return TU_OK;
    if (json_is_integer(v)) return *out = json_integer_value(v), TU_OK;
    tu_err e = {0};
    const char *s = json_is_string(v) ? json_string_value(v) : NULL;
    if (!s || tu_int_parse(s, strlen(s), out, &e)) return bad(err, field, "must be an integer");
    return TU_OK;
}

/* Checks that arr (when present) is an array of at most max objects and allocates n zeroed records for it. */
static int alloc_lines(const json_t *arr, const char *field, size_t max, size_t size, void **out, int *n, tu_err *err) {
    *out = NULL, *n = 0;
    if (!arr) return TU_OK;
    if (!json_is_array(arr)) return bad(err, field, "must be an array");
    size_t k = json_array_size(arr);
    if (k > max) return bad(err, field, "more than %zu entries", max);
    for (size_t i = 0; i < k; i++)
        if (!json_is_object(json_array_get(arr, i))) {
            char f[64];
            snprintf(f, sizeof f, "%s[%zu]", field, i);
            return bad(err, f, "must be an object");
        }
    if (k && !(*out = tu_calloc(k, size))) return tu_err_set(err, TU_ENOMEM, "out of memory");
    *n = (int)k;
    return TU_OK;
}

static int equipment_from_json(const json_t *arr, tu_project *p, tu_err *err) {
    int rc = alloc_lines(arr, "equipment", TU_PROJECT_MAX_EQUIPMENT, sizeof *p->equipment, (void **)&p->equipment,
                         &p->n_equipment, err);
    for (int i = 0; !rc && i < p->n_equipment; i++) {
        const json_t *e = json_array_get(arr, (size_t)i);
        tu_project_equipment *q = &p->equipment[i];
        char f[64];
        snprintf(f, sizeof f, "equipment[%d].item", i);
        if ((rc = get_text(e, "item", f, q->item, sizeof q->item, err))) return rc;
        snprintf(f, sizeof f, "equipment[%d].category", i);
        if ((rc = get_text(e, "category", f, q->category, sizeof q->category, err))) return rc;
        snprintf(f, sizeof f, "equipment[%d].quantity", i);
        if ((rc = get_int(e, "quantity", f, &q->quantity, err))) return rc;
        snprintf(f, sizeof f, "equipment[%d].unit_price", i);
        if ((rc = get_fixed(e, "unit_price", f, 2, &q->unit_price, err))) return rc;
        const json_t *imp = json_object_get(e, "imported");
        snprintf(f, sizeof f, "equipment[%d].imported", i);
        if (imp && !json_is_boolean(imp)) return bad(err, f, "must be true or false");
        q->imported = json_is_true(imp);
    }
    return rc;
}

static int attachments_from_json(const json_t *arr, tu_project *p, tu_err *err) {
    int rc = alloc_lines(arr, "attachments", TU_PROJECT_MAX_ATTACHMENTS, sizeof *p->attachments,
                         (void **)&p->attachments, &p->n_attachments, err);
    for (int i = 0; !rc && i < p->n_attachments; i++) {
        const json_t *e = json_array_get(arr, (size_t)i);
        tu_project_attachment *q = &p->attachments[i];
        char f[64];
        snprintf(f, sizeof f, "attachments[%d].name", i);
        if ((rc = get_text(e, "name", f, q->name, sizeof q->name, err))) return rc;
        snprintf(f, sizeof f, "attachments[%d].sha256", i);
        if ((rc = get_text(e, "sha256", f, q->sha256, sizeof q->sha256, err))) return rc;
        snprintf(f, sizeof f, "attachments[%d].size", i);
        rc = get_int(e, "size", f, &q->size, err);
    }
    return rc;
}

int tu_project_from_json(const json_t *j, tu_project *p, tu_err *err) {
    memset(p, 0, sizeof *p);
    if (!json_is_object(j)) return bad(err, "project", "must be a JSON object");
    int rc = get_text(j, "uscc", "uscc", p->uscc, sizeof p->uscc, err);
    if (!rc) rc = get_text(j, "name", "name", p->name, sizeof p->name, err);
    if (!rc) rc = get_text(j, "type", "type", p->type, sizeof p->type, err);
    if (!rc) rc = get_code(j, "city", &p->city, err);
    if (!rc) rc = get_code(j, "district", &p->district, err);
    if (!rc) rc = get_text(j, "filing_code", "filing_code", p->filing_code, sizeof p->filing_code, err);
    if (!rc) rc = get_date(j, "filing_date", &p->filing_date, err);
    if (!rc) rc = get_date(j, "planned_start", &p->planned_start, err);
    if (!rc) rc = get_date(j, "planned_completion", &p->planned_completion, err);
    if (!rc) rc = get_fixed(j, "total_investment", "total_investment", 2, &p->total_investment, err);
    if (!rc) rc = get_fixed(j, "equipment_investment", "equipment_investment", 2, &p->equipment_investment, err);
    if (!rc) rc = get_fixed(j, "energy_tce", "energy_tce", 4, &p->energy_tce, err);
    if (!rc) rc = get_fixed(j, "energy_kwh", "energy_kwh", 4, &p->energy_kwh, err);
    if (!rc) rc = get_fixed(j, "land_mu", "land_mu", 4, &p->land_mu, err);
    if (!rc) rc = equipment_from_json(json_object_get(j, "equipment"), p, err);
    if (!rc) rc = attachments_from_json(json_object_get(j, "attachments"), p, err);
    if (rc) tu_project_clear(p);
    return rc;
}

static json_t *money_json(int64_t fen) {
    char b[TU_DEC_BUFSZ];
    return json_string(tu_money_format(fen, b));
}
static json_t *dec_json(int64_t v) {
    char b[TU_DEC_BUFSZ];
    return json_string(tu_dec_format(v, b));
}
static json_t *date_json(int32_t d) {
    char b[TU_DATE_BUFSZ];
    return d ? json_string(tu_date_format(d, b)) : json_null();
}
static json_t *code_json(uint32_t c) {
    char b[16];
    snprintf(b, sizeof b, "%06u", c);
    return c ? json_string(b) : json_null();
}

json_t *tu_project_to_json(const tu_project *p) {
    json_t *eq = json_array(), *at = json_array();
    for (int i = 0; eq && i < p->n_equipment; i++) {
        const tu_project_equipment *e = &p->equipment[i];
        json_array_append_new(eq, json_pack("{s:s,s:s,s:I,s:o,s:b}", "item", e->item, "category", e->category,
                                            "quantity", (json_int_t)e->quantity, "unit_price",
                                            money_json(e->unit_price), "imported", e->imported));
    }
    for (int i = 0; at && i < p->n_attachments; i++) {
        const tu_project_attachment *a = &p->attachments[i];
        json_array_append_new(
            at, json_pack("{s:s,s:s,s:I}", "name", a->name, "sha256", a->sha256, "size", (json_int_t)a->size));
    }
    json_t *j = json_pack(
        "{s:I,s:s,s:s,s:s,s:o,s:o,s:s,s:o,s:o,s:o,s:o,s:o,s:o,s:o,s:o}", "id", (json_int_t)p->id, "uscc", p->uscc,
        "name", p->name, "type", p->type, "city", code_json(p->city), "district", code_json(p->district), "filing_code",
        p->filing_code, "filing_date", date_json(p->filing_date), "planned_start", date_json(p->planned_start),
        "planned_completion", date_json(p->planned_completion), "total_investment", money_json(p->total_investment),
        "equipment_investment", money_json(p->equipment_investment), "energy_tce", dec_json(p->energy_tce),
        "energy_kwh", dec_json(p->energy_kwh), "land_mu", dec_json(p->land_mu));
    if (!j || !eq || !at) return json_decref(j), json_decref(eq), json_decref(at), NULL;
    json_object_set_new(j, "equipment", eq);
    json_object_set_new(j, "attachments", at);
    json_object_set_new(j, "energy_review_tier", json_string(tu_energy_tier_name(p->energy_tier)));
    json_object_set_new(j, "green_channel", json_boolean(p->green));
    json_object_set_new(j, "state", json_string(p->state));
    json_object_set_new(j, "state_since", date_json(p->state_since));
    json_object_set_new(j, "deadline", date_json(p->deadline));
    json_object_set_new(j, "bank_id", p->bank_id[0] ? json_string(p->bank_id) : json_null());
    if (p->loan_product_id) {
        json_object_set_new(j, "loan_product_id", json_integer(p->loan_product_id));
        json_object_set_new(j, "loan_principal", money_json(p->loan_principal));
    }
    return j;
}

/* ---- validation ---- */

static int valid_text(const char *s, const char *field, int required, tu_err *err) {
    if (required && !s[0]) return bad(err, field, "is required");
    if (tu_utf8_invalid_at(s, strlen(s)) >= 0) return bad(err, field, "is not valid UTF-8");
    for (const unsigned char *c = (const unsigned char *)s; *c; c++)
        if (*c < 0x20) return bad(err, field, "contains a control character");
    return TU_OK;
}

static int valid_money(int64_t v, const char *field, int positive, tu_err *err) {
    if (v < 0 || (positive && v == 0)) return bad(err, field, "must be %s", positive ? "> 0" : ">= 0");
    if (v > TU_MONEY_MAX) return bad(err, field, "exceeds 10 trillion yuan");
    return TU_OK;
}

static int validate_equipment(const tu_project *p, tu_err *err) {
    int64_t sum = 0;
    char f[64];
    for (int i = 0; i < p->n_equipment; i++) {
        const tu_project_equipment *e = &p->equipment[i];
        int rc;
        snprintf(f, sizeof f, "equipment[%d].item", i);
        if ((rc = valid_text(e->item, f, 1, err))) return rc;
        snprintf(f, sizeof f, "equipment[%d].category", i);
        if ((rc = valid_text(e->category, f, 1, err))) return rc;
        snprintf(f, sizeof f, "equipment[%d].quantity", i);
        if (e->quantity <= 0 || e->quantity > 1000000) return bad(err, f, "must be between 1 and 1000000");
        snprintf(f, sizeof f, "equipment[%d].unit_price", i);
        if ((rc = valid_money(e->unit_price, f, 0, err))) return rc;
        if (e->unit_price > (TU_MONEY_MAX - sum) / e->quantity)
            return bad(err, f, "quantity x unit price makes the equipment total exceed 10 trillion yuan");
        sum += e->quantity * e->unit_price;
    }
    if (p->n_equipment && sum != p->equipment_investment) {
        char a[TU_DEC_BUFSZ], b[TU_DEC_BUFSZ];
        return bad(err, "equipment", "the lines sum to %s yuan but equipment_investment is %s yuan",
                   tu_money_format(sum, a), tu_money_format(p->equipment_investment, b));
    }
    return TU_OK;
}

static int validate_attachments(const tu_project *p, tu_err *err) {
    char f[64];
    for (int i = 0; i < p->n_attachments; i++) {
        const tu_project_attachment *a = &p->attachments[i];
        int rc;
        snprintf(f, sizeof f, "attachments[%d].name", i);
        if ((rc = valid_text(a->name, f, 1, err))) return rc;
        snprintf(f, sizeof f, "attachments[%d].sha256", i);
        if (strlen(a->sha256) != 64 || strspn(a->sha256, "0123456789abcdef") != 64)
            return bad(err, f, "must be 64 lowercase hexadecimal digits");
        snprintf(f, sizeof f, "attachments[%d].size", i);
        if (a->size <= 0) return bad(err, f, "must be > 0 bytes");
    }
    return TU_OK;
}

static int validate_dates(const tu_project *p, int32_t today, tu_err *err) {
    char a[TU_DATE_BUFSZ], b[TU_DATE_BUFSZ];
    if (!p->filing_date) return bad(err, "filing_date", "is required");
    if (!p->planned_start) return bad(err, "planned_start", "is required");
    if (!p->planned_completion) return bad(err, "planned_completion", "is required");
    if (p->filing_date > today)
        return bad(err, "filing_date", "%s is in the future", tu_date_format(p->filing_date, a));
    if (p->planned_start < p->filing_date)
        return bad(err, "planned_start", "%s is before the filing date %s", tu_date_format(p->planned_start, a),
                   tu_date_format(p->filing_date, b));
    if (p->planned_completion < p->planned_start)
        return bad(err, "planned_completion", "%s is before the planned start %s",
                   tu_date_format(p->planned_completion, a), tu_date_format(p->planned_start, b));
    return TU_OK;
}

int tu_project_validate(const tu_project *p, int32_t today, tu_err *err) {
    tu_err e = {0};
    if (tu_uscc_validate(p->uscc, strlen(p->uscc), NULL, &e)) return bad(err, "uscc", "%s", e.msg);
    int rc = valid_text(p->name, "name", 1, err);
    if (rc) return rc;
    if (!tu_project_type_valid(p->type))
        return bad(err, "type",
                   "'%s' is not one of equipment_renewal, tech_transformation, digital_transformation, "
                   "green_low_carbon, capacity_expansion",
                   p->type);
    if (!tu_city_find(p->city)) return bad(err, "city", "%06u is not a city of the province", p->city);
    if (p->district && !tu_district_valid(p->city, p->district))
        return bad(err, "district", "%06u is not a district of city %06u", p->district, p->city);
    if (!p->filing_code[0]) return bad(err, "filing_code", "is required");
    for (const char *c = p->filing_code; *c; c++)
        if (!((*c >= '0' && *c <= '9') || (*c >= 'A' && *c <= 'Z') || (*c >= 'a' && *c <= 'z') || *c == '-'))
            return bad(err, "filing_code", "may hold only letters, digits and '-'");
    if ((rc = validate_dates(p, today, err))) return rc;
    if ((rc = valid_money(p->total_investment, "total_investment", 1, err))) return rc;
    if ((rc = valid_money(p->equipment_investment, "equipment_investment", 0, err))) return rc;
    if (p->equipment_investment > p->total_investment) {
        char a[TU_DEC_BUFSZ], b[TU_DEC_BUFSZ];
        return bad(err, "equipment_investment", "%s yuan exceeds the total investment %s yuan",
                   tu_money_format(p->equipment_investment, a), tu_money_format(p->total_investment, b));
    }
    if (p->energy_tce < 0) return bad(err, "energy_tce", "must be >= 0");
    if (p->energy_kwh < 0) return bad(err, "energy_kwh", "must be >= 0");
    if (p->land_mu < 0) return bad(err, "land_mu", "must be >= 0");
    if ((rc = validate_equipment(p, err))) return rc;
    return validate_attachments(p, err);
}

/* ---- the data rules see ---- */

static json_t *yuan_json(int64_t fen) {
    return fen % 100 == 0 ? json_integer(fen / 100) : json_real((double)fen / 100.0);
}
static json_t *num_json(int64_t dec) {
    return dec % TU_DEC_SCALE == 0 ? json_integer(dec / TU_DEC_SCALE) : json_real(tu_dec_to_double(dec));
}

/* The enterprise's attributes as rules see them (rules.h), merged into d. */
static void add_enterprise(json_t *d, const tu_ent *e) {
    json_t *j = tu_ent_to_json(e);
    if (j) json_object_update(d, j);
    json_decref(j);
}

json_t *tu_project_data(const tu_project *p, const tu_ent *ent) {
    int64_t imported = 0;
    for (int i = 0; i < p->n_equipment; i++)
        if (p->equipment[i].imported) imported += p->equipment[i].quantity * p->equipment[i].unit_price;
    json_t *pr =
        json_pack("{s:s,s:o,s:o,s:o,s:o,s:o,s:o,s:o,s:o,s:o,s:s,s:s,s:o,s:o,s:o,s:I}", "type", p->type, "city",
                  code_json(p->city), "total_investment", yuan_json(p->total_investment), "equipment_investment",
                  yuan_json(p->equipment_investment), "imported_equipment_investment", yuan_json(imported),
                  "domestic_equipment_investment", yuan_json(p->equipment_investment - imported), "energy_tce",
                  num_json(p->energy_tce), "energy_kwh", num_json(p->energy_kwh), "land_mu", num_json(p->land_mu),
                  "loan_principal", yuan_json(p->loan_principal), "energy_review_tier",
                  tu_energy_tier_name(p->energy_tier), "filing_code", p->filing_code, "filing_date",
                  date_json(p->filing_date), "planned_start", date_json(p->planned_start), "planned_completion",
                  date_json(p->planned_completion), "equipment_lines", (json_int_t)p->n_equipment);
    json_t *d = json_object();
    if (!pr || !d) return json_decref(pr), json_decref(d), NULL;
    if (ent) add_enterprise(d, ent);
    const tu_city *c = tu_city_find(p->city);
    json_object_set_new(d, "uscc", json_string(p->uscc));
    json_object_set_new(d, "city", code_json(p->city));
    if (p->district) json_object_set_new(d, "district", code_json(p->district));
    if (c) json_object_set_new(d, "region", json_string(tu_region_name(c->region)));
    json_object_set_new(d, "project", pr);
    return d;
}

/* ---- use cases ---- */

typedef struct write_ctx {
    const tu_caller *a;
    tu_project *p;
    const tu_project *edit;
    int32_t today;
} write_ctx;

int tu__project_event(tu_store *s, int64_t id, const char *from, const char *to, const char *action, const tu_caller *a,
                      int32_t day, const char *comment, tu_err *err) {
    tu_project_event ev = {.project_id = id, .day = day};
    snprintf(ev.from_state, sizeof ev.from_state, "%s", from);
    snprintf(ev.to_state, sizeof ev.to_state, "%s", to);
    snprintf(ev.action, sizeof ev.action, "%s", action);
    snprintf(ev.role, sizeof ev.role, "%s", tu_role_name(a->role));
    snprintf(ev.actor, sizeof ev.actor, "%s", a->name);
    snprintf(ev.comment, sizeof ev.comment, "%s", comment ? comment : "");
    int rc = tu_store_project_event_add(s, &ev, err);
    if (rc) return rc;
    char what[64], target[32], day_s[TU_DATE_BUFSZ];
    snprintf(what, sizeof what, "project.%s", action);
    snprintf(target, sizeof target, "project:%lld", (long long)id);
    json_t *before = from[0] ? json_pack("{s:s}", "state", from) : NULL;
    json_t *after = json_pack("{s:s,s:s,s:s,s:s}", "state", to, "action", action, "day", tu_date_format(day, day_s),
                              "comment", ev.comment);
    rc = after ? tu__audit(s, a, what, target, before, after, err) : tu_err_set(err, TU_ENOMEM, "out of memory");
    json_decref(before);
    json_decref(after);
    return rc;
}

static int declare_tx(tu_store *s, void *vctx, tu_err *err) {
    write_ctx *c = vctx;
    int rc = tu_store_project_insert(s, c->p, err);
    return rc ? rc : tu__project_event(s, c->p->id, "", "draft", "declare", c->a, c->today, "", err);
}

int tu_project_declare(tu_store *s, const tu_caller *a, tu_project *p, int32_t today, tu_err *err) {
    if (a->role != TU_ROLE_ENTERPRISE) return tu_err_set(err, TU_EFORBIDDEN, "only an enterprise declares projects");
    if (strcmp(a->uscc, p->uscc) != 0)
        return tu_err_set(err, TU_EFORBIDDEN, "an enterprise declares projects only for itself");
    int rc = tu_project_validate(p, today, err);
    if (rc) return rc;
    p->energy_tier = tu_energy_review_tier(p->energy_tce, p->energy_kwh);
    snprintf(p->state, sizeof p->state, "draft");
    p->state_since = p->created = today;
    p->deadline = 0, p->green = 0, p->bank_id[0] = '\0', p->loan_product_id = 0, p->loan_principal = 0;
    write_ctx c = {a, p, NULL, today};
    rc = tu__app_tx(s, declare_tx, &c, err);
    if (rc == TU_ECONFLICT && err) {
        tu_err_set(err, TU_ECONFLICT, "filing_code: %s is already declared", p->filing_code);
        snprintf(err->field, sizeof err->field, "filing_code");
    }
    return rc;
}

static int edit_tx(tu_store *s, void *vctx, tu_err *err) {
    write_ctx *c = vctx;
    tu_project cur;
    int rc = tu_store_project_get(s, c->edit->id, &cur, err);
    if (rc) return rc;
    if (strcmp(cur.uscc, c->a->uscc) != 0)
        rc = tu_err_set(err, TU_EFORBIDDEN, "not your project");
    else if (strcmp(cur.state, "draft") != 0 && strcmp(cur.state, "returned") != 0)
        rc = tu_err_set(err, TU_ESTATE, "a project can be edited only as a draft or when returned (it is %s)",
                        cur.state);
    if (!rc) {
        tu_project next = *c->edit;
        memcpy(next.state, cur.state, sizeof next.state);
        next.state_since = cur.state_since, next.deadline = cur.deadline, next.created = cur.created;
        next.green = cur.green;
        memcpy(next.bank_id, cur.bank_id, sizeof next.bank_id);
        next.loan_product_id = cur.loan_product_id, next.loan_principal = cur.loan_principal;
        next.energy_tier = tu_energy_review_tier(next.energy_tce, next.energy_kwh);
        rc = tu_store_project_update(s, &next, err);
        if (!rc) rc = tu__project_event(s, cur.id, cur.state, cur.state, "edit", c->a, c->today, "", err);
    }
    tu_project_clear(&cur);
    return rc;
}

int tu_project_edit(tu_store *s, const tu_caller *a, const tu_project *p, int32_t today, tu_err *err) {
    if (a->role != TU_ROLE_ENTERPRISE) return tu_err_set(err, TU_EFORBIDDEN, "only the enterprise edits its project");
    if (strcmp(a->uscc, p->uscc) != 0) return tu_err_set(err, TU_EFORBIDDEN, "the USCC of a project cannot change");
    int rc = tu_project_validate(p, today, err);
    if (rc) return rc;
    write_ctx c = {a, NULL, p, today};
    return tu__app_tx(s, edit_tx, &c, err);
}

int tu_project_get(tu_store *s, const tu_caller *a, int64_t id, tu_project *out, tu_err *err) {
    int rc = tu_store_project_get(s, id, out, err);
    if (rc) return rc;
    if (!tu_caller_sees(a, out)) {
        tu_project_clear(out);
        return tu_err_set(err, TU_EFORBIDDEN, "project %lld is outside your scope", (long long)id);
    }
    return TU_OK;
}

int tu_project_search(tu_store *s, const tu_caller *a, const tu_project_filter *f, tu_project_list *out, tu_err *err) {
    tu_project_filter g = f ? *f : (tu_project_filter){0};
    tu_caller_scope_filter(a, &g);
    return tu_store_project_list(s, &g, out, err);
}
