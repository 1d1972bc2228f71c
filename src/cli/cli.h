/* cli.h — the techup command: git-style subcommands, one file each (cmd_<name>.c).
 *
 * Each command is `int tu_cmd_<name>(int argc, char **argv)` with argv[0] the command name; it prints its help
 * on --help (exit 0), usage errors on stderr (exit 2), runtime failures on stderr naming the file/row/reason
 * (exit 1). Commands that touch data take --db PATH (default tu_store_default_url()). */
#ifndef TU_CLI_CLI_H
#define TU_CLI_CLI_H

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
/* True when argv has --help or -h before any "--". */
int tu_cli_wants_help(int argc, char **argv);

#define TU_CMD(name) int tu_cmd_##name(int argc, char **argv)
TU_CMD(version);
TU_CMD(project);
TU_CMD(quota);
TU_CMD(award);
TU_CMD(loan);

#endif
