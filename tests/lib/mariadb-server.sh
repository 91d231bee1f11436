#!/usr/bin/env bash
# Starts or stops a throw-away MariaDB server for the test suite.
#
#   mariadb-server.sh start ROOT   initialises ROOT/mariadb, starts mariadbd on
#                                  127.0.0.1 (a free port) and ROOT/mariadb/mariadb.sock,
#                                  creates a password user and prints
#                                  `export RUNWAY_TEST_MYSQL_*=...` lines
#                                  (RUNWAY_TEST_MYSQL_CA when TLS is on)
#   mariadb-server.sh stop ROOT    stops that server
#
# Only the export lines go to stdout; progress and errors go to stderr, the
# server log to ROOT/mariadb.log.  Works as root (the server then runs as the
# `mysql` user when it can reach ROOT, else with --user=root) and as a normal
# user.  The settings trade durability for speed: this data is disposable.
set -uo pipefail

die() { echo "mariadb-server: $*" >&2; exit 1; }

# Finds mariadbd and its helpers: Debian puts the server in /usr/sbin.
find_tool() {
  local name
  for name in "$@"; do
    command -v "$name" 2>/dev/null && return 0
    [ -x "/usr/sbin/$name" ] && { echo "/usr/sbin/$name"; return 0; }
  done
  return 1
}

