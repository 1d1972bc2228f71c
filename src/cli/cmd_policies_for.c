/* cmd_policies_for.c — `techup policies-for USCC`: the policies one enterprise qualifies for, nearly
 * qualifies for (one condition unmet) and cannot be decided for (missing data), each with a one-line reason.
 *
 * Policies are not in the store yet: they come from a JSON file [{"id":1,"title":"...","rule":{...}}, ...]. */
#include <getopt.h>
#include <stdio.h>
#include <string.h>

#include "cli/cli.h"
#include "core/alloc.h"
#include "match/index.h"
#include "match/policies.h"
#include "store/registry.h"

static const char help[] =
    "usage: techup policies-for USCC --policies FILE [--db PATH | --csv FILE]\n"
    "\n"
    "Prints the policies the enterprise USCC is eligible for, those it misses by exactly one condition, and\n"
    "those that cannot be decided because its record lacks data, each with a one-line reason.\n"
    "\n"
    "  --policies FILE  JSON array of {\"id\":N,\"title\":\"...\",\"rule\":JsonLogic} (policies are not in the\n"
    "                   store yet; this file stands in for the active policies)\n"
    "  --db PATH        the store (default $TECHUP_DB or var/techup.db)\n"
    "  --csv FILE       read enterprises from an enterprise CSV file instead\n";

static int fail(const char *fmt, const char *arg) {
    fputs("techup policies-for: ", stderr);
    fprintf(stderr, fmt, arg);
    fputc('\n', stderr);
    return TU_EXIT_FAIL;
}

typedef struct pols {
    json_t *doc;
    tu_policy_rule *rules;
    size_t n;
} pols;

/* The enterprise's record: one read from the store, or (--csv) from an index built from the file. */
static int find_ent(const char *uscc, const char *csv, const char *db, tu_ent *e) {
    tu_err err;
    tu_err_clear(&err);
    if (!csv) {
        tu_store *s = NULL;
        int64_t id;
        int rc = tu_store_open(db ? db : tu_store_default_url(), TU_STORE_READONLY, &s, &err);
        if (!rc) rc = tu_store_ent_get_by_uscc(s, uscc, &id, e, NULL, &err);
        tu_store_close(s);
        if (rc == TU_ENOTFOUND) return fail("no enterprise with USCC %s", uscc);
        return rc ? tu_cli_fail("policies-for", &err) : TU_EXIT_OK;
    }
    tu_index *ix = NULL;
    int rc = tu_cli_open_index("policies-for", csv, NULL, &ix);
    int64_t id = rc ? -1 : tu_index_find_uscc(ix, uscc);
    if (!rc && id < 0) rc = fail("no enterprise with USCC %s", uscc);
    if (!rc) tu_index_get(ix, (uint32_t)id, e);
    tu_index_close(ix);
    return rc;
}

static void print_set(const tu_polindex *pi, const pols *p, const tu_polres *r, tu_pr_which w, const char *label,
                      const tu_ent *e) {
    size_t n = tu_polres_list(r, w, NULL, 0);
    uint32_t *pos = tu_calloc(n + 1, sizeof *pos);
    if (!pos) return;
    tu_polres_list(r, w, pos, n);
    printf("%s: %zu\n", label, n);
    for (size_t i = 0; i < n; i++) {
        char why[512];
        const json_t *t = json_object_get(json_array_get(p->doc, pos[i]), "title");
        const char *title = json_is_string(t) ? json_string_value(t) : json_string_value(json_object_get(t, "zh"));
        printf("  %lld\t%s\t%s\n", (long long)tu_polindex_id(pi, pos[i]), title ? title : "",
               w == TU_PR_ELIGIBLE ? "all conditions met" : tu_polindex_reason(pi, pos[i], e, why, sizeof why));
    }
    tu_free(pos);
}

TU_CMD(policies_for) {
    if (tu_cli_wants_help(argc, argv)) return fputs(help, stdout), TU_EXIT_OK;
    static const struct option opts[] = {{"csv", 1, 0, 'c'}, {"db", 1, 0, 'd'}, {"policies", 1, 0, 'p'}, {0, 0, 0, 0}};
    const char *csv = NULL, *db = NULL, *file = NULL;
    int c;
    optind = 1, opterr = 0;
    while ((c = getopt_long(argc, argv, "", opts, NULL)) != -1) {
        if (c == 'c') csv = optarg;
        else if (c == 'd') db = optarg;
        else if (c == 'p') file = optarg;
        else return tu_cli_usage_error("policies-for", "unknown option '%s'", argv[optind - 1]);
    }
    if (optind != argc - 1) return tu_cli_usage_error("policies-for", "expected one USCC argument");
    if (!file) return tu_cli_usage_error("policies-for", "--policies FILE is required (policies are not in the store yet)");
    pols p = {0};
    tu_polindex *pi = NULL;
    tu_polres *r = NULL;
    tu_err err;
    tu_err_clear(&err);
    int rc = tu_policy_rules_load(file, &p.doc, &p.rules, &p.n, &err) || tu_polindex_build(p.rules, p.n, &pi, &err)
                 ? tu_cli_fail("policies-for", &err)
                 : TU_EXIT_OK;
    tu_ent e;
    if (!rc) rc = find_ent(argv[optind], csv, db, &e);
    if (!rc && !(r = tu_polres_new(pi))) rc = fail("%s", "out of memory");
    if (!rc) {
        double t0 = tu_cli_now_ms();
        tu_polindex_match(pi, &e, r);
        double us = (tu_cli_now_ms() - t0) * 1e3;
        printf("%s: matched against %zu policies in %.1f us\n", e.uscc, tu_polindex_count(pi), us);
        print_set(pi, &p, r, TU_PR_ELIGIBLE, "eligible", &e);
        print_set(pi, &p, r, TU_PR_NEAR_MISS, "near miss (one condition unmet)", &e);
        print_set(pi, &p, r, TU_PR_UNKNOWN, "unknown (data missing)", &e);
    }
    tu_polres_free(r);
    tu_polindex_close(pi);
    tu_free(p.rules);
    json_decref(p.doc);
    return rc;
}
