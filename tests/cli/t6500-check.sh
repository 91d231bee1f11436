#!/bin/sh
# runway check: the deploy gate and each of its exit codes.
# backends: sqlite postgresql mysql
. ./lib.sh

# A URL nobody answers on, for the backend under test.
unreachable_url() {
  case $RUNWAY_TEST_BACKEND in
    sqlite) echo "jdbc:sqlite:$TRASH/no-such-dir/x.db" ;;
    postgresql) echo "jdbc:postgresql://127.0.0.1:1/nodb" ;;
    mysql) echo "jdbc:mysql://127.0.0.1:1/nodb" ;;
  esac
}

test_expect_failure_code 'pending migrations on an empty database exit 2' 2 '
  write_migration V1__first.sql "CREATE TABLE first_t (id INT);" &&
  write_migration V2__second.sql "CREATE TABLE second_t (id INT);" &&
  rw check
'

test_expect_success 'the pending message names the migrations' '
  must_fail rw check &&
  expect_grep "2 migrations pending: 1 (first), 2 (second)" err
'

test_expect_success 'check exits 0 once everything is applied' '
  rw migrate &&
  rw check >out &&
  expect_grep "is at version 2: every local migration is applied" out
'

test_expect_failure_code 'a new local migration makes check exit 2 again' 2 '
  write_migration V3__third.sql "CREATE TABLE third_t (id INT);" &&
  rw check
'

test_expect_success 'expectVersion already reached exits 0' '
  rw check -expectVersion=2 &&
  rw check -expectVersion=1.0
'

test_expect_failure_code 'expectVersion above the current version exits 2' 2 '
  rw check -expectVersion=3
'

test_expect_success 'check -outputType=json reports status and pending list' '
  rw check -outputType=json >out.json; test $? -eq 2 &&
  expect_grep "\"status\": \"pending\"" out.json &&
  expect_grep "\"exitCode\": 2" out.json &&
  expect_grep "\"schemaVersion\": \"2\"" out.json &&
  expect_grep "\"description\": \"third\"" out.json
'

test_expect_failure_code 'a changed applied migration exits 4 (drift)' 4 '
  rw migrate >/dev/null 2>&1 &&
  printf "%s\n" "-- edited after it ran" >> sql/V2__second.sql &&
  rw check
'

test_expect_success 'drift is reported with both checksums in JSON' '
  rw check -outputType=json >out.json; test $? -eq 4 &&
  expect_grep "\"status\": \"drift\"" out.json &&
  expect_grep "\"appliedChecksum\"" out.json &&
  expect_grep "\"localChecksum\"" out.json
'

test_expect_success 'repair clears the drift' '
  rw repair >/dev/null 2>&1 &&
  rw check
'

test_expect_failure_code 'a failed migration row exits 3' 3 '
  write_migration V4__broken.sql "CREATE TABLE fourth_t (id INT); THIS IS NOT SQL;" &&
  must_fail rw migrate -executeInTransaction=false &&
  rw check
'

test_expect_success 'failed wins over pending, and JSON says failed' '
  write_migration V5__later.sql "CREATE TABLE fifth_t (id INT);" &&
  rw check -outputType=json >out.json; test $? -eq 3 &&
  expect_grep "\"status\": \"failed\"" out.json &&
  expect_grep "\"description\": \"broken\"" out.json
'

test_expect_failure_code 'an unreachable database exits 5' 5 '
  "$RUNWAY_BIN" -url="$(unreachable_url)" check
'

test_expect_success 'unreachable in JSON says so' '
  "$RUNWAY_BIN" -url="$(unreachable_url)" check -outputType=json >out.json; test $? -eq 5 &&
  expect_grep "\"status\": \"unreachable\"" out.json &&
  expect_grep "DB_CONNECTION" out.json
'

test_expect_failure_code 'a configuration error exits 1' 1 '
  rw check -expectVersion=not.a.version
'

test_expect_failure_code 'a missing location exits 7' 7 '
  rw -locations=filesystem:nowhere check
