/* Tests of src/app/registry.c: CSV import edge cases (BOM, CRLF, quoted commas and newlines, blank lines,
 * non-UTF-8, wrong cell counts, bad cells), the reject file, strict mode, header errors, duplicates, resuming an
 * interrupted run, the change hook, and the import -> export round trip. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <cmocka.h>

#include "tmpdir.h"

#include "app/registry.h"
#include "core/alloc.h"
#include "core/codes.h"
#include "store/registry.h"

static char U[8][19]; /* valid USCCs */

static int setup(void **state) {
    for (int i = 0; i < 8; i++) {
        snprintf(U[i], sizeof U[i], "91440300%08d", 4711 + i);
        U[i][16] = tu_org_check_char(U[i] + 8);
        U[i][17] = tu_uscc_check_char(U[i]);
        U[i][18] = '\0';
    }
    return tmpdir_setup(state);
}

/* Writes text (len bytes) to dir/name and returns the path (static buffer per slot). */
static const char *write_file(const char *name, const char *text, size_t len) {
    static char paths[4][256];
    static int slot;
    char *p = paths[slot++ % 4];
    snprintf(p, 256, "%s/%s", dir, name);
    FILE *f = fopen(p, "wb");
    assert_non_null(f);
    assert_int_equal(fwrite(text, 1, len, f), len);
    fclose(f);
    return p;
}

static char *read_all(const char *path) {
    FILE *f = fopen(path, "rb");
    if (!f) return NULL;
    static char buf[65536];
    size_t n = fread(buf, 1, sizeof buf - 1, f);
    fclose(f);
    buf[n] = '\0';
    return buf;
}

static tu_store *open_db(const char *name) {
    char path[256];
    snprintf(path, sizeof path, "%s/%s", dir, name);
    unlink(path);
    tu_store *s = NULL;
    tu_err err = {0};
    assert_int_equal(tu_store_open(path, 0, &s, &err), TU_OK);
    return s;
}

/* Export into a malloc'd string (free with free()). */
static char *export_str(tu_store *s) {
    char *buf = NULL;
    size_t len = 0;
    FILE *f = open_memstream(&buf, &len);
    tu_err err = {0};
    assert_int_equal(tu_app_export_csv(s, f, NULL, &err), TU_OK);
    fclose(f);
    return buf;
}

static int64_t count(tu_store *s) {
    int64_t n = -1;
    tu_err err = {0};
    assert_int_equal(tu_store_ent_count(s, &n, &err), TU_OK);
    return n;
}

static const char HEADER[] = "uscc,name,city,district,industry,size,revenue,employees,founded,rd_ratio,energy_tce,tags\n";

static void test_edge_cases_import_and_round_trip(void **state) {
    (void)state;
    char csv[4096];
    /* BOM, CRLF, columns in another order, quoted comma, quoted newline and quote, blank lines, empty cells. */
    int n = snprintf(csv, sizeof csv,
                     "\xEF\xBB\xBFname,uscc,city,industry,revenue,employees,tags\r\n"
                     "\"华星, 五金有限公司\",%s,440300,C33,2500.5,120,above_scale;high_tech\r\n"
                     "\r\n"
                     "\"多行\r\n名称 \"\"引号\"\"\",%s,440100,,,,\r\n"
                     "\n\n"
                     "普通公司,%s,441900,F51,10,3,\r\n",
                     U[0], U[1], U[2]);
    const char *path = write_file("edge.csv", csv, (size_t)n);
    tu_store *s = open_db("edge.db");
    tu_import_opts o = {0};
    tu_import_stats st;
    tu_err err = {0};
    assert_int_equal(tu_app_import_csv(s, path, &o, &st, &err), TU_OK);
    assert_int_equal(st.rows, 3);
    assert_int_equal(st.imported, 3);
    assert_int_equal(st.rejected, 0);
    assert_int_equal(st.inserted, 3);
    assert_int_equal(access(st.reject_path, F_OK), -1); /* no rejects, no file */
    char *out = export_str(s);
    char want[4096];
    snprintf(want, sizeof want,
             "%s"
             "%s,\"华星, 五金有限公司\",440300,,C33,,2500.5,120,,,,high_tech;above_scale\n"
             "%s,\"多行\r\n名称 \"\"引号\"\"\",440100,,,,,,,,,\n"
             "%s,普通公司,441900,,F51,,10,3,,,,\n",
             HEADER, U[0], U[1], U[2]);
    assert_string_equal(out, want);
    /* Import the export into a fresh database: the second export is identical. */
    const char *path2 = write_file("edge-export.csv", out, strlen(out));
    tu_store *s2 = open_db("edge2.db");
    assert_int_equal(tu_app_import_csv(s2, path2, &o, &st, &err), TU_OK);
    char *out2 = export_str(s2);
    assert_string_equal(out2, out);
    free(out);
    free(out2);
    tu_store_close(s);
    tu_store_close(s2);
}

