#!/bin/sh
# backends: mysql
# The kestra-mysql set is written for MySQL 8.0.29+ (unquoted `offset`, the
# JSON ->> operator) and MariaDB rejects its first file.  runway must stop
# exactly where the mariadb client stops, leave the same partial schema, and
# record the failure the way Flyway does on a database without DDL
# transactions.
. ./lib.sh
require_corpus

test_expect_success 'kestra-mysql: runway fails where the mariadb client fails, same partial schema' '
  must_fail rw_timeout 300 -locations="filesystem:$CORPUS/kestra-mysql" migrate &&
  cat out err >migrate.out &&
  expect_grep "V1_1__initial.sql" migrate.out &&
  expect_grep "1064" migrate.out &&
  expect_grep "42000" migrate.out &&
  expect_grep ":42" migrate.out &&
  test "$(db_sql "SELECT version, success FROM flyway_schema_history")" = "1.1|0" &&
  _my_schema_as_db >runway.schema &&
  client_run() {
    test "$(mysql_client_apply_dir "$CORPUS/kestra-mysql")" = V1_1__initial.sql &&
      grep -q "ERROR 1064 (42000) at line 42" client.err &&
      _my_schema_as_db >client.schema
  } &&
  mysql_with_ref_db client_run &&
  grep -q PARSE_ISO8601_DATETIME runway.schema &&
  test_cmp client.schema runway.schema
'

test_expect_success 'the failed migration blocks migrate and validate until repair' '
  must_fail rw_timeout 120 -locations="filesystem:$CORPUS/kestra-mysql" migrate &&
  expect_grep "Detected failed migration to version 1.1" err &&
  must_fail rw_timeout 120 -locations="filesystem:$CORPUS/kestra-mysql" validate &&
  expect_grep "Detected failed migration to version 1.1" err &&
  rw_timeout 120 -locations="filesystem:$CORPUS/kestra-mysql" repair &&
  test "$(db_sql "SELECT COUNT(*) FROM flyway_schema_history")" = 0
'

test_done
