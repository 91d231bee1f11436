#!/bin/sh
# backends: mysql
# MySQL/MariaDB cannot roll DDL back, so a migration cut short (its
# connection killed, runway itself killed) may leave changes behind.  Its
# history row is written as failed before it runs and marked successful
# after, so every interruption leaves either a completed migration or a
# Failed row that info, validate and repair understand; the message about a
# lost connection tells what really stayed.
. ./lib.sh

# Waits (up to 20 s) until a statement of the test database runs SLEEP(), then prints its id.
sleeping_connection() {
  for _ in $(seq 1 200); do
    id=$(db_sql "SELECT ID FROM information_schema.PROCESSLIST WHERE DB = \"$DB_NAME\" AND INFO LIKE \"%SLEEP(%\" AND INFO NOT LIKE \"%PROCESSLIST%\" LIMIT 1")
    [ -n "$id" ] && { echo "$id"; return 0; }
    sleep 0.1
  done
  return 1
}

# Waits (up to 20 s) until a statement of the test database runs SLEEP(),
# then prints V2's success column as it was at that moment: one query reads
# both, so a loaded machine cannot let the migration finish in between.
v2_row_while_sleeping() {
  local row
  for _ in $(seq 1 200); do
    row=$(db_sql "SELECT (SELECT COUNT(*) FROM information_schema.PROCESSLIST WHERE DB = \"$DB_NAME\"
                    AND INFO LIKE \"%SLEEP(%\" AND INFO NOT LIKE \"%PROCESSLIST%\"),
                  (SELECT success FROM flyway_schema_history WHERE version = \"2\")")
    case $row in
    0\|*) sleep 0.1 ;;
    *) echo "${row#*|}"; return 0 ;;
    esac
  done
  return 1
}

# Runs migrate in the background and kills its connection once it sleeps.
migrate_with_killed_connection() {
  rw_timeout 120 migrate >out 2>err &
  pid=$!
  id=$(sleeping_connection) && db_sql "KILL CONNECTION $id"
  wait $pid
  rc=$?
  test $rc -ne 0 && test $rc -lt 128
}

test_expect_success 'a successful migration leaves the row Flyway writes' '
  write_migration V1__base.sql "CREATE TABLE base (id INT PRIMARY KEY);" &&
  rw_timeout 120 migrate &&
  test "$(db_sql "SELECT installed_rank, version, description, type, script, success FROM flyway_schema_history")" = "1|1|base|SQL|V1__base.sql|1" &&
  test "$(db_sql "SELECT checksum FROM flyway_schema_history")" = "$(flyway_checksum sql/V1__base.sql)" &&
  test "$(db_sql "SELECT execution_time >= 0 AND installed_on <= NOW() AND installed_on > NOW() - INTERVAL 1 MINUTE FROM flyway_schema_history")" = 1
'

test_expect_success 'the row of a running migration is failed until it completes' '
  write_migration V2__slow.sql "CREATE TABLE slow (id INT);
SELECT SLEEP(2);" &&
  rw_timeout 120 migrate >out 2>err &
  pid=$! &&
  test "$(v2_row_while_sleeping)" = 0 &&
  wait $pid &&
  test "$(db_sql "SELECT success, execution_time >= 1500 FROM flyway_schema_history WHERE version = \"2\"")" = "1|1"
'

test_expect_success 'connection killed in a data-only migration: the first error is the migration, nothing stays' '
  write_migration V3__data.sql "INSERT INTO base VALUES (3);
SELECT SLEEP(30);" &&
  db_state >before &&
  migrate_with_killed_connection &&
  grep "^ERROR" err | head -n 1 >first &&
  expect_grep "Migration V3__data.sql failed" first &&
  expect_grep "Nothing was changed" err &&
  ! grep -q "run repair" err &&
  db_state >after &&
  test_cmp before after
'

test_expect_success 'connection killed after DDL: a Failed row that info, validate and repair understand' '
  rm sql/V3__data.sql &&
  write_migration V3__ddl.sql "CREATE TABLE half (id INT);
SELECT SLEEP(30);" &&
  migrate_with_killed_connection &&
  grep "^ERROR" err | head -n 1 >first &&
  expect_grep "Migration V3__ddl.sql failed" first &&
  expect_grep "run repair" err &&
  test "$(db_sql "SELECT version, success FROM flyway_schema_history WHERE installed_rank = 3")" = "3|0" &&
  rw_timeout 120 info >out &&
  grep "ddl" out | grep -q Failed &&
  must_fail rw_timeout 120 validate &&
  expect_grep "Detected failed migration to version 3" err &&
  must_fail rw_timeout 120 migrate &&
  expect_grep "failed migration to version 3" err &&
  rw_timeout 120 repair &&
  write_migration V3__ddl.sql "CREATE TABLE IF NOT EXISTS half (id INT);" &&
  rw_timeout 120 migrate &&
  test "$(db_sql "SELECT version, success FROM flyway_schema_history WHERE installed_rank = 3")" = "3|1"
