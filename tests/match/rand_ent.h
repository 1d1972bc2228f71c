/* rand_ent.h — random enterprises and random eligibility rules for the match tests and bench (header-only,
 * deterministic for a seed). Values come in through tu_ent_set_cell/tu_ent_finish like real imports, with
 * missing cells, so every three-valued path is exercised. */
#ifndef TU_TESTS_MATCH_RAND_ENT_H
#define TU_TESTS_MATCH_RAND_ENT_H

#include <jansson.h>
#include <stdio.h>
#include <string.h>

#include "core/codes.h"
#include "core/enterprise.h"
#include "core/num.h"

static uint64_t rnd_state = 88172645463325252ull;
static inline uint64_t rnd(void) {
    rnd_state ^= rnd_state << 13, rnd_state ^= rnd_state >> 7, rnd_state ^= rnd_state << 17;
    return rnd_state;
}
static inline int rndn(int n) { return (int)(rnd() % (uint64_t)n); }

static const char *const rnd_divisions[] = {"C13", "C26", "C33", "C34", "C35", "C38", "C39", "C40", "I65", "F51"};

static inline void rnd_uscc(char out[19], uint32_t id) {
    char s[18];
    memcpy(s, "91440300", 8);
    for (int i = 8; i < 17; i++) s[i] = tu_uscc_alphabet[(id >> ((i - 8) * 3) & 7) + (i & 1) * 8];
    char c = tu_uscc_check_char(s);
    memcpy(out, s, 17), out[17] = c, out[18] = '\0';
}

static inline void set_text(tu_ent *e, int attr, const char *s) {
    tu_err err;
    if (tu_ent_set_cell(e, attr, s, strlen(s), tu_date_from_ymd(2026, 11, 27), &err) != TU_OK) {
        fprintf(stderr, "bad test value %s=%s: %s\n", tu_attr_get(attr)->name, s, err.msg);
        abort();
    }
}

static inline void rnd_ent(tu_ent *e, uint32_t id) {
    char b[256];
    tu_ent_init(e);
    rnd_uscc(b, id);
    set_text(e, TU_A_USCC, b);
    set_text(e, TU_A_NAME, "测试企业");
    const tu_city *c = tu_city_at(rndn(tu_city_count()));
    snprintf(b, sizeof b, "%06u", c->code), set_text(e, TU_A_CITY, b);
    if (rndn(4)) snprintf(b, sizeof b, "%06u", c->code + 1 + (uint32_t)rndn(20)), set_text(e, TU_A_DISTRICT, b);
    if (rndn(10)) {
        const char *d = rnd_divisions[rndn(10)];
        int tail = rndn(3);
        snprintf(b, sizeof b, "%s%.*s", d, tail, "12");
        set_text(e, TU_A_INDUSTRY, b);
    }
    if (rndn(5) == 0) set_text(e, TU_A_SIZE, tu_size_name(rndn(TU_SIZE_COUNT)));
    if (rndn(8)) snprintf(b, sizeof b, "%d.%d", rndn(10) ? rndn(6000) : rndn(200000), rndn(100)), set_text(e, TU_A_REVENUE, b);
    if (rndn(8)) snprintf(b, sizeof b, "%d", rndn(2000)), set_text(e, TU_A_EMPLOYEES, b);
    if (rndn(8)) snprintf(b, sizeof b, "%d.%d", rndn(12), rndn(10)), set_text(e, TU_A_RD_RATIO, b);
    if (rndn(3)) snprintf(b, sizeof b, "%d.%04d", rndn(20000), rndn(10000)), set_text(e, TU_A_ENERGY_TCE, b);
    if (rndn(8)) {
        char d[TU_DATE_BUFSZ];
        set_text(e, TU_A_FOUNDED, tu_date_format(tu_date_from_ymd(1980, 1, 1) + rndn(16000), d));
    }
    b[0] = '\0';
    for (int t = 0; t < TU_TAG_COUNT; t++)
        if (rndn(4) == 0) strcat(b, tu_tag_get(t)->name), strcat(b, ";");
    set_text(e, TU_A_TAGS, b);
    tu_err err;
    if (tu_ent_finish(e, &err) != TU_OK) abort();
}

/* ---- random rules ---- */
static inline json_t *rnd_var(const char *name) { return json_pack("{s:s}", "var", name); }

