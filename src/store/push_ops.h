/* push_ops.h — what a backend provides for the push area (see push.h for the contracts). */
#ifndef TU_STORE_PUSH_OPS_H
#define TU_STORE_PUSH_OPS_H

#include "store/push.h"

struct tu_push_ops {
    int (*campaign_add)(void *impl, const tu_campaign *c, const void *blob, size_t len, int64_t *id, int *created,
                        tu_err *err);
    int (*campaign_scan)(void *impl, int64_t after_id, tu_campaign_scan_fn fn, void *ctx, tu_err *err);
    int (*item_add)(void *impl, const tu_push_item *it, int64_t *id, int *created, tu_err *err);
    int (*item_scan)(void *impl, int64_t ent_id, tu_item_scan_fn fn, void *ctx, tu_err *err);
    int (*state_set)(void *impl, int64_t ent_id, char source, int64_t ref_id, const char *state, tu_err *err);
    int (*state_scan)(void *impl, int64_t ent_id, tu_state_scan_fn fn, void *ctx, tu_err *err);
    int (*state_count)(void *impl, char source, int64_t ref_id, tu_push_state_counts *out, tu_err *err);
    int (*channel_add)(void *impl, const tu_channel *ch, int64_t *id, tu_err *err);
    int (*channel_scan)(void *impl, tu_channel_scan_fn fn, void *ctx, tu_err *err);
    int (*cursor_get)(void *impl, int64_t campaign_id, int64_t channel_id, tu_cursor *out, tu_err *err);
    int (*cursor_put)(void *impl, const tu_cursor *c, tu_err *err);
    int (*dead_add)(void *impl, const tu_dead_letter *d, tu_err *err);
    int (*dead_scan)(void *impl, tu_dead_scan_fn fn, void *ctx, tu_err *err);
    int (*pref_set)(void *impl, const tu_push_pref *p, tu_err *err);
    int (*pref_scan)(void *impl, tu_pref_scan_fn fn, void *ctx, tu_err *err);
    int (*grant_list_add)(void *impl, tu_grant_list *gl, tu_err *err);
    int (*grant_list_get)(void *impl, int64_t id, tu_grant_list *out, tu_err *err);
    int (*grant_list_scan)(void *impl, int64_t policy_id, tu_grant_list_fn fn, void *ctx, tu_err *err);
    int (*grant_list_review)(void *impl, int64_t id, const char *status, const char *by, tu_err *err);
    int (*grant_item_add)(void *impl, const tu_grant_item *it, tu_err *err);
    int (*grant_item_scan)(void *impl, int64_t list_id, tu_grant_item_fn fn, void *ctx, tu_err *err);
    int (*grant_approved_scan)(void *impl, tu_grant_approved_fn fn, void *ctx, tu_err *err);
    int (*sub_add)(void *impl, tu_subscription *sub, tu_err *err);
    int (*sub_scan)(void *impl, tu_sub_fn fn, void *ctx, tu_err *err);
    int (*sub_delete)(void *impl, int64_t id, const char *owner, tu_err *err);
    int (*alert_add)(void *impl, int64_t sub_id, int64_t policy_id, int *created, tu_err *err);
    int (*alert_scan)(void *impl, const char *owner, tu_alert_fn fn, void *ctx, tu_err *err);
};

#endif
