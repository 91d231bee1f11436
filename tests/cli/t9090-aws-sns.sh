#!/bin/sh
# snsTopicArn: every command that reports a result publishes one SNS message
# (a signed Query-protocol Publish) with a JSON summary as the body and
# command, success and errorCode as message attributes.  A publish that
# fails is a warning, and exit code 9 when the command itself succeeded;
# signals and the Lambda deadline publish INTERRUPTED / DEADLINE_REACHED.
# backends: sqlite postgresql
. ./lib.sh
. "$RUNWAY_SOURCE_DIR/tests/aws/fake-lib.sh"
aws_fake_require
aws_fake_env

TOPIC='arn:aws:sns:us-east-1:123456789012:schema-deploys'
TOPIC_EU='arn:aws:sns:eu-west-1:123456789012:schema-deploys-eu'
TOPIC_FIFO='arn:aws:sns:us-east-1:123456789012:schema-deploys.fifo'
TEMP_SECRET='tempSecretKey/sns+def'
FAKE_TOKEN='TEMPSESSIONTOKEN/sns+=='
db_secret >secret.json
test_secret_input secret.json
secret_json=$(json_string "$(cat secret.json)")
cat >scenario.json <<JSON
{"credentials": {"$FAKE_AKID": {"secret": "$FAKE_SECRET"},
                 "ASIATEMPEXAMPLE": {"secret": "$TEMP_SECRET", "token": "$FAKE_TOKEN"}},
 "secrets": {"app/db": {"SecretString": $secret_json}},
 "sns": {"topics": ["$TOPIC", "$TOPIC_EU", "$TOPIC_FIFO"]},
 "events": [{"event": {"command": "migrate"}, "deadlineInMs": 6000}]}
JSON
aws_fake_start scenario.json || exit 1

write_migration V1__a.sql "CREATE TABLE a (id INT);"
write_migration V2__b.sql "CREATE TABLE b (id INT);"

# sns_last EXPR: EXPR over the last message published (m: the entry, body: its JSON message).
sns_last() {
  fake_expect "(m => { const body = m && m.message; return !!m && ($1); })(of(\"sns\")[of(\"sns\").length - 1])"
}

# The settings, the transport and the runtimes do not depend on the database:
# their cases run on SQLite only.
sqlite_case() { [ "$RUNWAY_TEST_BACKEND" != sqlite ] || test_expect_success "$@"; }

# The published messages, as a file of captured output the secret check reads.
sns_dump() { fake_query 'of("sns")' >sns.json; }

