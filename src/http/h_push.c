/* h_push.c — the push side of the API: an enterprise's inbox (read from the server's campaign cache, push/inbox.h)
 * and its states, notification preferences (push/prefs.h), library subscriptions of the caller, and the funnel
 * of a policy's campaigns. The route table has checked role and {uscc} scope before these run. Workload: an inbox read is memory
 * work over the cached bitmaps plus one policy-title lookup per distinct policy. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/alloc.h"
#include "http/http_int.h"
#include "app/subscription.h"
#include "push/inbox.h"
#include "push/prefs.h"
#include "push/worker.h"
#include "store/policy.h"
#include "store/project.h"
#include "store/push.h"

json_t *tu__policy_title(tu_store *s, int64_t policy_id, int version, json_t *cache) {
    char key[48];
    snprintf(key, sizeof key, "%lld.%d", (long long)policy_id, version);
    json_t *t = json_object_get(cache, key);
    if (t) return t;
    tu_policy_version v = {0};
    tu_err err = {0};
    int rc = tu_store_policy_version(s, policy_id, version, &v, &err);
    if (rc == TU_ENOTFOUND && version) rc = tu_store_policy_version(s, policy_id, 0, &v, &err);
    t = rc ? json_null()
           : json_pack("{s:s,s:s}", "zh", v.title_zh ? v.title_zh : "", "en", v.title_en ? v.title_en : "");
    tu_store_policy_version_clear(&v);
    json_object_set_new(cache, key, t ? t : json_null());
    return json_object_get(cache, key);
}

/* ---- inbox ---- */

static json_t *entry_json(tu_store *s, const tu_inbox_entry *e, json_t *titles) {
    char id[32];
    snprintf(id, sizeof id, "%c%lld", e->source, (long long)e->ref_id);
    json_t *o = json_pack("{s:s,s:I,s:O,s:s,s:s,s:s,s:s}", "id", id, "policy_id", (json_int_t)e->policy_id,
                          "policy_title", tu__policy_title(s, e->policy_id, e->version, titles), "kind", e->kind,
                          "state", e->state, "created_at", e->created_at, "detail", e->detail);
    if (o && e->version) json_object_set_new(o, "version", json_integer(e->version));
    return o;
}

/* Newest first (created_at, then campaigns before items of the same second, then id). */
static int newest_first(const void *a, const void *b) {
    const tu_inbox_entry *x = a, *y = b;
    int c = strcmp(y->created_at, x->created_at);
    if (c) return c;
    if (x->source != y->source) return x->source < y->source ? -1 : 1;
    return x->ref_id < y->ref_id ? 1 : x->ref_id > y->ref_id ? -1 : 0;
}

int tu_h_inbox_list(tu_req *r, tu_err *err) {
    int64_t id;
    tu_ent e;
    int rc = tu__req_enterprise(r, &id, &e, err);
    tu_inbox *ib = rc ? NULL : tu__server_inbox(r->srv, NULL, err); /* tu_inbox_read refreshes it */
    if (rc) return rc;
    tu_inbox_entry *entries = NULL;
    size_t n = 0;
    if ((rc = tu_inbox_read(ib, r->store, id, &entries, &n, err)) != TU_OK) return rc;
    if (n > 1) qsort(entries, n, sizeof *entries, newest_first);
    json_t *items = json_array(), *titles = json_object();
    long unread = 0;
    for (size_t i = 0; i < n; i++) {
        unread += strcmp(entries[i].state, "unread") == 0;
        json_array_append_new(items, entry_json(r->store, &entries[i], titles));
    }
    tu_free(entries);
    json_decref(titles);
    return tu_reply_json(r, 200, json_pack("{s:o,s:s,s:I}", "items", items, "uscc", e.uscc, "unread", (json_int_t)unread));
}

