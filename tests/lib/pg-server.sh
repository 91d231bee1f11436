#!/usr/bin/env bash
# Starts or stops a throw-away PostgreSQL server for the test suite.
#
#   pg-server.sh start ROOT   initdb into ROOT/pg, listen on 127.0.0.1 (free
#                             port) and a unix socket in ROOT/pg-sock, print
#                             `export RUNWAY_TEST_PG_*=...` lines on stdout
#                             (RUNWAY_TEST_PG_BINDIR: its psql and pg_dump)
#   pg-server.sh stop ROOT    stop that server
#   pg-server.sh halt ROOT    stop it, keeping its data (fault tests)
#   pg-server.sh resume ROOT  start a halted server again on its port
#
# The server runs as the invoking user, or as the `postgres` system user
# when invoked as root (initdb refuses to run as root).  Its log is
# ROOT/pg.log; errors go to stderr.
set -euo pipefail

die() { echo "pg-server: $*" >&2; exit 1; }

# The newest installed server binaries (Debian keeps them per major version).
pg_bindir() {
  local d best=""
  for d in /usr/lib/postgresql/*/bin; do
    [ -x "$d/initdb" ] || continue
    if [ -z "$best" ] || [ "$(basename "$(dirname "$d")")" -gt "$(basename "$(dirname "$best")")" ]; then
      best=$d
    fi
  done
  [ -n "$best" ] || die "no PostgreSQL server found in /usr/lib/postgresql/*/bin; install the postgresql package"
  echo "$best"
}

# Runs a command as the server's owner.
as_owner() {
  if [ "$(id -u)" -eq 0 ]; then
    runuser -u postgres -- "$@"
  else
    "$@"
  fi
}

# A TCP port on 127.0.0.1 that nothing listens on right now.
free_port() {
  local port i
  for i in $(seq 1 200); do
    port=$((20000 + RANDOM % 40000))
    if ! (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null; then
      echo "$port"
      return 0
    fi
  done
  die "no free TCP port found on 127.0.0.1"
}

# Starts the server of ROOT on PORT and waits until it accepts connections.
launch() {
  local root=$1 port=$2
  as_owner "$(pg_bindir)/pg_ctl" -D "$root/pg" -l "$root/pg.log" -w -t 30 -s start -o \
    "-p $port -k $root/pg-sock -c listen_addresses=127.0.0.1 -c fsync=off \
     -c synchronous_commit=off -c full_page_writes=off -c max_connections=200 \
     -c shared_buffers=32MB -c log_min_messages=warning" >/dev/null 2>&1
}

halt() {
  as_owner "$(pg_bindir)/pg_ctl" -D "$1/pg" -m fast -w -t 30 -s stop >/dev/null 2>&1 ||
    die "could not stop the server in $1/pg (log: $1/pg.log)"
}

resume() {
  [ -f "$1/pg.port" ] || die "no halted server in $1"
  launch "$1" "$(cat "$1/pg.port")" || die "the server did not start again (log: $1/pg.log)"
}

start() {
  local root=$1 bin data sock log user password pwfile port attempt
  bin=$(pg_bindir)
  data="$root/pg"
  sock="$root/pg-sock"
  log="$root/pg.log"
  user=runway_test
  password="pw$(od -An -N12 -tx1 /dev/urandom | tr -d ' \n')"
  [ -e "$data" ] && die "$data already exists"

  if [ "$(id -u)" -eq 0 ]; then
    id postgres >/dev/null 2>&1 || die "the postgres system user is missing; install the postgresql package"
  fi
  mkdir -p "$data" "$sock"
  chmod 700 "$data"
  : > "$log"
  pwfile="$root/pg-pwfile"
  printf '%s\n' "$password" > "$pwfile"
  chmod 600 "$pwfile"
  if [ "$(id -u)" -eq 0 ]; then
    chown postgres: "$data" "$sock" "$log" "$pwfile"
    as_owner test -w "$data" ||
      die "the postgres user cannot reach $data: use a temporary directory every user can enter (TMPDIR)"
  fi

  if ! as_owner "$bin/initdb" -D "$data" -U "$user" --pwfile="$pwfile" \
      --auth-local=scram-sha-256 --auth-host=scram-sha-256 \
      --encoding=UTF8 --locale=C.UTF-8 --no-sync >>"$log" 2>&1; then
    rm -f "$pwfile"
    cat "$log" >&2
    die "initdb failed (log: $log)"
  fi
  rm -f "$pwfile"

  # The port can be taken between choosing it and binding it: retry.
  for attempt in 1 2 3 4 5; do
    port=$(free_port)
    launch "$root" "$port" && break
    port=""
  done
  [ -n "$port" ] || { tail -n 20 "$log" >&2; die "the server did not start (log: $log)"; }
  echo "$port" >"$root/pg.port"

  # pg_ctl -w returns once the server accepts connections; check with the
  # password user over TCP, as the tests connect.
  local deadline=$((SECONDS + 30))
  until PGPASSWORD="$password" "$bin/psql" -X -q -h 127.0.0.1 -p "$port" -U "$user" \
      -d postgres -c 'SELECT 1' >/dev/null 2>&1; do
    if [ $SECONDS -ge $deadline ]; then
      tail -n 20 "$log" >&2
      die "the server on port $port does not accept connections (log: $log)"
    fi
    sleep 0.2
  done

  # pg_dump output (OWNER TO postgres) expects the role a packaged cluster has.
  PGPASSWORD="$password" "$bin/psql" -X -q -h 127.0.0.1 -p "$port" -U "$user" -d postgres \
    -c 'CREATE ROLE postgres SUPERUSER NOLOGIN' >/dev/null 2>&1 ||
    die "could not create the postgres role (log: $log)"

  cat <<EOF
export RUNWAY_TEST_PG_URL='jdbc:postgresql://127.0.0.1:$port/postgres?user=$user&password=$password'
export RUNWAY_TEST_PG_HOST='127.0.0.1'
export RUNWAY_TEST_PG_PORT='$port'
export RUNWAY_TEST_PG_USER='$user'
export RUNWAY_TEST_PG_PASSWORD='$password'
export RUNWAY_TEST_PG_SOCKET_DIR='$sock'
export RUNWAY_TEST_PG_BINDIR='$bin'
EOF
}

stop() {
  local root=$1 bin
  bin=$(pg_bindir)
  [ -f "$root/pg/postmaster.pid" ] || return 0
  as_owner "$bin/pg_ctl" -D "$root/pg" -m immediate -w -t 30 -s stop >/dev/null 2>&1 \
    || die "could not stop the server in $root/pg (log: $root/pg.log)"
}

# The server's owner may not be allowed into the caller's directory.
cd "${2:-/}" 2>/dev/null || cd /

case "${1:-}" in
  start) [ $# -eq 2 ] || die "usage: $0 start ROOT"; start "$2" ;;
  stop)  [ $# -eq 2 ] || die "usage: $0 stop ROOT"; stop "$2" ;;
  halt)  [ $# -eq 2 ] || die "usage: $0 halt ROOT"; halt "$2" ;;
  resume) [ $# -eq 2 ] || die "usage: $0 resume ROOT"; resume "$2" ;;
  *) die "usage: $0 start|stop|halt|resume ROOT" ;;
esac
