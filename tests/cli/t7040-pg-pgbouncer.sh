#!/bin/sh
# backends: postgresql
# label: e2e
# PgBouncer between runway and PostgreSQL.  The migration lock is a session
# advisory lock: in session pooling eight concurrent runs apply every
# migration exactly once; in transaction pooling runway refuses with an
# error naming the pooler and the fix, changes nothing and leaves no lock
# behind.  PgBouncer runs on loopback for this test only.
. ./lib.sh
command -v pgbouncer >/dev/null || [ -x /usr/sbin/pgbouncer ] ||
  skip_all "pgbouncer is not installed (tools/deps.sh test installs it)"
PGBOUNCER=$(command -v pgbouncer || echo /usr/sbin/pgbouncer)
q="'"

# A free TCP port on 127.0.0.1.
free_port() {
  for _ in $(seq 1 50); do
    port=$((20000 + $(od -An -N2 -tu2 /dev/urandom) % 40000))
    (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null || { echo "$port"; return 0; }
  done
  return 1
}

# start_bouncer MODE: PgBouncer in pool_mode MODE in $TRASH/bouncer-MODE; sets BOUNCER_URL.
start_bouncer() {
  dir=$TRASH/bouncer-$1
  mkdir -p "$dir" && port=$(free_port) || return 1
  printf '"%s" "%s"\n' "$RUNWAY_TEST_PG_USER" "$RUNWAY_TEST_PG_PASSWORD" >"$dir/userlist"
  cat >"$dir/pgbouncer.ini" <<EOF
[databases]
* = host=$RUNWAY_TEST_PG_HOST port=$RUNWAY_TEST_PG_PORT
[pgbouncer]
listen_addr = 127.0.0.1
listen_port = $port
unix_socket_dir =
auth_type = scram-sha-256
auth_file = $dir/userlist
pool_mode = $1
default_pool_size = 4
max_client_conn = 200
logfile = $dir/pgbouncer.log
pidfile = $dir/pgbouncer.pid
EOF
  user_opt=
  if [ "$(id -u)" -eq 0 ]; then
    chmod 755 "$TRASH" && chown -R postgres: "$dir" && user_opt="-u postgres"
  fi
  "$PGBOUNCER" -d $user_opt "$dir/pgbouncer.ini" >"$dir/start.log" 2>&1 || return 1
  for _ in $(seq 1 50); do
    (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null && break
    sleep 0.1
  done
  BOUNCER_URL="jdbc:postgresql://127.0.0.1:$port/$DB_NAME?user=$RUNWAY_TEST_PG_USER&password=$RUNWAY_TEST_PG_PASSWORD"
}

stop_bouncers() {
  for pidfile in "$TRASH"/bouncer-*/pgbouncer.pid; do
    [ -f "$pidfile" ] && kill "$(cat "$pidfile")" 2>/dev/null
  done
  return 0
}
trap 'stop_bouncers; backend_cleanup 2>/dev/null; rm -rf "$TRASH"' EXIT

start_bouncer session && session_url=$BOUNCER_URL || skip_all "pgbouncer did not start"
start_bouncer transaction && transaction_url=$BOUNCER_URL || skip_all "pgbouncer did not start"

# Ten migrations; each adds one row to applied, so a second run of any shows.
write_migrations() {
  rm -rf sql && write_migration V1__base.sql "CREATE TABLE applied (v INT PRIMARY KEY);" &&
  for i in $(seq 2 10); do
    write_migration "V${i}__m$i.sql" "INSERT INTO applied VALUES ($i);
SELECT pg_sleep(0.05);" || return 1
  done
}

# run_eight URL: eight concurrent migrate runs through URL; exit codes in rc.N.
run_eight() {
  for n in 1 2 3 4 5 6 7 8; do
    (timeout 120 "$RUNWAY_BIN" -url="$1" -lockRetryCount=100 migrate >out.$n 2>err.$n; echo $? >rc.$n) &
  done
  wait
}

test_expect_success 'session pooling: eight concurrent runs apply every migration exactly once' '
  write_migrations && run_eight "$session_url" &&
  test "$(cat rc.1 rc.2 rc.3 rc.4 rc.5 rc.6 rc.7 rc.8 | sort -u)" = 0 &&
  test "$(db_sql "SELECT count(*), count(DISTINCT version) FROM flyway_schema_history WHERE success")" = "10|10" &&
  test "$(db_sql "SELECT count(*) FROM applied")" = 9
'

test_expect_success 'transaction pooling: eight concurrent runs refuse, naming the pooler and the fix' '
  db_reset && write_migrations && run_eight "$transaction_url" &&
  for n in 1 2 3 4 5 6 7 8; do
    test "$(cat rc.$n)" = 1 || { echo "run $n exited $(cat rc.$n)"; cat err.$n; exit 1; }
    expect_grep "transaction pooling" err.$n &&
    expect_grep "pool_mode=session" err.$n || exit 1
  done &&
  left=$(db_sql "SELECT tablename FROM pg_tables WHERE tablename IN (${q}applied${q}, ${q}flyway_schema_history${q})") &&
  { test -z "$left" || { echo "left behind: $left"; cat err.*; false; }; }
'

test_expect_success 'no lock is left behind in the pool: a direct run proceeds at once' '
  locks=$(db_sql "SELECT count(*) FROM pg_locks l JOIN pg_database d ON d.oid = l.database WHERE l.locktype = ${q}advisory${q} AND d.datname = current_database()") &&
  { [ "$locks" = 0 ] || { echo "$locks advisory locks held"; false; }; } &&
  { timeout 60 "$RUNWAY_BIN" -url="$DB_URL" -lockRetryCount=0 migrate >out 2>err || { cat err; false; }; } &&
  test "$(db_sql "SELECT count(*) FROM applied")" = 9
'

test_done
