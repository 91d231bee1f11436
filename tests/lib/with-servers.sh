#!/usr/bin/env bash
# Runs a command with the test database servers up: PostgreSQL and MariaDB
# are started in a temporary directory on 127.0.0.1 and unix sockets, their
# connection settings exported as RUNWAY_TEST_* variables, and stopped after.
set -uo pipefail
here=$(cd "$(dirname "$0")" && pwd)
root=$(mktemp -d "${TMPDIR:-/tmp}/runway-servers.XXXXXX")
chmod 755 "$root"
started=()

stop_all() {
  for s in "${started[@]}"; do "$here/$s" stop "$root" >/dev/null 2>&1 || true; done
  rm -rf "$root"
}
trap stop_all EXIT INT TERM

for s in pg-server.sh mariadb-server.sh; do
  [ -x "$here/$s" ] || continue
  if ! env_lines=$("$here/$s" start "$root"); then
    echo "with-servers: $s failed to start a server" >&2
    exit 1
  fi
  started+=("$s")
  eval "$env_lines"
done
"$@"
