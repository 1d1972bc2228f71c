/* Tests of `techup match` and `techup policies-for` (src/cli/cmd_match.c, cmd_policies_for.c): the binary
 * (TECHUP_BIN) runs on a small CSV and a policies file; counts, ids, breakdowns, reasons and exit codes. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <cmocka.h>

static char dir[] = "/tmp/techup-test-match-XXXXXX";
static char csv[128], pol[128], db[128];

static void write_file(const char *path, const char *text) {
    FILE *f = fopen(path, "w");
    assert_non_null(f);
    fputs(text, f);
    fclose(f);
}

static int setup(void **state) {
    (void)state;
    if (!mkdtemp(dir)) return -1;
    snprintf(csv, sizeof csv, "%s/ent.csv", dir);
    snprintf(pol, sizeof pol, "%s/pol.json", dir);
    snprintf(db, sizeof db, "%s/t.db", dir);
    write_file(csv, "uscc,name,city,industry,revenue,employees,tags\n"
                    "914403001922038216,A,440300,C3811,2500,120,high_tech\n"
                    "91440300MA5DXXXX0N,B,440100,C3911,100,30,\n"
                    "91440101MA59UXXX14,C,440100,C3811,,50,high_tech;little_giant\n");
    write_file(pol, "[{\"id\":1,\"title\":\"big\",\"rule\":{\">=\":[{\"var\":\"revenue\"},2000]}},"
                    "{\"id\":2,\"title\":\"tech\",\"rule\":{\"and\":[{\"in\":[\"high_tech\",{\"var\":\"tags\"}]},"
                    "{\"==\":[{\"var\":\"city\"},\"440100\"]}]}}]");
    return 0;
}

static int teardown(void **state) {
    (void)state;
    char cmd[256];
    snprintf(cmd, sizeof cmd, "rm -rf %s", dir);
    return system(cmd) == 0 ? 0 : -1;
}

/* Runs techup with args; returns its exit code and its stdout in out. */
static int run(const char *args, char *out, size_t n) {
    char cmd[1024];
    snprintf(cmd, sizeof cmd, "%s %s 2>/dev/null", getenv("TECHUP_BIN"), args);
    FILE *p = popen(cmd, "r");
    assert_non_null(p);
    size_t k = fread(out, 1, n - 1, p);
    out[k] = '\0';
    int st = pclose(p);
    return WIFEXITED(st) ? WEXITSTATUS(st) : -1;
}

static void test_match(void **state) {
    (void)state;
    char out[4096], args[512];
    snprintf(args, sizeof args, "match --csv %s --ids --near-miss '{\">=\":[{\"var\":\"revenue\"},2000]}'", csv);
    assert_int_equal(run(args, out, sizeof out), 0);
    assert_non_null(strstr(out, "matched 1 of 3 enterprises"));
    assert_non_null(strstr(out, "not eligible 1, unknown 1"));
    assert_non_null(strstr(out, "914403001922038216\n"));
    snprintf(args, sizeof args, "match --csv %s --by city '{\"in\":[\"high_tech\",{\"var\":\"tags\"}]}'", csv);
    assert_int_equal(run(args, out, sizeof out), 0);
    assert_non_null(strstr(out, "440100\t"));
    assert_non_null(strstr(out, "440300\t"));
    snprintf(args, sizeof args, "match --csv %s '{\"bad'", csv);
    assert_int_equal(run(args, out, sizeof out), 2);
    snprintf(args, sizeof args, "match --csv %s --by colour true", csv);
    assert_int_equal(run(args, out, sizeof out), 2);
    assert_int_equal(run("match --csv /nonexistent/x.csv true", out, sizeof out), 1);
    assert_int_equal(run("match --help", out, sizeof out), 0);
    snprintf(args, sizeof args, "match --csv %s --text 'revenue >= 2000 or \"little_giant\" in tags'", csv);
    assert_int_equal(run(args, out, sizeof out), 0);
    assert_non_null(strstr(out, "matched 2 of 3 enterprises"));
}

static void test_store(void **state) { /* the index loaded from the store (techup import) */
    (void)state;
    char out[4096], args[512];
    snprintf(args, sizeof args, "import --db %s %s", db, csv);
    assert_int_equal(run(args, out, sizeof out), 0);
    snprintf(args, sizeof args, "match --db %s '{\"in\":[\"high_tech\",{\"var\":\"tags\"}]}' --ids", db);
    assert_int_equal(run(args, out, sizeof out), 0);
    assert_non_null(strstr(out, "matched 2 of 3 enterprises"));
    assert_non_null(strstr(out, "91440101MA59UXXX14\n"));
    snprintf(args, sizeof args, "policies-for 914403001922038216 --db %s --policies %s", db, pol);
    assert_int_equal(run(args, out, sizeof out), 0);
    assert_non_null(strstr(out, "eligible: 1\n  1\tbig"));
}

static void test_policies_for(void **state) {
    (void)state;
    char out[4096], args[512];
    snprintf(args, sizeof args, "policies-for 914403001922038216 --csv %s --policies %s", csv, pol);
    assert_int_equal(run(args, out, sizeof out), 0);
    assert_non_null(strstr(out, "eligible: 1\n  1\tbig"));
    assert_non_null(strstr(out, "near miss (one condition unmet): 1\n  2\ttech\tnot met: {\"==\""));
    snprintf(args, sizeof args, "policies-for 91440101MA59UXXX14 --csv %s --policies %s", csv, pol);
    assert_int_equal(run(args, out, sizeof out), 0);
    assert_non_null(strstr(out, "unknown (data missing): 1\n  1\tbig\tmissing data for"));
    snprintf(args, sizeof args, "policies-for 911111111111111111 --csv %s --policies %s", csv, pol);
    assert_int_equal(run(args, out, sizeof out), 1);
    snprintf(args, sizeof args, "policies-for 914403001922038216 --csv %s", csv);
    assert_int_equal(run(args, out, sizeof out), 2);
}

int main(void) {
    const struct CMUnitTest tests[] = {cmocka_unit_test(test_match), cmocka_unit_test(test_policies_for),
                                       cmocka_unit_test(test_store)};
    return cmocka_run_group_tests(tests, setup, teardown);
}
