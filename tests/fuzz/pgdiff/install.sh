#!/usr/bin/env bash
# Installs libpg-query (pinned in package-lock.json) once, serialised
# across parallel tests.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
[ -f "$here/node_modules/libpg-query/package.json" ] && exit 0
(
  flock 9
  [ -f "$here/node_modules/libpg-query/package.json" ] ||
    (cd "$here" && npm ci --no-audit --no-fund --loglevel=error >&2)
) 9>"${TMPDIR:-/tmp}/runway-pgdiff-npm.lock"