'

test_expect_success 'a failing data-only migration is rolled back and recorded as failed, saying so' '
  db_sql "INSERT INTO base VALUES (1)" &&
  write_migration V4__dup.sql "INSERT INTO base VALUES (4);
INSERT INTO base VALUES (1);" &&
  must_fail rw_timeout 120 migrate &&
  expect_grep "rolled back and the schema history records it as failed" err &&
  test "$(db_sql "SELECT COUNT(*) FROM base")" = 1 &&
  test "$(db_sql "SELECT version, success FROM flyway_schema_history WHERE installed_rank = 4")" = "4|0" &&
  rw_timeout 120 repair && rm sql/V4__dup.sql
'

test_expect_success 'the lock of a run killed mid-migration is released: repair and the rerun proceed' '
  write_migration V4__held.sql "CREATE TABLE held (id INT);
SELECT SLEEP(60);" &&
  "$RUNWAY_BIN" -url="$DB_URL" migrate >killed.out 2>&1 &
  victim=$!
  sleeping_connection >/dev/null &&
  kill -9 $victim && { wait $victim 2>/dev/null; true; } &&
  start=$(date +%s) &&
  rw_timeout 60 repair >out 2>err &&
  write_migration V4__held.sql "CREATE TABLE IF NOT EXISTS held (id INT);" &&
  rw_timeout 60 migrate >out 2>err &&
  elapsed=$(( $(date +%s) - start )) &&
  { [ $elapsed -lt 30 ] || { echo "took ${elapsed}s"; false; }; } &&
  test "$(db_sql "SELECT version, success FROM flyway_schema_history WHERE installed_rank = 4")" = "4|1"
'

test_expect_success 'the server does not go on with a killed run'"'"'s DDL migration' '
  db_reset && rm -rf sql &&
  write_migration V1__base.sql "CREATE TABLE base (id INT PRIMARY KEY);" &&
  write_migration V2__slow.sql "CREATE TABLE k1 (id INT);
SELECT SLEEP(1);
CREATE TABLE k2 (id INT);" &&
  { "$RUNWAY_BIN" -url="$DB_URL" migrate >/dev/null 2>&1 & pid=$!; } &&
  for _ in $(seq 1 300); do
    test "$(db_sql "SELECT COUNT(*) FROM information_schema.PROCESSLIST WHERE INFO LIKE \"SELECT SLEEP(1)%\"")" = 1 && break
    sleep 0.05
  done &&
  kill -9 $pid && { wait $pid 2>/dev/null || :; } &&
  sleep 2 &&
  test "$(db_sql "SELECT COUNT(*) FROM information_schema.TABLES WHERE TABLE_SCHEMA = DATABASE() AND TABLE_NAME = \"k2\"")" = 0 &&
  test "$(db_sql "SELECT success FROM flyway_schema_history WHERE version = \"2\"")" = 0
'

# SIGKILL at varied moments of a three-step DDL migration: five fixed ones,
# or RUNWAY_TEST_KILLS random ones (the reliability target is 20 of 20).
delays="0.05 0.3 0.8 1.3 3"
if [ -n "${RUNWAY_TEST_KILLS:-}" ]; then
  delays=$(awk -v n="$RUNWAY_TEST_KILLS" "BEGIN { srand(); for (i = 0; i < n; i++) printf \"%.2f \", rand() * 3 }")
fi
test_expect_success 'runway killed at varied moments always leaves a Failed row or a completed migration' '
  for delay in $delays; do
    { db_reset && rm -rf sql &&
      write_migration V1__base.sql "CREATE TABLE base (id INT PRIMARY KEY);" &&
      write_migration V2__slow.sql "CREATE TABLE k1 (id INT);
SELECT SLEEP(0.6);
CREATE TABLE k2 (id INT);
SELECT SLEEP(0.6);
CREATE TABLE k3 (id INT);"; } || exit 1
    "$RUNWAY_BIN" -url="$DB_URL" migrate >/dev/null 2>&1 &
    pid=$!
    sleep $delay && kill -9 $pid 2>/dev/null; wait $pid 2>/dev/null
    k=$(db_sql "SELECT COUNT(*) FROM information_schema.TABLES WHERE TABLE_SCHEMA = DATABASE() AND TABLE_NAME LIKE \"k_\"") &&
    v2=$(db_sql "SELECT success FROM flyway_schema_history WHERE version = \"2\"" 2>/dev/null || true) &&
    echo "killed after ${delay}s: $k of 3 tables, V2 row: ${v2:-none}" &&
    case "$k:$v2" in
      0:|0:0|[123]:0|3:1) ;;
      *) echo "inconsistent: changes without a Failed row"; exit 1 ;;
    esac || exit 1
  done
'

test_done
