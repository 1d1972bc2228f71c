#!/usr/bin/env bash
# Crash test of `techup import`: SIGKILL it twice midway (once during the first bulk load, once while a re-run is
# resuming with upserts), and check each time that the database opens, passes integrity_check and holds whole
# batches only; then a re-run completes the job and its export equals that of a clean import.
set -euo pipefail
bin=${TECHUP_BIN:?TECHUP_BIN must point to the techup binary}
rows=${CRASH_ROWS:-120000}
batch=5000
tmp=$(mktemp -d /tmp/techup-crash-XXXXXX)
pid=
cleanup() { [ -n "$pid" ] && kill -9 "$pid" 2>/dev/null; rm -rf "$tmp"; }
trap cleanup EXIT
fail() { echo "FAIL: $*" >&2; exit 1; }
q() { sqlite3 -batch "$tmp/k.db" "$1"; }

"$bin" gen --enterprises "$rows" --seed 42 --out "$tmp/p.csv"
"$bin" import --db "$tmp/ref.db" "$tmp/p.csv" 2>/dev/null
"$bin" export --db "$tmp/ref.db" --out "$tmp/ref.csv"

# Starts an import in the background and SIGKILLs it once rows_done has grown past $1.
kill_after() {
  local past=$1 done=0
  "$bin" import --db "$tmp/k.db" --batch "$batch" "$tmp/p.csv" 2>/dev/null &
  pid=$!
  for _ in $(seq 1 6000); do
    done=$(q "SELECT coalesce(max(rows_done), 0) FROM import_run" 2>/dev/null || echo 0)
    [ "${done:-0}" -gt "$past" ] && break
    kill -0 "$pid" 2>/dev/null || break
    sleep 0.02
  done
  kill -9 "$pid" 2>/dev/null || fail "the import finished before it could be killed (rows_done $done)"
  wait "$pid" 2>/dev/null || true
  pid=
}

# The database after a kill: opens, is intact, holds exactly the committed batches, and the run is unfinished.
check_consistent() {
  [ "$(q 'PRAGMA integrity_check')" = ok ] || fail "integrity_check failed"
  local n done finished
  n=$(q "SELECT count(*) FROM enterprise")
  done=$(q "SELECT rows_done FROM import_run ORDER BY id DESC LIMIT 1")
  finished=$(q "SELECT finished FROM import_run ORDER BY id DESC LIMIT 1")
  [ "$finished" = 0 ] || fail "the killed run is marked finished"
  [ "$n" -eq "$done" ] || fail "$n enterprises but $done rows recorded as done (a partial batch?)"
  [ $((done % batch)) -eq 0 ] || fail "rows_done $done is not a whole number of batches"
  [ "$n" -gt 0 ] && [ "$n" -lt "$rows" ] || fail "the kill did not land midway ($n of $rows)"
  [ "$(q "SELECT count(*) FROM enterprise WHERE id > $n")" -eq 0 ] || fail "ids are not dense"
  echo "killed with $n of $rows rows committed: consistent" >&2
}

kill_after $((rows / 5))
check_consistent
first=$(q "SELECT count(*) FROM enterprise")
kill_after $((first + 2 * batch)) # the re-run resumes (no longer a bulk load) and is killed again
check_consistent

"$bin" import --db "$tmp/k.db" --batch "$batch" "$tmp/p.csv" 2>"$tmp/summary.txt"
grep -q "resumed after row" "$tmp/summary.txt" || fail "the re-run did not resume: $(cat "$tmp/summary.txt")"
[ "$(q 'PRAGMA integrity_check')" = ok ] || fail "integrity_check failed after the re-run"
[ "$(q 'SELECT count(*) FROM enterprise')" -eq "$rows" ] || fail "wrong count after the re-run"
[ "$(q 'SELECT finished FROM import_run ORDER BY id DESC LIMIT 1')" = 1 ] || fail "the run is not finished"
[ "$(q "SELECT count(*) FROM sqlite_master WHERE name = 'enterprise_uscc'")" = 1 ] || fail "the USCC index is missing"
"$bin" export --db "$tmp/k.db" --out "$tmp/k.csv"
cmp -s "$tmp/ref.csv" "$tmp/k.csv" || fail "the export differs from that of a clean import"
echo "re-run completed: $rows rows, export identical to a clean import" >&2
