/* quota.h — the land-use quota ledger (用地指标) per city and year, with advances against next year (预支).
 *
 * Every movement is an appended tu_quota_entry; no balance is stored or edited. Four accounts per (city, year):
 *   available  allocation + released + advanced in - reserved - settled out
 *   reserved   held for named projects (per project: SUM where project_id = p)
 *   used       reservations taken into use
 *   owed       advances drawn by the previous year, still to be settled from this year's allocation
 * Movements (each one or two entries, debits and credits in mu x 10^4):
 *   allocate  +available(Y)                                  provincial_official
 *   reserve   -available(Y) +reserved(Y, project)            city_official of the city (or provincial)
 *   use       -reserved(Y, project) +used(Y, project)        city_official / provincial
 *   release   -reserved(Y, project) +available(Y)            city_official / provincial
 *   advance   +available(Y) +owed(Y+1)  once approved        requested by the city, approved by the province
 *   settle    -available(Y+1) -owed(Y+1)                     automatic when Y+1's allocation arrives (or on approval
 *                                                            when it already has), oldest advance first
 * So available never goes negative: drawing beyond the allocation is only possible through an approved advance,
 * which shows as owed on the next year until settled. Each use case runs in one BEGIN IMMEDIATE transaction and
 * checks the balance inside it, so concurrent reviewers cannot double-spend (tests/app/test_quota.c).
 */
#ifndef TU_APP_QUOTA_H
#define TU_APP_QUOTA_H

#include <stdint.h>

#include "app/caller.h"
#include "store/project.h"

typedef struct tu_quota_balance {
    int64_t available, reserved, used, owed; /* mu x 10^4 */
} tu_quota_balance;

int tu_quota_allocate(tu_store *s, const tu_caller *a, uint32_t city, int year, int64_t mu, const char *note,
                      int32_t today, tu_err *err);
/* Reserves the project's land need (land_mu) on its city's year. TU_ELIMIT when the city lacks quota,
 * TU_ECONFLICT when the project already holds a reservation that year. */
int tu_quota_reserve(tu_store *s, const tu_caller *a, int64_t project_id, int year, int32_t today, tu_err *err);
int tu_quota_use(tu_store *s, const tu_caller *a, int64_t project_id, int year, int32_t today, tu_err *err);
int tu_quota_release(tu_store *s, const tu_caller *a, int64_t project_id, int year, int32_t today, tu_err *err);
/* A city asks to draw mu on `year` against year + 1. Sets *id. */
int tu_quota_advance_request(tu_store *s, const tu_caller *a, uint32_t city, int year, int64_t mu, const char *reason,
                             int32_t today, int64_t *id, tu_err *err);
/* The province approves (movements + settlement if year + 1 already has quota) or rejects. */
int tu_quota_advance_decide(tu_store *s, const tu_caller *a, int64_t id, int approve, int32_t today, tu_err *err);
/* Settles what year owes from its available quota (also done automatically by allocate). */
int tu_quota_settle(tu_store *s, const tu_caller *a, uint32_t city, int year, int32_t today, tu_err *err);
int tu_quota_balance_get(tu_store *s, const tu_caller *a, uint32_t city, int year, tu_quota_balance *out, tu_err *err);
/* Consistency of the whole ledger: no account negative, no project's reservation negative, and for every advance
 * settled <= mu. TU_ECORRUPT naming the first city/year that fails. */
int tu_quota_check(tu_store *s, tu_err *err);

#endif
