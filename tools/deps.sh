#!/usr/bin/env bash
# Installs the Debian packages a target needs, when they are missing.
# Usage: tools/deps.sh build|image|test|bench
set -euo pipefail

build_pkgs=(cmake make gcc pkg-config libsqlite3-dev libpq-dev libmariadb-dev
            libcurl4-openssl-dev libjansson-dev zlib1g-dev libssl-dev libcmocka-dev)
# What `make image` needs to build and load the container image.
image_pkgs=(binutils tar gzip podman runc busybox-static ca-certificates)
test_pkgs=(sqlite3 postgresql postgresql-client mariadb-server mariadb-client
           perl clang jq "${image_pkgs[@]}")
bench_pkgs=(hyperfine sqitch sql-migrate libdbd-sqlite3-perl libdbd-pg-perl libdbd-mysql-perl time
            binutils)

case "${1:-build}" in
  build) want=("${build_pkgs[@]}") ;;
  image) want=("${build_pkgs[@]}" "${image_pkgs[@]}") ;;
  test)  want=("${build_pkgs[@]}" "${test_pkgs[@]}") ;;
  bench) want=("${build_pkgs[@]}" "${test_pkgs[@]}" "${bench_pkgs[@]}") ;;
  *) echo "usage: $0 build|image|test|bench" >&2; exit 2 ;;
esac

# Node.js (for the AWS fakes) may come from outside Debian with npm bundled.
if [ "${1:-build}" != build ] && [ "${1:-build}" != image ] && ! command -v npm >/dev/null; then
  want+=(nodejs npm)
fi

# The benchmark compares with dbmate, an npm package pinned in bench/package-lock.json.
bench_node_modules() {
  [ "${target}" = bench ] || return 0
  local dir
  dir="$(cd "$(dirname "$0")/.." && pwd)/bench"
  [ -d "$dir/node_modules/dbmate" ] && return 0
  command -v npm >/dev/null || return 0
  (cd "$dir" && npm install --no-save --no-audit --no-fund --loglevel=error) ||
    echo "runway: npm install in bench/ failed; the benchmark will skip dbmate" >&2
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
target=${1:-build}

missing=()
for p in "${want[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'ok installed' || missing+=("$p")
done
[ ${#missing[@]} -eq 0 ] && { bench_node_modules; pipeline_node_modules; exit 0; }

if [ "$(id -u)" -ne 0 ]; then
  echo "runway: missing packages; run: sudo apt-get install -y ${missing[*]}" >&2
  exit 1
fi
echo "runway: installing ${missing[*]}" >&2
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq >/dev/null
# Server packages must not start system-wide services; the tests run their own.
if [ ! -e /usr/sbin/policy-rc.d ]; then
  printf '#!/bin/sh\nexit 101\n' > /usr/sbin/policy-rc.d
  chmod +x /usr/sbin/policy-rc.d
  trap 'rm -f /usr/sbin/policy-rc.d' EXIT
fi
apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
bench_node_modules
pipeline_node_modules