test_expect_success 'migrate publishes one message with the summary and the attributes' '
  rw migrate -snsTopicArn="$TOPIC" >out 2>err &&
  fake_expect "of(\"sns\").length === 1 && of(\"rejected\").length === 0" &&
  sns_last "m.topic === \"$TOPIC\" && body.command === \"migrate\" && body.success === true &&
    body.schemaVersionAfter === \"2\" && body.migrationsExecuted === 2 && !(\"errorCode\" in body) &&
    (\"$RUNWAY_TEST_BACKEND\" !== \"postgresql\" || body.database === \"${DB_NAME:-}\") &&
    /^\\d{4}-\\d\\d-\\d\\dT\\d\\d:\\d\\d:\\d\\d\\.\\d{3}Z$/.test(body.timestamp) &&
    m.attributes.command.DataType === \"String\" && m.attributes.command.StringValue === \"migrate\" &&
    m.attributes.success.StringValue === \"true\" && !(\"errorCode\" in m.attributes) &&
    m.subject === \"runway migrate succeeded\"" &&
  expect_grep "migrate result published to SNS topic $TOPIC" err
'

write_migration V3__bad.sql "INSERT INTO no_such_table VALUES (1);"
test_expect_success 'a failed migration publishes its error code, and the exit code stays 1' '
  rw migrate -snsTopicArn="$TOPIC" >out 2>err; test $? = 1 &&
  sns_last "body.success === false && body.errorCode === \"FAILED_VERSIONED_MIGRATION\" &&
    /V3__bad.sql/.test(body.errorMessage) &&
    body.schemaVersionBefore === \"2\" && body.schemaVersionAfter === \"2\" &&
    m.attributes.success.StringValue === \"false\" &&
    m.attributes.errorCode.StringValue === \"FAILED_VERSIONED_MIGRATION\" &&
    m.subject === \"runway migrate failed: FAILED_VERSIONED_MIGRATION\""
'
rm -f sql/V3__bad.sql

sqlite_case 'each command of a run publishes its own message' '
  before=$(fake_query "of(\"sns\").length") &&
  rw validate info check -snsTopicArn="$TOPIC" >out 2>err &&
  fake_expect "of(\"sns\").slice($before).map(m => m.attributes.command.StringValue).join() === \"validate,info,check\" &&
    of(\"sns\").slice($before).every(m => m.message.success === true) &&
    of(\"sns\")[of(\"sns\").length - 2].message.schemaVersionAfter === \"2\" &&
    of(\"sns\")[of(\"sns\").length - 1].message.status === \"ok\""
'

sqlite_case 'with -outputType=json the message goes out and stdout stays one JSON document' '
  rw info -outputType=json -snsTopicArn="$TOPIC" >out 2>err &&
  node -e "JSON.parse(require(\"fs\").readFileSync(\"out\", \"utf8\"))" &&
  sns_last "body.command === \"info\" && body.success === true && body.schemaVersionAfter === \"2\""
'

sqlite_case 'the setting comes from RUNWAY_SNS_TOPIC_ARN or runway.snsTopicArn too' '
  RUNWAY_SNS_TOPIC_ARN="$TOPIC" rw info >out 2>err &&
  sns_last "m.attributes.command.StringValue === \"info\"" &&
  echo "runway.snsTopicArn=$TOPIC_EU" >sns.conf &&
  rw info -configFiles=sns.conf >out 2>err &&
  sns_last "m.topic === \"$TOPIC_EU\""
'

sqlite_case 'the request is signed for the region in the topic ARN, not AWS_REGION' '
  AWS_REGION=ap-south-1 rw info -snsTopicArn="$TOPIC_EU" >out 2>err &&
  sns_last "m.topic === \"$TOPIC_EU\"" &&
  fake_expect "of(\"rejected\").length === 0"
'

sqlite_case 'a FIFO topic gets a message group and a deduplication id' '
  rw info -snsTopicArn="$TOPIC_FIFO" >out 2>err &&
  sns_last "m.topic === \"$TOPIC_FIFO\" && m.groupId === \"runway\" && /^[0-9a-f]{64}$/.test(m.dedupId)"
'

sqlite_case 'a topic SNS does not know: a warning naming it, exit 9 after a successful command' '
  write_migration V3__c.sql "CREATE TABLE c (id INT);" &&
  rw migrate -snsTopicArn=arn:aws:sns:us-east-1:123456789012:gone >out 2>err; test $? = 9 &&
  expect_grep "WARNING: SNS: the migrate result was not published to arn:aws:sns:us-east-1:123456789012:gone" err &&
  expect_grep "NotFound: Topic does not exist" err &&
  has_table c
'

# A port nothing listens on.
port=$(node -e 'const s=require("net").createServer().listen(0,"127.0.0.1",()=>{console.log(s.address().port);s.close()})')
write_migration V4__bad.sql "INSERT INTO no_such_table VALUES (1);"
sqlite_case 'an unreachable SNS endpoint: a warning, and a failed command keeps exit 1' '
  AWS_ENDPOINT_URL_SNS="http://127.0.0.1:$port" rw migrate -snsTopicArn="$TOPIC" >out 2>err; test $? = 1 &&
  expect_grep "WARNING: SNS: the migrate result was not published" err &&
  expect_grep "POST http://127.0.0.1:$port failed" err
'
rm -f sql/V4__bad.sql

sqlite_case 'an unreachable SNS endpoint after a successful command: exit 9' '
  AWS_ENDPOINT_URL_SNS="http://127.0.0.1:$port" rw info -snsTopicArn="$TOPIC" >out 2>err; test $? = 9 &&
  expect_grep "WARNING: SNS: the info result was not published" err &&
  AWS_ENDPOINT_URL_SNS="http://127.0.0.1:$port" rw info -outputType=json -snsTopicArn="$TOPIC" >out 2>err; test $? = 9 &&
  node -e "JSON.parse(require(\"fs\").readFileSync(\"out\", \"utf8\"))"
'

sqlite_case 'a malformed snsTopicArn is refused before the database is touched' '
  db_reset &&
  must_fail rw migrate -snsTopicArn=arn:aws:sqs:us-east-1:123456789012:queue &&
  expect_grep "snsTopicArn: .arn:aws:sqs:us-east-1:123456789012:queue. is not an SNS topic ARN" err &&
  ! has_table flyway_schema_history
'

test_expect_success 'no secret reaches the message, the attributes or the output' '
  before=$(fake_query "of(\"sns\").length") &&
  rejected=$(fake_query "of(\"rejected\").length") &&
  env -u FLYWAY_URL AWS_ACCESS_KEY_ID=ASIATEMPEXAMPLE AWS_SECRET_ACCESS_KEY="$TEMP_SECRET" \
    AWS_SESSION_TOKEN="$FAKE_TOKEN" \
    "$RUNWAY_BIN" migrate -awsSecretId=app/db -snsTopicArn="$TOPIC" >out 2>err &&
  fake_expect "of(\"sns\").length === $before + 1 && of(\"rejected\").length === $rejected" &&
  sns_dump &&
  expect_no_secrets out err sns.json
'

case $RUNWAY_TEST_BACKEND in
postgresql) SLOW="SELECT pg_sleep(60);" ;;
*) SLOW="WITH RECURSIVE c(x) AS (SELECT 1 UNION ALL SELECT x+1 FROM c WHERE x < 3000000000) SELECT count(*) FROM c;" ;;
esac

test_expect_success 'SIGTERM publishes INTERRUPTED' '
  write_migration V5__slow.sql "$SLOW" &&
  { "$RUNWAY_BIN" -url="$DB_URL" migrate -snsTopicArn="$TOPIC" >out 2>err & pid=$!; } &&
  for _ in $(seq 1 300); do grep -q "5 - slow" err && break; sleep 0.1; done &&
  sleep 0.5 && kill -TERM $pid && { wait $pid; code=$?; } && test "$code" = 143 &&
  sns_last "body.success === false && body.errorCode === \"INTERRUPTED\" &&
    m.attributes.success.StringValue === \"false\" && m.attributes.errorCode.StringValue === \"INTERRUPTED\""
'

sqlite_case 'in Lambda, the deadline publishes DEADLINE_REACHED before the deadline' '
  run_lambda FLYWAY_URL="$DB_URL" RUNWAY_SNS_TOPIC_ARN="$TOPIC" &&
  fake_expect "of(\"error\").length === 1 && of(\"error\")[0].body.errorType === \"DEADLINE_REACHED\" &&
    of(\"sns\")[of(\"sns\").length - 1].t < of(\"next\")[0].deadline" &&
  sns_last "body.errorCode === \"DEADLINE_REACHED\" && m.attributes.errorCode.StringValue === \"DEADLINE_REACHED\""
'

rm -f sql/V5__slow.sql
printf 'jdbc:sqlite:%s/t1.db\njdbc:sqlite:%s/t2.db name=second\n' "$TRASH" "$TRASH" >targets.txt

sqlite_case 'a fleet run publishes one message for the whole run' '
  before=$(fake_query "of(\"sns\").length") &&
  "$RUNWAY_BIN" -targets=targets.txt -snsTopicArn="$TOPIC" migrate >out 2>err &&
  fake_expect "of(\"sns\").length === $before + 1" &&
  sns_last "body.command === \"migrate\" && body.success === true && body.summary.succeeded === 2 &&
    m.attributes.command.StringValue === \"migrate\""
'

sqlite_case 'an interrupted fleet run publishes INTERRUPTED' '
  write_migration V6__slow.sql "$SLOW" &&
  { "$RUNWAY_BIN" -targets=targets.txt -snsTopicArn="$TOPIC" migrate >out 2>err & pid=$!; } &&
  sleep 2 && kill -TERM $pid && { wait $pid; code=$?; } && test "$code" = 143 &&
  sns_last "body.success === false && body.errorCode === \"INTERRUPTED\" &&
    m.attributes.errorCode.StringValue === \"INTERRUPTED\""
'

test_done