'

test_expect_success 'the missing location is named with the directory it is relative to' '
  rw -locations=filesystem:nowhere check >out 2>err; test $? -eq 7 &&
  expect_grep "Location nowhere does not exist (relative locations start from the current directory $TRASH)" err &&
  ! grep "every local migration is applied" out err
'

test_expect_failure_code 'a location without migrations exits 7' 7 '
  mkdir -p empty && rw -locations=filesystem:empty check
'

test_expect_success 'no migrations in JSON says so, naming the folder' '
  mkdir -p empty && rw -locations=filesystem:empty -outputType=json check >out.json; test $? -eq 7 &&
  expect_grep "\"status\": \"no-migrations\"" out.json &&
  expect_grep "\"exitCode\": 7" out.json &&
  expect_grep "No migrations found in empty ($TRASH/empty)" out.json
'

test_expect_success 'check JSON warnings hold the scan warnings the text prints, in the same order' '
  mkdir -p named && printf "SELECT 1;\n" >named/V1__ok.sql && printf "SELECT 1;\n" >named/V2_no_separator.sql &&
  rw -locations=filesystem:named,filesystem:gone check >out 2>err; test $? -eq 7 &&
  sed -n "s/^WARNING: //p" err >text_warnings &&
  test $(wc -l <text_warnings) -eq 2 &&
  expect_grep "^Skipping filesystem location: gone (NOT_FOUND)" text_warnings &&
  expect_grep "did not follow the filename convention" text_warnings &&
  rw -locations=filesystem:named,filesystem:gone -outputType=json check >out.json 2>/dev/null; test $? -eq 7 &&
  jq -r ".warnings[]" out.json >json_warnings &&
  test_cmp text_warnings json_warnings
'

# The URL of the test database with the password or the database name replaced.
wrong_password_url() { printf '%s' "$DB_URL" | sed 's/password=[^&]*/password=not-the-password/'; }
unknown_database_url() { printf '%s' "$DB_URL" | sed "s#/$DB_NAME?#/no_such_database?#"; }

if [ "$RUNWAY_TEST_BACKEND" != sqlite ]; then
test_expect_failure_code 'a wrong password exits 8 (refused), not 5' 8 '
  "$RUNWAY_BIN" -url="$(wrong_password_url)" check
'

test_expect_success 'refused in JSON says so' '
  "$RUNWAY_BIN" -url="$(wrong_password_url)" -outputType=json check >out.json; test $? -eq 8 &&
  expect_grep "\"status\": \"refused\"" out.json
'

test_expect_failure_code 'an unknown database exits 8' 8 '
  "$RUNWAY_BIN" -url="$(unknown_database_url)" check
'
fi

if [ "$RUNWAY_TEST_BACKEND" = mysql ]; then
  # Without transactional DDL a running migration's row reads as failed until
  # it completes: while another session holds the migration lock, check
  # reports it pending, not failed.
  test_expect_success 'a failed row under a held migration lock is pending (exit 2), not failed' '
    db_reset && rm -rf sql &&
    write_migration V1__one.sql "CREATE TABLE one_t (id INT);" &&
    write_migration V2__two.sql "CREATE TABLE two_t (id INT);" &&
    rw migrate -target=1 >/dev/null 2>&1 &&
    db_sql "INSERT INTO flyway_schema_history (installed_rank, version, description, type, script, checksum, installed_by, execution_time, success) VALUES (2, \"2\", \"two\", \"SQL\", \"V2__two.sql\", 0, \"x\", 0, 0)" &&
    rw check >out 2>err; test $? -eq 3 &&
    name=$(mysql_lock_name "$DB_NAME") &&
    { _my_client mariadb --batch --skip-column-names \
        -e "SELECT GET_LOCK(\"$name\", 0); DO SLEEP(3);" >holder.out & } &&
    sleep 1 &&
    rw check >out 2>err; rc=$?; wait; test $rc -eq 2 &&
    expect_grep "another process is migrating now" err
  '
fi

test_done
