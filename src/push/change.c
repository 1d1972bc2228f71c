/* change.c — inbox items from a change delta (see change.h). Workload: one call per enterprise write, a handful
 * of policies each. */
#include "push/change.h"

#include <stdio.h>
#include <string.h>

#include "core/alloc.h"
#include "core/num.h"
#include "push/prefs.h"
#include "store/policy.h"

/* The version of a published policy in force today, or 0 when none is (draft, withdrawn, not yet effective). */
static int in_force(tu_store *s, int64_t policy_id) {
    tu_policy_head h;
    if (tu_store_policy_get(s, policy_id, &h, NULL)) return 0;
    if (strcmp(h.status, "published") != 0 && strcmp(h.status, "revised") != 0) return 0;
    char today[TU_DATE_BUFSZ];
    tu_date_format(tu_date_today(), today);
    tu_policy_version v;
    if (tu_store_policy_version_at(s, policy_id, today, &v, NULL)) return 0;
    int version = v.version;
    tu_store_policy_version_clear(&v);
    return version;
}

/* Whether a campaign of (policy, version) already told ent. */
static int told(tu_inbox *ib, int64_t ent, int64_t policy_id, int version) {
    if (!ib) return 0;
    int64_t ids[256];
    size_t n = tu_inbox_campaigns_of(ib, (uint32_t)ent, ids, 256);
    for (size_t i = 0; i < n && i < 256; i++) {
        tu_campaign c;
        if (tu_inbox_campaign(ib, ids[i], &c) == TU_OK && c.policy_id == policy_id && c.version == version &&
            strcmp(c.kind, "revision_lost") != 0)
            return 1;
    }
    return 0;
}

/* How many "qualified" and "no_longer" items ent already holds for (policy, version): the round of its next
 * item of each kind, so that an enterprise that loses a policy and later qualifies again is told again, while a
 * replayed delta (same state, same counts) finds its key taken. One scan of the enterprise's items fills the
 * rounds of every policy of the delta. */
typedef struct rounds {
    int64_t policy_id;
    int version, qualified, no_longer;
} rounds;

typedef struct round_scan {
    rounds *r;
    size_t n;
} round_scan;

static int count_item(void *ctx, const tu_push_item *it) {
    round_scan *rs = ctx;
    long long ent, pol;
    int version;
    char kind[16];
    if (sscanf(it->idem_key, "%15[^:]:%lld:%lld:%d", kind, &ent, &pol, &version) != 4) return 0;
    for (size_t i = 0; i < rs->n; i++)
        if (rs->r[i].policy_id == it->policy_id && rs->r[i].version == version) {
            rs->r[i].qualified += strcmp(kind, "qualified") == 0;
            rs->r[i].no_longer += strcmp(kind, "no_longer") == 0;
        }
    return 0;
}

/* Adds one item, idempotent per (kind, ent, policy, version, round); round 0 keeps the key without a round. */
static int add_one(tu_store *s, int64_t ent, int64_t policy_id, int version, int round, const char *kind,
                   const char *detail, int *added, tu_err *err) {
    tu_push_item it = {.ent_id = ent, .policy_id = policy_id};
    snprintf(it.kind, sizeof it.kind, "%s", kind);
    snprintf(it.detail, sizeof it.detail, "%s", detail ? detail : "");
    int k = snprintf(it.idem_key, sizeof it.idem_key, "%s:%lld:%lld:%d", kind, (long long)ent, (long long)policy_id,
                     version);
    if (round > 0 && k > 0 && (size_t)k < sizeof it.idem_key)
        snprintf(it.idem_key + k, sizeof it.idem_key - (size_t)k, ":%d", round);
    int64_t id;
    int created = 0;
    int rc = tu_store_push_item_add(s, &it, &id, &created, err);
    *added += created;
    return rc;
}

static int apply(tu_store *s, tu_inbox *ib, int64_t ent, const tu_policy_delta *d, int *added, tu_err *err) {
    tu_push_prefs prefs;
    int rc = d->nnear ? tu_push_prefs_get(s, ent, &prefs, err) : TU_OK, v;
    size_t nnear = rc || !d->nnear || prefs.near_miss ? d->nnear : 0; /* the enterprise may turn near misses off */
    /* gained then lost policies, each with its version in force (0: none, skipped) and its rounds */
    round_scan rs = {tu_calloc(d->ngained + d->nlost + 1, sizeof *rs.r), d->ngained + d->nlost};
    if (!rs.r) return rc ? rc : tu_err_set(err, TU_ENOMEM, "out of memory");
    for (size_t i = 0; i < rs.n; i++) {
        rs.r[i].policy_id = i < d->ngained ? d->gained[i] : d->lost[i - d->ngained];
        rs.r[i].version = in_force(s, rs.r[i].policy_id);
    }
    if (!rc && rs.n) rc = tu_store_push_item_scan(s, ent, count_item, &rs, err);
    for (size_t i = 0; !rc && i < rs.n; i++) {
        const rounds *r = &rs.r[i];
        if (r->version <= 0) continue;
        if (i >= d->ngained)
            rc = add_one(s, ent, r->policy_id, r->version, r->qualified, "no_longer", NULL, added, err);
        /* told by a campaign counts as the first "qualified", until the enterprise has lost the policy once */
        else if (r->no_longer > 0 || !told(ib, ent, r->policy_id, r->version))
            rc = add_one(s, ent, r->policy_id, r->version, r->no_longer, "qualified", NULL, added, err);
    }
    tu_free(rs.r);
    for (size_t i = 0; !rc && i < nnear; i++)
        if ((v = in_force(s, d->near[i].policy_id)) > 0)
            rc = add_one(s, ent, d->near[i].policy_id, v, 0, "near_miss", d->near[i].reason, added, err);
    return rc;
}

int tu_push_on_enterprise_change(tu_store *s, tu_inbox *ib, int64_t ent_id, const tu_policy_delta *d, int *added,
                                 tu_err *err) {
    int n = 0;
    if (ent_id < 0 || ent_id > UINT32_MAX) return tu_err_set(err, TU_EINVAL, "enterprise id out of range");
    if (ib && tu_inbox_refresh(ib, s, err)) return err ? err->code : TU_ESTORE;
    int rc = tu_store_begin(s, err);
    if (!rc) rc = apply(s, ib, ent_id, d, &n, err);
    if (!rc) rc = tu_store_commit(s, err);
    else tu_store_rollback(s);
    if (added) *added = rc ? 0 : n;
    return rc;
}
