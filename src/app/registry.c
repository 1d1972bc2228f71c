/* registry.c — CSV import and export of the enterprise registry, and the enterprise change hook.
 *
 * Import streams the file through libcsv callbacks: each cell is parsed straight into a tu_ent of the current batch
 * (no per-row allocation); a full batch is upserted, the run's progress recorded and the transaction committed, so
 * a kill -9 loses at most the open batch and a re-run resumes after the last committed one. Invalid rows go to the
 * reject file with their original cells. Workload: ~7M rows, ~1 GB, batches of 50k rows.
 */
#include "app/registry.h"

#include <csv.h>
#include <errno.h>
#include <libgen.h>
#include <limits.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>

#include "core/alloc.h"
#include "core/catalog.h"
#include "core/codes.h"
#include "core/num.h"
#include "app/app_int.h"
#include "app/uscc_set.h"
#include "store/registry.h"

/* ---- change hook ---- */
static struct {
    tu_ent_change_fn fn;
    void *ctx;
} subscribers[TU_APP_MAX_SUBSCRIBERS];
static int nsubscribers;

int tu_app_on_enterprise_change(tu_ent_change_fn fn, void *ctx) {
    if (nsubscribers == TU_APP_MAX_SUBSCRIBERS)
        return tu_err_set(NULL, TU_ELIMIT, "too many subscribers");
    subscribers[nsubscribers].fn = fn;
    subscribers[nsubscribers].ctx = ctx;
    nsubscribers++;
    return TU_OK;
}

void tu_app_enterprise_subscribers_clear(void) { nsubscribers = 0; }

void tu__app_enterprises_changed(const int64_t *ids, const tu_ent *ents, size_t n) {
    for (int i = 0; i < nsubscribers && n; i++) subscribers[i].fn(subscribers[i].ctx, ids, ents, n);
}

/* ---- CSV writing ---- */

/* Appends one CSV cell to f, quoted when it holds a delimiter, quote, line break or edge space (RFC 4180). */
static void put_cell(FILE *f, const char *s, size_t n, int first) {
    if (!first) putc(',', f);
    int quote = n && (s[0] == ' ' || s[n - 1] == ' ');
    for (size_t i = 0; i < n && !quote; i++) quote = s[i] == ',' || s[i] == '"' || s[i] == '\n' || s[i] == '\r';
    if (!quote) {
        fwrite(s, 1, n, f);
        return;
    }
    putc('"', f);
    for (size_t i = 0; i < n; i++) {
        if (s[i] == '"') putc('"', f);
        putc(s[i], f);
    }
    putc('"', f);
}

/* ---- import state ---- */
typedef struct importer {
    tu_store *s;
    const tu_import_opts *o;
    tu_import_stats *st;
    tu_err *err;
    int fatal; /* a fatal error is in err: ignore the rest of the input */
    int32_t today;
    long batch_cap;
    /* header */
    int header_done, ncols;
    int colmap[TU_A_COUNT]; /* column -> attribute, -1 = a derived attribute, ignored */
    /* the row being read */
    long rec; /* record number of the row being read; the header is 1 */
    int nf;
    int bad;
    tu_err rerr;
    char *raw; /* the row's cells, for the reject file */
    size_t raw_len, raw_cap;
    size_t *off; /* start of each cell in raw; cell i ends at off[i + 1] */
    size_t off_cap;
    char *header_raw; /* the header's cells, same layout */
    size_t *header_off;
    int header_nf;
    /* the batch */
    tu_ent *batch;
    int64_t *ids;
    size_t nbatch;
    long handled; /* rows of the open batch, imported or rejected */
    int64_t data_rows, skip, run_id, source_id, rejected, first_reject_row;
    FILE *rej;
    int64_t *all_ids; /* strict mode with subscribers: every id written, to notify after the commit */
    size_t nall, all_cap;
    int64_t pending; /* valid rows of the open batch (imported when it commits) */
    /* bulk load into an empty registry: ids assigned here (batch[i] gets first_id + i), duplicates found by `seen`;
     * rows repeating the USCC of a committed batch go to upd */
    int bulk;
    int64_t first_id;
    tu__uscc_set seen;
    tu_ent *upd;
    int64_t *upd_ids;
    size_t nupd, upd_cap, upd_id_cap;
    /* progress */
    int64_t bytes, size;
} importer;