# A port nobody listens on, picked at random so parallel suites rarely meet.
pick_port() {
  local port tries=0
  while [ $tries -lt 50 ]; do
    port=$((20000 + RANDOM % 40000))
    if ! (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null; then
      echo "$port"
      return 0
    fi
    tries=$((tries + 1))
  done
  return 1
}

# Decides which account runs mariadbd: the package's `mysql` user when we are
# root and it can reach ROOT, root itself otherwise, nobody special when not root.
server_user_args() {
  local root=$1
  [ "$(id -u)" -eq 0 ] || return 0
  if id mysql >/dev/null 2>&1 && command -v runuser >/dev/null &&
     runuser -u mysql -- test -x "$root" 2>/dev/null; then
    touch "$root/mariadb.log"
    chown -R mysql:mysql "$root/mariadb" "$root/mariadb.log"
    echo "--user=mysql"
  else
    echo "--user=root"
  fi
}

# Creates a throw-away CA and a server certificate for 127.0.0.1/localhost in
# ROOT/mariadb/tls, so tests can use sslMode=REQUIRED and VERIFY_IDENTITY.
# Without the openssl program the server simply runs without TLS.
make_certs() {
  local dir=$1/mariadb/tls
  command -v openssl >/dev/null || return 1
  mkdir -p "$dir" && (
    cd "$dir" &&
    openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes -days 3 \
      -subj "/CN=runway test CA" -keyout ca-key.pem -out ca.pem &&
    openssl req -newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes \
      -subj "/CN=127.0.0.1" -keyout server-key.pem -out server.csr &&
    printf 'subjectAltName=IP:127.0.0.1,DNS:localhost\n' > san.ext &&
    openssl x509 -req -in server.csr -CA ca.pem -CAkey ca-key.pem -CAcreateserial -days 3 \
      -extfile san.ext -out server.pem
  ) >>"$1/mariadb.log" 2>&1
}

# Waits until the server answers on its socket, or the process dies, or 60 s pass.
wait_ready() {
  local root=$1 pid=$2 admin deadline
  admin=$(find_tool mariadb-admin mysqladmin) || die "mariadb-admin not found"
  deadline=$((SECONDS + 60))
  while [ $SECONDS -lt $deadline ]; do
    if "$admin" --no-defaults --socket="$root/mariadb/mariadb.sock" -uroot --connect-timeout=2 \
         ping >/dev/null 2>&1; then
      return 0
    fi
    kill -0 "$pid" 2>/dev/null || return 2
    sleep 0.2
  done
  return 1
}

start() {
  local root=$1 server install client user_arg port pid password rc attempt tls_args
  server=$(find_tool mariadbd mysqld) || die "mariadbd not found (apt-get install mariadb-server)"
  install=$(find_tool mariadb-install-db mysql_install_db) || die "mariadb-install-db not found"
  client=$(find_tool mariadb mysql) || die "mariadb client not found (apt-get install mariadb-client)"
  [ -d "$root" ] || die "no such directory: $root"
  mkdir -p "$root/mariadb/data" "$root/mariadb/tmp" || die "cannot create $root/mariadb"
  tls_args=()
  if make_certs "$root"; then
    tls_args=(--ssl-ca="$root/mariadb/tls/ca.pem" --ssl-cert="$root/mariadb/tls/server.pem"
              --ssl-key="$root/mariadb/tls/server-key.pem")
  fi
  user_arg=$(server_user_args "$root")

  if ! timeout 120 "$install" --no-defaults --datadir="$root/mariadb/data" $user_arg \
        --auth-root-authentication-method=normal --skip-test-db \
        >>"$root/mariadb.log" 2>&1; then
    die "mariadb-install-db failed; see $root/mariadb.log"
  fi
  [ "$user_arg" = "--user=mysql" ] && chown -R mysql:mysql "$root/mariadb"

  for attempt in 1 2 3 4 5; do
    port=$(pick_port) || die "no free port found"
    "$server" --no-defaults $user_arg \
      --datadir="$root/mariadb/data" --tmpdir="$root/mariadb/tmp" \
      --socket="$root/mariadb/mariadb.sock" --pid-file="$root/mariadb/mariadbd.pid" \
      --port="$port" --bind-address=127.0.0.1 --skip-name-resolve \
      --log-error="$root/mariadb.log" \
      --character-set-server=utf8mb4 --collation-server=utf8mb4_general_ci \
      --innodb-flush-log-at-trx-commit=0 --innodb-doublewrite=0 \
      --innodb-buffer-pool-size=64M --innodb-log-file-size=32M \
      --innodb-use-native-aio=0 --skip-log-bin --sync-binlog=0 \
      --sync-frm=0 --performance-schema=0 --max-connections=300 "${tls_args[@]}" \
      </dev/null >>"$root/mariadb.log" 2>&1 &
    pid=$!
    echo "$pid" > "$root/mariadb.pid"
    wait_ready "$root" "$pid"
    rc=$?
    [ $rc -eq 0 ] && break
    if [ $rc -eq 1 ]; then
      kill -9 "$pid" 2>/dev/null
      die "server did not accept connections within 60 s; see $root/mariadb.log"
    fi
    # The process died: most likely the port was taken in between; try another.
    echo "mariadb-server: start attempt $attempt failed, retrying" >&2
  done
  [ $rc -eq 0 ] || die "server failed to start; see $root/mariadb.log"

  password="rw$(od -An -N8 -tx1 /dev/urandom | tr -d ' \n')"
  if ! timeout 30 "$client" --no-defaults --socket="$root/mariadb/mariadb.sock" -uroot >>"$root/mariadb.log" 2>&1 <<SQL
CREATE USER 'runway'@'127.0.0.1' IDENTIFIED BY '$password';
CREATE USER 'runway'@'localhost' IDENTIFIED BY '$password';
GRANT ALL PRIVILEGES ON *.* TO 'runway'@'127.0.0.1' WITH GRANT OPTION;
GRANT ALL PRIVILEGES ON *.* TO 'runway'@'localhost' WITH GRANT OPTION;
FLUSH PRIVILEGES;
SQL
  then
    stop "$root"
    die "could not create the test user; see $root/mariadb.log"
  fi

  echo "export RUNWAY_TEST_MYSQL_URL='jdbc:mysql://127.0.0.1:$port/mysql?user=runway&password=$password'"
  echo "export RUNWAY_TEST_MYSQL_HOST='127.0.0.1'"
  echo "export RUNWAY_TEST_MYSQL_PORT='$port'"
  echo "export RUNWAY_TEST_MYSQL_USER='runway'"
  echo "export RUNWAY_TEST_MYSQL_PASSWORD='$password'"
  echo "export RUNWAY_TEST_MYSQL_SOCKET='$root/mariadb/mariadb.sock'"
  if [ ${#tls_args[@]} -gt 0 ]; then
    echo "export RUNWAY_TEST_MYSQL_CA='$root/mariadb/tls/ca.pem'"
  fi
}

# Stops the server politely, then forcibly after 30 s.
stop() {
  local root=$1 pid i
  [ -f "$root/mariadb.pid" ] || return 0
  pid=$(cat "$root/mariadb.pid")
  if kill -0 "$pid" 2>/dev/null; then
    kill -TERM "$pid" 2>/dev/null
    for i in $(seq 1 150); do
      kill -0 "$pid" 2>/dev/null || break
      sleep 0.2
    done
    kill -0 "$pid" 2>/dev/null && kill -KILL "$pid" 2>/dev/null
  fi
  rm -f "$root/mariadb.pid"
  return 0
}

case "${1:-}" in
  start) [ $# -eq 2 ] || die "usage: $0 start ROOT"; start "$2" ;;
  stop)  [ $# -eq 2 ] || die "usage: $0 stop ROOT"; stop "$2" ;;
  *) die "usage: $0 start|stop ROOT" ;;
esac
