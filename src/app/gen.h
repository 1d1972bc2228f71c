/* gen.h — a synthetic province: deterministic, realistic enterprise CSV for demos, tests and benchmarks.
 *
 * The same (n, seed) always gives the same bytes, on any machine and any day (dates are relative to a fixed
 * reference day, TU_GEN_REF_DATE). Every row is valid for `techup import`; USCCs are unique within a file. The
 * distributions and their sources are documented in docs/synthetic-data.md. Workload: 7M rows in a few seconds.
 */
#ifndef TU_APP_GEN_H
#define TU_APP_GEN_H

#include <stdint.h>
#include <stdio.h>

#include "core/error.h"

#define TU_GEN_REF_DATE "2025-12-31" /* the as-of day of generated data; no founding date is later */

/* Writes the header and n rows to out. Returns TU_OK, or TU_EIO when writing fails. */
int tu_gen_write(FILE *out, uint64_t n, uint64_t seed, tu_err *err);

/* Formats row i (0-based) of the province for seed into buf (without newline); returns its length, or -1 if
 * cap is too small (512 bytes always suffice). Rows are independent: row i is the same whatever n is. */
int tu_gen_row(uint64_t seed, uint64_t i, char *buf, size_t cap);

#endif
