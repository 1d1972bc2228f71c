/* idset.c — reading and writing sets of enterprise ids (see idset.h). Workload: files of up to 7M ids; text is
 * parsed in one pass with no per-id allocation. */
#include "push/idset.h"

#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "app/campaign.h"
#include "core/alloc.h"

static char *slurp(const char *path, size_t *len, tu_err *err) {
    FILE *f = fopen(path, "rb");
    if (!f) {
        tu_err_set(err, TU_EIO, "cannot open %s: %s", path, strerror(errno));
        return NULL;
    }
    char *buf = NULL;
    long n = fseek(f, 0, SEEK_END) == 0 ? ftell(f) : -1;
    if (n >= 0 && fseek(f, 0, SEEK_SET) == 0 && (buf = tu_malloc((size_t)n + 1)) != NULL &&
        fread(buf, 1, (size_t)n, f) != (size_t)n) {
        tu_free(buf);
        buf = NULL;
    }
    fclose(f);
    if (!buf) tu_err_set(err, TU_EIO, "cannot read %s", path);
    else buf[n] = '\0', *len = (size_t)n;
    return buf;
}

static int parse_text(const char *path, const char *p, roaring_bitmap_t *set, tu_err *err) {
    uint32_t batch[4096];
    size_t nb = 0;
    long line = 1;
    while (*p) {
        while (*p == ' ' || *p == '\t' || *p == '\r') p++;
        if (*p == '#') while (*p && *p != '\n') p++;
        if (*p >= '0' && *p <= '9') {
            uint64_t v = 0;
            while (*p >= '0' && *p <= '9' && v <= UINT32_MAX) v = v * 10 + (uint64_t)(*p++ - '0');
            while (*p == ' ' || *p == '\t' || *p == '\r') p++;
            if (v > UINT32_MAX || (*p && *p != '\n'))
                return tu_err_set(err, TU_EPARSE, "%s: line %ld: not an enterprise id", path, line);
            batch[nb++] = (uint32_t)v;
            if (nb == sizeof batch / sizeof batch[0]) roaring_bitmap_add_many(set, nb, batch), nb = 0;
        } else if (*p && *p != '\n') {
            return tu_err_set(err, TU_EPARSE, "%s: line %ld: not an enterprise id", path, line);
        }
        if (*p == '\n') p++, line++;
    }
    roaring_bitmap_add_many(set, nb, batch);
    return TU_OK;
}

int tu_push_idset_read(const char *path, roaring_bitmap_t **out, tu_err *err) {
    *out = NULL;
    size_t len = 0;
    char *buf = slurp(path, &len, err);
    if (!buf) return TU_EIO;
    roaring_bitmap_t *set = len && (buf[0] < '0' || buf[0] > '9') && buf[0] != '#' ? tu_app_campaign_decode(buf, len) : NULL;
    int rc = TU_OK;
    if (!set) {
        set = roaring_bitmap_create();
        rc = set ? parse_text(path, buf, set, err) : tu_err_set(err, TU_ENOMEM, "out of memory");
    }
    tu_free(buf);
    if (rc) tu_bitmap_free(set);
    else *out = set;
    return rc;
}

int tu_push_idset_write(const char *path, const roaring_bitmap_t *set, tu_err *err) {
    size_t len = roaring_bitmap_portable_size_in_bytes(set);
    char *buf = tu_malloc(len), tmp[4096];
    if (!buf) return tu_err_set(err, TU_ENOMEM, "out of memory");
    roaring_bitmap_portable_serialize(set, buf);
    snprintf(tmp, sizeof tmp, "%s.tmp", path);
    FILE *f = fopen(tmp, "wb");
    int ok = f && fwrite(buf, 1, len, f) == len;
    if (f && fclose(f) != 0) ok = 0;
    tu_free(buf);
    if (!ok || rename(tmp, path) != 0) {
        remove(tmp);
        return tu_err_set(err, TU_EIO, "cannot write %s: %s", path, strerror(errno));
    }
    return TU_OK;
}
