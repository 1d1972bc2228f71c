/* reply.c — building responses (JSON, errors, raw bytes) with the headers every response carries, and the small
 * request readers handlers share (headers, query, body members, path ids, paging). */
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <errno.h>
#include <string.h>

#include "app/jsonbuf.h"
#include "core/alloc.h"
#include "core/log.h"
#include "http/http_int.h"

#define CSP "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; object-src 'none'; " \
            "base-uri 'none'; form-action 'self'; frame-ancestors 'none'"

static int is_api(const tu_req *r) { return strncmp(r->path, "/api/", 5) == 0; }

static void add_common_headers(tu_req *r, struct MHD_Response *resp) {
    MHD_add_response_header(resp, "Content-Security-Policy", CSP);
    MHD_add_response_header(resp, "X-Content-Type-Options", "nosniff");
    MHD_add_response_header(resp, "X-Frame-Options", "DENY");
    MHD_add_response_header(resp, "Referrer-Policy", "no-referrer");
    MHD_add_response_header(resp, "Cross-Origin-Opener-Policy", "same-origin");
    MHD_add_response_header(resp, "X-Request-Id", r->rid);
    if (r->secure) MHD_add_response_header(resp, "Strict-Transport-Security", "max-age=31536000");
    if (r->allow[0]) MHD_add_response_header(resp, MHD_HTTP_HEADER_ALLOW, r->allow);
    if (r->cookie[0]) MHD_add_response_header(resp, MHD_HTTP_HEADER_SET_COOKIE, r->cookie);
    if (r->retry_after > 0) {
        char v[16];
        snprintf(v, sizeof v, "%d", r->retry_after);
        MHD_add_response_header(resp, MHD_HTTP_HEADER_RETRY_AFTER, v);
    }
    if (is_api(r) || r->route_idx >= 0) MHD_add_response_header(resp, "Cache-Control", "no-store");
}

int tu__reply_queue(tu_req *r, int status, struct MHD_Response *resp) {
    if (!resp) return TU_ENOMEM;
    add_common_headers(r, resp);
    r->status = status;
    r->replied = 1;
    if (r->deferred) { /* on a pool thread: MHD only takes responses from its own callback */
        r->pending = resp;
        return TU_OK;
    }
    enum MHD_Result ok = MHD_queue_response(r->conn, (unsigned)status, resp);
    MHD_destroy_response(resp);
    if (ok != MHD_YES) r->queue_failed = 1;
    return TU_OK;
}


int tu__reply_flush(tu_req *r) {
    struct MHD_Response *resp = r->pending;
    r->pending = NULL, r->deferred = 0;
    enum MHD_Result ok = MHD_queue_response(r->conn, (unsigned)r->status, resp);
    MHD_destroy_response(resp);
    return ok == MHD_YES ? 0 : -1;
}

int tu_reply_raw(tu_req *r, int status, const char *ctype, const char *data, size_t len) {
    struct MHD_Response *resp = MHD_create_response_from_buffer(len, (void *)data, MHD_RESPMEM_MUST_COPY);
    if (!resp) return TU_ENOMEM;
    if (ctype) MHD_add_response_header(resp, MHD_HTTP_HEADER_CONTENT_TYPE, ctype);
    return tu__reply_queue(r, status, resp);
}

void tu_reply_set_cookie(tu_req *r, const char *token, int max_age) {
    snprintf(r->cookie, sizeof r->cookie, "tu_session=%s; Path=/; Max-Age=%d; HttpOnly; SameSite=Strict%s",
             token ? token : "", token ? max_age : 0, r->secure ? "; Secure" : "");
}

static void free_text(void *p) { tu_free(p); }

int tu_reply_json_text(tu_req *r, int status, char *text, size_t len) {
    if (!text) {
        static const char oom[] = "{\"error\":{\"code\":\"internal\",\"message\":\"out of memory\"}}";
        return tu_reply_raw(r, 500, "application/json", oom, sizeof oom - 1);
    }
    struct MHD_Response *resp = MHD_create_response_from_buffer_with_free_callback(len, text, free_text);
    if (!resp) {
        tu_free(text);
        return TU_ENOMEM;
    }
    MHD_add_response_header(resp, MHD_HTTP_HEADER_CONTENT_TYPE, "application/json; charset=utf-8");
    if (status == 401) MHD_add_response_header(resp, MHD_HTTP_HEADER_WWW_AUTHENTICATE, "Bearer realm=\"techup\"");
    return tu__reply_queue(r, status, resp);
}

int tu_reply_json(tu_req *r, int status, json_t *body) {
    tu_sbuf b = {0};
    if (body) tu_sbuf_add_json(&b, body);
    else b.oom = 1;
    json_decref(body);
    size_t len;
    char *text = tu_sbuf_take(&b, &len);
    return tu_reply_json_text(r, status, text, len);
}

int tu_reply_error(tu_req *r, int code, const char *msg) {
    json_t *body = json_pack("{s:{s:s,s:s}}", "error", "code", tu_err_code(code), "message",
                             msg && *msg ? msg : tu_strerror(code));
    return tu_reply_json(r, tu_err_http_status(code), body);
}

int tu_reply_failure(tu_req *r, int code, const tu_err *err) {
    int status = tu_err_http_status(code);
    const char *detail = err && err->msg[0] ? err->msg : tu_strerror(code);
    if (status >= 500) {
        char fields[96];
        snprintf(fields, sizeof fields, "\"rid\":\"%s\",\"status\":%d", r->rid, status);
        tu_log_kv(TU_LOG_ERROR, "http.failure", fields, "%s %s: %s", r->method_name, r->path, detail);
        return tu_reply_error(r, code, NULL); /* no internal detail to the client */
    }
    return tu_reply_error(r, code, detail);
}

