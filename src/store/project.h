/* project.h — the store area of upgrade projects: projects with their equipment and attachments, workflow events,
 * energy-review decisions, the land-use quota ledger and its advances, policy applications with awards and
 * disbursements, banks' loan products.
 *
 * The store keeps values and checks nothing but integrity: validation, the workflow table, scopes and ledger rules
 * live in src/app/. Money is integer fen, energy (tce, kWh) and land (mu) are fixed-point (TU_DEC_SCALE), dates are
 * days since 1970-01-01 (0 = "none" where a date is optional). Records are plain values; the arrays of a tu_project
 * and of every *_list are heap memory owned by the caller (free with the matching *_clear / tu_free).
 * Writes need an open transaction (tu_store_begin); reads work inside or outside one.
 * Workload: a few hundred thousand projects, point reads and writes from the API, short list scans per city.
 */
#ifndef TU_STORE_PROJECT_H
#define TU_STORE_PROJECT_H

#include <stdint.h>

#include "core/enterprise.h"
#include "core/error.h"
#include "store/store.h"

#define TU_PROJ_TEXT 128 /* bytes of UTF-8 in short texts (item, category, attachment name, ids) */
#define TU_PROJ_WHO 65   /* a user name (accounts: 64 bytes + NUL) */
#define TU_PROJ_BANK 33  /* a bank id (accounts: 32 bytes + NUL) */

typedef struct tu_project_equipment {
    char item[TU_PROJ_TEXT];
    char category[TU_PROJ_TEXT];
    int64_t quantity;   /* units, > 0 */
    int64_t unit_price; /* fen */
    int imported;       /* 0 domestic, 1 imported */
} tu_project_equipment;

typedef struct tu_project_attachment {
    char name[TU_PROJ_TEXT];
    char sha256[65]; /* 64 lowercase hex digits */
    int64_t size;    /* bytes */
} tu_project_attachment;

typedef struct tu_project {
    int64_t id; /* set by tu_store_project_insert */
    char uscc[19];
    char name[TU_NAME_MAX + 1];
    char type[32];
    uint32_t city, district;
    char filing_code[64];
    int32_t filing_date, planned_start, planned_completion;
    int64_t total_investment, equipment_investment; /* fen */
    int64_t energy_tce, energy_kwh, land_mu;        /* fixed-point */
    int energy_tier;                                /* tu_energy_tier */
    int green;                                      /* 1 = green channel */
    char state[24];
    int32_t state_since, deadline; /* deadline 0 = none in this state */
    char bank_id[TU_PROJ_BANK];              /* bank the enterprise chose for financing, "" = none */
    int64_t loan_product_id;       /* 0 = none */
    int64_t loan_principal;        /* fen */
    int32_t created;
    int n_equipment;
    tu_project_equipment *equipment;
    int n_attachments;
    tu_project_attachment *attachments;
} tu_project;

/* Which projects a list returns; zero fields do not filter. */
typedef struct tu_project_filter {
    const char *uscc, *state, *bank_id;
    uint32_t city;
    int32_t deadline_before; /* only projects with a deadline < this day */
    int64_t after_id;        /* paging: ids > after_id, ascending */
    int limit;               /* 0 = 1000 */
    const char *type;        /* project type (app/project.h TU_PROJECT_TYPE_MAP) */
} tu_project_filter;

typedef struct tu_project_list {
    int n;
    tu_project *items; /* scalar fields only: no equipment, no attachments */
} tu_project_list;

typedef struct tu_project_event {
    int64_t id, project_id;
    int32_t day;
    char from_state[24], to_state[24], action[32], role[24], actor[TU_PROJ_WHO];
    char comment[1024];
} tu_project_event;

typedef struct tu_energy_review {
    int64_t id, project_id;
    int tier;
    int passed; /* 1 passed, 0 failed */
    char reviewer[TU_PROJ_WHO];
    char comment[512];
    int32_t day;
} tu_energy_review;

/* One movement of land-use quota. Balances are SUMs of delta per (city, year, account[, project]). */
typedef struct tu_quota_entry {
    int64_t id;
    uint32_t city;
    int year;
    char account[16]; /* available | reserved | used | owed */
    char kind[16];    /* allocate | reserve | use | release | advance | settle */
    int64_t delta;    /* mu, fixed-point; signed */
    int64_t project_id, advance_id;
    char actor[TU_PROJ_WHO];
    char note[256];
    int32_t day;
} tu_quota_entry;

typedef struct tu_quota_advance {
    int64_t id;
    uint32_t city;
    int year;        /* the year that draws the quota; settled from year + 1 */
    int64_t mu;      /* fixed-point */
    char status[16]; /* requested | approved | rejected | settled */
    int64_t settled; /* mu settled so far */
    char requested_by[TU_PROJ_WHO], decided_by[TU_PROJ_WHO];
    char reason[256];
    int32_t day;
} tu_quota_advance;