static int grow(void **p, size_t *cap, size_t need, size_t elem) {
    if (need <= *cap) return 0;
    size_t n = *cap ? *cap : 16;
    while (n < need) n *= 2;
    void *q = tu_realloc(*p, n * elem);
    if (!q) return -1;
    *p = q, *cap = n;
    return 0;
}

__attribute__((format(printf, 3, 4))) static void fail(importer *im, int code, const char *fmt, ...) {
    if (im->fatal) return;
    im->fatal = 1;
    char msg[sizeof im->err->msg];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof msg, fmt, ap);
    va_end(ap);
    tu_err_set(im->err, code, "%s", msg);
}

/* Keeps a cell's bytes for a possible reject. */
static void keep_raw(importer *im, const char *s, size_t n) {
    if (grow((void **)&im->raw, &im->raw_cap, im->raw_len + n + 1, 1) ||
        grow((void **)&im->off, &im->off_cap, (size_t)im->nf + 2, sizeof *im->off)) {
        fail(im, TU_ENOMEM, "out of memory");
        return;
    }
    memcpy(im->raw + im->raw_len, s, n);
    im->raw_len += n;
    im->off[im->nf + 1] = im->raw_len;
}

static void header_cell(importer *im, const char *s, size_t n) {
    char name[64];
    snprintf(name, sizeof name, "%.*s", (int)(n > 60 ? 60 : n), s);
    const tu_attr *a = tu_attr_find(s, n);
    if (!a) {
        fail(im, TU_EINVAL,
             "unknown column '%s' (columns: uscc,name,city,district,industry,size,revenue,employees,founded,"
             "rd_ratio,energy_tce,tags and the derived attributes of the catalog)",
             name);
        return;
    }
    for (int i = 0; i < im->nf; i++)
        if (im->colmap[i] == a->id) fail(im, TU_EINVAL, "column '%s' appears twice in the header", name);
    if (im->nf >= TU_A_COUNT) return;
    im->colmap[im->nf] = (a->flags & TU_AF_DERIVED) ? -1 - a->id : a->id;
}

static void on_cell(void *p, size_t n, void *data) {
    importer *im = data;
    const char *s = p ? p : "";
    if (im->fatal) return;
    if (im->nf == 0) im->raw_len = 0, im->off[0] = 0;
    keep_raw(im, s, n);
    if (!im->header_done) {
        header_cell(im, s, n);
    } else if (im->data_rows >= im->skip && !im->bad && im->nf < im->ncols) {
        int attr = im->colmap[im->nf];
        int rc = attr >= 0 ? tu_ent_set_cell(&im->batch[im->nbatch], attr, s, n, im->today, &im->rerr) : TU_OK;
        if (attr < 0 && tu_utf8_invalid_at(s, n) >= 0) {
            snprintf(im->rerr.field, sizeof im->rerr.field, "%s", tu_attr_get(-1 - attr)->name);
            rc = tu_err_set(&im->rerr, TU_EINVAL, "not valid UTF-8");
        }
        im->bad = rc != TU_OK;
    }
    im->nf++;
}

static int end_header(importer *im) {
    static const int required[] = {TU_A_USCC, TU_A_NAME, TU_A_CITY};
    im->ncols = im->nf;
    for (size_t r = 0; r < sizeof required / sizeof required[0]; r++) {
        int found = 0;
        for (int i = 0; i < im->ncols; i++) found |= im->colmap[i] == required[r];
        if (!found) fail(im, TU_EINVAL, "the header has no '%s' column (required)", tu_attr_get(required[r])->name);
    }
    im->header_raw = tu_malloc(im->raw_len + 1);
    im->header_off = tu_malloc(((size_t)im->nf + 1) * sizeof *im->header_off);
    if (!im->header_raw || !im->header_off) fail(im, TU_ENOMEM, "out of memory");
    if (im->fatal) return -1;
    memcpy(im->header_raw, im->raw, im->raw_len);
    memcpy(im->header_off, im->off, ((size_t)im->nf + 1) * sizeof *im->off);
    im->header_nf = im->nf;
    im->header_done = 1;
    return 0;
}

static void put_raw_cells(FILE *f, const char *raw, const size_t *off, int nf) {
    for (int i = 0; i < nf; i++) put_cell(f, raw + off[i], off[i + 1] - off[i], i == 0);
}

static int open_rejects(importer *im) {
    const char *path = im->st->reject_path;
    struct stat sb;
    int fresh = im->skip == 0 || stat(path, &sb) != 0 || sb.st_size == 0;
    im->rej = fopen(path, fresh ? "wb" : "ab");
    if (!im->rej) {
        fail(im, TU_EIO, "cannot write the reject file %s: %s", path, strerror(errno));
        return -1;
    }
    if (fresh) {
        put_raw_cells(im->rej, im->header_raw, im->header_off, im->header_nf);
        fputs(",error_row,error_column,error_reason\n", im->rej);
    }
    return 0;
}

