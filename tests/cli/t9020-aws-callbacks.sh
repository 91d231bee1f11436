#!/bin/sh
# Result callbacks from the command line: a Step Functions task token gets
# SendTaskSuccess / SendTaskFailure (signed, verified by the fake), a webhook
# gets the JSON report with retries, and EMF metric lines go to stdout.
# backends: sqlite
. ./lib.sh
. "$RUNWAY_SOURCE_DIR/tests/aws/fake-lib.sh"
aws_fake_require
aws_fake_env

FAKE_TOKEN='AAAAKgAAAAIAAAAAAAAAAQ/task+token=='
cat >scenario.json <<JSON
{"credentials": {"$FAKE_AKID": {"secret": "$FAKE_SECRET"},
                 "ASIATASKROLE": {"secret": "task-role-secret", "token": "task-role-session"}},
 "containerCredentials": {"accessKeyId": "ASIATASKROLE", "authToken": "ecs-auth"},
 "webhook": {"failFirst": 2}}
JSON
aws_fake_start scenario.json || exit 1
write_migration V1__a.sql "CREATE TABLE a (id INT);"

test_expect_success 'success sends SendTaskSuccess with the report as output' '
  rw migrate -sfnTaskToken="$FAKE_TOKEN" >out 2>err &&
  fake_expect "of(\"sfn\").length === 1 && of(\"sfn\")[0].op === \"SendTaskSuccess\"" &&
  fake_expect "of(\"sfn\")[0].input.taskToken === \"$FAKE_TOKEN\"" &&
  fake_expect "JSON.parse(of(\"sfn\")[0].input.output).migrationsExecuted === 1" &&
  fake_expect "of(\"rejected\").length === 0" &&
  expect_no_secrets out err
'

test_expect_success 'a failed migration sends SendTaskFailure with error and cause' '
  write_migration V2__broken.sql "INSERT INTO no_such_table VALUES (1);" &&
  must_fail rw migrate -sfnTaskToken="$FAKE_TOKEN" &&
  fake_expect "of(\"sfn\").length === 2 && of(\"sfn\")[1].op === \"SendTaskFailure\"" &&
  fake_expect "of(\"sfn\")[1].input.error === \"FAILED_VERSIONED_MIGRATION\"" &&
  fake_expect "/V2__broken/.test(of(\"sfn\")[1].input.cause)" &&
  expect_no_secrets out err &&
  rm sql/V2__broken.sql
'

test_expect_success 'a refused callback is reported but the result stands' '
  AWS_SECRET_ACCESS_KEY=wrong rw info -sfnTaskToken="$FAKE_TOKEN" >out 2>err &&
  expect_grep "InvalidSignatureException" err &&
  expect_no_secrets out err
'

test_expect_success 'the webhook gets the report after retries' '
  rw info -webhookUrl="$FAKE_URL/webhook/T000/B000/hooksecret" >out 2>err &&
  fake_expect "of(\"webhook-attempt\").length === 3 && of(\"webhook\").length === 1" &&
  fake_expect "(w => w.contentType === \"application/json\" && w.body.command === \"info\" && w.body.success === true && w.body.report.operation === \"info\")(of(\"webhook\")[0])"
'

test_expect_success 'an unreachable webhook fails the delivery, not the command' '
  port=$(node -e "const s=require(\"net\").createServer().listen(0,\"127.0.0.1\",()=>{console.log(s.address().port);s.close()})") &&
  rw info -webhookUrl="http://127.0.0.1:$port/hook/hooksecret" -webhookRetries=1 -webhookTimeout=2 >out 2>err &&
  expect_grep "127.0.0.1:$port" err &&
  ! grep -q hooksecret err
'

test_expect_success 'metrics=true writes one EMF line per command' '
  rw info -metrics=true >out 2>err &&
  grep "^{\"_aws\"" out >emf &&
  test "$(wc -l <emf)" = 1 &&
  expect_grep "\"Command\":\"info\"" emf
'

