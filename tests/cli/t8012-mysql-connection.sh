#!/bin/sh
# backends: mysql
# Connecting to MySQL/MariaDB from the command line: the URL forms, separate
# user/password settings, TLS modes, initSql, retries, and passwords kept
# out of every message.
. ./lib.sh

H=$RUNWAY_TEST_MYSQL_HOST
P=$RUNWAY_TEST_MYSQL_PORT
U=$RUNWAY_TEST_MYSQL_USER
PW=$RUNWAY_TEST_MYSQL_PASSWORD

# runway with an explicit URL (not the backend's $DB_URL).
rw_url() {
  url=$1
  shift
  timeout 120 "$RUNWAY_BIN" -url="$url" "$@"
}

test_expect_success 'jdbc:mariadb URL with -user and -password settings' '
  write_migration V1__a.sql "CREATE TABLE a (id INT);" &&
  rw_url "jdbc:mariadb://$H:$P/$DB_NAME" -user="$U" -password="$PW" migrate >out 2>err &&
  test "$(db_sql "SELECT installed_by FROM flyway_schema_history")" = "$U" &&
  ! grep -F -- "$PW" out err
'

test_expect_success 'mysql:// URI with credentials, FLYWAY_URL from the environment' '
  write_migration V2__b.sql "CREATE TABLE b (id INT);" &&
  FLYWAY_URL="mysql://$U:$PW@$H:$P/$DB_NAME" timeout 120 "$RUNWAY_BIN" info >out 2>err &&
  expect_grep "Pending" out &&
  ! grep -F -- "$PW" out err
'

test_expect_success 'unix socket' '
  rw_url "mysql://$U:$PW@localhost/$DB_NAME?socket=$RUNWAY_TEST_MYSQL_SOCKET" migrate &&
  test "$(db_sql "SELECT COUNT(*) FROM flyway_schema_history")" = 2
'

test_expect_success 'a wrong password: exit 1, a clear message, no password anywhere' '
  must_fail rw_url "jdbc:mysql://$H:$P/$DB_NAME?user=$U&password=not-the-$PW" info &&
  expect_grep "Access denied" err &&
  expect_grep "password=\*\*\*" err &&
  ! grep -F -- "not-the-" out err &&
  must_fail rw_url "jdbc:mysql://$H:$P/$DB_NAME?user=$U&password=not-the-$PW" -outputType=json info &&
  expect_grep "1045" out &&
  ! grep -F -- "not-the-" out err
'

test_expect_success 'TLS: REQUIRED and VERIFY_IDENTITY with the CA connect; VERIFY_CA without it fails; jdbcProperties too' '
  if [ -z "${RUNWAY_TEST_MYSQL_CA:-}" ]; then echo "no TLS on the test server"; exit 0; fi &&
  rw_url "$DB_URL&sslMode=REQUIRED" info >/dev/null &&
  rw_url "$DB_URL&sslMode=VERIFY_IDENTITY&serverSslCert=$RUNWAY_TEST_MYSQL_CA" info >/dev/null &&
  rw_url "$DB_URL&useSSL=true&requireSSL=true" info >/dev/null &&
  must_fail rw_url "$DB_URL&sslMode=VERIFY_CA" info &&
  expect_grep "Unable to obtain connection" err &&
  must_fail rw_url "$DB_URL&sslMode=sometimes" info &&
  expect_grep "sslMode" err &&
  must_fail rw_url "$DB_URL" -jdbcProperties.sslMode=VERIFY_CA info &&
  rw_url "$DB_URL" -jdbcProperties.sslMode=VERIFY_CA \
    -jdbcProperties.serverSslCert="$RUNWAY_TEST_MYSQL_CA" info >/dev/null
'

test_expect_success 'initSql runs on the connection before the migrations' '
  write_migration V3__ansi.sql "CREATE TABLE \"quoted\" (id INT);" &&
  rw_url "$DB_URL" -initSql="SET SESSION sql_mode = CONCAT(@@sql_mode, \",ANSI_QUOTES\")" migrate &&
  test "$(db_sql "SELECT COUNT(*) FROM information_schema.TABLES WHERE TABLE_SCHEMA = DATABASE() AND TABLE_NAME = \"quoted\"")" = 1
'

test_expect_success 'connectRetries waits and retries before giving up' '
  start=$(date +%s) &&
  must_fail rw_url "jdbc:mysql://127.0.0.1:1/$DB_NAME?user=$U&password=$PW" -connectRetries=2 -connectRetriesInterval=1 info &&
  end=$(date +%s) &&
  test $((end - start)) -ge 2 &&
  expect_grep "Unable to obtain connection" err &&
  ! grep -F -- "$PW" out err
'

test_expect_success 'SET NAMES in one script does not leak into the history row nor the next script' '
  mkdir names &&
  printf "%s\n" "SET NAMES latin1;" "CREATE TABLE names_t (v VARCHAR(10)) CHARACTER SET utf8mb4;" >"names/V1__café.sql" &&
  printf "%s\n" "INSERT INTO names_t VALUES (\"é\");" >names/V2__insert.sql &&
  db_reset &&
  rw_timeout 60 -locations=filesystem:names migrate &&
  test "$(db_sql "SELECT HEX(description) FROM flyway_schema_history WHERE version = \"1\"")" = 636166C3A9 &&
  test "$(db_sql "SELECT HEX(v) FROM names_t")" = C3A9
'

test_expect_success 'SET autocommit=0 in one script does not leak into a script run outside a transaction' '
  mkdir ac &&
  printf "%s\n" "SET autocommit=0;" "CREATE TABLE ac_t (id INT);" >ac/V1__autocommit_off.sql &&
  printf "%s\n" "INSERT INTO ac_t VALUES (1);" >ac/V2__no_tx.sql &&
  printf "%s\n" "executeInTransaction=false" >ac/V2__no_tx.sql.conf &&
  db_reset &&
  rw_timeout 60 -locations=filesystem:ac migrate &&
  test "$(db_sql "SELECT COUNT(*) FROM ac_t")" = 1 &&
  test "$(db_sql "SELECT COUNT(*) FROM flyway_schema_history WHERE success")" = 2
'

test_expect_success 'no database in the URL: -schemas creates it and migrations run inside it' '
  mkdir other &&
  printf "%s\n" "CREATE TABLE inside (id INT);" >other/V1__inside.sql &&
  printf "%s\n" "CREATE TABLE inside_too (id INT); USE mysql;" >other/V2__leave.sql &&
  printf "%s\n" "CREATE TABLE still_inside (id INT);" >other/V3__back.sql &&
  schema="${DB_NAME}_s" &&
  rw_url "jdbc:mysql://$H:$P/?user=$U&password=$PW" -schemas="$schema" \
    -locations=filesystem:other migrate >out 2>err &&
  (DB_NAME=$schema; db_sql "SELECT GROUP_CONCAT(TABLE_NAME ORDER BY TABLE_NAME) FROM information_schema.TABLES WHERE TABLE_SCHEMA = DATABASE()") >tables &&
  _my_admin "DROP DATABASE \`$schema\`" &&
  test "$(cat tables)" = "flyway_schema_history,inside,inside_too,still_inside"
'

test_done
