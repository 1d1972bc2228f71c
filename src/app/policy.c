/* policy.c — policy use cases (see policy.h): the document check, the lifecycle transition table, versions and
 * publishing with its campaign. Workload: officials edit a few policies a day; publish runs once per version and
 * writes one campaign row whatever the number of recipients. */
#include "app/policy.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "app/app_int.h"
#include "app/campaign.h"
#include "app/subscription.h"
#include "core/alloc.h"
#include "core/num.h"
#include "rules/ruletest.h"

/* ---- statuses and the transition table ---- */

static const char *const status_names[] = {
#define TU__PS_NAME(id, name) name,
    TU_POLICY_STATUS_MAP(TU__PS_NAME)
#undef TU__PS_NAME
};

static const char *const event_names[] = {"edit", "preview", "publish", "revise", "withdraw", "expire"};

#define NO -1
/* transitions[from][event] = the next status, NO when refused. The one place the lifecycle is written down. */
static const int transitions[TU_PS_COUNT][TU_PEV_COUNT] = {
    /*               edit          preview       publish       revise      withdraw       expire */
    [TU_PS_DRAFT] = {TU_PS_DRAFT, TU_PS_PREVIEW, NO, NO, TU_PS_WITHDRAWN, NO},
    [TU_PS_PREVIEW] = {TU_PS_DRAFT, TU_PS_PREVIEW, TU_PS_PUBLISHED, NO, TU_PS_WITHDRAWN, NO},
    [TU_PS_PUBLISHED] = {TU_PS_PUBLISHED, NO, NO, TU_PS_REVISED, TU_PS_WITHDRAWN, TU_PS_EXPIRED},
    [TU_PS_REVISED] = {TU_PS_REVISED, NO, NO, TU_PS_REVISED, TU_PS_WITHDRAWN, TU_PS_EXPIRED},
    [TU_PS_WITHDRAWN] = {NO, NO, NO, NO, NO, NO},
    [TU_PS_EXPIRED] = {NO, NO, NO, NO, NO, NO},
};

const char *tu_policy_status_name(int status) {
    return status >= 0 && status < TU_PS_COUNT ? status_names[status] : "?";
}

const char *tu_policy_event_name(int ev) { return ev >= 0 && ev < TU_PEV_COUNT ? event_names[ev] : "?"; }

int tu_policy_status_parse(const char *name) {
    for (int i = 0; i < TU_PS_COUNT; i++)
        if (strcmp(name, status_names[i]) == 0) return i;
    return -1;
}

int tu_policy_next_status(int from, int ev) {
    if (from < 0 || from >= TU_PS_COUNT || ev < 0 || ev >= TU_PEV_COUNT) return NO;
    return transitions[from][ev];
}

/* ---- the document check ---- */

typedef enum { F_CODE, F_TEXT, F_LANG, F_DATE, F_CATEGORY, F_MODE, F_RULE, F_STRLIST, F_FEN, F_TESTS, F_META } fkind;

static const struct field {
    const char *name;
    fkind kind;
    int required;
} fields[] = {
    {"code", F_CODE, 1},        {"title", F_LANG, 1},        {"summary", F_LANG, 0},     {"department", F_TEXT, 1},
    {"doc_number", F_TEXT, 1},  {"category", F_CATEGORY, 1}, {"full_text", F_TEXT, 0},   {"valid_from", F_DATE, 1},
    {"valid_to", F_DATE, 0},    {"apply_from", F_DATE, 0},   {"apply_to", F_DATE, 0},    {"effective_from", F_DATE, 0},
    {"rule", F_RULE, 0},        {"rule_text", F_TEXT, 0},    {"benefit", F_RULE, 0},     {"benefit_text", F_TEXT, 0},
    {"mode", F_MODE, 1},        {"groups", F_STRLIST, 0},
    {"cities", F_STRLIST, 0},   {"keywords", F_STRLIST, 0},  {"cap_fen", F_FEN, 0},      {"tests", F_TESTS, 0},
    {"status", F_META, 0},      {"version", F_META, 0},
};

static const char *const categories[] = {"equipment_reward", "loan_interest", "land",  "energy",
                                         "demonstration",    "cultivation",   "other", NULL};