/* Every kind of bad row goes to the reject file with its row, column and reason; the good rows are imported. */
static void test_rejects(void **state) {
    (void)state;
    char csv[4096], bad_check[19];
    memcpy(bad_check, U[3], 19);
    bad_check[17] = bad_check[17] == '0' ? '1' : '0';
    int n = snprintf(csv, sizeof csv,
                     "%s"
                     "%s,好公司,440300,440305,C39,,100,10,2015-01-01,2.5,3.1,\n"       /* row 2: fine */
                     "%s,校验错,440300,,,,,,,,,\n"                                       /* 3: USCC check */
                     "%s,城市错,999999,,,,,,,,,\n"                                       /* 4: city */
                     "%s,区县错,440300,440105,,,,,,,,\n"                                 /* 5: district */
                     "%s,负收入,440300,,C33,,-5,,,,,\n"                                  /* 6: revenue */
                     "%s,未来,440300,,,,,,2999-01-01,,,\n"                               /* 7: founded */
                     "%s,标签,440300,,,,,,,,,no_such_tag\n"                              /* 8: tags */
                     "%s,\xff\xfe,440300,,,,,,,,,\n"                                     /* 9: name not UTF-8 */
                     "%s,少列,440300\n"                                                  /* 10: too few */
                     "%s,多列,440300,,,,,,,,,,extra\n"                                  /* 11: too many */
                     ",无码,440300,,,,,,,,,\n"                                          /* 12: uscc missing */
                     "%s,好公司二,440100,,,small,,,,,,\n",                               /* 13: fine */
                     HEADER, U[0], bad_check, U[4], U[5], U[6], U[7], U[1], U[2], U[3], U[4], U[5]);
    const char *path = write_file("rej.csv", csv, (size_t)n);
    char rej[256];
    snprintf(rej, sizeof rej, "%s/rej-out.csv", dir);
    tu_store *s = open_db("rej.db");
    tu_import_opts o = {.reject_path = rej};
    tu_import_stats st;
    tu_err err = {0};
    assert_int_equal(tu_app_import_csv(s, path, &o, &st, &err), TU_OK);
    assert_int_equal(st.rows, 12);
    assert_int_equal(st.imported, 2);
    assert_int_equal(st.rejected, 10);
    assert_int_equal(count(s), 2);
    char *r = read_all(rej);
    assert_non_null(r);
    char line[512];
    snprintf(line, sizeof line, "%s", "uscc,name,city,district,industry,size,revenue,employees,founded,rd_ratio,"
                                      "energy_tce,tags,error_row,error_column,error_reason\n");
    assert_memory_equal(r, line, strlen(line));
    static const char *const expect[] = {
        ",3,uscc,\"check character is ", ",4,city,'999999' is not a city code", ",5,district,district 440105 is not under city 440300",
        ",6,revenue,revenue may not be negative", ",7,founded,founding date 2999-01-01 is in the future",
        ",8,tags,unknown tag 'no_such_tag'", ",9,name,not valid UTF-8 at byte 1",
        ",10,,\"the row has 3 cells, the header has 12\"", ",11,,\"the row has 13 cells, the header has 12\"",
        ",12,uscc,uscc is required",
    };
    for (size_t i = 0; i < sizeof expect / sizeof expect[0]; i++) {
        if (!strstr(r, expect[i])) fprintf(stderr, "missing in reject file: %s\n---\n%s", expect[i], r);
        assert_non_null(strstr(r, expect[i]));
    }
    snprintf(line, sizeof line, "%s,多列,440300,,,,,,,,,,extra,11,", U[4]); /* the original cells come back */
    assert_non_null(strstr(r, line));
    snprintf(line, sizeof line, "%s,\xff\xfe,440300,,,,,,,,,,9,name,", U[2]);
    assert_non_null(strstr(r, line));
    int lines = 0;
    for (const char *p = r; *p; p++) lines += *p == '\n';
    assert_int_equal(lines, 11);
    tu_store_close(s);

    /* --strict: the same file changes nothing, and the first reject is the error. */
    s = open_db("rej-strict.db");
    o.strict = 1;
    assert_int_equal(tu_app_import_csv(s, path, &o, &st, &err), TU_EVALIDATION);
    assert_int_equal(err.row, 3);
    assert_string_equal(err.field, "uscc");
    assert_int_equal(st.rejected, 10);
    assert_int_equal(st.imported, 0);
    assert_int_equal(count(s), 0);
    tu_import_run run;
    assert_int_equal(tu_store_import_find(s, path, 0, 0, &run, &err), TU_ENOTFOUND); /* no trace at all */
    tu_store_close(s);
}