static inline json_t *rnd_num_const(int attr) {
    static const double revenue[] = {0, 100, 500, 1999.99, 2000, 2000.005, 5000, 1e4, 0.00005, -1};
    switch (attr) {
    case TU_A_REVENUE: return rndn(2) ? json_real(revenue[rndn(10)]) : json_integer(rndn(6000));
    case TU_A_EMPLOYEES: return rndn(3) ? json_integer(rndn(2000)) : json_real(rndn(2000) + 0.5);
    case TU_A_RD_RATIO: return json_real(rndn(120) / 10.0);
    default: return json_real(rndn(20000) + rndn(10000) / 1e4);
    }
}

static inline json_t *rnd_leaf(void) {
    static const char *const ops[] = {"==", "!=", "<", "<=", ">", ">="};
    static const int nums[] = {TU_A_REVENUE, TU_A_EMPLOYEES, TU_A_RD_RATIO, TU_A_ENERGY_TCE};
    const char *op = ops[rndn(6)];
    char b[32];
    switch (rndn(10)) {
    case 0:
    case 1: {
        int a = nums[rndn(4)];
        json_t *v = rnd_var(tu_attr_get(a)->name), *c = rnd_num_const(a);
        return rndn(2) ? json_pack("{s:[o,o]}", op, v, c) : json_pack("{s:[o,o]}", op, c, v);
    }
    case 2: {
        int a = nums[rndn(4)];
        const char *bop = rndn(2) ? "<" : "<=";
        return json_pack("{s:[o,o,o]}", bop, rnd_num_const(a), rnd_var(tu_attr_get(a)->name), rnd_num_const(a));
    }
    case 3: {
        char d[TU_DATE_BUFSZ];
        tu_date_format(tu_date_from_ymd(1980, 1, 1) + rndn(16000), d);
        return json_pack("{s:[o,s]}", op, rnd_var("founded"), d);
    }
    case 4: {
        snprintf(b, sizeof b, "%06u", tu_city_at(rndn(tu_city_count()))->code);
        return json_pack("{s:[o,s]}", rndn(2) ? "==" : "!=", rnd_var("city"), b);
    }
    case 5: {
        json_t *list = json_array();
        for (int i = rndn(4); i >= 0; i--) json_array_append_new(list, json_string(rnd_divisions[rndn(10)]));
        if (rndn(3) == 0) return json_pack("{s:[o,o]}", "in", rnd_var("industry_division"), list);
        json_array_clear(list);
        for (int i = rndn(3); i >= 0; i--) json_array_append_new(list, json_string(tu_region_name(rndn(4))));
        return json_pack("{s:[o,o]}", "in", rnd_var(rndn(2) ? "region" : "industry_section"), list);
    }
    case 6: return json_pack("{s:[s,o]}", "in", tu_tag_get(rndn(TU_TAG_COUNT))->name, rnd_var("tags"));
    case 7: return json_pack("{s:[o,s]}", rndn(2) ? "==" : "!=", rnd_var("size"), tu_size_name(rndn(4)));
    case 8: /* outside the compilable subset: residuals evaluated row by row by rules/ */
        switch (rndn(3)) {
        case 0: return json_pack("{s:[o,s]}", "==", rnd_var("industry"), rndn(2) ? "C382" : "C38");
        case 1: return json_pack("{s:[{s:[o,i]},i]}", ">", "*", rnd_var("revenue"), 2, rndn(8000));
        default: return json_pack("{s:[s,o]}", "in", "C38", rnd_var("industry"));
        }
    default: return json_pack("{s:[o,s]}", "==", rnd_var("industry_section"), rndn(2) ? "C" : "I");
    }
}

static inline json_t *rnd_rule(int depth) {
    int r = rndn(10);
    if (depth <= 0 || r < 4) return rndn(40) ? rnd_leaf() : json_boolean(rndn(2));
    if (r < 5) return json_pack("{s:o}", rndn(2) ? "!" : "!!", rnd_rule(depth - 1));
    json_t *kids = json_array();
    for (int i = 1 + rndn(3); i > 0; i--) json_array_append_new(kids, rnd_rule(depth - 1));
    return json_pack("{s:o}", r < 8 ? "and" : "or", kids);
}

#endif
