#!/bin/sh
# Round trips per migration, counted on the wire by a proxy that reads the
# client's side of the protocol (tests/lib/count-proxy.js): an ordinary
# transactional migration costs at most two, whatever its number of
# statements; statements that must run alone still do.  Counts only, never
# times.
# backends: postgresql mysql
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

# two_statement_migrations FIRST LAST: V<n>__m<n>.sql, each two statements
# its transaction holds: on PostgreSQL a CREATE TABLE and an INSERT; on
# MySQL, where DDL commits itself and so runs statement by statement, two
# data changes.
two_statement_migrations() {
  for i in $(seq "$1" "$2"); do
    if [ "$RUNWAY_TEST_BACKEND" = mysql ]; then
      write_migration "V${i}__m$i.sql" "INSERT INTO base VALUES ($i);
UPDATE base SET id = id + 1000 WHERE id = $i;" || return 1
    else
      write_migration "V${i}__m$i.sql" "CREATE TABLE t$i (id INT);
INSERT INTO t$i VALUES ($i);" || return 1
    fi
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
	if [ "$RUNWAY_TEST_BACKEND" = mysql ]; then
		test "$(db_sql "SELECT COUNT(*) FROM base WHERE id = 1022")" = 1
	else
		test "$(db_sql "SELECT COUNT(*) FROM t22")" = 1
	fi &&
	test $((twenty - one)) -le $((2 * 19))
'

if [ "$RUNWAY_TEST_BACKEND" = postgresql ]; then
test_expect_success 'server notices of a batched migration come in the order the statements ran' '
	write_migration V30__notices.sql "DO \$\$ BEGIN RAISE NOTICE '"'"'first'"'"'; END \$\$;
CREATE TABLE t30 (id INT);
DO \$\$ BEGIN RAISE NOTICE '"'"'second'"'"'; END \$\$;
DROP TABLE IF EXISTS no_such_table;" &&
	rw migrate >out 2>&1 &&
	grep "^DB: \|DB: " out | sed "s/.*DB: //" >notices &&
	printf "%s\n" first second "table \"no_such_table\" does not exist, skipping" >expect &&
	test_cmp expect notices
'

test_expect_success 'COPY FROM STDIN and CREATE INDEX CONCURRENTLY still run alone' '
	write_migration V31__copy.sql "CREATE TABLE t31 (id INT, name TEXT);
COPY t31 (id, name) FROM STDIN;
1	one
2	two
\\.
INSERT INTO t31 VALUES (3, '"'"'three'"'"');" &&
	write_migration V32__concurrently.sql "CREATE INDEX CONCURRENTLY t31_id ON t31 (id);" &&
	rw migrate &&
	test "$(db_sql "SELECT string_agg(name, '"'"','"'"' ORDER BY id) FROM t31")" = one,two,three &&
	test "$(db_sql "SELECT indexname FROM pg_indexes WHERE tablename = '"'"'t31'"'"'")" = t31_id
'
fi

if [ "$RUNWAY_TEST_BACKEND" = mysql ]; then
test_expect_success 'CALL runs alone between batched statements, a stored program among them' '
	write_migration V30__proc.sql "CREATE TABLE t30 (id INT); -- a trailing comment
DELIMITER //
CREATE PROCEDURE p30() BEGIN INSERT INTO t30 VALUES (1); SELECT * FROM t30; END//
DELIMITER ;
CALL p30();
INSERT INTO t30 VALUES (2) # another
;
SELECT COUNT(*) FROM t30;" &&
	rw migrate &&
	test "$(db_sql "SELECT GROUP_CONCAT(id ORDER BY id) FROM t30")" = 1,2
'

test_expect_success 'a DELIMITER block of two statements is still sent, and rejected, as one' '
	write_migration V31__block.sql "CREATE TABLE t31 (id INT);
DELIMITER //
INSERT INTO t31 VALUES (1); INSERT INTO t31 VALUES (2)//
DELIMITER ;" &&
	must_fail "$RUNWAY_BIN" -url="$DB_URL" migrate &&
	expect_grep "Line       : 3" err &&
	test "$(db_sql "SELECT COUNT(*) FROM t31")" = 0 &&
	rw repair >/dev/null && rm sql/V31__block.sql && db_sql "DROP TABLE t31"
'
fi

test_expect_success 'a failing statement in a batch is reported with its file, line and statement; nothing stays' '
	write_migration V40__bad.sql "CREATE TABLE t40 (id INT);
INSERT INTO t40 VALUES (1);
INSERT INTO t40 VALUES (1, 2, 3);
CREATE TABLE t40b (id INT);" &&
	db_state >before &&
	must_fail "$RUNWAY_BIN" -url="$DB_URL" migrate &&
	expect_grep "Migration V40__bad.sql failed" err &&
	expect_grep "Line       : 3" err &&
	expect_grep "Statement  : INSERT INTO t40 VALUES (1, 2, 3)" err &&
	db_state >after &&
	if [ "$RUNWAY_TEST_BACKEND" = postgresql ]; then
		test_cmp before after && expect_grep "Nothing was changed: fix .*V40__bad.sql:3" err
	else
		! db_sql "SELECT 1 FROM t40b" 2>/dev/null &&
		test "$(db_sql "SELECT success FROM $HISTORY_SCHEMA.flyway_schema_history WHERE version = 40")" = 0
	fi &&
	rm sql/V40__bad.sql
'

if [ "$RUNWAY_TEST_BACKEND" = mysql ]; then
# DDL commits itself here, so such a script goes one statement per round
# trip; BEGIN and the first history row travel with the first statement,
# the completed row and COMMIT in one more.
test_expect_success 'a migration holding DDL costs one round trip per statement, plus one' '
	rw repair >/dev/null &&
	write_migration V100__d100.sql "CREATE TABLE d100 (id INT);
CREATE INDEX d100_id ON d100 (id);" &&
	one=$(counted migrate) &&
	for i in $(seq 101 120); do
		write_migration "V${i}__d$i.sql" "CREATE TABLE d$i (id INT);
CREATE INDEX d${i}_id ON d$i (id);" || exit 1
	done &&
	twenty=$(counted migrate) &&
	echo "1 migration: $one round trips; 21 migrations: $twenty" &&
	test "$(db_sql "SELECT COUNT(*) FROM information_schema.STATISTICS
	                WHERE TABLE_SCHEMA = DATABASE() AND INDEX_NAME = \"d120_id\"")" = 1 &&
	test $((twenty - one)) -le $((3 * 20))
