/* dispute.c — data disputes (see dispute.h): validation against the catalog, the write of an accepted value
 * through the shared correction path of enterprises.c (tu__app_ent_write) with source "dispute", in the same
 * transaction as the status change and its audit row. */
#include "app/dispute.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "app/app_int.h"
#include "app/audit.h"
#include "app/enterprises.h"
#include "app/registry.h"
#include "core/catalog.h"
#include "core/enterprise.h"
#include "core/num.h"
#include "store/registry.h"

int tu_app_dispute_in_reach(const tu_principal *who, const tu_dispute *d, const char *uscc) {
    if (who->role == TU_ROLE_ENTERPRISE) return uscc && strcmp(uscc, who->scope) == 0;
    if (who->role == TU_ROLE_CITY_OFFICIAL) return d->city == (uint32_t)strtoul(who->scope, NULL, 10);
    return 1;
}

static json_t *str_or_null(const char *s, int present) { return present ? json_string(s) : json_null(); }

json_t *tu_app_dispute_json(const tu_dispute *d, const char *uscc) {
    int done = strcmp(d->status, "open") != 0;
    return json_pack("{s:I,s:s,s:s,s:s,s:s,s:s,s:s,s:s,s:s,s:o,s:o,s:o}", "id", (json_int_t)d->id, "uscc",
                     uscc ? uscc : "", "attribute", d->attribute, "current_value", d->current_value,
                     "proposed_value", d->proposed_value, "comment", d->comment, "status", d->status, "created_by",
                     d->created_by, "created_at", d->created_at, "resolved_by", str_or_null(d->resolved_by, done),
                     "resolution_comment", str_or_null(d->resolution_comment, done), "resolved_at",
                     str_or_null(d->resolved_at, done));
}

static json_t *audit_state(const tu_dispute *d) { return tu_app_dispute_json(d, NULL); }

/* Checks that text is a valid value of attribute at for enterprise e (type and cross-field rules). */
static int check_value(const tu_ent *e, const tu_attr *at, const char *text, tu_err *err) {
    tu_ent probe = *e;
    int rc = tu_ent_set_cell(&probe, at->id, text, strlen(text), tu_date_today(), err);
    if (!rc) rc = tu_ent_finish(&probe, err);
    if (rc) return tu_err_set(err, TU_EVALIDATION, "'%s' is not a valid %s: %s", text, at->name, err->msg);
    return TU_OK;
}

static int text_ok(const char *s, size_t max, const char *what, tu_err *err) {
    if (!s) return tu_err_set(err, TU_EVALIDATION, "'%s' is required", what);
    if (strlen(s) >= max) return tu_err_set(err, TU_EVALIDATION, "'%s' is longer than %zu bytes", what, max - 1);
    return TU_OK;
}

int tu_app_dispute_create(tu_store *s, const tu_principal *who, const tu_actor *a, const char *uscc,
                          const char *attribute, const char *proposed, const char *comment, int64_t *id,
                          tu_err *err) {
    tu_dispute d = {0};
    tu_ent e;
    const tu_attr *at = attribute ? tu_attr_find(attribute, strlen(attribute)) : NULL;
    if (!at || !(at->flags & TU_AF_CSV) || at->id == TU_A_USCC)
        return tu_err_set(err, TU_EVALIDATION, "'%s' is not an attribute that can be disputed",
                          attribute ? attribute : "");
    int rc = text_ok(proposed, sizeof d.proposed_value, "proposed_value", err);
    if (!rc) rc = text_ok(comment ? comment : "", sizeof d.comment, "comment", err);
    if (!rc) rc = tu_store_ent_get_by_uscc(s, uscc, &d.ent_id, &e, NULL, err);
    if (rc) return rc;
    if (!tu_app_ent_in_reach(who, &e)) return tu_err_set(err, TU_EFORBIDDEN, "outside your scope");
    if ((rc = check_value(&e, at, proposed, err)) != TU_OK) return rc;
    tu_ent_format(&e, at->id, d.current_value, sizeof d.current_value);
    tu_ent probe = e;
    tu_ent_set_cell(&probe, at->id, proposed, strlen(proposed), tu_date_today(), NULL);
    tu_ent_format(&probe, at->id, d.proposed_value, sizeof d.proposed_value); /* the canonical text */
    if (strcmp(d.current_value, d.proposed_value) == 0)
        return tu_err_set(err, TU_EVALIDATION, "the proposed value is the current value of %s", at->name);
    d.city = e.city;
    snprintf(d.attribute, sizeof d.attribute, "%s", at->name);
    snprintf(d.comment, sizeof d.comment, "%s", comment ? comment : "");
    snprintf(d.created_by, sizeof d.created_by, "%s", who->username);
    if ((rc = tu_store_begin(s, err)) != TU_OK) return rc;
    rc = tu_store_dispute_add(s, &d, id, err);
    if (!rc) {
        char target[48];
        snprintf(target, sizeof target, "dispute:%lld", (long long)*id);
        d.id = *id;
        snprintf(d.status, sizeof d.status, "open");
        json_t *after = audit_state(&d);
        rc = after ? tu_audit_record(s, a, "dispute.create", target, NULL, after, err) : TU_ENOMEM;
        json_decref(after);
    }
    if (!rc) rc = tu_store_commit(s, err);
    if (rc) tu_store_rollback(s);
    return rc;
}

