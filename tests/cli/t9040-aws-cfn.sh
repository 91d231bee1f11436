#!/bin/sh
# CloudFormation / CDK custom resource events through the Lambda runtime:
# migrate on Create and Update, nothing on Delete; the response is PUT to the
# presigned ResponseURL (verified by the fake), then the Runtime API gets a
# success so Lambda never retries the event.
# backends: sqlite postgresql mysql
. ./lib.sh
. "$RUNWAY_SOURCE_DIR/tests/aws/fake-lib.sh"
aws_fake_require
aws_fake_env
db_secret >/dev/null # sets FAKE_DB_PASSWORD, which must not leak from the url

write_migration V1__a.sql "CREATE TABLE a (id INT);"
write_migration V2__b.sql "CREATE TABLE b (id INT);"
STACK='arn:aws:cloudformation:us-east-1:123456789012:stack/app/1134083a-2608-1e91-9897-022501a2c456'

# cfn_event TYPE [EXTRA_JSON_FIELDS]: a custom resource request whose ResponseURL points at the fake.
cfn_event() {
  printf '{"event": {"RequestType": "%s", "ServiceToken": "arn:aws:lambda:us-east-1:123456789012:function:runway",
    "ResponseURL": "@@RESPONSE_URL@@", "StackId": "%s", "RequestId": "req-%s",
    "LogicalResourceId": "DbMigrations", "ResourceType": "Custom::DbMigrate",
    "ResourceProperties": {"ServiceToken": "arn:aws:lambda:us-east-1:123456789012:function:runway", "Bundle": "abc123"}%s}}' \
    "$1" "$STACK" "$1" "${2:-}"
}

# scenario EVENTS_JSON [EXTRA_TOP_LEVEL_JSON]: a fresh fake (top level only: test bodies are subshells).
scenario() {
  cat >scenario.json <<JSON
{"credentials": {"$FAKE_AKID": {"secret": "$FAKE_SECRET"}}, "events": $1 ${2:-}}
JSON
  aws_fake_stop
  aws_fake_start scenario.json
}

lambda() { run_lambda FLYWAY_URL="$DB_URL" "$@"; }

scenario "[$(cfn_event Create), $(cfn_event Update ', "PhysicalResourceId": "runway-DbMigrations"'), $(cfn_event Delete ', "PhysicalResourceId": "runway-DbMigrations"')]"
test_expect_success 'Create migrates and answers SUCCESS with a stable physical id' '
  lambda &&
  fake_expect "of(\"cfn-response\").length === 3 && of(\"rejected\").length === 0" &&
  fake_expect "(r => r.Status === \"SUCCESS\" && r.PhysicalResourceId === \"runway-DbMigrations\" && r.RequestId === \"req-Create\" && r.LogicalResourceId === \"DbMigrations\" && r.StackId.startsWith(\"arn:aws:cloudformation\"))(of(\"cfn-response\")[0].body)" &&
  fake_expect "of(\"cfn-response\")[0].body.Data.MigrationsExecuted === \"2\" && of(\"cfn-response\")[0].body.Data.SchemaVersion === \"2\"" &&
  test "$(db_sql "SELECT count(*) FROM flyway_schema_history WHERE success")" = 2 &&
  expect_no_secrets lambda.out lambda.err "$FAKE_DIR/log.jsonl"
'

test_expect_success 'Update keeps the physical id; Delete changes nothing' '
  fake_expect "of(\"cfn-response\").every(r => r.body.Status === \"SUCCESS\" && r.body.PhysicalResourceId === \"runway-DbMigrations\")" &&
  fake_expect "of(\"cfn-response\")[1].body.Data.MigrationsExecuted === \"0\"" &&
  fake_expect "of(\"response\").length === 3 && of(\"error\").length === 0"
'

write_migration V3__late.sql "CREATE TABLE late (id INT);"
scenario "[$(cfn_event Delete ', "PhysicalResourceId": "runway-DbMigrations"')]"
test_expect_success 'Delete does not run pending migrations' '
  lambda &&
  fake_expect "of(\"cfn-response\").length === 1 && of(\"cfn-response\")[0].body.Status === \"SUCCESS\"" &&
  ! has_table late
'

write_migration V4__broken.sql "INSERT INTO no_such_table VALUES (1);"
scenario "[$(cfn_event Update ', "PhysicalResourceId": "runway-DbMigrations"')]"
test_expect_success 'a failing migration answers FAILED, then the Runtime API gets a success' '
  lambda &&
  fake_expect "of(\"cfn-response\").length === 1 && of(\"cfn-response\")[0].body.Status === \"FAILED\"" &&
  fake_expect "/V4__broken/.test(of(\"cfn-response\")[0].body.Reason) && of(\"cfn-response\")[0].size <= 4096" &&
  fake_expect "of(\"cfn-response\")[0].body.PhysicalResourceId === \"runway-DbMigrations\"" &&
  fake_expect "of(\"response\").length === 1 && of(\"error\").length === 0" &&
  has_table late
'
rm -f sql/V4__broken.sql
db_reset

scenario "[$(cfn_event Create)]" ', "cfn": {"failFirst": 2}'
test_expect_success 'the response PUT is retried until S3 accepts it' '
  lambda &&
  fake_expect "of(\"cfn-unavailable\").length === 2 && of(\"cfn-response\").length === 1" &&
  fake_expect "of(\"response\").length === 1"
'

scenario "[{\"event\": {\"RequestType\": \"Create\", \"ResponseURL\": \"...\", \"StackId\": \"$STACK\",
  \"RequestId\": \"r9\", \"LogicalResourceId\": \"Db\", \"ResourceType\": \"Custom::DbMigrate\",
  \"ResourceProperties\": {\"target\": \"3\"}}}]"
test_expect_success 'a CDK Provider-framework event gets its result returned, not PUT' '
  lambda &&
  fake_expect "of(\"cfn-response\").length === 0 && of(\"response\").length === 1" &&
  fake_expect "of(\"response\")[0].body.PhysicalResourceId === \"runway-Db\" && of(\"response\")[0].body.Data.SchemaVersion !== undefined"
'

test_done
