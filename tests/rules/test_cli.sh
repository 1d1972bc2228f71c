#!/bin/sh
# Tests of the rules commands of the CLI (src/cli/cmd_eval.c, cmd_explain.c, cmd_rules.c), end to end.
# usage: test_cli.sh TECHUP POLICY_DIR
set -u
bin=$1 dir=$2 fail=0
check() { # check NAME WANT_RC WANT_TEXT CMD...
    name=$1 want_rc=$2 want=$3
    shift 3
    out=$("$@" 2>&1)
    rc=$?
    if [ "$rc" != "$want_rc" ] || ! printf '%s' "$out" | grep -qF -- "$want"; then
        echo "FAIL $name: rc $rc (want $want_rc), output:"; echo "$out"; fail=1
    else
        echo "ok   $name"
    fi
}
check "rules test passing" 0 "5 passed, 0 failed" "$bin" rules test "$dir/equipment_renewal.json"
check "rules test failing" 1 "2 passed, 3 failed" "$bin" rules test "$dir/failing_fixtures.json"
check "rules test missing file" 1 "cannot open" "$bin" rules test "$dir/nope.json"
check "rules test usage" 2 "exactly one FILE" "$bin" rules test
check "eval" 0 "true" "$bin" eval '{">=":[{"var":"revenue"},2000]}' '{"revenue":2500}'
check "eval text" 0 '"深圳"' "$bin" eval --text 'substr("广东省深圳市", 3, 2)'
check "eval caret" 1 "             ^" "$bin" eval --text 'revenue >= and 1'
check "eval bad json" 1 "line 1, column" "$bin" eval '{"a":' '{}'
check "explain zh" 0 "研发投入占比 3.1% < 4%" "$bin" explain --text 'revenue >= 2000 and rd_ratio >= 4' \
    '{"city":"440300","revenue":"2500","rd_ratio":"3.1"}'
check "explain en json" 0 '"near_miss"' "$bin" explain --json --lang en --text 'rd_ratio >= 4' '{"city":"440300","rd_ratio":"3.1"}'
check "explain usage" 2 "--lang must be" "$bin" explain --lang fr x y
check "fmt to json" 0 '{"and":[{">=":[{"var":"revenue"},2000]},{"in":["high_tech",{"var":"tags"}]}]}' \
    sh -c "printf '%s' 'revenue >= 2000 and \"high_tech\" in tags' | '$bin' rules fmt"
check "fmt to text" 0 'revenue >= 2000 and "high_tech" in tags' \
    sh -c "printf '%s' '{\"and\":[{\">=\":[{\"var\":\"revenue\"},2000]},{\"in\":[\"high_tech\",{\"var\":\"tags\"}]}]}' | '$bin' rules fmt"
check "check" 1 "never_true" "$bin" rules check --text 'revenue < 0'
check "check ok" 0 "depends on: revenue tags" "$bin" rules check --text 'revenue > 1 and "high_tech" in tags'
check "help" 0 "usage: techup rules" "$bin" rules --help
exit $fail
