/* match_service.c — the server's in-memory matching (see match_service.h): index + change hook, rule counts
 * with breakdowns, one enterprise's policies with explanations. */
#include "app/match_service.h"

#include <pthread.h>
#include <roaring/roaring.h>
#include <stdatomic.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "app/app_int.h"
#include "app/jsonbuf.h"
#include "app/policy.h"
#include "app/registry.h"
#include "core/alloc.h"
#include "core/codes.h"
#include "core/log.h"
#include "core/metrics.h"
#include "core/num.h"
#include "core/sbuf.h"
#include "match/index.h"
#include "match/match.h"
#include "match/policies.h"
#include "rules/benefit.h"
#include "rules/explain.h"
#include "rules/ruletest.h"
#include "rules/rules.h"
#include "rules/text.h"
#include "store/change.h"
#include "store/policy.h"
#include "store/registry.h"

static tu_metric m_matches = TU_METRIC_INIT("techup_matches_total", "rules matched against every enterprise");
static tu_metric m_policy_matches =
    TU_METRIC_INIT("techup_policy_matches_total", "enterprises matched against every active policy");
static tu_metric m_index_updates =
    TU_METRIC_INIT("techup_index_updates_total", "enterprise records applied to the match index");

/* roaring_bitmap_free(NULL) is not a no-op in every CRoaring release. */
static void bitmap_free(roaring_bitmap_t *b) {
    if (b) roaring_bitmap_free(b);
}

/* One generation of active policies; replaced whole on reload (readers hold the policy lock). */
typedef struct polset {
    json_t *doc;       /* array of {"id","title","rule"[,"code"]} by position */
    tu_polindex *pi;   /* NULL without policies */
    tu_rule **rules;   /* compiled policy rules by position, for explanations */
    char **heads;      /* by position: the start of its list item, `{"id":N,"title":...` (rendered once) */
    size_t npol;
} polset;

#define MAX_PENDING 100000 /* queued deltas beyond this are dropped (logged): a bulk import is not a change feed */

struct tu_match_svc {
    tu_index *ix;
    polset *ps;                /* never NULL once open */
    pthread_rwlock_t pol_lock; /* guards ps (the pointer; a polset is immutable) */
    int from_file;             /* policies came from a file: reload is a no-op */
    pthread_mutex_t q_lock;    /* guards the pending deltas */
    tu_match_delta **q;
    size_t nq, capq;
    double build_ms;
    int64_t built_seq;         /* the change feed's last seq before the index was read from the store */
    _Atomic uint64_t updates, skipped, dropped;
};

static void polset_free(polset *p) {
    if (!p) return;
    for (size_t i = 0; p->rules && i < p->npol; i++) tu_rule_free(p->rules[i]);
    tu_free(p->rules);
    for (size_t i = 0; p->heads && i < p->npol; i++) tu_free(p->heads[i]);
    tu_free(p->heads);
    tu_polindex_close(p->pi);
    json_decref(p->doc);
    tu_free(p);
}

/* Renders the start of each policy's list item once: `{"id":N,"title":<the doc's title>`. */
static int render_heads(polset *p, const tu_policy_rule *pr) {
    if (!(p->heads = tu_calloc(p->npol + 1, sizeof *p->heads))) return TU_ENOMEM;
    for (size_t i = 0; i < p->npol; i++) {
        tu_sbuf b = {0};
        tu_sbuf_addf(&b, "{\"id\":%lld,\"title\":", (long long)pr[i].id);
        tu_sbuf_add_json(&b, json_object_get(json_array_get(p->doc, i), "title"));
        if (!(p->heads[i] = tu_sbuf_take(&b, NULL))) return TU_ENOMEM;
    }
    return TU_OK;
}

/* Compiles the rules of p->doc, already read into pr, renders the list items' heads and builds the policy
 * index; frees pr. */
static int polset_compile(polset *p, tu_policy_rule *pr, tu_err *err) {
    int rc = (p->rules = tu_calloc(p->npol + 1, sizeof *p->rules)) ? TU_OK : tu_err_set(err, TU_ENOMEM, "out of memory");
    if (!rc && render_heads(p, pr)) rc = tu_err_set(err, TU_ENOMEM, "out of memory");
    for (size_t i = 0; !rc && i < p->npol; i++) rc = tu_rule_from_json(pr[i].rule, &p->rules[i], err);
    if (!rc) rc = tu_polindex_build(pr, p->npol, &p->pi, err);
    tu_free(pr);
    return rc;
}

static int polset_build(polset *p, const char *what, tu_err *err) {
    tu_policy_rule *pr;
    int rc = tu_policy_rules_from_json(p->doc, what, &pr, &p->npol, err);
    return rc ? rc : polset_compile(p, pr, err);
}

static polset *pol_acquire(tu_match_svc *m) {
    pthread_rwlock_rdlock(&m->pol_lock);
    return m->ps;
}
static void pol_release(tu_match_svc *m) { pthread_rwlock_unlock(&m->pol_lock); }

static double now_ms(void) {
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec * 1e3 + (double)ts.tv_nsec / 1e6;
}

