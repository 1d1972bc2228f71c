/* tempdb.h — a fresh store in a temporary folder for each test (setup/teardown for cmocka), shared by the tests
 * of app/ and push/. Include once per test program. */
#ifndef TU_TESTS_TEMPDB_H
#define TU_TESTS_TEMPDB_H

#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

#include "store/store.h"

static char tempdb_dir[64];
static tu_store *st;

static int tempdb_setup(void **state) {
    (void)state;
    snprintf(tempdb_dir, sizeof tempdb_dir, "/tmp/techup-test-XXXXXX");
    if (!mkdtemp(tempdb_dir)) return -1;
    char path[128];
    snprintf(path, sizeof path, "%s/t.db", tempdb_dir);
    return tu_store_open(path, 0, &st, NULL);
}

static int tempdb_teardown(void **state) {
    (void)state;
    tu_store_close(st);
    st = NULL;
    char cmd[128];
    snprintf(cmd, sizeof cmd, "rm -rf %s", tempdb_dir);
    return system(cmd);
}

#endif
