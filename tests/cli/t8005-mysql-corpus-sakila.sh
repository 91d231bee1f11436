#!/bin/sh
# backends: mysql
# The sakila-mysql set: three client delimiters in one file, executable
# comments inside VALUES, `USE sakila` switching the session's database, and
# a CRLF data file.  Its objects land in the `sakila` database, so that is
# what is compared with the mariadb client's result.
. ./lib.sh
require_corpus

drop_sakila() { _my_admin 'DROP DATABASE IF EXISTS sakila'; }

# Schema and data of `sakila` (customer.create_date is set from NOW() by a trigger, so that table's rows are left out).
dump_sakila() {
  DB_NAME=sakila
  db_schema >"$1.schema" &&
  db_data --ignore-table=sakila.customer >"$1.data"
}

test_expect_success 'sakila-mysql: same schema and data as the mariadb client' '
  drop_sakila &&
  rw_timeout 600 -locations="filesystem:$CORPUS/sakila-mysql" migrate >migrate.out 2>&1 ||
    { cat migrate.out; false; } &&
  test "$(db_sql "SELECT COUNT(*) FROM flyway_schema_history WHERE success = 1")" = 2 &&
  (dump_sakila runway) &&
  drop_sakila &&
  client_run() { mysql_client_apply_dir "$CORPUS/sakila-mysql" >/dev/null || { cat client.err; false; }; } &&
  mysql_with_ref_db client_run &&
  (dump_sakila client) &&
  drop_sakila &&
  test_cmp client.schema runway.schema &&
  test_cmp client.data runway.data &&
  test "$(wc -l <runway.data)" -gt 40000
'

test_expect_success 'the CRLF data file has the checksum of its LF copy (validate passes)' '
  mkdir lf &&
  cp "$CORPUS/sakila-mysql/V1__schema.sql" lf/ &&
  sed "s/\r\$//" "$CORPUS/sakila-mysql/V2__data.sql" >lf/V2__data.sql &&
  ! cmp -s lf/V2__data.sql "$CORPUS/sakila-mysql/V2__data.sql" &&
  rw_timeout 120 -locations=filesystem:lf validate &&
  printf "\n-- changed\n" >>lf/V2__data.sql &&
  ! rw_timeout 120 -locations=filesystem:lf validate
'

drop_sakila
test_done