static const char *const modes[] = {"apply", "no_application", NULL};

static int bad(tu_err *err, const char *field, const char *fmt, const char *what) {
    int rc = tu_err_set(err, TU_EVALIDATION, fmt, field, what);
    if (err) snprintf(err->field, sizeof err->field, "%s", field);
    return rc;
}

static int in_list(const char *s, const char *const *list) {
    for (; *list; list++)
        if (strcmp(s, *list) == 0) return 1;
    return 0;
}

static int nonempty_string(const json_t *v) { return json_is_string(v) && json_string_length(v) > 0; }

static int check_code(const char *name, const json_t *v, tu_err *err) {
    if (!nonempty_string(v) || json_string_length(v) > TU_POLICY_CODE_MAX)
        return bad(err, name, "%s: %s", "a string of 1 to 64 characters [a-z0-9._-]");
    for (const char *p = json_string_value(v); *p; p++)
        if (!((*p >= 'a' && *p <= 'z') || (*p >= '0' && *p <= '9') || strchr("._-", *p)))
            return bad(err, name, "%s: %s", "only lower-case letters, digits, '.', '_' and '-' are allowed");
    return TU_OK;
}

static int check_lang(const char *name, const json_t *v, tu_err *err) {
    if (!json_is_object(v) || !nonempty_string(json_object_get(v, "zh")) ||
        !nonempty_string(json_object_get(v, "en")))
        return bad(err, name, "%s: %s", "an object with non-empty \"zh\" and \"en\" texts");
    return TU_OK;
}

static int check_strlist(const char *name, const json_t *v, tu_err *err) {
    size_t i;
    json_t *x;
    if (!json_is_array(v)) return bad(err, name, "%s: %s", "a list of strings");
    json_array_foreach(v, i, x) if (!nonempty_string(x)) return bad(err, name, "%s: %s", "a list of non-empty strings");
    return TU_OK;
}

static int check_tests(const char *name, const json_t *v, tu_err *err) {
    size_t i;
    json_t *t;
    if (!json_is_array(v)) return bad(err, name, "%s: %s", "a list of fixtures");
    static const char *const expects[] = {"eligible", "not_eligible", "unknown", NULL};
    json_array_foreach(v, i, t) {
        const char *ex = json_string_value(json_object_get(t, "expect"));
        json_t *b = json_object_get(t, "benefit");
        if (!json_is_object(t) || !json_is_object(json_object_get(t, "enterprise")) || !ex || !in_list(ex, expects) ||
            (b && !json_is_string(b)))
            return bad(err, name, "%s: %s",
                       "each fixture is {\"name\", \"enterprise\":{...}, \"project\":{...}, \"expect\": eligible | "
                       "not_eligible | unknown, \"benefit\": \"yuan\" (optional)} (docs/rules.md)");
    }
    return TU_OK;
}

static int check_field(const struct field *f, const json_t *v, tu_err *err) {
    int32_t d;
    switch (f->kind) {
    case F_CODE: return check_code(f->name, v, err);
    case F_TEXT: return json_is_string(v) && (!f->required || json_string_length(v) > 0) ? TU_OK : bad(err, f->name, "%s: %s", "a non-empty string");
    case F_LANG: return check_lang(f->name, v, err);
    case F_DATE:
        return json_is_string(v) && tu_date_parse(json_string_value(v), json_string_length(v), &d, NULL) == TU_OK
                   ? TU_OK
                   : bad(err, f->name, "%s: %s", "a date YYYY-MM-DD");
    case F_CATEGORY:
        return json_is_string(v) && in_list(json_string_value(v), categories)
                   ? TU_OK
                   : bad(err, f->name, "%s: %s", "one of equipment_reward, loan_interest, land, energy, demonstration, cultivation, other");
    case F_MODE:
        return json_is_string(v) && in_list(json_string_value(v), modes) ? TU_OK : bad(err, f->name, "%s: %s", "apply or no_application");
    case F_RULE: return json_is_object(v) || json_is_number(v) || json_is_boolean(v) ? TU_OK : bad(err, f->name, "%s: %s", "a JsonLogic rule (an object)");
    case F_STRLIST: return check_strlist(f->name, v, err);
    case F_FEN: return json_is_integer(v) && json_integer_value(v) >= 0 ? TU_OK : bad(err, f->name, "%s: %s", "an integer number of fen >= 0");
    case F_TESTS: return check_tests(f->name, v, err);
    case F_META: return TU_OK;
    }
    return TU_OK;
}

