/* quota.c — the land-use quota ledger use cases (see quota.h). Workload: a few movements per project, read by
 * SUM over the (city, year, account, project) index; writers serialised by the store's write transaction. */
#include "app/quota.h"

#include <stdio.h>
#include <string.h>

#include "app/app_int.h"
#include "core/alloc.h"
#include "core/codes.h"
#include "core/num.h"

typedef struct qctx {
    const tu_caller *a;
    uint32_t city;
    int year;
    int64_t mu, id;
    const char *note;
    int32_t today;
    int approve;
    const char *kind; /* use | release */
} qctx;

static int is_prov(const tu_caller *a) { return a->role == TU_ROLE_PROVINCIAL_OFFICIAL; }
static int city_or_prov(const tu_caller *a, uint32_t city) {
    return is_prov(a) || (a->role == TU_ROLE_CITY_OFFICIAL && a->city == city);
}

static int entry(tu_store *s, const qctx *c, uint32_t city, int year, const char *account, const char *kind,
                 int64_t delta, int64_t project, int64_t advance, tu_err *err) {
    tu_quota_entry e = {
        .city = city, .year = year, .delta = delta, .project_id = project, .advance_id = advance, .day = c->today};
    snprintf(e.account, sizeof e.account, "%s", account);
    snprintf(e.kind, sizeof e.kind, "%s", kind);
    snprintf(e.actor, sizeof e.actor, "%s", c->a->name);
    snprintf(e.note, sizeof e.note, "%s", c->note ? c->note : "");
    int rc = tu_store_quota_add(s, &e, err);
    if (rc) return rc;
    char what[32], target[32], mu[TU_DEC_BUFSZ];
    snprintf(what, sizeof what, "quota.%s", kind);
    snprintf(target, sizeof target, "quota:%06u/%d", city, year);
    json_t *after = json_pack("{s:I,s:s,s:s,s:I,s:I,s:s}", "entry", (json_int_t)e.id, "account", account, "mu",
                              tu_dec_format(delta, mu), "project", (json_int_t)project, "advance", (json_int_t)advance,
                              "note", e.note);
    rc = after ? tu__audit(s, c->a, what, target, NULL, after, err) : tu_err_set(err, TU_ENOMEM, "out of memory");
    json_decref(after);
    return rc;
}

static int sum(tu_store *s, uint32_t city, int year, const char *account, int64_t project, int64_t *out, tu_err *err) {
    return tu_store_quota_sum(s, city, year, account, project, out, err);
}

static int check_args(uint32_t city, int year, tu_err *err) {
    if (!tu_city_find(city)) return tu_err_set(err, TU_EINVAL, "%06u is not a city of the province", city);
    if (year < 2000 || year > 2100) return tu_err_set(err, TU_EINVAL, "year %d is out of range", year);
    return TU_OK;
}

/* Settles the approved advances of (city, year - 1) from available(city, year), oldest first. */
static int settle_tx_body(tu_store *s, const qctx *c, uint32_t city, int year, tu_err *err) {
    int64_t avail;
    int rc = sum(s, city, year, "available", 0, &avail, err);
    tu_quota_advance *adv = NULL;
    int n = 0;
    if (!rc) rc = tu_store_advance_list(s, city, year - 1, "approved", &adv, &n, err);
    for (int i = 0; !rc && i < n && avail > 0; i++) {
        int64_t part = adv[i].mu - adv[i].settled;
        if (part > avail) part = avail;
        if (part <= 0) continue;
        rc = entry(s, c, city, year, "available", "settle", -part, 0, adv[i].id, err);
        if (!rc) rc = entry(s, c, city, year, "owed", "settle", -part, 0, adv[i].id, err);
        adv[i].settled += part;
        avail -= part;
        if (adv[i].settled == adv[i].mu) snprintf(adv[i].status, sizeof adv[i].status, "settled");
        if (!rc) rc = tu_store_advance_update(s, &adv[i], err);
    }
    tu_free(adv);
    return rc;
}

static int allocate_tx(tu_store *s, void *v, tu_err *err) {
    qctx *c = v;
    int rc = entry(s, c, c->city, c->year, "available", "allocate", c->mu, 0, 0, err);
    return rc ? rc : settle_tx_body(s, c, c->city, c->year, err);
}