static void reject_row(importer *im) {
    im->rejected++;
    if (!im->first_reject_row) {
        im->first_reject_row = im->rec;
        if (im->o->strict) *im->err = im->rerr, im->err->row = im->rec;
    }
    if (!im->rej && open_rejects(im)) return;
    put_raw_cells(im->rej, im->raw, im->off, im->nf);
    char row[32];
    snprintf(row, sizeof row, ",%ld", im->rec);
    fputs(row, im->rej);
    put_cell(im->rej, im->rerr.field, strlen(im->rerr.field), 0);
    put_cell(im->rej, im->rerr.msg, strlen(im->rerr.msg), 0);
    putc('\n', im->rej);
}

static void draw_progress(importer *im, int done) {
    if (!im->o->progress || im->size <= 0) return;
    int pct = (int)(done ? 100 : im->bytes * 100 / im->size), bars = pct * 30 / 100;
    fprintf(im->o->progress, "\rimport [%.*s%*s] %3d%%  %lld rows, %lld rejected%s", bars,
            "##############################", 30 - bars, "", pct, (long long)im->data_rows, (long long)im->rejected,
            done ? "\n" : "");
    fflush(im->o->progress);
}

/* Bulk mode: appends the batch with its ids and replaces the rows that repeat a committed USCC. */
static int write_bulk(importer *im) {
    for (size_t i = 0; i < im->nbatch; i++) im->ids[i] = im->first_id + (int64_t)i;
    int rc = tu_store_ent_append(im->s, im->batch, im->ids, im->nbatch, im->source_id, im->err);
    for (size_t i = 0; i < im->nupd && !rc; i++)
        rc = tu_store_ent_replace(im->s, im->upd_ids[i], &im->upd[i], im->source_id, im->err);
    return rc;
}

static int keep_ids_for_strict(importer *im, const int64_t *ids, size_t n) {
    if (n == 0) return TU_OK;
    if (grow((void **)&im->all_ids, &im->all_cap, im->nall + n, sizeof *im->all_ids))
        return tu_err_set(im->err, TU_ENOMEM, "out of memory");
    memcpy(im->all_ids + im->nall, ids, n * sizeof *ids);
    im->nall += n;
    return TU_OK;
}

/* Writes the open batch and the run's progress; commits unless strict (one transaction for the whole file). */
static int flush(importer *im, int finished) {
    int strict = im->o->strict, rc = TU_OK;
    if (!strict) rc = tu_store_begin(im->s, im->err);
    if (!rc && !(strict && im->rejected))
        rc = im->bulk ? write_bulk(im)
                      : tu_store_ent_upsert(im->s, im->batch, im->nbatch, im->source_id, im->ids, im->err);
    if (!rc && !(strict && im->rejected)) rc = tu__app_record_change(im->s, im->ids, im->nbatch, im->err);
    if (!rc && !(strict && im->rejected)) rc = tu__app_record_change(im->s, im->upd_ids, im->nupd, im->err);
    if (!rc && finished && im->bulk) rc = tu_store_ent_bulk_end(im->s, im->err);
    if (!rc) rc = tu_store_import_progress(im->s, im->run_id, im->data_rows, im->rejected, finished, im->err);
    if (!rc && !strict) rc = tu_store_commit(im->s, im->err);
    if (rc) {
        if (!strict) tu_store_rollback(im->s);
        im->fatal = 1;
        return rc;
    }
    if (!strict) {
        tu__app_enterprises_changed(im->ids, im->batch, im->nbatch);
        tu__app_enterprises_changed(im->upd_ids, im->upd, im->nupd);
    } else if (nsubscribers && !im->rejected) {
        rc = keep_ids_for_strict(im, im->ids, im->nbatch);
        if (!rc) rc = keep_ids_for_strict(im, im->upd_ids, im->nupd);
        if (rc) return im->fatal = 1, rc;
    }
    im->st->imported += im->pending;
    im->first_id += (int64_t)im->nbatch;
    im->nbatch = 0, im->nupd = 0, im->handled = 0, im->pending = 0;
    if (im->rej) fflush(im->rej);
    draw_progress(im, finished);
    return TU_OK;
}

