#!/bin/sh
# backends: mysql
# The engine's commands on MySQL/MariaDB: baseline, repeatables, built-in
# placeholders, info as JSON, validate, repair, clean.
. ./lib.sh

test_expect_success 'a non-empty database without history needs baseline' '
  db_sql "CREATE TABLE legacy (id INT)" &&
  write_migration V1__old.sql "CREATE TABLE old_one (id INT);" &&
  write_migration V2__new.sql "CREATE TABLE new_one (id INT);" &&
  must_fail rw_timeout 60 migrate &&
  expect_grep "non-empty schema" err &&
  rw_timeout 60 -baselineOnMigrate=true migrate &&
  test "$(db_sql "SELECT installed_rank, version, type, success FROM flyway_schema_history ORDER BY installed_rank")" = "1|1|BASELINE|1
2|2|SQL|1" &&
  test "$(db_sql "SELECT COUNT(*) FROM information_schema.TABLES WHERE TABLE_SCHEMA = DATABASE() AND TABLE_NAME = \"old_one\"")" = 0
'

test_expect_success 'built-in placeholders take their values from the MySQL session' '
  write_migration V3__placeholders.sql "CREATE TABLE ph AS SELECT \"\${flyway:database}\" AS db, \"\${flyway:user}\" AS u, \"\${flyway:defaultSchema}\" AS ds;" &&
  rw_timeout 60 migrate &&
  test "$(db_sql "SELECT db, u, ds FROM ph")" = "$DB_NAME|$RUNWAY_TEST_MYSQL_USER|$DB_NAME"
'

test_expect_success 'a repeatable runs again when it changes, with a new history row' '
  write_migration R__view.sql "CREATE OR REPLACE VIEW v AS SELECT 1 AS n;" &&
  rw_timeout 60 migrate &&
  write_migration R__view.sql "CREATE OR REPLACE VIEW v AS SELECT 2 AS n;" &&
  rw_timeout 60 migrate &&
  test "$(db_sql "SELECT n FROM v")" = 2 &&
  test "$(db_sql "SELECT COUNT(*) FROM flyway_schema_history WHERE version IS NULL AND description = \"view\"")" = 2
'

test_expect_success 'a new version applies on top' '
  write_migration V4__more.sql "CREATE TABLE more_t (id INT);" &&
  rw_timeout 60 migrate &&
  test "$(db_sql "SELECT MAX(installed_rank) FROM flyway_schema_history")" = 6
'

test_expect_success 'info as JSON names MariaDB/MySQL, the database and every row' '
  rw_timeout 60 info -outputType=json >info.json &&
  expect_grep "\"database\": \"$DB_NAME\"" info.json &&
  expect_grep "\"schemaVersion\": \"4\"" info.json &&
  expect_grep "\"state\": \"Baseline\"" info.json &&
  expect_grep "\"installedBy\": \"$RUNWAY_TEST_MYSQL_USER\"" info.json &&
  rw_timeout 60 info >info.txt 2>&1 &&
  grep -E "(MariaDB|MySQL) [0-9]+\.[0-9]+" info.txt
'

test_expect_success 'validate detects a changed applied file; repair aligns the checksum' '
  write_migration V4__more.sql "CREATE TABLE more_t (id INT, extra INT);" &&
  must_fail rw_timeout 60 validate &&
  expect_grep "checksum mismatch" err &&
  rw_timeout 60 repair &&
  rw_timeout 60 validate
'

test_expect_success 'clean drops tables with foreign keys, views, routines, triggers, events' '
  db_sql "CREATE TABLE parent (id INT PRIMARY KEY);
    CREATE TABLE child (p INT, FOREIGN KEY (p) REFERENCES parent (id));
    CREATE PROCEDURE pr() SELECT 1;
    CREATE FUNCTION fn() RETURNS INT DETERMINISTIC RETURN 1;
    CREATE TRIGGER tr BEFORE INSERT ON child FOR EACH ROW SET NEW.p = NEW.p;
    CREATE EVENT ev ON SCHEDULE EVERY 1 DAY DISABLE DO SELECT 1" &&
  must_fail rw_timeout 60 clean &&
  rw_timeout 60 -cleanDisabled=false clean &&
  test "$(db_sql "SELECT (SELECT COUNT(*) FROM information_schema.TABLES WHERE TABLE_SCHEMA = DATABASE())
    + (SELECT COUNT(*) FROM information_schema.ROUTINES WHERE ROUTINE_SCHEMA = DATABASE())
    + (SELECT COUNT(*) FROM information_schema.EVENTS WHERE EVENT_SCHEMA = DATABASE())")" = 0 &&
  rw_timeout 60 migrate &&
  test "$(db_sql "SELECT COUNT(*) FROM flyway_schema_history WHERE success = 1")" = 5
'

test_expect_success 'a routine or an event alone makes a schema non-empty; triggers elsewhere do not' '
  rw_timeout 60 -cleanDisabled=false clean &&
  db_sql "CREATE FUNCTION only_fn() RETURNS INT DETERMINISTIC RETURN 1" &&
  must_fail rw_timeout 60 migrate &&
  expect_grep "non-empty schema" err &&
  db_sql "DROP FUNCTION only_fn; CREATE EVENT only_ev ON SCHEDULE EVERY 1 DAY DISABLE DO SELECT 1" &&
  must_fail rw_timeout 60 migrate &&
  expect_grep "non-empty schema" err &&
  db_sql "DROP EVENT only_ev;
    CREATE DATABASE \`${DB_NAME}_other\`;
    CREATE TABLE \`${DB_NAME}_other\`.t (id INT);
    CREATE TRIGGER \`${DB_NAME}_other\`.tr BEFORE INSERT ON \`${DB_NAME}_other\`.t
      FOR EACH ROW SET NEW.id = NEW.id" &&
  rw_timeout 60 migrate >out 2>&1;
  rc=$?;
  db_sql "DROP DATABASE \`${DB_NAME}_other\`" &&
  test $rc = 0 &&
  expect_grep "Empty Schema" out &&
  test "$(db_sql "SELECT COUNT(*) FROM flyway_schema_history WHERE success = 1")" = 5
'

test_done
