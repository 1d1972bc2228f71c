/* h_quota.c — the land-use quota ledger over the API: balances with every entry and advance of a city and year,
 * allocation, a project's reservation / use / release, advances and their decision, settlement. The route table
 * has checked the role and the {city} scope; app/quota.h checks both again and runs each movement in one
 * BEGIN IMMEDIATE transaction (nothing is written when a movement is refused). Mu are decimal strings. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "app/project.h"
#include "app/quota.h"
#include "core/alloc.h"
#include "core/codes.h"
#include "core/num.h"
#include "http/h_projects.h"

/* The {city} and {year} path parameters (TU_ENOTFOUND when they cannot be a city of the province or a year). */
static int city_year(tu_req *r, uint32_t *city, int *year, tu_err *err) {
    char c[16], y[16], *end;
    *city = 0, *year = 0; /* written on every path (gcc's -Wmaybe-uninitialized cannot follow the error returns) */
    if (tu_params_get(&r->params, "city", c, sizeof c) != 6 || tu_params_get(&r->params, "year", y, sizeof y) != 4)
        return tu_err_set(err, TU_ENOTFOUND, "no such city or year");
    *city = (uint32_t)strtoul(c, &end, 10);
    if (*end || !tu_city_find(*city)) return tu_err_set(err, TU_ENOTFOUND, "no city %s in the province", c);
    *year = (int)strtol(y, &end, 10);
    if (*end || *year < 2000 || *year > 2199) return tu_err_set(err, TU_ENOTFOUND, "no year %s", y);
    return TU_OK;
}

/* city_year and the caller. */
static int city_year_caller(tu_req *r, tu_caller *c, uint32_t *city, int *year, tu_err *err) {
    int rc = city_year(r, city, year, err);
    return rc ? rc : tu__h_caller(r, c, err);
}

static json_t *entry_json(const tu_quota_entry *e) {
    char d[TU_DEC_BUFSZ], day[TU_DATE_BUFSZ];
    json_t *x = json_pack("{s:I,s:s,s:s,s:s,s:s,s:s,s:s}", "id", (json_int_t)e->id, "day", tu_date_format(e->day, day),
                          "account", e->account, "kind", e->kind, "mu", tu_dec_format(e->delta, d), "actor", e->actor,
                          "note", e->note);
    if (x) json_object_set_new(x, "project", e->project_id ? json_integer(e->project_id) : json_null());
    if (x) json_object_set_new(x, "advance", e->advance_id ? json_integer(e->advance_id) : json_null());
    return x;
}

static json_t *advance_json(const tu_quota_advance *a) {
    char mu[TU_DEC_BUFSZ], settled[TU_DEC_BUFSZ], day[TU_DATE_BUFSZ];
    return json_pack("{s:I,s:i,s:s,s:s,s:s,s:s,s:s,s:s,s:s}", "id", (json_int_t)a->id, "year", a->year, "mu",
                     tu_dec_format(a->mu, mu), "status", a->status, "settled", tu_dec_format(a->settled, settled),
                     "requested_by", a->requested_by, "decided_by", a->decided_by, "reason", a->reason, "day",
                     tu_date_format(a->day, day));
}

/* The entries and the advances drawn on (city, year) into j. */
static int add_ledger(tu_store *s, uint32_t city, int year, json_t *j, tu_err *err) {
    tu_quota_entry *e = NULL;
    tu_quota_advance *a = NULL;
    int ne = 0, na = 0;
    int rc = tu_store_quota_entries(s, city, year, &e, &ne, err);
    if (!rc) rc = tu_store_advance_list(s, city, year, "", &a, &na, err);
    json_t *entries = json_array(), *advances = json_array();
    for (int i = 0; !rc && i < ne; i++) json_array_append_new(entries, entry_json(&e[i]));
    for (int i = 0; !rc && i < na; i++) json_array_append_new(advances, advance_json(&a[i]));
    json_object_set_new(j, "entries", entries);
    json_object_set_new(j, "advances", advances);
    tu_free(e), tu_free(a);
    return rc;
}

/* Replies the balances (and, with ledger = 1, every entry and advance) of (city, year). */
static int reply_quota(tu_req *r, const tu_caller *c, uint32_t city, int year, int ledger, int status, tu_err *err) {
    tu_quota_balance b;
    char v[4][TU_DEC_BUFSZ], code[8];
    int rc = tu_quota_balance_get(r->store, c, city, year, &b, err);
    if (rc) return rc;
    snprintf(code, sizeof code, "%06u", city);
    json_t *j = json_pack("{s:s,s:i,s:s,s:s,s:s,s:s}", "city", code, "year", year, "available",
                          tu_dec_format(b.available, v[0]), "reserved", tu_dec_format(b.reserved, v[1]), "used",
                          tu_dec_format(b.used, v[2]), "owed", tu_dec_format(b.owed, v[3]));
    if (!j) return TU_ENOMEM;
    if (ledger && (rc = add_ledger(r->store, city, year, j, err)) != TU_OK) return json_decref(j), rc;
    return tu_reply_json(r, status, j);
}