static void expect_header_error(const char *text, const char *needle, int code) {
    const char *path = write_file("hdr.csv", text, strlen(text));
    tu_store *s = open_db("hdr.db");
    tu_import_stats st;
    tu_err err = {0};
    assert_int_equal(tu_app_import_csv(s, path, NULL, &st, &err), code);
    if (!strstr(err.msg, needle)) fprintf(stderr, "'%s' not in '%s'\n", needle, err.msg);
    assert_non_null(strstr(err.msg, needle));
    assert_int_equal(count(s), 0);
    tu_store_close(s);
}

static void test_header_errors(void **state) {
    (void)state;
    expect_header_error("uscc,name,city,colour\n", "unknown column 'colour'", TU_EINVAL);
    expect_header_error("uscc,name,city,name\n", "column 'name' appears twice", TU_EINVAL);
    expect_header_error("uscc,city\n", "no 'name' column", TU_EINVAL);
    expect_header_error("", "no header row", TU_EINVAL);
    expect_header_error("\n\n", "no header row", TU_EINVAL);
    expect_header_error("uscc,name,city\n\"unclosed,x,440300\n", "quoted cell is not closed", TU_EPARSE);
}

static void test_derived_column_ignored_and_duplicates(void **state) {
    (void)state;
    char csv[1024];
    /* region is a derived attribute of the catalog: accepted and ignored. The same USCC twice: later wins. */
    int n = snprintf(csv, sizeof csv,
                     "uscc,name,city,region\n%s,旧名,440300,east\n%s,另一家,440100,north\n%s,新名,440300,\n", U[0],
                     U[1], U[0]);
    const char *path = write_file("dup.csv", csv, (size_t)n);
    tu_store *s = open_db("dup.db");
    tu_import_stats st;
    tu_err err = {0};
    assert_int_equal(tu_app_import_csv(s, path, NULL, &st, &err), TU_OK);
    assert_int_equal(st.imported, 3);
    assert_int_equal(st.inserted, 2);
    assert_int_equal(st.updated, 1);
    tu_ent e;
    int64_t id;
    assert_int_equal(tu_store_ent_get_by_uscc(s, U[0], &id, &e, NULL, &err), TU_OK);
    assert_string_equal(e.name, "新名");
    assert_int_equal(id, 1);
    assert_int_equal(e.region, TU_REGION_PRD); /* derived from the city, not the file */
    tu_store_close(s);
}

