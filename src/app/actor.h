/* actor.h — who is acting: a role and its scope, as every project use case checks it.
 *
 * Role names are those of the HTTP API (issue 5): enterprise, city_official, provincial_official, bank_officer,
 * auditor, admin. The scope is the enterprise's USCC, the official's city or the officer's bank. The http layer
 * builds a tu_actor from the session; the CLI from --as ROLE[:SCOPE].
 */
#ifndef TU_APP_ACTOR_H
#define TU_APP_ACTOR_H

#include <stdint.h>

#include "core/error.h"
#include "store/project.h"

// clang-format off
/*       ID           name                   */
#define TU_ROLE_MAP(XX)                     \
    XX(ENTERPRISE,  "enterprise")           \
    XX(CITY,        "city_official")        \
    XX(PROVINCIAL,  "provincial_official")  \
    XX(BANK,        "bank_officer")         \
    XX(AUDITOR,     "auditor")              \
    XX(ADMIN,       "admin")

typedef enum {
#define TU__ROLE_ENUM(id, name) TU_ROLE_##id,
    TU_ROLE_MAP(TU__ROLE_ENUM)
#undef TU__ROLE_ENUM
    TU_ROLE_COUNT
} tu_role;
// clang-format on

typedef struct tu_actor {
    int role;         /* tu_role */
    char uscc[19];    /* enterprise */
    uint32_t city;    /* city_official */
    char bank_id[32]; /* bank_officer */
    char name[64];    /* user name, recorded in events and ledger entries */
} tu_actor;

const char *tu_role_name(int role); /* "" when out of range */
int tu_role_parse(const char *s);   /* -1 if unknown */
/* Parses "ROLE[:SCOPE]" (enterprise:USCC, city_official:440300, bank_officer:BANK) and a user name.
 * Returns TU_EINVAL naming what is wrong (the scope a role needs is required). */
int tu_actor_parse(const char *spec, const char *name, tu_actor *out, tu_err *err);
/* Whether the actor may read the project (enterprise: its own; city: its city; bank: projects that chose its bank;
 * provincial, auditor, admin: all). */
int tu_actor_sees(const tu_actor *a, const tu_project *p);
/* Narrows a project filter to what the actor may see (sets uscc / city / bank_id). */
void tu_actor_scope_filter(const tu_actor *a, tu_project_filter *f);

#endif