static void queue_delta(tu_match_svc *m, tu_match_delta *d) {
    pthread_mutex_lock(&m->q_lock);
    if (m->nq == m->capq && m->nq < MAX_PENDING) {
        size_t cap = m->capq ? m->capq * 2 : 16;
        tu_match_delta **q = tu_realloc(m->q, cap * sizeof *q);
        if (q) m->q = q, m->capq = cap;
    }
    if (m->nq < m->capq) m->q[m->nq++] = d, d = NULL;
    pthread_mutex_unlock(&m->q_lock);
    if (d) {
        atomic_fetch_add(&m->dropped, 1);
        tu_log(TU_LOG_WARN, "match.delta", "policy delta of enterprise %lld dropped (queue full)", (long long)d->ent_id);
        tu_free(d);
    }
}

/* The policy delta of one enterprise between its old record (NULL = new enterprise) and its new one: newly
 * eligible, no longer eligible, newly near miss (with the reason). NULL when nothing changed or out of memory. */
/* What policy position i is in a delta: 1 gained, 2 lost, 4 newly near miss (bits). */
static int delta_bits(const tu_polres *ro, const tu_polres *rn, int had_old, size_t i, int mask) {
    int was = had_old && tu_polres_has(ro, TU_PR_ELIGIBLE, i), is = tu_polres_has(rn, TU_PR_ELIGIBLE, i);
    int near = tu_polres_has(rn, TU_PR_NEAR_MISS, i) && !(had_old && tu_polres_has(ro, TU_PR_NEAR_MISS, i));
    return ((is && !was) | (was && !is) << 1 | near << 2) & mask;
}

/* Why policy position i is a near miss for e, in words: the explanation's zh advice line ("差一点：只需 研发投入占比
 * ≥ 4%（当前 3.1%） 即可符合条件"), else the index's one-line reason. */
static void near_reason(const polset *p, size_t i, const tu_ent *e, char out[TU_MATCH_REASON_MAX]) {
    json_t *x = tu_rule_explain(p->rules[i], e, NULL, NULL);
    char *text = x ? tu_explain_sentences(x, "zh") : NULL, *line = text ? strstr(text, "差一点") : NULL;
    if (line) {
        size_t n = strcspn(line, "\n");
        if (n >= TU_MATCH_REASON_MAX) { /* cut on a UTF-8 character boundary */
            n = TU_MATCH_REASON_MAX - 1;
            while (n > 0 && ((unsigned char)line[n] & 0xC0) == 0x80) n--;
        }
        memcpy(out, line, n), out[n] = '\0';
    } else {
        tu_polindex_reason(p->pi, i, e, out, TU_MATCH_REASON_MAX);
    }
    tu_free(text), json_decref(x);
}

/* mask: the delta_bits kept (7 = all; 1 = gained only). */
static tu_match_delta *delta_of(const polset *p, int64_t ent_id, const tu_ent *old, const tu_ent *now, int mask) {
    if (!p->pi || !p->npol) return NULL;
    tu_polres *ro = tu_polres_new(p->pi), *rn = tu_polres_new(p->pi);
    tu_match_delta *d = NULL;
    size_t ng = 0, nl = 0, nn = 0;
    if (ro && rn) {
        tu_polindex_match(p->pi, now, rn);
        if (old) tu_polindex_match(p->pi, old, ro);
        for (size_t i = 0; i < p->npol; i++) {
            int b = delta_bits(ro, rn, old != NULL, i, mask);
            ng += b & 1, nl += (b >> 1) & 1, nn += (b >> 2) & 1;
        }
    }
    /* one block sized to fit (queued deltas stay small): the struct, the 3 id arrays, the reasons */
    size_t size = sizeof(tu_match_delta) + (ng + nl + nn) * sizeof(int64_t) + nn * TU_MATCH_REASON_MAX;
    if (ng + nl + nn && (d = tu_calloc(1, size)) != NULL) {
        d->ent_id = ent_id;
        d->gained = (int64_t *)(d + 1), d->lost = d->gained + ng, d->near = d->lost + nl;
        d->near_reason = (char (*)[TU_MATCH_REASON_MAX])(d->near + nn);
        for (size_t i = 0; i < p->npol; i++) {
            int b = delta_bits(ro, rn, old != NULL, i, mask);
            int64_t pid = tu_polindex_id(p->pi, i);
            if (b & 1) d->gained[d->ngained++] = pid;
            if (b & 2) d->lost[d->nlost++] = pid;
            if (b & 4) {
                near_reason(p, i, now, d->near_reason[d->nnear]);
                d->near[d->nnear++] = pid;
            }
        }
    }
    tu_polres_free(ro), tu_polres_free(rn);
    return d;
}

/* Applies one record (store id) to the index: store id i is index id i - 1; only updates and the next new id can
 * be applied in place. Returns 1 and the record's policy delta in *d (NULL when nothing changed), or 0 when the
 * record was skipped (logged). */
