/* grant.c — 免申即享 grant lists (see grant.h). Workload: a list per no_application policy version, up to millions
 * of items written in one transaction; prior approved grants are read once per generation. */
#include "app/grant.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <xlsxwriter.h>

#include "app/app_int.h"
#include "app/audit.h"
#include "app/campaign.h"
#include "app/policy.h"
#include "core/alloc.h"
#include "core/num.h"
#include "rules/benefit.h"
#include "rules/ruletest.h"
#include "store/registry.h"

/* What approved lists already granted: blocked = enterprises holding a grant of a policy sharing a group with ours
 * (with that policy's code), used = amounts already granted under our policy. */
typedef struct prior {
    tu_store *s;
    int64_t policy_id;
    const json_t *groups;
    roaring_bitmap_t *blocked;
    char blocker[TU_POLICY_CODE_MAX + 1];
    int64_t *used_ent, *used_fen;
    size_t nused, cap;
    int oom;
} prior;

static int other_policy_blocks(prior *p, int64_t other) {
    tu_policy_version v;
    if (tu_store_policy_version(p->s, other, 0, &v, NULL)) return 0;
    json_t *doc = json_loads(v.doc, 0, NULL);
    int blocks = doc && tu__group_shared(p->groups, json_object_get(doc, "groups")) != NULL;
    if (blocks && !p->blocker[0]) snprintf(p->blocker, sizeof p->blocker, "%s", json_string_value(json_object_get(doc, "code")));
    json_decref(doc);
    tu_store_policy_version_clear(&v);
    return blocks;
}

static int note_prior(void *ctx, int64_t policy_id, const tu_grant_item *it) {
    prior *p = ctx;
    if (policy_id != p->policy_id) {
        if (other_policy_blocks(p, policy_id)) roaring_bitmap_add(p->blocked, (uint32_t)it->ent_id);
        return 0;
    }
    if (p->nused && p->used_ent[p->nused - 1] == it->ent_id) { /* scan is in enterprise order */
        p->used_fen[p->nused - 1] += it->benefit_fen;
        return 0;
    }
    if (p->nused == p->cap) {
        size_t cap = p->cap ? p->cap * 2 : 256;
        int64_t *ne = tu_realloc(p->used_ent, cap * sizeof *ne), *nf = ne ? tu_realloc(p->used_fen, cap * sizeof *nf) : NULL;
        if (ne) p->used_ent = ne;
        if (!nf) return p->oom = 1;
        p->used_fen = nf, p->cap = cap;
    }
    p->used_ent[p->nused] = it->ent_id, p->used_fen[p->nused++] = it->benefit_fen;
    return 0;
}

static int64_t used_by(const prior *p, int64_t ent) {
    size_t lo = 0, hi = p->nused;
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        if (p->used_ent[mid] < ent) lo = mid + 1;
        else hi = mid;
    }
    return lo < p->nused && p->used_ent[lo] == ent ? p->used_fen[lo] : 0;
}

/* One item: the benefit, capped, or an exclusion. */
static int make_item(prior *p, const json_t *doc, int64_t cap, uint32_t ent, tu_benefit_fn fn, void *ctx,
                     tu_grant_item *it, tu_err *err) {
    it->ent_id = ent, it->benefit_fen = 0, it->excluded[0] = '\0';
    if (roaring_bitmap_contains(p->blocked, ent)) {
        snprintf(it->excluded, sizeof it->excluded, "non-combinable with %s", p->blocker);
        return TU_OK;
    }
    int64_t fen = 0;
    tu_err why = {0};
    int rc = fn(ctx, doc, ent, &fen, &why);
    if (rc == TU_EEVAL || rc == TU_ENOTFOUND) { /* this enterprise's data does not allow it: list it, for review */
        snprintf(it->excluded, sizeof it->excluded, "benefit not computable: %.100s", why.msg);
        return TU_OK;
    }
    if (rc) return tu_err_set(err, rc, "%s", why.msg);
    if (fen < 0) fen = 0;
    if (cap > 0) {
        int64_t left = cap - used_by(p, ent);
        if (left <= 0) snprintf(it->excluded, sizeof it->excluded, "per-enterprise cap reached");
        fen = left <= 0 ? 0 : fen < left ? fen : left;
    }
    it->benefit_fen = fen;
    return TU_OK;
}

static int write_items(tu_store *s, prior *p, const json_t *doc, const roaring_bitmap_t *eligible, tu_benefit_fn fn,
                       void *ctx, int64_t list_id, tu_err *err) {
    int64_t cap = json_integer_value(json_object_get(doc, "cap_fen"));
    roaring_uint32_iterator_t it;
    int rc = TU_OK;
    roaring_init_iterator(eligible, &it);
    for (; !rc && it.has_value; roaring_advance_uint32_iterator(&it)) {
        tu_grant_item item = {.list_id = list_id};
        rc = make_item(p, doc, cap, it.current_value, fn, ctx, &item, err);
        if (!rc) rc = tu_store_grant_item_add(s, &item, err);
    }
    return rc;
}

