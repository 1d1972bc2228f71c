/* caller.h — who calls a project use case: a role with its scope (checked by app/) and the identity the audit
 * trail records.
 *
 * Roles and scope rules are those of accounts.h (enterprise: USCC, city_official: city code, bank_officer: bank
 * id; the others unscoped). The http layer builds a tu_caller from the authenticated principal
 * (tu_caller_from_principal); the CLI from --as ROLE[:SCOPE] (tu_caller_parse).
 */
#ifndef TU_APP_CALLER_H
#define TU_APP_CALLER_H

#include <stdint.h>

#include "app/accounts.h"
#include "core/error.h"
#include "store/project.h"

typedef struct tu_caller {
    int role;                       /* tu_role (accounts.h) */
    char uscc[19];                  /* enterprise */
    uint32_t city;                  /* city_official */
    char bank_id[TU_SCOPE_MAX + 1]; /* bank_officer */
    char name[TU_USERNAME_MAX + 1]; /* user name, recorded in events, ledger entries and the audit trail */
    int64_t user_id;                /* 0 for the CLI */
    const char *request_id;         /* may be NULL */
} tu_caller;

/* From a role and its scope text (validated by tu_scope_validate). TU_EVALIDATION when they do not fit. */
int tu_caller_init(tu_caller *c, int role, const char *scope, const char *name, tu_err *err);
/* Parses "ROLE[:SCOPE]" (enterprise:USCC, city_official:440300, bank_officer:bank). */
int tu_caller_parse(const char *spec, const char *name, tu_caller *out, tu_err *err);
int tu_caller_from_principal(const tu_principal *p, const char *request_id, tu_caller *out, tu_err *err);
/* The audit identity of the caller. */
tu_actor tu_caller_audit(const tu_caller *c);
/* Whether the caller may read the project (enterprise: its own; city: its city; bank: projects that chose its
 * bank; provincial, auditor, admin: all). */
int tu_caller_sees(const tu_caller *c, const tu_project *p);
/* Narrows a project filter to what the caller may see (an unscoped caller of a scoped role sees nothing). */
void tu_caller_scope_filter(const tu_caller *c, tu_project_filter *f);

#endif
