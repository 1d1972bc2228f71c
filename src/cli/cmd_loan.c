/* cmd_loan.c — `techup loan add|list|for|choose|projects`: banks' loan products for upgrade projects. */
#include <stdio.h>
#include <string.h>

#include "app/finance.h"
#include "cli/cli.h"
#include "cli/proj_args.h"
#include "core/alloc.h"
#include "core/num.h"

#define CMD "loan"

static void print_products(const tu_loan_product *l, int n) {
    json_t *arr = json_array();
    for (int i = 0; arr && i < n; i++) json_array_append_new(arr, tu_loan_product_to_json(&l[i]));
    tu_pargs_print(arr);
}

static int sub_add(int argc, char **argv) {
    static const char *const opts[] = {"name=", "rate-bp=", "term=", "min=", "max=", "rule=", NULL};
    tu_pargs a;
    int rc = tu_pargs_begin(&a, CMD, "add", argc, argv, opts, 0, 0);
    if (rc) return rc;
    tu_loan_product l = {0};
    int64_t rate = 0, term = 0;
    if (tu_pargs_id(&a, "--rate-bp", tu_pargs_opt(&a, "rate-bp"), &rate) ||
        tu_pargs_id(&a, "--term", tu_pargs_opt(&a, "term"), &term) ||
        tu_pargs_money(&a, "--min", tu_pargs_opt(&a, "min"), &l.min_amount) ||
        tu_pargs_money(&a, "--max", tu_pargs_opt(&a, "max"), &l.max_amount))
        return tu_pargs_close(&a), TU_EXIT_USAGE;
    l.rate_bp = rate > 100000 ? 100000 : (int)rate, l.term_months = term > 10000 ? 10000 : (int)term;
    snprintf(l.name, sizeof l.name, "%s", tu_pargs_opt(&a, "name") ? tu_pargs_opt(&a, "name") : "");
    const char *rule = tu_pargs_opt(&a, "rule");
    if (rule) {
        json_t *j = tu_pargs_json(&a, rule);
        if (!j) return tu_pargs_close(&a), TU_EXIT_FAIL;
        char *text = json_dumps(j, JSON_COMPACT | JSON_ENCODE_ANY);
        json_decref(j);
        if (!text || strlen(text) >= sizeof l.eligibility) {
            free(text);
            return tu_pargs_close(&a),
                   tu_cli_usage_error(a.cmd, "--rule is longer than %zu bytes", sizeof l.eligibility - 1);
        }
        snprintf(l.eligibility, sizeof l.eligibility, "%s", text);
        free(text);
    }
    tu_err err = {0};
    rc = tu_loan_publish(a.store, &a.actor, &l, &err);
    if (!rc) printf("%lld\n", (long long)l.id);
    return tu_pargs_finish(&a, rc, &err);
}

static int sub_list(int argc, char **argv) {
    static const char *const opts[] = {"bank=", NULL};
    tu_pargs a;
    int rc = tu_pargs_parse(&a, CMD " list", argc, argv, opts, 0, 0);
    if (!rc) rc = tu_pargs_open(&a);
    if (rc) return rc;
    tu_err err = {0};
    tu_loan_product *l = NULL;
    int n = 0;
    const char *bank = tu_pargs_opt(&a, "bank");
    rc = tu_store_loan_list(a.store, bank ? bank : "", &l, &n, &err);
    if (!rc) print_products(l, n);
    tu_free(l);
    return tu_pargs_finish(&a, rc, &err);
}

static int sub_for(int argc, char **argv) {
    tu_pargs a;
    int rc = tu_pargs_begin(&a, CMD, "for", argc, argv, NULL, 1, 1);
    if (rc) return rc;
    int64_t id;
    if (tu_pargs_id(&a, "PROJECT", a.pos[0], &id)) return tu_pargs_close(&a), TU_EXIT_USAGE;
    tu_err err = {0};
    tu_loan_product *l = NULL;
    int n = 0;
    rc = tu_loan_products_for(a.store, &a.actor, id, NULL, &l, &n, &err);
    if (!rc) print_products(l, n);
    tu_free(l);
    return tu_pargs_finish(&a, rc, &err);
}

static int sub_choose(int argc, char **argv) {
    tu_pargs a;
    int rc = tu_pargs_begin(&a, CMD, "choose", argc, argv, NULL, 3, 3);
    if (rc) return rc;
    int64_t id, product, principal;
    if (tu_pargs_id(&a, "PROJECT", a.pos[0], &id) || tu_pargs_id(&a, "PRODUCT", a.pos[1], &product) ||
        tu_pargs_money(&a, "PRINCIPAL", a.pos[2], &principal))
        return tu_pargs_close(&a), TU_EXIT_USAGE;
    tu_err err = {0};
    rc = tu_loan_choose(a.store, &a.actor, id, product, principal, NULL, a.today, &err);
    return tu_pargs_finish(&a, rc, &err);
}

static int sub_projects(int argc, char **argv) {
    tu_pargs a;
    int rc = tu_pargs_begin(&a, CMD, "projects", argc, argv, NULL, 0, 0);
    if (rc) return rc;
    tu_err err = {0};
    tu_project_list l = {0};
    rc = tu_loan_bank_projects(a.store, &a.actor, &l, &err);
    if (!rc) tu_pargs_print_projects(&l);
    tu_project_list_free(&l);
    return tu_pargs_finish(&a, rc, &err);
}

TU_CMD(loan) {
    static const tu_subcmd subs[] = {
        {"add", sub_add,
         "add --name N --rate-bp BP --term MONTHS --min YUAN --max YUAN [--rule JSON|@FILE]   publish (bank officer)"},
        {"list", sub_list, "list [--bank B]          published products"},
        {"for", sub_for, "for PROJECT              the products a project qualifies for"},
        {"choose", sub_choose, "choose PROJECT PRODUCT PRINCIPAL   the enterprise chooses a loan"},
        {"projects", sub_projects, "projects                 the projects that chose your bank (bank officer)"},
    };
    return tu_pargs_dispatch(CMD, subs, (int)(sizeof subs / sizeof subs[0]), argc, argv);
}
