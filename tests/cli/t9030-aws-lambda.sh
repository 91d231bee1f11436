#!/bin/sh
# runway as a Lambda custom runtime, driven through a fake Runtime API: each
# event runs a command in-process with the database credentials fetched from
# a fake Secrets Manager; results go to /response, failures to /error.
# backends: sqlite postgresql mysql
. ./lib.sh
. "$RUNWAY_SOURCE_DIR/tests/aws/fake-lib.sh"
aws_fake_require
aws_fake_env

FAKE_TOKEN='IQoJb3JpZ2luX2Vj/Example+Token=='
db_secret >secret.json
test_secret_input secret.json
write_migration V1__a.sql "CREATE TABLE a (id INT);"
write_migration V2__b.sql "CREATE TABLE b (id INT);"

# scenario EVENTS_JSON: a fresh fake serving the secret and these events
# (started at the top level: test bodies run in subshells).
scenario() {
  cat >scenario.json <<JSON
{"credentials": {"$FAKE_AKID": {"secret": "$FAKE_SECRET", "token": "$FAKE_TOKEN"}},
 "requireSessionToken": true,
 "secrets": {"app/db": {"SecretString": $(json_string "$(cat secret.json)")}},
 "events": $1}
JSON
  aws_fake_stop
  aws_fake_start scenario.json
}

lambda() { run_lambda AWS_SESSION_TOKEN="$FAKE_TOKEN" RUNWAY_AWS_SECRET_ID=app/db "$@"; }