int tu_quota_allocate(tu_store *s, const tu_caller *a, uint32_t city, int year, int64_t mu, const char *note,
                      int32_t today, tu_err *err) {
    if (!is_prov(a)) return tu_err_set(err, TU_EFORBIDDEN, "quota is allocated by the provincial official");
    int rc = check_args(city, year, err);
    if (rc) return rc;
    if (mu <= 0) return tu_err_set(err, TU_EINVAL, "an allocation must be > 0 mu");
    qctx c = {.a = a, .city = city, .year = year, .mu = mu, .note = note, .today = today};
    return tu__app_tx(s, allocate_tx, &c, err);
}

/* Loads the project and checks the actor may move its quota. */
static int project_for(tu_store *s, const qctx *c, tu_project *p, tu_err *err) {
    int rc = tu_store_project_get(s, c->id, p, err);
    if (rc) return rc;
    tu_project_clear(p); /* only scalars are needed */
    if (!city_or_prov(c->a, p->city))
        return tu_err_set(err, TU_EFORBIDDEN, "the quota of city %06u is moved by its city official", p->city);
    return TU_OK;
}

static int reserve_tx(tu_store *s, void *v, tu_err *err) {
    qctx *c = v;
    tu_project p;
    int rc = project_for(s, c, &p, err);
    if (rc) return rc;
    static const char *const states[] = {"submitted", "city_review", "provincial_review", "approved"};
    int ok_state = 0;
    for (size_t i = 0; i < sizeof states / sizeof states[0]; i++) ok_state |= !strcmp(p.state, states[i]);
    if (!ok_state)
        return tu_err_set(err, TU_ESTATE, "quota is reserved for projects under review or approved, not %s", p.state);
    if (p.land_mu <= 0) return tu_err_set(err, TU_EINVAL, "project %lld needs no land", (long long)p.id);
    int64_t held, used, avail;
    if ((rc = sum(s, p.city, c->year, "reserved", p.id, &held, err))) return rc;
    if ((rc = sum(s, p.city, c->year, "used", p.id, &used, err))) return rc;
    if (held > 0 || used > 0) /* a project draws its land need once a year: no second reservation after use */
        return tu_err_set(err, TU_ECONFLICT, "project %lld already %s quota for %d", (long long)p.id,
                          held > 0 ? "holds" : "has used", c->year);
    if ((rc = sum(s, p.city, c->year, "available", 0, &avail, err))) return rc;
    if (avail < p.land_mu) {
        char a[TU_DEC_BUFSZ], b[TU_DEC_BUFSZ];
        return tu_err_set(err, TU_ELIMIT, "city %06u has %s mu available in %d; project %lld needs %s", p.city,
                          tu_dec_format(avail, a), c->year, (long long)p.id, tu_dec_format(p.land_mu, b));
    }
    rc = entry(s, c, p.city, c->year, "available", "reserve", -p.land_mu, p.id, 0, err);
    return rc ? rc : entry(s, c, p.city, c->year, "reserved", "reserve", p.land_mu, p.id, 0, err);
}

int tu_quota_reserve(tu_store *s, const tu_caller *a, int64_t project_id, int year, int32_t today, tu_err *err) {
    if (year < 2000 || year > 2100) return tu_err_set(err, TU_EINVAL, "year %d is out of range", year);
    qctx c = {.a = a, .year = year, .id = project_id, .today = today};
    return tu__app_tx(s, reserve_tx, &c, err);
}

/* use and release: the project's whole reservation moves to used or back to available. */
static int take_tx(tu_store *s, void *v, tu_err *err) {
    qctx *c = v;
    tu_project p;
    int rc = project_for(s, c, &p, err);
    if (rc) return rc;
    int64_t held;
    if ((rc = sum(s, p.city, c->year, "reserved", p.id, &held, err))) return rc;
    if (held <= 0)
        return tu_err_set(err, TU_ESTATE, "project %lld holds no reservation for %d", (long long)p.id, c->year);
    rc = entry(s, c, p.city, c->year, "reserved", c->kind, -held, p.id, 0, err);
    int use = !strcmp(c->kind, "use");
    return rc ? rc : entry(s, c, p.city, c->year, use ? "used" : "available", c->kind, held, p.id, 0, err);
}

