/* cli.h — the techup command: git-style subcommands, one file each (cmd_<name>.c).
 *
 * Each command is `int tu_cmd_<name>(int argc, char **argv)` with argv[0] the command name; it prints its help
 * on --help (exit 0), usage errors on stderr (exit 2), runtime failures on stderr naming the file/row/reason
 * (exit 1). Commands that touch data take --db PATH (default tu_store_default_url()). */
#ifndef TU_CLI_CLI_H
#define TU_CLI_CLI_H

#include <jansson.h>
#include <stdio.h>

#include "core/error.h"

enum { TU_EXIT_OK = 0, TU_EXIT_FAIL = 1, TU_EXIT_USAGE = 2 };

typedef struct tu_command {
    const char *name;
    int (*run)(int argc, char **argv);
    const char *summary;
} tu_command;

/* Prints "techup NAME: msg" to stderr and returns TU_EXIT_USAGE. */
int tu_cli_usage_error(const char *cmd, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* Prints "techup NAME: <err message>" (with file/row/column when set) and returns TU_EXIT_FAIL. */
int tu_cli_fail(const char *cmd, const tu_err *err);
/* Reads a whole file ("-" = stdin) into a NUL-terminated buffer (free with tu_free). */
char *tu_cli_read_file(const char *path, size_t *len, tu_err *err);
/* The text of an argument that is either literal text or "@FILE" ("@-" = stdin); tu_free it. */
char *tu_cli_arg_text(const char *arg, size_t *len, tu_err *err);
/* Parses JSON text (any value); on failure fills err with line, column and jansson's reason. */
json_t *tu_cli_parse_json(const char *text, size_t len, tu_err *err);
/* A rule argument (JSON, or readable syntax when text is set; literal or @FILE) as JsonLogic, new reference.
 * On failure prints the error for command cmd — with a caret under the spot for readable syntax — and
 * returns NULL. */
json_t *tu_cli_rule_arg(const char *cmd, const char *arg, int text);
/* The same for source text already read; name (a file, or NULL) prefixes the error. */
json_t *tu_cli_rule_src(const char *cmd, const char *name, const char *src, size_t len, int text);
/* True when argv has --help or -h before any "--". */
int tu_cli_wants_help(int argc, char **argv);

/* Monotonic clock in milliseconds (for the timings commands print). */
double tu_cli_now_ms(void);
struct tu_index;
/* Loads the match index from --csv FILE, else from the store at db (NULL: the default); prints its build time
 * and size on stderr. Returns TU_EXIT_OK or the exit code of the failure (message printed). */
int tu_cli_open_index(const char *cmd, const char *csv, const char *db, struct tu_index **ix);

#define TU_CMD(name) int tu_cmd_##name(int argc, char **argv)
TU_CMD(version);
TU_CMD(serve);
TU_CMD(user);
TU_CMD(audit);
TU_CMD(gen);
TU_CMD(import);
TU_CMD(export);
TU_CMD(eval);
TU_CMD(explain);
TU_CMD(rules);
TU_CMD(match);
TU_CMD(policies_for);

#endif