static int apply_record(tu_match_svc *m, int64_t store_id, const tu_ent *e, tu_match_delta **d) {
    tu_err err = {0};
    int64_t id = store_id - 1;
    tu_ent old;
    *d = NULL;
    int had = id >= 0 && tu_index_get(m->ix, (uint32_t)id, &old) == TU_OK;
    if (id < 0 || (size_t)id > tu_index_count(m->ix) || tu_index_update(m->ix, (uint32_t)id, e, &err)) {
        atomic_fetch_add(&m->skipped, 1);
        tu_log(TU_LOG_WARN, "match.index", "enterprise %lld not applied to the index: %s", (long long)store_id,
               err.msg[0] ? err.msg : "outside the index's id range");
        return 0;
    }
    atomic_fetch_add(&m->updates, 1);
    tu_metric_add(&m_index_updates, 1);
    polset *p = pol_acquire(m);
    *d = delta_of(p, store_id, had ? &old : NULL, e, 7);
    pol_release(m);
    return 1;
}

/* Change hook: each record is applied; its policy delta is queued for tu_match_svc_drain (hook subscribers may not
 * write to the store). */
static void on_change(void *ctx, const int64_t *ids, const tu_ent *ents, size_t n) {
    tu_match_svc *m = ctx;
    for (size_t i = 0; i < n; i++) {
        tu_match_delta *d;
        if (apply_record(m, ids[i], &ents[i], &d) && d) queue_delta(m, d);
    }
}

size_t tu_match_svc_drain(tu_match_svc *m, tu_match_delta_fn fn, void *ctx) {
    pthread_mutex_lock(&m->q_lock);
    tu_match_delta **q = m->q;
    size_t n = m->nq;
    m->q = NULL, m->nq = m->capq = 0;
    pthread_mutex_unlock(&m->q_lock);
    for (size_t i = 0; i < n; i++) {
        if (fn) fn(ctx, q[i]);
        tu_free(q[i]);
    }
    tu_free(q);
    return n;
}

/* ---- following the change feed ---- */

int64_t tu_match_svc_built_seq(const tu_match_svc *m) { return m->built_seq; }

typedef struct feed_row {
    int64_t seq;
    roaring_bitmap_t *ids; /* NULL: a row of this process (applied by the hook) or an unreadable blob */
} feed_row;

typedef struct feed_read {
    feed_row *rows;
    int n;
    int64_t built_seq;
} feed_read;

static int keep_row(void *ctx, const tu_change *c) {
    feed_read *f = ctx;
    int own = c->origin == tu_app_origin() && c->seq > f->built_seq;
    feed_row *r = &f->rows[f->n++];
    r->seq = c->seq;
    r->ids = own ? NULL : tu__app_change_ids(c);
    if (!own && !r->ids) tu_log(TU_LOG_WARN, "match.follow", "change %lld: unreadable id set, skipped", (long long)c->seq);
    return 0;
}

typedef struct follow_one {
    tu_match_svc *m;
    tu_store *s;
    int catchup;
    tu_match_delta_fn fn;
    void *ctx;
    size_t applied;
    int rc;
    tu_err *err;
} follow_one;

/* One changed enterprise of the feed: its current record is read back and applied. A catch-up record (changed
 * before the index was built, so already in it) has no old version: its delta is every policy it qualifies for,
 * as gained (the inbox de-duplicates what the enterprise was already told). */
static bool follow_id(uint32_t id, void *ctx) {
    follow_one *f = ctx;
    tu_ent e;
    tu_match_delta *d = NULL;
    int rc = tu_store_ent_get_by_id(f->s, id, &e, NULL, f->err);
    if (rc == TU_ENOTFOUND) return true; /* a rolled-back id cannot be in the feed; nothing to apply */
    if (rc) return f->rc = rc, false;
    if (f->catchup) {
        polset *p = pol_acquire(f->m);
        d = delta_of(p, id, NULL, &e, 1);
        pol_release(f->m);
        f->applied++;
    } else {
        f->applied += (size_t)apply_record(f->m, id, &e, &d);
    }
    if (d && f->fn) f->fn(f->ctx, d);
    tu_free(d);
    return true;
}

int tu_match_svc_follow(tu_match_svc *m, tu_store *s, int64_t *cursor, int max_rows, tu_match_delta_fn fn,
                        void *ctx, size_t *applied, tu_err *err) {
    feed_read f = {tu_calloc((size_t)(max_rows > 0 ? max_rows : 1), sizeof(feed_row)), 0, m->built_seq};
    if (!f.rows) return tu_err_set(err, TU_ENOMEM, "out of memory");
    int rc = tu_store_change_scan(s, *cursor, max_rows > 0 ? max_rows : 1, keep_row, &f, err);
    follow_one one = {m, s, 0, fn, ctx, 0, TU_OK, err};
    for (int i = 0; i < f.n; i++) {
        if (!rc && f.rows[i].ids) {
            one.catchup = f.rows[i].seq <= m->built_seq;
            roaring_iterate(f.rows[i].ids, follow_id, &one);
            rc = one.rc;
        }
        if (!rc) *cursor = f.rows[i].seq;
        bitmap_free(f.rows[i].ids);
    }
    tu_free(f.rows);
    if (applied) *applied = one.applied;
    return rc;
}

