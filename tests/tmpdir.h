/* tmpdir.h — a fresh temporary folder per test program: cmocka group setup/teardown (include once per test file). */
#ifndef TU_TESTS_TMPDIR_H
#define TU_TESTS_TMPDIR_H

#include <stdio.h>
#include <stdlib.h>

static char dir[64];

static int tmpdir_setup(void **state) {
    (void)state;
    snprintf(dir, sizeof dir, "/tmp/techup-test-XXXXXX");
    return mkdtemp(dir) ? 0 : -1;
}

static int tmpdir_teardown(void **state) {
    (void)state;
    char cmd[128];
    snprintf(cmd, sizeof cmd, "rm -rf %s", dir);
    return system(cmd);
}

#endif
