/* actor.c — role names and the read scope of projects. */
#include "app/actor.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/codes.h"

static const char *const role_names[] = {
#define TU__ROLE_NAME(id, name) name,
    TU_ROLE_MAP(TU__ROLE_NAME)
#undef TU__ROLE_NAME
};

const char *tu_role_name(int role) { return role >= 0 && role < TU_ROLE_COUNT ? role_names[role] : ""; }

int tu_role_parse(const char *s) {
    for (int i = 0; i < TU_ROLE_COUNT; i++)
        if (s && strcmp(s, role_names[i]) == 0) return i;
    return -1;
}

int tu_actor_parse(const char *spec, const char *name, tu_actor *out, tu_err *err) {
    memset(out, 0, sizeof *out);
    char role[32];
    const char *colon = strchr(spec, ':');
    size_t rl = colon ? (size_t)(colon - spec) : strlen(spec);
    snprintf(role, sizeof role, "%.*s", (int)(rl < sizeof role ? rl : sizeof role - 1), spec);
    const char *scope = colon ? colon + 1 : "";
    out->role = tu_role_parse(role);
    snprintf(out->name, sizeof out->name, "%s", name && *name ? name : spec);
    if (out->role < 0) return tu_err_set(err, TU_EINVAL, "unknown role '%s'", role);
    if (out->role == TU_ROLE_ENTERPRISE) {
        if (tu_uscc_validate(scope, strlen(scope), NULL, err) != TU_OK)
            return tu_err_set(err, TU_EINVAL, "enterprise needs its USCC (enterprise:USCC): %s", err ? err->msg : "");
        snprintf(out->uscc, sizeof out->uscc, "%s", scope);
    } else if (out->role == TU_ROLE_CITY) {
        char *end;
        unsigned long c = strtoul(scope, &end, 10);
        if (!*scope || *end || !tu_city_find((uint32_t)c))
            return tu_err_set(err, TU_EINVAL, "city_official needs a city code of the province (city_official:440300)");
        out->city = (uint32_t)c;
    } else if (out->role == TU_ROLE_BANK) {
        if (!*scope || strlen(scope) >= sizeof out->bank_id)
            return tu_err_set(err, TU_EINVAL, "bank_officer needs a bank id (bank_officer:BANK, < 32 bytes)");
        snprintf(out->bank_id, sizeof out->bank_id, "%s", scope);
    }
    return TU_OK;
}

int tu_actor_sees(const tu_actor *a, const tu_project *p) {
    switch (a->role) {
    case TU_ROLE_ENTERPRISE: return strcmp(a->uscc, p->uscc) == 0;
    case TU_ROLE_CITY: return a->city == p->city;
    case TU_ROLE_BANK: return a->bank_id[0] && strcmp(a->bank_id, p->bank_id) == 0;
    case TU_ROLE_PROVINCIAL:
    case TU_ROLE_AUDITOR:
    case TU_ROLE_ADMIN: return 1;
    default: return 0;
    }
}

void tu_actor_scope_filter(const tu_actor *a, tu_project_filter *f) {
    static const char nothing[] = "\x01"; /* matches no USCC or bank: an actor without its scope sees nothing */
    switch (a->role) {
    case TU_ROLE_ENTERPRISE: f->uscc = a->uscc[0] ? a->uscc : nothing; break;
    case TU_ROLE_CITY:
        if (a->city)
            f->city = a->city;
        else
            f->uscc = nothing;
        break;
    case TU_ROLE_BANK: f->bank_id = a->bank_id[0] ? a->bank_id : nothing; break;
    case TU_ROLE_PROVINCIAL:
    case TU_ROLE_AUDITOR:
    case TU_ROLE_ADMIN: break;
    default: f->uscc = nothing;
    }
}
