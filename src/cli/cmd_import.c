/* cmd_import.c — `techup import`: load an enterprise CSV into the registry (see app/registry.h). */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "app/registry.h"
#include "cli/cli.h"
#include "core/num.h"

static const char help[] =
    "usage: techup import [--db PATH] [--strict] [--reject FILE] [--batch N] [--as-of YYYY-MM-DD] FILE.csv\n"
    "\n"
    "Imports enterprises from a CSV file (UTF-8, header row required; columns: uscc,name,city,district,industry,\n"
    "size,revenue,employees,founded,rd_ratio,energy_tce,tags in any order; see DESIGN.md). Each row inserts or\n"
    "updates the enterprise with its USCC; when a file lists a USCC twice, the later row wins.\n"
    "\n"
    "Invalid rows are written to the reject file (the original row plus error_row,error_column,error_reason;\n"
    "row 1 is the header, blank lines are not counted) and the valid rows are imported. Rows are written in\n"
    "batches, one transaction each: if the import is interrupted, run the same command again and it resumes\n"
    "after the last committed batch.\n"
    "\n"
    "  --db PATH          the database (default $TECHUP_DB or var/techup.db)\n"
    "  --strict           all or nothing: if any row is invalid, import nothing (one transaction)\n"
    "  --reject FILE      where invalid rows go (default FILE.csv.rejects.csv, written only if needed)\n"
    "  --batch N          rows per transaction (default 50000)\n"
    "  --as-of DATE       the date the file describes, recorded as the values' as-of date (default today)\n"
    "\n"
    "Exit status: 0 when the file was imported (even with rejected rows: see the summary), 1 on failure\n"
    "(including --strict with invalid rows), 2 on a usage error.\n";

static int parse_args(int argc, char **argv, const char **db, const char **file, tu_import_opts *o) {
    for (int i = 1; i < argc; i++) {
        const char *a = argv[i];
        int has_value = i + 1 < argc;
        if (strcmp(a, "--strict") == 0) o->strict = 1;
        else if (has_value && strcmp(a, "--db") == 0) *db = argv[++i];
        else if (has_value && strcmp(a, "--reject") == 0) o->reject_path = argv[++i];
        else if (has_value && strcmp(a, "--batch") == 0) {
            char *end;
            errno = 0;
            long n = strtol(argv[++i], &end, 10);
            if (errno || *end || n < 1 || n > 10000000)
                return tu_cli_usage_error("import", "--batch needs a number of rows from 1 to 10000000, not '%s'",
                                          argv[i]);
            o->batch = n;
        } else if (has_value && strcmp(a, "--as-of") == 0) {
            tu_err e = {0};
            if (tu_date_parse(argv[i + 1], strlen(argv[i + 1]), &o->as_of, &e))
                return tu_cli_usage_error("import", "--as-of: %s", e.msg);
            i++;
        } else if (a[0] == '-' && a[1]) return tu_cli_usage_error("import", "unknown option '%s'", a);
        else if (*file) return tu_cli_usage_error("import", "one file at a time ('%s' and '%s')", *file, a);
        else *file = a;
    }
    if (!*file) return tu_cli_usage_error("import", "which CSV file? (techup import FILE.csv)");
    return TU_EXIT_OK;
}

static void summary(const char *file, const tu_import_stats *st, double secs) {
    fprintf(stderr, "techup import: %s: %lld rows read", file, (long long)st->rows);
    if (st->resumed_from) fprintf(stderr, " (resumed after row %lld)", (long long)st->resumed_from + 1);
    fprintf(stderr, ", %lld imported (%lld new, %lld updates), %lld rejected, in %.1f s\n", (long long)st->imported,
            (long long)st->inserted, (long long)st->updated, (long long)st->rejected, secs);
    if (st->rejected) fprintf(stderr, "techup import: rejected rows and reasons are in %s\n", st->reject_path);
}

TU_CMD(import) {
    if (tu_cli_wants_help(argc, argv)) return fputs(help, stdout), TU_EXIT_OK;
    const char *db = tu_store_default_url(), *file = NULL;
    tu_import_opts o = {0};
    int urc = parse_args(argc, argv, &db, &file, &o);
    if (urc) return urc;
    if (isatty(STDERR_FILENO)) o.progress = stderr;
    tu_err err = {0};
    tu_store *s = NULL;
    if (tu_store_open(db, TU_STORE_BULK, &s, &err)) return tu_cli_fail("import", &err);
    tu_import_stats st;
    struct timespec t0, t1;
    clock_gettime(CLOCK_MONOTONIC, &t0);
    int rc = tu_app_import_csv(s, file, &o, &st, &err);
    clock_gettime(CLOCK_MONOTONIC, &t1);
    tu_store_close(s);
    if (o.progress && rc) fputc('\n', stderr);
    if (rc == TU_EVALIDATION) {
        fprintf(stderr, "techup import: %s: --strict: nothing imported, %lld of %lld rows are invalid (see %s)\n", file,
                (long long)st.rejected, (long long)st.rows, st.reject_path);
    } else if (!rc || st.imported) {
        summary(file, &st, (double)(t1.tv_sec - t0.tv_sec) + (double)(t1.tv_nsec - t0.tv_nsec) / 1e9);
    }
    if (rc) {
        char why[sizeof err.msg], where[128] = "";
        snprintf(why, sizeof why, "%s", err.msg);
        if (err.row > 0) snprintf(where, sizeof where, "row %ld: ", err.row);
        if (err.row > 0 && err.field[0]) snprintf(where + strlen(where), sizeof where - strlen(where), "column %s: ", err.field);
        tu_err_set(&err, err.code, "%s: %s%s", file, where, why);
        err.row = 0;
        return tu_cli_fail("import", &err);
    }
    return TU_EXIT_OK;
}
