/* text.h — the readable rule syntax, parsed to and printed from the same JsonLogic tree.
 *
 *   industry_division in ["C38", "C39"] and revenue >= 2000 and "high_tech" in tags   # a comment
 *
 * Grammar and examples: docs/rules.md. print(parse(t)) parses back to the same tree, and parse(print(j)) is
 * the canonical form of j, for every rule without data objects.
 */
#ifndef TU_RULES_TEXT_H
#define TU_RULES_TEXT_H

#include <jansson.h>
#include <stddef.h>

#include "core/error.h"

/* Parses readable syntax into canonical JsonLogic: a new reference, or NULL with err->line/col (1-based,
 * columns in characters) and err->msg ("expected ... , found ..."). text need not be NUL-terminated. */
json_t *tu_rule_text_parse(const char *text, size_t len, tu_err *err);

/* Prints a rule (any JsonLogic; it is canonicalised first) as readable syntax: a tu_malloc'd string, or NULL
 * with err (TU_EUNSUPPORTED for data objects such as {} that the syntax cannot write, limits as for rules). */
char *tu_rule_text_print(const json_t *logic, tu_err *err);

/* Formats an error of tu_rule_text_parse for people: "line 2, column 14: expected ...", the source line and a
 * caret under the column (wide characters count two). Writes at most n bytes (NUL-terminated). */
void tu_rule_text_caret(const char *text, size_t len, const tu_err *err, char *buf, size_t n);

#endif