int tu__quota_close_project(tu_store *s, const tu_caller *a, const tu_project *p, const char *kind, int32_t today,
                            tu_err *err) {
    tu_quota_entry *e = NULL;
    int n = 0, rc = tu_store_quota_entries(s, p->city, 0, &e, &n, err);
    qctx c = {.a = a, .today = today, .kind = kind, .note = "workflow"};
    for (int i = 0; !rc && i < n; i++) {
        if (e[i].project_id != p->id || strcmp(e[i].account, "reserved") != 0) continue;
        int64_t held;
        rc = sum(s, p->city, e[i].year, "reserved", p->id, &held, err);
        if (rc || held <= 0) continue;
        rc = entry(s, &c, p->city, e[i].year, "reserved", kind, -held, p->id, 0, err);
        if (!rc)
            rc =
                entry(s, &c, p->city, e[i].year, strcmp(kind, "use") ? "available" : "used", kind, held, p->id, 0, err);
    }
    tu_free(e);
    return rc;
}

int tu_quota_use(tu_store *s, const tu_caller *a, int64_t project_id, int year, int32_t today, tu_err *err) {
    qctx c = {.a = a, .year = year, .id = project_id, .today = today, .kind = "use"};
    return tu__app_tx(s, take_tx, &c, err);
}

int tu_quota_release(tu_store *s, const tu_caller *a, int64_t project_id, int year, int32_t today, tu_err *err) {
    qctx c = {.a = a, .year = year, .id = project_id, .today = today, .kind = "release"};
    return tu__app_tx(s, take_tx, &c, err);
}

/* Audits an advance's request (before_status NULL) or decision. */
static int audit_advance(tu_store *s, const tu_caller *a, const tu_quota_advance *adv, const char *before_status,
                         tu_err *err) {
    char target[32], mu[TU_DEC_BUFSZ];
    snprintf(target, sizeof target, "advance:%lld", (long long)adv->id);
    json_t *before = before_status ? json_pack("{s:s}", "status", before_status) : NULL;
    json_t *after = json_pack("{s:I,s:i,s:s,s:s,s:s}", "city", (json_int_t)adv->city, "year", adv->year, "mu",
                              tu_dec_format(adv->mu, mu), "status", adv->status, "reason", adv->reason);
    int rc = after ? tu__audit(s, a, before_status ? "quota.advance.decide" : "quota.advance.request", target, before,
                               after, err)
                   : tu_err_set(err, TU_ENOMEM, "out of memory");
    json_decref(before);
    json_decref(after);
    return rc;
}

static int request_tx(tu_store *s, void *v, tu_err *err) {
    qctx *c = v;
    tu_quota_advance adv = {.city = c->city, .year = c->year, .mu = c->mu, .day = c->today};
    snprintf(adv.status, sizeof adv.status, "requested");
    snprintf(adv.requested_by, sizeof adv.requested_by, "%s", c->a->name);
    snprintf(adv.reason, sizeof adv.reason, "%s", c->note ? c->note : "");
    int rc = tu_store_advance_insert(s, &adv, err);
    c->id = adv.id;
    return rc ? rc : audit_advance(s, c->a, &adv, NULL, err);
}

int tu_quota_advance_request(tu_store *s, const tu_caller *a, uint32_t city, int year, int64_t mu, const char *reason,
                             int32_t today, int64_t *id, tu_err *err) {
    if (a->role != TU_ROLE_CITY_OFFICIAL || a->city != city)
        return tu_err_set(err, TU_EFORBIDDEN, "an advance is requested by the city's own official");
    int rc = check_args(city, year, err);
    if (rc) return rc;
    if (mu <= 0) return tu_err_set(err, TU_EINVAL, "an advance must be > 0 mu");
    if (!reason || !*reason) return tu_err_set(err, TU_EINVAL, "an advance needs a reason");
    qctx c = {.a = a, .city = city, .year = year, .mu = mu, .note = reason, .today = today};
    rc = tu__app_tx(s, request_tx, &c, err);
    if (!rc && id) *id = c.id;
    return rc;
}

static int decide_tx(tu_store *s, void *v, tu_err *err) {
    qctx *c = v;
    tu_quota_advance adv;
    int rc = tu_store_advance_get(s, c->id, &adv, err);
    if (rc) return rc;
    if (strcmp(adv.status, "requested") != 0)
        return tu_err_set(err, TU_ESTATE, "advance %lld is already %s", (long long)adv.id, adv.status);
    snprintf(adv.status, sizeof adv.status, "%s", c->approve ? "approved" : "rejected");
    snprintf(adv.decided_by, sizeof adv.decided_by, "%s", c->a->name);
    if ((rc = tu_store_advance_update(s, &adv, err)) || (rc = audit_advance(s, c->a, &adv, "requested", err)) ||
        !c->approve)
        return rc;
    qctx e = *c;
    e.note = "advance against next year";
    rc = entry(s, &e, adv.city, adv.year, "available", "advance", adv.mu, 0, adv.id, err);
    if (!rc) rc = entry(s, &e, adv.city, adv.year + 1, "owed", "advance", adv.mu, 0, adv.id, err);
    return rc ? rc : settle_tx_body(s, &e, adv.city, adv.year + 1, err);
}