typedef struct tu_application {
    int64_t id, project_id;
    char uscc[19];
    char policy_id[64];
    char policy_group[256]; /* the policy's non-combinable groups as a JSON array ["g1","g2"]; "" = none */
    int policy_version;
    int32_t applied_on;
    int64_t computed, awarded; /* fen; awarded = computed unless adjusted */
    int64_t paid;              /* fen, sum of disbursements (maintained by the store on insert) */
    char status[16];           /* computed | adjusted | withdrawn */
    char adjust_reason[512];
    char adjusted_by[TU_PROJ_WHO];
    char explanation[4096];
} tu_application;

typedef struct tu_disbursement {
    int64_t id, application_id;
    int64_t amount; /* fen */
    char reference[TU_PROJ_TEXT];
    char actor[TU_PROJ_WHO];
    int32_t day;
} tu_disbursement;

typedef struct tu_loan_product {
    int64_t id;
    char bank_id[TU_PROJ_BANK];
    char name[TU_PROJ_TEXT];
    int rate_bp; /* annual rate, basis points */
    int term_months;
    int64_t min_amount, max_amount; /* fen */
    char eligibility[4096];         /* JsonLogic over {enterprise fields, project: {...}} */
} tu_loan_product;

void tu_project_clear(tu_project *p); /* frees equipment and attachments; keeps scalars */
void tu_project_list_free(tu_project_list *l);

/* Projects. insert sets p->id and p->created stays as given. get fills everything (arrays on the heap). */
int tu_store_project_insert(tu_store *s, tu_project *p, tu_err *err);
int tu_store_project_get(tu_store *s, int64_t id, tu_project *out, tu_err *err); /* TU_ENOTFOUND */
/* Rewrites every field, equipment and attachments of an existing project. */
int tu_store_project_update(tu_store *s, const tu_project *p, tu_err *err);
int tu_store_project_list(tu_store *s, const tu_project_filter *f, tu_project_list *out, tu_err *err);

int tu_store_project_event_add(tu_store *s, tu_project_event *ev, tu_err *err);
/* Events of a project, oldest first; *out on the heap (tu_free). */
int tu_store_project_events(tu_store *s, int64_t project_id, tu_project_event **out, int *n, tu_err *err);

int tu_store_energy_review_add(tu_store *s, tu_energy_review *r, tu_err *err);
/* The latest decision on a project; TU_ENOTFOUND when none. */
int tu_store_energy_review_last(tu_store *s, int64_t project_id, tu_energy_review *out, tu_err *err);

int tu_store_quota_add(tu_store *s, tu_quota_entry *e, tu_err *err);
/* SUM(delta) for a city, year and account; project_id 0 = all projects. */
int tu_store_quota_sum(tu_store *s, uint32_t city, int year, const char *account, int64_t project_id, int64_t *out,
                       tu_err *err);
/* Entries of a city and year in order (year 0 = all years). */
int tu_store_quota_entries(tu_store *s, uint32_t city, int year, tu_quota_entry **out, int *n, tu_err *err);
/* The (city, year) pairs with any entry, for consistency checks; pairs as city*10000+year on the heap. */
int tu_store_quota_keys(tu_store *s, int64_t **out, int *n, tu_err *err);

int tu_store_advance_insert(tu_store *s, tu_quota_advance *a, tu_err *err);
int tu_store_advance_get(tu_store *s, int64_t id, tu_quota_advance *out, tu_err *err);
int tu_store_advance_update(tu_store *s, const tu_quota_advance *a, tu_err *err);
/* Advances of a city and year with a status ("" = any), oldest first. */
int tu_store_advance_list(tu_store *s, uint32_t city, int year, const char *status, tu_quota_advance **out, int *n,
                          tu_err *err);

int tu_store_application_insert(tu_store *s, tu_application *a, tu_err *err);
int tu_store_application_get(tu_store *s, int64_t id, tu_application *out, tu_err *err);
int tu_store_application_update(tu_store *s, const tu_application *a, tu_err *err);
/* Applications of a project (project_id != 0) or of an enterprise (uscc), oldest first. */
int tu_store_application_list(tu_store *s, int64_t project_id, const char *uscc, tu_application **out, int *n,
                              tu_err *err);
/* How many applications (not withdrawn) name the policy by either key (its code or its decimal id; key2 may be
 * NULL). */
int tu_store_application_count_policy(tu_store *s, const char *key1, const char *key2, int64_t *n, tu_err *err);
/* Inserts a disbursement and adds its amount to the application's paid total. */
int tu_store_disbursement_add(tu_store *s, tu_disbursement *d, tu_err *err);

int tu_store_loan_insert(tu_store *s, tu_loan_product *l, tu_err *err);
int tu_store_loan_get(tu_store *s, int64_t id, tu_loan_product *out, tu_err *err);
/* Products of one bank ("" = all banks), by id. */
int tu_store_loan_list(tu_store *s, const char *bank_id, tu_loan_product **out, int *n, tu_err *err);

#endif
