#!/usr/bin/env bash
# Installs the Debian packages a target needs, when they are missing.
# Usage: tools/deps.sh build|test|bench
set -euo pipefail

build_pkgs=(cmake make gcc pkg-config libsqlite3-dev libpq-dev libmariadb-dev
            libcurl4-openssl-dev libjansson-dev zlib1g-dev libssl-dev)
test_pkgs=(libcmocka-dev sqlite3 postgresql postgresql-client mariadb-server mariadb-client
           perl clang)
bench_pkgs=(hyperfine sqitch sql-migrate)

case "${1:-build}" in
  build) want=("${build_pkgs[@]}") ;;
  test)  want=("${build_pkgs[@]}" "${test_pkgs[@]}") ;;
  bench) want=("${build_pkgs[@]}" "${test_pkgs[@]}" "${bench_pkgs[@]}") ;;
  *) echo "usage: $0 build|test|bench" >&2; exit 2 ;;
esac

# Node.js (for the AWS fakes) may come from outside Debian with npm bundled.
if [ "${1:-build}" != build ] && ! command -v npm >/dev/null; then
  want+=(nodejs npm)
fi

missing=()
for p in "${want[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'ok installed' || missing+=("$p")
done
[ ${#missing[@]} -eq 0 ] && exit 0

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
