/* proj_args.c — the shared option parser and helpers of the project-domain commands (see proj_args.h). */
#include "cli/proj_args.h"

#include <stdio.h>
#include <string.h>

#include "app/project.h"
#include "cli/cli.h"
#include "core/alloc.h"
#include "core/num.h"

static const char *const common[] = {"db=", "as=", "user=", "date=", NULL};

/* The option spec matching name, or NULL. */
static const char *spec_of(const char *const *opts, const char *name) {
    for (int pass = 0; pass < 2; pass++)
        for (const char *const *o = pass ? opts : common; o && *o; o++) {
            size_t n = strcspn(*o, "=");
            if (strlen(name) == n && !strncmp(*o, name, n)) return *o;
        }
    return NULL;
}

int tu_pargs_parse(tu_pargs *a, const char *cmd, int argc, char **argv, const char *const *opts, int npos_min,
                   int npos_max) {
    memset(a, 0, sizeof *a);
    a->cmd = cmd;
    a->today = tu_date_today();
    for (int i = 1; i < argc; i++) {
        if (strncmp(argv[i], "--", 2) != 0 || argv[i][2] == '\0') {
            if (a->npos >= npos_max || a->npos >= TU_PA_MAX)
                return tu_cli_usage_error(cmd, "unexpected argument '%s'", argv[i]);
            a->pos[a->npos++] = argv[i];
            continue;
        }
        const char *spec = spec_of(opts, argv[i] + 2);
        if (!spec) return tu_cli_usage_error(cmd, "unknown option '%s'", argv[i]);
        if (a->nopt >= TU_PA_MAX) return tu_cli_usage_error(cmd, "too many options");
        a->key[a->nopt] = argv[i] + 2;
        if (strchr(spec, '=')) {
            if (i + 1 >= argc) return tu_cli_usage_error(cmd, "%s needs a value", argv[i]);
            a->val[a->nopt++] = argv[++i];
        } else
            a->val[a->nopt++] = "";
    }
    if (a->npos < npos_min) return tu_cli_usage_error(cmd, "missing arguments");
    const char *d = tu_pargs_opt(a, "date");
    tu_err err = {0};
    if (d && tu_date_parse(d, strlen(d), &a->today, &err)) return tu_cli_usage_error(cmd, "--date: %s", err.msg);
    const char *as = tu_pargs_opt(a, "as");
    if (as) {
        if (tu_caller_parse(as, tu_pargs_opt(a, "user"), &a->actor, &err))
            return tu_cli_usage_error(cmd, "--as: %s", err.msg);
        a->has_actor = 1;
    }
    return 0;
}

const char *tu_pargs_opt(const tu_pargs *a, const char *name) {
    for (int i = a->nopt - 1; i >= 0; i--)
        if (!strcmp(a->key[i], name)) return a->val[i];
    return NULL;
}

int tu_pargs_need_actor(tu_pargs *a) {
    return a->has_actor ? 0 : tu_cli_usage_error(a->cmd, "--as ROLE[:SCOPE] is required");
}

int tu_pargs_open(tu_pargs *a) {
    tu_err err = {0};
    if (tu_store_open(tu_pargs_opt(a, "db"), 0, &a->store, &err)) return tu_cli_fail(a->cmd, &err);
    return 0;
}

void tu_pargs_close(tu_pargs *a) {
    tu_store_close(a->store);
    a->store = NULL;
}

int tu_pargs_id(tu_pargs *a, const char *what, const char *text, int64_t *out) {
    if (!text || tu_int_parse(text, strlen(text), out, NULL) || *out <= 0)
        return tu_cli_usage_error(a->cmd, "%s: '%s' is not a positive integer", what, text ? text : "");
    return 0;
}

int tu_pargs_money(tu_pargs *a, const char *what, const char *text, int64_t *fen) {
    tu_err err = {0};
    if (!text || tu_money_parse(text, strlen(text), fen, &err))
        return tu_cli_usage_error(a->cmd, "%s: %s", what, text ? err.msg : "missing");
    return 0;
}

