/* Tests of src/app/gen.c: deterministic per seed, every row valid and unique, the distributions the model promises
 * (manufacturing share, its largest divisions, city ranking, tag rates, above-scale exactly by definition), and the
 * generator's output as the canonical CSV (gen -> import -> export gives the same bytes). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <cmocka.h>

#include "tmpdir.h"

#include "app/gen.h"
#include "app/registry.h"
#include "core/codes.h"
#include "store/registry.h"

#define N 50000


static char *gen_str(uint64_t n, uint64_t seed, size_t *len) {
    char *buf = NULL;
    FILE *f = open_memstream(&buf, len);
    tu_err err = {0};
    assert_int_equal(tu_gen_write(f, n, seed, &err), TU_OK);
    fclose(f);
    return buf;
}

static void test_deterministic(void **state) {
    (void)state;
    size_t la, lb, lc;
    char *a = gen_str(3000, 7, &la), *b = gen_str(3000, 7, &lb), *c = gen_str(3000, 8, &lc);
    assert_int_equal(la, lb);
    assert_memory_equal(a, b, la);
    assert_true(la != lc || memcmp(a, c, la) != 0);
    /* Row i is the same whatever n is, and tu_gen_row gives it alone. */
    size_t ls;
    char *small = gen_str(100, 7, &ls);
    assert_memory_equal(a, small, ls);
    const char *line = a;
    for (int i = 0; i < 1 + 1234; i++) line = strchr(line, '\n') + 1; /* header + 1234 rows */
    char row[512];
    int n = tu_gen_row(7, 1234, row, sizeof row);
    assert_true(n > 0);
    assert_memory_equal(line, row, (size_t)n);
    assert_int_equal(line[n], '\n');
    assert_int_equal(tu_gen_row(7, 0, row, 100), -1); /* too small a buffer */
    free(a), free(b), free(c), free(small);
}

typedef struct tally {
    int64_t rows, mfg, c33, c39, c38, high_tech, specialized, giant, above, above_wrong, area_wrong, size_given;
    int64_t micro_small, city[32];
} tally;

static int count_one(void *ctx, int64_t id, const tu_ent *e, int64_t source_id) {
    tally *t = ctx;
    (void)id, (void)source_id;
    t->rows++;
    int c = TU_ENT_HAS(e, TU_A_INDUSTRY) && e->industry[0] == 'C';
    t->mfg += c;
    t->c33 += c && strcmp(e->division, "C33") == 0;
    t->c39 += c && strcmp(e->division, "C39") == 0;
    t->c38 += c && strcmp(e->division, "C38") == 0;
    t->high_tech += (e->tags >> TU_TAG_HIGH_TECH) & 1;
    t->specialized += (e->tags >> TU_TAG_SPECIALIZED_SME) & 1;
    t->giant += (e->tags >> TU_TAG_LITTLE_GIANT) & 1;
    int above = TU_ENT_HAS(e, TU_A_INDUSTRY) && TU_ENT_HAS(e, TU_A_REVENUE) && tu_is_above_scale(e->industry[0], e->revenue);
    t->above += above;
    t->above_wrong += above != (int)((e->tags >> TU_TAG_ABOVE_SCALE) & 1);
    uint32_t area = 0;
    for (int i = 2; i < 8; i++) area = area * 10 + (uint32_t)(e->uscc[i] - '0');
    t->area_wrong += area != e->city && !tu_district_valid(e->city, area);
    t->size_given += e->size_given;
    t->micro_small += TU_ENT_HAS(e, TU_A_SIZE) && (e->size == TU_SIZE_MICRO || e->size == TU_SIZE_SMALL);
    t->city[tu_city_index(e->city)]++;
    return 0;
}

static double pct(int64_t a, int64_t b) { return 100.0 * (double)a / (double)b; }

static void test_valid_and_realistic(void **state) {
    (void)state;
    size_t len;
    char *csv = gen_str(N, 1, &len);
    char path[256], db[256];
    snprintf(path, sizeof path, "%s/gen.csv", dir);
    snprintf(db, sizeof db, "%s/gen.db", dir);
    FILE *f = fopen(path, "wb");
    fwrite(csv, 1, len, f);
    fclose(f);
    tu_store *s = NULL;
    tu_err err = {0};
    assert_int_equal(tu_store_open(db, 0, &s, &err), TU_OK);
    tu_import_stats st;
    assert_int_equal(tu_app_import_csv(s, path, NULL, &st, &err), TU_OK);
    assert_int_equal(st.rejected, 0);    /* every row valid */
    assert_int_equal(st.inserted, N);    /* every USCC unique */
    tally t = {0};
    assert_int_equal(tu_store_ent_scan(s, count_one, &t, &err), TU_OK);
    assert_int_equal(t.rows, N);
    assert_int_equal(t.area_wrong, 0);  /* USCC area digits: the city or a district under it */
    assert_int_equal(t.above_wrong, 0); /* above_scale exactly by definition */
    double mfg = pct(t.mfg, t.rows);
    assert_true(mfg > 13.5 && mfg < 16.5);
    assert_true(fabs(pct(t.c33, t.mfg) - 15.2) < 1.5);
    assert_true(fabs(pct(t.c39, t.mfg) - 10.9) < 1.5);
    assert_true(fabs(pct(t.c38, t.mfg) - 10.1) < 1.5);
    double ht = pct(t.high_tech, t.rows), sp = pct(t.specialized, t.rows);
    if (ht < 0.6 || ht > 1.5 || sp < 0.15 || sp > 0.5) fprintf(stderr, "high_tech %.2f %% specialized %.2f %%\n", ht, sp);
    assert_true(ht > 0.6 && ht < 1.5);
    assert_true(sp > 0.15 && sp < 0.5);
    assert_true(t.giant <= t.specialized);
    assert_true(pct(t.micro_small, t.rows) > 80); /* mostly micro and small */
    assert_true(pct(t.size_given, t.rows) < 15);  /* size mostly derived */
    int sz = tu_city_index(440300), gz = tu_city_index(440100), dg = tu_city_index(441900), fs = tu_city_index(440600);
    assert_true(t.city[sz] > t.city[gz] && t.city[gz] > t.city[dg] && t.city[dg] > t.city[fs]);
    for (int i = 0; i < tu_city_count(); i++) assert_true(t.city[i] > 0);

    /* The generator writes canonical CSV: the export is byte for byte the file. */
    char *buf = NULL;
    size_t blen = 0;
    FILE *m = open_memstream(&buf, &blen);
    assert_int_equal(tu_app_export_csv(s, m, NULL, &err), TU_OK);
    fclose(m);
    assert_int_equal(blen, len);
    assert_memory_equal(buf, csv, len);
    free(buf);
    free(csv);
    tu_store_close(s);
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_deterministic),
        cmocka_unit_test(test_valid_and_realistic),
    };
    return cmocka_run_group_tests(tests, tmpdir_setup, tmpdir_teardown);
}
