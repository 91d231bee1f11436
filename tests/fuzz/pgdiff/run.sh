#!/usr/bin/env bash
# The differential run of make fuzz: generated inputs for a while, plus the
# PostgreSQL files of the corpus and what the split_postgres fuzzer found,
# compared with PostgreSQL's own parser (pgdiff.js).  Inputs that differ
# are saved in BUILD/fuzz/pgdiff/.
# Usage: tests/fuzz/pgdiff/run.sh BUILD --seconds N
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
src=$(cd "$here/../../.." && pwd)
build=$(cd "$1" && pwd)
shift
# Without ../shared (a fresh clone) the corpus files are skipped: only generated inputs are compared.
corpus=${RUNWAY_CORPUS:-$src/../shared/corpus}

"$here/install.sh"
files=()
if [ -d "$corpus" ]; then
  while IFS= read -r -d '' f; do files+=("$f"); done \
    < <(find "$corpus" -path '*postgres*' -name '*.sql' -size -64k -print0)
fi
if [ -d "$build/fuzz/corpus/split_postgres" ]; then
  while IFS= read -r -d '' f; do files+=("$f"); done \
    < <(find "$build/fuzz/corpus/split_postgres" -type f -size -16k -print0)
fi
node "$here/pgdiff.js" --dump "$build/tests/fuzz/split_dump" --seed "$(date +%s)" --cr \
  --save "$build/fuzz/pgdiff" "$@" "${files[@]}"
