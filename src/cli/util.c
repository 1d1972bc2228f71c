/* util.c — small helpers shared by the command files. */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "cli/cli.h"
#include "core/alloc.h"
#include "rules/text.h"

int tu_cli_usage_error(const char *cmd, const char *fmt, ...) {
    va_list ap;
    fprintf(stderr, "techup %s: ", cmd);
    va_start(ap, fmt);
    vfprintf(stderr, fmt, ap);
    va_end(ap);
    fprintf(stderr, "\n(see 'techup %s --help')\n", cmd);
    return TU_EXIT_USAGE;
}

int tu_cli_fail(const char *cmd, const tu_err *err) {
    fprintf(stderr, "techup %s: ", cmd);
    if (err->row > 0) fprintf(stderr, "row %ld: ", err->row);
    if (err->line > 0) fprintf(stderr, "line %d, column %d: ", err->line, err->col);
    if (err->field[0] && err->row > 0) fprintf(stderr, "column %s: ", err->field);
    fprintf(stderr, "%s\n", err->msg[0] ? err->msg : tu_strerror(err->code));
    return TU_EXIT_FAIL;
}

char *tu_cli_read_file(const char *path, size_t *len, tu_err *err) {
    FILE *f = strcmp(path, "-") == 0 ? stdin : fopen(path, "rb");
    if (!f) {
        tu_err_set(err, TU_EIO, "cannot open %s: %s", path, strerror(errno));
        return NULL;
    }
    size_t cap = 4096, n = 0;
    char *buf = tu_malloc(cap);
    while (buf) {
        if (n + 1 >= cap) {
            char *nb = tu_realloc(buf, cap * 2);
            if (!nb) break;
            buf = nb, cap *= 2;
        }
        size_t k = fread(buf + n, 1, cap - n - 1, f);
        n += k;
        if (k == 0) break;
    }
    int failed = !buf || ferror(f);
    if (f != stdin) fclose(f);
    if (failed) {
        tu_free(buf);
        tu_err_set(err, TU_EIO, "cannot read %s", path);
        return NULL;
    }
    buf[n] = '\0';
    if (len) *len = n;
    return buf;
}

int tu_cli_wants_help(int argc, char **argv) {
    for (int i = 1; i < argc; i++) {
        if (strcmp(argv[i], "--") == 0) return 0;
        if (strcmp(argv[i], "--help") == 0 || strcmp(argv[i], "-h") == 0) return 1;
    }
    return 0;
}

char *tu_cli_arg_text(const char *arg, size_t *len, tu_err *err) {
    if (arg[0] == '@') return tu_cli_read_file(arg[1] ? arg + 1 : "-", len, err);
    char *s = tu_strdup(arg);
    if (!s) tu_err_set(err, TU_ENOMEM, "out of memory");
    else if (len) *len = strlen(s);
    return s;
}

json_t *tu_cli_parse_json(const char *text, size_t len, tu_err *err) {
    json_error_t je;
    json_t *v = json_loadb(text, len, JSON_DECODE_ANY, &je);
    if (!v) {
        tu_err_set(err, TU_EPARSE, "invalid JSON: %s", je.text);
        if (err) err->line = je.line > 0 ? je.line : 1, err->col = je.column > 0 ? je.column : 1;
    }
    return v;
}

json_t *tu_cli_rule_src(const char *cmd, const char *name, const char *src, size_t len, int text) {
    tu_err err = {0};
    json_t *v = text ? tu_rule_text_parse(src, len, &err) : tu_cli_parse_json(src, len, &err);
    if (!v && text && err.line > 0) {
        char buf[2048];
        tu_rule_text_caret(src, len, &err, buf, sizeof buf);
        fprintf(stderr, "techup %s: %s%s%s", cmd, name ? name : "", name ? ": " : "", buf);
    } else if (!v) {
        if (name) fprintf(stderr, "techup %s: %s: ", cmd, name);
        tu_cli_fail(cmd, &err);
    }
    return v;
}

json_t *tu_cli_rule_arg(const char *cmd, const char *arg, int text) {
    tu_err err = {0};
    size_t len;
    char *s = tu_cli_arg_text(arg, &len, &err);
    if (!s) return tu_cli_fail(cmd, &err), NULL;
    json_t *v = tu_cli_rule_src(cmd, arg[0] == '@' ? arg + 1 : NULL, s, len, text);
    tu_free(s);
    return v;
}
