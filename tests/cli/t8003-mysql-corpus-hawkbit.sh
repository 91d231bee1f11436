#!/bin/sh
# backends: mysql
# The hawkbit-mysql corpus set: runway leaves the same schema as the mariadb
# client fed the same files in Flyway's order.
. ./lib.sh
require_corpus

test_expect_success 'hawkbit-mysql: same schema as the mariadb client' '
  mysql_compare_with_client "$CORPUS/hawkbit-mysql"
'

test_expect_success 'hawkbit-mysql: versions applied in numeric order, 1.12.29 last' '
  db_sql "SELECT version FROM flyway_schema_history ORDER BY installed_rank" >order.actual &&
  mysql_flyway_order "$CORPUS/hawkbit-mysql" | sed -e "s/^V//" -e "s/__.*//" | tr _ . >order.expected &&
  test_cmp order.expected order.actual &&
  test "$(tail -n 1 order.actual)" = 1.12.29
'

test_done