/* Date string of doc[name], or "" when absent. */
static const char *date_of(const json_t *doc, const char *name) {
    const char *s = json_string_value(json_object_get(doc, name));
    return s ? s : "";
}

static int check_order(const json_t *doc, const char *from, const char *to, tu_err *err) {
    const char *a = date_of(doc, from), *b = date_of(doc, to);
    if (*a && *b && strcmp(b, a) < 0) return bad(err, to, "%s: %s", "is before the start date");
    return TU_OK;
}

int tu_policy_doc_check(const json_t *doc, tu_err *err) {
    if (!json_is_object(doc)) return tu_err_set(err, TU_EVALIDATION, "a policy is a JSON object");
    const char *key;
    json_t *v;
    json_object_foreach((json_t *)doc, key, v) {
        size_t i;
        for (i = 0; i < sizeof fields / sizeof fields[0] && strcmp(fields[i].name, key) != 0; i++) {}
        if (i == sizeof fields / sizeof fields[0]) return bad(err, key, "%s: %s", "unknown field");
        int rc = check_field(&fields[i], v, err);
        if (rc) return rc;
    }
    for (size_t i = 0; i < sizeof fields / sizeof fields[0]; i++)
        if (fields[i].required && !json_object_get(doc, fields[i].name))
            return bad(err, fields[i].name, "%s: %s", "is required");
    if (!json_object_get(doc, "rule") == !json_object_get(doc, "rule_text"))
        return bad(err, "rule", "%s: %s", "one of \"rule\" (JsonLogic) or \"rule_text\" (readable syntax) is required");
    if (json_object_get(doc, "benefit") && json_object_get(doc, "benefit_text"))
        return bad(err, "benefit", "%s: %s", "give \"benefit\" or \"benefit_text\", not both");
    int rc = check_order(doc, "valid_from", "valid_to", err);
    if (!rc) rc = check_order(doc, "apply_from", "apply_to", err);
    if (!rc) rc = check_order(doc, "valid_from", "effective_from", err);
    return rc;
}

/* ---- non-combinable groups ---- */

const char *tu__group_shared(const json_t *a, const json_t *b) {
    size_t i, j;
    json_t *x, *y;
    json_array_foreach(a, i, x) json_array_foreach(b, j, y) if (json_is_string(x) && json_equal(x, y)) return json_string_value(x);
    return NULL;
}

/* ---- rule tests ---- */

/* The default runner: the rules module's (rules/ruletest.h) — static checks of the rule and formula, then every
 * fixture; the FAIL lines make the report. */
static int default_runner(const json_t *doc, int *failed, char *report, size_t n, tu_err *err) {
    char *out = NULL;
    size_t len = 0;
    FILE *f = open_memstream(&out, &len);
    if (!f) return tu_err_set(err, TU_ENOMEM, "out of memory");
    tu_ruletest_summary sum;
    json_t *tests = json_object_get(doc, "tests") ? NULL : json_array();
    if (tests) json_object_set_new((json_t *)doc, "tests", tests); /* no fixtures: still run the static checks */
    int rc = tu_ruletest_run(doc, f, &sum, err);
    if (tests) json_object_del((json_t *)doc, "tests");
    fclose(f);
    *failed = sum.failed;
    size_t k = 0;
    for (char *line = out; line && *line && k + 1 < n;) {
        char *end = strchr(line, '\n');
        size_t l = end ? (size_t)(end - line) : strlen(line);
        if (strncmp(line, "FAIL", 4) == 0) k += (size_t)snprintf(report + k, n - k, "%s%.*s", k ? "; " : "", (int)l, line);
        line = end ? end + 1 : line + l;
    }
    if (n) report[k < n ? k : n - 1] = '\0';
    free(out);
    return rc;
}

