/* enterprises.c — the enterprise use cases of the API (see enterprises.h): reach, search, provenance and
 * corrections. Workload: point reads and pages per request; a correction is one short transaction. */
#include "app/enterprises.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "app/app_int.h"
#include "app/audit.h"
#include "app/registry.h"
#include "core/codes.h"
#include "core/num.h"
#include "rules/rules.h"

static int province_wide(int role) { return role != TU_ROLE_ENTERPRISE && role != TU_ROLE_CITY_OFFICIAL; }

static uint32_t scope_city(const tu_principal *who) { return (uint32_t)strtoul(who->scope, NULL, 10); }

int tu_app_ent_in_reach(const tu_principal *who, const tu_ent *e) {
    if (who->role == TU_ROLE_ENTERPRISE) return strcmp(e->uscc, who->scope) == 0;
    if (who->role == TU_ROLE_CITY_OFFICIAL) return e->city == scope_city(who);
    return 1;
}

typedef struct collect {
    tu_ent_row *rows;
    int n, cap;
} collect;

static int collect_row(void *ctx, int64_t id, const tu_ent *e, int64_t source_id) {
    (void)source_id;
    collect *c = ctx;
    if (c->n < c->cap) c->rows[c->n].id = id, c->rows[c->n].e = *e;
    c->n++;
    return 0;
}

int tu_app_ent_search(tu_store *s, const tu_principal *who, const tu_ent_query *q, tu_ent_row *rows, int max,
                      int *n, int *more, tu_err *err) {
    tu_ent_query lq = *q;
    *n = 0, *more = 0;
    if (who->role == TU_ROLE_ENTERPRISE) {
        if (q->uscc && strcmp(q->uscc, who->scope) != 0) return TU_OK;
        lq.uscc = who->scope;
    } else if (who->role == TU_ROLE_CITY_OFFICIAL) {
        if (q->city && q->city != scope_city(who)) return TU_OK;
        lq.city = scope_city(who);
    }
    collect c = {rows, 0, max + 1};
    int rc = tu_store_ent_search(s, &lq, max + 1, collect_row, &c, err);
    if (rc) return rc;
    *more = c.n > max;
    *n = c.n > max ? max : c.n;
    return TU_OK;
}

json_t *tu_app_ent_summary(const tu_ent *e) {
    json_t *all = tu_ent_to_json(e), *o = json_object();
    static const int keep[] = {TU_A_USCC, TU_A_NAME, TU_A_CITY, TU_A_INDUSTRY, TU_A_SIZE, TU_A_REVENUE,
                               TU_A_EMPLOYEES, TU_A_TAGS};
    for (size_t i = 0; all && o && i < sizeof keep / sizeof keep[0]; i++) {
        const char *name = tu_attr_get(keep[i])->name;
        json_t *v = json_object_get(all, name);
        json_object_set(o, name, v ? v : json_null());
    }
    json_decref(all);
    return o;
}

static json_t *source_json(const tu_source *src) {
    char day[TU_DATE_BUFSZ];
    return json_pack("{s:s,s:s,s:s}", "source", src->name, "kind", src->kind, "as_of",
                     tu_date_format(src->as_of, day));
}

int tu_app_ent_provenance(tu_store *s, int64_t id, const tu_ent *e, json_t **out, tu_err *err) {
    json_t *o = json_object();
    int rc = o ? TU_OK : TU_ENOMEM;
    for (int a = 0; !rc && a < TU_A_COUNT; a++) {
        if (!(tu_attr_get(a)->flags & TU_AF_CSV) || !TU_ENT_HAS(e, a)) continue;
        tu_source src;
        rc = tu_store_value_source(s, id, a, &src, err);
        if (!rc) json_object_set_new(o, tu_attr_get(a)->name, source_json(&src));
    }
    if (rc) json_decref(o), o = NULL;
    *out = o;
    return rc;
}

