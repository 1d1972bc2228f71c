/* main.c — `techup <command> [options]`: the command table and dispatch. */
#include <stdio.h>
#include <string.h>

#include "cli/cli.h"

static const tu_command commands[] = {
    {"gen", tu_cmd_gen, "write a synthetic province as enterprise CSV"},
    {"import", tu_cmd_import, "import enterprises from a CSV file"},
    {"export", tu_cmd_export, "write the registry as enterprise CSV"},
    {"version", tu_cmd_version, "print version information"},
    {"serve", tu_cmd_serve, "run the HTTP/JSON API and the web portal"},
    {"user", tu_cmd_user, "add, list, disable, enable or reset users"},
    {"audit", tu_cmd_audit, "verify the audit trail's hash chain"},
    {"eval", tu_cmd_eval, "evaluate a JsonLogic rule on data (standard semantics)"},
    {"explain", tu_cmd_explain, "explain why an enterprise is or is not eligible for a rule"},
    {"rules", tu_cmd_rules, "rules fmt | check | test: convert, check and test policy rules"},
    {"match", tu_cmd_match, "count (and list) the enterprises that qualify for a rule"},
    {"policies-for", tu_cmd_policies_for, "the policies one enterprise qualifies for, nearly or undecided"},
};

static void usage(FILE *f) {
    fputs("usage: techup <command> [options]\n\ncommands:\n", f);
    for (size_t i = 0; i < sizeof commands / sizeof commands[0]; i++)
        fprintf(f, "  %-14s %s\n", commands[i].name, commands[i].summary);
    fputs("\nRun 'techup <command> --help' for a command's options.\n"
          "Data commands take --db PATH (default $TECHUP_DB or var/techup.db).\n",
          f);
}

int main(int argc, char **argv) {
    if (argc < 2) {
        usage(stderr);
        return TU_EXIT_USAGE;
    }
    if (strcmp(argv[1], "--help") == 0 || strcmp(argv[1], "-h") == 0 || strcmp(argv[1], "help") == 0) {
        usage(stdout);
        return TU_EXIT_OK;
    }
    if (strcmp(argv[1], "--version") == 0) return tu_cmd_version(1, argv + 1);
    for (size_t i = 0; i < sizeof commands / sizeof commands[0]; i++)
        if (strcmp(argv[1], commands[i].name) == 0) return commands[i].run(argc - 1, argv + 1);
    fprintf(stderr, "techup: unknown command '%s'\n\n", argv[1]);
    usage(stderr);
    return TU_EXIT_USAGE;
}