/* uscc_set confirmation: is id's USCC the one of the row being read? Ids of the open batch are compared in memory,
 * committed ones read back (rare: only on a fingerprint match). */
static int same_uscc(void *ctx, int64_t id) {
    importer *im = ctx;
    const char *want = im->batch[im->nbatch].uscc;
    if (id >= im->first_id) return memcmp(im->batch[id - im->first_id].uscc, want, TU_USCC_LEN) == 0;
    tu_ent old;
    tu_err e2 = {0};
    if (tu_store_ent_get_by_id(im->s, id, &old, NULL, &e2) != TU_OK) return 0;
    return memcmp(old.uscc, want, TU_USCC_LEN) == 0;
}

/* Bulk mode: a new USCC joins the batch; a repeated one replaces the earlier row (keeping its id): in place when
 * that row is in the open batch, else through upd. */
static void add_bulk(importer *im, const tu_ent *e) {
    int64_t id = tu__uscc_set_find_or_add(&im->seen, e->uscc, im->first_id + (int64_t)im->nbatch, same_uscc, im);
    if (id < 0) {
        fail(im, TU_ENOMEM, "out of memory");
    } else if (id == 0) {
        im->nbatch++;
    } else if (id >= im->first_id) {
        im->batch[id - im->first_id] = *e;
    } else if (grow((void **)&im->upd, &im->upd_cap, im->nupd + 1, sizeof *im->upd) ||
               grow((void **)&im->upd_ids, &im->upd_id_cap, im->nupd + 1, sizeof *im->upd_ids)) {
        fail(im, TU_ENOMEM, "out of memory");
    } else {
        im->upd[im->nupd] = *e;
        im->upd_ids[im->nupd++] = id;
    }
}

static void end_row(int c, void *data) {
    importer *im = data;
    (void)c;
    if (im->fatal) return;
    im->rec++;
    if (!im->header_done) {
        end_header(im);
    } else if (++im->data_rows > im->skip) {
        tu_ent *e = &im->batch[im->nbatch];
        if (im->nf != im->ncols) {
            im->rerr.field[0] = '\0';
            tu_err_set(&im->rerr, TU_EINVAL, "the row has %d cells, the header has %d", im->nf, im->ncols);
            im->bad = 1;
        }
        if (!im->bad) im->bad = tu_ent_finish(e, &im->rerr) != TU_OK;
        if (im->bad) reject_row(im);
        else if (im->bulk) add_bulk(im, e), im->pending++;
        else im->nbatch++, im->pending++;
        if (++im->handled >= im->batch_cap) flush(im, 0);
    }
    im->nf = 0, im->bad = 0;
    tu_ent_init(&im->batch[im->nbatch]);
    tu_err_clear(&im->rerr);
}

static int never_space(unsigned char c) {
    (void)c;
    return 0;
}

/* Feeds the whole file to libcsv. */
static int parse_file(importer *im, FILE *f, const char *path) {
    struct csv_parser p;
    if (csv_init(&p, CSV_STRICT | CSV_STRICT_FINI) != 0) return tu_err_set(im->err, TU_ENOMEM, "out of memory");
    csv_set_space_func(&p, never_space); /* RFC 4180: spaces are data */
    csv_set_realloc_func(&p, tu_realloc);
    csv_set_free_func(&p, tu_free);
    enum { CHUNK = 1 << 20 };
    char *buf = tu_malloc(CHUNK);
    int rc = buf ? TU_OK : tu_err_set(im->err, TU_ENOMEM, "out of memory");
    size_t n;
    int first = 1;
    while (!rc && !im->fatal && (n = fread(buf, 1, CHUNK, f)) > 0) {
        size_t start = first && n >= 3 && memcmp(buf, "\xEF\xBB\xBF", 3) == 0 ? 3 : 0; /* UTF-8 BOM */
        first = 0;
        if (csv_parse(&p, buf + start, n - start, on_cell, end_row, im) != n - start && !im->fatal)
            rc = tu_err_set(im->err, TU_EPARSE, "malformed CSV after row %ld: %s (a quote inside an unquoted cell?)",
                            im->rec, csv_strerror(csv_error(&p)));
        im->bytes += (int64_t)n;
    }
    if (!rc && !im->fatal && ferror(f)) rc = tu_err_set(im->err, TU_EIO, "cannot read %s: %s", path, strerror(errno));
    if (!rc && !im->fatal && csv_fini(&p, on_cell, end_row, im) != 0)
        rc = tu_err_set(im->err, TU_EPARSE, "malformed CSV at the end of the file: a quoted cell is not closed");
    if (!rc && !im->fatal && !im->header_done)
        rc = tu_err_set(im->err, TU_EINVAL, "%s has no header row (it is empty)", path);
    csv_free(&p);
    tu_free(buf);
    if (rc) im->err->row = rc == TU_EPARSE ? im->rec + 1 : 0;
    if (!rc && im->fatal) rc = im->err->code ? im->err->code : TU_EIO;
    if (rc == TU_EINVAL && !im->header_done) im->err->row = 1;
    return rc;
}