int tu_app_ent_detail(tu_store *s, int64_t id, const tu_ent *e, json_t **out, tu_err *err) {
    json_t *prov = NULL, *vals = tu_ent_to_json(e), *values = json_object();
    int rc = vals && values ? tu_app_ent_provenance(s, id, e, &prov, err) : TU_ENOMEM;
    const char *name;
    json_t *v;
    json_object_foreach(rc ? NULL : vals, name, v) {
        const tu_attr *a = tu_attr_find(name, strlen(name));
        json_t *item = json_pack("{s:O}", "value", v);
        char text[TU_NAME_MAX + 64];
        if ((a->flags & TU_AF_CSV) && !(a->id == TU_A_SIZE && !e->size_given)) {
            if (tu_ent_format(e, a->id, text, sizeof text) >= 0) json_object_set_new(item, "text", json_string(text));
            json_object_update(item, json_object_get(prov, name));
        } else {
            json_object_set_new(item, "derived", json_true());
        }
        json_object_set_new(values, name, item);
    }
    *out = rc ? NULL : json_pack("{s:s,s:s,s:o}", "uscc", e->uscc, "name", e->name, "values", values);
    if (rc) json_decref(values);
    json_decref(vals), json_decref(prov);
    return rc;
}

/* ---- corrections ---- */

/* The CSV text of one JSON value of a PATCH body (string as is, number printed, null = empty). */
static int value_text(const json_t *v, const char *name, char *buf, size_t n, tu_err *err) {
    if (json_is_string(v) && strlen(json_string_value(v)) == json_string_length(v) && json_string_length(v) < n)
        snprintf(buf, n, "%s", json_string_value(v));
    else if (json_is_integer(v)) snprintf(buf, n, "%lld", (long long)json_integer_value(v));
    else if (json_is_real(v)) snprintf(buf, n, "%.4f", json_real_value(v));
    else if (json_is_null(v)) buf[0] = '\0';
    else return tu_err_set(err, TU_EVALIDATION, "'%s' must be a string, a number or null", name);
    return TU_OK;
}

/* Turns the error of a value check into TU_EVALIDATION naming the attribute (prefix may be NULL). */
static int invalid(tu_err *err, const char *prefix) {
    char why[sizeof err->msg];
    snprintf(why, sizeof why, "%s", err && err->msg[0] ? err->msg : "invalid");
    if (!prefix || strncmp(why, prefix, strlen(prefix)) == 0) return tu_err_set(err, TU_EVALIDATION, "%s", why);
    return tu_err_set(err, TU_EVALIDATION, "%s: %s", prefix, why);
}

/* Applies the body's values to e (validated); fails naming the attribute. */
static int apply_values(const tu_principal *who, const json_t *values, tu_ent *e, tu_err *err) {
    if (!json_is_object(values) || json_object_size(values) == 0)
        return tu_err_set(err, TU_EVALIDATION, "'values' must be a non-empty object of attribute: value");
    const char *name;
    json_t *v;
    int32_t today = tu_date_today();
    json_object_foreach((json_t *)values, name, v) {
        const tu_attr *a = tu_attr_find(name, strlen(name));
        if (!a || !(a->flags & TU_AF_CSV)) return tu_err_set(err, TU_EVALIDATION, "'%s' is not an attribute that can be set", name);
        if (a->id == TU_A_USCC) return tu_err_set(err, TU_EVALIDATION, "the USCC of an enterprise cannot change");
        if (a->id == TU_A_CITY && !province_wide(who->role))
            return tu_err_set(err, TU_EFORBIDDEN, "only a provincial official may move an enterprise to another city");
        char text[TU_NAME_MAX + 64];
        int rc = value_text(v, name, text, sizeof text, err);
        if (!rc) rc = tu_ent_set_cell(e, a->id, text, strlen(text), today, err);
        if (rc) return rc == TU_EVALIDATION ? rc : invalid(err, name);
    }
    int rc = tu_ent_finish(e, err);
    return rc ? invalid(err, NULL) : TU_OK;
}

