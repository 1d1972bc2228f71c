/* cmd_eval.c — `techup eval RULE DATA`: the standard JsonLogic result of a rule on data, as JSON. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli/cli.h"
#include "core/alloc.h"
#include "rules/rules.h"

static const char help[] =
    "usage: techup eval [--text] RULE [DATA]\n\n"
    "Evaluates a JsonLogic rule on DATA with the standard semantics of jsonlogic.com and prints the result as\n"
    "JSON.\n\n"
    "  RULE     JsonLogic as JSON text, or @FILE (@- = standard input)\n"
    "  DATA     JSON text or @FILE (default: null)\n"
    "  --text   RULE is readable syntax: revenue >= 2000 and \"high_tech\" in tags\n\n"
    "example: techup eval '{\">=\":[{\"var\":\"revenue\"},2000]}' '{\"revenue\":2500}'   -> true\n";

TU_CMD(eval) {
    int text = 0, npos = 0;
    const char *pos[2] = {NULL, NULL};
    if (tu_cli_wants_help(argc, argv)) return fputs(help, stdout), TU_EXIT_OK;
    for (int i = 1; i < argc; i++) {
        if (strcmp(argv[i], "--text") == 0) text = 1;
        else if (argv[i][0] == '-' && argv[i][1] == '-') return tu_cli_usage_error("eval", "unknown option '%s'", argv[i]);
        else if (npos < 2) pos[npos++] = argv[i];
        else return tu_cli_usage_error("eval", "unexpected argument '%s'", argv[i]);
    }
    if (npos < 1) return tu_cli_usage_error("eval", "missing RULE");
    json_t *rule = tu_cli_rule_arg("eval", pos[0], text);
    if (!rule) return TU_EXIT_FAIL;
    json_t *data = pos[1] ? tu_cli_rule_arg("eval", pos[1], 0) : json_null();
    if (!data) return json_decref(rule), TU_EXIT_FAIL;
    tu_err err = {0};
    json_t *r = tu_jsonlogic_apply(rule, data, &err);
    int rc = TU_EXIT_OK;
    if (!r) rc = tu_cli_fail("eval", &err);
    else {
        char *s = json_dumps(r, JSON_ENCODE_ANY | JSON_COMPACT | JSON_REAL_PRECISION(15));
        puts(s ? s : "null");
        free(s);
    }
    json_decref(r), json_decref(rule), json_decref(data);
    return rc;
}
