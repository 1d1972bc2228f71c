/* proj_args.h — option parsing shared by the project-domain commands (project, quota, award, loan):
 * `techup CMD SUB [positionals] [--opt value] [--flag]`, with --db, --as ROLE[:SCOPE], --user NAME and
 * --date YYYY-MM-DD understood by all of them. */
#ifndef TU_CLI_PROJ_ARGS_H
#define TU_CLI_PROJ_ARGS_H

#include <jansson.h>
#include <stdint.h>

#include "app/caller.h"
#include "store/project.h"
#include "store/store.h"

#define TU_PA_MAX 16

typedef struct tu_pargs {
    const char *cmd; /* "project add" (for messages) */
    int npos;
    const char *pos[TU_PA_MAX];
    int nopt;
    const char *key[TU_PA_MAX], *val[TU_PA_MAX]; /* val "" for flags */
    tu_caller actor;
    int has_actor;
    int32_t today;
    tu_store *store;
} tu_pargs;

/* Parses argv (argv[0] = the subcommand) with the allowed options "name=" (takes a value) or "name" (flag), and
 * npos_min..npos_max positionals. Prints a usage error and returns TU_EXIT_USAGE, else 0. */
int tu_pargs_parse(tu_pargs *a, const char *cmd, int argc, char **argv, const char *const *opts, int npos_min,
                   int npos_max);
const char *tu_pargs_opt(const tu_pargs *a, const char *name); /* NULL when absent */
/* Parses "CMD SUB" arguments, requires --as and opens the store. Returns 0, or the exit code after printing. */
int tu_pargs_begin(tu_pargs *a, const char *cmd, const char *sub, int argc, char **argv, const char *const *opts,
                   int npos_min, int npos_max);
/* Closes the store; prints err and returns 1 when rc is an error, else 0. */
int tu_pargs_finish(tu_pargs *a, int rc, const tu_err *err);
/* Requires --as; usage error (2) when absent. */
int tu_pargs_need_actor(tu_pargs *a);
/* Opens the store (--db or the default); 1 after printing the failure. */
int tu_pargs_open(tu_pargs *a);
void tu_pargs_close(tu_pargs *a);
/* Parses an integer id / money (yuan) / decimal positional or option; usage error naming it on failure. */
int tu_pargs_id(tu_pargs *a, const char *what, const char *text, int64_t *out);
int tu_pargs_money(tu_pargs *a, const char *what, const char *text, int64_t *fen);
int tu_pargs_dec(tu_pargs *a, const char *what, const char *text, int64_t *out);
/* Loads JSON text or @file. NULL after printing the failure. */
json_t *tu_pargs_json(tu_pargs *a, const char *text);
/* Prints a JSON value (indented) to stdout and drops the reference. */
void tu_pargs_print(json_t *j);
/* Prints a project list as a JSON array. */
void tu_pargs_print_projects(const tu_project_list *l);
/* Finds `sub` in a table of {name, fn}; prints the list on a miss. */
typedef struct tu_subcmd {
    const char *name;
    int (*run)(int argc, char **argv);
    const char *help;
} tu_subcmd;
int tu_pargs_dispatch(const char *cmd, const tu_subcmd *subs, int nsubs, int argc, char **argv);

#endif
