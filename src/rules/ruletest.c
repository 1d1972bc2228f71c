/* ruletest.c — fixtures of a policy file: build each enterprise, evaluate the rule three-valued, compute the
 * benefit exactly, compare with the expectation, print one line per fixture. Runs when a policy is saved or
 * published and from `techup rules test` (a handful of fixtures; nothing here is hot).
 */
#include <stdio.h>
#include <string.h>

#include "core/codes.h"
#include "core/num.h"
#include "rules/rules.h"
#include "rules/rules_int.h"
#include "rules/ruletest.h"

#define PLACEHOLDER_USCC "91440300MA5F00000" /* 17 characters; the check character is computed */

/* The CSV text of one attribute value given as JSON: a string as is, a number printed, tags joined by ';'. */
static int cell_text(const json_t *v, tu__buf *b) {
    if (json_is_string(v)) tu__buf_add(b, json_string_value(v), json_string_length(v));
    else if (json_is_integer(v)) tu__buf_printf(b, "%lld", (long long)json_integer_value(v));
    else if (json_is_real(v)) tu__js_tostr(b, v);
    else if (json_is_array(v)) {
        for (size_t i = 0; i < json_array_size(v); i++) {
            if (!json_is_string(json_array_get(v, i))) return -1;
            if (i) tu__buf_add(b, ";", 1);
            tu__js_tostr(b, json_array_get(v, i));
        }
    } else if (!json_is_null(v)) return -1;
    return 0;
}

static int set_attr(tu_ent *e, const tu_attr *a, const json_t *v, tu_err *err) {
    tu__buf b = {0};
    if (cell_text(v, &b)) {
        tu__buf_free(&b);
        if (err) snprintf(err->field, sizeof err->field, "%s", a->name);
        return tu_err_set(err, TU_EINVAL, "%s: give a string, a number or a list of tags", a->name);
    }
    int rc = b.oom ? tu_err_set(err, TU_ENOMEM, "out of memory")
                   : tu_ent_set_cell(e, a->id, b.p ? b.p : "", b.len, tu_date_today(), err);
    tu__buf_free(&b);
    return rc;
}

int tu_ent_from_json(const json_t *attrs, tu_ent *e, tu_err *err) {
    tu_ent_init(e);
    if (!json_is_object(attrs)) return tu_err_set(err, TU_EINVAL, "enterprise must be a JSON object");
    const char *k;
    json_t *v;
    json_object_foreach((json_t *)attrs, k, v) {
        const tu_attr *a = tu_attr_find(k, strlen(k));
        if (!a || (a->flags & TU_AF_DERIVED)) {
            if (err) snprintf(err->field, sizeof err->field, "%.63s", k);
            return tu_err_set(err, TU_EINVAL, "'%.60s' is not an attribute that can be given", k);
        }
        int rc = set_attr(e, a, v, err);
        if (rc) return rc;
    }
    if (!TU_ENT_HAS(e, TU_A_USCC)) {
        char u[TU_USCC_LEN + 1] = PLACEHOLDER_USCC;
        u[17] = tu_uscc_check_char(u), u[18] = '\0';
        tu_ent_set_cell(e, TU_A_USCC, u, TU_USCC_LEN, 0, NULL);
    }
    if (!TU_ENT_HAS(e, TU_A_NAME)) tu_ent_set_cell(e, TU_A_NAME, "fixture", 7, 0, NULL);
    return tu_ent_finish(e, err);
}
