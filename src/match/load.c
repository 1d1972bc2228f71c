/* load.c — building the enterprise index from the store (one scan in id order) or from an enterprise CSV file
 * (DESIGN.md format, header row first; for `techup match --csv` and the bench).
 *
 * Records stream in; the first 65,536 build the index (and fix the bucket bounds), the rest are appended.
 * Workload: 7M records in seconds.
 */
#include <csv.h>
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "core/alloc.h"
#include "core/num.h"
#include "match/index.h"
#include "store/registry.h"

enum { FIRST = 1 << 16, MAXCOLS = 64 };

typedef struct loader {
    tu_index *ix;
    tu_ent *first; /* the first FIRST rows */
    size_t nfirst;
    tu_ent row;
    int cols[MAXCOLS], ncols, col;
    long line;
    int32_t today;
    int rc;
    tu_err *err;
} loader;

static void on_field(void *s, size_t len, void *data) {
    loader *l = data;
    if (l->rc) return;
    int c = l->col++;
    if (l->line == 1) {
        const tu_attr *a = tu_attr_find(s, len);
        if (!a || !(a->flags & TU_AF_CSV) || c >= MAXCOLS)
            l->rc = tu_err_set(l->err, TU_EINVAL, "unknown column '%.*s'", (int)(len > 40 ? 40 : len), (char *)s);
        else l->cols[l->ncols++] = a->id;
        return;
    }
    if (c >= l->ncols) {
        l->rc = tu_err_set(l->err, TU_EINVAL, "more cells than header columns");
        return;
    }
    if (c == 0) tu_ent_init(&l->row);
    l->rc = tu_ent_set_cell(&l->row, l->cols[c], s, len, l->today, l->err);
}

static int add_row(loader *l) {
    if (l->nfirst < FIRST) {
        l->first[l->nfirst++] = l->row;
        return TU_OK;
    }
    if (!l->ix) {
        int rc = tu_index_build(l->first, l->nfirst, &l->ix, l->err);
        if (rc) return rc;
        tu_index_bulk_begin(l->ix);
    }
    return tu_index_update(l->ix, (uint32_t)tu_index_count(l->ix), &l->row, l->err);
}

static void on_row(int term, void *data) {
    (void)term;
    loader *l = data;
    if (!l->rc && l->line > 1) {
        if (l->col != l->ncols) l->rc = tu_err_set(l->err, TU_EINVAL, "%d cells, the header has %d", l->col, l->ncols);
        else if (!(l->rc = tu_ent_finish(&l->row, l->err))) l->rc = add_row(l);
    }
    if (l->rc && l->err && !l->err->row) l->err->row = l->line;
    l->line++, l->col = 0;
}

int tu_index_load_csv(const char *path, tu_index **out, tu_err *err) {
    *out = NULL;
    FILE *f = fopen(path, "rb");
    if (!f) return tu_err_set(err, TU_EIO, "cannot open %s: %s", path, strerror(errno));
    loader l = {.line = 1, .today = tu_date_today(), .err = err};
    struct csv_parser p;
    char *buf = tu_malloc(1 << 20);
    l.first = tu_malloc(FIRST * sizeof *l.first);
    if (!buf || !l.first || csv_init(&p, CSV_STRICT | CSV_STRICT_FINI) != 0) {
        tu_free(buf), tu_free(l.first), fclose(f);
        return tu_err_set(err, TU_ENOMEM, "out of memory");
    }
    size_t k;
    while (!l.rc && (k = fread(buf, 1, 1 << 20, f)) > 0)
        if (csv_parse(&p, buf, k, on_field, on_row, &l) != k && !l.rc)
            l.rc = tu_err_set(err, TU_EPARSE, "%s", csv_strerror(csv_error(&p)));
    if (!l.rc && csv_fini(&p, on_field, on_row, &l) != 0) l.rc = tu_err_set(err, TU_EPARSE, "unterminated quote");
    if (!l.rc && ferror(f)) l.rc = tu_err_set(err, TU_EIO, "cannot read %s", path);
    if (!l.rc && !l.ix) l.rc = tu_index_build(l.first, l.nfirst, &l.ix, err);
    if (!l.rc) l.rc = tu_index_bulk_end(l.ix, err);
    csv_free(&p);
    fclose(f);
    tu_free(buf), tu_free(l.first);
    if (l.rc) {
        if (err && err->row == 0) err->row = l.line;
        tu_index_close(l.ix);
        return l.rc;
    }
    *out = l.ix;
    return TU_OK;
}

/* ---- from the store ---- */
typedef struct scan {
    tu_index *ix;
    tu_ent *first;
    size_t nfirst, total; /* total: the store's largest id, reserved once the index exists */
    tu_err *err;
} scan;

/* Index id = store id - 1 (store ids are dense from 1 and never reused). A gap (an id with no row) becomes a
 * placeholder record with every attribute missing. */
static int scan_add(scan *sc, const tu_ent *e) {
    if (sc->nfirst < FIRST) {
        sc->first[sc->nfirst++] = *e;
        return TU_OK;
    }
    if (!sc->ix) {
        int rc = tu_index_build(sc->first, sc->nfirst, &sc->ix, sc->err);
        if (!rc && sc->total > sc->nfirst) rc = tu_index_reserve(sc->ix, sc->total, sc->err);
        if (rc) return rc;
        tu_index_bulk_begin(sc->ix);
    }
    return tu_index_update(sc->ix, (uint32_t)tu_index_count(sc->ix), e, sc->err);
}

static int on_ent(void *ctx, int64_t id, const tu_ent *e, int64_t source_id) {
    (void)source_id;
    scan *sc = ctx;
    int rc = TU_OK;
    while (!rc && (int64_t)(sc->nfirst + (sc->ix ? tu_index_count(sc->ix) - sc->nfirst : 0)) < id - 1) {
        tu_ent gap;
        tu_ent_init(&gap);
        gap.city = e->city; /* no USCC: tu_index_find_uscc never finds a gap */
        rc = scan_add(sc, &gap);
    }
    return rc ? rc : scan_add(sc, e);
}

int tu_index_load_store(tu_store *s, tu_index **out, tu_err *err) {
    *out = NULL;
    scan sc = {.err = err};
    int64_t max_id = 0;
    int rc = tu_store_ent_max_id(s, &max_id, err);
    if (rc) return rc;
    sc.total = max_id > 0 ? (size_t)max_id : 0;
    if (!(sc.first = tu_malloc(FIRST * sizeof *sc.first))) return tu_err_set(err, TU_ENOMEM, "out of memory");
    rc = tu_store_ent_scan(s, on_ent, &sc, err);
    if (!rc && !sc.ix) rc = tu_index_build(sc.first, sc.nfirst, &sc.ix, err);
    if (!rc) rc = tu_index_bulk_end(sc.ix, err);
    tu_free(sc.first);
    if (rc) {
        tu_index_close(sc.ix);
        return rc;
    }
    *out = sc.ix;
    return TU_OK;
}
