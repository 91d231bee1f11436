#!/bin/sh
# backends: mysql
# MySQL commits DDL as it goes, so a migration that fails after DDL ran
# cannot be rolled back: runway records it with success=0 as Flyway does,
# refuses to go on until `repair`, and after repair and a fixed file the
# history is what Flyway would leave.
. ./lib.sh

test_expect_success 'a DDL migration that fails is recorded as failed, its DDL stays' '
  write_migration V1__base.sql "CREATE TABLE base (id INT PRIMARY KEY);" &&
  write_migration V2__broken.sql "CREATE TABLE half (id INT);
INSERT INTO no_such_table VALUES (1);" &&
  must_fail rw_timeout 120 migrate &&
  expect_grep "V2__broken.sql" err &&
  expect_grep "1146" err &&
  expect_grep "42S02" err &&
  expect_grep "repair" err &&
  test "$(db_sql "SELECT installed_rank, version, success FROM flyway_schema_history ORDER BY installed_rank")" = "1|1|1
2|2|0" &&
  test "$(db_sql "SELECT checksum FROM flyway_schema_history WHERE version = \"2\"")" = "$(flyway_checksum sql/V2__broken.sql)" &&
  test "$(db_sql "SELECT COUNT(*) FROM information_schema.TABLES WHERE TABLE_SCHEMA = DATABASE() AND TABLE_NAME = \"half\"")" = 1
'

test_expect_success 'migrate and validate refuse with Flyway'"'"'s message until repair' '
  must_fail rw_timeout 120 migrate &&
  expect_grep "Detected failed migration to version 2 (broken)" err &&
  expect_grep "run repair" err &&
  must_fail rw_timeout 120 validate &&
  expect_grep "Detected failed migration to version 2 (broken)" err
'

test_expect_success 'repair removes the failed row; the fixed file then applies' '
  write_migration V2__broken.sql "CREATE TABLE IF NOT EXISTS half (id INT);
CREATE TABLE whole (id INT);" &&
  rw_timeout 120 repair &&
  test "$(db_sql "SELECT installed_rank, version, success FROM flyway_schema_history ORDER BY installed_rank")" = "1|1|1" &&
  rw_timeout 120 migrate &&
  test "$(db_sql "SELECT installed_rank, version, description, type, script, success FROM flyway_schema_history ORDER BY installed_rank")" = "1|1|base|SQL|V1__base.sql|1
2|2|broken|SQL|V2__broken.sql|1" &&
  test "$(db_sql "SELECT checksum FROM flyway_schema_history WHERE version = \"2\"")" = "$(flyway_checksum sql/V2__broken.sql)" &&
  test "$(db_sql "SELECT DISTINCT installed_by FROM flyway_schema_history")" = "$RUNWAY_TEST_MYSQL_USER" &&
  rw_timeout 120 validate
'

test_expect_success 'a failing migration of DML only is rolled back, and still recorded as failed' '
  db_sql "INSERT INTO base VALUES (1)" &&
  write_migration V3__dml.sql "INSERT INTO base VALUES (2);
INSERT INTO base VALUES (1);" &&
  must_fail rw_timeout 120 migrate &&
  expect_grep "1062" err &&
  test "$(db_sql "SELECT COUNT(*) FROM base")" = 1 &&
  test "$(db_sql "SELECT success FROM flyway_schema_history WHERE version = \"3\"")" = 0
'

test_expect_success 'a syntax error in the script itself names the file and line' '
  rw_timeout 120 repair &&
  write_migration V3__dml.sql "SELECT 1;
DELIMITER" &&
  must_fail rw_timeout 120 migrate &&
  expect_grep "V3__dml.sql:2" err &&
  expect_grep "DELIMITER" err
'

test_done
