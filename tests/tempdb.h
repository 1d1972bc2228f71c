/* tempdb.h — a fresh store in the temporary folder of tmpdir.h for each test (setup/teardown for cmocka) and a published sample
 * policy, shared by the tests of app/ and push/. Include once per test program, after cmocka.h. */
#ifndef TU_TESTS_TEMPDB_H
#define TU_TESTS_TEMPDB_H

#include <unistd.h>

#include "app/policy.h"
#include "core/enterprise.h"
#include "store/registry.h"
#include "store/store.h"
#include "tmpdir.h"

static tu_store *st;

static int tempdb_setup(void **state) {
    if (tmpdir_setup(state)) return -1;
    char path[128];
    snprintf(path, sizeof path, "%s/t.db", dir);
    return tu_store_open(path, 0, &st, NULL);
}

static int tempdb_teardown(void **state) {
    tu_store_close(st);
    st = NULL;
    return tmpdir_teardown(state);
}

/* Writes ents into the store as one import source ("seed.csv") in one transaction; ids (may be NULL) receive
 * their store ids. Returns 0 or -1. */
__attribute__((unused)) static int tempdb_seed(tu_ent *ents, size_t n, int64_t *ids) {
    tu_err err = {0};
    int64_t sid;
    if (tu_store_begin(st, &err) || tu_store_source_add(st, "import", "seed.csv", 20000, &sid, &err) ||
        tu_store_ent_upsert(st, ents, n, sid, ids, &err) || tu_store_commit(st, &err))
        return -1;
    return 0;
}

/* The JSON file data_dir/name (asserting that it parses); new reference. */
__attribute__((unused)) static json_t *tempdb_load(const char *data_dir, const char *name) {
    char path[512];
    snprintf(path, sizeof path, "%s/%s", data_dir, name);
    json_t *doc = json_load_file(path, 0, NULL);
    assert_non_null(doc);
    return doc;
}

/* Adds the policy document doc (borrowed), previews and publishes it to `set`; returns its id. */
__attribute__((unused)) static int64_t tempdb_publish(const json_t *doc, const roaring_bitmap_t *set) {
    int64_t id;
    tu_err err = {0};
    assert_int_equal(tu_app_policy_add(st, doc, &id, &err), TU_OK);
    assert_int_equal(tu_app_policy_preview(st, id, &err), TU_OK);
    assert_int_equal(tu_app_policy_publish(st, id, set, NULL, &err), TU_OK);
    return id;
}

/* Adds the sample policy of data_dir under `code`, previews and publishes it to `set`; returns its id. */
__attribute__((unused)) static int64_t publish_sample(const char *data_dir, const char *code,
                                                      const roaring_bitmap_t *set) {
    json_t *doc = tempdb_load(data_dir, "equipment-2021.json");
    json_object_set_new(doc, "code", json_string(code));
    int64_t id = tempdb_publish(doc, set);
    json_decref(doc);
    return id;
}

#endif
