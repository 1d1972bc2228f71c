/* subscription.c — matching subscriptions against newly published policies (see subscription.h). Workload: one
 * pass over the subscriptions per publication. */
#include "app/subscription.h"

#include <stdio.h>
#include <string.h>

#include "app/app_int.h"
#include "app/audit.h"

static int has_text(const json_t *doc, const char *word, size_t len) {
    const char *fields[] = {"title", "summary"};
    for (size_t f = 0; f < 2; f++) {
        const json_t *lang = json_object_get(doc, fields[f]);
        const char *zh = json_string_value(json_object_get(lang, "zh")), *en = json_string_value(json_object_get(lang, "en"));
        if ((zh && memmem(zh, strlen(zh), word, len)) || (en && memmem(en, strlen(en), word, len))) return 1;
    }
    size_t i;
    json_t *k;
    json_array_foreach(json_object_get(doc, "keywords"), i, k) {
        const char *t = json_string_value(k);
        if (t && memmem(t, strlen(t), word, len)) return 1;
    }
    return 0;
}

static int keywords_match(const char *keywords, const json_t *doc) {
    const char *p = keywords;
    while (*p) {
        while (*p == ' ') p++;
        size_t len = strcspn(p, " ");
        if (len && !has_text(doc, p, len)) return 0;
        p += len;
    }
    return 1;
}

/* The significant prefix of a GB/T 2260 code: "440000" -> 2 ("44", the province), "440300" -> 4. */
static size_t scope(const char *code) {
    size_t n = strlen(code);
    while (n >= 2 && code[n - 1] == '0' && code[n - 2] == '0') n -= 2;
    return n;
}

/* Codes match when one's area contains the other's. */
static int city_match(const char *city, const json_t *doc) {
    const json_t *cities = json_object_get(doc, "cities");
    if (!*city || json_array_size(cities) == 0) return 1;
    size_t i, a = scope(city);
    json_t *c;
    json_array_foreach(cities, i, c) {
        const char *t = json_string_value(c);
        if (!t) continue;
        size_t b = scope(t);
        if (strncmp(city, t, a < b ? a : b) == 0) return 1;
    }
    return 0;
}

static int field_is(const char *want, const json_t *doc, const char *field) {
    const char *v = json_string_value(json_object_get(doc, field));
    return !*want || (v && strcmp(want, v) == 0);
}

int tu_app_sub_matches(const tu_subscription *sub, const json_t *doc) {
    return field_is(sub->category, doc, "category") && field_is(sub->department, doc, "department") &&
           city_match(sub->city, doc) && keywords_match(sub->keywords, doc);
}

typedef struct alerting {
    tu_store *s;
    int64_t policy_id;
    const json_t *doc;
    int raised, rc;
    tu_err *err;
} alerting;

static int alert_one(void *ctx, const tu_subscription *sub) {
    alerting *a = ctx;
    if (!tu_app_sub_matches(sub, a->doc)) return 0;
    int created = 0;
    a->rc = tu_store_alert_add(a->s, sub->id, a->policy_id, &created, a->err);
    a->raised += created;
    return a->rc != TU_OK;
}

int tu_app_alert_new_policy(tu_store *s, int64_t policy_id, const json_t *doc, int *raised, tu_err *err) {
    alerting a = {s, policy_id, doc, 0, TU_OK, err};
    if (!tu_store_in_tx(s)) return tu_err_set(err, TU_ESTATE, "alerts are raised inside the publish transaction");
    int rc = tu_store_sub_scan(s, alert_one, &a, err);
    if (!rc) rc = a.rc;
    if (raised) *raised = rc ? 0 : a.raised;
    return rc;
}

static json_t *sub_json(const tu_subscription *sub) {
    return json_pack("{s:I,s:s,s:s,s:s,s:s,s:s}", "id", (json_int_t)sub->id, "owner", sub->owner, "keywords",
                     sub->keywords, "category", sub->category, "department", sub->department, "city", sub->city);
}

static int audit_sub(tu_store *s, const tu_actor *a, const char *action, const tu_subscription *before,
                     const tu_subscription *after, tu_err *err) {
    char target[48];
    snprintf(target, sizeof target, "subscription:%lld", (long long)(after ? after->id : before->id));
    json_t *jb = before ? sub_json(before) : NULL, *ja = after ? sub_json(after) : NULL;
    int rc = (before && !jb) || (after && !ja) ? TU_ENOMEM : tu_audit_record(s, a, action, target, jb, ja, err);
    json_decref(jb), json_decref(ja);
    return rc;
}

static int add_tx(tu_store *s, void *ctx, tu_err *err) {
    void **c = ctx;
    int rc = tu_store_sub_add(s, c[1], err);
    return rc ? rc : audit_sub(s, c[0], "subscription.create", NULL, c[1], err);
}

int tu_app_sub_add(tu_store *s, const tu_actor *a, tu_subscription *sub, tu_err *err) {
    size_t n = strlen(sub->city);
    if (n && (n != 6 || strspn(sub->city, "0123456789") != 6))
        return tu_err_set(err, TU_EVALIDATION, "'city' must be a 6-digit area code");
    if (!a->name || strlen(a->name) >= sizeof sub->owner) return tu_err_set(err, TU_EVALIDATION, "no owner");
    snprintf(sub->owner, sizeof sub->owner, "%s", a->name);
    void *ctx[2] = {(void *)a, sub};
    return tu__app_tx(s, add_tx, ctx, err);
}

typedef struct find_ctx {
    int64_t id;
    const char *owner;
    const tu_actor *actor;
    tu_subscription found;
    int hit;
} find_ctx;

static int find_own(void *ctx, const tu_subscription *sub) {
    find_ctx *f = ctx;
    if (sub->id != f->id || strcmp(sub->owner, f->owner) != 0) return 0;
    f->found = *sub, f->hit = 1;
    return 1;
}

static int delete_tx(tu_store *s, void *ctx, tu_err *err) {
    find_ctx *f = ctx;
    int rc = tu_store_sub_scan(s, find_own, f, err);
    if (!rc && !f->hit) rc = tu_err_set(err, TU_ENOTFOUND, "no subscription %lld", (long long)f->id);
    if (!rc) rc = tu_store_sub_delete(s, f->id, f->owner, err);
    return rc ? rc : audit_sub(s, f->actor, "subscription.delete", &f->found, NULL, err);
}

int tu_app_sub_delete(tu_store *s, const tu_actor *a, int64_t id, tu_err *err) {
    find_ctx f = {.id = id, .owner = a->name ? a->name : "", .actor = a};
    return tu__app_tx(s, delete_tx, &f, err);
}
