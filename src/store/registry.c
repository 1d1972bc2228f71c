/* registry.c — the registry area's public functions: argument and transaction checks, then dispatch to the
 * backend's tu_registry_ops. No SQL here. */
#include "store/registry.h"

#include <string.h>

#include "store/backend.h"
#include "store/registry_ops.h"

#define OPS(s) ((s)->be->registry)

static int need_tx(tu_store *s, tu_err *err) {
    return s->in_tx ? TU_OK : tu_err_set(err, TU_ESTATE, "registry writes need an open transaction");
}

static const char *csv_attr_name(int attr) {
    const tu_attr *a = tu_attr_get(attr);
    return a && (a->flags & TU_AF_CSV) ? a->name : NULL;
}

int tu_store_source_add(tu_store *s, const char *kind, const char *name, int32_t as_of, int64_t *id, tu_err *err) {
    if (!kind || !*kind || strlen(kind) >= TU_SOURCE_KIND_MAX || !name || !*name || strlen(name) >= TU_SOURCE_NAME_MAX)
        return tu_err_set(err, TU_EINVAL, "a source needs a kind (< %d bytes) and a name (< %d bytes)",
                          TU_SOURCE_KIND_MAX, TU_SOURCE_NAME_MAX);
    int rc = need_tx(s, err);
    return rc ? rc : OPS(s)->source_add(s->impl, kind, name, as_of, id, err);
}

int tu_store_source_get(tu_store *s, int64_t id, tu_source *out, tu_err *err) {
    return OPS(s)->source_get(s->impl, id, out, err);
}

int tu_store_ent_upsert(tu_store *s, const tu_ent *batch, size_t n, int64_t source_id, int64_t *ids_out,
                        tu_err *err) {
    int rc = need_tx(s, err);
    return rc ? rc : n == 0 ? TU_OK : OPS(s)->ent_upsert(s->impl, batch, n, source_id, ids_out, err);
}

int tu_store_ent_bulk_begin(tu_store *s, tu_err *err) {
    int rc = need_tx(s, err);
    return rc ? rc : OPS(s)->ent_bulk_begin(s->impl, err);
}

int tu_store_ent_append(tu_store *s, const tu_ent *batch, const int64_t *ids, size_t n, int64_t source_id,
                        tu_err *err) {
    int rc = need_tx(s, err);
    return rc ? rc : n == 0 ? TU_OK : OPS(s)->ent_append(s->impl, batch, ids, n, source_id, err);
}

int tu_store_ent_replace(tu_store *s, int64_t id, const tu_ent *e, int64_t source_id, tu_err *err) {
    int rc = need_tx(s, err);
    return rc ? rc : OPS(s)->ent_replace(s->impl, id, e, source_id, err);
}

int tu_store_ent_bulk_end(tu_store *s, tu_err *err) {
    int rc = need_tx(s, err);
    return rc ? rc : OPS(s)->ent_bulk_end(s->impl, err);
}

int tu_store_ent_get_by_uscc(tu_store *s, const char *uscc, int64_t *id, tu_ent *out, int64_t *source_id,
                             tu_err *err) {
    return OPS(s)->ent_get_by_uscc(s->impl, uscc, id, out, source_id, err);
}

int tu_store_ent_get_by_id(tu_store *s, int64_t id, tu_ent *out, int64_t *source_id, tu_err *err) {
    return OPS(s)->ent_get_by_id(s->impl, id, out, source_id, err);
}

int tu_store_ent_count(tu_store *s, int64_t *n, tu_err *err) { return OPS(s)->ent_count(s->impl, n, err); }

int tu_store_ent_max_id(tu_store *s, int64_t *max_id, tu_err *err) {
    return OPS(s)->ent_max_id(s->impl, max_id, err);
}

int tu_store_ent_scan(tu_store *s, tu_ent_scan_fn fn, void *ctx, tu_err *err) {
    return OPS(s)->ent_scan(s->impl, fn, ctx, err);
}

