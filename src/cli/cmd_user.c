/* cmd_user.c — `techup user add|list|disable|enable|reset`: account administration from the shell (the way the
 * first admin is made). Every change is audited with the actor "cli:<login name>". */
#include <pwd.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "app/accounts.h"
#include "cli/cli.h"

static const char help[] =
    "usage: techup user add NAME --role ROLE [--scope SCOPE] [--password-stdin] [--db PATH]\n"
    "       techup user list [--db PATH]\n"
    "       techup user disable NAME [--db PATH]\n"
    "       techup user enable NAME [--db PATH]\n"
    "       techup user reset NAME [--password-stdin] [--db PATH]\n"
    "\n"
    "Roles and their scope: enterprise (SCOPE = its USCC), city_official (SCOPE = 6-digit city code),\n"
    "provincial_official, bank_officer (SCOPE = bank id), auditor, admin.\n"
    "Without --password-stdin, add and reset generate a password and print it once on stdout.\n"
    "reset and disable end all sessions and API keys of the user.\n";

typedef struct {
    const char *sub, *name, *role, *scope, *db;
    int pw_stdin;
} opts;

static int parse(int argc, char **argv, opts *o) {
    memset(o, 0, sizeof *o);
    for (int i = 1; i < argc; i++) {
        const char *a = argv[i];
        const char **slot = strcmp(a, "--role") == 0 ? &o->role : strcmp(a, "--scope") == 0 ? &o->scope
                          : strcmp(a, "--db") == 0 ? &o->db : NULL;
        if (slot) {
            if (i + 1 >= argc) return tu_cli_usage_error("user", "%s needs a value", a);
            *slot = argv[++i];
        } else if (strcmp(a, "--password-stdin") == 0) o->pw_stdin = 1;
        else if (a[0] == '-') return tu_cli_usage_error("user", "unknown option '%s'", a);
        else if (!o->sub) o->sub = a;
        else if (!o->name) o->name = a;
        else return tu_cli_usage_error("user", "unexpected argument '%s'", a);
    }
    if (!o->sub) return tu_cli_usage_error("user", "say add, list, disable, enable or reset");
    int wants_name = strcmp(o->sub, "list") != 0;
    if (wants_name && !o->name) return tu_cli_usage_error("user", "%s needs a user name", o->sub);
    if (strcmp(o->sub, "add") == 0 && !o->role) return tu_cli_usage_error("user", "add needs --role");
    return TU_EXIT_OK;
}

/* Reads the password from stdin (first line) or makes a random one (24 base64url characters, 144 bits). */
static int get_password(int from_stdin, char *buf, size_t n, int *generated) {
    *generated = !from_stdin;
    if (from_stdin) {
        if (!fgets(buf, (int)n, stdin)) return -1;
        buf[strcspn(buf, "\r\n")] = '\0';
        return 0;
    }
    unsigned char raw[18];
    randombytes_buf(raw, sizeof raw);
    sodium_bin2base64(buf, n, raw, sizeof raw, sodium_base64_VARIANT_URLSAFE_NO_PADDING);
    return 0;
}

static int list_users(tu_store *s, tu_err *err) {
    tu_user page[100];
    char after[80] = "";
    int n, more;
    printf("%-6s %-24s %-20s %-20s %s\n", "id", "username", "role", "scope", "state");
    do {
        if (tu_user_list(s, "id", 0, after, page, 100, &n, &more, err) != TU_OK) return err->code;
        for (int i = 0; i < n; i++)
            printf("%-6lld %-24s %-20s %-20s %s\n", (long long)page[i].id, page[i].username,
                   tu_role_name(page[i].role), page[i].scope, page[i].disabled ? "disabled" : "active");
        if (n) snprintf(after, sizeof after, "%lld", (long long)page[n - 1].id);
    } while (more);
    return TU_OK;
}

static int run(tu_store *s, const opts *o, const tu_actor *a, tu_err *err) {
    if (strcmp(o->sub, "list") == 0) return list_users(s, err);
    char pw[TU_PASSWORD_MAX + 2];
    int generated = 0;
    if (strcmp(o->sub, "add") == 0) {
        int role = tu_role_parse(o->role);
        if (role < 0) return tu_err_set(err, TU_EUSAGE, "unknown role '%s'", o->role);
        if (get_password(o->pw_stdin, pw, sizeof pw, &generated)) return tu_err_set(err, TU_EIO, "no password on stdin");
        int64_t id;
        int rc = tu_user_create(s, a, o->name, role, o->scope ? o->scope : "", pw, &id, err);
        if (rc) return rc;
        fprintf(stderr, "techup user: created user %lld '%s' (%s)\n", (long long)id, o->name, o->role);
    } else {
        tu_user u;
        int rc = tu_user_find(s, o->name, &u, err);
        if (rc) return rc;
        if (strcmp(o->sub, "disable") == 0 || strcmp(o->sub, "enable") == 0)
            return tu_user_set_disabled(s, a, u.id, o->sub[0] == 'd', err);
        if (strcmp(o->sub, "reset") != 0) return tu_err_set(err, TU_EUSAGE, "unknown subcommand '%s'", o->sub);
        if (get_password(o->pw_stdin, pw, sizeof pw, &generated)) return tu_err_set(err, TU_EIO, "no password on stdin");
        if ((rc = tu_user_reset_password(s, a, u.id, pw, err)) != TU_OK) return rc;
    }
    if (generated) printf("%s\n", pw);
    sodium_memzero(pw, sizeof pw);
    return TU_OK;
}

TU_CMD(user) {
    if (tu_cli_wants_help(argc, argv)) {
        fputs(help, stdout);
        return TU_EXIT_OK;
    }
    opts o;
    int rc = parse(argc, argv, &o);
    if (rc) return rc;
    if (sodium_init() < 0) return TU_EXIT_FAIL;
    tu_store *s = NULL;
    tu_err err = {0};
    if (tu_store_open(o.db, 0, &s, &err) != TU_OK) return tu_cli_fail("user", &err);
    const struct passwd *pw = getpwuid(getuid());
    char actor[80];
    snprintf(actor, sizeof actor, "cli:%s", pw ? pw->pw_name : "?");
    tu_actor a = {0, actor, NULL};
    rc = run(s, &o, &a, &err);
    tu_store_close(s);
    if (rc == TU_EUSAGE) return tu_cli_usage_error("user", "%s", err.msg);
    return rc ? tu_cli_fail("user", &err) : TU_EXIT_OK;
}