static void test_resume_after_interruption(void **state) {
    (void)state;
    char csv[2048];
    int n = snprintf(csv, sizeof csv, "%s", "uscc,name,city\n");
    for (int i = 0; i < 6; i++) n += snprintf(csv + n, sizeof csv - (size_t)n, "%s,公司%d,440300\n", U[i], i);
    const char *path = write_file("resume.csv", csv, (size_t)n);
    tu_store *s = open_db("resume.db");
    tu_import_opts o = {.batch = 2};
    tu_import_stats st;
    tu_err err = {0};
    /* A run that committed its first batch (rows 2 and 3) and was killed: what the database holds then. */
    char real[4096];
    assert_non_null(realpath(path, real));
    struct stat sb;
    assert_int_equal(stat(path, &sb), 0);
    int64_t src, run;
    assert_int_equal(tu_store_begin(s, &err), TU_OK);
    assert_int_equal(tu_store_source_add(s, "import", "resume.csv", 1, &src, &err), TU_OK);
    assert_int_equal(tu_store_import_start(s, real, sb.st_size, sb.st_mtime, src, &run, &err), TU_OK);
    assert_int_equal(tu_store_import_progress(s, run, 2, 0, 0, &err), TU_OK);
    assert_int_equal(tu_store_commit(s, &err), TU_OK);
    assert_int_equal(tu_app_import_csv(s, path, &o, &st, &err), TU_OK);
    assert_int_equal(st.resumed_from, 2);
    assert_int_equal(st.rows, 6);
    assert_int_equal(st.imported, 4);
    assert_int_equal(count(s), 4); /* the first two rows were "committed" by the killed run, so not re-read */
    tu_import_run r;
    assert_int_equal(tu_store_import_find(s, real, sb.st_size, sb.st_mtime, &r, &err), TU_OK);
    assert_int_equal(r.finished, 1);
    assert_int_equal(r.rows_done, 6);
    /* A finished file imported again is a new run: everything is re-read (upserts, no new enterprises). */
    assert_int_equal(tu_app_import_csv(s, path, &o, &st, &err), TU_OK);
    assert_int_equal(st.resumed_from, 0);
    assert_int_equal(st.imported, 6);
    assert_int_equal(st.inserted, 2);
    tu_store_close(s);
}

typedef struct seen {
    int calls;
    int64_t n, last_id;
} seen;

static void on_change(void *ctx, const int64_t *ids, const tu_ent *ents, size_t n) {
    seen *w = ctx;
    w->calls++;
    w->n += (int64_t)n;
    for (size_t i = 0; i < n; i++) assert_int_equal(strlen(ents[i].uscc), 18);
    w->last_id = ids[n - 1];
}

static void test_change_hook(void **state) {
    (void)state;
    char csv[2048];
    int n = snprintf(csv, sizeof csv, "%s", "uscc,name,city\n");
    for (int i = 0; i < 5; i++) n += snprintf(csv + n, sizeof csv - (size_t)n, "%s,公司%d,440300\n", U[i], i);
    const char *path = write_file("hook.csv", csv, (size_t)n);
    seen w = {0};
    assert_int_equal(tu_app_on_enterprise_change(on_change, &w), TU_OK);
    tu_store *s = open_db("hook.db");
    tu_import_opts o = {.batch = 2};
    tu_import_stats st;
    tu_err err = {0};
    assert_int_equal(tu_app_import_csv(s, path, &o, &st, &err), TU_OK);
    assert_int_equal(w.calls, 3); /* batches of 2, 2, 1 */
    assert_int_equal(w.n, 5);
    assert_int_equal(w.last_id, 5);
    tu_store_close(s);
    /* strict: notified after the one commit, records read back */
    s = open_db("hook2.db");
    w = (seen){0};
    o.strict = 1;
    assert_int_equal(tu_app_import_csv(s, path, &o, &st, &err), TU_OK);
    assert_int_equal(w.n, 5);
    assert_int_equal(w.last_id, 5);
    tu_store_close(s);
    tu_app_enterprise_subscribers_clear();
    for (int i = 0; i < TU_APP_MAX_SUBSCRIBERS; i++) assert_int_equal(tu_app_on_enterprise_change(on_change, &w), TU_OK);
    assert_int_equal(tu_app_on_enterprise_change(on_change, &w), TU_ELIMIT);
    tu_app_enterprise_subscribers_clear();
}

static void test_missing_file(void **state) {
    (void)state;
    tu_store *s = open_db("missing.db");
    tu_import_stats st;
    tu_err err = {0};
    char path[256];
    snprintf(path, sizeof path, "%s/nope.csv", dir);
    assert_int_equal(tu_app_import_csv(s, path, NULL, &st, &err), TU_EIO);
    assert_non_null(strstr(err.msg, "nope.csv"));
    assert_int_equal(tu_app_import_csv(s, dir, NULL, &st, &err), TU_EIO); /* a folder */
    tu_store_close(s);
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_edge_cases_import_and_round_trip),
        cmocka_unit_test(test_rejects),
        cmocka_unit_test(test_header_errors),
        cmocka_unit_test(test_derived_column_ignored_and_duplicates),
        cmocka_unit_test(test_resume_after_interruption),
        cmocka_unit_test(test_change_hook),
        cmocka_unit_test(test_missing_file),
    };
    return cmocka_run_group_tests(tests, setup, tmpdir_teardown);
}
