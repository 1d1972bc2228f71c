/* cmd_audit.c — `techup audit verify`: walks the audit trail's hash chain and names the first bad row. */
#include <stdio.h>
#include <string.h>

#include "app/audit.h"
#include "cli/cli.h"

static const char help[] =
    "usage: techup audit verify [--db PATH]\n"
    "\n"
    "Checks that every row of the audit trail chains to the one before it and that no row was edited,\n"
    "removed or inserted. Exit 0 and the head hash when the chain holds; exit 1 naming the first bad row.\n"
    "Keep the printed head hash elsewhere to detect rows cut off the end later.\n";

TU_CMD(audit) {
    if (tu_cli_wants_help(argc, argv)) {
        fputs(help, stdout);
        return TU_EXIT_OK;
    }
    const char *db = NULL;
    int verify = 0;
    for (int i = 1; i < argc; i++) {
        if (strcmp(argv[i], "--db") == 0 && i + 1 < argc) db = argv[++i];
        else if (strcmp(argv[i], "verify") == 0 && !verify) verify = 1;
        else return tu_cli_usage_error("audit", "unexpected argument '%s'", argv[i]);
    }
    if (!verify) return tu_cli_usage_error("audit", "say 'verify'");
    tu_store *s = NULL;
    tu_err err = {0};
    if (tu_store_open(db, TU_STORE_READONLY, &s, &err) != TU_OK) return tu_cli_fail("audit", &err);
    tu_audit_report rep;
    int rc = tu_audit_verify(s, &rep, &err);
    tu_store_close(s);
    if (rc) return tu_cli_fail("audit", &err);
    printf("audit trail ok: %lld rows, head %s\n", (long long)rep.rows, rep.head[0] ? rep.head : "(empty)");
    return TU_EXIT_OK;
}