const char *tu_req_header(tu_req *r, const char *name) {
    return MHD_lookup_connection_value(r->conn, MHD_HEADER_KIND, name);
}

const char *tu_req_query(tu_req *r, const char *name) {
    return MHD_lookup_connection_value(r->conn, MHD_GET_ARGUMENT_KIND, name);
}

int tu_req_body_str(tu_req *r, const char *key, size_t max, const char **out, tu_err *err) {
    json_t *v = r->json ? json_object_get(r->json, key) : NULL;
    if (!json_is_string(v) || json_string_length(v) == 0 || json_string_length(v) > max)
        return tu_err_set(err, TU_EVALIDATION, "'%s' must be a non-empty string of at most %zu bytes", key, max);
    if (strlen(json_string_value(v)) != json_string_length(v))
        return tu_err_set(err, TU_EVALIDATION, "'%s' must not contain NUL characters", key);
    *out = json_string_value(v);
    return TU_OK;
}

tu_actor tu_req_actor(const tu_req *r) { return (tu_actor){r->who.user_id, r->who.username, r->rid}; }

int tu_req_param_id(tu_req *r, const char *name, int64_t *out, tu_err *err) {
    char buf[24];
    int n = tu_params_get(&r->params, name, buf, sizeof buf);
    if (n <= 0 || n > 18) return tu_err_set(err, TU_ENOTFOUND, "no such %s", name);
    int64_t v = 0;
    for (int i = 0; i < n; i++) {
        if (buf[i] < '0' || buf[i] > '9') return tu_err_set(err, TU_ENOTFOUND, "no such %s", name);
        v = v * 10 + (buf[i] - '0');
    }
    if (v <= 0) return tu_err_set(err, TU_ENOTFOUND, "no such %s", name);
    *out = v;
    return TU_OK;
}

void tu_cursor_encode(const char *key, char *buf, size_t n) {
    size_t len = strlen(key);
    if (sodium_base64_ENCODED_LEN(len, sodium_base64_VARIANT_URLSAFE_NO_PADDING) > n) {
        buf[0] = '\0';
        return;
    }
    sodium_bin2base64(buf, n, (const unsigned char *)key, len, sodium_base64_VARIANT_URLSAFE_NO_PADDING);
}

static int parse_limit(const char *s, int *out, tu_err *err) {
    char *end;
    long v = strtol(s, &end, 10);
    if (*s == '\0' || *end || v < 1 || v > 500) return tu_err_set(err, TU_EINVAL, "limit must be 1..500");
    *out = (int)v;
    return TU_OK;
}

int tu_req_query_int(tu_req *r, const char *name, int64_t min, int64_t max, int64_t *out, tu_err *err) {
    const char *s = tu_req_query(r, name);
    if (!s) return TU_OK;
    char *end;
    errno = 0;
    long long v = strtoll(s, &end, 10);
    if (*s == '\0' || *end || errno || v < min || v > max)
        return tu_err_set(err, TU_EINVAL, "%s must be an integer in %lld..%lld", name, (long long)min, (long long)max);
    *out = v;
    return TU_OK;
}

int tu_req_page(tu_req *r, const char *const *sorts, tu_page *p, tu_err *err) {
    memset(p, 0, sizeof *p);
    p->limit = 50;
    p->sort = sorts[0];
    const char *v = tu_req_query(r, "limit");
    if (v && parse_limit(v, &p->limit, err)) return err->code;
    if ((v = tu_req_query(r, "sort")) != NULL) {
        p->reverse = v[0] == '-';
        const char *name = v + p->reverse;
        int i = 0;
        while (sorts[i] && strcmp(sorts[i], name) != 0) i++;
        if (!sorts[i]) return tu_err_set(err, TU_EINVAL, "cannot sort by '%s'", name);
        p->sort = sorts[i];
    }
    if ((v = tu_req_query(r, "cursor")) != NULL && *v) {
        size_t bin_len = 0;
        if (sodium_base642bin((unsigned char *)p->after, sizeof p->after - 1, v, strlen(v), NULL, &bin_len, NULL,
                              sodium_base64_VARIANT_URLSAFE_NO_PADDING) != 0 ||
            memchr(p->after, '\0', bin_len))
            return tu_err_set(err, TU_EINVAL, "bad cursor");
        p->after[bin_len] = '\0';
    }
    return TU_OK;
}

int tu_reply_page(tu_req *r, json_t *items, const char *last_key) {
    char cursor[400] = "";
    if (last_key) tu_cursor_encode(last_key, cursor, sizeof cursor);
    return tu_reply_json(r, 200, json_pack("{s:o,s:o}", "items", items, "next_cursor",
                                           cursor[0] ? json_string(cursor) : json_null()));
}

int tu_page_after_id(const tu_page *p, int64_t *after, tu_err *err) {
    long long v = 0;
    int used = 0;
    *after = 0;
    if (!p->after[0]) return TU_OK;
    if (sscanf(p->after, "id:%lld%n", &v, &used) != 1 || p->after[used] || v < 0)
        return tu_err_set(err, TU_EINVAL, "bad cursor");
    *after = v;
    return TU_OK;
}

int tu_reply_page_id(tu_req *r, json_t *items, int more, int64_t last_id) {
    char key[32];
    snprintf(key, sizeof key, "id:%lld", (long long)last_id);
    return tu_reply_page(r, items, more ? key : NULL);
}