int tu_h_quota_get(tu_req *r, tu_err *err) {
    tu_caller c;
    uint32_t city;
    int year;
    int rc = city_year_caller(r, &c, &city, &year, err);
    return rc ? rc : reply_quota(r, &c, city, year, 1, 200, err);
}

/* POST /quota/{city}/{year}/allocations {"mu", "note"} (provincial official). */
int tu_h_quota_allocate(tu_req *r, tu_err *err) {
    tu_caller c;
    uint32_t city;
    int year;
    int64_t mu;
    const char *note;
    int rc = city_year(r, &city, &year, err);
    if (!rc) rc = tu__h_body_dec(r, "mu", &mu, err);
    if (!rc) rc = tu__h_body_opt(r, "note", 255, &note, err);
    if (!rc) rc = tu__h_caller(r, &c, err);
    if (!rc) rc = tu_quota_allocate(r->store, &c, city, year, mu, note, tu_date_today(), err);
    return rc ? rc : reply_quota(r, &c, city, year, 0, 201, err);
}

typedef int (*project_move_fn)(tu_store *, const tu_caller *, int64_t, int, int32_t, tu_err *);

/* POST /quota/{city}/{year}/projects/{id} {"action": "reserve" | "use" | "release"}: the project's land need on
 * the city's year. The project must be of that city (404 otherwise). */
int tu_h_quota_project(tu_req *r, tu_err *err) {
    static const struct {
        const char *name;
        project_move_fn fn;
    } moves[] = {{"reserve", tu_quota_reserve}, {"use", tu_quota_use}, {"release", tu_quota_release}};
    tu_caller c;
    tu_project p;
    uint32_t city;
    int year;
    const char *action;
    int rc = city_year(r, &city, &year, err);
    if (!rc) rc = tu_req_body_str(r, "action", 16, &action, err);
    if (rc) return rc;
    size_t k = 0;
    while (k < 3 && strcmp(moves[k].name, action) != 0) k++;
    if (k == 3) return tu_err_set(err, TU_EVALIDATION, "'action' must be reserve, use or release");
    if ((rc = tu__h_project(r, &c, &p, err)) != TU_OK) return rc;
    tu_project_clear(&p);
    if (p.city != city) return tu_err_set(err, TU_ENOTFOUND, "project %lld is not in city %06u", (long long)p.id, city);
    rc = moves[k].fn(r->store, &c, p.id, year, tu_date_today(), err);
    return rc ? rc : reply_quota(r, &c, city, year, 0, 200, err);
}

/* POST /quota/{city}/{year}/advances {"mu", "reason"} (the city's official): 201 {"id", ...balances}. */
int tu_h_quota_advance(tu_req *r, tu_err *err) {
    tu_caller c;
    uint32_t city;
    int year;
    int64_t mu, id = 0;
    const char *reason;
    int rc = city_year(r, &city, &year, err);
    if (!rc) rc = tu__h_body_dec(r, "mu", &mu, err);
    if (!rc) rc = tu_req_body_str(r, "reason", 255, &reason, err);
    if (!rc) rc = tu__h_caller(r, &c, err);
    if (!rc) rc = tu_quota_advance_request(r->store, &c, city, year, mu, reason, tu_date_today(), &id, err);
    if (rc) return rc;
    tu_quota_advance a;
    if ((rc = tu_store_advance_get(r->store, id, &a, err)) != TU_OK) return rc;
    json_t *j = advance_json(&a);
    if (j) json_object_set_new(j, "city", json_sprintf("%06u", city));
    return j ? tu_reply_json(r, 201, j) : TU_ENOMEM;
}

/* POST /quota/advances/{id}/decision {"approve": true|false} (provincial official). */
int tu_h_quota_advance_decide(tu_req *r, tu_err *err) {
    tu_caller c;
    int64_t id;
    const json_t *approve = json_object_get(r->json, "approve");
    int rc = tu_req_param_id(r, "id", &id, err);
    if (!rc && !json_is_boolean(approve)) rc = tu_err_set(err, TU_EVALIDATION, "'approve' must be true or false");
    if (!rc) rc = tu__h_caller(r, &c, err);
    if (!rc) rc = tu_quota_advance_decide(r->store, &c, id, json_is_true(approve), tu_date_today(), err);
    tu_quota_advance a;
    if (!rc) rc = tu_store_advance_get(r->store, id, &a, err);
    if (rc) return rc;
    json_t *j = advance_json(&a);
    if (j) json_object_set_new(j, "city", json_sprintf("%06u", a.city));
    return j ? tu_reply_json(r, 200, j) : TU_ENOMEM;
}

/* POST /quota/{city}/{year}/settlement (provincial official): settles what the year owes. */
int tu_h_quota_settle(tu_req *r, tu_err *err) {
    tu_caller c;
    uint32_t city;
    int year;
    int rc = city_year_caller(r, &c, &city, &year, err);
    if (!rc) rc = tu_quota_settle(r->store, &c, city, year, tu_date_today(), err);
    return rc ? rc : reply_quota(r, &c, city, year, 0, 200, err);
}
