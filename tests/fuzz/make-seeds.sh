#!/usr/bin/env bash
# Builds the seed directories make fuzz starts from: the hand-picked seeds
# in tests/fuzz/seeds, plus inputs taken from the tests and the corpus of
# real migration sets (files over 64 KiB are left out: the fuzzers work on
# small inputs).
# Usage: tests/fuzz/make-seeds.sh OUT_DIR
set -euo pipefail
src=$(cd "$(dirname "$0")/../.." && pwd)
out=$1
corpus=${RUNWAY_CORPUS:-$src/../shared/corpus}
[ -d "$corpus" ] && corpus=$(cd "$corpus" && pwd)
max=65536

mkdir -p "$out"
cp -r "$src"/tests/fuzz/seeds/. "$out"/

# add TARGET FILE: copies FILE in under a name made from its path.
add() {
  local target=$1 file=$2 name
  [ -f "$file" ] && [ "$(stat -c %s "$file")" -le $max ] || return 0
  name=${file#"$corpus"/}
  name=$(printf '%s' "${name#"$src"/}" | tr -c 'A-Za-z0-9._-' '_')
  mkdir -p "$out/$target"
  cp "$file" "$out/$target/$name"
}

# add_text TARGET NAME TEXT: a seed written from text.
add_text() {
  mkdir -p "$out/$1"
  printf '%s' "$3" >"$out/$1/$2"
}

if [ -d "$corpus" ]; then
  while IFS= read -r -d '' f; do
    case $f in
      *postgres*) add split_postgres "$f" ;;
      *mysql*|*sakila*) add split_mysql "$f" ;;
      *) add split_sqlite "$f" ;;
    esac
    base=$(basename "$f")
    # The migration_name harness reads a settings byte, then the name.
    mkdir -p "$out/migration_name"
    printf '\000%s' "$base" >"$out/migration_name/$(printf '%s' "$base" | tr -c 'A-Za-z0-9._-' '_')"
    case $base in
      V*__*) v=${base#V}; add_text version "v-${v%%__*}" "${v%%__*}" ;;
    esac
    grep -q '\${' "$f" 2>/dev/null && add placeholder "$f"
  done < <(find "$corpus" -type f -name '*.sql' -print0)
  while IFS= read -r -d '' f; do add properties "$f"; done \
    < <(find "$corpus" -type f -name '*.conf' -print0)
  while IFS= read -r -d '' f; do add toml "$f"; done \
    < <(find "$corpus" -type f -name '*.toml' -print0)
else
  echo "make-seeds: no corpus at $corpus; seeding from the tests only" >&2
fi

# From the tests: the example project and the config and SQL the CLI tests write.
while IFS= read -r -d '' f; do add split_sqlite "$f"; done \
  < <(find "$src/examples" -type f -name '*.sql' -print0)
add properties "$src/examples/flyway.conf"
n=0
for t in "$src"/tests/cli/t*.sh; do
  # Every -url=... argument in the tests is a URL seed.
  grep -o -- '-url=[^ "'"'"']*' "$t" | sed 's/^-url=//' | grep -v '\$' | while IFS= read -r u; do
    n=$((n + 1)); add_text url "$(basename "$t" .sh)-$n" "$u"
  done || true
done
echo "make-seeds: $(find "$out" -type f | wc -l) seeds in $out"
