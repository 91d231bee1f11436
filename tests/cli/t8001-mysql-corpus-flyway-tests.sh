#!/bin/sh
# backends: mysql
# Flyway's own MySQL parser fixtures (one location per sub-folder): runway
# leaves the same schema as the mariadb client fed the same files.
. ./lib.sh
require_corpus

for dir in "$CORPUS"/flyway-tests-mysql/*/; do
  set_name=${dir%/}
  set_name=${set_name##*/}
  test_expect_success "flyway-tests-mysql/$set_name: same schema as the mariadb client" "
    mysql_compare_with_client '$dir'
  "
done

test_expect_success 'procedure: the procedures ran (test_data holds Hello)' '
  mysql_compare_with_client "$CORPUS/flyway-tests-mysql/procedure" &&
  test "$(db_sql "SELECT value FROM test_data")" = Hello
'

test_expect_success 'trigger: the multi-statement trigger body was created whole' '
  db_reset &&
  rw_timeout 120 -locations="filesystem:$CORPUS/flyway-tests-mysql/trigger" migrate &&
  test "$(db_sql "SELECT COUNT(*) FROM test4")" = 10 &&
  db_sql "INSERT INTO test1 VALUES (1)" &&
  test "$(db_sql "SELECT COUNT(*) FROM test2")" = 1 &&
  test "$(db_sql "SELECT COUNT(*) FROM test3")" = 9 &&
  test "$(db_sql "SELECT b4 FROM test4 WHERE a4 = 1")" = 1
'

test_expect_success 'view: the view sums to 150' '
  db_reset &&
  rw_timeout 120 -locations="filesystem:$CORPUS/flyway-tests-mysql/view" migrate &&
  test "$(db_sql "SELECT value FROM v")" = 150
'

test_done
