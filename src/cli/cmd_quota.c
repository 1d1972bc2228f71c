/* cmd_quota.c — `techup quota allocate|reserve|use|release|advance|approve|settle|show`: the land-use quota
 * ledger from the command line (amounts in mu, up to 4 decimals). */
#include <stdio.h>
#include <string.h>

#include "app/quota.h"
#include "cli/cli.h"
#include "cli/proj_args.h"
#include "core/alloc.h"
#include "core/num.h"

#define CMD "quota"

/* Reads CITY and YEAR positionals at index i, i+1. */
static int city_year(tu_pargs *a, int i, uint32_t *city, int *year) {
    int64_t c, y;
    if (tu_pargs_id(a, "CITY", a->pos[i], &c) || tu_pargs_id(a, "YEAR", a->pos[i + 1], &y)) return TU_EXIT_USAGE;
    *city = (uint32_t)c, *year = (int)y;
    return 0;
}

/* CITY YEAR MU positionals. */
static int city_year_mu(tu_pargs *a, uint32_t *city, int *year, int64_t *mu) {
    return city_year(a, 0, city, year) || tu_pargs_dec(a, "MU", a->pos[2], mu) ? TU_EXIT_USAGE : 0;
}

static int sub_allocate(int argc, char **argv) {
    static const char *const opts[] = {"note=", NULL};
    tu_pargs a;
    int rc = tu_pargs_begin(&a, CMD, "allocate", argc, argv, opts, 3, 3);
    if (rc) return rc;
    uint32_t city;
    int year;
    int64_t mu;
    if (city_year_mu(&a, &city, &year, &mu)) return tu_pargs_close(&a), TU_EXIT_USAGE;
    tu_err err = {0};
    rc = tu_quota_allocate(a.store, &a.actor, city, year, mu, tu_pargs_opt(&a, "note"), a.today, &err);
    return tu_pargs_finish(&a, rc, &err);
}

/* reserve / use / release PROJECT YEAR */
static int project_move(int argc, char **argv, const char *sub,
                        int (*fn)(tu_store *, const tu_caller *, int64_t, int, int32_t, tu_err *)) {
    tu_pargs a;
    int rc = tu_pargs_begin(&a, CMD, sub, argc, argv, NULL, 2, 2);
    if (rc) return rc;
    int64_t id, year;
    if (tu_pargs_id(&a, "PROJECT", a.pos[0], &id) || tu_pargs_id(&a, "YEAR", a.pos[1], &year))
        return tu_pargs_close(&a), TU_EXIT_USAGE;
    tu_err err = {0};
    rc = fn(a.store, &a.actor, id, (int)year, a.today, &err);
    return tu_pargs_finish(&a, rc, &err);
}

static int sub_reserve(int argc, char **argv) { return project_move(argc, argv, "reserve", tu_quota_reserve); }
static int sub_use(int argc, char **argv) { return project_move(argc, argv, "use", tu_quota_use); }
static int sub_release(int argc, char **argv) { return project_move(argc, argv, "release", tu_quota_release); }

static int sub_advance(int argc, char **argv) {
    static const char *const opts[] = {"reason=", NULL};
    tu_pargs a;
    int rc = tu_pargs_begin(&a, CMD, "advance", argc, argv, opts, 3, 3);
    if (rc) return rc;
    uint32_t city;
    int year;
    int64_t mu, id = 0;
    if (city_year_mu(&a, &city, &year, &mu)) return tu_pargs_close(&a), TU_EXIT_USAGE;
    tu_err err = {0};
    rc = tu_quota_advance_request(a.store, &a.actor, city, year, mu, tu_pargs_opt(&a, "reason"), a.today, &id, &err);
    if (!rc) printf("%lld\n", (long long)id);
    return tu_pargs_finish(&a, rc, &err);
}

static int sub_approve(int argc, char **argv) {
    static const char *const opts[] = {"reject", NULL};
    tu_pargs a;
    int rc = tu_pargs_begin(&a, CMD, "approve", argc, argv, opts, 1, 1);
    if (rc) return rc;
    int64_t id;
    if (tu_pargs_id(&a, "ADVANCE", a.pos[0], &id)) return tu_pargs_close(&a), TU_EXIT_USAGE;
    tu_err err = {0};
    rc = tu_quota_advance_decide(a.store, &a.actor, id, !tu_pargs_opt(&a, "reject"), a.today, &err);
    return tu_pargs_finish(&a, rc, &err);
}

