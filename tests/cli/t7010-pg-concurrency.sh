#!/usr/bin/env bash
# backends: postgresql
# Concurrent and interrupted runs on one PostgreSQL database: the advisory
# lock serializes them, a killed run leaves nothing half-done, and a
# CREATE INDEX CONCURRENTLY migration finishes while another run waits.
. ./lib.sh
[ "$RUNWAY_TEST_BACKEND" = postgresql ] || skip_all "PostgreSQL only"
q="'"   # a single quote, for SQL inside the test bodies

# Waits up to 20 s until a backend of this database runs a query matching $1.
wait_for_query() {
  local i
  for i in $(seq 1 100); do
    [ "$(db_sql "SELECT count(*) FROM pg_stat_activity WHERE datname = current_database()
                 AND pid <> pg_backend_pid() AND query LIKE '$1'")" -gt 0 ] && return 0
    sleep 0.2
  done
  echo "no query like $1 started"; return 1
}

test_expect_success '8 concurrent migrate runs apply every migration exactly once' '
  db_reset &&
  write_migration V1__log.sql "CREATE TABLE applied (version TEXT NOT NULL);" &&
  for i in $(seq 2 20); do
    write_migration "V${i}__step_$i.sql" "CREATE TABLE t$i (id INT);
INSERT INTO applied VALUES ('"'"'$i'"'"');
SELECT pg_sleep(0.05);" || return 1
  done &&
  write_migration R__view.sql "CREATE OR REPLACE VIEW applied_count AS SELECT count(*) AS n FROM applied;" &&
  pids= &&
  for p in 1 2 3 4 5 6 7 8; do
    timeout 300 "$RUNWAY_BIN" -url="$DB_URL" migrate >run$p.out 2>&1 &
    pids="$pids $!"
  done &&
  failed=0 &&
  for pid in $pids; do wait $pid || failed=$((failed + 1)); done &&
  { [ $failed -eq 0 ] || { echo "$failed runs failed"; cat run*.out; false; }; } &&
  test "$(db_sql "SELECT count(*) FROM applied")" = 19 &&
  test "$(db_sql "SELECT count(DISTINCT version) FROM applied")" = 19 &&
  test "$(db_sql "SELECT count(*) FROM flyway_schema_history WHERE success")" = 21 &&
  test "$(db_sql "SELECT count(*) FROM flyway_schema_history")" = 21 &&
  test "$(db_sql "SELECT count(DISTINCT version) FROM flyway_schema_history WHERE version IS NOT NULL")" = 20 &&
  test "$(db_sql "SELECT n FROM applied_count")" = 19 &&
  test "$(db_sql "SELECT string_agg(installed_rank::text, ${q},${q} ORDER BY installed_rank) FROM flyway_schema_history")" = "$(seq -s, 1 21)"
'

