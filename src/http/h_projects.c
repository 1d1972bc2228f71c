/* h_projects.c — upgrade projects over the API: declare, list with filters and paging, read, edit, workflow
 * events and transitions, overdue lists, energy reviews. The route table has checked role and (for {id} routes)
 * the project's scope before these run; the use cases of app/ check the caller again (defence in depth).
 * Workload: point reads and writes from the portal, short scoped lists. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "app/project.h"
#include "app/workflow.h"
#include "core/alloc.h"
#include "core/codes.h"
#include "core/num.h"
#include "http/h_projects.h"

int tu__h_caller(tu_req *r, tu_caller *c, tu_err *err) { return tu_caller_from_principal(&r->who, r->rid, c, err); }

int tu__h_project(tu_req *r, tu_caller *c, tu_project *p, tu_err *err) {
    int64_t id;
    memset(p, 0, sizeof *p);
    int rc = tu_req_param_id(r, "id", &id, err);
    if (!rc) rc = tu__h_caller(r, c, err);
    return rc ? rc : tu_project_get(r->store, c, id, p, err);
}

/* The text of a string or integer member (into buf), or TU_EVALIDATION naming it. */
static int num_text(tu_req *r, const char *key, char *buf, size_t n, tu_err *err) {
    const json_t *v = json_object_get(r->json, key);
    if (json_is_integer(v))
        snprintf(buf, n, "%lld", (long long)json_integer_value(v));
    else if (json_is_string(v) && json_string_length(v) < n)
        snprintf(buf, n, "%s", json_string_value(v));
    else
        return tu_err_set(err, TU_EVALIDATION, "'%s' must be a decimal string or an integer", key);
    return TU_OK;
}

/* Runs a core parser on member key, naming the member in its error. */
static int parse_member(tu_req *r, const char *key, int (*parse)(const char *, size_t, int64_t *, tu_err *),
                        int64_t *out, tu_err *err) {
    char buf[64];
    tu_err why = {0};
    int rc = num_text(r, key, buf, sizeof buf, err);
    if (!rc && parse(buf, strlen(buf), out, &why)) rc = tu_err_set(err, TU_EVALIDATION, "'%s': %s", key, why.msg);
    if (rc) snprintf(err->field, sizeof err->field, "%s", key);
    return rc;
}

int tu__h_body_dec(tu_req *r, const char *key, int64_t *out, tu_err *err) {
    return parse_member(r, key, tu_dec_parse, out, err);
}

int tu__h_body_money(tu_req *r, const char *key, int64_t *fen, tu_err *err) {
    return parse_member(r, key, tu_money_parse, fen, err);
}

int tu__h_body_id(tu_req *r, const char *key, int64_t *out, tu_err *err) {
    const json_t *v = json_object_get(r->json, key);
    if (!json_is_integer(v) || json_integer_value(v) <= 0)
        return tu_err_set(err, TU_EVALIDATION, "'%s' must be a positive integer", key);
    *out = (int64_t)json_integer_value(v);
    return TU_OK;
}

int tu__h_body_opt(tu_req *r, const char *key, size_t max, const char **out, tu_err *err) {
    const json_t *v = json_object_get(r->json, key);
    *out = NULL;
    if (!v || json_is_null(v)) return TU_OK;
    if (!json_is_string(v) || json_string_length(v) > max || strlen(json_string_value(v)) != json_string_length(v))
        return tu_err_set(err, TU_EVALIDATION, "'%s' must be a string of at most %zu bytes", key, max);
    *out = json_string_value(v);
    return TU_OK;
}

int tu__h_reply_items(tu_req *r, int rc, int64_t project, void *arr, int n, size_t size,
                      json_t *(*to_json)(const void *)) {
    json_t *items = rc ? NULL : json_array();
    for (int i = 0; items && i < n; i++) json_array_append_new(items, to_json((const char *)arr + (size_t)i * size));
    tu_free(arr);
    if (rc) return rc;
    return tu_reply_json(r, 200, json_pack("{s:I,s:o}", "project", (json_int_t)project, "items", items));
}

json_t *tu__h_projects_json(const tu_project_list *l) {
    json_t *items = json_array();
    for (int i = 0; items && i < l->n; i++) json_array_append_new(items, tu_project_to_json(&l->items[i]));
    return json_pack("{s:o}", "items", items);
}

/* Replies with the stored project (re-read, so the reply shows what was written). */
static int reply_project(tu_req *r, const tu_caller *c, int64_t id, int status, tu_err *err) {
    tu_project p = {0};
    int rc = tu_project_get(r->store, c, id, &p, err);
    json_t *j = rc ? NULL : tu_project_to_json(&p);
    tu_project_clear(&p);
    if (rc) return rc;
    return j ? tu_reply_json(r, status, j) : TU_ENOMEM;
}

