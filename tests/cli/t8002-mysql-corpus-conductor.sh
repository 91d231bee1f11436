#!/bin/sh
# backends: mysql
# The conductor-mysql corpus set: runway leaves the same schema as the mariadb
# client fed the same files in Flyway's order.
. ./lib.sh
require_corpus

test_expect_success 'conductor-mysql: same schema as the mariadb client' '
  mysql_compare_with_client "$CORPUS/conductor-mysql"
'

test_expect_success 'conductor-mysql: validate passes and a second migrate changes nothing' '
  rw_timeout 120 -locations="filesystem:$CORPUS/conductor-mysql" validate &&
  rw_timeout 120 -locations="filesystem:$CORPUS/conductor-mysql" migrate >again.out 2>&1 &&
  expect_grep "up to date" again.out &&
  test "$(db_sql "SELECT COUNT(*) FROM flyway_schema_history")" = 10
'

test_done
