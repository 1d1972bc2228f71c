/* cmd_version.c — `techup version`: the program, schema and library versions. */
#include <jansson.h>
#include <sqlite3.h>
#include <stdio.h>

#include "cli/cli.h"

#ifndef TECHUP_VERSION
#define TECHUP_VERSION "unknown"
#endif

TU_CMD(version) {
    if (tu_cli_wants_help(argc, argv)) {
        puts("usage: techup version\n\nPrints the techup version and the versions of the libraries it runs on.");
        return TU_EXIT_OK;
    }
    if (argc > 1) return tu_cli_usage_error("version", "unexpected argument '%s'", argv[1]);
    printf("techup %s\nsqlite %s\njansson %s\n", TECHUP_VERSION, sqlite3_libversion(), JANSSON_VERSION);
    return TU_EXIT_OK;
}
