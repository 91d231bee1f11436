#!/usr/bin/env bash
# make fuzz: runs every libFuzzer harness of a RUNWAY_FUZZ build for
# FUZZ_SECONDS each, from generated seeds, then the differential run of the
# PostgreSQL splitter against PostgreSQL's own parser.  What the fuzzers
# learn is kept in BUILD/fuzz/corpus between runs; a crash input lands in
# BUILD/fuzz/crashes/<target>/ and fails the run: fix the bug, then commit
# the input as tests/fuzz/regressions/<target>/<name> so make test replays it.
# Usage: tests/fuzz/run.sh BUILD SECONDS [TARGET...]
set -uo pipefail
src=$(cd "$(dirname "$0")/../.." && pwd)
build=$1 seconds=$2
shift 2
work=$build/fuzz
rm -rf "$work/seeds"
"$src/tests/fuzz/make-seeds.sh" "$work/seeds" >&2 || exit 1

targets=("$@")
if [ ${#targets[@]} -eq 0 ]; then
  for f in "$src"/tests/fuzz/fuzz_*.c; do
    t=$(basename "$f" .c); targets+=("${t#fuzz_}")
  done
fi

failed=()
for t in "${targets[@]}"; do
  bin=$build/tests/fuzz/fuzz_$t
  [ -x "$bin" ] || { echo "fuzz: no $bin (build with -DRUNWAY_FUZZ=ON)" >&2; exit 1; }
  mkdir -p "$work/corpus/$t" "$work/crashes/$t" "$work/seeds/$t"
  inputs=("$work/seeds/$t")
  [ -d "$src/tests/fuzz/regressions/$t" ] && inputs+=("$src/tests/fuzz/regressions/$t")
  echo "fuzz: $t for ${seconds}s" >&2
  if ! ASAN_OPTIONS=detect_leaks=1 UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1 \
       "$bin" -max_total_time="$seconds" -timeout=10 -rss_limit_mb=2048 -max_len=16384 \
       -print_final_stats=1 -artifact_prefix="$work/crashes/$t/" \
       "$work/corpus/$t" "${inputs[@]}" >"$work/$t.log" 2>&1; then
    failed+=("$t")
    grep -E "^==[0-9]+==ERROR|^SUMMARY|invariant failed|Test unit written" "$work/$t.log" >&2
  fi
  grep -E "^stat::number_of_executed_units|^#[0-9]+ *DONE" "$work/$t.log" | tail -1 >&2
done

if [ -z "${FUZZ_SKIP_PGDIFF:-}" ]; then
  echo "fuzz: differential run of the PostgreSQL splitter (${seconds}s)" >&2
  "$src/tests/fuzz/pgdiff/run.sh" "$build" --seconds "$seconds" || failed+=(pgdiff)
fi

if [ ${#failed[@]} -gt 0 ]; then
  echo "fuzz: FAILED: ${failed[*]} (logs in $work, crash inputs in $work/crashes)" >&2
  exit 1
fi
echo "fuzz: no crash in ${#targets[@]} targets" >&2
