#!/usr/bin/env bash
# lint-vs-squawk.sh RUNWAY [CORPUS] - times `runway lint` and squawk (npm
# squawk-cli in tests/lint-compare) over every PostgreSQL set of the corpus,
# each set linted the way a pipeline would (one run per set, its .sql files),
# and prints the median wall and CPU time of BENCH_RUNS (3) rounds.
set -uo pipefail
here=$(cd "$(dirname "$0")" && pwd)
runway=$1
corpus=$(cd "${2:-$here/../../shared/corpus}" && pwd -P)
squawk=$here/../tests/lint-compare/node_modules/.bin/squawk
runs=${BENCH_RUNS:-3}
[ -x "$squawk" ] || { echo "squawk missing: run tools/deps.sh test" >&2; exit 2; }

sets=()
for s in "$corpus"/*postgres*/; do
  case $(basename "$s") in
    flyway-tests-*) for d in "$s"*/; do sets+=("${d%/}"); done ;;
    *) sets+=("${s%/}") ;;
  esac
done

run_runway() {
  for d in "${sets[@]}"; do
    "$runway" lint -dialect=postgresql -locations="filesystem:$d" -lintFormat=json >/dev/null 2>&1
  done
}
run_squawk() {
  for d in "${sets[@]}"; do
    (cd "$d" && find . -name '*.sql' -print0 | xargs -0 "$squawk" --reporter json >/dev/null 2>&1)
  done
}

# Prints "wall cpu" in seconds for one round of $1.
round() {
  local t0 t1 c0 c1
  c0=$(awk '{print $14 + $15 + $16 + $17}' /proc/$$/stat)
  t0=$(date +%s.%N)
  "$1"
  t1=$(date +%s.%N)
  c1=$(awk '{print $14 + $15 + $16 + $17}' /proc/$$/stat)
  awk -v a="$t0" -v b="$t1" -v c="$c0" -v d="$c1" -v hz="$(getconf CLK_TCK)" \
    'BEGIN { printf "%.3f %.3f\n", b - a, (d - c) / hz }'
}

median() { sort -n | awk '{ v[NR] = $1 } END { print v[int((NR + 1) / 2)] }'; }

for tool in runway squawk; do
  : >"/tmp/lint-bench.$tool.$$"
  for _ in $(seq "$runs"); do round "run_$tool" >>"/tmp/lint-bench.$tool.$$"; done
done
files=$(find "${sets[@]}" -name '*.sql' | wc -l)
bytes=$(find "${sets[@]}" -name '*.sql' -print0 | du -cb --files0-from=- | tail -1 | cut -f1)
echo "${#sets[@]} sets, $files files, $((bytes / 1024)) KiB; median of $runs rounds"
printf '| tool | wall s | CPU s |\n|---|---|---|\n'
for tool in runway squawk; do
  printf '| %s | %s | %s |\n' "$tool" \
    "$(cut -d' ' -f1 "/tmp/lint-bench.$tool.$$" | median)" \
    "$(cut -d' ' -f2 "/tmp/lint-bench.$tool.$$" | median)"
done
rw=$(cut -d' ' -f2 "/tmp/lint-bench.runway.$$" | median)
sq=$(cut -d' ' -f2 "/tmp/lint-bench.squawk.$$" | median)
awk -v r="$rw" -v s="$sq" 'BEGIN { printf "squawk / runway CPU time: %.0fx\n", s / (r > 0 ? r : 0.001) }'
rm -f /tmp/lint-bench.*.$$