test_expect_success 'a migrate killed with SIGKILL mid-migration leaves no partial migration' '
  { db_reset && rm -rf sql &&
    write_migration V1__base.sql "CREATE TABLE base (id INT);
CREATE TABLE sleep_marker (x INT);
INSERT INTO sleep_marker VALUES (1);" &&
    write_migration V2__slow.sql "CREATE TABLE partial (id INT);
INSERT INTO partial VALUES (1), (2);
SELECT pg_sleep(30) FROM sleep_marker;
INSERT INTO partial VALUES (3);"; } || exit 1
  "$RUNWAY_BIN" -url="$DB_URL" migrate >killed.out 2>&1 &
  victim=$!

  wait_for_query "SELECT pg_sleep(30)%" &&
  kill -9 $victim && { wait $victim 2>/dev/null; true; } &&
  test "$(db_sql "SELECT count(*) FROM flyway_schema_history WHERE version = '"'"'2'"'"'")" = 0 &&
  test "$(db_sql "SELECT count(*) FROM pg_tables WHERE tablename = '"'"'partial'"'"'")" = 0 &&
  db_sql "DELETE FROM sleep_marker" >/dev/null &&
  timeout 120 "$RUNWAY_BIN" -url="$DB_URL" migrate >rerun.out 2>&1 &&
  test "$(db_sql "SELECT version, success FROM flyway_schema_history ORDER BY installed_rank")" = "1|t
2|t" &&
  test "$(db_sql "SELECT string_agg(id::text, ${q},${q} ORDER BY id) FROM partial")" = "1,2,3"
'

test_expect_success 'the lock of a killed run is released: the next run does not wait for it' '
  { db_reset && rm -rf sql &&
    write_migration V1__slow.sql "SELECT pg_sleep(60) FROM (SELECT 1) s WHERE current_setting('"'"'application_name'"'"') <> '"'"'second'"'"';"; } || exit 1
  "$RUNWAY_BIN" -url="$DB_URL" migrate >killed.out 2>&1 &
  victim=$!

  wait_for_query "SELECT pg_sleep(60)%" &&
  kill -9 $victim && { wait $victim 2>/dev/null; true; } &&
  start=$(date +%s) &&
  timeout 120 "$RUNWAY_BIN" -url="$DB_URL" "-initSql=SET application_name = '"'"'second'"'"'" migrate >rerun.out 2>&1 &&
  elapsed=$(( $(date +%s) - start )) &&
  { [ $elapsed -lt 30 ] || { echo "rerun took ${elapsed}s"; false; }; } &&
  test "$(db_sql "SELECT version, success FROM flyway_schema_history")" = "1|t"
'

test_expect_success 'CREATE INDEX CONCURRENTLY completes while another run waits on the lock' '
  { db_reset && rm -rf sql &&
    write_migration V1__big.sql "CREATE TABLE big (a INT, b TEXT);
INSERT INTO big SELECT g, md5(g::text) FROM generate_series(1, 20000) g;
CREATE TABLE gate (id INT);
INSERT INTO gate VALUES (1);" &&
    write_migration V2__cic.sql "DO \$\$ BEGIN
  FOR i IN 1..1200 LOOP EXIT WHEN NOT EXISTS (SELECT 1 FROM gate); PERFORM pg_sleep(0.05); END LOOP;
END \$\$;
CREATE INDEX CONCURRENTLY big_a_idx ON big (a);
CREATE UNIQUE INDEX CONCURRENTLY big_b_idx ON big (b);" &&
    write_migration V3__after.sql "CREATE TABLE after_cic (id INT);" &&
    timeout 120 "$RUNWAY_BIN" -url="$DB_URL" -target=1 migrate >first.out 2>&1; } || exit 1
  timeout 120 "$RUNWAY_BIN" -url="$DB_URL" -mixed=true migrate >holder.out 2>&1 &
  holder=$!
  wait_for_query "DO %gate%" || exit 1
  timeout 120 "$RUNWAY_BIN" -url="$DB_URL" -mixed=true migrate >waiter.out 2>&1 &
  waiter=$!
  # The holder stays at its gate (up to a minute) until the waiter waits.
  for _ in $(seq 1 600); do grep -q "Waiting for the lock" waiter.out && break; sleep 0.1; done
  db_sql "DELETE FROM gate" >/dev/null
  { wait $holder || { echo "holder failed"; cat holder.out; false; }; } &&
  { wait $waiter || { echo "waiter failed"; cat waiter.out; false; }; } &&
  grep -q "Waiting for the lock" waiter.out &&
  test "$(db_sql "SELECT count(*) FROM pg_index i JOIN pg_class c ON c.oid = i.indexrelid
                  WHERE c.relname IN ('"'"'big_a_idx'"'"', '"'"'big_b_idx'"'"') AND i.indisvalid")" = 2 &&
  test "$(db_sql "SELECT count(*) FROM flyway_schema_history WHERE success")" = 3
'

# Flyway's advisory lock key for "public"."flyway_schema_history", and its low 32 bits.
LOCK_KEY=77433833903597 LOCK_OBJID=4163491309
# pg_locks spans the cluster: other scripts take the same key in their own databases.
THIS_DATABASE="database = (SELECT oid FROM pg_database WHERE datname = current_database())"

# Holds the migration lock from a psql session for up to a minute; HOLDER is its job.
hold_migration_lock() {
  db_sql "SELECT pg_advisory_lock($LOCK_KEY), pg_sleep(60)" >/dev/null 2>&1 &
  HOLDER=$!
  local i
  for i in $(seq 1 100); do
    [ "$(db_sql "SELECT count(*) FROM pg_locks WHERE locktype = ${q}advisory${q}
                 AND objid = $LOCK_OBJID AND granted AND $THIS_DATABASE")" -gt 0 ] && return 0
    sleep 0.1
  done
  echo "the lock was never taken"; return 1
}

release_migration_lock() {
  db_sql "SELECT pg_terminate_backend(pid) FROM pg_locks WHERE locktype = ${q}advisory${q}
          AND objid = $LOCK_OBJID AND $THIS_DATABASE" >/dev/null
  wait $HOLDER 2>/dev/null
  true
}

# Runs migrate in the background until it waits for the lock; WAITER is its pid.
start_waiting_migrate() {
  "$RUNWAY_BIN" -url="$DB_URL" "$@" migrate >waiter.out 2>waiter.err &
  WAITER=$!
  local i
  for i in $(seq 1 200); do
    grep -q "Waiting for the lock" waiter.err && return 0
    sleep 0.1
  done
  echo "migrate never waited for the lock"; cat waiter.err; return 1
}

test_expect_success 'SIGTERM while waiting for the migration lock ends the wait: exit 143, one line, nothing applied' '
  { db_reset && rm -rf sql && write_migration V1__a.sql "CREATE TABLE a (id INT);"; } || exit 1
  hold_migration_lock &&
  start_waiting_migrate &&
  start=$(date +%s) &&
  kill -TERM $WAITER && { wait $WAITER; code=$?; } &&
  took=$(( $(date +%s) - start )) &&
  release_migration_lock &&
  { test $code = 143 || { echo "exit $code"; cat waiter.err; false; }; } &&
  { test $took -lt 10 || { echo "took ${took}s: the lock wait went on after the signal"; false; }; } &&
  grep "^ERROR: " waiter.err >errors &&
  test "$(wc -l <errors)" = 1 &&
  expect_grep "^ERROR: interrupted by SIGTERM while waiting for the lock on the schema history table" errors &&
  test "$(db_sql "SELECT count(*) FROM pg_tables WHERE tablename = ${q}a${q}")" = 0
'

test_expect_success 'after the stopped wait, the next migrate takes the lock and applies' '
  timeout 60 "$RUNWAY_BIN" -url="$DB_URL" migrate >out 2>err &&
  test "$(db_sql "SELECT version, success FROM flyway_schema_history WHERE type = ${q}SQL${q}")" = "1|t"
'

test_expect_success 'SIGINT while waiting for the lock, with JSON output: errorCode INTERRUPTED, exit 130' '
  write_migration V2__b.sql "CREATE TABLE b (id INT);" &&
  hold_migration_lock &&
  start_waiting_migrate -outputType=json &&
  kill -INT $WAITER && { wait $WAITER; code=$?; } &&
  release_migration_lock &&
  { test $code = 130 || { echo "exit $code"; cat waiter.err; false; }; } &&
  jq -e ".error.errorCode == \"INTERRUPTED\"" waiter.out >/dev/null &&
  test "$(db_sql "SELECT count(*) FROM flyway_schema_history WHERE version = ${q}2${q}")" = 0
'

test_done
