/* Tests of src/app/accounts.c: validation of users and scopes, login, authentication, logout, password change
 * and reset, disabling, API keys, paging; every write leaves an audit row. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <cmocka.h>

#include "app/accounts.h"
#include "app/audit.h"
#include "core/codes.h"

static char dir[64];
static tu_store *db;
static const tu_actor cli = {0, "cli:test", NULL};

static int setup(void **state) {
    (void)state;
    snprintf(dir, sizeof dir, "/tmp/techup-acct-XXXXXX");
    if (!mkdtemp(dir)) return -1;
    char path[128];
    snprintf(path, sizeof path, "%s/t.db", dir);
    tu_err err = {0};
    return tu_store_open(path, 0, &db, &err);
}

static int teardown(void **state) {
    (void)state;
    tu_store_close(db);
    char cmd[128];
    snprintf(cmd, sizeof cmd, "rm -rf %s", dir);
    return system(cmd);
}

/* A valid USCC: 17 characters and their check character. */
static void make_uscc(const char *first17, char out[19]) {
    memcpy(out, first17, 17);
    out[17] = tu_uscc_check_char(first17);
    out[18] = '\0';
}

static int64_t audit_rows(void) {
    tu_audit_report rep;
    tu_err err = {0};
    assert_int_equal(tu_audit_verify(db, &rep, &err), TU_OK);
    return rep.rows;
}

static void test_roles_and_scopes(void **state) {
    (void)state;
    tu_err err = {0};
    char uscc[19];
    make_uscc("91440300MA5D12345", uscc);
    assert_int_equal(tu_role_parse("city_official"), TU_ROLE_CITY_OFFICIAL);
    assert_int_equal(tu_role_parse("root"), -1);
    assert_string_equal(tu_role_name(TU_ROLE_BANK_OFFICER), "bank_officer");
    assert_int_equal(tu_scope_validate(TU_ROLE_ENTERPRISE, uscc, &err), TU_OK);
    assert_int_equal(tu_scope_validate(TU_ROLE_ENTERPRISE, "91440300MA5D123450", &err) == TU_OK,
                     uscc[17] == '0'); /* a wrong check character is refused */
    assert_int_equal(tu_scope_validate(TU_ROLE_CITY_OFFICIAL, "440300", &err), TU_OK);
    assert_int_equal(tu_scope_validate(TU_ROLE_CITY_OFFICIAL, "110000", &err), TU_EVALIDATION); /* not in province */
    assert_int_equal(tu_scope_validate(TU_ROLE_BANK_OFFICER, "icbc-gd", &err), TU_OK);
    assert_int_equal(tu_scope_validate(TU_ROLE_BANK_OFFICER, "ICBC GD", &err), TU_EVALIDATION);
    assert_int_equal(tu_scope_validate(TU_ROLE_ADMIN, "x", &err), TU_EVALIDATION);
    assert_int_equal(tu_scope_validate(TU_ROLE_AUDITOR, "", &err), TU_OK);
}

static void test_create_login_logout(void **state) {
    (void)state;
    tu_err err = {0};
    int64_t before = audit_rows(), id = 0;
    assert_int_equal(tu_user_create(db, &cli, "Bad Name", TU_ROLE_ADMIN, "", "password123", &id, &err), TU_EVALIDATION);
    assert_int_equal(tu_user_create(db, &cli, "alice", TU_ROLE_ADMIN, "", "short", &id, &err), TU_EVALIDATION);
    assert_int_equal(tu_user_create(db, &cli, "alice", TU_ROLE_ADMIN, "", "password123", &id, &err), TU_OK);
    assert_int_equal(tu_user_create(db, &cli, "alice", TU_ROLE_AUDITOR, "", "password123", &id, &err), TU_ECONFLICT);
    assert_int_equal(audit_rows(), before + 1); /* failed creations leave no row */

    tu_principal who, who2;
    char tok[TU_TOKEN_STRLEN];
    assert_int_equal(tu_login(db, "alice", "wrong-password", 1, NULL, &who, tok, &err), TU_EAUTH);
    assert_int_equal(tu_login(db, "nobody", "password123", 1, NULL, &who, tok, &err), TU_EAUTH);
    assert_int_equal(tu_login(db, "alice", "password123", 1, "rid-1", &who, tok, &err), TU_OK);
    assert_int_equal(strlen(tok), 47);
    assert_int_equal(tu_authenticate(db, tok, &who2, &err), TU_OK);
    assert_int_equal(who2.user_id, id);
    assert_int_equal(who2.role, TU_ROLE_ADMIN);
    assert_false(who2.via_key);
    tok[10] ^= 1;
    assert_int_equal(tu_authenticate(db, tok, &who2, &err), TU_EAUTH);
    tok[10] ^= 1;
    assert_int_equal(tu_logout(db, &who2, NULL, &err), TU_OK);
    assert_int_equal(tu_authenticate(db, tok, &who2, &err), TU_EAUTH);
    assert_int_equal(audit_rows(), before + 3); /* create, session.create, session.delete */
}