static int sub_settle(int argc, char **argv) {
    tu_pargs a;
    int rc = tu_pargs_begin(&a, CMD, "settle", argc, argv, NULL, 2, 2);
    if (rc) return rc;
    uint32_t city;
    int year;
    if (city_year(&a, 0, &city, &year)) return tu_pargs_close(&a), TU_EXIT_USAGE;
    tu_err err = {0};
    rc = tu_quota_settle(a.store, &a.actor, city, year, a.today, &err);
    return tu_pargs_finish(&a, rc, &err);
}

static json_t *entries_json(tu_store *s, uint32_t city, int year, tu_err *err) {
    tu_quota_entry *e = NULL;
    int n = 0;
    if (tu_store_quota_entries(s, city, year, &e, &n, err)) return NULL;
    json_t *arr = json_array();
    char d[TU_DEC_BUFSZ], day[TU_DATE_BUFSZ];
    for (int i = 0; arr && i < n; i++) {
        json_t *x = json_pack("{s:I,s:s,s:s,s:s,s:s,s:s,s:s}", "id", (json_int_t)e[i].id, "day",
                              tu_date_format(e[i].day, day), "account", e[i].account, "kind", e[i].kind, "mu",
                              tu_dec_format(e[i].delta, d), "actor", e[i].actor, "note", e[i].note);
        if (x && e[i].project_id) json_object_set_new(x, "project", json_integer(e[i].project_id));
        if (x && e[i].advance_id) json_object_set_new(x, "advance", json_integer(e[i].advance_id));
        json_array_append_new(arr, x);
    }
    tu_free(e);
    return arr;
}

static int sub_show(int argc, char **argv) {
    static const char *const opts[] = {"entries", NULL};
    tu_pargs a;
    int rc = tu_pargs_begin(&a, CMD, "show", argc, argv, opts, 2, 2);
    if (rc) return rc;
    uint32_t city;
    int year;
    if (city_year(&a, 0, &city, &year)) return tu_pargs_close(&a), TU_EXIT_USAGE;
    tu_err err = {0};
    tu_quota_balance b;
    rc = tu_quota_balance_get(a.store, &a.actor, city, year, &b, &err);
    if (!rc) {
        char v[4][TU_DEC_BUFSZ];
        json_t *j = json_pack("{s:I,s:i,s:s,s:s,s:s,s:s}", "city", (json_int_t)city, "year", year, "available",
                              tu_dec_format(b.available, v[0]), "reserved", tu_dec_format(b.reserved, v[1]), "used",
                              tu_dec_format(b.used, v[2]), "owed", tu_dec_format(b.owed, v[3]));
        if (j && tu_pargs_opt(&a, "entries")) {
            json_t *e = entries_json(a.store, city, year, &err);
            if (e)
                json_object_set_new(j, "entries", e);
            else
                rc = err.code;
        }
        tu_pargs_print(j);
    }
    return tu_pargs_finish(&a, rc, &err);
}

TU_CMD(quota) {
    static const tu_subcmd subs[] = {
        {"allocate", sub_allocate, "allocate CITY YEAR MU [--note TEXT]   the province allocates quota"},
        {"reserve", sub_reserve, "reserve PROJECT YEAR     reserve a project's land need"},
        {"use", sub_use, "use PROJECT YEAR         take the reservation into use"},
        {"release", sub_release, "release PROJECT YEAR     give the reservation back"},
        {"advance", sub_advance, "advance CITY YEAR MU --reason TEXT   request an advance against YEAR+1"},
        {"approve", sub_approve, "approve ADVANCE [--reject]   decide an advance"},
        {"settle", sub_settle, "settle CITY YEAR         settle what YEAR owes from its allocation"},
        {"show", sub_show, "show CITY YEAR [--entries]   balances (and every ledger entry)"},
    };
    return tu_pargs_dispatch(CMD, subs, (int)(sizeof subs / sizeof subs[0]), argc, argv);
}
