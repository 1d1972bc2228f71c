/* fixture.h — shared by the app/ tests: a fresh database in a temporary folder, valid USCCs, a valid project,
 * actors of every role, forcing a project into a state (test-only shortcut around the workflow), and policies
 * published through app/policy.h. */
#ifndef TU_TESTS_APP_FIXTURE_H
#define TU_TESTS_APP_FIXTURE_H

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "app/caller.h"
#include "app/policy.h"
#include "app/project.h"
#include "core/alloc.h"
#include "core/codes.h"
#include "core/num.h"
#include "store/project.h"

#define CITY_A 440300u /* Shenzhen */
#define CITY_B 440100u /* Guangzhou */

static char fx_dir[64];

static inline int fx_setup(void **state) {
    (void)state;
    snprintf(fx_dir, sizeof fx_dir, "/tmp/techup-app-XXXXXX");
    return mkdtemp(fx_dir) ? 0 : -1;
}

static inline int fx_teardown(void **state) {
    (void)state;
    char cmd[128];
    snprintf(cmd, sizeof cmd, "rm -rf %s", fx_dir);
    return system(cmd);
}

static inline tu_store *fx_open(const char *name) {
    char path[160];
    snprintf(path, sizeof path, "%s/%s.db", fx_dir, name);
    tu_store *s = NULL;
    tu_err err = {0};
    if (tu_store_open(path, 0, &s, &err) != TU_OK) {
        fprintf(stderr, "open %s: %s\n", path, err.msg);
        abort();
    }
    return s;
}

/* A valid USCC for enterprise number n in city (the organisation code carries its own check digit). */
static inline void fx_uscc(char out[19], uint32_t city, int n) {
    char first17[18], org8[9];
    snprintf(org8, sizeof org8, "%08d", n);
    snprintf(first17, sizeof first17, "91%06u%s%c", city, org8, tu_org_check_char(org8));
    snprintf(out, 19, "%s%c", first17, tu_uscc_check_char(first17));
}

static inline int32_t fx_day(const char *iso) {
    int32_t d = 0;
    tu_date_parse(iso, strlen(iso), &d, NULL);
    return d;
}

static inline tu_caller fx_actor(int role, uint32_t city, int n) {
    tu_caller a = {.role = role};
    if (role == TU_ROLE_ENTERPRISE) fx_uscc(a.uscc, city, n);
    if (role == TU_ROLE_CITY_OFFICIAL) a.city = city;
    if (role == TU_ROLE_BANK_OFFICER) snprintf(a.bank_id, sizeof a.bank_id, "bank%d", n);
    snprintf(a.name, sizeof a.name, "%s-%d", tu_role_name(role), n);
    return a;
}

/* A valid project of enterprise n in city; filing code made unique by n and seq. Arrays on the heap. */
static inline void fx_project(tu_project *p, uint32_t city, int n, int seq) {
    memset(p, 0, sizeof *p);
    fx_uscc(p->uscc, city, n);
    snprintf(p->name, sizeof p->name, "数控产线改造 %d", seq);
    snprintf(p->type, sizeof p->type, "equipment_renewal");
    p->city = city;
    snprintf(p->filing_code, sizeof p->filing_code, "2401-%06u-04-%02d-%06d", city, n % 100, seq);
    p->filing_date = fx_day("2024-01-10");
    p->planned_start = fx_day("2024-03-01");
    p->planned_completion = fx_day("2025-06-30");
    p->total_investment = 5200000000;     /* 52,000,000.00 yuan */
    p->equipment_investment = 3000000000; /* 30,000,000.00 yuan */
    p->energy_tce = 800 * TU_DEC_SCALE;
    p->energy_kwh = 2000000LL * TU_DEC_SCALE;
    p->land_mu = 10 * TU_DEC_SCALE;
    p->n_equipment = 2;
    p->equipment = tu_calloc(2, sizeof *p->equipment);
    snprintf(p->equipment[0].item, TU_PROJ_TEXT, "五轴加工中心");
    snprintf(p->equipment[0].category, TU_PROJ_TEXT, "machine_tool");
    p->equipment[0].quantity = 10, p->equipment[0].unit_price = 200000000; /* 2,000,000 yuan */
    snprintf(p->equipment[1].item, TU_PROJ_TEXT, "工业机器人");
    snprintf(p->equipment[1].category, TU_PROJ_TEXT, "robot");
    p->equipment[1].quantity = 5, p->equipment[1].unit_price = 200000000, p->equipment[1].imported = 1;
}

