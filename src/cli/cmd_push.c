/* cmd_push.c — `techup push inbox|state|campaigns|change`: push campaigns and enterprises' inboxes. */
#include <stdlib.h>
#include <string.h>

#include "cli/cli.h"
#include "cli/opts.h"
#include "core/alloc.h"
#include "push/change.h"
#include "push/inbox.h"

static const char help[] =
    "usage: techup push <action> [options]\n"
    "\n"
    "  inbox ENT                      the inbox of enterprise id ENT: one line per entry\n"
    "                                 (c<campaign>|i<item>, policy, version, kind, state, created, detail)\n"
    "  state ENT ENTRY STATE          set an entry's state (ENTRY c12 or i7; STATE unread, read, dismissed,\n"
    "                                 not_relevant)\n"
    "  campaigns                      one line per campaign: id, policy, version, kind, recipients, created\n"
    "  change ENT [--gained P,P] [--lost P,P]\n"
    "                                 record a change delta of enterprise ENT as inbox items\n"
    "\n"
    "Options: --db PATH (default $TECHUP_DB or var/techup.db).\n";

typedef struct opts {
    const char *db, *gained, *lost;
    const char *pos[4];
    int npos;
} opts;

static int parse_opts(int argc, char **argv, opts *o) {
    memset(o, 0, sizeof *o);
    const tu_cli_flag flags[] = {{"--db", &o->db}, {"--gained", &o->gained}, {"--lost", &o->lost}, {NULL, NULL}};
    int rc = tu_cli_parse("push", argc, argv, flags, o->pos, 4, &o->npos);
    return rc || o->npos ? rc : tu_cli_usage_error("push", "an action is needed");
}

/* A non-negative decimal id, or -1. */
static long long parse_id(const char *s) {
    char *end;
    long long v = strtoll(s, &end, 10);
    return *s >= '0' && *s <= '9' && *end == '\0' && v >= 0 ? v : -1;
}

static int act_inbox(tu_store *s, tu_inbox *ib, long long ent, tu_err *err) {
    tu_inbox_entry *e;
    size_t n;
    if (tu_inbox_read(ib, s, ent, &e, &n, err)) return tu_cli_fail("push", err);
    for (size_t i = 0; i < n; i++)
        printf("%c%lld\t%lld\tv%d\t%s\t%s\t%s\t%s\n", e[i].source, (long long)e[i].ref_id, (long long)e[i].policy_id,
               e[i].version, e[i].kind, e[i].state, e[i].created_at, e[i].detail);
    tu_free(e);
    return TU_EXIT_OK;
}

static int print_campaign(void *ctx, const tu_campaign *c, const void *blob, size_t len) {
    (void)ctx, (void)blob, (void)len;
    printf("%lld\t%lld\tv%d\t%s\t%lld\t%s\n", (long long)c->id, (long long)c->policy_id, c->version, c->kind,
           (long long)c->count, c->created_at);
    return 0;
}

/* "3,5,8" -> ids; returns the count or -1 on a bad list. */
static long parse_list(const char *s, int64_t *ids, long max) {
    long n = 0;
    while (s && *s && n < max) {
        char *end;
        long long v = strtoll(s, &end, 10);
        if (end == s || v <= 0 || (*end && *end != ',')) return -1;
        ids[n++] = v;
        s = *end ? end + 1 : end;
    }
    return s && *s ? -1 : n;
}

static int act_change(tu_store *s, tu_inbox *ib, long long ent, const opts *o, tu_err *err) {
    int64_t gained[256], lost[256];
    long ng = parse_list(o->gained, gained, 256), nl = parse_list(o->lost, lost, 256);
    if (ng < 0 || nl < 0) return tu_cli_usage_error("push", "--gained/--lost take policy ids: 3,5,8");
    tu_policy_delta d = {.gained = gained, .ngained = (size_t)ng, .lost = lost, .nlost = (size_t)nl};
    int added = 0;
    if (tu_push_on_enterprise_change(s, ib, ent, &d, &added, err)) return tu_cli_fail("push", err);
    printf("%d new item(s)\n", added);
    return TU_EXIT_OK;
}

static int dispatch(tu_store *s, tu_inbox *ib, const opts *o, tu_err *err) {
    const char *act = o->pos[0];
    if (strcmp(act, "campaigns") == 0)
        return tu_store_push_campaign_scan(s, 0, print_campaign, NULL, err) ? tu_cli_fail("push", err) : TU_EXIT_OK;
    long long ent = o->npos > 1 ? parse_id(o->pos[1]) : -1;
    if (ent < 0) return tu_cli_usage_error("push", "%s needs an enterprise id", act);
    if (strcmp(act, "inbox") == 0) return act_inbox(s, ib, ent, err);
    if (strcmp(act, "change") == 0) return act_change(s, ib, ent, o, err);
    if (strcmp(act, "state") == 0) {
        long long ref = o->npos == 4 ? parse_id(o->pos[2] + 1) : -1;
        if (ref < 0 || (o->pos[2][0] != 'c' && o->pos[2][0] != 'i'))
            return tu_cli_usage_error("push", "state needs ENT ENTRY STATE (ENTRY like c12 or i7)");
        int rc = tu_inbox_set_state(ib, s, ent, o->pos[2][0], ref, o->pos[3], err);
        return rc ? tu_cli_fail("push", err) : TU_EXIT_OK;
    }
    return tu_cli_usage_error("push", "unknown action '%s'", act);
}

TU_CMD(push) {
    if (tu_cli_wants_help(argc, argv)) {
        fputs(help, stdout);
        return TU_EXIT_OK;
    }
    opts o;
    int rc = parse_opts(argc, argv, &o);
    if (rc) return rc;
    tu_err err = {0};
    tu_store *s = NULL;
    tu_inbox *ib = NULL;
    if (tu_store_open(o.db, 0, &s, &err) || tu_inbox_open(s, &ib, &err)) rc = tu_cli_fail("push", &err);
    else rc = dispatch(s, ib, &o, &err);
    tu_inbox_close(ib);
    tu_store_close(s);
    return rc;
}
