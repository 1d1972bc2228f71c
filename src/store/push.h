/* push.h — the store area of push: campaigns (recipients as one portable CRoaring bitmap blob), items for one
 * enterprise, inbox states stored only where set, outbound channels, delivery cursors and dead letters, and
 * per-enterprise preferences.
 *
 * Workload: a campaign row per publication (up to millions of recipients in one blob of a few MB); inbox reads
 * come from an in-memory cache built by scanning campaigns (src/push/inbox.c); cursors are updated once per
 * delivered batch. Writes run inside tu_store_begin/commit; adds keyed by idem_key are idempotent.
 */
#ifndef TU_STORE_PUSH_H
#define TU_STORE_PUSH_H

#include <stddef.h>
#include <stdint.h>

#include "store/store.h"

typedef struct tu_campaign {
    int64_t id, policy_id;
    int version;
    char kind[16];     /* publish | revision | reminder */
    char idem_key[96];
    int64_t count;     /* recipients */
    char created_at[24];
} tu_campaign;

typedef struct tu_push_item {
    int64_t id, ent_id, policy_id;
    char kind[16];     /* qualified | near_miss */
    char detail[512];
    char idem_key[96];
    char created_at[24];
} tu_push_item;

typedef struct tu_channel {
    int64_t id;
    char kind[16];     /* webhook | email */
    char name[64];
    char url[512];
    char secret[128];  /* webhook: HMAC key; email: "user:password" or "" */
    char sender[256];  /* email: From address */
    int max_attempts;
    int64_t backoff_ms;
    int batch;
    int64_t since_campaign;
} tu_channel;

typedef struct tu_cursor {
    int64_t campaign_id, channel_id, next_rank;
    int attempts;
    int64_t next_at_ms;
    int done;
} tu_cursor;

typedef struct tu_dead_letter {
    int64_t campaign_id, channel_id, first_rank, rank_count;
    char idem_key[96];
    int attempts;
    char last_error[256];
} tu_dead_letter;

typedef struct tu_push_pref {
    int64_t ent_id;
    char channel_kind[16];
    int enabled;
    char address[256];
    char digest[16];
    int max_per_week;   /* 0 = no cap */
    char sent_week[11]; /* the Monday of the week sent_count counts */
    int sent_count;
    char last_digest[24];
} tu_push_pref;

/* Records a campaign (c->id and c->created_at are ignored) with its serialized recipients. When a campaign with
 * the same idem_key exists nothing is written: *id receives the existing id and *created 0. */
int tu_store_push_campaign_add(tu_store *s, const tu_campaign *c, const void *blob, size_t len, int64_t *id,
                               int *created, tu_err *err);
/* Campaigns with id > after_id, in id order; blob is valid during the call only. fn non-zero stops. */
typedef int (*tu_campaign_scan_fn)(void *ctx, const tu_campaign *c, const void *blob, size_t len);
int tu_store_push_campaign_scan(tu_store *s, int64_t after_id, tu_campaign_scan_fn fn, void *ctx, tu_err *err);

/* Adds an item for one enterprise, idempotent on it->idem_key like campaigns. */
int tu_store_push_item_add(tu_store *s, const tu_push_item *it, int64_t *id, int *created, tu_err *err);
typedef int (*tu_item_scan_fn)(void *ctx, const tu_push_item *it);
int tu_store_push_item_scan(tu_store *s, int64_t ent_id, tu_item_scan_fn fn, void *ctx, tu_err *err);

/* Sets the state of one inbox entry (source 'c' campaign, 'i' item); state NULL or "unread" deletes the row. */
int tu_store_push_state_set(tu_store *s, int64_t ent_id, char source, int64_t ref_id, const char *state,
                            tu_err *err);
typedef int (*tu_state_scan_fn)(void *ctx, char source, int64_t ref_id, const char *state);
int tu_store_push_state_scan(tu_store *s, int64_t ent_id, tu_state_scan_fn fn, void *ctx, tu_err *err);
/* How many enterprises set each state on one entry (the funnel of a campaign). */
typedef struct tu_push_state_counts {
    int64_t read, dismissed, not_relevant;
} tu_push_state_counts;
int tu_store_push_state_count(tu_store *s, char source, int64_t ref_id, tu_push_state_counts *out, tu_err *err);

/* Channels: add (ch->id ignored, *id receives it; TU_ECONFLICT on a taken name) and list in id order. */
int tu_store_push_channel_add(tu_store *s, const tu_channel *ch, int64_t *id, tu_err *err);
typedef int (*tu_channel_scan_fn)(void *ctx, const tu_channel *ch);
int tu_store_push_channel_scan(tu_store *s, tu_channel_scan_fn fn, void *ctx, tu_err *err);

