/* cmd_award.c — `techup award compute|apply|adjust|pay|list`: awards from a policy's benefit formula. Until the
 * policy store lands, policies come from a JSON file (--policies FILE, format in src/app/award.h). */
#include <stdio.h>
#include <string.h>

#include "app/award.h"
#include "app/project.h"
#include "cli/cli.h"
#include "cli/proj_args.h"
#include "core/alloc.h"
#include "core/num.h"

#define CMD "award"

static json_t *app_json(const tu_application *ap) {
    char c[TU_DEC_BUFSZ], w[TU_DEC_BUFSZ], p[TU_DEC_BUFSZ], day[TU_DATE_BUFSZ];
    return json_pack("{s:I,s:I,s:s,s:s,s:i,s:s,s:s,s:s,s:s,s:s,s:s,s:s}", "id", (json_int_t)ap->id, "project",
                     (json_int_t)ap->project_id, "uscc", ap->uscc, "policy", ap->policy_id, "policy_version",
                     ap->policy_version, "applied_on", tu_date_format(ap->applied_on, day), "computed",
                     tu_money_format(ap->computed, c), "awarded", tu_money_format(ap->awarded, w), "paid",
                     tu_money_format(ap->paid, p), "status", ap->status, "adjust_reason", ap->adjust_reason,
                     "explanation", ap->explanation);
}

/* Loads --policies into *doc; usage error when absent. */
static int policies(tu_pargs *a, json_t **doc) {
    const char *f = tu_pargs_opt(a, "policies");
    if (!f) return tu_cli_usage_error(a->cmd, "--policies FILE is required");
    char ref[600];
    snprintf(ref, sizeof ref, "@%s", f);
    *doc = tu_pargs_json(a, ref);
    return *doc ? 0 : TU_EXIT_FAIL;
}

/* PROJECT, --policy ID and --policies FILE; an exit code after printing, or 0. */
static int project_policy(tu_pargs *a, int64_t *id, const char **pol, json_t **doc) {
    *pol = tu_pargs_opt(a, "policy");
    if (tu_pargs_id(a, "PROJECT", a->pos[0], id)) return TU_EXIT_USAGE;
    if (!*pol) return tu_cli_usage_error(a->cmd, "--policy ID is required");
    return policies(a, doc);
}

/* compute (nothing recorded) or apply (the enterprise's application is recorded). */
static int compute_or_apply(int argc, char **argv, int apply) {
    static const char *const opts[] = {"policy=", "policies=", NULL};
    tu_pargs a;
    int rc = tu_pargs_begin(&a, CMD, apply ? "apply" : "compute", argc, argv, opts, 1, 1);
    if (rc) return rc;
    int64_t id;
    json_t *doc = NULL;
    const char *pol = NULL;
    if ((rc = project_policy(&a, &id, &pol, &doc))) return tu_pargs_close(&a), rc;
    tu_policy_source src = tu_policy_source_json(doc);
    tu_err err = {0};
    tu_application ap;
    if (apply)
        rc = tu_award_apply(a.store, &a.actor, id, pol, a.today, &src, NULL, &ap, &err);
    else {
        tu_project p;
        tu_policy_terms t = {0};
        rc = tu_project_get(a.store, &a.actor, id, &p, &err);
        if (!rc) {
            memset(&ap, 0, sizeof ap);
            rc = src.terms(src.ctx, pol, a.today, &t, &err);
            if (!rc) rc = tu_award_compute(&t, &p, NULL, &ap.computed, ap.explanation, sizeof ap.explanation, &err);
            ap.awarded = ap.computed, ap.policy_version = t.version, ap.project_id = id, ap.applied_on = a.today;
            snprintf(ap.policy_id, sizeof ap.policy_id, "%s", pol);
            snprintf(ap.status, sizeof ap.status, "preview");
            tu_policy_terms_clear(&t);
            tu_project_clear(&p);
        }
    }
    if (!rc) tu_pargs_print(app_json(&ap));
    json_decref(doc);
    return tu_pargs_finish(&a, rc, &err);
}

static int sub_compute(int argc, char **argv) { return compute_or_apply(argc, argv, 0); }
static int sub_apply(int argc, char **argv) { return compute_or_apply(argc, argv, 1); }

static int sub_adjust(int argc, char **argv) {
    static const char *const opts[] = {"reason=", "policies=", NULL};
    tu_pargs a;
    int rc = tu_pargs_begin(&a, CMD, "adjust", argc, argv, opts, 2, 2);
    if (rc) return rc;
    int64_t id, amount;
    json_t *doc = NULL;
    if (tu_pargs_id(&a, "APPLICATION", a.pos[0], &id) || tu_pargs_money(&a, "AMOUNT", a.pos[1], &amount) ||
        (rc = policies(&a, &doc)))
        return tu_pargs_close(&a), rc ? rc : TU_EXIT_USAGE;
    tu_policy_source src = tu_policy_source_json(doc);
    tu_err err = {0};
    rc = tu_award_adjust(a.store, &a.actor, id, amount, tu_pargs_opt(&a, "reason"), a.today, &src, &err);
    json_decref(doc);
    return tu_pargs_finish(&a, rc, &err);
}

static int sub_pay(int argc, char **argv) {
    static const char *const opts[] = {"reference=", NULL};
    tu_pargs a;
    int rc = tu_pargs_begin(&a, CMD, "pay", argc, argv, opts, 2, 2);
    if (rc) return rc;
    int64_t id, amount;
    if (tu_pargs_id(&a, "APPLICATION", a.pos[0], &id) || tu_pargs_money(&a, "AMOUNT", a.pos[1], &amount))
        return tu_pargs_close(&a), TU_EXIT_USAGE;
    tu_err err = {0};
    rc = tu_award_disburse(a.store, &a.actor, id, amount, tu_pargs_opt(&a, "reference"), a.today, &err);
    return tu_pargs_finish(&a, rc, &err);
}

static int sub_list(int argc, char **argv) {
    tu_pargs a;
    int rc = tu_pargs_begin(&a, CMD, "list", argc, argv, NULL, 1, 1);
    if (rc) return rc;
    int64_t id;
    if (tu_pargs_id(&a, "PROJECT", a.pos[0], &id)) return tu_pargs_close(&a), TU_EXIT_USAGE;
    tu_err err = {0};
    tu_project p;
    rc = tu_project_get(a.store, &a.actor, id, &p, &err);
    tu_application *apps = NULL;
    int n = 0;
    if (!rc) tu_project_clear(&p), rc = tu_store_application_list(a.store, id, NULL, &apps, &n, &err);
    if (!rc) {
        json_t *arr = json_array();
        for (int i = 0; arr && i < n; i++) json_array_append_new(arr, app_json(&apps[i]));
        tu_pargs_print(arr);
    }
    tu_free(apps);
    return tu_pargs_finish(&a, rc, &err);
}

TU_CMD(award) {
    static const tu_subcmd subs[] = {
        {"compute", sub_compute, "compute PROJECT --policy ID --policies FILE   the award and its explanation"},
        {"apply", sub_apply, "apply PROJECT --policy ID --policies FILE     apply (enterprise)"},
        {"adjust", sub_adjust, "adjust APPLICATION AMOUNT --reason TEXT --policies FILE   set the award (reviewer)"},
        {"pay", sub_pay, "pay APPLICATION AMOUNT --reference REF   record a disbursement"},
        {"list", sub_list, "list PROJECT             the project's applications"},
    };
    return tu_pargs_dispatch(CMD, subs, (int)(sizeof subs / sizeof subs[0]), argc, argv);
}
