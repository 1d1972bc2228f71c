/* idset.h — sets of enterprise ids in files: text (one decimal id a line, '#' comments) or a CRoaring portable
 * bitmap. Used to hand an eligible set to `techup policy publish --recipients-from` until match/ computes it,
 * and by tests and benches. */
#ifndef TU_PUSH_IDSET_H
#define TU_PUSH_IDSET_H

#include <roaring/roaring.h>

#include "core/error.h"

/* Reads `path` (format detected: a valid portable bitmap, else text). *out is NULL on error; err names the
 * line of a bad id. Free with roaring_bitmap_free. */
int tu_push_idset_read(const char *path, roaring_bitmap_t **out, tu_err *err);
/* Writes `set` as a portable bitmap file (atomically: a temporary file renamed over path). */
int tu_push_idset_write(const char *path, const roaring_bitmap_t *set, tu_err *err);

#endif