/* "c12" / "i34" -> source and id (TU_ENOTFOUND otherwise). */
static int parse_item(tu_req *r, char *source, int64_t *ref, tu_err *err) {
    char buf[24];
    int n = tu_params_get(&r->params, "item", buf, sizeof buf);
    long long v = 0;
    int used = 0;
    if (n < 2 || (buf[0] != 'c' && buf[0] != 'i') || sscanf(buf + 1, "%lld%n", &v, &used) != 1 || used != n - 1 ||
        v <= 0 || buf[1] < '0' || buf[1] > '9')
        return tu_err_set(err, TU_ENOTFOUND, "no such inbox item");
    *source = buf[0], *ref = v;
    return TU_OK;
}

int tu_h_inbox_patch(tu_req *r, tu_err *err) {
    int64_t id, ref = 0;
    tu_ent e;
    char source = 0;
    const char *state;
    int rc = tu__req_enterprise(r, &id, &e, err);
    if (!rc) rc = parse_item(r, &source, &ref, err);
    if (!rc) rc = tu_req_body_str(r, "state", 15, &state, err);
    tu_inbox *ib = rc ? NULL : tu__server_inbox(r->srv, NULL, err); /* set_state reads (and refreshes) it */
    if (rc || !ib) return rc ? rc : err->code;
    rc = tu_inbox_set_state(ib, r->store, id, source, ref, state, err);
    if (rc == TU_EINVAL) rc = TU_EVALIDATION;
    if (rc) return rc;
    char item[32];
    snprintf(item, sizeof item, "%c%lld", source, (long long)ref);
    return tu_reply_json(r, 200, json_pack("{s:s,s:s}", "id", item, "state", state));
}

/* ---- preferences ---- */

static json_t *prefs_json(const tu_push_prefs *p) {
    return json_pack("{s:{s:b,s:b,s:b},s:s,s:s,s:i,s:b}", "channels", "inbox", 1, "webhook", p->webhook, "email",
                     p->email, "email", p->address, "digest", p->digest, "max_per_week", p->max_per_week, "near_miss",
                     p->near_miss);
}

int tu_h_prefs_get(tu_req *r, tu_err *err) {
    int64_t id;
    tu_ent e;
    tu_push_prefs p;
    int rc = tu__req_enterprise(r, &id, &e, err);
    if (!rc) rc = tu_push_prefs_get(r->store, id, &p, err);
    return rc ? rc : tu_reply_json(r, 200, prefs_json(&p));
}

/* A boolean member of o into *out when present. */
static int opt_bool(const json_t *o, const char *key, int *out, tu_err *err) {
    json_t *v = json_object_get(o, key);
    if (!v) return TU_OK;
    if (!json_is_boolean(v)) return tu_err_set(err, TU_EVALIDATION, "'%s' must be true or false", key);
    *out = json_is_true(v);
    return TU_OK;
}

static int opt_text(const json_t *o, const char *key, char *buf, size_t n, tu_err *err) {
    json_t *v = json_object_get(o, key);
    if (!v) return TU_OK;
    if (!json_is_string(v) || json_string_length(v) >= n || strlen(json_string_value(v)) != json_string_length(v))
        return tu_err_set(err, TU_EVALIDATION, "'%s' must be a string of at most %zu bytes", key, n - 1);
    snprintf(buf, n, "%s", json_string_value(v));
    return TU_OK;
}

