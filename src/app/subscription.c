/* subscription.c — matching subscriptions against newly published policies (see subscription.h). Workload: one
 * pass over the subscriptions per publication. */
#include "app/subscription.h"

#include <string.h>


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
