#!/bin/sh
# backends: mysql
# The chinook-mysql corpus set: runway leaves the same schema as the mariadb
# client fed the same files in Flyway's order.
. ./lib.sh
require_corpus

test_expect_success 'chinook-mysql: same schema as the mariadb client' '
  mysql_compare_with_client "$CORPUS/chinook-mysql"
'

test_expect_success 'chinook-mysql: same data as the mariadb client (UTF-8 text, backslashes)' '
  db_data >runway.data &&
  client_data() {
    mysql_client_apply_dir "$CORPUS/chinook-mysql" >/dev/null && db_data >client.data
  } &&
  mysql_with_ref_db client_data &&
  test_cmp client.data runway.data &&
  test "$(db_sql "SELECT Name FROM Artist WHERE Name LIKE \"Ant%nio Carlos Jobim\"")" = "Antônio Carlos Jobim" &&
  test "$(db_sql "SELECT COUNT(*) FROM Track")" = 3503
'

test_done
