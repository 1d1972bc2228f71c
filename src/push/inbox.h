/* inbox.h — an enterprise's inbox, read from the campaigns: is my id in each campaign's bitmap?
 *
 * A tu_inbox caches every campaign's deserialized recipient bitmap in memory (loaded once, then only new
 * campaigns on refresh), so that listing one enterprise's campaigns is pure memory work: 10,000 campaigns are
 * checked in well under a millisecond (bench/push). Items addressed to one enterprise (continuous matching) and
 * the read / dismissed / not-relevant states, stored only where set, come from the store on a full read.
 * Thread-safety: any number of readers may run with one refresh at a time (a read-write lock inside).
 */
#ifndef TU_PUSH_INBOX_H
#define TU_PUSH_INBOX_H

#include <stddef.h>
#include <stdint.h>

#include <roaring/roaring.h>

#include "store/push.h"
#include "store/store.h"

typedef struct tu_inbox tu_inbox;

/* Loads every campaign of s. *out is NULL on error. */
int tu_inbox_open(tu_store *s, tu_inbox **out, tu_err *err);
/* Loads the campaigns recorded since the last load (cheap when there are none). */
int tu_inbox_refresh(tu_inbox *ib, tu_store *s, tu_err *err);
void tu_inbox_close(tu_inbox *ib); /* NULL is fine */
size_t tu_inbox_campaign_count(tu_inbox *ib);

/* The i-th cached campaign (0 <= i < count, in id order): its metadata into *meta and its recipients, valid until
 * tu_inbox_close (cached bitmaps are never freed or moved before). NULL when i is out of range. */
const roaring_bitmap_t *tu_inbox_campaign_at(tu_inbox *ib, size_t i, tu_campaign *meta);
/* The id of the newest cached campaign (0 when none). */
int64_t tu_inbox_last_id(tu_inbox *ib);

/* The ids of the campaigns whose recipients include ent, in campaign order: writes up to max ids and returns
 * how many there are in all. Memory only, no allocation. */
size_t tu_inbox_campaigns_of(tu_inbox *ib, uint32_t ent, int64_t *ids, size_t max);
/* The metadata of a cached campaign; TU_ENOTFOUND when not cached. */
int tu_inbox_campaign(tu_inbox *ib, int64_t campaign_id, tu_campaign *out);
/* Whether ent is a recipient of a cached campaign (0 when the campaign is unknown). */
int tu_inbox_has(tu_inbox *ib, int64_t campaign_id, uint32_t ent);

/* The enterprises the campaigns of policy_id last told it qualifies: the latest "publish" campaign's recipients,
 * plus those of later "revision_gained" campaigns, minus those of later "revision_lost" ones (the eligible set as
 * of the latest publication). An empty bitmap when the policy has no campaign; NULL when out of memory. Free with
 * tu_bitmap_free. */
roaring_bitmap_t *tu_inbox_policy_recipients(tu_inbox *ib, int64_t policy_id);

typedef struct tu_inbox_entry {
    char source;        /* 'c' campaign, 'i' item */
    int64_t ref_id;     /* campaign id or item id */
    int64_t policy_id;
    int version;        /* campaign's policy version (0 for items) */
    char kind[16];      /* publish | revision_gained | revision_lost | reminder | qualified | near_miss */
    char state[16];     /* unread | read | dismissed | not_relevant */
    char created_at[24];
    char detail[512];
} tu_inbox_entry;

/* The whole inbox of ent (campaigns then items, each in id order) with states; *out is tu_malloc'd (tu_free),
 * *n entries. */
int tu_inbox_read(tu_inbox *ib, tu_store *s, int64_t ent, tu_inbox_entry **out, size_t *n, tu_err *err);
/* Sets the state of one entry: "unread" (deletes the row), "read", "dismissed" or "not_relevant". The entry must
 * exist in ent's inbox (TU_ENOTFOUND otherwise). Own transaction. */
int tu_inbox_set_state(tu_inbox *ib, tu_store *s, int64_t ent, char source, int64_t ref_id, const char *state,
                       tu_err *err);

#endif
