/* main.c — `techup <command> [options]`: the command table and dispatch. */
#include <stdio.h>
#include <string.h>

#include "cli/cli.h"

static const tu_command commands[] = {
    {"gen", tu_cmd_gen, "write a synthetic province as enterprise CSV"},
    {"import", tu_cmd_import, "import enterprises from a CSV file"},
    {"export", tu_cmd_export, "write the registry as enterprise CSV"},
    {"version", tu_cmd_version, "print version information"},
    {"policy", tu_cmd_policy, "add, edit, show, list, publish and withdraw policies"},
    {"push", tu_cmd_push, "push campaigns: inbox, channels, the delivery worker"},
    {"grant", tu_cmd_grant, "免申即享 grant lists: generate, review, export"},
    {"serve", tu_cmd_serve, "run the HTTP/JSON API and the web portal"},
    {"user", tu_cmd_user, "add, list, disable, enable or reset users"},
    {"audit", tu_cmd_audit, "verify the audit trail's hash chain"},
    {"eval", tu_cmd_eval, "evaluate a JsonLogic rule on data (standard semantics)"},
    {"explain", tu_cmd_explain, "explain why an enterprise is or is not eligible for a rule"},
    {"rules", tu_cmd_rules, "rules fmt | check | test: convert, check and test policy rules"},
    {"match", tu_cmd_match, "count (and list) the enterprises that qualify for a rule"},
    {"policies-for", tu_cmd_policies_for, "the policies one enterprise qualifies for, nearly or undecided"},
    {"project", tu_cmd_project, "declare upgrade projects and move them through review"},
    {"quota", tu_cmd_quota, "the land-use quota ledger: allocate, reserve, advance, settle"},
    {"award", tu_cmd_award, "awards from a policy's benefit formula: compute, apply, adjust, pay"},
    {"loan", tu_cmd_loan, "banks' loan products for projects"},
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