/* POST /projects: the body is the project JSON of docs/projects.md; its "uscc" was scope-checked by the route. */
int tu_h_proj_create(tu_req *r, tu_err *err) {
    tu_caller c;
    tu_project p = {0};
    int rc = tu__h_caller(r, &c, err);
    if (!rc) rc = tu_project_from_json(r->json, &p, err);
    if (!rc) rc = tu_project_declare(r->store, &c, &p, tu_date_today(), err);
    tu_project_clear(&p);
    return rc ? rc : reply_project(r, &c, p.id, 201, err);
}

/* PUT /projects/{id}: the whole project JSON again (uscc may be left out), while it is a draft or returned. */
int tu_h_proj_put(tu_req *r, tu_err *err) {
    tu_caller c;
    tu_project old, p = {0};
    int rc = tu__h_project(r, &c, &old, err);
    tu_project_clear(&old);
    if (!rc) rc = tu_project_from_json(r->json, &p, err);
    p.id = old.id;
    if (!p.uscc[0]) memcpy(p.uscc, old.uscc, sizeof p.uscc); /* the owner never changes; it may be left out */
    if (!rc) rc = tu_project_edit(r->store, &c, &p, tu_date_today(), err);
    tu_project_clear(&p);
    return rc ? rc : reply_project(r, &c, old.id, 200, err);
}

int tu_h_proj_get(tu_req *r, tu_err *err) {
    tu_caller c;
    tu_project p;
    int rc = tu__h_project(r, &c, &p, err);
    json_t *j = rc ? NULL : tu_project_to_json(&p);
    tu_project_clear(&p);
    if (rc) return rc;
    return j ? tu_reply_json(r, 200, j) : TU_ENOMEM;
}

/* The list filters of the query string: state, city, type, uscc, overdue=1. */
static int list_filters(tu_req *r, tu_project_filter *f, tu_err *err) {
    const char *state = tu_req_query(r, "state"), *city = tu_req_query(r, "city"), *type = tu_req_query(r, "type");
    const char *uscc = tu_req_query(r, "uscc"), *overdue = tu_req_query(r, "overdue");
    if (state && *state && !tu_workflow_state(state)) return tu_err_set(err, TU_EINVAL, "no state '%.40s'", state);
    if (type && *type && !tu_project_type_valid(type))
        return tu_err_set(err, TU_EINVAL, "no project type '%.40s'", type);
    if (uscc && *uscc && strlen(uscc) != 18) return tu_err_set(err, TU_EINVAL, "'uscc' must have 18 characters");
    if (city && *city) {
        char *end;
        unsigned long v = strtoul(city, &end, 10);
        if (strlen(city) != 6 || *end || !tu_city_find((uint32_t)v))
            return tu_err_set(err, TU_EINVAL, "'city' must be a 6-digit city code of the province");
        f->city = (uint32_t)v;
    }
    f->state = state && *state ? state : NULL;
    f->type = type && *type ? type : NULL;
    f->uscc = uscc && *uscc ? uscc : NULL;
    if (overdue && (!strcmp(overdue, "1") || !strcmp(overdue, "true"))) f->deadline_before = tu_date_today();
    return TU_OK;
}

/* GET /projects: keyset paging by id (cursor "id:<last id>"). */
int tu_h_proj_list(tu_req *r, tu_err *err) {
    static const char *const sorts[] = {"id", NULL};
    tu_page pg;
    tu_project_filter f = {0};
    tu_caller c;
    long long after = 0;
    int rc = tu_req_page(r, sorts, &pg, err);
    if (!rc && pg.reverse) rc = tu_err_set(err, TU_EINVAL, "projects are listed by ascending id only");
    if (!rc && pg.after[0] && (sscanf(pg.after, "id:%lld", &after) != 1 || after < 0))
        rc = tu_err_set(err, TU_EINVAL, "bad cursor");
    if (!rc) rc = list_filters(r, &f, err);
    if (!rc) rc = tu__h_caller(r, &c, err);
    if (rc) return rc;
    f.after_id = after, f.limit = pg.limit + 1;
    tu_project_list l = {0};
    if ((rc = tu_project_search(r->store, &c, &f, &l, err)) != TU_OK) return rc;
    int more = l.n > pg.limit;
    json_t *items = json_array();
    for (int i = 0; i < l.n && i < pg.limit; i++) json_array_append_new(items, tu_project_to_json(&l.items[i]));
    char key[32];
    if (more) snprintf(key, sizeof key, "id:%lld", (long long)l.items[pg.limit - 1].id);
    tu_project_list_free(&l);
    return tu_reply_page(r, items, more ? key : NULL);
}