scenario "[{\"event\": {\"command\": \"migrate\", \"target\": \"1\"}},
             {\"event\": {\"command\": \"migrate\"}},
             {\"event\": {\"command\": \"info\"}}]"
test_expect_success 'events run migrate and info with the secret from Secrets Manager' '
  lambda && cat lambda.err &&
  fake_expect "of(\"response\").length === 3 && of(\"error\").length === 0" &&
  fake_expect "of(\"response\")[0].body.migrationsExecuted === 1 && of(\"response\")[0].body.targetSchemaVersion === \"1\"" &&
  fake_expect "of(\"response\")[1].body.migrationsExecuted === 1 && of(\"response\")[1].body.targetSchemaVersion === \"2\"" &&
  fake_expect "of(\"response\")[2].body.operation === \"info\" && of(\"response\")[2].body.migrations.every(m => m.state === \"Success\")" &&
  fake_expect "of(\"secretsmanager\").length === 3 && of(\"rejected\").length === 0" &&
  test "$(db_sql "SELECT count(*) FROM flyway_schema_history WHERE success")" = 2 &&
  expect_no_secrets lambda.out lambda.err "$FAKE_DIR/log.jsonl"
'

test_expect_success 'CloudWatch EMF lines are written to stdout' '
  grep "\"_aws\"" lambda.out >emf &&
  test "$(wc -l <emf)" = 3 &&
  expect_grep "\"MigrationsApplied\":1" emf &&
  expect_grep "\"Namespace\":\"Runway\"" emf
'

scenario "[{\"event\": {\"command\": \"clean\"}},
             {\"event\": {\"command\": \"clean\", \"cleanDisabled\": false}},
             {\"event\": {\"command\": \"migrate\", \"url\": \"jdbc:sqlite:other.db\"}},
             {\"event\": {\"command\": \"lambda\"}}]"
test_expect_success 'an event cannot enable clean nor set other configuration' '
  lambda &&
  fake_expect "of(\"error\").length === 4 && of(\"response\").length === 0" &&
  fake_expect "/clean has been disabled|disabled/.test(of(\"error\")[0].body.errorMessage)" &&
  fake_expect "/cleanDisabled. is not allowed/.test(of(\"error\")[1].body.errorMessage)" &&
  fake_expect "/url. is not allowed/.test(of(\"error\")[2].body.errorMessage)" &&
  fake_expect "of(\"error\").every(e => e.errorType === \"Function.CommandFailed\" && Array.isArray(e.body.stackTrace))" &&
  has_table a && has_table b &&
  test ! -e other.db && test ! -e "$TRASH/other.db"
'

scenario "[{\"event\": {\"command\": \"clean\"}}]"
test_expect_success 'the function configuration may allow clean' '
  lambda FLYWAY_CLEAN_DISABLED=false &&
  fake_expect "of(\"response\").length === 1" &&
  { ! has_table a || { echo "table a survived clean"; cat lambda.err; false; }; } &&
  ! has_table a && ! has_table b
'

scenario "[{\"event\": {\"placeholders\": {\"tbl\": \"from_event\"}}}]"
test_expect_success 'placeholders come from the event' '
  db_reset &&
  write_migration V3__p.sql "CREATE TABLE \${tbl} (id INT);" &&
  lambda &&
  fake_expect "of(\"response\").length === 1 && of(\"response\")[0].body.migrationsExecuted === 3" &&
  has_table from_event
'
rm sql/V3__p.sql
db_reset

scenario "[{\"event\": {\"command\": \"migrate\", \"sfnTaskToken\": \"task-token-0042\"}}]"
test_expect_success 'a failing migration is posted to /error in Lambda'"'"'s shape' '
  write_migration V4__broken.sql "INSERT INTO no_such_table VALUES (1);" &&
  lambda &&
  fake_expect "of(\"error\").length === 1 && of(\"response\").length === 0" &&
  fake_expect "of(\"sfn\").length === 1 && of(\"sfn\")[0].op === \"SendTaskFailure\" && of(\"sfn\")[0].input.taskToken === \"task-token-0042\"" &&
  fake_expect "of(\"sfn\")[0].input.error === \"FAILED_VERSIONED_MIGRATION\"" &&
  fake_expect "of(\"error\")[0].errorType === \"Function.CommandFailed\"" &&
  fake_expect "of(\"error\")[0].body.errorType === \"FAILED_VERSIONED_MIGRATION\"" &&
  fake_expect "/V4__broken.sql/.test(of(\"error\")[0].body.errorMessage)" &&
  expect_no_secrets lambda.out lambda.err "$FAKE_DIR/log.jsonl"
'
rm sql/V4__broken.sql
db_reset

scenario "[{\"event\": {}, \"deadlineInMs\": 4000}]"
test_expect_success 'no migration starts when the Lambda deadline is near' '
  write_migration V5__late.sql "CREATE TABLE late (id INT);" &&
  lambda &&
  fake_expect "of(\"error\").length === 1 && of(\"error\")[0].errorType === \"Function.DeadlineReached\"" &&
  fake_expect "/deadline/.test(of(\"error\")[0].body.errorMessage)" &&
  ! has_table late
'

scenario "[{\"event\": {}}]"
test_expect_success 'a bad signature is refused by Secrets Manager and reported' '
  lambda AWS_SECRET_ACCESS_KEY=wrong-secret-key &&
  fake_expect "of(\"error\").length === 1 && /InvalidSignatureException/.test(of(\"error\")[0].body.errorMessage)" &&
  fake_expect "of(\"rejected\").length >= 1" &&
  ! has_table late
'

scenario "[{\"event\": {}}]"
test_expect_success 'a broken configuration is an init error' '
  printf "flyway.locations=filesystem:sql\nflyway.notAKey=1\n" >flyway.conf &&
  ! lambda &&
  rm flyway.conf &&
  fake_expect "of(\"init-error\").length === 1 && of(\"next\").length === 0" &&
  fake_expect "of(\"init-error\")[0].errorType === \"Runtime.ConfigInvalid\" && /notAKey/.test(of(\"init-error\")[0].body.errorMessage)"
'

scenario "[{\"event\": \"migrate\"}]"
test_expect_success 'an event that is not a JSON object is an error' '
  lambda &&
  fake_expect "of(\"error\").length === 1 && of(\"error\")[0].errorType === \"Function.InvalidEvent\""
'

test_done
