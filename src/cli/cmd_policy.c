/* cmd_policy.c — `techup policy add|edit|show|list|preview|publish|withdraw|expire`: policies from the one-file
 * JSON format (docs/policies.md) through their lifecycle. */
#include <jansson.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>

#include "app/campaign.h"
#include "app/match_service.h"
#include "app/policy.h"
#include "cli/cli.h"
#include "cli/opts.h"
#include "core/alloc.h"
#include "push/idset.h"
#include "store/policy.h"

static const char help[] =
    "usage: techup policy <action> [options]\n"
    "\n"
    "  add FILE                       add a policy from its JSON file (a draft)\n"
    "  edit POLICY FILE               replace the draft, or stage a revision of a published policy\n"
    "  show POLICY [--version N | --as-of YYYY-MM-DD]\n"
    "                                 print the policy as its JSON file (the latest version by default)\n"
    "  list [--status S]              one line per policy: id, code, status, version, category, title\n"
    "  preview POLICY                 draft -> preview (impact preview)\n"
    "  publish POLICY [--recipients-from FILE [--previous-from FILE]]\n"
    "                                 publish (or publish the staged revision): refused while a rule test\n"
    "                                 fails; records the eligible set as one push campaign in the same\n"
    "                                 transaction. The set is computed by the match engine over every\n"
    "                                 enterprise of the database (for a revision also the previous version's,\n"
    "                                 for the gained / lost campaigns), or read from FILE (enterprise ids\n"
    "                                 one a line, or a roaring bitmap)\n"
    "  withdraw POLICY | expire POLICY\n"
    "\n"
    "POLICY is a numeric id or a policy code. Options: --db PATH (default $TECHUP_DB or var/techup.db).\n";

typedef struct opts {
    const char *db, *version, *as_of, *status, *recipients, *previous;
    const char *pos[3];
    int npos;
} opts;

static int parse_opts(int argc, char **argv, opts *o) {
    memset(o, 0, sizeof *o);
    const tu_cli_flag flags[] = {
        {"--db", &o->db},         {"--version", &o->version}, {"--as-of", &o->as_of},
        {"--status", &o->status}, {"--recipients-from", &o->recipients}, {"--previous-from", &o->previous},
        {NULL, NULL},
    };
    return tu_cli_parse("policy", argc, argv, flags, o->pos, 3, &o->npos);
}

static json_t *load_json_file(const char *path, tu_err *err) {
    json_error_t je;
    json_t *doc = json_load_file(path, JSON_REJECT_DUPLICATES, &je);
    if (!doc) {
        tu_err_set(err, TU_EPARSE, "%s: line %d, column %d: %s", path, je.line, je.column, je.text);
        return NULL;
    }
    return doc;
}

static int act_add(tu_store *s, const opts *o, tu_err *err) {
    if (o->npos != 2) return tu_cli_usage_error("policy", "add needs FILE");
    json_t *doc = load_json_file(o->pos[1], err);
    if (!doc) return tu_cli_fail("policy", err);
    int64_t id = 0;
    int rc = tu_app_policy_add(s, doc, &id, err);
    json_decref(doc);
    if (rc) return tu_cli_fail("policy", err);
    printf("%lld\n", (long long)id);
    return TU_EXIT_OK;
}

static int act_edit(tu_store *s, const opts *o, int64_t id, tu_err *err) {
    if (o->npos != 3) return tu_cli_usage_error("policy", "edit needs POLICY FILE");
    json_t *doc = load_json_file(o->pos[2], err);
    if (!doc) return tu_cli_fail("policy", err);
    int rc = tu_app_policy_edit(s, id, doc, err);
    json_decref(doc);
    return rc ? tu_cli_fail("policy", err) : TU_EXIT_OK;
}

static int act_show(tu_store *s, const opts *o, int64_t id, tu_err *err) {
    json_t *doc = NULL;
    if (o->as_of) {
        tu_policy_version v;
        if (tu_app_policy_as_of(s, id, o->as_of, &v, &doc, err)) return tu_cli_fail("policy", err);
        json_object_set_new(doc, "version", json_integer(v.version));
        tu_store_policy_version_clear(&v);
    } else {
        doc = tu_app_policy_export(s, id, o->version ? atoi(o->version) : 0, err);
        if (!doc) return tu_cli_fail("policy", err);
    }
    json_dumpf(doc, stdout, JSON_INDENT(2) | JSON_PRESERVE_ORDER);
    putchar('\n');
    json_decref(doc);
    return TU_EXIT_OK;
}

