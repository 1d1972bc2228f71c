/* project.c — dispatch of the project area to the backend; no SQL here. Writes are refused outside a
 * transaction so that every movement (ledger entries above all) is atomic with the checks made before it. */
#include "store/project.h"

#include "core/alloc.h"
#include "store/backend.h"
#include "store/project_ops.h"

#define OPS(s) ((s)->be->project)

static int need_tx(tu_store *s, tu_err *err) {
    return s->in_tx ? TU_OK : tu_err_set(err, TU_ESTATE, "project writes need an open transaction");
}

void tu_project_clear(tu_project *p) {
    if (!p) return;
    tu_free(p->equipment);
    tu_free(p->attachments);
    p->equipment = NULL, p->attachments = NULL;
    p->n_equipment = p->n_attachments = 0;
}

void tu_project_list_free(tu_project_list *l) {
    if (!l) return;
    tu_free(l->items);
    l->items = NULL, l->n = 0;
}

int tu_store_project_insert(tu_store *s, tu_project *p, tu_err *err) {
    return need_tx(s, err) ? TU_ESTATE : OPS(s)->insert(s->impl, p, err);
}
int tu_store_project_get(tu_store *s, int64_t id, tu_project *out, tu_err *err) {
    return OPS(s)->get(s->impl, id, out, err);
}
int tu_store_project_update(tu_store *s, const tu_project *p, tu_err *err) {
    return need_tx(s, err) ? TU_ESTATE : OPS(s)->update(s->impl, p, err);
}
int tu_store_project_list(tu_store *s, const tu_project_filter *f, tu_project_list *out, tu_err *err) {
    return OPS(s)->list(s->impl, f, out, err);
}
int tu_store_project_event_add(tu_store *s, tu_project_event *ev, tu_err *err) {
    return need_tx(s, err) ? TU_ESTATE : OPS(s)->event_add(s->impl, ev, err);
}
int tu_store_project_events(tu_store *s, int64_t project_id, tu_project_event **out, int *n, tu_err *err) {
    return OPS(s)->events(s->impl, project_id, out, n, err);
}
int tu_store_energy_review_add(tu_store *s, tu_energy_review *r, tu_err *err) {
    return need_tx(s, err) ? TU_ESTATE : OPS(s)->review_add(s->impl, r, err);
}
int tu_store_energy_review_last(tu_store *s, int64_t project_id, tu_energy_review *out, tu_err *err) {
    return OPS(s)->review_last(s->impl, project_id, out, err);
}
int tu_store_quota_add(tu_store *s, tu_quota_entry *e, tu_err *err) {
    return need_tx(s, err) ? TU_ESTATE : OPS(s)->quota_add(s->impl, e, err);
}
int tu_store_quota_sum(tu_store *s, uint32_t city, int year, const char *account, int64_t project_id, int64_t *out,
                       tu_err *err) {
    return OPS(s)->quota_sum(s->impl, city, year, account, project_id, out, err);
}
int tu_store_quota_entries(tu_store *s, uint32_t city, int year, tu_quota_entry **out, int *n, tu_err *err) {
    return OPS(s)->quota_entries(s->impl, city, year, out, n, err);
}
int tu_store_quota_keys(tu_store *s, int64_t **out, int *n, tu_err *err) {
    return OPS(s)->quota_keys(s->impl, out, n, err);
}
int tu_store_advance_insert(tu_store *s, tu_quota_advance *a, tu_err *err) {
    return need_tx(s, err) ? TU_ESTATE : OPS(s)->advance_insert(s->impl, a, err);
}
int tu_store_advance_get(tu_store *s, int64_t id, tu_quota_advance *out, tu_err *err) {
    return OPS(s)->advance_get(s->impl, id, out, err);
}
int tu_store_advance_update(tu_store *s, const tu_quota_advance *a, tu_err *err) {
    return need_tx(s, err) ? TU_ESTATE : OPS(s)->advance_update(s->impl, a, err);
}
int tu_store_advance_list(tu_store *s, uint32_t city, int year, const char *status, tu_quota_advance **out, int *n,
                          tu_err *err) {
    return OPS(s)->advance_list(s->impl, city, year, status, out, n, err);
}
int tu_store_application_insert(tu_store *s, tu_application *a, tu_err *err) {
    return need_tx(s, err) ? TU_ESTATE : OPS(s)->app_insert(s->impl, a, err);
}
int tu_store_application_get(tu_store *s, int64_t id, tu_application *out, tu_err *err) {
    return OPS(s)->app_get(s->impl, id, out, err);
}
int tu_store_application_update(tu_store *s, const tu_application *a, tu_err *err) {
    return need_tx(s, err) ? TU_ESTATE : OPS(s)->app_update(s->impl, a, err);
}
int tu_store_application_list(tu_store *s, int64_t project_id, const char *uscc, tu_application **out, int *n,
                              tu_err *err) {
    return OPS(s)->app_list(s->impl, project_id, uscc, out, n, err);
}
int tu_store_application_count_policy(tu_store *s, const char *key1, const char *key2, int64_t *n, tu_err *err) {
    return OPS(s)->app_count_policy(s->impl, key1, key2, n, err);
}
int tu_store_disbursement_add(tu_store *s, tu_disbursement *d, tu_err *err) {
    return need_tx(s, err) ? TU_ESTATE : OPS(s)->disburse(s->impl, d, err);
}
int tu_store_loan_insert(tu_store *s, tu_loan_product *l, tu_err *err) {
    return need_tx(s, err) ? TU_ESTATE : OPS(s)->loan_insert(s->impl, l, err);
}
int tu_store_loan_get(tu_store *s, int64_t id, tu_loan_product *out, tu_err *err) {
    return OPS(s)->loan_get(s->impl, id, out, err);
}
int tu_store_loan_list(tu_store *s, const char *bank_id, tu_loan_product **out, int *n, tu_err *err) {
    return OPS(s)->loan_list(s->impl, bank_id, out, n, err);
}
