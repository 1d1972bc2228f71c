/* caller.c — building callers from a role and scope, and the read scope of projects. */
#include "app/caller.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int tu_caller_init(tu_caller *c, int role, const char *scope, const char *name, tu_err *err) {
    memset(c, 0, sizeof *c);
    c->role = role;
    snprintf(c->name, sizeof c->name, "%s", name ? name : "");
    scope = scope ? scope : "";
    int rc = tu_scope_validate(role, scope, err);
    if (rc) return rc;
    if (role == TU_ROLE_ENTERPRISE)
        snprintf(c->uscc, sizeof c->uscc, "%s", scope);
    else if (role == TU_ROLE_CITY_OFFICIAL)
        c->city = (uint32_t)strtoul(scope, NULL, 10);
    else if (role == TU_ROLE_BANK_OFFICER)
        snprintf(c->bank_id, sizeof c->bank_id, "%s", scope);
    return TU_OK;
}

int tu_caller_parse(const char *spec, const char *name, tu_caller *out, tu_err *err) {
    char role[32];
    const char *colon = strchr(spec, ':');
    size_t rl = colon ? (size_t)(colon - spec) : strlen(spec);
    snprintf(role, sizeof role, "%.*s", (int)(rl < sizeof role ? rl : sizeof role - 1), spec);
    int r = tu_role_parse(role);
    if (r < 0) return tu_err_set(err, TU_EINVAL, "unknown role '%s'", role);
    return tu_caller_init(out, r, colon ? colon + 1 : "", name && *name ? name : spec, err);
}

int tu_caller_from_principal(const tu_principal *p, const char *request_id, tu_caller *out, tu_err *err) {
    int rc = tu_caller_init(out, p->role, p->scope, p->username, err);
    out->user_id = p->user_id;
    out->request_id = request_id;
    return rc;
}

tu_actor tu_caller_audit(const tu_caller *c) { return (tu_actor){c->user_id, c->name, c->request_id}; }

int tu_caller_sees(const tu_caller *c, const tu_project *p) {
    switch (c->role) {
    case TU_ROLE_ENTERPRISE: return c->uscc[0] && strcmp(c->uscc, p->uscc) == 0;
    case TU_ROLE_CITY_OFFICIAL: return c->city && c->city == p->city;
    case TU_ROLE_BANK_OFFICER: return c->bank_id[0] && strcmp(c->bank_id, p->bank_id) == 0;
    case TU_ROLE_PROVINCIAL_OFFICIAL:
    case TU_ROLE_AUDITOR:
    case TU_ROLE_ADMIN: return 1;
    default: return 0;
    }
}

void tu_caller_scope_filter(const tu_caller *c, tu_project_filter *f) {
    static const char nothing[] = "\x01"; /* matches no USCC or bank: a caller without its scope sees nothing */
    switch (c->role) {
    case TU_ROLE_ENTERPRISE: f->uscc = c->uscc[0] ? c->uscc : nothing; break;
    case TU_ROLE_CITY_OFFICIAL:
        if (c->city)
            f->city = c->city;
        else
            f->uscc = nothing;
        break;
    case TU_ROLE_BANK_OFFICER: f->bank_id = c->bank_id[0] ? c->bank_id : nothing; break;
    case TU_ROLE_PROVINCIAL_OFFICIAL:
    case TU_ROLE_AUDITOR:
    case TU_ROLE_ADMIN: break;
    default: f->uscc = nothing;
    }
}
