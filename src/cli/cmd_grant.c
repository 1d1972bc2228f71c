/* cmd_grant.c — `techup grant generate|review|export|show`: 免申即享 grant lists (src/app/grant.h). */
#include <stdlib.h>
#include <string.h>

#include "app/campaign.h"
#include "app/grant.h"
#include "app/policy.h"
#include "cli/cli.h"
#include "cli/opts.h"
#include "core/num.h"
#include "push/idset.h"

static const char help[] =
    "usage: techup grant <action> [options]\n"
    "\n"
    "  generate POLICY --recipients-from FILE [--benefit-fen N] [--as-of YYYY-MM-DD]\n"
    "                      a grant list for a no_application policy in force (default: today) over the eligible\n"
    "                      set in FILE; each enterprise gets the policy's benefit formula evaluated on its registry\n"
    "                      record (or a flat N fen), capped and checked against non-combinable groups; prints the\n"
    "                      list id\n"
    "  review LIST --approve|--reject --by OFFICIAL\n"
    "  export LIST --csv FILE | --xlsx FILE\n"
    "\n"
    "Options: --db PATH (default $TECHUP_DB or var/techup.db).\n";

typedef struct opts {
    const char *db, *recipients, *benefit, *as_of, *by, *csv, *xlsx;
    int approve, reject;
    const char *pos[2];
    int npos;
} opts;

static int flat_benefit(void *ctx, const json_t *doc, uint32_t ent, int64_t *fen, tu_err *err) {
    (void)doc, (void)ent, (void)err;
    *fen = *(const int64_t *)ctx;
    return TU_OK;
}

/* Who the audit trail names for a generation from the command line. */
static const tu_actor cli_actor = {0, "cli", NULL};

static int act_generate(tu_store *s, const opts *o, tu_err *err) {
    int64_t id, fen = 0, list;
    if (!o->recipients || (o->benefit && (tu_int_parse(o->benefit, strlen(o->benefit), &fen, NULL) || fen < 0)))
        return tu_cli_usage_error("grant", "generate needs POLICY --recipients-from FILE [--benefit-fen N]");
    char today[TU_DATE_BUFSZ];
    tu_date_format(tu_date_today(), today);
    roaring_bitmap_t *set = NULL;
    int rc = tu_app_policy_lookup(s, o->pos[1], &id, err);
    if (!rc) rc = tu_push_idset_read(o->recipients, &set, err);
    if (!rc)
        rc = tu_app_grant_generate(s, &cli_actor, id, o->as_of ? o->as_of : today, set,
                                   o->benefit ? flat_benefit : tu_app_grant_formula_benefit, o->benefit ? (void *)&fen : s,
                                   &list, err);
    tu_bitmap_free(set);
    if (rc) return tu_cli_fail("grant", err);
    printf("%lld\n", (long long)list);
    return TU_EXIT_OK;
}

static int act_export(tu_store *s, const opts *o, int64_t list, tu_err *err) {
    if (!o->csv == !o->xlsx) return tu_cli_usage_error("grant", "export needs --csv FILE or --xlsx FILE");
    if (o->xlsx) return tu_app_grant_export_xlsx(s, list, o->xlsx, err) ? tu_cli_fail("grant", err) : TU_EXIT_OK;
    FILE *f = strcmp(o->csv, "-") == 0 ? stdout : fopen(o->csv, "w");
    if (!f) {
        tu_err_set(err, TU_EIO, "cannot write %s", o->csv);
        return tu_cli_fail("grant", err);
    }
    int rc = tu_app_grant_export_csv(s, list, f, err);
    if (f != stdout && fclose(f) != 0 && !rc) rc = tu_err_set(err, TU_EIO, "cannot write %s", o->csv);
    return rc ? tu_cli_fail("grant", err) : TU_EXIT_OK;
}

static int dispatch(tu_store *s, const opts *o, tu_err *err) {
    if (o->npos != 2) return tu_cli_usage_error("grant", "an action and its POLICY or LIST are needed");
    if (strcmp(o->pos[0], "generate") == 0) return act_generate(s, o, err);
    char *end;
    long long list = strtoll(o->pos[1], &end, 10);
    if (*end || list <= 0) return tu_cli_usage_error("grant", "LIST is a grant list id");
    if (strcmp(o->pos[0], "export") == 0) return act_export(s, o, list, err);
    if (strcmp(o->pos[0], "review") != 0) return tu_cli_usage_error("grant", "unknown action '%s'", o->pos[0]);
    if (o->approve == o->reject || !o->by) return tu_cli_usage_error("grant", "review needs --approve or --reject, and --by");
    tu_actor by = {0, o->by, NULL};
    return tu_app_grant_review(s, &by, list, o->approve, err) ? tu_cli_fail("grant", err) : TU_EXIT_OK;
}

TU_CMD(grant) {
    if (tu_cli_wants_help(argc, argv)) {
        fputs(help, stdout);
        return TU_EXIT_OK;
    }
    opts o;
    memset(&o, 0, sizeof o);
    const tu_cli_flag flags[] = {{"--db", &o.db},       {"--recipients-from", &o.recipients}, {"--benefit-fen", &o.benefit},
                                 {"--as-of", &o.as_of}, {"--by", &o.by},  {"--csv", &o.csv},  {"--xlsx", &o.xlsx},
                                 {NULL, NULL}};
    const tu_cli_switch sw[] = {{"--approve", &o.approve}, {"--reject", &o.reject}, {NULL, NULL}};
    int rc = tu_cli_parse_switches("grant", argc, argv, flags, sw, o.pos, 2, &o.npos);
    if (rc) return rc;
    tu_err err = {0};
    tu_store *s = NULL;
    if (tu_store_open(o.db, 0, &s, &err)) return tu_cli_fail("grant", &err);
    rc = dispatch(s, &o, &err);
    tu_store_close(s);
    return rc;
}
