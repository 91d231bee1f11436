#!/bin/sh
# runway wait: blocks until the deploy gate opens, fails at once on a
# failed migration, gives up after -timeout.
# backends: sqlite postgresql mysql
. ./lib.sh

unreachable_url() {
  case $RUNWAY_TEST_BACKEND in
    sqlite) echo "jdbc:sqlite:$TRASH/no-such-dir/x.db" ;;
    postgresql) echo "jdbc:postgresql://127.0.0.1:1/nodb" ;;
    mysql) echo "jdbc:mysql://127.0.0.1:1/nodb" ;;
  esac
}

# Waits (at most 20 s) until FILE contains TEXT.
await_text() {
  i=0
  while ! grep -q -- "$2" "$1" 2>/dev/null; do
    i=$((i + 1)); [ $i -gt 200 ] && { echo "never saw '$2' in $1"; cat "$1"; return 1; }
    sleep 0.1
  done
}

test_expect_success 'wait returns 0 when another process finishes migrating' '
  write_migration V1__first.sql "CREATE TABLE first_t (id INT);" &&
  write_migration V2__second.sql "CREATE TABLE second_t (id INT);" &&
  { rw wait -timeout=30 -interval=0.2 >wait.out 2>wait.err & pid=$!; } &&
  await_text wait.err "Waiting up to" &&
  expect_grep "2 migrations pending" wait.err &&
  rw migrate >/dev/null 2>&1 &&
  wait $pid &&
  expect_grep "is at version 2" wait.out
'

test_expect_success 'wait returns at once when the state is already reached' '
  start=$(date +%s) &&
  rw wait -timeout=30 -interval=5 &&
  test $(( $(date +%s) - start )) -lt 5
'

test_expect_failure_code 'wait times out with exit 6 while migrations stay pending' 6 '
  write_migration V3__third.sql "CREATE TABLE third_t (id INT);" &&
  rw wait -timeout=1 -interval=0.2
'

test_expect_success 'the waiting message gives the timeout in whole seconds' '
  rw wait -timeout=3 -interval=0.5 >out 2>err; test $? -eq 6 &&
  expect_grep "Waiting up to 3s: " err
'

test_expect_success 'the timeout is reported in JSON with the pending list' '
  rw wait -timeout=0.3 -interval=0.1 -outputType=json >out.json; test $? -eq 6 &&
  expect_grep "\"status\": \"timeout\"" out.json &&
  expect_grep "\"description\": \"third\"" out.json &&
  expect_grep "TIMEOUT" out.json
'

test_expect_success 'wait -expectVersion is satisfied by an older version' '
  rw wait -expectVersion=2 -timeout=1
'

test_expect_success 'a failed migration ends the wait at once with exit 3' '
  write_migration V3__third.sql "CREATE TABLE third_t (id INT); NOT SQL AT ALL;" &&
  must_fail rw migrate -executeInTransaction=false &&
  start=$(date +%s) &&
  { rw wait -timeout=30 -interval=0.2; rc=$?; } &&
  test $rc -eq 3 &&
  test $(( $(date +%s) - start )) -lt 10
'

test_expect_failure_code 'an unreachable database times out with exit 5' 5 '
  "$RUNWAY_BIN" -url="$(unreachable_url)" wait -timeout=1 -interval=0.2
'

if [ "$RUNWAY_TEST_BACKEND" = sqlite ]; then
test_expect_success 'wait keeps trying until the database can be opened' '
  mkdir -p late && cp -r sql late/ && rm late/sql/V3__third.sql &&
  url="jdbc:sqlite:$TRASH/late/db/x.db" &&
  { (cd late && "$RUNWAY_BIN" -url="$url" wait -timeout=30 -interval=0.2) >late.out 2>late.err & pid=$!; } &&
  await_text late.err "Waiting for the database to accept connections" &&
  mkdir late/db &&
  (cd late && "$RUNWAY_BIN" -url="$url" migrate) >/dev/null 2>&1 &&
  wait $pid &&
  expect_grep "every local migration is applied" late.out
'
fi

test_expect_failure_code 'an invalid interval is a configuration error' 1 '
  rw wait -interval=soon
'

# fails_fast CODE CMD...: CMD exits CODE within 20 s although -timeout is 120 s.
fails_fast() {
  want=$1; shift
  start=$(date +%s)
  "$@" >out 2>err
  rc=$?
  took=$(( $(date +%s) - start ))
  [ $rc -eq "$want" ] || { echo "exit $rc, expected $want"; cat out err; return 1; }
  [ $took -lt 20 ] || { echo "took ${took}s: it waited"; return 1; }
}

test_expect_success 'a configuration error ends the wait at once with exit 1' '
  fails_fast 1 "$RUNWAY_BIN" -url=jdbc:nosuchdb:x wait -timeout=120 -interval=0.2
'

test_expect_success 'a missing location ends the wait at once with exit 7' '
  fails_fast 7 rw -locations=filesystem:nowhere wait -timeout=120 -interval=0.2 &&
  expect_grep "Location nowhere does not exist" err
'

if [ "$RUNWAY_TEST_BACKEND" != sqlite ]; then
test_expect_success 'a wrong password ends the wait at once with exit 8' '
  url=$(printf "%s" "$DB_URL" | sed "s/password=[^&]*/password=not-the-password/") &&
  fails_fast 8 "$RUNWAY_BIN" -url="$url" wait -timeout=120 -interval=0.2 &&
  ! grep "Waiting for the database" err
'

test_expect_success 'an unknown database ends the wait at once with exit 8' '
  url=$(printf "%s" "$DB_URL" | sed "s#/$DB_NAME?#/no_such_database?#") &&
  fails_fast 8 "$RUNWAY_BIN" -url="$url" wait -timeout=120 -interval=0.2
'
fi

test_done
