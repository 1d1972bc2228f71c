/* opts.c — option parsing shared by the command files (see opts.h). */
#include "cli/opts.h"

#include <string.h>

#include "cli/cli.h"

int tu_cli_parse(const char *cmd, int argc, char **argv, const tu_cli_flag *flags, const char **pos, int max,
                 int *npos) {
    *npos = 0;
    for (int i = 1; i < argc; i++) {
        const tu_cli_flag *f = flags;
        while (f->flag && strcmp(argv[i], f->flag) != 0) f++;
        if (f->flag) {
            if (i + 1 >= argc) return tu_cli_usage_error(cmd, "%s needs a value", argv[i]);
            *f->value = argv[++i];
        } else if (argv[i][0] == '-' && argv[i][1]) {
            return tu_cli_usage_error(cmd, "unknown option '%s'", argv[i]);
        } else if (*npos < max) {
            pos[(*npos)++] = argv[i];
        } else {
            return tu_cli_usage_error(cmd, "unexpected argument '%s'", argv[i]);
        }
    }
    return TU_EXIT_OK;
}
