#!/bin/sh
# The Lambda watchdog: a migration still running near the invocation's
# deadline is cancelled and rolled back, and CloudFormation, Step Functions
# and the Runtime API all have their answers before the deadline, even with a
# webhook that never answers.  A 15 s function timeout against a 60 s migration.
# backends: sqlite postgresql mysql
. ./lib.sh
. "$RUNWAY_SOURCE_DIR/tests/aws/fake-lib.sh"
aws_fake_require
aws_fake_env

STACK='arn:aws:cloudformation:us-east-1:123456789012:stack/app/1134083a-2608-1e91-9897-022501a2c456'
case $RUNWAY_TEST_BACKEND in
postgresql) SLOW="SELECT pg_sleep(60);" ;;
mysql) SLOW="SELECT SLEEP(60);" ;;
*) SLOW="WITH RECURSIVE c(x) AS (SELECT 1 UNION ALL SELECT x+1 FROM c WHERE x < 3000000000) SELECT count(*) FROM c;" ;;
esac
write_migration V1__a.sql "CREATE TABLE a (id INT);"
write_migration V2__slow.sql "CREATE TABLE b (id INT);
$SLOW"

# scenario EVENTS_JSON: a fresh fake (top level only: test bodies are subshells).
scenario() {
  cat >scenario.json <<JSON
{"credentials": {"$FAKE_AKID": {"secret": "$FAKE_SECRET"}}, "events": $1}
JSON
  aws_fake_stop
  aws_fake_start scenario.json
}

# A webhook that never answers, so only the cap on its time keeps the answers in time.
lambda() {
  run_lambda FLYWAY_URL="$DB_URL" RUNWAY_WEBHOOK_URL="$FAKE_URL/webhook/hang/hooksecret" "$@"
}

# in_time KIND: every KIND entry arrived before the invocation's deadline.
in_time() {
  fake_expect "of(\"$1\").length >= 1 && of(\"$1\").every(x => x.t < of(\"next\")[0].deadline)"
}

# Only V1 is applied; V2 was rolled back (or, where DDL cannot be, marked failed).
v2_not_applied() {
  test "$(db_sql "SELECT count(*) FROM flyway_schema_history WHERE version = '2' AND success")" = 0 &&
  test "$(db_sql "SELECT count(*) FROM flyway_schema_history WHERE version = '1' AND success")" = 1
}

scenario "[{\"event\": {\"RequestType\": \"Create\", \"ResponseURL\": \"@@RESPONSE_URL@@\",
  \"StackId\": \"$STACK\", \"RequestId\": \"req-1\", \"LogicalResourceId\": \"DbMigrations\",
  \"ResourceType\": \"Custom::DbMigrate\",
  \"ResourceProperties\": {\"sfnTaskToken\": \"cfn-task-token-1\"}}, \"deadlineInMs\": 15000}]"
test_expect_success 'CloudFormation gets FAILED with DEADLINE_REACHED before the deadline' '
  lambda &&
  in_time cfn-response &&
  fake_expect "of(\"cfn-response\")[0].body.Status === \"FAILED\" && /^DEADLINE_REACHED: /.test(of(\"cfn-response\")[0].body.Reason)" &&
  fake_expect "/V2__slow.sql/.test(of(\"cfn-response\")[0].body.Reason)" &&
  v2_not_applied
'

test_expect_success 'Step Functions and the Runtime API are answered before the deadline too' '
  in_time sfn &&
  fake_expect "of(\"sfn\")[0].op === \"SendTaskFailure\" && of(\"sfn\")[0].input.error === \"DEADLINE_REACHED\"" &&
  in_time response
'

test_expect_success 'the CloudFormation response goes before the webhook' '
  fake_expect "of(\"webhook-attempt\").length >= 1 && of(\"cfn-response\")[0].t < of(\"webhook-attempt\")[0].t"
'

db_reset
scenario "[{\"event\": {\"sfnTaskToken\": \"plain-task-token-2\"}, \"deadlineInMs\": 15000}]"
test_expect_success 'a plain event fails with Function.DeadlineReached before the deadline' '
  lambda &&
  in_time error &&
  fake_expect "of(\"error\")[0].errorType === \"Function.DeadlineReached\" && of(\"error\")[0].body.errorType === \"DEADLINE_REACHED\"" &&
  fake_expect "/V2__slow.sql/.test(of(\"error\")[0].body.errorMessage)" &&
  in_time sfn &&
  fake_expect "of(\"sfn\")[0].input.error === \"DEADLINE_REACHED\"" &&
  v2_not_applied &&
  expect_no_secrets lambda.out lambda.err "$FAKE_DIR/log.jsonl"
'

# A server that is still down: connectRetries would wait for it well past
# the deadline, so the wait between attempts ends at the deadline instead.
case $RUNWAY_TEST_BACKEND in
postgresql) DOWN_URL="jdbc:postgresql://127.0.0.1:1/x?user=u" ;;
mysql) DOWN_URL="jdbc:mysql://127.0.0.1:1/x?user=u" ;;
*) DOWN_URL= ;;
esac
if [ -n "$DOWN_URL" ]; then
scenario "[{\"event\": {\"sfnTaskToken\": \"plain-task-token-3\"}, \"deadlineInMs\": 10000}]"
test_expect_success 'a server still down at the deadline: the answer comes before it, not after the retries' '
  run_lambda FLYWAY_URL="$DOWN_URL" FLYWAY_CONNECT_RETRIES=100 FLYWAY_CONNECT_RETRIES_INTERVAL=2 &&
  in_time error &&
  fake_expect "of(\"error\")[0].errorType === \"Function.DeadlineReached\" && of(\"error\")[0].body.errorType === \"DEADLINE_REACHED\"" &&
  fake_expect "/while waiting to retry the connection/.test(of(\"error\")[0].body.errorMessage)" &&
  in_time sfn
'
fi

test_done
