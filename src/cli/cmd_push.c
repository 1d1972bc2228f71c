/* cmd_push.c — `techup push ...`: campaigns, enterprises' inboxes, channels, preferences and the delivery worker. */
#include <signal.h>
#include <stdlib.h>
#include <string.h>

#include "cli/cli.h"
#include "cli/opts.h"
#include "core/alloc.h"
#include "push/change.h"
#include "core/num.h"
#include "push/inbox.h"
#include "push/remind.h"
#include "push/worker.h"

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
    "  channel-add NAME --webhook URL --secret S [--max-attempts N] [--backoff-ms MS] [--batch N] [--all]\n"
    "                                 an outbound webhook channel; it delivers campaigns recorded from now on\n"
    "                                 (--all: also the existing ones). Defaults: 8 attempts, 1000 ms, 1000 ids\n"
    "  channel-add NAME --smtp smtp://HOST:PORT --sender FROM [--secret USER:PASSWORD]\n"
    "                                 an SMTP relay for e-mail digests (see pref --email --digest)\n"
    "  channels                       one line per channel\n"
    "  pref ENT KIND [--off] [--max-per-week N] [--email ADDR --digest daily|weekly]\n"
    "                                 set enterprise ENT's preference for channel KIND (webhook, email)\n"
    "  run [--once]                   the delivery worker (SIGTERM/SIGINT stop it after the current batch;\n"
    "                                 --once: until nothing is left to send, waiting through backoffs)\n"
    "  dead                           the dead-letter list: batches given up after max attempts\n"
    "  subscribe OWNER [--keywords \"W W\"] [--category C] [--department D] [--city CODE]\n"
    "                                 subscribe OWNER (\"ent:12\", a user name) to new policies that match\n"
    "  alerts OWNER                   OWNER's alerts: subscription, policy, when\n"
    "  remind [--days N]              record reminder campaigns for application windows closing within N days\n"
    "                                 (default 7; the worker does this on each pass)\n"
    "\n"
    "Options: --db PATH (default $TECHUP_DB or var/techup.db).\n";

typedef struct opts {
    const char *db, *gained, *lost, *webhook, *secret, *max_attempts, *backoff, *batch, *max_week, *email,
        *digest, *smtp, *sender, *keywords, *category, *department, *city, *days;
    int once, all, off;
    const char *pos[4];
    int npos;
} opts;

