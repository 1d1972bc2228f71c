/* h_grants.c — 免申即享 grant lists over HTTP (app/grant.h): list a policy's lists, generate one over the policy's
 * eligible set as its campaigns recorded it (push/inbox.h: tu_inbox_policy_recipients) with the benefit from the
 * policy's formula, read one with its items paged in enterprise order, approve it, and download it as CSV or XLSX.
 * Officials only (the route table). Workload: lists of up to millions of items are exported in one response
 * (built in memory: ~60 bytes a row in CSV). */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "app/campaign.h"
#include "app/grant.h"
#include "core/alloc.h"
#include "core/num.h"
#include "http/http_int.h"
#include "push/inbox.h"
#include "store/registry.h"

static json_t *list_json(tu_store *s, const tu_grant_list *gl, json_t *titles) {
    return json_pack("{s:I,s:I,s:O,s:i,s:s,s:s,s:s,s:s}", "id", (json_int_t)gl->id, "policy_id",
                     (json_int_t)gl->policy_id, "policy_title", tu__policy_title(s, gl->policy_id, gl->version, titles),
                     "version", gl->version, "status", gl->status, "reviewed_by", gl->reviewed_by, "created_at",
                     gl->created_at, "reviewed_at", gl->reviewed_at);
}

typedef struct lists_ctx {
    tu_store *s;
    json_t *items, *titles;
} lists_ctx;

static int add_list(void *ctx, const tu_grant_list *gl) {
    lists_ctx *c = ctx;
    json_array_append_new(c->items, list_json(c->s, gl, c->titles));
    return 0;
}

/* ?policy=ID */
int tu_h_grants_list(tu_req *r, tu_err *err) {
    int64_t policy = 0;
    if (tu_req_query_int(r, "policy", 1, INT64_MAX, &policy, err)) return err->code;
    if (!policy) return tu_err_set(err, TU_EINVAL, "give ?policy= (a policy id)");
    lists_ctx c = {r->store, json_array(), json_object()};
    int rc = tu_store_grant_list_scan(r->store, policy, add_list, &c, err);
    json_decref(c.titles);
    if (rc) {
        json_decref(c.items);
        return rc;
    }
    return tu_reply_json(r, 200, json_pack("{s:o,s:n}", "items", c.items, "next_cursor")); /* one page: few per policy */
}

static int reply_list(tu_req *r, int status, int64_t id, tu_err *err) {
    tu_grant_list gl;
    int rc = tu_store_grant_list_get(r->store, id, &gl, err);
    if (rc) return rc;
    json_t *titles = json_object();
    json_t *body = list_json(r->store, &gl, titles);
    json_decref(titles);
    return tu_reply_json(r, status, body);
}

/* Body: {"policy":ID}. The list covers the version in force today. */
int tu_h_grants_create(tu_req *r, tu_err *err) {
    json_t *p = json_object_get(r->json, "policy");
    if (!json_is_integer(p) || json_integer_value(p) <= 0)
        return tu_err_set(err, TU_EVALIDATION, "'policy' must be a policy id");
    int64_t policy = json_integer_value(p), list = 0;
    tu_inbox *ib = tu__server_inbox(r->srv, r->store, err);
    if (!ib) return err->code;
    roaring_bitmap_t *eligible = tu_inbox_policy_recipients(ib, policy);
    if (!eligible) return tu_err_set(err, TU_ENOMEM, "out of memory");
    char today[TU_DATE_BUFSZ];
    tu_date_format(tu_date_today(), today);
    tu_actor a = tu_req_actor(r);
    int rc = tu_app_grant_generate(r->store, &a, policy, today, eligible, tu_app_grant_formula_benefit, r->store,
                                   &list, err);
    tu_bitmap_free(eligible);
    return rc ? rc : reply_list(r, 201, list, err);
}

typedef struct items_ctx {
    tu_store *s;
    int64_t after;
    int limit, n;
    int64_t last;
    json_t *items;
} items_ctx;

static int add_item(void *ctx, const tu_grant_item *it) {
    items_ctx *c = ctx;
    if (it->ent_id <= c->after) return 0;
    if (c->n == c->limit) return c->n++, 1; /* one more exists */
    tu_ent e;
    int found = tu_store_ent_get_by_id(c->s, it->ent_id, &e, NULL, NULL) == TU_OK;
    json_array_append_new(c->items, json_pack("{s:I,s:s,s:s,s:I,s:s}", "enterprise", (json_int_t)it->ent_id, "uscc",
                                              found ? e.uscc : "", "name", found ? e.name : "", "benefit_fen",
                                              (json_int_t)it->benefit_fen, "excluded", it->excluded));
    c->n++, c->last = it->ent_id;
    return 0;
}

