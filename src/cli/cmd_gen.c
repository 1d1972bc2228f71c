/* cmd_gen.c — `techup gen`: write a synthetic province as enterprise CSV (see app/gen.h). */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "app/gen.h"
#include "cli/cli.h"

static const char help[] =
    "usage: techup gen [--enterprises N] [--seed S] [--out FILE]\n"
    "\n"
    "Writes a realistic synthetic province (Guangdong-like: 21 cities, GB/T 4754 industries, 2017 size classes)\n"
    "as enterprise CSV, ready for 'techup import'. The same N and S always give the same file.\n"
    "\n"
    "  --enterprises N   number of enterprises (default 200000)\n"
    "  --seed S          random seed, a non-negative integer (default 1)\n"
    "  --out FILE        write to FILE instead of standard output\n"
    "\n"
    "The model and its sources: docs/synthetic-data.md.\n";

TU_CMD(gen) {
    if (tu_cli_wants_help(argc, argv)) return fputs(help, stdout), TU_EXIT_OK;
    uint64_t n = 200000, seed = 1;
    const char *out = NULL;
    for (int i = 1; i < argc; i++) {
        const char *a = argv[i];
        if (i + 1 >= argc || (strcmp(a, "--enterprises") && strcmp(a, "--seed") && strcmp(a, "--out")))
            return tu_cli_usage_error("gen", "unexpected argument '%s'", a);
        const char *v = argv[++i];
        if (strcmp(a, "--out") == 0) {
            out = v;
            continue;
        }
        char *end;
        errno = 0;
        unsigned long long x = strtoull(v, &end, 10);
        if (errno || *end || !*v || v[0] == '-' || (strcmp(a, "--enterprises") == 0 && x > 100000000ull))
            return tu_cli_usage_error("gen", "%s needs a non-negative integer (at most 100000000 enterprises), not '%s'",
                                      a, v);
        if (strcmp(a, "--enterprises") == 0) n = x;
        else seed = x;
    }
    FILE *f = out ? fopen(out, "wb") : stdout;
    tu_err err = {0};
    if (!f) {
        tu_err_set(&err, TU_EIO, "cannot write %s: %s", out, strerror(errno));
        return tu_cli_fail("gen", &err);
    }
    int rc = tu_gen_write(f, n, seed, &err);
    if (out && fclose(f) != 0 && !rc) rc = tu_err_set(&err, TU_EIO, "cannot write %s: %s", out, strerror(errno));
    return rc ? tu_cli_fail("gen", &err) : TU_EXIT_OK;
}