/* Checks that doc is a no_application policy whose head is in force. */
static int check_policy(tu_store *s, int64_t policy_id, const json_t *doc, tu_err *err) {
    tu_policy_head h;
    int rc = tu_store_policy_get(s, policy_id, &h, err);
    if (rc) return rc;
    if (strcmp(h.status, "published") != 0 && strcmp(h.status, "revised") != 0)
        return tu_err_set(err, TU_ESTATE, "policy %s is %s: grant lists are for policies in force", h.code, h.status);
    if (strcmp(json_string_value(json_object_get(doc, "mode")), "no_application") != 0)
        return tu_err_set(err, TU_ESTATE, "policy %s needs applications (mode apply): no grant list", h.code);
    return TU_OK;
}

static int generate_tx(tu_store *s, int64_t policy_id, const tu_policy_version *v, const json_t *doc,
                       const roaring_bitmap_t *eligible, tu_benefit_fn fn, void *ctx, int64_t *list_id, tu_err *err) {
    prior p = {.s = s, .policy_id = policy_id, .groups = json_object_get(doc, "groups"), .blocked = roaring_bitmap_create()};
    int rc = p.blocked ? tu_store_grant_approved_scan(s, note_prior, &p, err) : TU_ENOMEM;
    if (!rc && p.oom) rc = TU_ENOMEM;
    tu_grant_list gl = {.policy_id = policy_id, .version = v->version};
    if (!rc) rc = tu_store_grant_list_add(s, &gl, err);
    if (!rc) rc = write_items(s, &p, doc, eligible, fn, ctx, gl.id, err);
    if (!rc) *list_id = gl.id;
    if (rc == TU_ENOMEM) tu_err_set(err, rc, "out of memory");
    tu_bitmap_free(p.blocked);
    tu_free(p.used_ent);
    tu_free(p.used_fen);
    return rc;
}

/* The audit row of a list: its state after the write (before = NULL for a new list). */
static int audit_list(tu_store *s, const tu_actor *a, const char *action, int64_t list_id, const char *before,
                      tu_err *err) {
    tu_grant_list gl;
    int rc = tu_store_grant_list_get(s, list_id, &gl, err);
    if (rc) return rc;
    char target[48];
    snprintf(target, sizeof target, "grant_list:%lld", (long long)list_id);
    json_t *jb = before ? json_pack("{s:I,s:s}", "id", (json_int_t)list_id, "status", before) : NULL;
    json_t *ja = json_pack("{s:I,s:I,s:i,s:s,s:s}", "id", (json_int_t)list_id, "policy_id", (json_int_t)gl.policy_id,
                           "version", gl.version, "status", gl.status, "reviewed_by", gl.reviewed_by);
    rc = ja && (jb || !before) ? tu_audit_record(s, a, action, target, jb, ja, err) : TU_ENOMEM;
    json_decref(jb), json_decref(ja);
    return rc;
}

int tu_app_grant_generate(tu_store *s, const tu_actor *a, int64_t policy_id, const char *date,
                          const roaring_bitmap_t *eligible, tu_benefit_fn fn, void *ctx, int64_t *list_id,
                          tu_err *err) {
    tu_policy_version v;
    json_t *doc = NULL;
    int rc = tu_app_policy_as_of(s, policy_id, date, &v, &doc, err);
    if (rc) return rc;
    rc = check_policy(s, policy_id, doc, err);
    if (!rc) rc = tu_store_begin(s, err);
    if (!rc) {
        rc = generate_tx(s, policy_id, &v, doc, eligible, fn, ctx, list_id, err);
        if (!rc) rc = audit_list(s, a, "grant.generate", *list_id, NULL, err);
        if (!rc) rc = tu_store_commit(s, err);
        else tu_store_rollback(s);
    }
    json_decref(doc);
    tu_store_policy_version_clear(&v);
    return rc;
}

int tu_app_grant_review(tu_store *s, const tu_actor *a, int64_t list_id, int approve, tu_err *err) {
    if (!a || !a->name || !*a->name) return tu_err_set(err, TU_EINVAL, "a review names the official");
    int rc = tu_store_begin(s, err);
    if (!rc) rc = tu_store_grant_list_review(s, list_id, approve ? "approved" : "rejected", a->name, err);
    if (!rc) rc = audit_list(s, a, approve ? "grant.approve" : "grant.reject", list_id, "generated", err);
    if (!rc) return tu_store_commit(s, err);
    tu_store_rollback(s);
    return rc;
}