static tu_policy_test_runner test_runner = default_runner;

void tu_app_policy_set_test_runner(tu_policy_test_runner fn) { test_runner = fn ? fn : default_runner; }

int tu_app_policy_run_tests(const json_t *doc, tu_err *err) {
    char report[400];
    int failed = 0;
    int rc = test_runner(doc, &failed, report, sizeof report, err);
    if (rc) return rc;
    if (failed > 0) return tu_err_set(err, TU_EVALIDATION, "%d rule test(s) fail: %s", failed, report);
    return TU_OK;
}

/* ---- versions ---- */

/* Fills a version row from a checked document; the strings are borrowed from doc except v->doc (owned). */
static int version_from_doc(const json_t *doc, int64_t id, int version, tu_policy_version *v, tu_err *err) {
    memset(v, 0, sizeof *v);
    v->policy_id = id;
    v->version = version;
    const char *eff = date_of(doc, "effective_from");
    snprintf(v->effective_from, sizeof v->effective_from, "%s", *eff ? eff : date_of(doc, "valid_from"));
    snprintf(v->category, sizeof v->category, "%s", json_string_value(json_object_get(doc, "category")));
    snprintf(v->mode, sizeof v->mode, "%s", json_string_value(json_object_get(doc, "mode")));
    v->department = (char *)json_string_value(json_object_get(doc, "department"));
    json_t *title = json_object_get(doc, "title");
    v->title_zh = (char *)json_string_value(json_object_get(title, "zh"));
    v->title_en = (char *)json_string_value(json_object_get(title, "en"));
    json_t *copy = json_deep_copy(doc);
    if (!copy) return tu_err_set(err, TU_ENOMEM, "out of memory");
    json_object_del(copy, "status");
    json_object_del(copy, "version");
    json_object_set_new(copy, "effective_from", json_string(v->effective_from));
    v->doc = json_dumps(copy, JSON_COMPACT | JSON_PRESERVE_ORDER);
    json_decref(copy);
    return v->doc ? TU_OK : tu_err_set(err, TU_ENOMEM, "out of memory");
}

static int put_doc_version(tu_store *s, const json_t *doc, int64_t id, int version, tu_err *err) {
    tu_policy_version v;
    int rc = version_from_doc(doc, id, version, &v, err);
    if (!rc) rc = tu_store_policy_put_version(s, &v, err);
    free(v.doc); /* from json_dumps */
    return rc;
}

/* Runs body in a transaction: commit on TU_OK, rollback otherwise. */
#define IN_TX(s, err, body)                         \
    do {                                            \
        int rc_ = tu_store_begin(s, err);           \
        if (rc_) return rc_;                        \
        rc_ = (body);                               \
        if (!rc_) return tu_store_commit(s, err);   \
        tu_store_rollback(s);                       \
        return rc_;                                 \
    } while (0)

int tu_app_policy_add(tu_store *s, const json_t *doc, int64_t *id, tu_err *err) {
    int rc = tu_policy_doc_check(doc, err);
    if (rc) return rc;
    const char *code = json_string_value(json_object_get(doc, "code"));
    rc = tu_store_begin(s, err);
    if (rc) return rc;
    rc = tu_store_policy_insert(s, code, "draft", id, err);
    if (!rc) rc = put_doc_version(s, doc, *id, 1, err);
    if (!rc) return tu_store_commit(s, err);
    tu_store_rollback(s);
    return rc;
}

/* Loads the head and the status as a number, and checks that `ev` is allowed; *next receives the new status. */
static int load_for(tu_store *s, int64_t id, int ev, tu_policy_head *h, int *next, tu_err *err) {
    int rc = tu_store_policy_get(s, id, h, err);
    if (rc) return rc;
    int from = tu_policy_status_parse(h->status);
    *next = tu_policy_next_status(from, ev);
    if (*next < 0)
        return tu_err_set(err, TU_ESTATE, "policy %s is %s: '%s' is not allowed", h->code, h->status,
                          tu_policy_event_name(ev));
    return TU_OK;
}