/* Reads the policy file and builds the policy index and the compiled rules. */
static int load_file(tu_match_svc *m, const char *path, tu_err *err) {
    tu_policy_rule *pr;
    int rc = tu_policy_rules_load(path, &m->ps->doc, &pr, &m->ps->npol, err);
    return rc ? rc : polset_compile(m->ps, pr, err);
}

json_t *tu_match_policy_rule(const json_t *doc, tu_err *err) {
    json_t *rule = json_object_get(doc, "rule"), *text = json_object_get(doc, "rule_text");
    if (rule) return json_incref(rule);
    if (json_is_string(text)) return tu_rule_text_parse(json_string_value(text), json_string_length(text), err);
    tu_err_set(err, TU_EVALIDATION, "the policy has no rule");
    return NULL;
}

typedef struct active_scan {
    tu_store *s;
    json_t *arr;
    char today[11];
    int rc;
    tu_err *err;
} active_scan;

/* One active policy (published or revised, a version in force today) -> {"id","code","title","rule"}. */
static int add_active(void *ctx, const tu_policy_head *h, const tu_policy_version *latest) {
    (void)latest;
    active_scan *a = ctx;
    if (strcmp(h->status, "published") != 0 && strcmp(h->status, "revised") != 0) return 0;
    tu_policy_version v;
    json_t *doc = NULL, *rule = NULL;
    tu_err e = {0};
    int rc = tu_app_policy_as_of(a->s, h->id, a->today, &v, &doc, &e);
    if (rc == TU_ENOTFOUND) return 0; /* published, but not in force yet */
    if (!rc && !(rule = tu_match_policy_rule(doc, &e))) rc = e.code ? e.code : TU_ENOMEM;
    if (!rc) {
        json_t *o = json_pack("{s:I,s:s,s:O,s:o}", "id", (json_int_t)h->id, "code", h->code, "title",
                              json_object_get(doc, "title"), "rule", rule);
        rc = o ? json_array_append_new(a->arr, o) ? TU_ENOMEM : TU_OK : TU_ENOMEM;
    }
    if (doc) tu_store_policy_version_clear(&v);
    json_decref(doc);
    if (rc) a->rc = tu_err_set(a->err, rc, "policy %s: %s", h->code, e.msg[0] ? e.msg : "out of memory");
    return rc != 0;
}

/* The active policies of the store as a new polset. */
static int load_store(tu_store *s, polset **out, tu_err *err) {
    polset *p = tu_calloc(1, sizeof *p);
    active_scan a = {s, json_array(), "", TU_OK, err};
    if (!p || !a.arr) return tu_free(p), json_decref(a.arr), tu_err_set(err, TU_ENOMEM, "out of memory");
    tu_date_format(tu_date_today(), a.today);
    p->doc = a.arr;
    int rc = tu_store_policy_scan(s, add_active, &a, err);
    if (!rc) rc = a.rc;
    if (!rc) rc = polset_build(p, "store", err);
    if (rc) polset_free(p), p = NULL;
    *out = p;
    return rc;
}

int tu_match_svc_reload(tu_match_svc *m, tu_store *s, tu_err *err) {
    if (m->from_file) return TU_OK;
    polset *p, *old;
    int rc = load_store(s, &p, err);
    if (rc) return rc;
    pthread_rwlock_wrlock(&m->pol_lock);
    old = m->ps, m->ps = p;
    pthread_rwlock_unlock(&m->pol_lock);
    polset_free(old);
    return TU_OK;
}

int tu_match_svc_open(tu_store *s, const char *policies_path, tu_match_svc **out, tu_err *err) {
    *out = NULL;
    tu_match_svc *m = tu_calloc(1, sizeof *m);
    if (!m) return tu_err_set(err, TU_ENOMEM, "out of memory");
    double t0 = now_ms();
    pthread_rwlock_init(&m->pol_lock, NULL);
    pthread_mutex_init(&m->q_lock, NULL);
    int rc = tu_store_change_last(s, &m->built_seq, err); /* before the scan: later changes are re-read */
    if (!rc) rc = tu_index_load_store(s, &m->ix, err);
    m->build_ms = now_ms() - t0;
    m->from_file = policies_path != NULL;
    if (!rc && policies_path) rc = (m->ps = tu_calloc(1, sizeof *m->ps)) ? load_file(m, policies_path, err)
                                                                         : tu_err_set(err, TU_ENOMEM, "out of memory");
    else if (!rc) rc = load_store(s, &m->ps, err);
    if (!rc) rc = tu_app_on_enterprise_change(on_change, m);
    tu_metric_register(&m_matches), tu_metric_register(&m_policy_matches), tu_metric_register(&m_index_updates);
    if (rc) {
        tu_match_svc_close(m);
        return rc;
    }
    *out = m;
    return TU_OK;
}

void tu_match_svc_close(tu_match_svc *m) {
    if (!m) return;
    tu_app_enterprise_subscribers_clear();
    tu_match_svc_drain(m, NULL, NULL);
    polset_free(m->ps);
    tu_index_close(m->ix);
    pthread_rwlock_destroy(&m->pol_lock);
    pthread_mutex_destroy(&m->q_lock);
    tu_free(m);
}

