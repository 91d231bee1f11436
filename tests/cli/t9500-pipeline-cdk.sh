#!/bin/sh
# The CDK example (examples/pipelines/cdk): `cdk synth` offline, assertions on
# the template, then runway in Lambda mode, through the AWS fakes and against
# the test PostgreSQL, answering the custom resource events CloudFormation
# would send for that template (environment and properties taken from it).
# backends: postgresql
# label: e2e
. ./lib.sh
. "$RUNWAY_SOURCE_DIR/tests/aws/fake-lib.sh"
. "$RUNWAY_SOURCE_DIR/tests/lib/pipeline-lib.sh"
aws_fake_require
npm_ready "$PIPELINES/cdk" aws-cdk-lib
aws_fake_env

# No account, no Docker, no network: the image is only staged as an asset.
(cd "$PIPELINES/cdk" && CDK_DISABLE_VERSION_CHECK=1 CDK_DISABLE_CLI_TELEMETRY=true \
  timeout 300 npx --no-install cdk synth --quiet --no-notices --no-version-reporting \
  -o "$TRASH/cdk.out") >synth.out 2>&1
synth_rc=$?
T=$TRASH/cdk.out/AppDatabase.template.json

test_expect_success 'cdk synth writes the template offline' '
  test $synth_rc = 0 || { cat synth.out; false; }
'

FN=$(json_query "$T" 'resources("AWS::Lambda::Function").filter(f => f.Properties.PackageType === "Image").map(f => f.id).join(" ")')
test_expect_success 'the migration image runs as one function, 512 MB, 10 minutes, in the VPC' '
  test -n "$FN" && test "$FN" = "${FN% *}" &&
  json_expect "$T" "(p => p.Timeout === 600 && p.MemorySize === 512 && p.VpcConfig.SubnetIds.length > 0 && p.VpcConfig.SecurityGroupIds.length > 0)(j.Resources.$FN.Properties)"
'

test_expect_success 'the function finds the database through the secret ARN in its environment' '
  json_expect "$T" "(v => v && /^AWS::SecretsManager::(Secret|SecretTargetAttachment)$/.test(j.Resources[v.Ref].Type))(j.Resources.$FN.Properties.Environment.Variables.RUNWAY_AWS_SECRET_ID)"
'

