#!/bin/sh
# backends: postgresql mysql
# The benchmark's delaying proxy (bench/latproxy.c): it forwards every byte
# both ways unchanged, counts one round trip per client burst, reports its
# counts when stopped, and refuses bad arguments.  No timing is checked:
# the latency run of `make bench` measures, this only shows it is honest.
. ./lib.sh

LATPROXY=$(dirname "$RUNWAY_BIN")/bench/latproxy
[ -x "$LATPROXY" ] || skip_all "latproxy not built ($LATPROXY)"

case "$RUNWAY_TEST_BACKEND" in
  postgresql) TH=$RUNWAY_TEST_PG_HOST TP=$RUNWAY_TEST_PG_PORT ;;
  *) TH=$RUNWAY_TEST_MYSQL_HOST TP=$RUNWAY_TEST_MYSQL_PORT ;;
esac

# proxy_start DELAY_US [HOST PORT]: starts the proxy in front of the test
# server (or HOST:PORT), sets PROXY_PID and PROXY_PORT; proxy_stop stops it
# and leaves its counts in the file counts.
proxy_start() {
  rm -f port counts
  "$LATPROXY" -d "$1" -o counts "${2:-$TH}" "${3:-$TP}" >port 2>proxy.err &
  PROXY_PID=$!
  i=0
  while ! grep -q '^port ' port 2>/dev/null; do
    i=$((i + 1))
    [ $i -le 100 ] || return 1
    sleep 0.05
  done
  PROXY_PORT=$(awk '{ print $2 }' port)
}
proxy_stop() {
  kill -TERM "$PROXY_PID" && wait "$PROXY_PID"
}
count_of() { tr ' ' '\n' <counts | sed -n "s/^$1=//p"; }

# The database's own client through the proxy (port $1), one statement per
# round trip; the rest are SQL statements.  Without TLS: a TLS 1.3 server
# sends its session tickets while the client may already be talking, which
# can split or join a burst, and the benchmark's tools connect in plain text.
client_at() {
  port=$1
  shift
  if [ "$RUNWAY_TEST_BACKEND" = postgresql ]; then
    for s; do printf '%s;\n' "$s"; done |
      PGPASSWORD=$RUNWAY_TEST_PG_PASSWORD PGSSLMODE=disable PGCONNECT_TIMEOUT=10 timeout 60 psql -X -q -A -t \
        -v ON_ERROR_STOP=1 -h "$TH" -p "$port" -U "$RUNWAY_TEST_PG_USER" -d "$DB_NAME"
  else
    for s; do printf '%s;\n' "$s"; done |
      MYSQL_PWD=$RUNWAY_TEST_MYSQL_PASSWORD timeout 60 mariadb --no-defaults --skip-ssl --protocol=tcp \
        -h "$TH" -P "$port" -u "$RUNWAY_TEST_MYSQL_USER" --batch --skip-column-names --raw "$DB_NAME"
  fi
}

# A value of 1.6 MB: many reads and writes in the server-to-client direction.
BIG="SELECT REPEAT('0123456789abcdef', 100000)"

test_expect_success 'a large result comes through the proxy byte for byte' '
  client_at "$TP" "$BIG" >direct &&
  proxy_start 1000 &&
  client_at "$PROXY_PORT" "$BIG" >proxied &&
  proxy_stop &&
  test "$(wc -c <direct)" -gt 1600000 &&
  cmp direct proxied
'

test_expect_success 'stopped, the proxy writes its counts and the delay it was given' '
  test "$(count_of connections)" = 1 &&
  test "$(count_of delay_us)" = 1000 &&
  test "$(count_of server_bytes)" -gt 1600000 &&
  test "$(count_of client_reads)" -ge "$(count_of round_trips)"
'

test_expect_success 'each statement the client waits for is one round trip' '
  proxy_start 0 &&
  client_at "$PROXY_PORT" "SELECT 1" >/dev/null &&
  proxy_stop && one=$(count_of round_trips) &&
  proxy_start 0 &&
  client_at "$PROXY_PORT" "SELECT 1" "SELECT 2" "SELECT 3" "SELECT 4" "SELECT 5" >/dev/null &&
  proxy_stop && five=$(count_of round_trips) &&
  test $((five - one)) = 4
'

test_expect_success 'runway migrates through the proxy, as it does directly' '
  write_migration V1__a.sql "CREATE TABLE a (id INT);" &&
  write_migration V2__b.sql "INSERT INTO a VALUES (1); INSERT INTO a VALUES (2);" &&
  proxy_start 1000 &&
  timeout 120 "$RUNWAY_BIN" -url="$(printf %s "$DB_URL" | sed "s/:$TP\//:$PROXY_PORT\//")" migrate >out 2>err &&
  proxy_stop &&
  test "$(db_sql "SELECT COUNT(*) FROM a")" = 2 &&
  test "$(db_sql "SELECT COUNT(*) FROM ${HISTORY_SCHEMA}.flyway_schema_history")" = 2 &&
  test "$(count_of round_trips)" -gt 2
'

test_expect_success 'a target that refuses connections closes the client, the proxy lives on' '
  proxy_start 0 127.0.0.1 1 &&
  ! client_at "$PROXY_PORT" "SELECT 1" >out 2>&1 &&
  kill -0 "$PROXY_PID" &&
  proxy_stop &&
  expect_grep "cannot connect to the target" proxy.err
'

test_expect_success 'bad arguments: exit 2 and a line that says what to give' '
  test_expect_code() { "$@"; test $? = 2; } &&
  test_expect_code "$LATPROXY" -d 1ms 127.0.0.1 5432 2>err &&
  expect_grep "give the delay in microseconds" err &&
  test_expect_code "$LATPROXY" 127.0.0.1 2>err &&
  expect_grep "usage: latproxy" err
'

test_done