void tu_match_svc_stats_get(const tu_match_svc *m, tu_match_svc_stats *out) {
    memset(out, 0, sizeof *out);
    out->enterprises = tu_index_count(m->ix);
    polset *p = pol_acquire((tu_match_svc *)m);
    out->policies = p ? p->npol : 0;
    pol_release((tu_match_svc *)m);
    tu_index_memory(m->ix, &out->column_bytes, &out->bitmap_bytes);
    out->build_ms = m->build_ms;
    out->updates = atomic_load(&((tu_match_svc *)m)->updates);
    out->updates_skipped = atomic_load(&((tu_match_svc *)m)->skipped);
    out->deltas_dropped = atomic_load(&((tu_match_svc *)m)->dropped);
}

/* ---- counts ---- */

static const char *const set_names[] = {"eligible", "not_eligible", "unknown", "near_miss"};
static const int dims[] = {TU_A_CITY, TU_A_INDUSTRY_DIVISION, TU_A_SIZE};
static const char *const dim_names[] = {"city", "division", "size"};

static void key_of(int attr, int i, char *buf, size_t n) {
    if (attr == TU_A_CITY) snprintf(buf, n, "%u", tu_city_at(i)->code);
    else if (attr == TU_A_SIZE) snprintf(buf, n, "%s", tu_size_name(i));
    else snprintf(buf, n, "%s", tu_division_at(i)->code);
}

static json_t *counts_json(int attr, const uint64_t *c) {
    json_t *o = json_object();
    char key[16];
    for (int i = 0; i < tu_match_breakdown_len(attr); i++)
        if (c[i]) key_of(attr, i, key, sizeof key), json_object_set_new(o, key, json_integer((json_int_t)c[i]));
    return o;
}

typedef struct tally {
    tu_index *ix;
    uint64_t **by;
    uint64_t n;
} tally;

static bool tally_one(uint32_t id, void *ctx) {
    tally *t = ctx;
    tu_ent e;
    if (tu_index_get(t->ix, id, &e)) return true;
    t->n++;
    t->by[0][tu_city_index(e.city)]++;
    if (TU_ENT_HAS(&e, TU_A_INDUSTRY)) t->by[1][tu_division_index(e.division)]++;
    if (TU_ENT_HAS(&e, TU_A_SIZE)) t->by[2][e.size]++;
    return true;
}

/* Counts of one set within a city: the ids of set ∩ city, tallied from the index's records. */
static uint64_t tally_city(tu_index *ix, const roaring_bitmap_t *set, const roaring_bitmap_t *city, uint64_t *by[3]) {
    roaring_bitmap_t *both = roaring_bitmap_and(set, city);
    tally t = {ix, by, 0};
    if (both) roaring_iterate(both, tally_one, &t);
    bitmap_free(both);
    return t.n;
}

/* The ids of one city (the eligible set of city == code). */
static roaring_bitmap_t *city_ids(tu_index *ix, uint32_t code, tu_err *err) {
    char v[16];
    snprintf(v, sizeof v, "%u", code);
    json_t *rule = json_pack("{s:[{s:s},s]}", "==", "var", "city", v);
    tu_plan *p = NULL;
    tu_matchset *ms = NULL;
    roaring_bitmap_t *b = NULL;
    if (rule && !tu_plan_compile(rule, &p, err) && !tu_match_run(ix, p, 0, &ms, err))
        b = tu_matchset_bitmap(ms, TU_MS_ELIGIBLE);
    tu_matchset_free(ms), tu_plan_free(p), json_decref(rule);
    return b;
}

static int count_sets(tu_match_svc *m, const tu_matchset *ms, const roaring_bitmap_t *city, json_t *out) {
    json_t *bd = json_object();
    int rc = TU_OK;
    for (int w = 0; !rc && w < 4; w++) {
        uint64_t c0[32] = {0}, c1[128] = {0}, c2[8] = {0}, *by[3] = {c0, c1, c2}, n;
        if (city) {
            roaring_bitmap_t *set = tu_matchset_bitmap(ms, (tu_ms_which)w);
            if (!set) rc = TU_ENOMEM;
            n = set ? tally_city(m->ix, set, city, by) : 0;
            bitmap_free(set);
        } else {
            n = tu_matchset_count(ms, (tu_ms_which)w);
            for (int d = 0; !rc && d < 3; d++) rc = tu_match_breakdown(m->ix, ms, (tu_ms_which)w, dims[d], by[d]);
        }
        json_object_set_new(out, set_names[w], json_integer((json_int_t)n));
        json_t *one = json_object();
        for (int d = 0; d < 3; d++) json_object_set_new(one, dim_names[d], counts_json(dims[d], by[d]));
        json_object_set_new(bd, set_names[w], one);
    }
    json_object_set_new(out, "breakdown", bd);
    return rc;
}