static int print_row(void *ctx, const tu_policy_head *h, const tu_policy_version *v) {
    const char *status = ctx;
    if (!status || strcmp(status, h->status) == 0)
        printf("%lld\t%s\t%s\tv%d\t%s\t%s\t%s\n", (long long)h->id, h->code, h->status, v->version, v->category,
               v->effective_from, v->title_zh);
    return 0;
}

/* Publishes with the eligible set of the match engine, built over the whole database. */
static int publish_matched(tu_store *s, int64_t id, tu_err *err) {
    tu_match_svc *m = NULL;
    int64_t cid = 0;
    uint64_t n = 0;
    int rc = tu_match_svc_open(s, NULL, &m, err);
    if (!rc) rc = tu_match_svc_publish(m, s, id, &cid, &n, err);
    tu_match_svc_close(m);
    if (rc) return tu_cli_fail("policy", err);
    printf("campaign %lld: %llu recipients\n", (long long)cid, (unsigned long long)n);
    return TU_EXIT_OK;
}

static int act_publish(tu_store *s, const opts *o, int64_t id, tu_err *err) {
    if (o->previous && !o->recipients)
        return tu_cli_usage_error("policy", "--previous-from goes with --recipients-from");
    if (!o->recipients) return publish_matched(s, id, err);
    roaring_bitmap_t *set = NULL, *prev = NULL;
    int64_t cid = 0;
    int rc = tu_push_idset_read(o->recipients, &set, err);
    if (!rc && o->previous) rc = tu_push_idset_read(o->previous, &prev, err);
    if (!rc) rc = tu_app_policy_publish_revision(s, id, set, prev, &cid, err);
    if (!rc) printf("campaign %lld: %llu recipients\n", (long long)cid, (unsigned long long)roaring_bitmap_get_cardinality(set));
    tu_bitmap_free(set);
    tu_bitmap_free(prev);
    return rc ? tu_cli_fail("policy", err) : TU_EXIT_OK;
}

static int dispatch(tu_store *s, const opts *o, tu_err *err) {
    const char *act = o->pos[0];
    if (strcmp(act, "add") == 0) return act_add(s, o, err);
    if (strcmp(act, "list") == 0)
        return tu_store_policy_scan(s, print_row, (void *)o->status, err) ? tu_cli_fail("policy", err) : TU_EXIT_OK;
    if (o->npos < 2) return tu_cli_usage_error("policy", "%s needs POLICY", act);
    int64_t id;
    if (tu_app_policy_lookup(s, o->pos[1], &id, err)) return tu_cli_fail("policy", err);
    if (strcmp(act, "edit") == 0) return act_edit(s, o, id, err);
    if (strcmp(act, "show") == 0) return act_show(s, o, id, err);
    if (strcmp(act, "publish") == 0) return act_publish(s, o, id, err);
    int rc = strcmp(act, "preview") == 0    ? tu_app_policy_preview(s, id, err)
             : strcmp(act, "withdraw") == 0 ? tu_app_policy_withdraw(s, id, err)
             : strcmp(act, "expire") == 0   ? tu_app_policy_expire(s, id, err)
                                            : TU_EUSAGE;
    if (rc == TU_EUSAGE) return tu_cli_usage_error("policy", "unknown action '%s'", act);
    return rc ? tu_cli_fail("policy", err) : TU_EXIT_OK;
}

TU_CMD(policy) {
    if (tu_cli_wants_help(argc, argv)) {
        fputs(help, stdout);
        return TU_EXIT_OK;
    }
    opts o;
    int rc = parse_opts(argc, argv, &o);
    if (rc) return rc;
    if (o.npos == 0) return tu_cli_usage_error("policy", "an action is needed");
    tu_err err = {0};
    tu_store *s = NULL;
    if (tu_store_open(o.db, 0, &s, &err)) return tu_cli_fail("policy", &err);
    rc = dispatch(s, &o, &err);
    tu_store_close(s);
    return rc;
}
