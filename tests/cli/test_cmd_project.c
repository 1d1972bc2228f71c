/* Tests of the project-domain commands (src/cli/cmd_project.c, cmd_quota.c, cmd_award.c, cmd_loan.c): run the real
 * techup binary ($TECHUP_BIN) on a temporary database and check exit codes (0 ok, 1 failure, 2 usage) and output. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>
#include <cmocka.h>

#include "core/codes.h"

static char dir[64], out[1 << 16];
static const char *bin;

static int setup(void **state) {
    (void)state;
    bin = getenv("TECHUP_BIN");
    snprintf(dir, sizeof dir, "/tmp/techup-cli-XXXXXX");
    return bin && mkdtemp(dir) ? 0 : -1;
}

static int teardown(void **state) {
    (void)state;
    char cmd[128];
    snprintf(cmd, sizeof cmd, "rm -rf %s", dir);
    return system(cmd);
}

/* Runs `techup ARGS --db DIR/t.db`; stdout lands in out[]; returns the exit code. */
static int run(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
static int run(const char *fmt, ...) {
    char args[2048], cmd[4096];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(args, sizeof args, fmt, ap);
    va_end(ap);
    snprintf(cmd, sizeof cmd, "cd %s && %s %s --db %s/t.db 2>err.txt", dir, bin, args, dir);
    FILE *p = popen(cmd, "r");
    size_t n = p ? fread(out, 1, sizeof out - 1, p) : 0;
    out[n] = '\0';
    int st = p ? pclose(p) : -1;
    return WIFEXITED(st) ? WEXITSTATUS(st) : -1;
}

static void write_file(const char *name, const char *text) {
    char path[128];
    snprintf(path, sizeof path, "%s/%s", dir, name);
    FILE *f = fopen(path, "w");
    assert_non_null(f);
    fputs(text, f);
    fclose(f);
}

static void uscc(char o[19]) {
    char first17[18];
    snprintf(first17, sizeof first17, "91440300%s%c", "00000001", tu_org_check_char("00000001"));
    snprintf(o, 19, "%s%c", first17, tu_uscc_check_char(first17));
}

static void test_flow(void **state) {
    (void)state;
    char u[19], json[2048], ent[64];
    uscc(u);
    snprintf(ent, sizeof ent, "--as enterprise:%s", u);
    snprintf(json, sizeof json,
             "{\"uscc\":\"%s\",\"name\":\"数控产线改造\",\"type\":\"equipment_renewal\",\"city\":\"440300\","
             "\"filing_code\":\"2401-440305-04-02-000001\",\"filing_date\":\"2024-01-10\",\"planned_start\":"
             "\"2024-03-01\",\"planned_completion\":\"2025-06-30\",\"total_investment\":\"52000000\","
             "\"equipment_investment\":\"1234567.89\",\"energy_tce\":\"5000\",\"land_mu\":\"12.5\"}",
             u);
    write_file("p.json", json);
    write_file("bad.json", "{\"uscc\":\"x\"}");
    write_file("pol.json", "{\"policies\":[{\"id\":\"odd\",\"versions\":[{\"version\":1,\"from\":\"2020-01-01\","
                           "\"formula\":{\"*\":[{\"var\":\"project.equipment_investment\"},0.179]}}]}]}");

    assert_int_equal(run("project --help"), 0);
    assert_int_equal(run("project move --help"), 0);
    assert_int_equal(run("project"), 2);
    assert_int_equal(run("project fly"), 2);
    assert_int_equal(run("project add p.json"), 2);            /* no --as */
    assert_int_equal(run("project add p.json --as pilot"), 2); /* unknown role */
    assert_int_equal(run("project add bad.json %s", ent), 1);
    assert_int_equal(run("project add p.json %s --date 2024-02-01", ent), 0);
    assert_string_equal(out, "1\n");
    assert_int_equal(run("project move 1 submit %s --date 2024-03-01", ent), 0);
    assert_string_equal(out, "submitted until 2024-03-08\n");
    assert_int_equal(run("project move 1 accept --as city_official:440100"), 1);
    assert_int_equal(run("project move 1 accept --as city_official:440300 --date 2024-03-04"), 0);
    assert_int_equal(run("project move 1 forward --as city_official:440300"), 0);
    assert_int_equal(run("project move 1 approve --as provincial_official"), 0);
    assert_int_equal(run("project move 1 start %s", ent), 1); /* city energy review first */
    assert_int_equal(run("project review 1 maybe --as city_official:440300"), 2);
    assert_int_equal(run("project review 1 pass --as city_official:440300"), 0);
    assert_int_equal(run("project overdue --as city_official:440300 --date 2030-01-01"), 0);
    assert_string_equal(out, "[]\n"); /* approved: no deadline, nothing overdue */
    assert_int_equal(run("project list --as provincial_official --city 44x"), 2);
    assert_int_equal(run("project list --as city_official:440100"), 0);
    assert_string_equal(out, "[]\n");
    assert_int_equal(run("project list --as provincial_official --city 440300 --limit 5"), 0);
    assert_non_null(strstr(out, "\"filing_code\": \"2401-440305-04-02-000001\""));
    assert_int_equal(run("project show 1 --as auditor"), 0);
    assert_non_null(strstr(out, "\"action\": \"energy_review_pass\""));

    assert_int_equal(run("quota allocate 440300 2026 10 --as city_official:440300"), 1);
    assert_int_equal(run("quota allocate 440300 2026 ten --as provincial_official"), 2);
    assert_int_equal(run("quota allocate 440300 2026 10 --as provincial_official"), 0);
    assert_int_equal(run("quota reserve 1 2026 --as city_official:440300"), 1); /* 12.5 > 10 */
    assert_int_equal(run("quota advance 440300 2026 5 --reason 重点项目 --as city_official:440300"), 0);
    assert_int_equal(run("quota approve 1 --as provincial_official"), 0);
    assert_int_equal(run("quota reserve 1 2026 --as city_official:440300"), 0);
    assert_int_equal(run("quota show 440300 2026 --as auditor"), 0);
    assert_non_null(strstr(out, "\"available\": \"2.5\""));
    assert_int_equal(run("quota allocate 440300 2027 100 --as provincial_official"), 0);
    assert_int_equal(run("quota show 440300 2027 --as provincial_official"), 0);
    assert_non_null(strstr(out, "\"available\": \"95\""));

    assert_int_equal(run("award compute 1 --policy odd --policies pol.json --as provincial_official"), 0);
    assert_non_null(strstr(out, "\"awarded\": \"220987.65\""));
    assert_int_equal(run("award apply 1 --policy odd --policies pol.json %s", ent), 0);
    assert_int_equal(run("award adjust 1 200000 --policies pol.json --as provincial_official"), 1); /* no reason */
    assert_int_equal(run("award adjust 1 200000 --reason 核减 --policies pol.json --as provincial_official"), 0);
    assert_int_equal(run("award pay 1 200000.01 --reference TX1 --as provincial_official"), 1);
    assert_int_equal(run("award pay 1 200000 --reference TX1 --as provincial_official"), 0);
    assert_int_equal(run("award list 1 %s", ent), 0);
    assert_non_null(strstr(out, "\"paid\": \"200000.00\""));

    assert_int_equal(run("loan add --name 技改贷 --rate-bp 345 --term 36 --min 1000000 --max 50000000 "
                         "--rule '{\"==\":[{\"var\":\"region\"},\"pearl_river_delta\"]}' --as bank_officer:icbc"),
                     0);
    assert_int_equal(run("loan add --name x --rate-bp 345 --term 36 --min 1 --max 2 --as enterprise:%s", u), 1);
    assert_int_equal(run("loan for 1 %s", ent), 0);
    assert_non_null(strstr(out, "技改贷"));
    assert_int_equal(run("loan choose 1 1 10000000 %s", ent), 0);
    assert_int_equal(run("loan projects --as bank_officer:icbc"), 0);
    assert_non_null(strstr(out, "\"bank_id\": \"icbc\""));
    assert_int_equal(run("loan list"), 0);
    assert_int_equal(run("audit verify"), 0); /* every write above is in the hash chain */
}

int main(void) {
    const struct CMUnitTest tests[] = {cmocka_unit_test(test_flow)};
    return cmocka_run_group_tests(tests, setup, teardown);
}