int tu_pargs_dec(tu_pargs *a, const char *what, const char *text, int64_t *out) {
    tu_err err = {0};
    if (!text || tu_dec_parse(text, strlen(text), out, &err))
        return tu_cli_usage_error(a->cmd, "%s: %s", what, text ? err.msg : "missing");
    return 0;
}

json_t *tu_pargs_json(tu_pargs *a, const char *text) {
    tu_err err = {0};
    char *buf = NULL;
    const char *src = text;
    if (text[0] == '@') {
        if (!(buf = tu_cli_read_file(text + 1, NULL, &err))) return tu_cli_fail(a->cmd, &err), NULL;
        src = buf;
    }
    json_error_t je;
    json_t *j = json_loads(src, JSON_DECODE_ANY, &je);
    if (!j) {
        tu_err_set(&err, TU_EPARSE, "%s: %s", text[0] == '@' ? text + 1 : "JSON argument", je.text);
        err.line = je.line, err.col = je.column;
        tu_cli_fail(a->cmd, &err);
    }
    tu_free(buf);
    return j;
}

void tu_pargs_print(json_t *j) {
    if (!j) return;
    json_dumpf(j, stdout, JSON_INDENT(2) | JSON_ENCODE_ANY);
    fputc('\n', stdout);
    json_decref(j);
}

void tu_pargs_print_projects(const tu_project_list *l) {
    json_t *arr = json_array();
    for (int i = 0; arr && i < l->n; i++) json_array_append_new(arr, tu_project_to_json(&l->items[i]));
    tu_pargs_print(arr);
}

int tu_pargs_dispatch(const char *cmd, const tu_subcmd *subs, int nsubs, int argc, char **argv) {
    const char *sub = argc > 1 ? argv[1] : NULL;
    if (!sub || !strcmp(sub, "--help") || !strcmp(sub, "-h")) {
        FILE *f = sub ? stdout : stderr;
        fprintf(f, "usage: techup %s <subcommand> [options]\n\nsubcommands:\n", cmd);
        for (int i = 0; i < nsubs; i++) fprintf(f, "  %s\n", subs[i].help);
        fputs("\nEvery subcommand takes --db PATH, --as ROLE[:SCOPE] (enterprise:USCC, city_official:440300,\n"
              "provincial_official, bank_officer:BANK, auditor, admin), --user NAME and --date YYYY-MM-DD.\n",
              f);
        return sub ? TU_EXIT_OK : TU_EXIT_USAGE;
    }
    for (int i = 0; i < nsubs; i++) {
        if (strcmp(sub, subs[i].name) != 0) continue;
        if (tu_cli_wants_help(argc - 1, argv + 1)) {
            printf("usage: techup %s %s\n\nCommon options: --db PATH, --as ROLE[:SCOPE], --user NAME, "
                   "--date YYYY-MM-DD.\n",
                   cmd, subs[i].help);
            return TU_EXIT_OK;
        }
        return subs[i].run(argc - 1, argv + 1);
    }
    return tu_cli_usage_error(cmd, "unknown subcommand '%s'", sub);
}

int tu_pargs_begin(tu_pargs *a, const char *cmd, const char *sub, int argc, char **argv, const char *const *opts,
                   int npos_min, int npos_max) {
    static _Thread_local char name[64];
    snprintf(name, sizeof name, "%s %s", cmd, sub);
    int rc = tu_pargs_parse(a, name, argc, argv, opts, npos_min, npos_max);
    if (!rc) rc = tu_pargs_need_actor(a);
    if (!rc) rc = tu_pargs_open(a);
    return rc;
}

int tu_pargs_finish(tu_pargs *a, int rc, const tu_err *err) {
    tu_pargs_close(a);
    return rc ? tu_cli_fail(a->cmd, err) : TU_EXIT_OK;
}
