/* static.c — the web portal's files from the configured folder, confined to it: paths with "..", backslashes,
 * NUL or dot-files are refused, and the resolved real path (symlinks followed) must stay under the folder's real
 * path. Workload: a handful of small files per page view; the OS page cache does the caching. */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "http/http_int.h"

static char root[PATH_MAX];
static size_t root_len;

int tu__static_open(const char *web_dir) {
    if (!realpath(web_dir, root)) return -1;
    root_len = strlen(root);
    return 0;
}

void tu__static_close(void) { root[0] = '\0', root_len = 0; }

static const char *content_type(const char *path) {
    static const char *const map[][2] = {
        {".html", "text/html; charset=utf-8"},  {".js", "text/javascript; charset=utf-8"},
        {".mjs", "text/javascript; charset=utf-8"}, {".css", "text/css; charset=utf-8"},
        {".json", "application/json"},          {".svg", "image/svg+xml"},
        {".png", "image/png"},                  {".jpg", "image/jpeg"},
        {".ico", "image/x-icon"},               {".woff2", "font/woff2"},
        {".txt", "text/plain; charset=utf-8"},  {".webmanifest", "application/manifest+json"},
    };
    const char *dot = strrchr(path, '.');
    for (size_t i = 0; dot && i < sizeof map / sizeof map[0]; i++)
        if (strcmp(dot, map[i][0]) == 0) return map[i][1];
    return "application/octet-stream";
}

/* Rejects any path that is not a plain relative name: "..", ".", hidden segments, backslashes, "//". */
static int safe_path(const char *p) {
    if (p[0] != '/' || strchr(p, '\\') || strlen(p) > 1024) return 0;
    for (const char *s = p; *s; s++)
        if (s[0] == '/' && (s[1] == '.' || s[1] == '/')) return 0;
    return 1;
}

int tu__static_serve(tu_req *r) {
    if (!root_len) return tu_reply_error(r, TU_ENOTFOUND, "no such page");
    if (r->method != TU_M_GET && r->method != TU_M_HEAD) return tu_reply_error(r, TU_EMETHOD, NULL);
    if (!safe_path(r->path)) return tu_reply_error(r, TU_ENOTFOUND, "no such page");
    char want[PATH_MAX], real[PATH_MAX];
    const char *rel = strcmp(r->path, "/") == 0 ? "/index.html" : r->path;
    if (root_len + strlen(rel) + 1 > sizeof want) return tu_reply_error(r, TU_ENOTFOUND, "no such page");
    memcpy(want, root, root_len);
    strcpy(want + root_len, rel);
    if (!realpath(want, real) || strncmp(real, root, root_len) != 0 || real[root_len] != '/')
        return tu_reply_error(r, TU_ENOTFOUND, "no such page");
    int fd = open(real, O_RDONLY | O_CLOEXEC | O_NOFOLLOW);
    struct stat st;
    if (fd < 0 || fstat(fd, &st) != 0 || !S_ISREG(st.st_mode)) {
        if (fd >= 0) close(fd);
        return tu_reply_error(r, TU_ENOTFOUND, "no such page");
    }
    struct MHD_Response *resp = MHD_create_response_from_fd64((uint64_t)st.st_size, fd);
    if (!resp) {
        close(fd);
        return TU_ENOMEM;
    }
    MHD_add_response_header(resp, MHD_HTTP_HEADER_CONTENT_TYPE, content_type(real));
    MHD_add_response_header(resp, MHD_HTTP_HEADER_CACHE_CONTROL, "no-cache");
    return tu__reply_queue(r, 200, resp);
}