/* Records a new run of the file with its source. */
static int new_run(importer *im, const char *ident, const struct stat *sb, const char *path) {
    char tmp[PATH_MAX];
    snprintf(tmp, sizeof tmp, "%s", path);
    int rc = tu_store_source_add(im->s, "import", basename(tmp), im->o->as_of ? im->o->as_of : im->today,
                                 &im->source_id, im->err);
    if (!rc) rc = tu_store_import_start(im->s, ident, (int64_t)sb->st_size, (int64_t)sb->st_mtime, im->source_id,
                                        &im->run_id, im->err);
    return rc;
}

/* Resumes an interrupted run of the same file or starts a new one; chooses bulk mode for a first load into an empty
 * registry, else makes sure the USCC index exists (an interrupted bulk load may have left it out). */
static int start_run(importer *im, const char *ident, const struct stat *sb, const char *path, int64_t before) {
    tu_import_run run;
    tu_err e2 = {0};
    int strict = im->o->strict;
    int rc = tu_store_import_find(im->s, ident, (int64_t)sb->st_size, (int64_t)sb->st_mtime, &run, &e2);
    if (rc != TU_OK && rc != TU_ENOTFOUND) return *im->err = e2, rc;
    int resume = rc == TU_OK && !run.finished && !strict;
    rc = strict ? TU_OK : tu_store_begin(im->s, im->err);
    if (!rc && resume) {
        im->run_id = run.id, im->source_id = run.source_id;
        im->skip = run.rows_done, im->rejected = run.rejected;
        im->st->resumed_from = run.rows_done;
    } else if (!rc) {
        rc = new_run(im, ident, sb, path);
    }
    im->bulk = !resume && before == 0;
    if (!rc) rc = im->bulk ? tu_store_ent_bulk_begin(im->s, im->err) : tu_store_ent_bulk_end(im->s, im->err);
    if (!rc && im->bulk && tu__uscc_set_init(&im->seen, (size_t)(sb->st_size / 100)))
        rc = tu_err_set(im->err, TU_ENOMEM, "out of memory");
    int64_t max_id = 0;
    if (!rc && im->bulk) rc = tu_store_ent_max_id(im->s, &max_id, im->err);
    im->first_id = max_id + 1;
    if (!rc && !strict) rc = tu_store_commit(im->s, im->err);
    if (rc && !strict) tu_store_rollback(im->s);
    return rc;
}

static int importer_init(importer *im, tu_store *s, const tu_import_opts *o, tu_import_stats *st, tu_err *err) {
    memset(im, 0, sizeof *im);
    im->s = s, im->o = o, im->st = st, im->err = err;
    im->today = tu_date_today();
    im->batch_cap = o->batch > 0 ? o->batch : TU_IMPORT_BATCH_DEFAULT;
    im->batch = tu_malloc(((size_t)im->batch_cap + 1) * sizeof *im->batch);
    im->ids = tu_malloc(((size_t)im->batch_cap + 1) * sizeof *im->ids);
    if (!im->batch || !im->ids || grow((void **)&im->off, &im->off_cap, 16, sizeof *im->off))
        return tu_err_set(err, TU_ENOMEM, "out of memory");
    tu_ent_init(&im->batch[0]);
    return TU_OK;
}

static void importer_free(importer *im) {
    if (im->rej) fclose(im->rej);
    tu_free(im->batch);
    tu_free(im->ids);
    tu_free(im->raw);
    tu_free(im->off);
    tu_free(im->header_raw);
    tu_free(im->header_off);
    tu_free(im->all_ids);
    tu_free(im->upd);
    tu_free(im->upd_ids);
    tu__uscc_set_free(&im->seen);
}

