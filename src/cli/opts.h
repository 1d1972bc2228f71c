/* opts.h — option parsing shared by the command files: a table of "--flag VALUE" options and up to `max`
 * positional arguments. */
#ifndef TU_CLI_OPTS_H
#define TU_CLI_OPTS_H

typedef struct tu_cli_flag {
    const char *flag;   /* "--db" */
    const char **value; /* where the value goes */
} tu_cli_flag;

typedef struct tu_cli_switch {
    const char *flag; /* "--once" */
    int *on;          /* set to 1 when present */
} tu_cli_switch;

/* Parses argv[1..argc): flags from the table (NULL-terminated by flag), positionals into pos (at most max,
 * *npos receives the count). Returns TU_EXIT_OK or, after printing the reason, TU_EXIT_USAGE. */
int tu_cli_parse(const char *cmd, int argc, char **argv, const tu_cli_flag *flags, const char **pos, int max,
                 int *npos);
/* The same with value-less switches too (switches NULL-terminated by flag). */
int tu_cli_parse_switches(const char *cmd, int argc, char **argv, const tu_cli_flag *flags,
                          const tu_cli_switch *switches, const char **pos, int max, int *npos);

#endif
