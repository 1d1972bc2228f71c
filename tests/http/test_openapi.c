/* Checks that docs/openapi.yaml (path given as argv[1]) documents every route of the route table: the pattern as a
 * key under `paths:` and the method as a key under it. A plain line scan of the file's two-space layout. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "http/http_int.h"

static char *doc;

static const char *lower_method(int m) {
    return m == TU_M_GET ? "get" : m == TU_M_POST ? "post" : m == TU_M_PUT ? "put" : m == TU_M_PATCH ? "patch" : "delete";
}

/* 1 when "\n  PATTERN:\n" is followed, before the next two-space key, by "\n    METHOD:". */
static int documented(const char *pattern, const char *method) {
    char key[512], mkey[32];
    snprintf(key, sizeof key, "\n  %s:\n", pattern);
    snprintf(mkey, sizeof mkey, "\n    %s:", method);
    const char *p = strstr(doc, key);
    if (!p) return 0;
    p += strlen(key) - 1;
    const char *end = p + 1;
    while ((end = strchr(end, '\n')) != NULL && (strncmp(end, "\n   ", 4) == 0 || end[1] == '\n')) end++;
    const char *m = strstr(p, mkey);
    return m && (!end || m < end);
}

static void test_every_route_documented(void **state) {
    (void)state;
    for (int i = 0; i < tu__route_count; i++)
        if (!documented(tu__routes[i].pattern, lower_method(tu__routes[i].method)))
            fail_msg("%s %s is missing from docs/openapi.yaml", lower_method(tu__routes[i].method), tu__routes[i].pattern);
    assert_false(documented("/api/v1/not-a-route", "get"));
    assert_false(documented("/api/v1/me", "delete")); /* the method must sit under its own path */
}

int main(int argc, char **argv) {
    if (argc < 2) return 2;
    FILE *f = fopen(argv[1], "rb");
    if (!f) return 2;
    static char buf[1 << 20];
    size_t n = fread(buf, 1, sizeof buf - 1, f);
    fclose(f);
    buf[n] = '\0';
    doc = buf;
    const struct CMUnitTest tests[] = {cmocka_unit_test(test_every_route_documented)};
    return cmocka_run_group_tests(tests, NULL, NULL);
}