'

# proc_migration N: a table and two stored programs from DELIMITER blocks.
proc_migration() {
	write_migration "V${1}__p$1.sql" "CREATE TABLE p$1 (id INT PRIMARY KEY, v INT);
DELIMITER \$\$
CREATE FUNCTION f$1(a INT) RETURNS INT DETERMINISTIC
BEGIN
  DECLARE r INT;
  SET r = a * 2;
  IF r > 100 THEN
    SET r = r - 1;
  END IF;
  RETURN r;
END\$\$
CREATE TRIGGER p${1}_bi BEFORE INSERT ON p$1 FOR EACH ROW
BEGIN
  SET NEW.v = f$1(NEW.id);
END\$\$
DELIMITER ;"
}

# A stored program whose ";" are all inside its BEGIN ... END is one
# statement to the server: it shares the batches instead of going alone
# with multi-statement queries switched off and on again around it.
test_expect_success 'stored programs from DELIMITER blocks cost one round trip each' '
	proc_migration 200 &&
	one=$(counted migrate) &&
	for i in $(seq 201 220); do proc_migration $i || exit 1; done &&
	twenty=$(counted migrate) &&
	echo "1 migration: $one round trips; 21 migrations: $twenty" &&
	db_sql "INSERT INTO p220 (id) VALUES (70)" &&
	test "$(db_sql "SELECT v FROM p220")" = 139 &&
	test $((twenty - one)) -le $((4 * 20))
'
fi

test_done
