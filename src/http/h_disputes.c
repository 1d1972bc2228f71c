/* h_disputes.c — data disputes over HTTP ("this value is wrong"): an enterprise user opens one on its own enterprise,
 * readers of the enterprise list them, officials list those in reach (a city official its city's) and resolve
 * them through app/dispute.h, which checks reach again and writes an accepted value with source "dispute".
 * Workload: small id-ordered pages. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "app/dispute.h"
#include "http/http_int.h"
#include "store/registry.h"

/* An optional string member of the body (NULL when absent; TU_EVALIDATION when not a string). Numbers are
 * accepted as their text for values. */
static int body_text(tu_req *r, const char *key, char *buf, size_t n, const char **out, tu_err *err) {
    json_t *v = json_object_get(r->json, key);
    *out = NULL;
    if (!v || json_is_null(v)) return TU_OK;
    if (json_is_integer(v)) snprintf(buf, n, "%lld", (long long)json_integer_value(v));
    else if (json_is_real(v)) snprintf(buf, n, "%.4f", json_real_value(v));
    else if (json_is_string(v) && json_string_length(v) < n && strlen(json_string_value(v)) == json_string_length(v))
        snprintf(buf, n, "%s", json_string_value(v));
    else return tu_err_set(err, TU_EVALIDATION, "'%s' must be a string of at most %zu bytes", key, n - 1);
    *out = buf;
    return TU_OK;
}

int tu_h_disputes_create(tu_req *r, tu_err *err) {
    int64_t ent_id, id = 0;
    tu_ent e;
    char attr_buf[64], value_buf[TU_DISPUTE_TEXT_MAX], comment_buf[TU_DISPUTE_TEXT_MAX];
    const char *attr, *value, *comment;
    int rc = tu__req_enterprise(r, &ent_id, &e, err);
    if (!rc) rc = body_text(r, "attribute", attr_buf, sizeof attr_buf, &attr, err);
    if (!rc) rc = body_text(r, "proposed_value", value_buf, sizeof value_buf, &value, err);
    if (!rc) rc = body_text(r, "comment", comment_buf, sizeof comment_buf, &comment, err);
    if (!rc && !attr) rc = tu_err_set(err, TU_EVALIDATION, "'attribute' is required");
    if (!rc && !value) rc = tu_err_set(err, TU_EVALIDATION, "'proposed_value' is required (\"\" = should be empty)");
    tu_actor a = tu_req_actor(r);
    if (!rc) rc = tu_app_dispute_create(r->store, &r->who, &a, e.uscc, attr, value, comment, &id, err);
    return rc ? rc : tu_reply_json(r, 201, json_pack("{s:I,s:s}", "id", (json_int_t)id, "status", "open"));
}

typedef struct page_ctx {
    tu_store *s;
    json_t *items;
    int n;
    int64_t last;
    char uscc[19]; /* known USCC of the listed enterprise, "" = look each up */
} page_ctx;

static int add_row(void *ctx, const tu_dispute *d) {
    page_ctx *pc = ctx;
    tu_ent e;
    const char *uscc = pc->uscc;
    if (!uscc[0]) uscc = tu_store_ent_get_by_id(pc->s, d->ent_id, &e, NULL, NULL) == TU_OK ? e.uscc : "";
    json_array_append_new(pc->items, tu_app_dispute_json(d, uscc));
    pc->n++, pc->last = d->id;
    return 0;
}

/* One page of the disputes matching f: limit + 1 are read to know whether another page exists. */
static int reply_disputes(tu_req *r, tu_dispute_filter *f, const char *uscc, tu_err *err) {
    static const char *const sorts[] = {"id", NULL};
    tu_page p;
    int rc = tu_req_page(r, sorts, &p, err);
    if (!rc && p.reverse) rc = tu_err_set(err, TU_EINVAL, "disputes are listed oldest first only");
    if (!rc) rc = tu_page_after_id(&p, &f->after_id, err);
    if (rc) return rc;
    page_ctx pc = {.s = r->store, .items = json_array()};
    snprintf(pc.uscc, sizeof pc.uscc, "%s", uscc ? uscc : "");
    rc = tu_store_dispute_scan(r->store, f, p.limit + 1, add_row, &pc, err);
    if (rc) {
        json_decref(pc.items);
        return rc;
    }
    int more = pc.n > p.limit;
    if (more) json_array_remove(pc.items, (size_t)p.limit);
    json_t *last = json_array_get(pc.items, json_array_size(pc.items) - 1);
    return tu_reply_page_id(r, pc.items, more, last ? json_integer_value(json_object_get(last, "id")) : 0);
}

/* ?status=open|resolved (absent = all). */
static int status_filter(tu_req *r, tu_dispute_filter *f, tu_err *err) {
    const char *st = tu_req_query(r, "status");
    if (!st || !*st) return TU_OK;
    if (strcmp(st, "open") == 0) f->resolved = 1;
    else if (strcmp(st, "resolved") == 0) f->resolved = 2;
    else return tu_err_set(err, TU_EINVAL, "'status' must be open or resolved");
    return TU_OK;
}

int tu_h_disputes_of(tu_req *r, tu_err *err) {
    tu_dispute_filter f = {0};
    tu_ent e;
    int rc = tu__req_enterprise(r, &f.ent_id, &e, err);
    if (!rc) rc = status_filter(r, &f, err);
    return rc ? rc : reply_disputes(r, &f, e.uscc, err);
}

int tu_h_disputes_list(tu_req *r, tu_err *err) {
    tu_dispute_filter f = {0};
    if (r->who.role == TU_ROLE_CITY_OFFICIAL) f.city = (uint32_t)strtoul(r->who.scope, NULL, 10);
    int rc = status_filter(r, &f, err);
    return rc ? rc : reply_disputes(r, &f, NULL, err);
}

/* Body: {"decision":"accept"|"reject","value"?: "...","comment":"..."}. Replies with the resolved dispute. */
int tu_h_disputes_resolve(tu_req *r, tu_err *err) {
    int64_t id;
    const char *decision, *value, *comment;
    char value_buf[TU_DISPUTE_TEXT_MAX], comment_buf[TU_DISPUTE_TEXT_MAX];
    int rc = tu_req_param_id(r, "id", &id, err);
    if (!rc) rc = tu_req_body_str(r, "decision", 8, &decision, err);
    if (!rc && strcmp(decision, "accept") != 0 && strcmp(decision, "reject") != 0)
        rc = tu_err_set(err, TU_EVALIDATION, "'decision' must be accept or reject");
    if (!rc) rc = body_text(r, "value", value_buf, sizeof value_buf, &value, err);
    if (!rc) rc = body_text(r, "comment", comment_buf, sizeof comment_buf, &comment, err);
    tu_actor a = tu_req_actor(r);
    int accept = !rc && strcmp(decision, "accept") == 0;
    if (!rc) rc = tu_app_dispute_resolve(r->store, &r->who, &a, id, accept, value, comment, err);
    /* a city official learns nothing about disputes outside its city, existing or not */
    if (rc == TU_ENOTFOUND && r->who.role == TU_ROLE_CITY_OFFICIAL) rc = tu_err_set(err, TU_EFORBIDDEN, "outside your scope");
    tu_dispute d;
    tu_ent e;
    if (!rc) rc = tu_store_dispute_get(r->store, id, &d, err);
    if (!rc) rc = tu_store_ent_get_by_id(r->store, d.ent_id, &e, NULL, err);
    return rc ? rc : tu_reply_json(r, 200, tu_app_dispute_json(&d, e.uscc));
}
