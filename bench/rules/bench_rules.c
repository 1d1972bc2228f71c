/* bench_rules.c — rule evaluations per second on one core: the compiled three-valued program (the matching
 * engine's inner loop) for a typical six-condition policy, against the standard JsonLogic evaluator, plus
 * parsing and explaining. Prints a table and writes JSON (argv[1], default bench/results/rules.json).
 * Target (issue 3): >= 5 million compiled evaluations per second per core. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "core/alloc.h"
#include "rules/explain.h"
#include "rules/rules.h"
#include "rules/ruletest.h"
#include "rules/text.h"

#define POLICY                                                                                                     \
    "industry_section == \"C\" and revenue >= 2000 and rd_ratio >= 4 and \"specialized_sme\" in tags and "         \
    "industry_division in [\"C34\", \"C35\", \"C38\", \"C39\"] and (region != \"pearl_river_delta\" or employees >= 100)"
#define TARGET 5e6

/* CPU time of this thread: "per core" even when the machine is shared and busy */
static double now(void) {
    struct timespec ts;
    clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static tu_ent ent(const char *attrs) {
    tu_ent e;
    json_t *a = json_loads(attrs, 0, NULL);
    if (!a || tu_ent_from_json(a, &e, NULL)) abort();
    json_decref(a);
    return e;
}

typedef struct row {
    const char *name;
    double per_sec;
} row;

static volatile long sink;

/* Runs f(ctx) in rounds until `seconds` have passed; returns calls per second. */
static double measure(void (*f)(void *, long), void *ctx, double seconds) {
    long n = 0, batch = 1000;
    double t0 = now(), t;
    while ((t = now()) - t0 < seconds) {
        f(ctx, batch);
        n += batch;
        if (t - t0 < seconds / 10) batch *= 2;
    }
    return (double)n / (t - t0);
}

typedef struct ctx {
    tu_rule *rule;
    const tu_ent *e;
    json_t *data;
} ctx;

static void run_compiled(void *p, long n) {
    ctx *c = p;
    long s = 0;
    for (long i = 0; i < n; i++) s += tu_rule_eval_ent(c->rule, c->e);
    sink += s;
}

static void run_standard(void *p, long n) {
    ctx *c = p;
    for (long i = 0; i < n; i++) {
        json_t *r = tu_jsonlogic_apply(tu_rule_json(c->rule), c->data, NULL);
        sink += json_is_true(r);
        json_decref(r);
    }
}

static void run_parse(void *p, long n) {
    (void)p;
    for (long i = 0; i < n; i++) {
        tu_rule *r = NULL;
        tu_rule_from_text(POLICY, strlen(POLICY), &r, NULL);
        sink += r != NULL;
        tu_rule_free(r);
    }
}

static void run_explain(void *p, long n) {
    ctx *c = p;
    for (long i = 0; i < n; i++) {
        json_t *x = tu_rule_explain(c->rule, c->e, NULL, NULL);
        char *s = tu_explain_sentences(x, "zh");
        sink += s != NULL;
        tu_free(s), json_decref(x);
    }
}

int main(int argc, char **argv) {
    const char *out = argc > 1 ? argv[1] : "bench/results/rules.json";
    double secs = argc > 2 ? atof(argv[2]) : 2.0;
    tu_ent eligible = ent("{\"city\":\"440500\",\"industry\":\"C3562\",\"revenue\":\"5200\",\"rd_ratio\":\"4.2\","
                          "\"employees\":230,\"tags\":\"specialized_sme;above_scale\"}");
    tu_ent missing = ent("{\"city\":\"440300\",\"industry\":\"C3562\",\"revenue\":\"5200\",\"tags\":\"specialized_sme\"}");
    ctx c = {NULL, &eligible, tu_ent_to_json(&eligible)};
    if (tu_rule_from_text(POLICY, strlen(POLICY), &c.rule, NULL)) return 1;
    if (tu_rule_eval_ent(c.rule, &eligible) != TU_TRI_TRUE || tu_rule_eval_ent(c.rule, &missing) != TU_TRI_UNKNOWN)
        return fprintf(stderr, "bench_rules: the benchmark rule does not behave as expected\n"), 1;
    ctx m = {c.rule, &missing, NULL};
    row rows[] = {
        {"compiled three-valued eval, eligible enterprise", measure(run_compiled, &c, secs)},
        {"compiled three-valued eval, enterprise lacking rd_ratio", measure(run_compiled, &m, secs)},
        {"standard JsonLogic eval (jansson data)", measure(run_standard, &c, secs)},
        {"parse + compile from readable text", measure(run_parse, NULL, secs / 2)},
        {"explain + zh sentences", measure(run_explain, &c, secs / 2)},
    };
    size_t n = sizeof rows / sizeof rows[0];
    printf("rule: %s\n\n%-56s %16s\n", POLICY, "case (one core, thread CPU time)", "per second");
    for (size_t i = 0; i < n; i++) printf("%-56s %16.0f\n", rows[i].name, rows[i].per_sec);
    int ok = rows[0].per_sec >= TARGET;
    printf("\ntarget >= %.0f compiled evaluations/s: %s\n", TARGET, ok ? "met" : "NOT met");
    json_t *j = json_pack("{sssssfsbs[]}", "bench", "rules", "rule", POLICY, "target_compiled_per_sec", TARGET,
                          "target_met", ok, "rows");
    for (size_t i = 0; i < n; i++)
        json_array_append_new(json_object_get(j, "rows"), json_pack("{sssf}", "case", rows[i].name, "per_sec", rows[i].per_sec));
    if (json_dump_file(j, out, JSON_INDENT(2)) != 0) fprintf(stderr, "bench_rules: cannot write %s\n", out);
    else printf("wrote %s\n", out);
    json_decref(j), json_decref(c.data);
    tu_rule_free(c.rule);
    return 0;
}
