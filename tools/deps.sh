#!/usr/bin/env bash
# Installs the Debian packages a target needs, when they are missing.
# Usage: tools/deps.sh [--check] build|image|test|bench
#
# Each need is checked by what it provides (a command, a pkg-config module,
# a Perl module), not by a package name: postgresql-client-15 gives psql as
# well as the postgresql-client metapackage does.  --check only lists what
# is missing (exit 1 when something is).  apt waits for the dpkg lock other
# installs may hold instead of failing at once.
set -euo pipefail

check_only=0
if [ "${1:-}" = --check ]; then check_only=1; shift; fi
target=${1:-build}

# "how:what:package": how is cmd (a command), pc (a pkg-config module),
# perl (a Perl module), file (a path) or deb (that very package, when
# nothing else tells: busybox-static, not the dynamic busybox).
build_needs=(cmd:cmake:cmake cmd:make:make cmd:gcc:gcc cmd:pkg-config:pkg-config
             pc:sqlite3:libsqlite3-dev pc:libpq:libpq-dev pc:libmariadb:libmariadb-dev
             pc:libcurl:libcurl4-openssl-dev pc:jansson:libjansson-dev pc:zlib:zlib1g-dev
             pc:openssl:libssl-dev pc:cmocka:libcmocka-dev)
# What `make image` and `make lambda-zip` need.
image_needs=(cmd:objcopy:binutils cmd:strip:binutils cmd:tar:tar cmd:gzip:gzip cmd:podman:podman
             cmd:runc:runc deb:busybox-static:busybox-static
             file:/etc/ssl/certs/ca-certificates.crt:ca-certificates
             cmd:zip:zip cmd:unzip:unzip cmd:patchelf:patchelf)
test_needs=(cmd:sqlite3:sqlite3 cmd:initdb:postgresql cmd:psql:postgresql-client
            cmd:mariadbd:mariadb-server cmd:mariadb:mariadb-client cmd:prove:perl
            cmd:clang:clang cmd:jq:jq file:/usr/sbin/pgbouncer:pgbouncer "${image_needs[@]}")
bench_needs=(cmd:hyperfine:hyperfine cmd:sqitch:sqitch cmd:sql-migrate:sql-migrate
             perl:DBD::SQLite:libdbd-sqlite3-perl perl:DBD::Pg:libdbd-pg-perl
             perl:DBD::mysql:libdbd-mysql-perl cmd:/usr/bin/time:time cmd:size:binutils)

case "$target" in
  build) needs=("${build_needs[@]}") ;;
  image) needs=("${build_needs[@]}" "${image_needs[@]}") ;;
  test)  needs=("${build_needs[@]}" "${test_needs[@]}") ;;
  bench) needs=("${build_needs[@]}" "${test_needs[@]}" "${bench_needs[@]}") ;;
  *) echo "usage: $0 [--check] build|image|test|bench" >&2; exit 2 ;;
esac

# Node.js (for the AWS fakes) may come from outside Debian with npm bundled.
if [ "$target" != build ] && [ "$target" != image ]; then
  needs+=(cmd:node:nodejs cmd:npm:npm)
fi

# Where commands are looked for: PATH plus the server directories Debian
# keeps off it (RUNWAY_DEPS_PATH replaces the lot, for tests).
search_path=${RUNWAY_DEPS_PATH:-$PATH:/usr/sbin:/sbin$(printf ':%s' /usr/lib/postgresql/*/bin)}

have() {
  local how=$1 what=$2
  case "$how" in
    cmd) PATH=$search_path command -v "$what" >/dev/null 2>&1 ;;
    pc)  PATH=$search_path pkg-config --exists "$what" 2>/dev/null ;;
    perl) PATH=$search_path perl -M"$what" -e 1 2>/dev/null ;;
    file) [ -e "$what" ] ;;
    deb) dpkg-query -W -f='${Status}' "$what" 2>/dev/null | grep -q 'ok installed' ;;
  esac
}

# The benchmark compares with dbmate, an npm package pinned in bench/package-lock.json.
bench_node_modules() {
  [ "$target" = bench ] || return 0
  local dir
  dir="$(cd "$(dirname "$0")/.." && pwd)/bench"
  [ -d "$dir/node_modules/dbmate" ] && return 0
  command -v npm >/dev/null || return 0
  (cd "$dir" && npm install --no-save --no-audit --no-fund --loglevel=error) ||
    echo "runway: npm install in bench/ failed; the benchmark will skip dbmate" >&2
}

# The lint comparison test runs squawk, an npm package pinned in tests/lint-compare.
lint_compare_node_modules() {
  [ "${target}" != build ] || return 0
  local dir
  dir="$(cd "$(dirname "$0")/.." && pwd)/tests/lint-compare"
  [ -x "$dir/node_modules/.bin/squawk" ] && return 0
  command -v npm >/dev/null || return 0
  # npm ci would want the lockfile to list squawk's binaries for every platform
  (cd "$dir" && npm install --no-save --no-audit --no-fund --loglevel=error) ||
    echo "runway: npm install in tests/lint-compare failed; the squawk comparison test will skip" >&2
}
# The pipeline examples' tests use npm packages pinned by lockfiles (the CDK
# app's aws-cdk-lib and CLI, the checkers in tests/pipelines).  A failed
# install only makes those tests skip, with the reason.
pipeline_node_modules() {
  [ "${target}" != build ] || return 0
  command -v npm >/dev/null || return 0
  local root dir
  root="$(cd "$(dirname "$0")/.." && pwd)"
  for dir in examples/pipelines/cdk tests/pipelines; do
    [ -f "$root/$dir/package-lock.json" ] || continue
    [ -d "$root/$dir/node_modules" ] && continue
    (cd "$root/$dir" && npm ci --no-audit --no-fund --loglevel=error) ||
      echo "runway: npm ci in $dir failed; its pipeline tests will skip" >&2
  done
}

missing=()
for need in "${needs[@]}"; do
  how=${need%%:*}; rest=${need#*:}
  what=${rest%:*}; pkg=${rest##*:}
  have "$how" "$what" || missing+=("$pkg")
done
# npm comes with some Node.js builds; install it only when node is missing too.
if [[ " ${missing[*]} " == *" npm "* && " ${missing[*]} " != *" nodejs "* ]]; then
  missing=("${missing[@]/npm}")
fi
read -r -a missing <<<"${missing[*]}"

if [ "$check_only" = 1 ]; then
  [ ${#missing[@]} -eq 0 ] && exit 0
  echo "runway: missing: ${missing[*]}"
  exit 1
fi
[ ${#missing[@]} -eq 0 ] && { bench_node_modules; lint_compare_node_modules; pipeline_node_modules; exit 0; }

if [ "$(id -u)" -ne 0 ]; then
  echo "runway: missing packages; run: sudo apt-get install -y ${missing[*]}" >&2
  exit 1
fi
echo "runway: installing ${missing[*]}" >&2
export DEBIAN_FRONTEND=noninteractive
lock_wait=(-o DPkg::Lock::Timeout=600)
apt-get "${lock_wait[@]}" update -qq >/dev/null
# Server packages must not start system-wide services; the tests run their own.
if [ ! -e /usr/sbin/policy-rc.d ]; then
  printf '#!/bin/sh\nexit 101\n' > /usr/sbin/policy-rc.d
  chmod +x /usr/sbin/policy-rc.d
  trap 'rm -f /usr/sbin/policy-rc.d' EXIT
fi
apt-get "${lock_wait[@]}" install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
bench_node_modules
lint_compare_node_modules
pipeline_node_modules