int tu_store_ent_search(tu_store *s, const tu_ent_query *q, int limit, tu_ent_scan_fn fn, void *ctx, tu_err *err) {
    if (limit < 1 || (unsigned)q->sort > TU_ENT_SORT_EMPLOYEES) return tu_err_set(err, TU_EINVAL, "bad search");
    return OPS(s)->ent_search(s->impl, q, limit, fn, ctx, err);
}

int tu_store_value_source_set(tu_store *s, int64_t ent_id, int attr, int64_t source_id, tu_err *err) {
    const char *name = csv_attr_name(attr);
    if (!name) return tu_err_set(err, TU_EINVAL, "attribute %d is not a stored value", attr);
    int rc = need_tx(s, err);
    return rc ? rc : OPS(s)->value_source_set(s->impl, ent_id, name, source_id, err);
}

int tu_store_value_source(tu_store *s, int64_t ent_id, int attr, tu_source *out, tu_err *err) {
    const char *name = csv_attr_name(attr);
    if (!name) return tu_err_set(err, TU_EINVAL, "attribute %d is not a stored value", attr);
    int64_t sid = 0;
    int rc = OPS(s)->value_source(s->impl, ent_id, name, &sid, err);
    return rc ? rc : OPS(s)->source_get(s->impl, sid, out, err);
}

int tu_store_import_find(tu_store *s, const char *path, int64_t size, int64_t mtime, tu_import_run *out, tu_err *err) {
    return OPS(s)->import_find(s->impl, path, size, mtime, out, err);
}

int tu_store_import_start(tu_store *s, const char *path, int64_t size, int64_t mtime, int64_t source_id,
                          int64_t *run_id, tu_err *err) {
    int rc = need_tx(s, err);
    return rc ? rc : OPS(s)->import_start(s->impl, path, size, mtime, source_id, run_id, err);
}

int tu_store_import_progress(tu_store *s, int64_t run_id, int64_t rows_done, int64_t rejected, int finished,
                             tu_err *err) {
    int rc = need_tx(s, err);
    return rc ? rc : OPS(s)->import_progress(s->impl, run_id, rows_done, rejected, finished, err);
}

/* ---- the change feed (change.h) ---- */

int tu_store_change_add(tu_store *s, int64_t origin, const void *ids, size_t len, int64_t n, int64_t *seq,
                        tu_err *err) {
    int64_t ignored;
    if (!ids || len == 0 || n <= 0) return tu_err_set(err, TU_EINVAL, "a change needs at least one id");
    int rc = need_tx(s, err);
    return rc ? rc : OPS(s)->change_add(s->impl, origin, ids, len, n, seq ? seq : &ignored, err);
}

int tu_store_change_scan(tu_store *s, int64_t after, int limit, tu_change_fn fn, void *ctx, tu_err *err) {
    if (limit <= 0) return tu_err_set(err, TU_EINVAL, "the scan limit must be positive");
    return OPS(s)->change_scan(s->impl, after, limit, fn, ctx, err);
}

int tu_store_change_last(tu_store *s, int64_t *seq, tu_err *err) { return OPS(s)->change_last(s->impl, seq, err); }

int tu_store_change_cursor_get(tu_store *s, const char *name, int64_t *seq, tu_err *err) {
    return OPS(s)->cursor_get(s->impl, name, seq, err);
}

int tu_store_change_cursor_set(tu_store *s, const char *name, int64_t seq, tu_err *err) {
    if (!name || !*name) return tu_err_set(err, TU_EINVAL, "a cursor needs a name");
    int rc = need_tx(s, err);
    return rc ? rc : OPS(s)->cursor_set(s->impl, name, seq, err);
}

int tu_store_change_prune(tu_store *s, int64_t min_age_s, int64_t *deleted, tu_err *err) {
    int64_t ignored;
    if (min_age_s < 0) return tu_err_set(err, TU_EINVAL, "a negative age");
    return OPS(s)->change_prune(s->impl, min_age_s, deleted ? deleted : &ignored, err);
}