test_expect_success 'with -outputType=json stdout is one JSON document and the EMF line goes to stderr' '
  rw info -metrics=true -outputType=json >out 2>err &&
  node -e "JSON.parse(require(\"fs\").readFileSync(\"out\", \"utf8\"))" &&
  ! grep -q "_aws" out &&
  test "$(grep -c "^{\"_aws\"" err)" = 1
'

# A beforeInfo callback that counts to two million keeps info busy for a
# while (about 0.6 s here): the Duration metric must show that time.
test_expect_success 'the Duration metric is how long the command ran, text or streamed JSON' '
  mkdir -p slow &&
  printf "%s\n" "WITH RECURSIVE c(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM c WHERE x < 2000000) SELECT count(*) FROM c;" >slow/beforeInfo.sql &&
  rw info -metrics=true -callbackLocations=filesystem:slow >out 2>err &&
  grep "^{\"_aws\"" out >emf &&
  rw info -metrics=true -outputType=json -callbackLocations=filesystem:slow >out 2>err &&
  grep "^{\"_aws\"" err >>emf &&
  test "$(wc -l <emf)" = 2 &&
  node -e "
    const lines = require(\"fs\").readFileSync(\"emf\", \"utf8\").trim().split(\"\\n\");
    for (const l of lines) { const d = JSON.parse(l).Duration; if (!(d >= 100)) { console.error(l); process.exit(1); } }"
'

test_expect_success 'sfnHeartbeatSeconds sends SendTaskHeartbeat while the command runs, then the result' '
  before=$(fake_query "of(\"sfn\").length") &&
  rejected=$(fake_query "of(\"rejected\").length") &&
  write_migration V9__pending.sql "CREATE TABLE p (id INT);" &&
  { rw wait -timeout=2.5 -interval=0.5 -sfnTaskToken="$FAKE_TOKEN" -sfnHeartbeatSeconds=0.5 \
      >out 2>err; test $? = 6; } &&
  rm sql/V9__pending.sql &&
  fake_expect "of(\"heartbeat\").length >= 4 && of(\"heartbeat\").every(h => h.input.taskToken === of(\"sfn\")[$before].input.taskToken)" &&
  fake_expect "of(\"heartbeat\").every(h => h.t < of(\"sfn\")[$before].t)" &&
  fake_expect "of(\"rejected\").length === $rejected" &&
  expect_no_secrets out err
'

test_expect_success 'no heartbeat without sfnHeartbeatSeconds' '
  before=$(fake_query "of(\"heartbeat\").length") &&
  rw info -sfnTaskToken="$FAKE_TOKEN" >out 2>err &&
  fake_expect "of(\"heartbeat\").length === $before"
'

test_expect_success 'an invalid sfnHeartbeatSeconds is a configuration error naming it' '
  must_fail rw info -sfnTaskToken="$FAKE_TOKEN" -sfnHeartbeatSeconds=soon &&
  expect_grep "sfnHeartbeatSeconds: .soon. is not a number of seconds" err
'

test_expect_success 'no EMF lines outside AWS unless asked' '
  rw info >out 2>err &&
  ! grep -q "_aws" out
'

test_expect_success 'an ECS task answers its token with task-role credentials and emits metrics' '
  before=$(fake_query "of(\"sfn\").length") &&
  env -u AWS_ACCESS_KEY_ID -u AWS_SECRET_ACCESS_KEY \
    AWS_CONTAINER_CREDENTIALS_FULL_URI="$FAKE_URL/creds" AWS_CONTAINER_AUTHORIZATION_TOKEN=ecs-auth \
    ECS_CONTAINER_METADATA_URI_V4=http://169.254.170.2/v4/task RUNWAY_SFN_TASK_TOKEN="$FAKE_TOKEN" \
    "$RUNWAY_BIN" -url="$DB_URL" info >out 2>err &&
  fake_expect "of(\"sfn\").length === $before + 1 && of(\"sfn\")[$before].op === \"SendTaskSuccess\"" &&
  fake_expect "of(\"credentials\").length === 1" &&
  grep -q "^{\"_aws\"" out &&
  ! grep -q "task-role-se" out err
'

test_done
