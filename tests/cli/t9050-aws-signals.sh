#!/bin/sh
# SIGTERM, SIGINT and SIGHUP (an ECS stop, a cancelled CI job, Ctrl-C) while
# a migration runs: the statement is cancelled on the server, the migration
# rolled back where the database can, the task token and webhook answered
# with INTERRUPTED, one line says what was applied, and runway exits 128+N.
# A second signal exits at once.
# backends: sqlite postgresql mysql
. ./lib.sh
. "$RUNWAY_SOURCE_DIR/tests/aws/fake-lib.sh"
aws_fake_require
aws_fake_env

FAKE_TOKEN='AAAAKgAAAAIAAAAAAAAAAQ/interrupted+token=='
cat >scenario.json <<JSON
{"credentials": {"$FAKE_AKID": {"secret": "$FAKE_SECRET"}}}
JSON
aws_fake_start scenario.json || exit 1

# A statement that runs for a minute unless cancelled.
case $RUNWAY_TEST_BACKEND in
postgresql) SLOW="SELECT pg_sleep(60);" ;;
mysql) SLOW="SELECT SLEEP(60);" ;;
*) SLOW="WITH RECURSIVE c(x) AS (SELECT 1 UNION ALL SELECT x+1 FROM c WHERE x < 3000000000) SELECT count(*) FROM c;" ;;
esac

write_migration V1__a.sql "CREATE TABLE a (id INT);"
write_migration V2__slow.sql "CREATE TABLE b (id INT);
$SLOW"
write_migration V3__c.sql "CREATE TABLE c (id INT);"

# start_slow ARGS...: runs migrate in the background until the slow migration
# has started; PID is runway's own process id.
start_slow() {
  "$RUNWAY_BIN" -url="$DB_URL" "$@" migrate >out 2>err &
  PID=$!
  for _ in $(seq 1 300); do
    grep -q '"2 - slow"' err && break
    sleep 0.1
  done
  sleep 0.5
}

# stop_slow SIGNAL: sends it and waits; sets CODE (exit status) and TOOK (seconds).
stop_slow() {
  start=$(date +%s)
  kill -"$1" "$PID" || { echo "runway ended before the signal:"; cat err; return 1; }
  wait "$PID"
  CODE=$?
  TOOK=$(($(date +%s) - start))
}

# The history as runway left it: only V1 applied, V2 rolled back (or marked failed where DDL
# cannot be rolled back), V3 never started.
history_after_stop() {
  test "$(db_sql "SELECT count(*) FROM flyway_schema_history WHERE version = '1' AND success")" = 1 &&
  test "$(db_sql "SELECT count(*) FROM flyway_schema_history WHERE version = '3'")" = 0 &&
  if [ "$RUNWAY_TEST_BACKEND" = mysql ]; then
    test "$(db_sql "SELECT count(*) FROM flyway_schema_history WHERE version = '2' AND NOT success")" = 1
  else
    test "$(db_sql "SELECT count(*) FROM flyway_schema_history WHERE version = '2'")" = 0 &&
    ! has_table b
  fi
}

# After a stop, the next run applies the rest (MySQL first needs repair of the failed row).
finish_after_stop() {
  write_migration V2__slow.sql "CREATE TABLE IF NOT EXISTS b (id INT);" &&
  if [ "$RUNWAY_TEST_BACKEND" = mysql ]; then rw repair >/dev/null 2>&1; fi &&
  rw migrate >out2 2>err2 &&
  test "$(db_sql "SELECT count(*) FROM flyway_schema_history WHERE success AND version IS NOT NULL")" = 3
}

test_expect_success 'SIGTERM cancels the running statement, rolls back and exits 143' '
  start_slow &&
  stop_slow TERM &&
  { test "$CODE" = 143 || { echo "exit $CODE"; cat err; false; }; } &&
  { test "$TOOK" -lt 20 || { echo "took $TOOK s: the statement was not cancelled"; false; }; } &&
  history_after_stop
'

test_expect_success 'one line says what was and was not applied' '
  grep "interrupted by SIGTERM while applying V2__slow.sql" err >line &&
  test "$(wc -l <line)" = 1 &&
  expect_grep "1 migration applied (schema now at version 1), 2 not applied" line
'

test_expect_success 'the lock is released and the next migrate applies the rest' '
  finish_after_stop
'

db_reset
write_migration V2__slow.sql "CREATE TABLE b (id INT);
$SLOW"

test_expect_success 'SIGINT answers the task token and webhook with INTERRUPTED and exits 130' '
  start_slow -sfnTaskToken="$FAKE_TOKEN" -webhookUrl="$FAKE_URL/webhook/T1/hooksecret" &&
  stop_slow INT &&
  { test "$CODE" = 130 || { echo "exit $CODE"; cat err; false; }; } &&
  fake_expect "of(\"sfn\").length === 1 && of(\"sfn\")[0].op === \"SendTaskFailure\" && of(\"sfn\")[0].input.error === \"INTERRUPTED\"" &&
  fake_expect "/interrupted by SIGINT while applying V2__slow.sql/.test(of(\"sfn\")[0].input.cause)" &&
  fake_expect "of(\"webhook\").length === 1 && of(\"webhook\")[0].body.success === false && of(\"webhook\")[0].body.report.error.errorCode === \"INTERRUPTED\"" &&
  history_after_stop &&
  expect_no_secrets out err
'

db_reset
write_migration V2__slow.sql "CREATE TABLE b (id INT);
$SLOW"

test_expect_success 'SIGHUP with -outputType=json prints one JSON document with errorCode INTERRUPTED' '
  start_slow -outputType=json &&
  stop_slow HUP &&
  { test "$CODE" = 129 || { echo "exit $CODE"; cat err; false; }; } &&
  node -e "const r = JSON.parse(require(\"fs\").readFileSync(\"out\", \"utf8\")); if (r.error.errorCode !== \"INTERRUPTED\" || r.success !== false) process.exit(1)" &&
  history_after_stop
'

db_reset
write_migration V2__slow.sql "CREATE TABLE b (id INT);
$SLOW"

test_expect_success 'a second signal exits at once, even while a callback is still waiting' '
  start_slow -webhookUrl="$FAKE_URL/webhook/hang/hooksecret" -webhookTimeout=60 -webhookRetries=0 &&
  { kill -TERM "$PID" || { echo "runway ended before the signal:"; cat err; false; }; } &&
  for _ in $(seq 1 200); do
    test "$(fake_query "of(\"webhook-attempt\").length")" -ge 2 && break
    sleep 0.1
  done &&
  fake_expect "of(\"webhook-attempt\").length === 2" &&
  stop_slow TERM &&
  test "$CODE" = 143 &&
  { test "$TOOK" -lt 5 || { echo "took $TOOK s after the second signal"; false; }; }
'

test_done