/* Body: the members of the preferences to change (others keep their value). */
int tu_h_prefs_put(tu_req *r, tu_err *err) {
    int64_t id;
    tu_ent e;
    tu_push_prefs p;
    int inbox = 1;
    int rc = tu__req_enterprise(r, &id, &e, err);
    if (!rc) rc = tu_push_prefs_get(r->store, id, &p, err);
    json_t *ch = json_object_get(r->json, "channels"), *cap = json_object_get(r->json, "max_per_week");
    if (!rc && ch && !json_is_object(ch)) rc = tu_err_set(err, TU_EVALIDATION, "'channels' must be an object");
    if (!rc) rc = opt_bool(ch, "inbox", &inbox, err);
    if (!rc && !inbox) rc = tu_err_set(err, TU_EVALIDATION, "the in-app inbox cannot be turned off");
    if (!rc) rc = opt_bool(ch, "webhook", &p.webhook, err);
    if (!rc) rc = opt_bool(ch, "email", &p.email, err);
    if (!rc) rc = opt_text(r->json, "email", p.address, sizeof p.address, err);
    if (!rc) rc = opt_text(r->json, "digest", p.digest, sizeof p.digest, err);
    if (!rc) rc = opt_bool(r->json, "near_miss", &p.near_miss, err);
    if (!rc && cap && (!json_is_integer(cap) || json_integer_value(cap) < 0 || json_integer_value(cap) > 1000))
        rc = tu_err_set(err, TU_EVALIDATION, "'max_per_week' must be 0 (no cap) to 1000");
    if (!rc && cap) p.max_per_week = (int)json_integer_value(cap);
    tu_actor a = tu_req_actor(r);
    if (!rc) rc = tu_push_prefs_put(r->store, &a, id, e.uscc, &p, err);
    if (!rc) rc = tu_push_prefs_get(r->store, id, &p, err);
    return rc ? rc : tu_reply_json(r, 200, prefs_json(&p));
}

/* ---- library subscriptions of the caller ---- */

static json_t *sub_json(const tu_subscription *s) {
    return json_pack("{s:I,s:{s:s,s:s,s:s,s:s},s:s}", "id", (json_int_t)s->id, "query", "q", s->keywords,
                     "department", s->department, "category", s->category, "city", s->city, "created_at",
                     s->created_at);
}

typedef struct subs_ctx {
    const char *owner;
    json_t *items;
} subs_ctx;

static int add_sub(void *ctx, const tu_subscription *s) {
    subs_ctx *c = ctx;
    if (strcmp(s->owner, c->owner) == 0) json_array_append_new(c->items, sub_json(s));
    return 0;
}

int tu_h_subs_list(tu_req *r, tu_err *err) {
    subs_ctx c = {r->who.username, json_array()};
    int rc = tu_store_sub_scan(r->store, add_sub, &c, err);
    if (rc) {
        json_decref(c.items);
        return rc;
    }
    return tu_reply_json(r, 200, json_pack("{s:o,s:n}", "items", c.items, "next_cursor")); /* one page: few per user */
}

/* Body: {"query":{"q","department","category","city"}} (each optional, empty = any). */
int tu_h_subs_create(tu_req *r, tu_err *err) {
    tu_subscription sub = {0};
    json_t *q = json_object_get(r->json, "query");
    int rc = q && !json_is_object(q) ? tu_err_set(err, TU_EVALIDATION, "'query' must be an object") : TU_OK;
    if (!rc) rc = opt_text(q, "q", sub.keywords, sizeof sub.keywords, err);
    if (!rc) rc = opt_text(q, "department", sub.department, sizeof sub.department, err);
    if (!rc) rc = opt_text(q, "category", sub.category, sizeof sub.category, err);
    if (!rc) rc = opt_text(q, "city", sub.city, sizeof sub.city, err);
    tu_actor a = tu_req_actor(r);
    if (!rc) rc = tu_app_sub_add(r->store, &a, &sub, err);
    if (rc) return rc;
    subs_ctx c = {r->who.username, json_array()}; /* read back for created_at */
    rc = tu_store_sub_scan(r->store, add_sub, &c, err);
    json_t *mine = NULL, *it;
    size_t i;
    json_array_foreach(c.items, i, it) if (json_integer_value(json_object_get(it, "id")) == sub.id) mine = json_incref(it);
    json_decref(c.items);
    return rc ? rc : tu_reply_json(r, 201, mine ? mine : sub_json(&sub));
}

int tu_h_subs_delete(tu_req *r, tu_err *err) {
    int64_t id;
    int rc = tu_req_param_id(r, "id", &id, err);
    tu_actor a = tu_req_actor(r);
    if (!rc) rc = tu_app_sub_delete(r->store, &a, id, err);
    return rc ? rc : tu_reply_raw(r, 204, NULL, "", 0);
}

/* ---- funnel ---- */

typedef struct channels {
    tu_channel *c;
    size_t n;
} channels;