int tu_quota_advance_decide(tu_store *s, const tu_caller *a, int64_t id, int approve, int32_t today, tu_err *err) {
    if (!is_prov(a)) return tu_err_set(err, TU_EFORBIDDEN, "advances are decided by the provincial official");
    qctx c = {.a = a, .id = id, .approve = approve, .today = today};
    return tu__app_tx(s, decide_tx, &c, err);
}

static int settle_tx(tu_store *s, void *v, tu_err *err) {
    qctx *c = v;
    return settle_tx_body(s, c, c->city, c->year, err);
}

int tu_quota_settle(tu_store *s, const tu_caller *a, uint32_t city, int year, int32_t today, tu_err *err) {
    if (!is_prov(a)) return tu_err_set(err, TU_EFORBIDDEN, "settlement is run by the provincial official");
    int rc = check_args(city, year, err);
    if (rc) return rc;
    qctx c = {.a = a, .city = city, .year = year, .today = today, .note = "settlement"};
    return tu__app_tx(s, settle_tx, &c, err);
}

int tu_quota_balance_get(tu_store *s, const tu_caller *a, uint32_t city, int year, tu_quota_balance *out, tu_err *err) {
    memset(out, 0, sizeof *out);
    int may = city_or_prov(a, city) || a->role == TU_ROLE_AUDITOR || a->role == TU_ROLE_ADMIN;
    if (!may) return tu_err_set(err, TU_EFORBIDDEN, "the quota of city %06u is outside your scope", city);
    int rc = sum(s, city, year, "available", 0, &out->available, err);
    if (!rc) rc = sum(s, city, year, "reserved", 0, &out->reserved, err);
    if (!rc) rc = sum(s, city, year, "used", 0, &out->used, err);
    if (!rc) rc = sum(s, city, year, "owed", 0, &out->owed, err);
    return rc;
}

/* Per-project reservations of one city and year must never be negative. */
static int check_projects(tu_store *s, uint32_t city, int year, tu_err *err) {
    tu_quota_entry *e = NULL;
    int n = 0, rc = tu_store_quota_entries(s, city, year, &e, &n, err);
    for (int i = 0; !rc && i < n; i++) {
        if (!e[i].project_id || strcmp(e[i].account, "reserved") != 0) continue;
        int64_t held;
        rc = sum(s, city, year, "reserved", e[i].project_id, &held, err);
        if (!rc && held < 0)
            rc = tu_err_set(err, TU_ECORRUPT, "project %lld has a negative reservation in %06u/%d",
                            (long long)e[i].project_id, city, year);
    }
    tu_free(e);
    return rc;
}

int tu_quota_check(tu_store *s, tu_err *err) {
    int64_t *keys = NULL;
    int n = 0, rc = tu_store_quota_keys(s, &keys, &n, err);
    tu_caller prov = {.role = TU_ROLE_PROVINCIAL_OFFICIAL};
    for (int i = 0; !rc && i < n; i++) {
        uint32_t city = (uint32_t)(keys[i] / 10000);
        int year = (int)(keys[i] % 10000);
        tu_quota_balance b;
        rc = tu_quota_balance_get(s, &prov, city, year, &b, err);
        if (!rc && (b.available < 0 || b.reserved < 0 || b.used < 0 || b.owed < 0))
            rc = tu_err_set(err, TU_ECORRUPT, "city %06u year %d has a negative balance", city, year);
        if (!rc) rc = check_projects(s, city, year, err);
        tu_quota_advance *adv = NULL;
        int na = 0;
        if (!rc) rc = tu_store_advance_list(s, city, year, "", &adv, &na, err);
        for (int k = 0; !rc && k < na; k++)
            if (adv[k].settled < 0 || adv[k].settled > adv[k].mu)
                rc = tu_err_set(err, TU_ECORRUPT, "advance %lld settled beyond its amount", (long long)adv[k].id);
        tu_free(adv);
    }
    tu_free(keys);
    return rc;
}