int tu_app_grant_formula_benefit(void *ctx, const json_t *doc, uint32_t ent, int64_t *fen, tu_err *err) {
    tu_ent e;
    int64_t source;
    int rc = tu_store_ent_get_by_id(ctx, ent, &e, &source, err);
    if (rc) return rc;
    json_t *formula = tu_policy_logic(doc, "benefit", err);
    if (!formula) return err && err->code ? err->code : tu_err_set(err, TU_EEVAL, "the policy has no benefit formula");
    rc = tu_benefit_eval(formula, &e, NULL, fen, err);
    json_decref(formula);
    return rc;
}

/* ---- export: one row writer, two formats ---- */

typedef struct exporter {
    tu_store *s;
    tu_grant_list gl;
    char code[TU_POLICY_CODE_MAX + 1];
    FILE *csv;
    lxw_worksheet *ws;
    uint32_t row;
} exporter;

static void csv_field(FILE *f, const char *s) {
    fputc('"', f);
    for (; *s; s++) {
        if (*s == '"') fputc('"', f);
        fputc(*s, f);
    }
    fputc('"', f);
}

static int export_row(void *ctx, const tu_grant_item *it) {
    exporter *x = ctx;
    char yuan[TU_DEC_BUFSZ];
    tu_money_format(it->benefit_fen, yuan);
    tu_ent e;
    int64_t source;
    if (tu_store_ent_get_by_id(x->s, it->ent_id, &e, &source, NULL) != TU_OK) e.uscc[0] = '\0';
    if (x->csv) {
        fprintf(x->csv, "%lld,%s,%d,%lld,%s,%s,%lld,", (long long)x->gl.id, x->code, x->gl.version,
                (long long)it->ent_id, e.uscc, yuan, (long long)it->benefit_fen);
        csv_field(x->csv, it->excluded);
        fputs("\r\n", x->csv);
        return 0;
    }
    ++x->row;
    worksheet_write_number(x->ws, x->row, 0, (double)x->gl.id, NULL);
    worksheet_write_string(x->ws, x->row, 1, x->code, NULL);
    worksheet_write_number(x->ws, x->row, 2, x->gl.version, NULL);
    worksheet_write_number(x->ws, x->row, 3, (double)it->ent_id, NULL);
    worksheet_write_string(x->ws, x->row, 4, e.uscc, NULL);
    worksheet_write_string(x->ws, x->row, 5, yuan, NULL); /* exact text: no binary floating point in a payout */
    char fen[24];
    snprintf(fen, sizeof fen, "%lld", (long long)it->benefit_fen);
    worksheet_write_string(x->ws, x->row, 6, fen, NULL);
    worksheet_write_string(x->ws, x->row, 7, it->excluded, NULL);
    return 0;
}

static const char *const header[] = {"list", "policy", "version", "enterprise", "uscc", "benefit_yuan", "benefit_fen",
                                     "excluded"};

static int load_list(tu_store *s, int64_t list_id, exporter *x, tu_err *err) {
    tu_policy_head h;
    x->s = s;
    int rc = tu_store_grant_list_get(s, list_id, &x->gl, err);
    if (!rc) rc = tu_store_policy_get(s, x->gl.policy_id, &h, err);
    if (!rc) memcpy(x->code, h.code, sizeof x->code);
    return rc;
}

int tu_app_grant_export_csv(tu_store *s, int64_t list_id, FILE *out, tu_err *err) {
    exporter x = {.csv = out};
    int rc = load_list(s, list_id, &x, err);
    if (rc) return rc;
    for (size_t i = 0; i < sizeof header / sizeof header[0]; i++) fprintf(out, "%s%s", i ? "," : "", header[i]);
    fputs("\r\n", out);
    rc = tu_store_grant_item_scan(s, list_id, export_row, &x, err);
    return !rc && ferror(out) ? tu_err_set(err, TU_EIO, "write failed") : rc;
}

int tu_app_grant_export_xlsx(tu_store *s, int64_t list_id, const char *path, tu_err *err) {
    exporter x = {0};
    int rc = load_list(s, list_id, &x, err);
    if (rc) return rc;
    lxw_workbook *wb = workbook_new(path);
    if (!wb) return tu_err_set(err, TU_EIO, "cannot create %s", path);
    x.ws = workbook_add_worksheet(wb, "grants");
    for (size_t i = 0; i < sizeof header / sizeof header[0]; i++) worksheet_write_string(x.ws, 0, (lxw_col_t)i, header[i], NULL);
    rc = tu_store_grant_item_scan(s, list_id, export_row, &x, err);
    lxw_error le = workbook_close(wb);
    if (!rc && le != LXW_NO_ERROR) rc = tu_err_set(err, TU_EIO, "cannot write %s: %s", path, lxw_strerror(le));
    return rc;
}
