#!/usr/bin/env bash
# The gen, import and export commands as a user meets them: --help, exit codes (0 ok, 1 failure, 2 usage),
# messages naming file, row, column and reason, the reject file, --strict, and determinism of gen.
set -uo pipefail
bin=${TECHUP_BIN:?TECHUP_BIN must point to the techup binary}
tmp=$(mktemp -d /tmp/techup-cli-XXXXXX)
trap 'rm -rf "$tmp"' EXIT
failures=0
fail() { echo "FAIL: $*" >&2; failures=$((failures + 1)); }

# expect CODE CMD... : runs CMD, checks its exit code; stderr is kept in $tmp/err.
expect() {
  local want=$1
  shift
  "$@" >"$tmp/out" 2>"$tmp/err"
  local got=$?
  [ "$got" -eq "$want" ] || fail "'$*' exited $got, expected $want: $(cat "$tmp/err")"
}
stderr_has() { grep -qF -- "$1" "$tmp/err" || fail "stderr lacks '$1': $(cat "$tmp/err")"; }

for c in gen import export; do
  expect 0 "$bin" "$c" --help
  grep -q "usage: techup $c" "$tmp/out" || fail "$c --help prints no usage"
done
expect 2 "$bin"
expect 2 "$bin" gen --enterprises abc
stderr_has "--enterprises needs a non-negative integer"
expect 2 "$bin" gen --colour red
expect 2 "$bin" import
stderr_has "which CSV file?"
expect 2 "$bin" import --batch 0 x.csv
expect 2 "$bin" import --what x.csv
expect 2 "$bin" export extra

# gen: deterministic, the same on stdout and in a file
expect 0 "$bin" gen --enterprises 2000 --seed 5 --out "$tmp/a.csv"
"$bin" gen --enterprises 2000 --seed 5 >"$tmp/b.csv" || fail "gen to stdout"
cmp -s "$tmp/a.csv" "$tmp/b.csv" || fail "gen is not deterministic / stdout differs from --out"
[ "$(wc -l <"$tmp/a.csv")" -eq 2001 ] || fail "gen wrote $(wc -l <"$tmp/a.csv") lines, expected 2001"

# import + export: the generated file comes back byte for byte
expect 0 "$bin" import --db "$tmp/a.db" "$tmp/a.csv"
stderr_has "2000 imported (2000 new, 0 updates), 0 rejected"
expect 0 "$bin" export --db "$tmp/a.db" --out "$tmp/a-out.csv"
cmp -s "$tmp/a.csv" "$tmp/a-out.csv" || fail "export differs from the imported file"
"$bin" export --db "$tmp/a.db" >"$tmp/a-stdout.csv" || fail "export to stdout"
cmp -s "$tmp/a.csv" "$tmp/a-stdout.csv" || fail "export to stdout differs"

# failures name the file, row and column
expect 1 "$bin" import --db "$tmp/a.db" "$tmp/missing.csv"
stderr_has "missing.csv"
printf 'uscc,name,city,colour\n' >"$tmp/hdr.csv"
expect 1 "$bin" import --db "$tmp/a.db" "$tmp/hdr.csv"
stderr_has "hdr.csv: row 1: unknown column 'colour'"
expect 1 "$bin" export --db "$tmp/nope/none.db"

# rejects: valid rows imported, the reject file explains the others; --strict imports nothing
head -3 "$tmp/a.csv" >"$tmp/r.csv"
printf '91440300MA5XXXXXX1,坏码,440300,,,,,,,,,\n' >>"$tmp/r.csv"
expect 0 "$bin" import --db "$tmp/r.db" --reject "$tmp/rej.csv" "$tmp/r.csv"
stderr_has "2 imported"
stderr_has "1 rejected"
stderr_has "$tmp/rej.csv"
grep -q '^uscc,.*,tags,error_row,error_column,error_reason$' "$tmp/rej.csv" || fail "reject file header"
grep -q ',4,uscc,' "$tmp/rej.csv" || fail "reject file row: $(cat "$tmp/rej.csv")"
expect 1 "$bin" import --db "$tmp/s.db" --strict --reject "$tmp/rej2.csv" "$tmp/r.csv"
stderr_has "--strict: nothing imported"
expect 0 "$bin" export --db "$tmp/s.db" --out "$tmp/s.csv"
[ "$(wc -l <"$tmp/s.csv")" -eq 1 ] || fail "--strict left rows behind"

# policy publish without --recipients-from: the match engine computes the eligible set over the database; the
# recipients equal `techup match` on the same rule; the revision records gained / lost campaigns
data="$(cd "$(dirname "${BASH_SOURCE[0]}")/../app/data" && pwd)"
rule=$(python3 -c 'import json,sys; print(json.dumps(json.load(open(sys.argv[1]))["rule"]))' "$data/equipment-2021.json")
want=$("$bin" match --db "$tmp/a.db" "$rule" 2>/dev/null | sed -n 's/^matched \([0-9][0-9]*\) of .*/\1/p' | head -1)
expect 0 "$bin" policy add --db "$tmp/a.db" "$data/equipment-2021.json"
expect 0 "$bin" policy preview --db "$tmp/a.db" gd-equipment-reward
expect 0 "$bin" policy publish --db "$tmp/a.db" gd-equipment-reward
grep -q "recipients" "$tmp/out" || fail "policy publish printed no recipients: $(cat "$tmp/out")"
got=$(sed -n 's/^campaign [0-9]*: \([0-9]*\) recipients$/\1/p' "$tmp/out")
[ -n "$want" ] && [ "$got" = "$want" ] || fail "policy publish: $got recipients, techup match says '$want'"
expect 2 "$bin" policy publish --db "$tmp/a.db" gd-equipment-reward --previous-from "$tmp/a.csv"
expect 1 "$bin" policy publish --db "$tmp/a.db" gd-equipment-reward
stderr_has "already published"

[ "$failures" -eq 0 ] || { echo "$failures failure(s)" >&2; exit 1; }
echo "all command checks passed" >&2
