/* opts.c — option parsing shared by the command files (see opts.h). */
#include "cli/opts.h"

#include <string.h>

#include "cli/cli.h"

static const tu_cli_switch no_switches[] = {{NULL, NULL}};

int tu_cli_parse(const char *cmd, int argc, char **argv, const tu_cli_flag *flags, const char **pos, int max,
                 int *npos) {
    return tu_cli_parse_switches(cmd, argc, argv, flags, no_switches, pos, max, npos);
}

int tu_cli_parse_switches(const char *cmd, int argc, char **argv, const tu_cli_flag *flags,
                          const tu_cli_switch *switches, const char **pos, int max, int *npos) {
    *npos = 0;
    for (int i = 1; i < argc; i++) {
        const tu_cli_flag *f = flags;
        const tu_cli_switch *w = switches;
        while (f->flag && strcmp(argv[i], f->flag) != 0) f++;
        while (w->flag && strcmp(argv[i], w->flag) != 0) w++;
        if (w->flag) {
            *w->on = 1;
        } else if (f->flag) {
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
