/* cmd_export.c — `techup export`: the registry as enterprise CSV (the format `techup import` reads). */
#include <errno.h>
#include <string.h>

#include "app/registry.h"
#include "cli/cli.h"

static const char help[] =
    "usage: techup export [--db PATH] [--out FILE]\n"
    "\n"
    "Writes every enterprise as CSV (header row, then one row per enterprise in id order) to standard output or\n"
    "FILE. Importing the output gives back the same registry; a derived size class is left empty.\n"
    "\n"
    "  --db PATH    the database (default $TECHUP_DB or var/techup.db)\n"
    "  --out FILE   write to FILE instead of standard output\n";

TU_CMD(export) {
    if (tu_cli_wants_help(argc, argv)) return fputs(help, stdout), TU_EXIT_OK;
    const char *db = tu_store_default_url(), *out = NULL;
    for (int i = 1; i < argc; i++) {
        if (i + 1 < argc && strcmp(argv[i], "--db") == 0) db = argv[++i];
        else if (i + 1 < argc && strcmp(argv[i], "--out") == 0) out = argv[++i];
        else return tu_cli_usage_error("export", "unexpected argument '%s'", argv[i]);
    }
    tu_err err = {0};
    tu_store *s = NULL;
    if (tu_store_open(db, TU_STORE_READONLY, &s, &err)) return tu_cli_fail("export", &err);
    FILE *f = out ? fopen(out, "wb") : stdout;
    int rc = f ? TU_OK : tu_err_set(&err, TU_EIO, "cannot write %s: %s", out, strerror(errno));
    if (!rc) {
        static char buf[1 << 20];
        setvbuf(f, buf, _IOFBF, sizeof buf);
        rc = tu_app_export_csv(s, f, NULL, &err);
        if (out && fclose(f) != 0 && !rc) rc = tu_err_set(&err, TU_EIO, "cannot write %s: %s", out, strerror(errno));
        else if (!out && fflush(stdout) != 0 && !rc) rc = tu_err_set(&err, TU_EIO, "cannot write: %s", strerror(errno));
    }
    tu_store_close(s);
    return rc ? tu_cli_fail("export", &err) : TU_EXIT_OK;
}
