#!/usr/bin/env bash
# tools/lambda-zip.sh [BUILD_DIR]: `make lambda-zip`.  Writes
# BUILD_DIR/runway-lambda.zip for Lambda's provided.al2023 and provided.al2
# runtimes: bootstrap (runway) and lib/ with every library it needs, glibc
# and its loader included.
#
# The runtimes' own glibc is older than the one runway is built against
# (2.26 on AL2, 2.34 on AL2023), so the zip cannot rely on it: bootstrap's
# program interpreter is the bundled loader at its fixed Lambda path
# (/var/task/lib/ld-linux-x86-64.so.2) and its DT_RPATH is /var/task/lib
# (absolute like the interpreter: $ORIGIN would need /proc).
# DT_RPATH rather than DT_RUNPATH, because RPATH also applies to the
# libraries' own dependencies and to dlopen, and is searched before the
# LD_LIBRARY_PATH Lambda sets (/lib64 first), so the runtime's libraries are
# never mixed in.
set -euo pipefail
umask 022
export LC_ALL=C
src=$(cd "$(dirname "$0")/.." && pwd)
build=$(cd "${1:-build}" && pwd)
bin=$build/runway
out=$build/runway-lambda.zip
task_root=/var/task

die() { echo "runway: $*" >&2; exit 1; }
need() { command -v "$1" >/dev/null || die "make lambda-zip needs $1; install the Debian package $2"; }
need zip zip
need patchelf patchelf
need strip binutils
[ -x "$bin" ] || die "$bin is missing; run 'make build' first"
epoch=${SOURCE_DATE_EPOCH:-$(git -C "$src" log -1 --format=%ct 2>/dev/null || echo 0)}

work=$(mktemp -d "$build/lambda-zip.tmp.XXXXXX")
trap 'rm -rf "$work"; rm -f "$out.tmp"' EXIT
mkdir -p "$work/root/lib/plugin"

"$src/tools/closure.sh" "$bin" >"$work/closure"
while read -r lib; do
  case $lib in
  */plugin/*) dest=plugin/$(basename "$lib") ;; # libmariadb's authentication plugins
  *) dest=$(basename "$lib") ;;                 # by the name the loader looks for
  esac
  cp "$(readlink -f "$lib")" "$work/root/lib/$dest"
done <"$work/closure"
[ -f "$work/root/lib/ld-linux-x86-64.so.2" ] || die "the closure holds no ld-linux-x86-64.so.2"
cp /etc/ssl/certs/ca-certificates.crt "$work/root/lib/ca-certificates.crt" ||
  die "no CA certificates; install the Debian package ca-certificates"

cp "$bin" "$work/root/bootstrap"
strip --strip-unneeded "$work/root/bootstrap"
patchelf --set-interpreter "$task_root/lib/ld-linux-x86-64.so.2" \
  --force-rpath --set-rpath "$task_root/lib" "$work/root/bootstrap" ||
  die "patchelf could not rewrite bootstrap"

# Same bytes from the same commit: fixed times, sorted entries, no extra fields.
find "$work/root" -exec touch -h -d "@$epoch" {} +
(cd "$work/root" && find . -mindepth 1 | sed 's|^\./||' | sort | zip -q -X -y -D -@ "$out.tmp") ||
  die "zip failed"
mv "$out.tmp" "$out"

echo "runway Lambda package $out"
echo "  $(unzip -Z1 "$out" | wc -l) entries, $(stat -c %s "$out" | awk '{ printf "%.1f MB", $1 / 1000000 }') zipped," \
  "$(du -sb "$work/root" | awk '{ printf "%.1f MB", $1 / 1000000 }') unpacked"