/* Inside the transaction: writes the accepted value of d to the enterprise (source "dispute"). */
static int write_value(tu_store *s, const tu_principal *who, const tu_actor *a, const tu_dispute *d,
                       const char *uscc, const char *value, int64_t *ent_id, tu_ent *after, int *changed,
                       tu_err *err) {
    json_t *values = json_pack("{s:s}", d->attribute, value);
    if (!values) return tu_err_set(err, TU_EVALIDATION, "the value must be UTF-8 text");
    char name[TU_SOURCE_NAME_MAX];
    snprintf(name, sizeof name, "dispute %lld resolved by %s", (long long)d->id, who->username);
    int rc = tu__app_ent_write(s, who, a, uscc, values, "dispute", name, tu_date_today(), ent_id, after, changed,
                               err);
    json_decref(values);
    return rc;
}

int tu_app_dispute_resolve(tu_store *s, const tu_principal *who, const tu_actor *a, int64_t id, int accept,
                           const char *value, const char *comment, tu_err *err) {
    tu_dispute d;
    tu_ent e;
    int64_t ent_id = 0;
    int changed = 0;
    int rc = text_ok(comment ? comment : "", sizeof d.resolution_comment, "comment", err);
    if (!rc && value) rc = text_ok(value, sizeof d.proposed_value, "value", err);
    if (rc) return rc;
    if ((rc = tu_store_begin(s, err)) != TU_OK) return rc;
    rc = tu_store_dispute_get(s, id, &d, err);
    if (!rc) rc = tu_store_ent_get_by_id(s, d.ent_id, &e, NULL, err);
    if (!rc && !tu_app_dispute_in_reach(who, &d, e.uscc)) rc = tu_err_set(err, TU_EFORBIDDEN, "outside your scope");
    if (!rc && strcmp(d.status, "open") != 0) rc = tu_err_set(err, TU_ESTATE, "dispute %lld is already %s", (long long)id, d.status);
    if (!rc && accept) rc = write_value(s, who, a, &d, e.uscc, value ? value : d.proposed_value, &ent_id, &e, &changed, err);
    json_t *before = rc ? NULL : audit_state(&d), *after = NULL;
    if (!rc) rc = tu_store_dispute_resolve(s, id, accept ? "accepted" : "rejected", who->username, comment, err);
    if (!rc) rc = tu_store_dispute_get(s, id, &d, err);
    if (!rc && !(after = audit_state(&d))) rc = TU_ENOMEM;
    if (!rc) {
        char target[48];
        snprintf(target, sizeof target, "dispute:%lld", (long long)id);
        rc = tu_audit_record(s, a, accept ? "dispute.accept" : "dispute.reject", target, before, after, err);
    }
    json_decref(before), json_decref(after);
    if (!rc) rc = tu_store_commit(s, err);
    if (rc) {
        tu_store_rollback(s);
        return rc;
    }
    if (changed) tu__app_enterprises_changed(&ent_id, &e, 1);
    return TU_OK;
}
