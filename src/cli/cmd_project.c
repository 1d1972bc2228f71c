/* cmd_project.c — `techup project add|edit|show|list|move|review|overdue`: projects and their review workflow
 * from the command line, as the given actor (--as). Output is JSON on stdout. */
#include <stdio.h>
#include <string.h>

#include "app/project.h"
#include "app/workflow.h"
#include "cli/cli.h"
#include "cli/proj_args.h"
#include "core/alloc.h"
#include "core/num.h"

#define CMD "project"

static int read_project_file(tu_pargs *a, const char *path, tu_project *p, tu_err *err) {
    char ref[600];
    snprintf(ref, sizeof ref, "@%s", path);
    json_t *j = tu_pargs_json(a, ref);
    if (!j) return tu_err_set(err, TU_EPARSE, "cannot read %s", path);
    int rc = tu_project_from_json(j, p, err);
    json_decref(j);
    return rc;
}

static int sub_add(int argc, char **argv) {
    tu_pargs a;
    int rc = tu_pargs_begin(&a, CMD, "add", argc, argv, NULL, 1, 1);
    if (rc) return rc;
    tu_err err = {0};
    tu_project p;
    rc = read_project_file(&a, a.pos[0], &p, &err);
    if (rc == TU_EPARSE) return tu_pargs_close(&a), TU_EXIT_FAIL;
    if (!rc) rc = tu_project_declare(a.store, &a.actor, &p, a.today, &err);
    if (!rc) printf("%lld\n", (long long)p.id);
    tu_project_clear(&p);
    return tu_pargs_finish(&a, rc, &err);
}

static int sub_edit(int argc, char **argv) {
    tu_pargs a;
    int rc = tu_pargs_begin(&a, CMD, "edit", argc, argv, NULL, 2, 2);
    if (rc) return rc;
    int64_t id;
    if (tu_pargs_id(&a, "ID", a.pos[0], &id)) return tu_pargs_close(&a), TU_EXIT_USAGE;
    tu_err err = {0};
    tu_project p;
    rc = read_project_file(&a, a.pos[1], &p, &err);
    if (rc == TU_EPARSE) return tu_pargs_close(&a), TU_EXIT_FAIL;
    p.id = id;
    if (!rc) rc = tu_project_edit(a.store, &a.actor, &p, a.today, &err);
    tu_project_clear(&p);
    return tu_pargs_finish(&a, rc, &err);
}

static json_t *events_json(tu_store *s, int64_t id, tu_err *err) {
    tu_project_event *ev = NULL;
    int n = 0;
    if (tu_store_project_events(s, id, &ev, &n, err)) return NULL;
    json_t *arr = json_array();
    char day[TU_DATE_BUFSZ];
    for (int i = 0; arr && i < n; i++)
        json_array_append_new(arr, json_pack("{s:s,s:s,s:s,s:s,s:s,s:s,s:s}", "day", tu_date_format(ev[i].day, day),
                                             "from", ev[i].from_state, "to", ev[i].to_state, "action", ev[i].action,
                                             "role", ev[i].role, "actor", ev[i].actor, "comment", ev[i].comment));
    tu_free(ev);
    return arr;
}

static int sub_show(int argc, char **argv) {
    tu_pargs a;
    int rc = tu_pargs_begin(&a, CMD, "show", argc, argv, NULL, 1, 1);
    if (rc) return rc;
    int64_t id;
    if (tu_pargs_id(&a, "ID", a.pos[0], &id)) return tu_pargs_close(&a), TU_EXIT_USAGE;
    tu_err err = {0};
    tu_project p;
    rc = tu_project_get(a.store, &a.actor, id, &p, &err);
    if (!rc) {
        json_t *j = tu_project_to_json(&p);
        json_t *ev = events_json(a.store, id, &err);
        if (j && ev)
            json_object_set_new(j, "events", ev);
        else
            json_decref(ev), rc = err.code ? err.code : TU_ENOMEM;
        tu_pargs_print(j);
        tu_project_clear(&p);
    }
    return tu_pargs_finish(&a, rc, &err);
}

/* An optional positive integer option; usage error (nonzero) when present and malformed. */
static int opt_id(tu_pargs *a, const char *name, int64_t *out) {
    const char *v = tu_pargs_opt(a, name);
    char what[32];
    snprintf(what, sizeof what, "--%s", name);
    return v ? tu_pargs_id(a, what, v, out) : 0;
}