int tu_h_grants_get(tu_req *r, tu_err *err) {
    static const char *const sorts[] = {"id", NULL};
    int64_t id;
    tu_page p;
    tu_grant_list gl;
    items_ctx c = {.s = r->store};
    int rc = tu_req_param_id(r, "id", &id, err);
    if (!rc) rc = tu_req_page(r, sorts, &p, err);
    if (!rc && p.reverse) rc = tu_err_set(err, TU_EINVAL, "items are listed in enterprise order only");
    if (!rc) rc = tu_page_after_id(&p, &c.after, err);
    if (!rc) rc = tu_store_grant_list_get(r->store, id, &gl, err);
    if (rc) return rc;
    c.limit = p.limit, c.items = json_array();
    if ((rc = tu_store_grant_item_scan(r->store, id, add_item, &c, err)) != TU_OK) {
        json_decref(c.items);
        return rc;
    }
    json_t *titles = json_object(), *body = list_json(r->store, &gl, titles);
    json_decref(titles);
    char key[32], cursor[400] = "";
    snprintf(key, sizeof key, "id:%lld", (long long)c.last);
    if (c.n > c.limit) tu_cursor_encode(key, cursor, sizeof cursor);
    json_object_set_new(body, "items", c.items);
    json_object_set_new(body, "next_cursor", cursor[0] ? json_string(cursor) : json_null());
    return tu_reply_json(r, 200, body);
}

int tu_h_grants_approve(tu_req *r, tu_err *err) {
    int64_t id;
    tu_actor a = tu_req_actor(r);
    int rc = tu_req_param_id(r, "id", &id, err);
    if (!rc) rc = tu_app_grant_review(r->store, &a, id, 1, err);
    return rc ? rc : reply_list(r, 200, id, err);
}

/* Replies with a file download: data (len bytes) as ctype, named `name`. */
static int reply_download(tu_req *r, const char *ctype, const char *name, const void *data, size_t len) {
    struct MHD_Response *resp = MHD_create_response_from_buffer(len, (void *)data, MHD_RESPMEM_MUST_COPY);
    if (!resp) return TU_ENOMEM;
    char disp[160];
    snprintf(disp, sizeof disp, "attachment; filename=\"%s\"", name);
    MHD_add_response_header(resp, MHD_HTTP_HEADER_CONTENT_TYPE, ctype);
    MHD_add_response_header(resp, "Content-Disposition", disp);
    return tu__reply_queue(r, 200, resp);
}

static int export_csv(tu_req *r, int64_t id, const char *name, tu_err *err) {
    char *buf = NULL;
    size_t len = 0;
    FILE *f = open_memstream(&buf, &len);
    if (!f) return tu_err_set(err, TU_ENOMEM, "out of memory");
    int rc = tu_app_grant_export_csv(r->store, id, f, err);
    if (fclose(f) != 0 && !rc) rc = tu_err_set(err, TU_ENOMEM, "out of memory");
    if (!rc) rc = reply_download(r, "text/csv; charset=utf-8", name, buf, len);
    free(buf); /* open_memstream's buffer comes from malloc */
    return rc;
}

/* Reads a whole file into a tu_malloc'd buffer. */
static int slurp(const char *path, char **out, size_t *len, tu_err *err) {
    FILE *f = fopen(path, "rb");
    if (!f) return tu_err_set(err, TU_EIO, "read export: %s", strerror(errno));
    size_t cap = 1 << 16, n = 0;
    char *buf = tu_malloc(cap);
    size_t got;
    while (buf && (got = fread(buf + n, 1, cap - n, f)) > 0) {
        n += got;
        if (n == cap) {
            char *nb = tu_realloc(buf, cap *= 2);
            if (!nb) tu_free(buf);
            buf = nb;
        }
    }
    int bad = ferror(f);
    fclose(f);
    if (!buf) return tu_err_set(err, TU_ENOMEM, "out of memory");
    if (bad) {
        tu_free(buf);
        return tu_err_set(err, TU_EIO, "read export");
    }
    *out = buf, *len = n;
    return TU_OK;
}

static int export_xlsx(tu_req *r, int64_t id, const char *name, tu_err *err) {
    char path[] = "/tmp/techup-grant-XXXXXX";
    int fd = mkstemp(path);
    if (fd < 0) return tu_err_set(err, TU_EIO, "temporary file: %s", strerror(errno));
    close(fd);
    char *buf = NULL;
    size_t len = 0;
    int rc = tu_app_grant_export_xlsx(r->store, id, path, err);
    if (!rc) rc = slurp(path, &buf, &len, err);
    unlink(path);
    if (!rc) rc = reply_download(r, "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", name, buf, len);
    tu_free(buf);
    return rc;
}

/* ?format=csv (default) | xlsx */
int tu_h_grants_export(tu_req *r, tu_err *err) {
    int64_t id;
    tu_grant_list gl;
    const char *format = tu_req_query(r, "format");
    int xlsx = format && strcmp(format, "xlsx") == 0;
    if (format && *format && !xlsx && strcmp(format, "csv") != 0)
        return tu_err_set(err, TU_EINVAL, "'format' must be csv or xlsx");
    int rc = tu_req_param_id(r, "id", &id, err);
    if (!rc) rc = tu_store_grant_list_get(r->store, id, &gl, err);
    if (rc) return rc;
    char name[64];
    snprintf(name, sizeof name, "grant-list-%lld.%s", (long long)id, xlsx ? "xlsx" : "csv");
    return xlsx ? export_xlsx(r, id, name, err) : export_csv(r, id, name, err);
}
