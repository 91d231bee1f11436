#!/usr/bin/env bash
# Builds the seed directories make fuzz starts from: the hand-picked seeds
# in tests/fuzz/seeds, plus inputs taken from the tests and the corpus of
# real migration sets (files over 64 KiB are left out: the fuzzers work on
# small inputs).
# Usage: tests/fuzz/make-seeds.sh OUT_DIR
set -euo pipefail
src=$(cd "$(dirname "$0")/../.." && pwd)
out=$1
# Without ../shared (a fresh clone) the corpus is skipped: seeds come from the tests alone.
corpus=${RUNWAY_CORPUS:-$src/../shared/corpus}
[ -d "$corpus" ] && corpus=$(cd "$corpus" && pwd)
max=65536

mkdir -p "$out"
cp -r "$src"/tests/fuzz/seeds/. "$out"/

# add TARGET FILE...: copies files in under names made from their paths
# (bash only, no process per file: this runs on busy machines).
add() {
  local target=$1 file name
  shift
  mkdir -p "$out/$target"
  for file in "$@"; do
    name=${file#"$corpus"/}
    name=${name#"$src"/}
    cp "$file" "$out/$target/${name//[^A-Za-z0-9._-]/_}"
  done
}

# add_text TARGET NAME TEXT: a seed written from text.
add_text() {
  mkdir -p "$out/$1"
  printf '%s' "$3" >"$out/$1/$2"
}

if [ -d "$corpus" ]; then
  pg=() my=() lite=() all=()
  while IFS= read -r -d '' f; do
    all+=("$f")
    case $f in
      *postgres*) pg+=("$f") ;;
      *mysql*|*sakila*) my+=("$f") ;;
      *) lite+=("$f") ;;
    esac
  done < <(find "$corpus" -type f -name '*.sql' -size -$((max / 1024 + 1))k -print0)
  add split_postgres "${pg[@]}"
  add split_mysql "${my[@]}"
  add split_sqlite "${lite[@]}"
  mkdir -p "$out/migration_name" "$out/version"
  for f in "${all[@]}"; do
    base=${f##*/}
    # The migration_name harness reads a settings byte, then the name.
    printf '\000%s' "$base" >"$out/migration_name/${base//[^A-Za-z0-9._-]/_}"
    case $base in
      V*__*) v=${base#V}; v=${v%%__*}; printf '%s' "$v" >"$out/version/v-${v//[^A-Za-z0-9._-]/_}" ;;
    esac
  done
  mapfile -t ph < <(grep -l '\${' "${all[@]}" 2>/dev/null || true)
  [ ${#ph[@]} -gt 0 ] && add placeholder "${ph[@]}"
  mapfile -t confs < <(find "$corpus" -type f -name '*.conf' -size -64k)
  [ ${#confs[@]} -gt 0 ] && add properties "${confs[@]}"
  mapfile -t tomls < <(find "$corpus" -type f -name '*.toml' -size -64k)
  [ ${#tomls[@]} -gt 0 ] && add toml "${tomls[@]}"
else
  echo "make-seeds: no corpus at $corpus; seeding from the tests only" >&2
fi

# From the tests: the example project and the config and SQL the CLI tests write.
mapfile -t ex < <(find "$src/examples" -type f -name '*.sql')
[ ${#ex[@]} -gt 0 ] && add split_sqlite "${ex[@]}"
add properties "$src/examples/flyway.conf"
# Every -url=... argument in the CLI tests is a URL seed.
mkdir -p "$out/url"
grep -oh -- '-url=[^ "'"'"']*' "$src"/tests/cli/t*.sh | sed 's/^-url=//' | grep -v '\$' | sort -u |
  { n=0; while IFS= read -r u; do n=$((n + 1)); printf '%s' "$u" >"$out/url/test-$n"; done; }
echo "make-seeds: $(find "$out" -type f | wc -l) seeds in $out"