/* GET /projects/overdue: deadline passed; ?within=N lists those due in the next N days instead (reminders). */
int tu_h_proj_overdue(tu_req *r, tu_err *err) {
    tu_caller c;
    int64_t within = -1; /* absent: the overdue list */
    tu_project_list l = {0};
    int rc = tu_req_query_int(r, "within", 0, 366, &within, err);
    if (!rc) rc = tu__h_caller(r, &c, err);
    if (!rc)
        rc = within >= 0 ? tu_workflow_due_soon(r->store, &c, tu_date_today(), (int)within, &l, err)
                         : tu_workflow_overdue(r->store, &c, tu_date_today(), &l, err);
    json_t *j = rc ? NULL : tu__h_projects_json(&l);
    tu_project_list_free(&l);
    if (rc) return rc;
    return j ? tu_reply_json(r, 200, j) : TU_ENOMEM;
}

static json_t *event_json(const void *v) {
    const tu_project_event *e = v;
    char day[TU_DATE_BUFSZ];
    return json_pack("{s:I,s:s,s:s,s:s,s:s,s:s,s:s,s:s}", "id", (json_int_t)e->id, "day", tu_date_format(e->day, day),
                     "from", e->from_state, "to", e->to_state, "action", e->action, "role", e->role, "actor", e->actor,
                     "comment", e->comment);
}

int tu_h_proj_events(tu_req *r, tu_err *err) {
    tu_caller c;
    tu_project p;
    tu_project_event *ev = NULL;
    int n = 0;
    int rc = tu__h_project(r, &c, &p, err);
    tu_project_clear(&p);
    if (!rc) rc = tu_store_project_events(r->store, p.id, &ev, &n, err);
    return tu__h_reply_items(r, rc, p.id, ev, n, sizeof *ev, event_json);
}

/* POST /projects/{id}/transitions {"action","comment"}: the workflow table decides who may take which step. */
int tu_h_proj_transition(tu_req *r, tu_err *err) {
    tu_caller c;
    tu_project p;
    const char *action, *comment;
    int rc = tu_req_body_str(r, "action", 31, &action, err);
    if (!rc) rc = tu__h_body_opt(r, "comment", 1023, &comment, err);
    if (!rc) rc = tu__h_project(r, &c, &p, err);
    tu_project_clear(&p);
    if (!rc) rc = tu_workflow_move(r->store, &c, p.id, action, comment, tu_date_today(), tu__server_green(r->srv), err);
    return rc ? rc : reply_project(r, &c, p.id, 200, err);
}

/* The tier a project needs and the latest decision (null when none). */
static int reply_energy(tu_req *r, const tu_project *p, tu_err *err) {
    tu_energy_review e;
    char day[TU_DATE_BUFSZ];
    int rc = tu_store_energy_review_last(r->store, p->id, &e, err);
    if (rc && rc != TU_ENOTFOUND) return rc;
    json_t *last = rc ? json_null()
                      : json_pack("{s:s,s:b,s:s,s:s,s:s}", "tier", tu_energy_tier_name(e.tier), "passed", e.passed,
                                  "reviewer", e.reviewer, "comment", e.comment, "day", tu_date_format(e.day, day));
    return tu_reply_json(r, 200,
                         json_pack("{s:I,s:s,s:b,s:o}", "project", (json_int_t)p->id, "tier",
                                   tu_energy_tier_name(p->energy_tier), "required", p->energy_tier != TU_ENERGY_NONE,
                                   "decision", last));
}

int tu_h_proj_energy_get(tu_req *r, tu_err *err) {
    tu_caller c;
    tu_project p;
    int rc = tu__h_project(r, &c, &p, err);
    tu_project_clear(&p);
    return rc ? rc : reply_energy(r, &p, err);
}

/* POST /projects/{id}/energy-review {"passed": true|false, "comment"} (the reviewer of the tier decides). */
int tu_h_proj_energy_decide(tu_req *r, tu_err *err) {
    tu_caller c;
    tu_project p;
    const char *comment;
    const json_t *passed = json_object_get(r->json, "passed");
    if (!json_is_boolean(passed)) return tu_err_set(err, TU_EVALIDATION, "'passed' must be true or false");
    int rc = tu__h_body_opt(r, "comment", 511, &comment, err);
    if (!rc) rc = tu__h_project(r, &c, &p, err);
    tu_project_clear(&p);
    if (!rc) rc = tu_energy_review_decide(r->store, &c, p.id, json_is_true(passed), comment, tu_date_today(), err);
    return rc ? rc : reply_energy(r, &p, err);
}