static void test_password_disable_keys(void **state) {
    (void)state;
    tu_err err = {0};
    int64_t id;
    tu_principal who, k;
    char s1[TU_TOKEN_STRLEN], s2[TU_TOKEN_STRLEN], key[TU_TOKEN_STRLEN];
    assert_int_equal(tu_user_create(db, &cli, "bob", TU_ROLE_BANK_OFFICER, "icbc-gd", "password123", &id, &err), TU_OK);
    assert_int_equal(tu_login(db, "bob", "password123", 1, NULL, &who, s1, &err), TU_OK);
    assert_int_equal(tu_login(db, "bob", "password123", 1, NULL, &who, s2, &err), TU_OK);
    int64_t kid;
    assert_int_equal(tu_apikey_create(db, &who, "ci", 0, NULL, &kid, key, &err), TU_EVALIDATION);
    assert_int_equal(tu_apikey_create(db, &who, "ci", 30, NULL, &kid, key, &err), TU_OK);
    assert_int_equal(tu_authenticate(db, key, &k, &err), TU_OK);
    assert_true(k.via_key);
    tu_apikey keys[4];
    int n;
    assert_int_equal(tu_apikey_list(db, id, keys, 4, &n, &err), TU_OK);
    assert_int_equal(n, 1);
    assert_string_equal(keys[0].name, "ci");
    /* changing the password keeps the caller's session (s2) and ends the others */
    assert_int_equal(tu_password_change(db, &who, "nope-nope-nope", "newpassword1", NULL, &err), TU_EVALIDATION);
    assert_int_equal(tu_password_change(db, &who, "password123", "newpassword1", NULL, &err), TU_OK);
    assert_int_equal(tu_authenticate(db, s2, &who, &err), TU_OK);
    assert_int_equal(tu_authenticate(db, s1, &who, &err), TU_EAUTH);
    assert_int_equal(tu_authenticate(db, key, &k, &err), TU_EAUTH);
    assert_int_equal(tu_login(db, "bob", "newpassword1", 1, NULL, &who, s1, &err), TU_OK);
    /* disabling ends everything and refuses logins */
    assert_int_equal(tu_user_set_disabled(db, &cli, id, 1, &err), TU_OK);
    assert_int_equal(tu_authenticate(db, s1, &who, &err), TU_EAUTH);
    assert_int_equal(tu_login(db, "bob", "newpassword1", 1, NULL, &who, s1, &err), TU_EAUTH);
    assert_int_equal(tu_user_set_disabled(db, &cli, id, 0, &err), TU_OK);
    assert_int_equal(tu_user_reset_password(db, &cli, id, "resetpassword", &err), TU_OK);
    assert_int_equal(tu_login(db, "bob", "resetpassword", 1, NULL, &who, s1, &err), TU_OK);
    assert_int_equal(tu_user_update(db, &cli, id, TU_ROLE_CITY_OFFICIAL, "bad", &err), TU_EVALIDATION);
    assert_int_equal(tu_user_update(db, &cli, id, TU_ROLE_CITY_OFFICIAL, "440100", &err), TU_OK);
    tu_user u;
    assert_int_equal(tu_user_get(db, id, &u, &err), TU_OK);
    assert_int_equal(u.role, TU_ROLE_CITY_OFFICIAL);
    assert_string_equal(u.scope, "440100");
    assert_int_equal(tu_user_update(db, &cli, 999999, TU_ROLE_ADMIN, "", &err), TU_ENOTFOUND);
}

static void test_paging(void **state) {
    (void)state;
    tu_err err = {0};
    char name[16];
    for (int i = 0; i < 7; i++) {
        snprintf(name, sizeof name, "page%d", 6 - i);
        assert_int_equal(tu_user_create(db, &cli, name, TU_ROLE_AUDITOR, "", "password123", NULL, &err), TU_OK);
    }
    tu_user page[3];
    int n, more, seen = 0;
    char after[80] = "", last[80] = "";
    do { /* by username, ascending: every user once, in order */
        assert_int_equal(tu_user_list(db, "username", 0, after, page, 3, &n, &more, &err), TU_OK);
        for (int i = 0; i < n; i++) {
            assert_true(strcmp(page[i].username, last) > 0);
            snprintf(last, sizeof last, "%s", page[i].username);
            seen++;
        }
        snprintf(after, sizeof after, "%s", last);
    } while (more);
    tu_user all[50];
    assert_int_equal(tu_user_list(db, "id", 1, NULL, all, 50, &n, &more, &err), TU_OK);
    assert_int_equal(seen, n);
    assert_false(more);
    assert_true(all[0].id > all[1].id);
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_roles_and_scopes),
        cmocka_unit_test(test_create_login_logout),
        cmocka_unit_test(test_password_disable_keys),
        cmocka_unit_test(test_paging),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
