/* registry_ops.h — the registry area's operations that each backend fills (see backend.h). Only src/store/
 * includes it. Each function gets the backend's connection (impl) and has the contract of the public function of
 * the same name in registry.h; registry.c dispatches and checks transactions. */
#ifndef TU_STORE_REGISTRY_OPS_H
#define TU_STORE_REGISTRY_OPS_H

#include "store/change.h"
#include "store/registry.h"

struct tu_registry_ops {
    int (*source_add)(void *impl, const char *kind, const char *name, int32_t as_of, int64_t *id, tu_err *err);
    int (*source_get)(void *impl, int64_t id, tu_source *out, tu_err *err);
    int (*ent_upsert)(void *impl, const tu_ent *batch, size_t n, int64_t source_id, int64_t *ids_out, tu_err *err);
    int (*ent_bulk_begin)(void *impl, tu_err *err);
    int (*ent_append)(void *impl, const tu_ent *batch, const int64_t *ids, size_t n, int64_t source_id, tu_err *err);
    int (*ent_replace)(void *impl, int64_t id, const tu_ent *e, int64_t source_id, tu_err *err);
    int (*ent_bulk_end)(void *impl, tu_err *err);
    int (*ent_get_by_uscc)(void *impl, const char *uscc, int64_t *id, tu_ent *out, int64_t *source_id, tu_err *err);
    int (*ent_get_by_id)(void *impl, int64_t id, tu_ent *out, int64_t *source_id, tu_err *err);
    int (*ent_count)(void *impl, int64_t *n, tu_err *err);
    int (*ent_max_id)(void *impl, int64_t *max_id, tu_err *err);
    int (*ent_scan)(void *impl, tu_ent_scan_fn fn, void *ctx, tu_err *err);
    int (*ent_search)(void *impl, const tu_ent_query *q, int limit, tu_ent_scan_fn fn, void *ctx, tu_err *err);
    int (*value_source_set)(void *impl, int64_t ent_id, const char *attr, int64_t source_id, tu_err *err);
    int (*value_source)(void *impl, int64_t ent_id, const char *attr, int64_t *source_id, tu_err *err);
    int (*import_find)(void *impl, const char *path, int64_t size, int64_t mtime, tu_import_run *out, tu_err *err);
    int (*import_start)(void *impl, const char *path, int64_t size, int64_t mtime, int64_t source_id,
                        int64_t *run_id, tu_err *err);
    int (*import_progress)(void *impl, int64_t run_id, int64_t rows_done, int64_t rejected, int finished,
                           tu_err *err);
    /* the change feed (store/change.h) */
    int (*change_add)(void *impl, int64_t origin, const void *ids, size_t len, int64_t n, int64_t *seq, tu_err *err);
    int (*change_scan)(void *impl, int64_t after, int limit, tu_change_fn fn, void *ctx, tu_err *err);
    int (*change_last)(void *impl, int64_t *seq, tu_err *err);
    int (*cursor_get)(void *impl, const char *name, int64_t *seq, tu_err *err);
    int (*cursor_set)(void *impl, const char *name, int64_t seq, tu_err *err);
    int (*change_prune)(void *impl, int64_t min_age_s, int64_t *deleted, tu_err *err);
};

#endif