/* The cursor of (campaign, channel); TU_ENOTFOUND when delivery has not started. put inserts or replaces. */
int tu_store_push_cursor_get(tu_store *s, int64_t campaign_id, int64_t channel_id, tu_cursor *out, tu_err *err);
int tu_store_push_cursor_put(tu_store *s, const tu_cursor *c, tu_err *err);

/* Dead letters: add is idempotent on idem_key. */
int tu_store_push_dead_add(tu_store *s, const tu_dead_letter *d, tu_err *err);
typedef int (*tu_dead_scan_fn)(void *ctx, const tu_dead_letter *d);
int tu_store_push_dead_scan(tu_store *s, tu_dead_scan_fn fn, void *ctx, tu_err *err);

/* Preferences, only where set: set inserts or replaces; scan lists all rows (few: the defaults need none). */
int tu_store_push_pref_set(tu_store *s, const tu_push_pref *p, tu_err *err);
typedef int (*tu_pref_scan_fn)(void *ctx, const tu_push_pref *p);
int tu_store_push_pref_scan(tu_store *s, tu_pref_scan_fn fn, void *ctx, tu_err *err);

/* 免申即享 grant lists (see src/app/grant.h). A list is generated, then approved or rejected once. */
typedef struct tu_grant_list {
    int64_t id, policy_id;
    int version;
    char status[16];   /* generated | approved | rejected */
    char reviewed_by[64];
    char created_at[24], reviewed_at[24];
} tu_grant_list;

typedef struct tu_grant_item {
    int64_t list_id, ent_id, benefit_fen;
    char excluded[128]; /* "" or why the enterprise gets nothing */
} tu_grant_item;

int tu_store_grant_list_add(tu_store *s, tu_grant_list *gl, tu_err *err); /* fills gl->id */
int tu_store_grant_list_get(tu_store *s, int64_t id, tu_grant_list *out, tu_err *err);
/* The lists of one policy in id order; fn non-zero stops. */
typedef int (*tu_grant_list_fn)(void *ctx, const tu_grant_list *gl);
int tu_store_grant_list_scan(tu_store *s, int64_t policy_id, tu_grant_list_fn fn, void *ctx, tu_err *err);
int tu_store_grant_list_review(tu_store *s, int64_t id, const char *status, const char *by, tu_err *err);
int tu_store_grant_item_add(tu_store *s, const tu_grant_item *it, tu_err *err);
typedef int (*tu_grant_item_fn)(void *ctx, const tu_grant_item *it);
/* The items of one list in enterprise order. */
int tu_store_grant_item_scan(tu_store *s, int64_t list_id, tu_grant_item_fn fn, void *ctx, tu_err *err);
/* Every granted (benefit > 0, not excluded) item of an approved list, with its list's policy. */
typedef int (*tu_grant_approved_fn)(void *ctx, int64_t policy_id, const tu_grant_item *it);
int tu_store_grant_approved_scan(tu_store *s, tu_grant_approved_fn fn, void *ctx, tu_err *err);

/* Subscriptions to the public policy library; empty fields match anything. keywords: space-separated, all must
 * occur in the title, summary or keywords of the policy. */
typedef struct tu_subscription {
    int64_t id;
    char owner[64];
    char keywords[256], category[32], department[256], city[16];
    char created_at[24]; /* filled by scans */
} tu_subscription;

int tu_store_sub_add(tu_store *s, tu_subscription *sub, tu_err *err); /* fills sub->id */
typedef int (*tu_sub_fn)(void *ctx, const tu_subscription *sub);
int tu_store_sub_scan(tu_store *s, tu_sub_fn fn, void *ctx, tu_err *err);
/* Deletes subscription id of owner with its alerts; TU_ENOTFOUND when owner has no such subscription. Requires a
 * transaction. */
int tu_store_sub_delete(tu_store *s, int64_t id, const char *owner, tu_err *err);
/* Records that policy_id matched subscription sub_id; idempotent, *created says whether it is new. */
int tu_store_alert_add(tu_store *s, int64_t sub_id, int64_t policy_id, int *created, tu_err *err);
/* The alerts of one owner, newest first: fn gets the subscription id, the policy id and when. */
typedef int (*tu_alert_fn)(void *ctx, int64_t sub_id, int64_t policy_id, const char *at);
int tu_store_alert_scan(tu_store *s, const char *owner, tu_alert_fn fn, void *ctx, tu_err *err);

#endif
