/* cmd_rules.c — `techup rules fmt|check|test`: convert rules between JSON and readable syntax, run the static
 * checks, and run a policy file's fixtures. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli/cli.h"
#include "core/alloc.h"
#include "rules/check.h"
#include "rules/ruletest.h"
#include "rules/text.h"

static const char help[] =
    "usage: techup rules fmt [--to json|text] [FILE]\n"
    "       techup rules check [--text] [--benefit] [--json] RULE\n"
    "       techup rules test FILE\n\n"
    "fmt    converts a rule between JsonLogic and readable syntax (FILE or standard input; JSON input becomes\n"
    "       text, text becomes JSON, unless --to says which)\n"
    "check  static checks: unknown attributes, wrong types, codes not in their lists, conditions that never\n"
    "       hold, and the attributes the rule depends on; --benefit allows the project.* and loan.* fields of a\n"
    "       benefit formula (docs/rules.md); exit 1 on an error\n"
    "test   runs the fixtures of a policy file (docs/rules.md), one line per fixture; exit 1 on any failure\n";

#define TU_JSON_OUT (JSON_ENCODE_ANY | JSON_COMPACT | JSON_REAL_PRECISION(15))

static int fmt(int argc, char **argv) {
    const char *to = NULL, *file = "-";
    for (int i = 1; i < argc; i++) {
        if (strcmp(argv[i], "--to") == 0 && i + 1 < argc) to = argv[++i];
        else if (argv[i][0] == '-' && argv[i][1] == '-') return tu_cli_usage_error("rules", "unknown option '%s'", argv[i]);
        else file = argv[i];
    }
    if (to && strcmp(to, "json") != 0 && strcmp(to, "text") != 0) return tu_cli_usage_error("rules", "--to json or --to text");
    size_t len;
    tu_err err = {0};
    char *src = tu_cli_read_file(file, &len, &err);
    if (!src) return tu_cli_fail("rules", &err);
    json_t *logic = json_loadb(src, len, JSON_DECODE_ANY, NULL);
    int from_json = logic != NULL;
    if (!logic) logic = tu_cli_rule_src("rules", strcmp(file, "-") ? file : NULL, src, len, 1);
    tu_free(src);
    if (!logic) return TU_EXIT_FAIL;
    int rc = TU_EXIT_OK;
    if (to ? strcmp(to, "text") == 0 : from_json) {
        char *text = tu_rule_text_print(logic, &err);
        if (text) puts(text);
        else rc = tu_cli_fail("rules", &err);
        tu_free(text);
    } else {
        char *s = json_dumps(logic, TU_JSON_OUT);
        puts(s ? s : "null");
        free(s);
    }
    json_decref(logic);
    return rc;
}

static int check(int argc, char **argv) {
    int text = 0, flags = 0, as_json = 0;
    const char *rule = NULL;
    for (int i = 1; i < argc; i++) {
        if (strcmp(argv[i], "--text") == 0) text = 1;
        else if (strcmp(argv[i], "--benefit") == 0) flags |= TU_CHECK_PROJECT;
        else if (strcmp(argv[i], "--json") == 0) as_json = 1;
        else if (argv[i][0] == '-' && argv[i][1] == '-') return tu_cli_usage_error("rules", "unknown option '%s'", argv[i]);
        else rule = argv[i];
    }
    if (!rule) return tu_cli_usage_error("rules", "check needs a RULE");
    json_t *logic = tu_cli_rule_arg("rules", rule, text);
    if (!logic) return TU_EXIT_FAIL;
    tu_err err = {0};
    json_t *r = tu_rule_check(logic, flags, &err);
    json_decref(logic);
    if (!r) return tu_cli_fail("rules", &err);
    if (as_json) {
        char *s = json_dumps(r, JSON_INDENT(2));
        puts(s ? s : "{}");
        free(s);
    } else {
        json_t *issues = json_object_get(r, "issues"), *deps = json_object_get(r, "depends_on");
        for (size_t i = 0; i < json_array_size(issues); i++) {
            json_t *is = json_array_get(issues, i);
            printf("%s %s at %s (%s): %s\n", json_string_value(json_object_get(is, "severity")),
                   json_string_value(json_object_get(is, "code")), json_string_value(json_object_get(is, "path")),
                   json_string_value(json_object_get(is, "text")), json_string_value(json_object_get(is, "message")));
        }
        printf("depends on:");
        for (size_t i = 0; i < json_array_size(deps); i++) printf(" %s", json_string_value(json_array_get(deps, i)));
        printf("\n");
    }
    int ok = json_is_true(json_object_get(r, "ok"));
    json_decref(r);
    return ok ? TU_EXIT_OK : TU_EXIT_FAIL;
}

static int test(int argc, char **argv) {
    if (argc != 2) return tu_cli_usage_error("rules", "test needs exactly one FILE");
    size_t len;
    tu_err err = {0};
    char *src = tu_cli_read_file(argv[1], &len, &err);
    json_t *policy = src ? tu_cli_parse_json(src, len, &err) : NULL;
    tu_free(src);
    if (!policy) {
        fprintf(stderr, "techup rules: %s: ", argv[1]);
        return tu_cli_fail("rules", &err);
    }
    tu_ruletest_summary sum;
    int rc = tu_ruletest_run(policy, stdout, &sum, &err);
    json_decref(policy);
    if (rc) {
        fprintf(stderr, "techup rules: %s: ", argv[1]);
        return tu_cli_fail("rules", &err);
    }
    printf("%d passed, %d failed\n", sum.passed, sum.failed);
    return sum.failed ? TU_EXIT_FAIL : TU_EXIT_OK;
}

TU_CMD(rules) {
    if (argc < 2 || strcmp(argv[1], "--help") == 0 || strcmp(argv[1], "-h") == 0) {
        fputs(help, argc < 2 ? stderr : stdout);
        return argc < 2 ? TU_EXIT_USAGE : TU_EXIT_OK;
    }
    if (tu_cli_wants_help(argc, argv)) return fputs(help, stdout), TU_EXIT_OK;
    if (strcmp(argv[1], "fmt") == 0) return fmt(argc - 1, argv + 1);
    if (strcmp(argv[1], "check") == 0) return check(argc - 1, argv + 1);
    if (strcmp(argv[1], "test") == 0) return test(argc - 1, argv + 1);
    return tu_cli_usage_error("rules", "unknown subcommand '%s' (fmt, check or test)", argv[1]);
}