static int parse_opts(int argc, char **argv, opts *o) {
    memset(o, 0, sizeof *o);
    const tu_cli_flag flags[] = {
        {"--db", &o->db},         {"--gained", &o->gained},         {"--lost", &o->lost},
        {"--webhook", &o->webhook}, {"--secret", &o->secret},       {"--max-attempts", &o->max_attempts},
        {"--backoff-ms", &o->backoff}, {"--batch", &o->batch},      {"--max-per-week", &o->max_week},
        {"--email", &o->email},   {"--digest", &o->digest},         {"--smtp", &o->smtp},
        {"--sender", &o->sender}, {"--keywords", &o->keywords},     {"--category", &o->category},
        {"--department", &o->department}, {"--city", &o->city},   {"--days", &o->days},
        {NULL, NULL},
    };
    const tu_cli_switch switches[] = {{"--once", &o->once}, {"--all", &o->all}, {"--off", &o->off}, {NULL, NULL}};
    int rc = tu_cli_parse_switches("push", argc, argv, flags, switches, o->pos, 4, &o->npos);
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

/* A positive integer option, or def when absent; -1 when malformed. */
static long num_opt(const char *v, long def) {
    if (!v) return def;
    long long n = parse_id(v);
    return n > 0 && n < 1000000000 ? (long)n : -1;
}

static int save_channel(tu_store *s, const tu_channel *ch, tu_err *err) {
    int64_t id;
    int rc = tu_store_begin(s, err);
    if (!rc) rc = tu_store_push_channel_add(s, ch, &id, err);
    if (!rc) rc = tu_store_commit(s, err);
    else tu_store_rollback(s);
    if (rc) return tu_cli_fail("push", err);
    printf("%lld\n", (long long)id);
    return TU_EXIT_OK;
}

static int act_smtp_add(tu_store *s, const opts *o, tu_err *err) {
    tu_channel ch = {.max_attempts = 1, .batch = 1};
    if (o->npos != 2 || !o->sender || strncmp(o->smtp, "smtp://", 7) != 0 || !strchr(o->sender, '@'))
        return tu_cli_usage_error("push", "channel-add NAME --smtp smtp://HOST:PORT --sender FROM");
    if (strlen(o->smtp) >= sizeof ch.url || strlen(o->sender) >= sizeof ch.sender || strlen(o->pos[1]) >= sizeof ch.name ||
        (o->secret && strlen(o->secret) >= sizeof ch.secret))
        return tu_cli_usage_error("push", "name, URL, sender or secret too long");
    strcpy(ch.kind, "email");
    strcpy(ch.name, o->pos[1]);
    strcpy(ch.url, o->smtp);
    strcpy(ch.sender, o->sender);
    snprintf(ch.secret, sizeof ch.secret, "%s", o->secret ? o->secret : "");
    return save_channel(s, &ch, err);
}

static int act_channel_add(tu_store *s, tu_inbox *ib, const opts *o, tu_err *err) {
    if (o->smtp) return act_smtp_add(s, o, err);
    tu_channel ch = {.max_attempts = (int)num_opt(o->max_attempts, 8), .backoff_ms = num_opt(o->backoff, 1000),
                     .batch = (int)num_opt(o->batch, 1000), .since_campaign = o->all ? 0 : tu_inbox_last_id(ib)};
    if (o->npos != 2 || !o->webhook || !o->secret)
        return tu_cli_usage_error("push", "channel-add needs NAME --webhook URL --secret S");
    if (ch.max_attempts < 0 || ch.backoff_ms < 0 || ch.batch < 0 || ch.batch > 100000)
        return tu_cli_usage_error("push", "--max-attempts, --backoff-ms and --batch (<= 100000) take positive numbers");
    if (strncmp(o->webhook, "http://", 7) != 0 && strncmp(o->webhook, "https://", 8) != 0)
        return tu_cli_usage_error("push", "--webhook takes an http:// or https:// URL");
    if (strlen(o->secret) < 16 || strlen(o->secret) >= sizeof ch.secret || strlen(o->webhook) >= sizeof ch.url ||
        strlen(o->pos[1]) >= sizeof ch.name)
        return tu_cli_usage_error("push", "the secret needs 16 to 127 characters; URL and name must be shorter");
    strcpy(ch.kind, "webhook");
    strcpy(ch.name, o->pos[1]);
    strcpy(ch.url, o->webhook);
    strcpy(ch.secret, o->secret);
    return save_channel(s, &ch, err);
}

static int print_channel(void *ctx, const tu_channel *ch) {
    (void)ctx;
    printf("%lld\t%s\t%s\t%s\tattempts=%d\tbackoff_ms=%lld\tbatch=%d\tsince=%lld\n", (long long)ch->id, ch->kind,
           ch->name, ch->url, ch->max_attempts, (long long)ch->backoff_ms, ch->batch, (long long)ch->since_campaign);
    return 0;
}

static int print_dead(void *ctx, const tu_dead_letter *d) {
    (void)ctx;
    printf("%s\tcampaign=%lld\tchannel=%lld\tranks=%lld+%lld\tattempts=%d\t%s\n", d->idem_key,
           (long long)d->campaign_id, (long long)d->channel_id, (long long)d->first_rank, (long long)d->rank_count,
           d->attempts, d->last_error);
    return 0;
}

static int act_pref(tu_store *s, long long ent, const opts *o, tu_err *err) {
    tu_push_pref p = {.ent_id = ent, .enabled = !o->off, .max_per_week = (int)num_opt(o->max_week, 0)};
    if (o->npos != 3 || (strcmp(o->pos[2], "webhook") != 0 && strcmp(o->pos[2], "email") != 0))
        return tu_cli_usage_error("push", "pref needs ENT KIND (webhook or email)");
    if (p.max_per_week < 0 || (o->digest && strcmp(o->digest, "daily") != 0 && strcmp(o->digest, "weekly") != 0))
        return tu_cli_usage_error("push", "--max-per-week takes a positive number, --digest daily or weekly");
    if ((o->email && strlen(o->email) >= sizeof p.address) || (o->email && !strchr(o->email, '@')))
        return tu_cli_usage_error("push", "--email takes an e-mail address");
    snprintf(p.channel_kind, sizeof p.channel_kind, "%s", o->pos[2]);
    snprintf(p.address, sizeof p.address, "%s", o->email ? o->email : "");
    snprintf(p.digest, sizeof p.digest, "%s", o->digest ? o->digest : "");
    int rc = tu_store_begin(s, err);
    if (!rc) rc = tu_store_push_pref_set(s, &p, err);
    if (!rc) rc = tu_store_commit(s, err);
    else tu_store_rollback(s);
    return rc ? tu_cli_fail("push", err) : TU_EXIT_OK;
}

static volatile sig_atomic_t stop_flag;
static void on_signal(int sig) {
    (void)sig;
    stop_flag = 1;
}

static int act_run(tu_store *s, tu_inbox *ib, const opts *o, tu_err *err) {
    struct sigaction sa = {.sa_handler = on_signal};
    sigaction(SIGTERM, &sa, NULL);
    sigaction(SIGINT, &sa, NULL);
    tu_push_run_opts ro = {.once = o->once, .stop = &stop_flag};
    tu_push_stats stats = {0};
    int rc = tu_push_run(s, ib, &ro, &stats, err);
    fprintf(stderr, "posts %ld, delivered %ld, failures %ld, dead letters %ld, skipped (preference) %ld, "
                    "skipped (cap) %ld, digests %ld\n",
            stats.posts, stats.delivered, stats.failures, stats.dead, stats.skipped_pref, stats.skipped_cap,
            stats.digests);
    return rc ? tu_cli_fail("push", err) : TU_EXIT_OK;
}

static int act_subscribe(tu_store *s, const opts *o, tu_err *err) {
    tu_subscription sub = {0};
    const char *v[] = {o->pos[1], o->keywords, o->category, o->department, o->city};
    char *dst[] = {sub.owner, sub.keywords, sub.category, sub.department, sub.city};
    size_t cap[] = {sizeof sub.owner, sizeof sub.keywords, sizeof sub.category, sizeof sub.department, sizeof sub.city};
    for (int i = 0; i < 5; i++) {
        if (v[i] && strlen(v[i]) >= cap[i]) return tu_cli_usage_error("push", "'%s' is too long", v[i]);
        snprintf(dst[i], cap[i], "%s", v[i] ? v[i] : "");
    }
    int rc = tu_store_begin(s, err);
    if (!rc) rc = tu_store_sub_add(s, &sub, err);
    if (!rc) rc = tu_store_commit(s, err);
    else tu_store_rollback(s);
    if (rc) return tu_cli_fail("push", err);
    printf("%lld\n", (long long)sub.id);
    return TU_EXIT_OK;
}

static int print_alert(void *ctx, int64_t sub_id, int64_t policy_id, const char *at) {
    (void)ctx;
    printf("%lld\t%lld\t%s\n", (long long)sub_id, (long long)policy_id, at);
    return 0;
}

static int scan_rc(int rc, tu_err *err) { return rc ? tu_cli_fail("push", err) : TU_EXIT_OK; }

static int dispatch(tu_store *s, tu_inbox *ib, const opts *o, tu_err *err) {
    const char *act = o->pos[0];
    if (strcmp(act, "campaigns") == 0) return scan_rc(tu_store_push_campaign_scan(s, 0, print_campaign, NULL, err), err);
    if (strcmp(act, "channels") == 0) return scan_rc(tu_store_push_channel_scan(s, print_channel, NULL, err), err);
    if (strcmp(act, "dead") == 0) return scan_rc(tu_store_push_dead_scan(s, print_dead, NULL, err), err);
    if (strcmp(act, "channel-add") == 0) return act_channel_add(s, ib, o, err);
    if (strcmp(act, "run") == 0) return act_run(s, ib, o, err);
    if (strcmp(act, "remind") == 0) {
        long days = num_opt(o->days, 7);
        int created = 0;
        if (days < 0) return tu_cli_usage_error("push", "--days takes a positive number");
        if (tu_push_remind(s, ib, tu_date_today(), (int)days, &created, err)) return tu_cli_fail("push", err);
        printf("%d reminder campaign(s)\n", created);
        return TU_EXIT_OK;
    }
    if (o->npos == 2 && strcmp(act, "subscribe") == 0) return act_subscribe(s, o, err);
    if (o->npos == 2 && strcmp(act, "alerts") == 0) return scan_rc(tu_store_alert_scan(s, o->pos[1], print_alert, NULL, err), err);
    long long ent = o->npos > 1 ? parse_id(o->pos[1]) : -1;
    if (ent < 0) return tu_cli_usage_error("push", "%s needs an enterprise id", act);
    if (strcmp(act, "inbox") == 0) return act_inbox(s, ib, ent, err);
    if (strcmp(act, "change") == 0) return act_change(s, ib, ent, o, err);
    if (strcmp(act, "pref") == 0) return act_pref(s, ent, o, err);
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
