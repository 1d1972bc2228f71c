/* cmd_serve.c — `techup serve`: runs the HTTP/JSON API and the web portal until SIGTERM or SIGINT, then shuts
 * down gracefully (in-flight requests finish, databases close). Options override the TECHUP_* environment. */
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli/cli.h"
#include "core/log.h"
#include "http/server.h"

static const char help[] =
    "usage: techup serve [--db PATH] [--listen HOST:PORT] [--web DIR] [--threads N] [--policies FILE]\n"
    "\n"
    "Serves the HTTP/JSON API under /api/v1, /healthz, /metrics and the web portal's files.\n"
    "\n"
    "  --db PATH           database (default $TECHUP_DB or var/techup.db)\n"
    "  --listen HOST:PORT  address to listen on (default $TECHUP_LISTEN or 127.0.0.1:8080; port 0 = any free)\n"
    "  --web DIR           static files (default $TECHUP_WEB or ./web when present)\n"
    "  --threads N         worker threads (default $TECHUP_THREADS or the number of cores)\n"
    "  --no-web            serve no static files\n"
    "  --policies FILE     serve these policies, JSON [{\"id\":N,\"title\":\"...\",\"rule\":JsonLogic}], instead of\n"
    "                      the published policies of the database (default $TECHUP_POLICIES; for tests)\n"
    "\n"
    "Other settings come from the environment; see docs/configuration.md. SIGTERM or SIGINT stops the server\n"
    "after the requests in flight have finished (up to 10 s).\n";

static int parse_args(int argc, char **argv, tu_http_config *c) {
    for (int i = 1; i < argc; i++) {
        const char *a = argv[i];
        int has_value = i + 1 < argc;
        if (strcmp(a, "--no-web") == 0) c->web_dir = NULL;
        else if (!has_value && (strcmp(a, "--db") == 0 || strcmp(a, "--listen") == 0 || strcmp(a, "--web") == 0 ||
                                strcmp(a, "--threads") == 0 || strcmp(a, "--policies") == 0))
            return tu_cli_usage_error("serve", "%s needs a value", a);
        else if (strcmp(a, "--db") == 0) c->db_url = argv[++i];
        else if (strcmp(a, "--listen") == 0) c->listen = argv[++i];
        else if (strcmp(a, "--web") == 0) c->web_dir = argv[++i];
        else if (strcmp(a, "--policies") == 0) c->policies = argv[++i];
        else if (strcmp(a, "--threads") == 0) {
            char *end;
            long n = strtol(argv[++i], &end, 10);
            if (*end || n < 1 || n > 256) return tu_cli_usage_error("serve", "--threads must be 1..256");
            c->threads = (int)n;
        } else return tu_cli_usage_error("serve", "unknown option '%s'", a);
    }
    return TU_EXIT_OK;
}

TU_CMD(serve) {
    if (tu_cli_wants_help(argc, argv)) {
        fputs(help, stdout);
        return TU_EXIT_OK;
    }
    tu_http_config c;
    tu_err err = {0};
    tu_http_config_defaults(&c);
    if (tu_http_config_from_env(&c, &err) != TU_OK) return tu_cli_usage_error("serve", "%s", err.msg);
    int rc = parse_args(argc, argv, &c);
    if (rc) return rc;
    const char *lvl = getenv("TECHUP_LOG_LEVEL");
    if (lvl && *lvl) {
        int l = tu_log_level_parse(lvl);
        if (l < 0) return tu_cli_usage_error("serve", "TECHUP_LOG_LEVEL must be debug, info, warn, error or off");
        tu_log_set_level(l);
    }
    /* Block the stop signals before the workers start so that only sigwait below receives them. */
    sigset_t stop;
    sigemptyset(&stop);
    sigaddset(&stop, SIGTERM);
    sigaddset(&stop, SIGINT);
    pthread_sigmask(SIG_BLOCK, &stop, NULL);
    signal(SIGPIPE, SIG_IGN);
    tu_server *srv = NULL;
    if (tu_server_start(&c, &srv, &err) != TU_OK) return tu_cli_fail("serve", &err);
    fprintf(stderr, "techup serve: listening on port %d\n", tu_server_port(srv));
    int sig = 0;
    sigwait(&stop, &sig);
    tu_log(TU_LOG_INFO, "http.signal", "received %s, stopping", sig == SIGTERM ? "SIGTERM" : "SIGINT");
    tu_server_stop(srv, 10000);
    return TU_EXIT_OK;
}
