/* prefs.c — an enterprise's preferences over the push_pref rows (see prefs.h). */
#include "push/prefs.h"

#include <stdio.h>
#include <string.h>

#include "app/audit.h"
#include "store/push.h"

typedef struct rows {
    int64_t ent;
    tu_push_pref webhook, email, near;
    int have_webhook, have_email, have_near;
} rows;

static int collect(void *ctx, const tu_push_pref *p) {
    rows *r = ctx;
    if (p->ent_id != r->ent) return 0;
    if (strcmp(p->channel_kind, "webhook") == 0) r->webhook = *p, r->have_webhook = 1;
    else if (strcmp(p->channel_kind, "email") == 0) r->email = *p, r->have_email = 1;
    else if (strcmp(p->channel_kind, "near_miss") == 0) r->near = *p, r->have_near = 1;
    return 0;
}

static int load(tu_store *s, int64_t ent, rows *r, tu_err *err) {
    memset(r, 0, sizeof *r);
    r->ent = ent;
    return tu_store_push_pref_scan(s, collect, r, err);
}

int tu_push_prefs_get(tu_store *s, int64_t ent_id, tu_push_prefs *out, tu_err *err) {
    rows r;
    int rc = load(s, ent_id, &r, err);
    if (rc) return rc;
    memset(out, 0, sizeof *out);
    out->webhook = !r.have_webhook || r.webhook.enabled;
    out->email = r.have_email && r.email.enabled && r.email.address[0] && r.email.digest[0];
    snprintf(out->address, sizeof out->address, "%s", r.have_email ? r.email.address : "");
    snprintf(out->digest, sizeof out->digest, "%s", r.have_email && r.email.digest[0] ? r.email.digest : "off");
    out->max_per_week = r.have_webhook ? r.webhook.max_per_week : r.have_email ? r.email.max_per_week : 0;
    out->near_miss = !r.have_near || r.near.enabled;
    return TU_OK;
}

static int check(const tu_push_prefs *p, tu_err *err) {
    if (strcmp(p->digest, "daily") != 0 && strcmp(p->digest, "weekly") != 0 && strcmp(p->digest, "off") != 0)
        return tu_err_set(err, TU_EVALIDATION, "'digest' must be daily, weekly or off");
    const char *at = strchr(p->address, '@');
    if (p->address[0] && (!at || at == p->address || !at[1] || strpbrk(p->address, " \r\n<>,;\"")))
        return tu_err_set(err, TU_EVALIDATION, "'email' is not an e-mail address");
    if (p->email && (!p->address[0] || strcmp(p->digest, "off") == 0))
        return tu_err_set(err, TU_EVALIDATION, "e-mail digests need an 'email' address and a daily or weekly 'digest'");
    if (p->max_per_week < 0 || p->max_per_week > 1000)
        return tu_err_set(err, TU_EVALIDATION, "'max_per_week' must be 0 (no cap) to 1000");
    return TU_OK;
}

static json_t *to_json(const tu_push_prefs *p) {
    return json_pack("{s:b,s:b,s:s,s:s,s:i,s:b}", "webhook", p->webhook, "email", p->email, "address", p->address,
                     "digest", p->digest, "max_per_week", p->max_per_week, "near_miss", p->near_miss);
}

/* Fills row (keeping its counters when it existed) for channel kind of ent. */
static void fill(tu_push_pref *row, int existed, int64_t ent, const char *kind, int enabled, int cap) {
    if (!existed) memset(row, 0, sizeof *row);
    row->ent_id = ent;
    snprintf(row->channel_kind, sizeof row->channel_kind, "%s", kind);
    row->enabled = enabled;
    row->max_per_week = cap;
}

int tu_push_prefs_put(tu_store *s, const tu_actor *a, int64_t ent_id, const char *uscc, const tu_push_prefs *p,
                      tu_err *err) {
    int rc = check(p, err);
    if (rc) return rc;
    tu_push_prefs before;
    rows r;
    if ((rc = tu_store_begin(s, err)) != TU_OK) return rc;
    rc = load(s, ent_id, &r, err);
    if (!rc) rc = tu_push_prefs_get(s, ent_id, &before, err);
    fill(&r.webhook, r.have_webhook, ent_id, "webhook", p->webhook, p->max_per_week);
    fill(&r.email, r.have_email, ent_id, "email", p->email, p->max_per_week);
    snprintf(r.email.address, sizeof r.email.address, "%s", p->address);
    snprintf(r.email.digest, sizeof r.email.digest, "%s", strcmp(p->digest, "off") == 0 ? "" : p->digest);
    fill(&r.near, r.have_near, ent_id, "near_miss", p->near_miss, 0);
    if (!rc) rc = tu_store_push_pref_set(s, &r.webhook, err);
    if (!rc) rc = tu_store_push_pref_set(s, &r.email, err);
    if (!rc) rc = tu_store_push_pref_set(s, &r.near, err);
    json_t *jb = rc ? NULL : to_json(&before), *ja = rc ? NULL : to_json(p);
    if (!rc) rc = jb && ja ? tu_audit_record(s, a, "push.preferences", uscc, jb, ja, err) : TU_ENOMEM;
    json_decref(jb), json_decref(ja);
    if (!rc) rc = tu_store_commit(s, err);
    if (rc) tu_store_rollback(s);
    return rc;
}