static int value_changed(const tu_ent *x, const tu_ent *y, int attr) {
    char a[TU_NAME_MAX + 64], b[TU_NAME_MAX + 64];
    return tu_ent_format(x, attr, a, sizeof a) != tu_ent_format(y, attr, b, sizeof b) || strcmp(a, b) != 0;
}

/* Writes `after` over enterprise id keeping each unchanged value's source; changed values get api_sid (the new
 * source). */
static int write_values(tu_store *s, int64_t id, const tu_ent *before, const tu_ent *after, int64_t row_sid,
                        int64_t api_sid, tu_err *err) {
    int64_t kept[TU_A_COUNT] = {0};
    int rc = TU_OK;
    for (int a = 0; !rc && a < TU_A_COUNT; a++) {
        tu_source src;
        if (!(tu_attr_get(a)->flags & TU_AF_CSV) || value_changed(before, after, a)) continue;
        if ((rc = tu_store_value_source(s, id, a, &src, err)) == TU_OK && src.id != row_sid) kept[a] = src.id;
    }
    if (!rc) rc = tu_store_ent_replace(s, id, after, row_sid, err);
    for (int a = 0; !rc && a < TU_A_COUNT; a++) {
        if (!(tu_attr_get(a)->flags & TU_AF_CSV)) continue;
        int64_t sid = value_changed(before, after, a) ? api_sid : kept[a];
        if (sid) rc = tu_store_value_source_set(s, id, a, sid, err);
    }
    return rc;
}

static int audit_change(tu_store *s, const tu_actor *a, const tu_ent *before, const tu_ent *after, tu_err *err) {
    json_t *jb = tu_ent_to_json(before), *ja = tu_ent_to_json(after);
    int rc = jb && ja ? tu_audit_record(s, a, "enterprise.update", after->uscc, jb, ja, err) : TU_ENOMEM;
    json_decref(jb), json_decref(ja);
    return rc;
}

int tu__app_ent_write(tu_store *s, const tu_principal *who, const tu_actor *a, const char *uscc,
                      const json_t *values, const char *source_kind, const char *source_name, int32_t as_of,
                      int64_t *id, tu_ent *after, int *changed, tu_err *err) {
    tu_ent before;
    int64_t row_sid = 0, new_sid = 0;
    *changed = 0;
    int rc = tu_store_ent_get_by_uscc(s, uscc, id, &before, &row_sid, err);
    if (!rc && !tu_app_ent_in_reach(who, &before)) rc = tu_err_set(err, TU_EFORBIDDEN, "outside your scope");
    *after = before;
    if (!rc) rc = apply_values(who, values, after, err);
    for (int at = 0; !rc && at < TU_A_COUNT; at++) *changed += (tu_attr_get(at)->flags & TU_AF_CSV) && value_changed(&before, after, at);
    if (!rc && *changed) {
        rc = tu_store_source_add(s, source_kind, source_name, as_of ? as_of : tu_date_today(), &new_sid, err);
        if (!rc) rc = write_values(s, *id, &before, after, row_sid, new_sid, err);
        if (!rc) rc = tu__app_record_change(s, id, 1, err);
        if (!rc) rc = audit_change(s, a, &before, after, err);
    }
    return rc;
}

int tu_app_ent_patch(tu_store *s, const tu_principal *who, const tu_actor *a, const char *uscc,
                     const json_t *values, int32_t as_of, tu_ent *out, int *changed, tu_err *err) {
    tu_ent after;
    int64_t id = 0;
    int rc = tu_store_begin(s, err);
    if (rc) return rc;
    rc = tu__app_ent_write(s, who, a, uscc, values, "api", who->username, as_of, &id, &after, changed, err);
    if (!rc) rc = *changed ? tu_store_commit(s, err) : (tu_store_rollback(s), TU_OK);
    if (rc) {
        tu_store_rollback(s);
        return rc;
    }
    if (*changed) tu__app_enterprises_changed(&id, &after, 1);
    if (out) *out = after;
    return TU_OK;
}
