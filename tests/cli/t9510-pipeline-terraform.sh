#!/bin/sh
# The Terraform example (examples/pipelines/terraform): init from the local
# provider mirror, validate, plan with fake credentials, assertions on the
# plan; the state machine definition checked with asl-validator; then its
# contract with runway: runway run as the task definition runs it, against
# the test PostgreSQL and the Step Functions fake, answers the task token
# with a success the state machine continues on, or a failure its Catch lists.
# backends: postgresql
# label: e2e
. ./lib.sh
. "$RUNWAY_SOURCE_DIR/tests/aws/fake-lib.sh"
. "$RUNWAY_SOURCE_DIR/tests/lib/pipeline-lib.sh"
TF_MIRROR=${RUNWAY_TF_PLUGINS:-/opt/tf-plugins}
command -v terraform >/dev/null ||
  skip_all "terraform is not installed (neither Debian nor npm has it)"
[ -d "$TF_MIRROR/registry.terraform.io/hashicorp/aws" ] ||
  skip_all "no AWS provider in the mirror $TF_MIRROR"
aws_fake_require
npm_ready "$PIPELINE_TOOLS" asl-validator
aws_fake_env

SECRET_ARN='arn:aws:secretsmanager:us-east-1:123456789012:secret:app/db-AbCdEf'
IMAGE='123456789012.dkr.ecr.us-east-1.amazonaws.com/app-migrations:1f2e3d4'
mkdir tf && cp "$PIPELINES"/terraform/*.tf "$PIPELINES"/terraform/*.json tf/ || exit 1
cat >tf.rc <<EOF
provider_installation {
  filesystem_mirror {
    path    = "$TF_MIRROR"
    include = ["registry.terraform.io/hashicorp/aws"]
  }
}
EOF
# Fake credentials (from the environment, so the plan does not hold them);
# the provider calls no AWS API during plan.
cat >tf/test_override.tf <<EOF
provider "aws" {
  region                      = "us-east-1"
  skip_credentials_validation = true
  skip_requesting_account_id  = true
  skip_metadata_api_check     = true
  skip_region_validation      = true
}
EOF
cat >tf/terraform.tfvars <<EOF
region             = "us-east-1"
migration_image    = "$IMAGE"
db_secret_arn      = "$SECRET_ARN"
ecs_cluster_arn    = "arn:aws:ecs:us-east-1:123456789012:cluster/app"
app_service_name   = "app-web"
subnet_ids         = ["subnet-0a1b2c3d", "subnet-4e5f6a7b"]
security_group_ids = ["sg-0123456789abcdef0"]
alarm_email        = "dba@example.com"
EOF
tf() {
  (cd tf && TF_CLI_CONFIG_FILE="$TRASH/tf.rc" CHECKPOINT_DISABLE=1 TF_IN_AUTOMATION=1 TF_INPUT=0 \
    timeout 600 terraform "$@" -no-color)
}
tf init -backend=false >init.out 2>&1; init_rc=$?
tf validate >validate.out 2>&1; validate_rc=$?
tf plan -refresh=false -out=plan.bin >plan.out 2>&1; plan_rc=$?
tf show -json plan.bin >plan.json 2>show.err

test_expect_success 'terraform init installs the AWS provider from the local mirror' '
  test $init_rc = 0 || { cat init.out; false; }
'
test_expect_success 'terraform validate accepts the configuration' '
  test $validate_rc = 0 || { cat validate.out; false; }
'
test_expect_success 'terraform plan succeeds with fake credentials' '
  test $plan_rc = 0 || { cat plan.out; false; }
'

test_expect_success 'the plan creates the task, its roles, the state machine, the topic and the alarm' '
  json_expect plan.json "[\"aws_ecs_task_definition\", \"aws_iam_role\", \"aws_sfn_state_machine\", \"aws_sns_topic\", \"aws_sns_topic_subscription\", \"aws_cloudwatch_metric_alarm\"].every(t => planned(t).length > 0)"
'

json_query plan.json 'planned("aws_ecs_task_definition")[0].values.container_definitions' >containers.json
test_expect_success 'the task runs the migration image with the secret ARN and no password' '
  json_expect containers.json "j.length === 1 && j[0].image === \"$IMAGE\" && JSON.stringify(j[0].command) === JSON.stringify([\"migrate\"])" &&
  json_expect containers.json "j[0].environment.some(e => e.name === \"RUNWAY_AWS_SECRET_ID\" && e.value === \"$SECRET_ARN\")" &&
  json_expect containers.json "!j[0].environment.some(e => /PASSWORD|URL/.test(e.name)) && !j[0].secrets"
'

json_query plan.json 'planned("aws_iam_role_policy").find(p => p.values.name === "runway").values.policy' >task-policy.json
test_expect_success 'the task role may read that one secret and no other' '
  json_expect task-policy.json "(s => s.length === 1 && JSON.stringify([].concat(s[0].Action)) === JSON.stringify([\"secretsmanager:GetSecretValue\"]) && s[0].Resource === \"$SECRET_ARN\")(j.Statement.filter(s => [].concat(s.Action).some(a => a.startsWith(\"secretsmanager:\"))))"
'

# The definition as Terraform renders it (the ARNs are only known after apply).
node "$PIPELINE_TOOLS/render-asl.js" tf/state-machine.asl.json '{
  "cluster_arn": "arn:aws:ecs:us-east-1:123456789012:cluster/app",
  "task_definition_arn": "arn:aws:ecs:us-east-1:123456789012:task-definition/app-migrate:1",
  "subnet_ids": ["subnet-0a1b2c3d"], "security_group_ids": ["sg-0123456789abcdef0"],
  "timeout_seconds": 3600, "app_service_name": "app-web",
  "topic_arn": "arn:aws:sns:us-east-1:123456789012:app-migrations"}' >definition.json 2>render.err
test_expect_success 'the state machine definition is valid Amazon States Language' '
  { test -s definition.json || { cat render.err; false; }; } &&
  (cd "$PIPELINE_TOOLS" && npx --no-install asl-validator --json-path "$TRASH/definition.json") >asl.out 2>&1 ||
    { cat asl.out; false; }
'

CONTAINER=$(json_query containers.json 'j[0].name')
test_expect_success 'the state machine hands its task token to the runway container as RUNWAY_SFN_TASK_TOKEN' '
  json_expect definition.json "(m => m.Resource === \"arn:aws:states:::ecs:runTask.waitForTaskToken\" &&
    m.Parameters.Overrides.ContainerOverrides.some(o => o.Name === \"$CONTAINER\" &&
      o.Environment.some(e => e.Name === \"RUNWAY_SFN_TASK_TOKEN\" && e[\"Value.$\"] === \"\$\$.Task.Token\")))(j.States[j.StartAt])"
'

test_expect_success 'the app service is updated only after the migration succeeded' '
  json_expect definition.json "(s => { const m = s[j.StartAt], d = s[m.Next];
    const others = Object.entries(s).filter(([n]) => n !== j.StartAt).every(([, x]) => x.Next !== m.Next && !(x.Catch || []).some(c => c.Next === m.Next));
    return d.Resource === \"arn:aws:states:::aws-sdk:ecs:updateService\" && d.Parameters.Service === \"app-web\" &&
      !m.Catch.some(c => c.Next === m.Next) && others; })(j.States)"
'

test_expect_success 'every failure publishes to SNS and ends the execution failed' '
  json_expect definition.json "(s => s[j.StartAt].Catch.every(c => s[c.Next].Resource === \"arn:aws:states:::sns:publish\" && s[s[c.Next].Next].Type === \"Fail\"))(j.States)"
'

# runway as the task definition runs it: its command and environment, the
# token from the override, task-role credentials from the ECS endpoint.
CATCH=$(json_query definition.json 'j.States[j.StartAt].Catch.flatMap(c => c.ErrorEquals).filter(e => !e.startsWith("States.")).join(" ")')
RETRY=$(json_query definition.json 'j.States[j.StartAt].Retry.flatMap(r => r.ErrorEquals).join(" ")')
COMMAND=$(json_query containers.json 'j[0].command.join(" ")')
TASK_ENV=$(json_query containers.json 'j[0].environment.map(e => e.name + "=" + e.value).join(" ")')
ALARM=$(json_query plan.json 'JSON.stringify((a => ({namespace: a.namespace, metricName: a.metric_name,
  dimensions: a.dimensions, threshold: a.threshold, comparison: a.comparison_operator}))(planned("aws_cloudwatch_metric_alarm")[0].values))')
FAKE_TOKEN='AAAAKgAAAAIAAAAAAAAAAQ/ecs+task+token=='
mkdir -p image && cp -R "$PIPELINES/db/sql" image/sql && cp "$PIPELINES/db/conf/flyway.conf" image/flyway.conf
scenario() {
  cat >scenario.json <<JSON
{"credentials": {"ASIATASKROLE": {"secret": "task-role-secret", "token": "task-role-session"}},
 "containerCredentials": {"accessKeyId": "ASIATASKROLE", "authToken": "ecs-auth"},
 "secrets": {"$SECRET_ARN": {"SecretString": $(json_string "$1")}}}
JSON
  aws_fake_stop
  aws_fake_start scenario.json
}
task() {
  (cd image && env -u AWS_ACCESS_KEY_ID -u AWS_SECRET_ACCESS_KEY $TASK_ENV \
    AWS_CONTAINER_CREDENTIALS_FULL_URI="$FAKE_URL/creds" AWS_CONTAINER_AUTHORIZATION_TOKEN=ecs-auth \
    ECS_CONTAINER_METADATA_URI_V4=http://169.254.170.2/v4/task RUNWAY_SFN_TASK_TOKEN="$FAKE_TOKEN" \
    timeout 120 "$RUNWAY_BIN" $COMMAND) >task.out 2>task.err
}
# task_ok / task_fails: the task's result, with its output shown when unexpected.
task_ok() { task || { cat task.out task.err; false; }; }
task_fails() { ! task || { cat task.out task.err; false; }; }
# listed WORD LIST: WORD is one of the space-separated LIST.
listed() { case " $2 " in *" $1 "*) true ;; *) false ;; esac; }

# Every error code runway can send (its table in src/core/util.c).
CODES=$(sed -n '/code_names\[\] = {/,/};/p' "$RUNWAY_SOURCE_DIR/src/core/util.c" |
  grep -o '"[A-Z_]*"' | tr -d '"' | grep -vx OK | sort -u)
test_expect_success 'the Catch lists every error code runway sends' '
  test -n "$CODES" &&
  for code in $CODES; do listed "$code" "$CATCH" || { echo "$code is not in the Catch"; false; } || return 1; done
'

scenario "$(db_secret)"
test_expect_success 'a good migration answers SendTaskSuccess with the report' '
  task_ok &&
  fake_expect "of(\"sfn\").length === 1 && of(\"sfn\")[0].op === \"SendTaskSuccess\" && of(\"sfn\")[0].input.taskToken === \"$FAKE_TOKEN\"" &&
  fake_expect "JSON.parse(of(\"sfn\")[0].input.output).migrationsExecuted === 3" &&
  fake_expect "of(\"rejected\").length === 0" &&
  has_table accounts &&
  expect_no_secrets task.out task.err
'

test_expect_success 'the failure alarm stays quiet on a good migration' '
  emf_lines task.out task.err >emf && test "$(node "$PIPELINE_TOOLS/alarm-fires.js" "$ALARM" emf)" = quiet
'

printf '%s\n' "INSERT INTO accounts (name, no_such_column) VALUES ('x', 1);" >image/sql/V4__backfill_accounts.sql
scenario "$(db_secret)"
test_expect_success 'a failed migration answers SendTaskFailure with an error the Catch lists and the Retry does not' '
  task_fails &&
  fake_expect "of(\"sfn\").length === 1 && of(\"sfn\")[0].op === \"SendTaskFailure\"" &&
  error=$(fake_query "of(\"sfn\")[0].input.error") &&
  listed "$error" "$CATCH" && ! listed "$error" "$RETRY" &&
  fake_expect "/V4__backfill_accounts/.test(of(\"sfn\")[0].input.cause)" &&
  expect_no_secrets task.out task.err
'

test_expect_success 'the failure alarm fires on the metric runway printed' '
  emf_lines task.out task.err >emf && test "$(node "$PIPELINE_TOOLS/alarm-fires.js" "$ALARM" emf)" = fires
'

port=$(node -e 'const s=require("net").createServer().listen(0,"127.0.0.1",()=>{console.log(s.address().port);s.close()})')
scenario "$(db_secret | sed "s/\"port\":[0-9]*/\"port\":$port/")"
test_expect_success 'an unreachable database answers SendTaskFailure with an error the Retry lists' '
  task_fails &&
  fake_expect "of(\"sfn\").length === 1 && of(\"sfn\")[0].op === \"SendTaskFailure\"" &&
  error=$(fake_query "of(\"sfn\")[0].input.error") &&
  { listed "$error" "$RETRY" && listed "$error" "$CATCH" || { echo "error $error; Retry: $RETRY"; false; }; }
'

test_done
