/* cmd_explain.c — `techup explain RULE ENTERPRISE`: why an enterprise is or is not eligible, as sentences
 * (zh or en) or JSON. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli/cli.h"
#include "core/alloc.h"
#include "rules/explain.h"
#include "rules/ruletest.h"

static const char help[] =
    "usage: techup explain [--text] [--json] [--lang zh|en] [--k N] [--provenance JSON] RULE ENTERPRISE\n\n"
    "Explains a rule for one enterprise: each condition met, not met or unknown, with the actual value and the\n"
    "threshold; the missing data; a near miss when at most N conditions (default 1) are unmet.\n\n"
    "  RULE          JsonLogic as JSON text or @FILE; with --text, readable syntax\n"
    "  ENTERPRISE    JSON object of attributes as in the CSV: {\"city\":\"440300\",\"industry\":\"C3811\",\n"
    "                \"revenue\":\"2500\",\"rd_ratio\":\"3.1\",\"tags\":\"high_tech\"}, or @FILE\n"
    "  --json        print the explanation as JSON instead of sentences\n"
    "  --lang        language of the sentences: zh (default) or en\n"
    "  --k N         near miss: 1..N unmet conditions, all others met\n"
    "  --provenance  JSON {\"revenue\":{\"source\":\"...\",\"as_of\":\"2025-12-31\"}} or @FILE\n";

static int usage(const char *msg, const char *arg) { return tu_cli_usage_error("explain", "%s%s", msg, arg); }

TU_CMD(explain) {
    int text = 0, as_json = 0, npos = 0;
    tu_explain_opts o = {1, NULL};
    const char *lang = "zh", *pos[2] = {NULL, NULL}, *prov = NULL;
    if (tu_cli_wants_help(argc, argv)) return fputs(help, stdout), TU_EXIT_OK;
    for (int i = 1; i < argc; i++) {
        if (strcmp(argv[i], "--text") == 0) text = 1;
        else if (strcmp(argv[i], "--json") == 0) as_json = 1;
        else if (strcmp(argv[i], "--lang") == 0 && i + 1 < argc) lang = argv[++i];
        else if (strcmp(argv[i], "--k") == 0 && i + 1 < argc) o.k = atoi(argv[++i]);
        else if (strcmp(argv[i], "--provenance") == 0 && i + 1 < argc) prov = argv[++i];
        else if (argv[i][0] == '-' && argv[i][1] == '-') return usage("unknown option or missing value: ", argv[i]);
        else if (npos < 2) pos[npos++] = argv[i];
        else return usage("unexpected argument ", argv[i]);
    }
    if (npos < 2) return usage("need RULE and ENTERPRISE", "");
    if (strcmp(lang, "zh") != 0 && strcmp(lang, "en") != 0) return usage("--lang must be zh or en, not ", lang);
    if (o.k < 1) return usage("--k must be a positive number", "");
    json_t *logic = tu_cli_rule_arg("explain", pos[0], text);
    json_t *attrs = logic ? tu_cli_rule_arg("explain", pos[1], 0) : NULL;
    json_t *pj = attrs && prov ? tu_cli_rule_arg("explain", prov, 0) : NULL;
    int rc = TU_EXIT_FAIL;
    tu_rule *r = NULL;
    tu_ent e;
    tu_err err = {0};
    o.provenance = pj;
    if (!attrs || (prov && !pj)) goto done;
    if (tu_rule_from_json(logic, &r, &err) || tu_ent_from_json(attrs, &e, &err)) {
        rc = tu_cli_fail("explain", &err);
        goto done;
    }
    json_t *x = tu_rule_explain(r, &e, &o, &err);
    if (!x) {
        rc = tu_cli_fail("explain", &err);
        goto done;
    }
    char *s = as_json ? json_dumps(x, JSON_INDENT(2) | JSON_REAL_PRECISION(15)) : tu_explain_sentences(x, lang);
    fputs(s ? s : "", stdout);
    if (as_json) fputc('\n', stdout), free(s);
    else tu_free(s);
    json_decref(x);
    rc = TU_EXIT_OK;
done:
    tu_rule_free(r);
    json_decref(logic), json_decref(attrs), json_decref(pj);
    return rc;
}