/* Recipients the delivery cursors of each channel kind have passed for campaign c (at most its recipients each). */
static int delivered(tu_store *s, const channels *cs, const tu_campaign *c, int64_t matched, int64_t *webhook,
                     int64_t *email, tu_err *err) {
    *webhook = *email = 0;
    for (size_t i = 0; i < cs->n; i++) {
        tu_cursor cur;
        int rc = tu_store_push_cursor_get(s, c->id, cs->c[i].id, &cur, err);
        if (rc == TU_ENOTFOUND) continue;
        if (rc) return rc;
        int64_t n = cur.done || cur.next_rank > matched ? matched : cur.next_rank;
        if (strcmp(cs->c[i].kind, "email") == 0) *email += n;
        else *webhook += n;
    }
    return TU_OK;
}

/* The counts of one campaign, or of all of them. */
typedef struct funnel_counts {
    int64_t matched, webhook, email, read, dismissed, not_relevant, applied;
} funnel_counts;

static json_t *counts_json(const funnel_counts *f) {
    return json_pack("{s:I,s:{s:I,s:I},s:I,s:I,s:I,s:I}", "matched", (json_int_t)f->matched, "delivered", "webhook",
                     (json_int_t)f->webhook, "email", (json_int_t)f->email, "read", (json_int_t)f->read, "dismissed",
                     (json_int_t)f->dismissed, "not_relevant", (json_int_t)f->not_relevant, "applied",
                     (json_int_t)f->applied);
}

int tu_h_funnel(tu_req *r, tu_err *err) {
    int64_t id, applied = 0;
    tu_policy_head h;
    int rc = tu_req_param_id(r, "id", &id, err);
    if (!rc) rc = tu_store_policy_get(r->store, id, &h, err);
    char id_text[24];
    snprintf(id_text, sizeof id_text, "%lld", (long long)id);
    if (!rc) rc = tu_store_application_count_policy(r->store, h.code, id_text, &applied, err);
    tu_inbox *ib = rc ? NULL : tu__server_inbox(r->srv, r->store, err);
    if (rc || !ib) return rc ? rc : err->code;
    channels cs = {0};
    if ((rc = tu_push_channels(r->store, &cs.c, &cs.n, err)) != TU_OK) return rc;
    json_t *campaigns = json_array();
    funnel_counts total = {.applied = applied};
    int attributed = 0; /* applications name no campaign: they count on the first publish campaign */
    size_t n = tu_inbox_campaign_count(ib);
    for (size_t i = 0; !rc && i < n; i++) {
        tu_campaign c;
        const roaring_bitmap_t *set = tu_inbox_campaign_at(ib, i, &c);
        if (!set || c.policy_id != id) continue;
        funnel_counts f = {.matched = (int64_t)roaring_bitmap_get_cardinality(set)};
        tu_push_state_counts st = {0};
        rc = delivered(r->store, &cs, &c, f.matched, &f.webhook, &f.email, err);
        if (!rc) rc = tu_store_push_state_count(r->store, 'c', c.id, &st, err);
        if (rc) break;
        f.read = st.read, f.dismissed = st.dismissed, f.not_relevant = st.not_relevant;
        if (!attributed && strcmp(c.kind, "publish") == 0) f.applied = applied, attributed = 1;
        total.matched += f.matched, total.webhook += f.webhook, total.email += f.email, total.read += f.read;
        total.dismissed += f.dismissed, total.not_relevant += f.not_relevant;
        json_t *o = json_pack("{s:I,s:s,s:i,s:s}", "id", (json_int_t)c.id, "kind", c.kind, "version", c.version,
                              "created_at", c.created_at), *counts = counts_json(&f);
        json_object_update(o, counts);
        json_decref(counts);
        json_array_append_new(campaigns, o);
    }
    tu_free(cs.c);
    if (rc) {
        json_decref(campaigns);
        return rc;
    }
    json_t *totals = counts_json(&total);
    return tu_reply_json(r, 200, json_pack("{s:I,s:s,s:o,s:o}", "policy_id", (json_int_t)id, "code", h.code,
                                           "campaigns", campaigns, "totals", totals));
}