int tu_match_svc_count(tu_match_svc *m, const json_t *logic, uint32_t city, json_t **out, tu_err *err) {
    *out = NULL;
    tu_plan *p = NULL;
    tu_matchset *ms = NULL;
    roaring_bitmap_t *cb = NULL;
    double t0 = now_ms();
    int rc = tu_plan_compile(logic, &p, err);
    if (!rc) rc = tu_match_run(m->ix, p, TU_MATCH_NEAR_MISS, &ms, err);
    if (!rc && city && !(cb = city_ids(m->ix, city, err))) rc = err->code ? err->code : TU_ENOMEM;
    json_t *o = rc ? NULL : json_object();
    if (o) rc = count_sets(m, ms, cb, o);
    if (o && !rc) {
        tu_metric_add(&m_matches, 1);
        json_object_set_new(o, "city", city ? json_integer(city) : json_null());
        json_object_set_new(o, "ms", json_real(now_ms() - t0));
    }
    bitmap_free(cb), tu_matchset_free(ms), tu_plan_free(p);
    if (rc) json_decref(o), o = NULL;
    *out = o;
    return rc ? rc : TU_OK;
}

/* ---- one enterprise's policies ---- */

/* The lines of s as a JSON array; frees s. */
static json_t *lines_of(char *s) {
    json_t *a = json_array();
    for (char *line = s, *nl; line && *line; line = nl ? nl + 1 : line + strlen(line)) {
        nl = strchr(line, '\n');
        json_array_append_new(a, json_stringn(line, nl ? (size_t)(nl - line) : strlen(line)));
    }
    tu_free(s);
    return a;
}

json_t *tu_explain_lines(const json_t *explanation, const char *lang) {
    return lines_of(tu_explain_sentences(explanation, lang));
}

json_t *tu_rule_lines(const json_t *logic, const char *lang) {
    tu_rule *rule = NULL;
    tu_ent e;
    tu_ent_init(&e);
    json_t *x = tu_rule_from_json(logic, &rule, NULL) ? NULL : tu_rule_explain(rule, &e, NULL, NULL);
    json_t *a = lines_of(x ? tu_explain_rule_sentences(x, lang) : NULL);
    json_decref(x), tu_rule_free(rule);
    return a;
}

/* Appends the list item of policy position pos: its head, the reason and, with explain, the explanation. */
static void add_policy(tu_sbuf *b, const polset *m, size_t pos, const tu_ent *e, tu_pr_which w, int explain,
                       const json_t *prov) {
    char why[512];
    tu_sbuf_adds(b, m->heads[pos]);
    if (w == TU_PR_ELIGIBLE) {
        tu_sbuf_adds(b, ",\"reason\":\"all conditions met\"");
    } else {
        tu_sbuf_adds(b, ",\"reason\":");
        tu_sbuf_add_jstr(b, tu_polindex_reason(m->pi, pos, e, why, sizeof why));
    }
    tu_explain_opts opts = {1, prov};
    json_t *x = explain ? tu_rule_explain(m->rules[pos], e, &opts, NULL) : NULL;
    if (x) {
        json_t *zh = tu_explain_lines(x, "zh"), *en = tu_explain_lines(x, "en");
        tu_sbuf_adds(b, ",\"sentences\":{\"zh\":");
        tu_sbuf_add_json(b, zh);
        tu_sbuf_adds(b, ",\"en\":");
        tu_sbuf_add_json(b, en);
        tu_sbuf_adds(b, "},\"explanation\":");
        tu_sbuf_add_json(b, x);
        json_decref(zh), json_decref(en), json_decref(x);
    }
    tu_sbuf_add(b, "}", 1);
}

int tu_match_svc_policies(tu_match_svc *m, const tu_ent *e, unsigned lists, size_t offset, size_t limit,
                          int explain, const json_t *provenance, char **out, size_t *len, tu_err *err) {
    static const char *const names[] = {"eligible", "near_miss", "unknown"};
    *out = NULL;
    polset *p = pol_acquire(m);
    tu_polres *r = p->pi ? tu_polres_new(p->pi) : NULL;
    size_t want = p->npol, n[3] = {0}; /* positions listed: up to the page's end */
    if (limit && offset < p->npol && limit < p->npol - offset) want = offset + limit;
    uint32_t *pos = want ? tu_malloc(want * sizeof *pos) : NULL;
    if ((p->pi && !r) || (want && !pos)) {
        tu_polres_free(r), tu_free(pos);
        pol_release(m);
        return tu_err_set(err, TU_ENOMEM, "out of memory");
    }
    if (r) tu_polindex_match(p->pi, e, r), tu_metric_add(&m_policy_matches, 1);
    for (int w = 0; w < 3 && r; w++) n[w] = tu_polres_list(r, (tu_pr_which)w, NULL, 0);
    tu_sbuf b = {0};
    tu_sbuf_addf(&b, "{\"policies\":%zu,\"uscc\":", p->npol);
    tu_sbuf_add_jstr(&b, e->uscc);
    tu_sbuf_addf(&b, ",\"counts\":{\"eligible\":%zu,\"near_miss\":%zu,\"unknown\":%zu}", n[0], n[1], n[2]);
    for (int w = 0; w < 3; w++) {
        if (lists && !(lists >> w & 1u)) continue;
        tu_sbuf_addf(&b, ",\"%s\":[", names[w]);
        if (r) tu_polres_list(r, (tu_pr_which)w, pos, want);
        size_t end = n[w] < want ? n[w] : want;
        for (size_t i = offset; i < end; i++) {
            if (i > offset) tu_sbuf_add(&b, ",", 1);
            add_policy(&b, p, pos[i], e, (tu_pr_which)w, explain, provenance);
        }
        tu_sbuf_add(&b, "]", 1);
    }
    tu_sbuf_add(&b, "}", 1);
    tu_polres_free(r), tu_free(pos);
    pol_release(m);
    return (*out = tu_sbuf_take(&b, len)) ? TU_OK : tu_err_set(err, TU_ENOMEM, "out of memory");
}

