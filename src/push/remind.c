/* remind.c — reminder campaigns before application windows close (see remind.h). Workload: one pass over the
 * policies per worker pass; a reminder's recipients are combined from the cached campaign bitmaps. */
#include "push/remind.h"

#include <jansson.h>
#include <string.h>

#include "app/campaign.h"
#include "core/num.h"
#include "store/policy.h"

/* The enterprises told about a policy: publish and revision_gained recipients, minus revision_lost. */
static roaring_bitmap_t *told(tu_inbox *ib, int64_t policy_id) {
    roaring_bitmap_t *r = roaring_bitmap_create();
    size_t n = tu_inbox_campaign_count(ib);
    for (size_t i = 0; r && i < n; i++) {
        tu_campaign c;
        const roaring_bitmap_t *set = tu_inbox_campaign_at(ib, i, &c);
        if (!set || c.policy_id != policy_id) continue;
        if (strcmp(c.kind, "publish") == 0 || strcmp(c.kind, "revision_gained") == 0) roaring_bitmap_or_inplace(r, set);
        else if (strcmp(c.kind, "revision_lost") == 0) roaring_bitmap_andnot_inplace(r, set);
    }
    return r;
}

typedef struct reminding {
    tu_store *s;
    tu_inbox *ib;
    char today[TU_DATE_BUFSZ], until[TU_DATE_BUFSZ];
    int created, rc;
    tu_err *err;
} reminding;

/* The apply_to date of a policy in force whose window closes within the range, or NULL. */
static int closes_soon(reminding *m, const tu_policy_head *h, tu_policy_version *v) {
    if (strcmp(h->status, "published") != 0 && strcmp(h->status, "revised") != 0) return 0;
    if (tu_store_policy_version_at(m->s, h->id, m->today, v, NULL)) return 0;
    json_t *doc = json_loads(v->doc, 0, NULL);
    const char *to = json_string_value(json_object_get(doc, "apply_to"));
    int soon = to && strcmp(to, m->today) >= 0 && strcmp(to, m->until) <= 0;
    json_decref(doc);
    if (!soon) tu_store_policy_version_clear(v);
    return soon;
}

static int remind_one(void *ctx, const tu_policy_head *h, const tu_policy_version *latest) {
    (void)latest;
    reminding *m = ctx;
    tu_policy_version v;
    if (!closes_soon(m, h, &v)) return 0;
    roaring_bitmap_t *set = told(m->ib, h->id);
    int64_t id;
    int made = 0;
    m->rc = set ? tu_store_begin(m->s, m->err) : tu_err_set(m->err, TU_ENOMEM, "out of memory");
    if (!m->rc) m->rc = tu_app_campaign_record(m->s, h->id, v.version, "reminder", set, &id, &made, m->err);
    if (!m->rc) m->rc = tu_store_commit(m->s, m->err);
    else tu_store_rollback(m->s);
    m->created += made;
    tu_bitmap_free(set);
    tu_store_policy_version_clear(&v);
    return m->rc != TU_OK;
}

int tu_push_remind(tu_store *s, tu_inbox *ib, int32_t today, int days, int *created, tu_err *err) {
    reminding m = {.s = s, .ib = ib, .err = err};
    tu_date_format(today, m.today);
    tu_date_format(today + days, m.until);
    int rc = tu_inbox_refresh(ib, s, err);
    if (!rc) rc = tu_store_policy_scan(s, remind_one, &m, err);
    if (!rc) rc = m.rc;
    if (created) *created = rc ? 0 : m.created;
    return rc;
}
