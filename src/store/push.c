/* push.c — dispatch of the push area to the backend; no SQL here. */
#include "store/push.h"

#include "store/backend.h"
#include "store/push_ops.h"

#define CALL(s, err, op, ...)                                                                             \
    ((s)->be->push ? (s)->be->push->op((s)->impl, __VA_ARGS__)                                           \
                   : tu_err_set(err, TU_EUNSUPPORTED, "the %s backend has no push store", (s)->be->name))

int tu_store_push_campaign_add(tu_store *s, const tu_campaign *c, const void *blob, size_t len, int64_t *id,
                               int *created, tu_err *err) {
    return CALL(s, err, campaign_add, c, blob, len, id, created, err);
}
int tu_store_push_campaign_scan(tu_store *s, int64_t after_id, tu_campaign_scan_fn fn, void *ctx, tu_err *err) {
    return CALL(s, err, campaign_scan, after_id, fn, ctx, err);
}
int tu_store_push_item_add(tu_store *s, const tu_push_item *it, int64_t *id, int *created, tu_err *err) {
    return CALL(s, err, item_add, it, id, created, err);
}
int tu_store_push_item_scan(tu_store *s, int64_t ent_id, tu_item_scan_fn fn, void *ctx, tu_err *err) {
    return CALL(s, err, item_scan, ent_id, fn, ctx, err);
}
int tu_store_push_state_set(tu_store *s, int64_t ent_id, char source, int64_t ref_id, const char *state,
                            tu_err *err) {
    return CALL(s, err, state_set, ent_id, source, ref_id, state, err);
}
int tu_store_push_state_scan(tu_store *s, int64_t ent_id, tu_state_scan_fn fn, void *ctx, tu_err *err) {
    return CALL(s, err, state_scan, ent_id, fn, ctx, err);
}
int tu_store_push_state_count(tu_store *s, char source, int64_t ref_id, tu_push_state_counts *out, tu_err *err) {
    return CALL(s, err, state_count, source, ref_id, out, err);
}
int tu_store_sub_delete(tu_store *s, int64_t id, const char *owner, tu_err *err) {
    return CALL(s, err, sub_delete, id, owner, err);
}
int tu_store_push_channel_add(tu_store *s, const tu_channel *ch, int64_t *id, tu_err *err) {
    return CALL(s, err, channel_add, ch, id, err);
}
int tu_store_push_channel_scan(tu_store *s, tu_channel_scan_fn fn, void *ctx, tu_err *err) {
    return CALL(s, err, channel_scan, fn, ctx, err);
}
int tu_store_push_cursor_get(tu_store *s, int64_t campaign_id, int64_t channel_id, tu_cursor *out, tu_err *err) {
    return CALL(s, err, cursor_get, campaign_id, channel_id, out, err);
}
int tu_store_push_cursor_put(tu_store *s, const tu_cursor *c, tu_err *err) { return CALL(s, err, cursor_put, c, err); }
int tu_store_push_dead_add(tu_store *s, const tu_dead_letter *d, tu_err *err) { return CALL(s, err, dead_add, d, err); }
int tu_store_push_dead_scan(tu_store *s, tu_dead_scan_fn fn, void *ctx, tu_err *err) {
    return CALL(s, err, dead_scan, fn, ctx, err);
}
int tu_store_push_pref_set(tu_store *s, const tu_push_pref *p, tu_err *err) { return CALL(s, err, pref_set, p, err); }
int tu_store_push_pref_scan(tu_store *s, tu_pref_scan_fn fn, void *ctx, tu_err *err) {
    return CALL(s, err, pref_scan, fn, ctx, err);
}
int tu_store_grant_list_add(tu_store *s, tu_grant_list *gl, tu_err *err) { return CALL(s, err, grant_list_add, gl, err); }
int tu_store_grant_list_get(tu_store *s, int64_t id, tu_grant_list *out, tu_err *err) {
    return CALL(s, err, grant_list_get, id, out, err);
}
int tu_store_grant_list_scan(tu_store *s, int64_t policy_id, tu_grant_list_fn fn, void *ctx, tu_err *err) {
    return CALL(s, err, grant_list_scan, policy_id, fn, ctx, err);
}
int tu_store_grant_list_review(tu_store *s, int64_t id, const char *status, const char *by, tu_err *err) {
    return CALL(s, err, grant_list_review, id, status, by, err);
}
int tu_store_grant_item_add(tu_store *s, const tu_grant_item *it, tu_err *err) {
    return CALL(s, err, grant_item_add, it, err);
}
int tu_store_grant_item_scan(tu_store *s, int64_t list_id, tu_grant_item_fn fn, void *ctx, tu_err *err) {
    return CALL(s, err, grant_item_scan, list_id, fn, ctx, err);
}
int tu_store_grant_approved_scan(tu_store *s, tu_grant_approved_fn fn, void *ctx, tu_err *err) {
    return CALL(s, err, grant_approved_scan, fn, ctx, err);
}
int tu_store_sub_add(tu_store *s, tu_subscription *sub, tu_err *err) { return CALL(s, err, sub_add, sub, err); }
int tu_store_sub_scan(tu_store *s, tu_sub_fn fn, void *ctx, tu_err *err) { return CALL(s, err, sub_scan, fn, ctx, err); }
int tu_store_alert_add(tu_store *s, int64_t sub_id, int64_t policy_id, int *created, tu_err *err) {
    return CALL(s, err, alert_add, sub_id, policy_id, created, err);
}
int tu_store_alert_scan(tu_store *s, const char *owner, tu_alert_fn fn, void *ctx, tu_err *err) {
    return CALL(s, err, alert_scan, owner, fn, ctx, err);
}