/* Declares a fresh project for enterprise n of city; returns its id. */
static inline int64_t fx_declare(tu_store *s, uint32_t city, int n, int seq, int64_t tce, int64_t kwh) {
    tu_project p;
    fx_project(&p, city, n, seq);
    p.energy_tce = tce, p.energy_kwh = kwh;
    tu_caller a = fx_actor(TU_ROLE_ENTERPRISE, city, n);
    tu_err err = {0};
    int rc = tu_project_declare(s, &a, &p, fx_day("2024-02-01"), &err);
    if (rc) {
        fprintf(stderr, "declare: %s\n", err.msg);
        abort();
    }
    tu_project_clear(&p);
    return p.id;
}

/* Test-only: puts a project into a state directly (and optionally sets its bank). */
static inline void fx_force(tu_store *s, int64_t id, const char *state, const char *bank) {
    tu_project p;
    tu_err err = {0};
    if (tu_store_project_get(s, id, &p, &err) || tu_store_begin(s, &err)) abort();
    snprintf(p.state, sizeof p.state, "%s", state);
    if (bank) snprintf(p.bank_id, sizeof p.bank_id, "%s", bank);
    if (tu_store_project_update(s, &p, &err) || tu_store_commit(s, &err)) abort();
    tu_project_clear(&p);
}

static inline void fx_state(tu_store *s, int64_t id, char out[24]) {
    tu_project p;
    tu_err err = {0};
    if (tu_store_project_get(s, id, &p, &err)) abort();
    memcpy(out, p.state, 24);
    tu_project_clear(&p);
}

/* Adds, previews and publishes through app/policy.h (its document check and rule tests) a policy `code` of
 * `category` in force from 2020-01-01 for manufacturers: benefit formula `benefit` (JsonLogic text), `extra` the
 * further members as JSON object text ("groups", "cap_fen", "tests"; may be NULL). *id receives its id. Returns
 * TU_OK or the code of the first refused step, err saying why. */
static inline int fx_policy(tu_store *s, const char *code, const char *category, const char *benefit,
                            const char *extra, int64_t *id, tu_err *err) {
    char text[4096];
    snprintf(text, sizeof text,
             "{\"code\":\"%s\",\"title\":{\"zh\":\"%s\",\"en\":\"%s\"},\"department\":\"广东省工业和信息化厅\","
             "\"doc_number\":\"粤工信〔2024〕9号\",\"category\":\"%s\",\"valid_from\":\"2020-01-01\",\"mode\":\"apply\","
             "\"rule\":{\"==\":[{\"var\":\"industry_section\"},\"C\"]},\"benefit\":%s}",
             code, code, code, category, benefit);
    json_t *doc = json_loads(text, 0, NULL), *more = extra ? json_loads(extra, 0, NULL) : json_object();
    if (!doc || !more) abort();
    json_object_update(doc, more);
    roaring_bitmap_t *none = roaring_bitmap_create();
    int rc = tu_app_policy_add(s, doc, id, err);
    if (!rc) rc = tu_app_policy_preview(s, *id, err);
    if (!rc) rc = tu_app_policy_publish(s, *id, none, NULL, err);
    roaring_bitmap_free(none);
    json_decref(doc), json_decref(more);
    return rc;
}

#endif
