#!/usr/bin/env bash
# tools/closure.sh BINARY: prints, one path a line, every shared library file
# runway needs at run time on this machine: what the binary links, what it
# loads on first use (the sonames named by LAZY_LIB in src/*/*_lazy.c), the
# plugin folders those libraries load from (libmariadb's client
# authentication plugins), and everything each of these links in turn,
# the dynamic loader included.  Paths are as the loader finds them
# (/lib/x86_64-linux-gnu/libpq.so.5); the image and the Lambda zip resolve
# the symlinks themselves.  Nothing here is a list kept by hand: a new lazily
# loaded library or a library that gains a dependency shows up by itself.
set -euo pipefail
src=$(cd "$(dirname "$0")/.." && pwd)
bin=${1:?usage: tools/closure.sh BINARY}

die() { echo "runway: $*" >&2; exit 1; }
command -v ldd >/dev/null || die "ldd is missing; install the Debian package libc-bin"
command -v ldconfig >/dev/null || PATH=$PATH:/sbin:/usr/sbin
command -v ldconfig >/dev/null || die "ldconfig is missing; install the Debian package libc-bin"
[ -x "$bin" ] || die "$bin is not an executable; run 'make build' first"

# closure_soname_path SONAME: where the loader finds SONAME (this architecture
# only).  awk reads to the end: quitting early would kill ldconfig with
# SIGPIPE, which pipefail turns into a failure at random.
closure_soname_path() {
  ldconfig -p | awk -v so="$1" '$1 == so && /x86-64/ && !found { found = $NF } END { print found }'
}

# closure_ldd FILE: FILE's dependencies, the loader included, as paths.
closure_ldd() {
  local out
  out=$(ldd "$1" 2>&1) || die "ldd $1 failed: $out"
  if grep -q 'not found' <<<"$out"; then
    die "$1 needs a library this machine lacks: $(grep -m1 'not found' <<<"$out" | tr -s ' \t' ' ')"
  fi
  awk '$2 == "=>" && $3 ~ /^\// { print $3 } $1 ~ /^\// { print $1 }' <<<"$out"
}

# closure_plugin_dirs LIB: folders compiled into LIB that end in /plugin and
# exist here (libmariadb loads caching_sha2_password.so and the others from one).
closure_plugin_dirs() {
  tr -c '[:print:]' '\n' <"$1" | grep -E '^/[^ ]*/plugin$' | sort -u | while read -r d; do
    [ -d "$d" ] && echo "$d"
  done
}

roots=("$bin")
while read -r soname; do
  path=$(closure_soname_path "$soname")
  [ -n "$path" ] || die "$soname (loaded on first use) is not installed on this machine; run 'tools/deps.sh build'"
  roots+=("$path")
  while read -r dir; do
    for plugin in "$dir"/*.so; do
      [ -e "$plugin" ] && roots+=("$plugin")
    done
  done < <(closure_plugin_dirs "$(readlink -f "$path")")
done < <(grep -ho 'LAZY_LIB("[^"]*"' "$src"/src/*/*_lazy.c | sed 's/LAZY_LIB("//; s/"$//' | sort -u)

{
  for r in "${roots[@]}"; do
    [ "$r" = "$bin" ] || echo "$r"
    closure_ldd "$r"
  done
} | LC_ALL=C sort -u