/* The effective date of a revision may not precede the version in force before it. */
static int check_revision_date(tu_store *s, int64_t id, const char *eff, int below, tu_err *err) {
    tu_policy_version prev;
    int rc = tu_store_policy_version(s, id, below, &prev, err);
    if (rc) return rc;
    if (strcmp(eff, prev.effective_from) < 0)
        rc = tu_err_set(err, TU_EVALIDATION, "effective_from %s precedes version %d's %s", eff, prev.version,
                        prev.effective_from);
    if (rc && err) snprintf(err->field, sizeof err->field, "effective_from");
    tu_store_policy_version_clear(&prev);
    return rc;
}

static int edit_tx(tu_store *s, int64_t id, const json_t *doc, tu_err *err) {
    tu_policy_head h;
    int next;
    int rc = load_for(s, id, TU_PEV_EDIT, &h, &next, err);
    if (rc) return rc;
    if (strcmp(h.code, json_string_value(json_object_get(doc, "code"))) != 0)
        return bad(err, "code", "%s: %s", "the code of a policy cannot change");
    tu_policy_version latest;
    rc = tu_store_policy_version(s, id, 0, &latest, err);
    if (rc) return rc;
    int version = latest.published ? latest.version + 1 : latest.version;
    int published_before = latest.published || latest.version > 1;
    tu_store_policy_version_clear(&latest);
    if (published_before && (next == TU_PS_PUBLISHED || next == TU_PS_REVISED)) {
        const char *eff = date_of(doc, "effective_from");
        rc = check_revision_date(s, id, *eff ? eff : date_of(doc, "valid_from"), version - 1, err);
        if (rc) return rc;
    }
    rc = put_doc_version(s, doc, id, version, err);
    if (!rc) rc = tu_store_policy_set_status(s, id, tu_policy_status_name(next), err);
    return rc;
}

int tu_app_policy_edit(tu_store *s, int64_t id, const json_t *doc, tu_err *err) {
    int rc = tu_policy_doc_check(doc, err);
    if (rc) return rc;
    IN_TX(s, err, edit_tx(s, id, doc, err));
}

static int simple_tx(tu_store *s, int64_t id, int ev, tu_err *err) {
    tu_policy_head h;
    int next;
    int rc = load_for(s, id, ev, &h, &next, err);
    return rc ? rc : tu_store_policy_set_status(s, id, tu_policy_status_name(next), err);
}

int tu_app_policy_preview(tu_store *s, int64_t id, tu_err *err) { IN_TX(s, err, simple_tx(s, id, TU_PEV_PREVIEW, err)); }
int tu_app_policy_withdraw(tu_store *s, int64_t id, tu_err *err) { IN_TX(s, err, simple_tx(s, id, TU_PEV_WITHDRAW, err)); }
int tu_app_policy_expire(tu_store *s, int64_t id, tu_err *err) { IN_TX(s, err, simple_tx(s, id, TU_PEV_EXPIRE, err)); }

/* ---- publish ---- */

static json_t *parse_doc(const char *text, tu_err *err) {
    json_error_t je;
    json_t *doc = json_loads(text, 0, &je);
    if (!doc) tu_err_set(err, TU_ECORRUPT, "stored policy document does not parse: %s", je.text);
    return doc;
}

/* Records the campaigns of a publication: "publish" for a first version, else gained/lost against `previous`. */
static int record_campaigns(tu_store *s, const tu_policy_version *v, const roaring_bitmap_t *eligible,
                            const roaring_bitmap_t *previous, int64_t *campaign_id, tu_err *err) {
    if (v->version == 1) return tu_app_campaign_record(s, v->policy_id, 1, "publish", eligible, campaign_id, NULL, err);
    roaring_bitmap_t *empty = roaring_bitmap_create();
    const roaring_bitmap_t *prev = previous ? previous : empty;
    roaring_bitmap_t *gained = roaring_bitmap_andnot(eligible, prev), *lost = roaring_bitmap_andnot(prev, eligible);
    int64_t lost_id;
    int rc = !empty || !gained || !lost ? tu_err_set(err, TU_ENOMEM, "out of memory") : TU_OK;
    if (!rc) rc = tu_app_campaign_record(s, v->policy_id, v->version, "revision_gained", gained, campaign_id, NULL, err);
    if (!rc) rc = tu_app_campaign_record(s, v->policy_id, v->version, "revision_lost", lost, &lost_id, NULL, err);
    tu_bitmap_free(empty);
    tu_bitmap_free(gained);
    tu_bitmap_free(lost);
    return rc;
}

