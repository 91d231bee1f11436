#!/bin/sh
# backends: mysql
# Eight runway processes migrate the same empty database at once: the named
# lock lets each migration run exactly once and every process succeeds.
. ./lib.sh

# Twelve migrations that take a little time, each logging itself once.
write_slow_migrations() {
  write_migration V1__log.sql "CREATE TABLE applied_log (version VARCHAR(10) NOT NULL, conn BIGINT NOT NULL);"
  i=2
  while [ $i -le 12 ]; do
    write_migration "V${i}__step_$i.sql" "CREATE TABLE t$i (id INT);
DO SLEEP(0.1);
INSERT INTO applied_log VALUES ('$i', CONNECTION_ID());"
    i=$((i + 1))
  done
  write_migration R__view.sql "CREATE OR REPLACE VIEW all_steps AS SELECT version FROM applied_log;
INSERT INTO applied_log VALUES ('R', CONNECTION_ID());"
}

test_expect_success '8 concurrent migrate processes: all exit 0, each migration applied once' '
  write_slow_migrations &&
  pids="" &&
  n=1 &&
  while [ $n -le 8 ]; do
    rw_timeout 300 migrate >"run$n.out" 2>&1 &
    pids="$pids $!"
    n=$((n + 1))
  done &&
  failed=0 &&
  for p in $pids; do wait "$p" || failed=$((failed + 1)); done &&
  if [ $failed -ne 0 ]; then cat run*.out; false; fi &&
  test "$(db_sql "SELECT COUNT(*), COUNT(DISTINCT version) FROM applied_log")" = "12|12" &&
  test "$(db_sql "SELECT COUNT(*), COUNT(DISTINCT installed_rank), MIN(installed_rank), MAX(installed_rank), SUM(success) FROM flyway_schema_history")" = "13|13|1|13|13" &&
  test "$(db_sql "SELECT COUNT(DISTINCT version) FROM flyway_schema_history WHERE version IS NOT NULL")" = 12 &&
  test "$(db_sql "SELECT COUNT(*) FROM flyway_schema_history WHERE version IS NULL AND description = \"view\"")" = 1
'

test_expect_success 'every process reported success and none saw an error' '
  test "$(grep -l "Successfully applied\|up to date" run*.out | wc -l)" = 8 &&
  ! grep -i "error" run*.out
'

test_expect_success 'a session holding the lock under Flyway'"'"'s name makes migrate wait' '
  write_migration V13__late.sql "CREATE TABLE late (id INT);" &&
  name=$(mysql_lock_name "$DB_NAME") &&
  { _my_client mariadb --batch --skip-column-names \
      -e "SELECT GET_LOCK(\"$name\", 0); DO SLEEP(4); SELECT \"released\";" >holder.out & } &&
  for _ in $(seq 1 100); do
    test "$(db_sql "SELECT IS_USED_LOCK(\"$name\") IS NOT NULL")" = 1 && break
    sleep 0.05
  done &&
  start=$(date +%s) &&
  rw_timeout 60 migrate >late.out 2>&1 &&
  end=$(date +%s) &&
  wait &&
  test "$(head -n 1 holder.out)" = 1 &&
  test $((end - start)) -ge 2 &&
  test "$(db_sql "SELECT success FROM flyway_schema_history WHERE version = \"13\"")" = 1
'

# Holds the migration lock from a client session for up to a minute; HOLDER is its job.
hold_migration_lock() {
  LOCK_NAME=$(mysql_lock_name "$DB_NAME")
  _my_client mariadb --batch --skip-column-names \
    -e "SELECT GET_LOCK(\"$LOCK_NAME\", 0); DO SLEEP(60);" >holder.out 2>&1 &
  HOLDER=$!
  for _ in $(seq 1 100); do
    test "$(db_sql "SELECT IS_USED_LOCK(\"$LOCK_NAME\") IS NOT NULL")" = 1 && return 0
    sleep 0.1
  done
  echo "the lock was never taken"; return 1
}

release_migration_lock() {
  kill $HOLDER 2>/dev/null; wait $HOLDER 2>/dev/null
  db_sql "SELECT RELEASE_LOCK(\"$LOCK_NAME\")" >/dev/null
  true
}

# Runs migrate in the background until it waits for the lock; WAITER is its pid.
start_waiting_migrate() {
  "$RUNWAY_BIN" -url="$DB_URL" migrate >waiter.out 2>waiter.err &
  WAITER=$!
  for _ in $(seq 1 200); do grep -q "Waiting for lock" waiter.err && return 0; sleep 0.1; done
  echo "migrate never waited for the lock"; cat waiter.err; return 1
}

test_expect_success 'SIGTERM while waiting for the named lock ends the wait: exit 143, one line, nothing applied' '
  write_migration V14__stopped.sql "CREATE TABLE stopped (id INT);" &&
  hold_migration_lock &&
  start_waiting_migrate &&
  start=$(date +%s) &&
  kill -TERM $WAITER && { wait $WAITER; code=$?; } &&
  took=$(( $(date +%s) - start )) &&
  release_migration_lock &&
  { test $code = 143 || { echo "exit $code"; cat waiter.err; false; }; } &&
  { test $took -lt 8 || { echo "took ${took}s: the lock wait went on after the signal"; false; }; } &&
  grep "^ERROR: " waiter.err >errors &&
  test "$(wc -l <errors)" = 1 &&
  expect_grep "^ERROR: interrupted by SIGTERM while waiting for the lock on the schema history table" errors &&
  test "$(db_sql "SELECT COUNT(*) FROM flyway_schema_history WHERE version = \"14\"")" = 0
'

test_done
