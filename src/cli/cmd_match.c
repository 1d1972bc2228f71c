/* cmd_match.c — `techup match RULE`: which enterprises qualify for a rule, from the match index.
 *
 * Loads the enterprise index (from a CSV file with --csv until the registry scan is in the store), compiles the
 * rule and prints the count with the time the match took (index build time separately), optionally the USCCs,
 * a breakdown, and the near-miss set. */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "cli/cli.h"
#include "core/alloc.h"
#include "core/codes.h"
#include "match/match.h"
#include "store/store.h"

static const char help[] =
    "usage: techup match RULE [--db PATH | --csv FILE] [--text] [--ids] [--by city|industry|size] [--near-miss]\n"
    "\n"
    "Prints how many enterprises qualify for RULE (JsonLogic, or the readable syntax with --text) and how long\n"
    "the match took, plus how many do not qualify and how many lack the data to decide.\n"
    "\n"
    "  --db PATH     the store to load enterprises from (default $TECHUP_DB or var/techup.db)\n"
    "  --csv FILE    load enterprises from an enterprise CSV file instead (techup gen output)\n"
    "  --text        RULE is in the readable syntax (revenue >= 2000 and \"high_tech\" in tags)\n"
    "  --ids         print the USCC of every qualifying enterprise, one per line\n"
    "  --by WHAT     count qualifying enterprises by city, industry (division) or size\n"
    "  --near-miss   also count (and with --ids list) the enterprises that miss exactly one condition\n";

double tu_cli_now_ms(void) {
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return (double)t.tv_sec * 1e3 + (double)t.tv_nsec / 1e6;
}

int tu_cli_open_index(const char *cmd, const char *csv, const char *db, tu_index **ix) {
    tu_err err;
    tu_err_clear(&err);
    double t0 = tu_cli_now_ms();
    if (csv) {
        if (tu_index_load_csv(csv, ix, &err) != TU_OK) {
            fprintf(stderr, "techup %s: %s: ", cmd, csv);
            return tu_cli_fail(cmd, &err);
        }
    } else {
        tu_store *s = NULL;
        int rc = tu_store_open(db ? db : tu_store_default_url(), TU_STORE_READONLY, &s, &err);
        if (!rc) rc = tu_index_load_store(s, ix, &err);
        tu_store_close(s);
        if (rc) return tu_cli_fail(cmd, &err);
    }
    size_t cols, bms;
    tu_index_memory(*ix, &cols, &bms);
    fprintf(stderr, "index: %zu enterprises in %.0f ms, columns %.1f bytes/enterprise, bitmaps %.1f MB\n",
            tu_index_count(*ix), tu_cli_now_ms() - t0, (double)cols / (double)(tu_index_count(*ix) | 1), (double)bms / 1e6);
    return TU_EXIT_OK;
}

static void print_ids(tu_index *ix, const tu_matchset *m, tu_ms_which w) {
    uint32_t ids[4096];
    char u[19];
    size_t k;
    for (uint64_t off = 0; (k = tu_matchset_page(m, w, off, ids, 4096)) > 0; off += k)
        for (size_t i = 0; i < k; i++)
            if (tu_index_uscc(ix, ids[i], u) == TU_OK) puts(u);
}

static int print_by(tu_index *ix, const tu_matchset *m, const char *by) {
    int attr = !strcmp(by, "city") ? TU_A_CITY : !strcmp(by, "industry") ? TU_A_INDUSTRY_DIVISION : TU_A_SIZE;
    int len = tu_match_breakdown_len(attr);
    uint64_t *c = tu_calloc((size_t)len, sizeof *c);
    if (!c || tu_match_breakdown(ix, m, TU_MS_ELIGIBLE, attr, c) != TU_OK) return tu_free(c), TU_EXIT_FAIL;
    for (int i = 0; i < len; i++) {
        if (!c[i]) continue;
        if (attr == TU_A_CITY) printf("%06u\t%s\t%llu\n", tu_city_at(i)->code, tu_city_at(i)->name_zh, (unsigned long long)c[i]);
        else if (attr == TU_A_SIZE) printf("%s\t%llu\n", tu_size_name(i), (unsigned long long)c[i]);
        else printf("%s\t%s\t%llu\n", tu_division_at(i)->code, tu_division_at(i)->name_zh, (unsigned long long)c[i]);
    }
    tu_free(c);
    return TU_EXIT_OK;
}

static int run_match(const char *arg, int text, const char *csv, const char *db, int ids, const char *by, int near) {
    tu_err err;
    tu_err_clear(&err);
    json_t *rule = tu_cli_rule_arg("match", arg, text);
    if (!rule) return TU_EXIT_USAGE;
    tu_plan *p = NULL;
    tu_index *ix = NULL;
    tu_matchset *m = NULL;
    int rc = tu_plan_compile(rule, &p, &err) ? tu_cli_fail("match", &err) : tu_cli_open_index("match", csv, db, &ix);
    double t0 = tu_cli_now_ms();
    if (!rc && tu_match_run(ix, p, near ? TU_MATCH_NEAR_MISS : 0, &m, &err)) rc = tu_cli_fail("match", &err);
    if (!rc) {
        double ms = tu_cli_now_ms() - t0;
        printf("matched %llu of %zu enterprises in %.2f ms (not eligible %llu, unknown %llu)\n",
               (unsigned long long)tu_matchset_count(m, TU_MS_ELIGIBLE), tu_index_count(ix), ms,
               (unsigned long long)tu_matchset_count(m, TU_MS_NOT_ELIGIBLE),
               (unsigned long long)tu_matchset_count(m, TU_MS_UNKNOWN));
        if (near) printf("near miss (exactly one of %d conditions unmet): %llu\n", tu_plan_conditions(p),
                         (unsigned long long)tu_matchset_count(m, TU_MS_NEAR_MISS));
        if (by) rc = print_by(ix, m, by);
        if (ids) print_ids(ix, m, TU_MS_ELIGIBLE);
        if (ids && near) puts("# near miss"), print_ids(ix, m, TU_MS_NEAR_MISS);
    }
    tu_matchset_free(m);
    tu_index_close(ix);
    tu_plan_free(p);
    json_decref(rule);
    return rc;
}

TU_CMD(match) {
    if (tu_cli_wants_help(argc, argv)) return fputs(help, stdout), TU_EXIT_OK;
    static const struct option opts[] = {{"csv", 1, 0, 'c'}, {"db", 1, 0, 'd'}, {"text", 0, 0, 't'}, {"ids", 0, 0, 'i'},
                                         {"by", 1, 0, 'b'},  {"near-miss", 0, 0, 'n'}, {0, 0, 0, 0}};
    const char *csv = NULL, *db = NULL, *by = NULL;
    int text = 0, ids = 0, near = 0, c;
    optind = 1, opterr = 0;
    while ((c = getopt_long(argc, argv, "", opts, NULL)) != -1) {
        switch (c) {
        case 'c': csv = optarg; break;
        case 'd': db = optarg; break;
        case 't': text = 1; break;
        case 'i': ids = 1; break;
        case 'n': near = 1; break;
        case 'b': by = optarg; break;
        default: return tu_cli_usage_error("match", "unknown option '%s'", argv[optind - 1]);
        }
    }
    if (optind != argc - 1) return tu_cli_usage_error("match", "expected one RULE argument");
    if (by && strcmp(by, "city") && strcmp(by, "industry") && strcmp(by, "size"))
        return tu_cli_usage_error("match", "--by takes city, industry or size, not '%s'", by);
    return run_match(argv[optind], text, csv, db, ids, by, near);
}