static int publish_tx(tu_store *s, int64_t id, const roaring_bitmap_t *eligible, const roaring_bitmap_t *previous,
                      int64_t *campaign_id, tu_err *err) {
    tu_policy_head h;
    tu_policy_version v;
    int rc = tu_store_policy_get(s, id, &h, err);
    if (!rc) rc = tu_store_policy_version(s, id, 0, &v, err);
    if (rc) return rc;
    int st = tu_policy_status_parse(h.status), next;
    int ev = st == TU_PS_PREVIEW || st == TU_PS_DRAFT ? TU_PEV_PUBLISH : TU_PEV_REVISE;
    if (v.published) rc = tu_err_set(err, TU_ESTATE, "policy %s: version %d is already published", h.code, v.version);
    if (!rc) rc = load_for(s, id, ev, &h, &next, err);
    json_t *doc = rc ? NULL : parse_doc(v.doc, err);
    if (!rc && !doc) rc = TU_ECORRUPT;
    if (!rc) rc = tu_app_policy_run_tests(doc, err);
    v.published = 1;
    int alerts = 0;
    if (!rc) rc = tu_store_policy_put_version(s, &v, err);
    if (!rc) rc = tu_store_policy_set_status(s, id, tu_policy_status_name(next), err);
    if (!rc) rc = record_campaigns(s, &v, eligible, previous, campaign_id, err);
    if (!rc) rc = tu_app_alert_new_policy(s, id, doc, &alerts, err);
    json_decref(doc);
    tu_store_policy_version_clear(&v);
    return rc;
}

int tu_app_policy_publish(tu_store *s, int64_t id, const roaring_bitmap_t *eligible, int64_t *campaign_id,
                          tu_err *err) {
    return tu_app_policy_publish_revision(s, id, eligible, NULL, campaign_id, err);
}

int tu_app_policy_publish_revision(tu_store *s, int64_t id, const roaring_bitmap_t *eligible,
                                   const roaring_bitmap_t *previous, int64_t *campaign_id, tu_err *err) {
    int64_t cid = 0;
    if (!eligible) return tu_err_set(err, TU_EINVAL, "publish needs the eligible set");
    IN_TX(s, err, publish_tx(s, id, eligible, previous, campaign_id ? campaign_id : &cid, err));
}

/* ---- reading ---- */

int tu_app_policy_as_of(tu_store *s, int64_t id, const char *date, tu_policy_version *v, json_t **doc, tu_err *err) {
    int32_t d;
    if (tu_date_parse(date, strlen(date), &d, err)) return TU_EINVAL;
    int rc = tu_store_policy_version_at(s, id, date, v, err);
    if (rc || !doc) return rc;
    *doc = parse_doc(v->doc, err);
    if (*doc) return TU_OK;
    tu_store_policy_version_clear(v);
    return TU_ECORRUPT;
}

json_t *tu_app_policy_export(tu_store *s, int64_t id, int version, tu_err *err) {
    tu_policy_head h;
    tu_policy_version v;
    if (tu_store_policy_get(s, id, &h, err) || tu_store_policy_version(s, id, version, &v, err)) return NULL;
    json_t *doc = parse_doc(v.doc, err);
    if (doc) {
        json_object_set_new(doc, "status", json_string(v.published || version == 0 ? h.status : "pending"));
        json_object_set_new(doc, "version", json_integer(v.version));
    }
    tu_store_policy_version_clear(&v);
    return doc;
}

int tu_app_policy_lookup(tu_store *s, const char *id_or_code, int64_t *id, tu_err *err) {
    char *end;
    long long n = strtoll(id_or_code, &end, 10);
    if (*id_or_code && *end == '\0' && n > 0) {
        tu_policy_head h;
        *id = n;
        return tu_store_policy_get(s, n, &h, err);
    }
    return tu_store_policy_find(s, id_or_code, id, err);
}
