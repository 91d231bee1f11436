#!/bin/sh
# Round trips per migration, counted on the wire by a proxy that reads the
# client's side of the protocol (tests/lib/count-proxy.js): an ordinary
# transactional migration costs at most two, whatever its number of
# statements; statements that must run alone still do.  Counts only, never
# times.
# backends: postgresql
. ./lib.sh
command -v node >/dev/null || skip_all "node is not installed (tools/deps.sh installs it)"

case $RUNWAY_TEST_BACKEND in
postgresql)
  target_host=$RUNWAY_TEST_PG_HOST target_port=$RUNWAY_TEST_PG_PORT tls_off=sslmode=disable ;;
mysql)
  target_host=$RUNWAY_TEST_MYSQL_HOST target_port=$RUNWAY_TEST_MYSQL_PORT tls_off=sslMode=DISABLED ;;
esac
node "$RUNWAY_SOURCE_DIR/tests/lib/count-proxy.js" "$RUNWAY_TEST_BACKEND" "$target_host" \
  "$target_port" "$TRASH/count" >proxy.port 2>proxy.err &
proxy_pid=$!
trap 'kill $proxy_pid 2>/dev/null; backend_cleanup 2>/dev/null; rm -rf "$TRASH"' EXIT
for _ in $(seq 1 100); do [ -s proxy.port ] && break; sleep 0.1; done
[ -s proxy.port ] || skip_all "the counting proxy did not start: $(cat proxy.err)"
proxy_url=$(printf '%s' "$DB_URL" |
  sed "s#//$target_host:$target_port/#//127.0.0.1:$(cat proxy.port)/#")"&$tls_off"

# counted ARGS...: runs runway through the proxy; prints the round trips it made.
counted() {
  before=$(cat count) &&
  "$RUNWAY_BIN" -url="$proxy_url" "$@" >>counted.out 2>&1 &&
  echo $(($(cat count) - before))
}

# two_statement_migrations FIRST LAST: V<n>__m<n>.sql, each a CREATE TABLE and an INSERT.
two_statement_migrations() {
  for i in $(seq "$1" "$2"); do
    write_migration "V${i}__m$i.sql" "CREATE TABLE t$i (id INT);
INSERT INTO t$i VALUES ($i);" || return 1
  done
}

test_expect_success 'the proxy counts what runway sends' '
	write_migration V1__base.sql "CREATE TABLE base (id INT);" &&
	n=$(counted migrate) && test "$n" -gt 0 &&
	test "$(db_sql "SELECT COUNT(*) FROM base")" = 0
'

test_expect_success 'an ordinary transactional migration costs at most two round trips' '
	two_statement_migrations 2 2 &&
	one=$(counted migrate) &&
	two_statement_migrations 3 22 &&
	twenty=$(counted migrate) &&
	echo "1 migration: $one round trips; 20 migrations: $twenty" &&
	test "$(db_sql "SELECT COUNT(*) FROM t22")" = 1 &&
	test $((twenty - one)) -le $((2 * 19))
'

test_done
