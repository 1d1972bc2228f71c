/* project_ops.h — what a backend provides for the project area (see project.h for the meaning of each call).
 * Only src/store/ includes this header. Each function takes the backend's connection (impl) first. */
#ifndef TU_STORE_PROJECT_OPS_H
#define TU_STORE_PROJECT_OPS_H

#include "store/project.h"

typedef struct tu_project_ops {
    int (*insert)(void *impl, tu_project *p, tu_err *err);
    int (*get)(void *impl, int64_t id, tu_project *out, tu_err *err);
    int (*update)(void *impl, const tu_project *p, tu_err *err);
    int (*list)(void *impl, const tu_project_filter *f, tu_project_list *out, tu_err *err);
    int (*event_add)(void *impl, tu_project_event *ev, tu_err *err);
    int (*events)(void *impl, int64_t project_id, tu_project_event **out, int *n, tu_err *err);
    int (*review_add)(void *impl, tu_energy_review *r, tu_err *err);
    int (*review_last)(void *impl, int64_t project_id, tu_energy_review *out, tu_err *err);
    int (*quota_add)(void *impl, tu_quota_entry *e, tu_err *err);
    int (*quota_sum)(void *impl, uint32_t city, int year, const char *account, int64_t project_id, int64_t *out,
                     tu_err *err);
    int (*quota_entries)(void *impl, uint32_t city, int year, tu_quota_entry **out, int *n, tu_err *err);
    int (*quota_keys)(void *impl, int64_t **out, int *n, tu_err *err);
    int (*advance_insert)(void *impl, tu_quota_advance *a, tu_err *err);
    int (*advance_get)(void *impl, int64_t id, tu_quota_advance *out, tu_err *err);
    int (*advance_update)(void *impl, const tu_quota_advance *a, tu_err *err);
    int (*advance_list)(void *impl, uint32_t city, int year, const char *status, tu_quota_advance **out, int *n,
                        tu_err *err);
    int (*app_insert)(void *impl, tu_application *a, tu_err *err);
    int (*app_get)(void *impl, int64_t id, tu_application *out, tu_err *err);
    int (*app_update)(void *impl, const tu_application *a, tu_err *err);
    int (*app_list)(void *impl, int64_t project_id, const char *uscc, tu_application **out, int *n, tu_err *err);
    int (*disburse)(void *impl, tu_disbursement *d, tu_err *err);
    int (*app_count_policy)(void *impl, const char *key1, const char *key2, int64_t *n, tu_err *err);
    int (*loan_insert)(void *impl, tu_loan_product *l, tu_err *err);
    int (*loan_get)(void *impl, int64_t id, tu_loan_product *out, tu_err *err);
    int (*loan_list)(void *impl, const char *bank_id, tu_loan_product **out, int *n, tu_err *err);
} tu_project_ops;

extern const tu_project_ops tu__sqlite_project_ops;

#endif