int tu_match_svc_record(tu_match_svc *m, const char *uscc, tu_ent *out) {
    int64_t id = tu_index_find_uscc(m->ix, uscc);
    return id < 0 ? TU_ENOTFOUND : tu_index_get(m->ix, (uint32_t)id, out);
}

/* ---- eligible sets and publishing ---- */

typedef struct shift {
    roaring_bitmap_t *out;
    uint32_t buf[4096];
    size_t n;
} shift;

static bool shift_one(uint32_t id, void *ctx) {
    shift *sh = ctx;
    sh->buf[sh->n++] = id + 1;
    if (sh->n == sizeof sh->buf / sizeof sh->buf[0]) roaring_bitmap_add_many(sh->out, sh->n, sh->buf), sh->n = 0;
    return true;
}

int tu_match_svc_eligible(tu_match_svc *m, const json_t *logic, roaring_bitmap_t **out, tu_err *err) {
    *out = NULL;
    tu_plan *p = NULL;
    roaring_bitmap_t *b = NULL;
    int rc = tu_plan_compile(logic, &p, err);
    if (!rc) rc = tu_match_eligible(m->ix, p, &b, err);
    shift *sh = rc ? NULL : tu_calloc(1, sizeof *sh);
    if (!rc && (!sh || !(sh->out = roaring_bitmap_create()))) rc = tu_err_set(err, TU_ENOMEM, "out of memory");
    if (!rc) { /* index id i is store id i + 1 (load.c) */
        roaring_iterate(b, shift_one, sh);
        roaring_bitmap_add_many(sh->out, sh->n, sh->buf);
        roaring_bitmap_run_optimize(sh->out);
        *out = sh->out;
    }
    tu_free(sh), bitmap_free(b), tu_plan_free(p);
    return rc;
}

/* ---- estimated total benefit ---- */

/* The first project.* variable formula reads, in buf (empty when none). */
static void project_var(const json_t *f, char *buf, size_t n) {
    if (buf[0]) return;
    if (json_is_object(f)) {
        const json_t *v = json_object_get(f, "var");
        const char *name = json_string_value(json_is_array(v) ? json_array_get(v, 0) : v);
        if (name && strncmp(name, "project.", 8) == 0) {
            snprintf(buf, n, "%s", name);
            return;
        }
        const char *k;
        json_t *x;
        json_object_foreach((json_t *)f, k, x) project_var(x, buf, n);
    } else if (json_is_array(f)) {
        size_t i;
        json_t *x;
        json_array_foreach(f, i, x) project_var(x, buf, n);
    }
}

typedef struct summer {
    tu_index *ix;
    tu_benefit *formula;
    int64_t cap, total;
    uint64_t counted, missing;
    int rc;
    tu_err *err;
} summer;

static bool sum_one(uint32_t id, void *ctx) {
    summer *s = ctx;
    tu_ent e;
    int64_t fen = 0;
    tu_err e2 = {0};
    if (tu_index_get(s->ix, id, &e)) return true;
    int rc = tu_benefit_run(s->formula, &e, NULL, &fen, &e2);
    if (rc == TU_EEVAL) return s->missing++, true; /* a missing attribute: not in the sum */
    if (rc) return s->rc = tu_err_set(s->err, rc, "benefit formula: %s", e2.msg), false;
    if (s->cap > 0 && fen > s->cap) fen = s->cap;
    if (__builtin_add_overflow(s->total, fen, &s->total))
        return s->rc = tu_err_set(s->err, TU_ELIMIT, "the estimated total exceeds 64-bit fen"), false;
    s->counted++;
    return true;
}

/* The eligible set of logic in index ids, within city when city != 0. */
static int eligible_ix(tu_match_svc *m, const json_t *logic, uint32_t city, roaring_bitmap_t **out, tu_err *err) {
    tu_plan *p = NULL;
    tu_matchset *ms = NULL;
    *out = NULL;
    int rc = tu_plan_compile(logic, &p, err);
    if (!rc) rc = tu_match_run(m->ix, p, 0, &ms, err);
    if (!rc && !(*out = tu_matchset_bitmap(ms, TU_MS_ELIGIBLE))) rc = tu_err_set(err, TU_ENOMEM, "out of memory");
    tu_matchset_free(ms), tu_plan_free(p);
    roaring_bitmap_t *cb = NULL;
    if (!rc && city && !(cb = city_ids(m->ix, city, err))) rc = err->code ? err->code : TU_ENOMEM;
    if (cb) roaring_bitmap_and_inplace(*out, cb);
    bitmap_free(cb);
    return rc;
}