static int sub_list(int argc, char **argv) {
    static const char *const opts[] = {"state=", "city=", "after=", "limit=", NULL};
    tu_pargs a;
    int rc = tu_pargs_begin(&a, CMD, "list", argc, argv, opts, 0, 0);
    if (rc) return rc;
    tu_project_filter f = {.state = tu_pargs_opt(&a, "state")};
    int64_t city = 0, limit = 0;
    if (opt_id(&a, "city", &city) || opt_id(&a, "after", &f.after_id) || opt_id(&a, "limit", &limit))
        return tu_pargs_close(&a), TU_EXIT_USAGE;
    f.city = (uint32_t)(city < 1000000 ? city : 0), f.limit = (int)(limit < 100000 ? limit : 100000);
    tu_err err = {0};
    tu_project_list l = {0};
    rc = tu_project_search(a.store, &a.actor, &f, &l, &err);
    if (!rc) tu_pargs_print_projects(&l);
    tu_project_list_free(&l);
    return tu_pargs_finish(&a, rc, &err);
}

static int sub_move(int argc, char **argv) {
    static const char *const opts[] = {"comment=", "green=", NULL};
    tu_pargs a;
    int rc = tu_pargs_begin(&a, CMD, "move", argc, argv, opts, 2, 2);
    if (rc) return rc;
    int64_t id;
    if (tu_pargs_id(&a, "ID", a.pos[0], &id)) return tu_pargs_close(&a), TU_EXIT_USAGE;
    tu_err err = {0};
    tu_green_config g = {0};
    const char *green = tu_pargs_opt(&a, "green");
    if (green) {
        char ref[600];
        snprintf(ref, sizeof ref, "@%s", green);
        json_t *j = tu_pargs_json(&a, ref);
        if (!j) return tu_pargs_close(&a), TU_EXIT_FAIL;
        rc = tu_green_config_from_json(j, &g, &err);
        json_decref(j);
    }
    if (!rc) rc = tu_workflow_move(a.store, &a.actor, id, a.pos[1], tu_pargs_opt(&a, "comment"), a.today, &g, &err);
    tu_green_config_clear(&g);
    if (!rc) {
        tu_project p;
        if (tu_store_project_get(a.store, id, &p, &err) == TU_OK) {
            char day[TU_DATE_BUFSZ];
            printf("%s%s%s\n", p.state, p.deadline ? " until " : "", p.deadline ? tu_date_format(p.deadline, day) : "");
            tu_project_clear(&p);
        }
    }
    return tu_pargs_finish(&a, rc, &err);
}

static int sub_review(int argc, char **argv) {
    static const char *const opts[] = {"comment=", NULL};
    tu_pargs a;
    int rc = tu_pargs_begin(&a, CMD, "review", argc, argv, opts, 2, 2);
    if (rc) return rc;
    int64_t id;
    if (tu_pargs_id(&a, "ID", a.pos[0], &id)) return tu_pargs_close(&a), TU_EXIT_USAGE;
    int pass = !strcmp(a.pos[1], "pass");
    if (!pass && strcmp(a.pos[1], "fail") != 0)
        return tu_pargs_close(&a), tu_cli_usage_error(a.cmd, "the decision is 'pass' or 'fail'");
    tu_err err = {0};
    rc = tu_energy_review_decide(a.store, &a.actor, id, pass, tu_pargs_opt(&a, "comment"), a.today, &err);
    return tu_pargs_finish(&a, rc, &err);
}

static int sub_overdue(int argc, char **argv) {
    static const char *const opts[] = {"within=", NULL};
    tu_pargs a;
    int rc = tu_pargs_begin(&a, CMD, "overdue", argc, argv, opts, 0, 0);
    if (rc) return rc;
    int64_t within = 0;
    const char *w = tu_pargs_opt(&a, "within");
    if (opt_id(&a, "within", &within)) return tu_pargs_close(&a), TU_EXIT_USAGE;
    if (within > 3660) within = 3660;
    tu_err err = {0};
    tu_project_list l = {0};
    rc = w ? tu_workflow_due_soon(a.store, &a.actor, a.today, (int)within, &l, &err)
           : tu_workflow_overdue(a.store, &a.actor, a.today, &l, &err);
    if (!rc) tu_pargs_print_projects(&l);
    tu_project_list_free(&l);
    return tu_pargs_finish(&a, rc, &err);
}

TU_CMD(project) {
    static const tu_subcmd subs[] = {
        {"add", sub_add, "add FILE.json            declare a project (JSON form, docs/projects.md)"},
        {"edit", sub_edit, "edit ID FILE.json        edit a draft or returned project"},
        {"show", sub_show, "show ID                  the project with its workflow events"},
        {"list", sub_list, "list [--state S] [--city C] [--after ID] [--limit N]"},
        {"move", sub_move, "move ID ACTION [--comment TEXT] [--green FILE]   take a workflow step"},
        {"review", sub_review, "review ID pass|fail [--comment TEXT]   record an energy-review decision"},
        {"overdue", sub_overdue, "overdue [--within DAYS]  overdue projects, or those due within DAYS"},
    };
    return tu_pargs_dispatch(CMD, subs, (int)(sizeof subs / sizeof subs[0]), argc, argv);
}