/* Strict mode commits once at the end; subscribers then get the written records, read back batch by batch. */
static int notify_strict(importer *im) {
    int rc = TU_OK;
    size_t n = 0;
    for (size_t i = 0; i < im->nall && !rc; i++) {
        im->ids[n] = im->all_ids[i];
        rc = tu_store_ent_get_by_id(im->s, im->ids[n], &im->batch[n], NULL, im->err);
        if (++n == (size_t)im->batch_cap || i + 1 == im->nall) tu__app_enterprises_changed(im->ids, im->batch, n), n = 0;
    }
    return rc;
}

static int run_import(importer *im, FILE *f, const char *path, const struct stat *sb) {
    char ident[PATH_MAX];
    if (!realpath(path, ident)) snprintf(ident, sizeof ident, "%s", path);
    int64_t before = 0, after = 0;
    int strict = im->o->strict;
    int rc = tu_store_ent_count(im->s, &before, im->err);
    if (!rc && strict) rc = tu_store_begin(im->s, im->err);
    if (!rc) rc = start_run(im, ident, sb, path, before);
    im->size = (int64_t)sb->st_size;
    if (!rc) rc = parse_file(im, f, path);
    if (!rc) rc = flush(im, 1);
    if (!rc && strict && im->rejected) {
        tu_store_rollback(im->s); /* err holds the first reject (reject_row) */
        im->st->imported = 0;
        rc = im->err->code = TU_EVALIDATION;
    } else if (!rc && strict) {
        rc = tu_store_commit(im->s, im->err);
        if (!rc) rc = notify_strict(im);
    }
    if (rc && strict) tu_store_rollback(im->s);
    if (!rc) rc = tu_store_ent_count(im->s, &after, im->err);
    im->st->inserted = after - before;
    im->st->updated = im->st->imported - im->st->inserted;
    return rc;
}

int tu_app_import_csv(tu_store *s, const char *path, const tu_import_opts *opts, tu_import_stats *stats,
                      tu_err *err) {
    static const tu_import_opts defaults = {0};
    const tu_import_opts *o = opts ? opts : &defaults;
    memset(stats, 0, sizeof *stats);
    if (tu_store_in_tx(s)) return tu_err_set(err, TU_ESTATE, "an import needs no open transaction");
    if (o->reject_path) snprintf(stats->reject_path, sizeof stats->reject_path, "%s", o->reject_path);
    else snprintf(stats->reject_path, sizeof stats->reject_path, "%s.rejects.csv", path);
    FILE *f = fopen(path, "rb");
    if (!f) return tu_err_set(err, TU_EIO, "cannot open %s: %s", path, strerror(errno));
    struct stat sb;
    if (fstat(fileno(f), &sb) != 0 || !S_ISREG(sb.st_mode)) {
        fclose(f);
        return tu_err_set(err, TU_EIO, "%s is not a regular file", path);
    }
    importer im;
    int rc = importer_init(&im, s, o, stats, err);
    if (!rc) rc = run_import(&im, f, path, &sb);
    stats->rows = im.data_rows;
    stats->rejected = im.rejected;
    importer_free(&im);
    fclose(f);
    return rc;
}

/* ---- export ---- */
typedef struct exporter {
    FILE *f;
    int64_t rows;
} exporter;

static int export_one(void *ctx, int64_t id, const tu_ent *e, int64_t source_id) {
    exporter *x = ctx;
    (void)id, (void)source_id;
    char buf[TU_NAME_MAX + 64];
    int first = 1;
    for (int a = 0; a < TU_A_COUNT; a++) {
        if (!(tu_attr_get(a)->flags & TU_AF_CSV)) continue;
        int n = tu_ent_format(e, a, buf, sizeof buf);
        put_cell(x->f, buf, n > 0 ? (size_t)n : 0, first);
        first = 0;
    }
    putc('\n', x->f);
    x->rows++;
    return ferror(x->f) ? TU_EIO : TU_OK;
}

int tu_app_export_csv(tu_store *s, FILE *out, int64_t *rows, tu_err *err) {
    exporter x = {out, 0};
    int first = 1;
    for (int a = 0; a < TU_A_COUNT; a++)
        if (tu_attr_get(a)->flags & TU_AF_CSV) {
            const char *name = tu_attr_get(a)->name;
            put_cell(out, name, strlen(name), first), first = 0;
        }
    putc('\n', out);
    int rc = tu_store_ent_scan(s, export_one, &x, err);
    if (rc == TU_EIO) tu_err_set(err, TU_EIO, "cannot write the export: %s", strerror(errno));
    if (!rc && fflush(out) != 0) rc = tu_err_set(err, TU_EIO, "cannot write the export: %s", strerror(errno));
    if (rows) *rows = x.rows;
    return rc;
}