int tu_match_svc_estimate(tu_match_svc *m, const json_t *doc, uint32_t city, tu_benefit_estimate *out, tu_err *err) {
    memset(out, 0, sizeof *out);
    json_t *logic = tu_match_policy_rule(doc, err), *formula = NULL;
    if (!logic) return err->code ? err->code : TU_ENOMEM;
    roaring_bitmap_t *b = NULL;
    int rc = eligible_ix(m, logic, city, &b, err);
    json_decref(logic);
    if (!rc) out->eligible = roaring_bitmap_get_cardinality(b);
    int64_t cap = json_integer_value(json_object_get(doc, "cap_fen"));
    char pv[128] = "";
    int has = json_object_get(doc, "benefit") || json_object_get(doc, "benefit_text");
    if (!rc && has && !(formula = tu_policy_logic(doc, "benefit", err))) rc = err->code ? err->code : TU_ENOMEM;
    if (formula) project_var(formula, pv, sizeof pv);
    if (rc) {
    } else if (!formula) {
        snprintf(out->reason, sizeof out->reason, "the policy has no benefit formula");
    } else if (pv[0] && cap <= 0) {
        snprintf(out->reason, sizeof out->reason, "the formula needs project data (%s) and the policy has no "
                 "per-enterprise cap", pv);
    } else if (pv[0]) {
        out->basis = TU_EST_CAP_BOUND;
        if (__builtin_mul_overflow((int64_t)out->eligible, cap, &out->total_fen))
            rc = tu_err_set(err, TU_ELIMIT, "eligible x cap exceeds 64-bit fen");
        snprintf(out->reason, sizeof out->reason, "the formula needs project data (%s): an upper bound, %llu "
                 "eligible enterprises x the per-enterprise cap", pv, (unsigned long long)out->eligible);
    } else {
        summer sm = {m->ix, NULL, cap, 0, 0, 0, TU_OK, err};
        rc = tu_benefit_compile(formula, &sm.formula, err);
        if (!rc) roaring_iterate(b, sum_one, &sm), rc = sm.rc;
        tu_benefit_free(sm.formula);
        out->basis = TU_EST_FORMULA, out->total_fen = sm.total, out->counted = sm.counted, out->missing = sm.missing;
        snprintf(out->reason, sizeof out->reason, "the benefit formula evaluated for %llu eligible enterprises%s; "
                 "%llu lack data it needs and are not counted", (unsigned long long)sm.counted,
                 cap > 0 ? ", each capped" : "", (unsigned long long)sm.missing);
    }
    json_decref(formula);
    bitmap_free(b);
    if (rc) memset(out, 0, sizeof *out);
    return rc;
}

/* The eligible set (store ids) under version `version` of policy id. */
static int eligible_of_version(tu_match_svc *m, tu_store *s, int64_t id, int version, roaring_bitmap_t **out,
                               tu_err *err) {
    tu_policy_version v;
    *out = NULL;
    int rc = tu_store_policy_version(s, id, version, &v, err);
    if (rc) return rc;
    json_error_t je;
    json_t *doc = json_loads(v.doc, 0, &je), *rule = NULL;
    if (!doc) rc = tu_err_set(err, TU_ECORRUPT, "stored policy document does not parse: %s", je.text);
    else if (!(rule = tu_match_policy_rule(doc, err))) rc = err->code ? err->code : TU_ENOMEM;
    if (!rc) rc = tu_match_svc_eligible(m, rule, out, err);
    json_decref(rule), json_decref(doc);
    tu_store_policy_version_clear(&v);
    return rc;
}

int tu_match_svc_publish(tu_match_svc *m, tu_store *s, int64_t id, int64_t *campaign_id, uint64_t *recipients,
                         tu_err *err) {
    tu_policy_version latest;
    int rc = tu_store_policy_version(s, id, 0, &latest, err);
    if (rc) return rc;
    int version = latest.version, published = latest.published;
    tu_store_policy_version_clear(&latest);
    if (published) return tu_err_set(err, TU_ESTATE, "policy %lld: version %d is already published", (long long)id, version);
    roaring_bitmap_t *elig = NULL, *prev = NULL;
    rc = eligible_of_version(m, s, id, version, &elig, err);
    if (!rc && version > 1) rc = eligible_of_version(m, s, id, version - 1, &prev, err);
    if (!rc) rc = tu_app_policy_publish_revision(s, id, elig, prev, campaign_id, err);
    if (!rc && recipients) *recipients = roaring_bitmap_get_cardinality(elig);
    bitmap_free(elig), bitmap_free(prev);
    if (!rc) {
        tu_err rerr = {0};
        if (tu_match_svc_reload(m, s, &rerr))
            tu_log(TU_LOG_WARN, "match.policies", "reload after publishing policy %lld failed: %s", (long long)id, rerr.msg);
    }
    return rc;
}