test_expect_success 'its role may read that one secret and no other' '
  json_expect "$T" "(secret => {
    const role = j.Resources.$FN.Properties.Role[\"Fn::GetAtt\"][0];
    const statements = resources(\"AWS::IAM::Policy\").concat(resources(\"AWS::IAM::ManagedPolicy\"))
      .flatMap(p => p.Properties.PolicyDocument.Statement.map(s => ({ s, mine: (p.Properties.Roles || []).some(r => r.Ref === role) })));
    const acts = s => [].concat(s.Action);
    const onSecrets = statements.filter(x => acts(x.s).some(a => a.startsWith(\"secretsmanager:\")));
    return onSecrets.some(x => x.mine && acts(x.s).includes(\"secretsmanager:GetSecretValue\")) &&
      onSecrets.every(x => x.s.Effect === \"Allow\" && JSON.stringify(x.s.Resource) === JSON.stringify(secret));
  })(j.Resources.$FN.Properties.Environment.Variables.RUNWAY_AWS_SECRET_ID)"
'

CR=$(json_query "$T" 'resources("Custom::DbMigrate").map(r => r.id).join(" ")')
test_expect_success 'a custom resource invokes the function after the database exists' '
  test "$CR" = DbMigrations &&
  json_expect "$T" "JSON.stringify(j.Resources.$CR.Properties.ServiceToken) === JSON.stringify({\"Fn::GetAtt\": [\"$FN\", \"Arn\"]})" &&
  json_expect "$T" "resources(\"AWS::RDS::DBCluster\").every(c => j.Resources.$CR.DependsOn.includes(c.id)) && resources(\"AWS::RDS::DBCluster\").length === 1"
'

test_expect_success 'the custom resource changes whenever a migration script changes' '
  json_expect "$T" "/^[0-9a-f]{64}$/.test(j.Resources.$CR.Properties.MigrationsHash)"
'

# What CloudFormation would hand the function and the custom resource.
node "$PIPELINE_TOOLS/cfn-resolve.js" "$T" "$FN" >fn.json &&
node "$PIPELINE_TOOLS/cfn-resolve.js" "$T" "$CR" >cr.json || exit 1
SECRET_ARN=$(json_query fn.json 'j.Properties.Environment.Variables.RUNWAY_AWS_SECRET_ID')
TIMEOUT_MS=$(json_query fn.json 'j.Properties.Timeout * 1000')
PROPS=$(json_query cr.json 'JSON.stringify(j.Properties)')
FN_ENV=$(json_query fn.json 'Object.entries(j.Properties.Environment.Variables).map(([k, v]) => k + "=" + v).join(" ")')
ALARM=$(json_query "$T" 'JSON.stringify((a => ({namespace: a.Namespace, metricName: a.MetricName,
  dimensions: Object.fromEntries(a.Dimensions.map(d => [d.Name, d.Value])), threshold: a.Threshold,
  comparison: a.ComparisonOperator}))(resources("AWS::CloudWatch::Alarm")[0].Properties))')
STACK='arn:aws:cloudformation:us-east-1:123456789012:stack/AppDatabase/5b6a1f00-2608-11f1-9897-022501a2c456'

# The image's layout: the scripts in sql/, the configuration read from the working directory.
mkdir -p image && cp -R "$PIPELINES/db/sql" image/sql && cp "$PIPELINES/db/conf/flyway.conf" image/flyway.conf

# cfn_event TYPE PROPERTIES [EXTRA_JSON_FIELDS]: a custom resource request for the template's resource.
cfn_event() {
  printf '{"deadlineInMs": %s, "event": {"RequestType": "%s", "ServiceToken": %s, "ResponseURL": "@@RESPONSE_URL@@",
    "StackId": "%s", "RequestId": "req-%s", "LogicalResourceId": "%s", "ResourceType": "Custom::DbMigrate",
    "ResourceProperties": %s%s}}' \
    "$TIMEOUT_MS" "$1" "$(json_query cr.json 'JSON.stringify(j.Properties.ServiceToken)')" "$STACK" "$1" "$CR" "$2" "${3:-}"
}
scenario() {
  cat >scenario.json <<JSON
{"credentials": {"$FAKE_AKID": {"secret": "$FAKE_SECRET"}},
 "secrets": {$(json_string "$SECRET_ARN"): {"SecretString": $(json_string "$(db_secret)")}},
 "events": $1}
JSON
  aws_fake_stop
  aws_fake_start scenario.json
}
db_secret >/dev/null # sets FAKE_DB_PASSWORD, which must not be printed
# The function as deployed: its environment only (no url: it comes from the secret).
migrator() { (cd image && run_lambda $FN_ENV && cp lambda.out lambda.err ..); }
OLD=', "PhysicalResourceId": "runway-DbMigrations", "OldResourceProperties": '"$PROPS"

scenario "[$(cfn_event Create "$PROPS"), $(cfn_event Update "$PROPS" "$OLD"), $(cfn_event Delete "$PROPS" ', "PhysicalResourceId": "runway-DbMigrations"')]"
test_expect_success 'Create migrates the database and answers SUCCESS' '
  migrator &&
  fake_expect "of(\"cfn-response\").length === 3 && of(\"rejected\").length === 0" &&
  fake_expect "(r => r.Status === \"SUCCESS\" && r.RequestId === \"req-Create\" && r.Data.MigrationsExecuted === \"2\" && r.Data.SchemaVersion === \"2\")(of(\"cfn-response\")[0].body)" &&
  fake_expect "of(\"secretsmanager\").some(s => s.input.SecretId === \"$SECRET_ARN\")" &&
  test "$(db_sql "SELECT count(*) FROM flyway_schema_history WHERE success")" = 2 &&
  has_table accounts &&
  expect_no_secrets lambda.out lambda.err "$FAKE_DIR/log.jsonl"
'

test_expect_success 'Update with nothing new succeeds and keeps the physical id; Delete too' '
  fake_expect "of(\"cfn-response\").every(r => r.body.Status === \"SUCCESS\" && r.body.PhysicalResourceId === \"runway-DbMigrations\")" &&
  fake_expect "of(\"cfn-response\")[1].body.Data.MigrationsExecuted === \"0\""
'

test_expect_success 'the failure alarm stays quiet on successful migrations' '
  emf_lines lambda.out >emf && test -s emf &&
  test "$(node "$PIPELINE_TOOLS/alarm-fires.js" "$ALARM" emf)" = quiet
'

db_state >before
printf '%s\n' "INSERT INTO accounts (name, no_such_column) VALUES ('x', 1);" >image/sql/V3__backfill_accounts.sql
NEW_PROPS=$(printf '%s' "$PROPS" | sed 's/"MigrationsHash":"[0-9a-f]*"/"MigrationsHash":"0000000000000000000000000000000000000000000000000000000000000003"/')
scenario "[$(cfn_event Update "$NEW_PROPS" "$OLD")]"
test_expect_success 'a failing migration answers FAILED; the reason names the script, the error and what to do' '
  migrator &&
  fake_expect "of(\"cfn-response\").length === 1 && of(\"cfn-response\")[0].body.Status === \"FAILED\"" &&
  fake_expect "(r => /V3__backfill_accounts.sql/.test(r) && /no_such_column/.test(r) && /fix the file/.test(r))(of(\"cfn-response\")[0].body.Reason.split(\"\\n\")[0])" &&
  fake_expect "of(\"cfn-response\")[0].body.PhysicalResourceId === \"runway-DbMigrations\"" &&
  expect_no_secrets lambda.out lambda.err "$FAKE_DIR/log.jsonl"
'

test_expect_success 'the failed migration leaves the database as it was' '
  expect_grep "CREATE TABLE public.accounts" before &&
  db_state >after && test_cmp before after
'

test_expect_success 'the failure alarm fires on the metric runway printed' '
  emf_lines lambda.out >emf &&
  test "$(node "$PIPELINE_TOOLS/alarm-fires.js" "$ALARM" emf)" = fires
'

printf '%s\n' "UPDATE accounts SET email = name WHERE email IS NULL;" >image/sql/V3__backfill_accounts.sql
scenario "[$(cfn_event Delete "$NEW_PROPS" ', "PhysicalResourceId": "runway-DbMigrations"')]"
test_expect_success 'Delete (stack deletion or rollback) leaves the database alone' '
  migrator &&
  fake_expect "of(\"cfn-response\").length === 1 && of(\"cfn-response\")[0].body.Status === \"SUCCESS\"" &&
  db_state >after && test_cmp before after
'

test_done
