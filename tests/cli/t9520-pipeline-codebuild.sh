#!/bin/sh
# The CodeBuild example (examples/pipelines/codebuild/buildspec.yml): its
# phases' commands run in order with bash, as CodeBuild runs them (see
# tests/pipelines/codebuild-run.js), with runway on the PATH, the project
# role's credentials and the database secret from the AWS fakes, against the
# test PostgreSQL; the JUnit lint report must be where `reports:` says.
# backends: postgresql
# label: e2e
. ./lib.sh
. "$RUNWAY_SOURCE_DIR/tests/aws/fake-lib.sh"
. "$RUNWAY_SOURCE_DIR/tests/lib/pipeline-lib.sh"
aws_fake_require
npm_ready "$PIPELINE_TOOLS" js-yaml
aws_fake_env

# The team's repository: the buildspec at the top, the migration project in db/.
mkdir -p src bin && cp "$PIPELINES/codebuild/buildspec.yml" src/ && cp -R "$PIPELINES/db" src/db &&
  ln -s "$RUNWAY_BIN" bin/runway || exit 1
node "$PIPELINE_TOOLS/yaml-to-json.js" src/buildspec.yml >buildspec.json &&
  node "$PIPELINE_TOOLS/codebuild-run.js" src/buildspec.yml >build.sh || exit 1
SECRET_ID=$(json_query buildspec.json 'j.env.variables.RUNWAY_AWS_SECRET_ID')
REPORT_DIR=$(json_query buildspec.json 'j.reports["runway-lint"]["base-directory"]')
REPORT=$(json_query buildspec.json 'j.reports["runway-lint"].files[0]')

cat >scenario.json <<JSON
{"credentials": {"ASIAPROJECTROLE": {"secret": "project-role-secret", "token": "project-role-session"}},
 "containerCredentials": {"accessKeyId": "ASIAPROJECTROLE", "authToken": "codebuild-auth"},
 "secrets": {$(json_string "$SECRET_ID"): {"SecretString": $(json_string "$(db_secret)")}}}
JSON
aws_fake_start scenario.json || exit 1

# codebuild [VAR=value ...]: one build of the source in src/, log in build.log.
codebuild() {
  (cd src && env -u AWS_ACCESS_KEY_ID -u AWS_SECRET_ACCESS_KEY PATH="$TRASH/bin:$PATH" \
    CODEBUILD_BUILD_ID=app-migrate:0f3c2a9e CODEBUILD_SRC_DIR="$TRASH/src" \
    AWS_CONTAINER_CREDENTIALS_FULL_URI="$FAKE_URL/creds" AWS_CONTAINER_AUTHORIZATION_TOKEN=codebuild-auth \
    "$@" timeout 300 bash "$TRASH/build.sh") >build.log 2>&1
}
build_ok() { codebuild "$@" || { cat build.log; false; }; }
build_fails() { ! codebuild "$@" || { cat build.log; false; }; }
# failed_command: the log line of the command that failed the build.
failed_command() { awk '/Running command/ { c = $0 } /did not exit successfully/ { print c; exit }' build.log; }
# command_index WORDS: position of the first command starting with WORDS in any phase.
command_index() {
  json_query buildspec.json "[\"install\", \"pre_build\", \"build\", \"post_build\"].flatMap(p => (j.phases[p] || {}).commands || []).findIndex(c => c.trim().startsWith(\"$1\"))"
}

test_expect_success 'the buildspec lints, then validates, then migrates, then checks' '
  lint=$(command_index "runway lint") && validate=$(command_index "runway validate") &&
  migrate=$(command_index "runway migrate") && check=$(command_index "runway check") &&
  test "$lint" -ge 0 && test "$lint" -lt "$validate" && test "$validate" -lt "$migrate" && test "$migrate" -lt "$check"
'

test_expect_success 'the lint report is JUnit XML and is declared as a CodeBuild test report' '
  json_expect buildspec.json "j.reports[\"runway-lint\"][\"file-format\"] === \"JUNITXML\"" &&
  json_expect buildspec.json "j.phases.pre_build.commands.some(c => c.includes(\"-lintFormat=junit\") && c.includes(\"$REPORT_DIR/$REPORT\"))"
'

test_expect_success 'a good change passes every phase and migrates the database with the secret' '
  build_ok &&
  expect_grep "Phase complete: BUILD State: SUCCEEDED" build.log &&
  fake_expect "of(\"secretsmanager\").length > 0 && of(\"secretsmanager\").every(s => s.input.SecretId === \"$SECRET_ID\") && of(\"rejected\").length === 0" &&
  test "$(db_sql "SELECT count(*) FROM flyway_schema_history WHERE success")" = 3 &&
  expect_no_secrets build.log
'

test_expect_success 'the JUnit file is where reports: says, one test case per migration file' '
  test -s "src/$REPORT_DIR/$REPORT" &&
  expect_grep "<testsuite" "src/$REPORT_DIR/$REPORT" &&
  test "$(grep -c "<testcase" "src/$REPORT_DIR/$REPORT")" = 3 &&
  ! grep -q "<failure" "src/$REPORT_DIR/$REPORT"
'

db_sql "CREATE TABLE keep_me (id INT)" >/dev/null
db_state >before
test_expect_success 'risky DDL fails the lint phase: nothing runs against the database' '
  printf "%s\n" "ALTER TABLE accounts ADD COLUMN plan TEXT NOT NULL;" >src/db/sql/V4__add_accounts_plan.sql &&
  build_fails &&
  expect_grep "Phase complete: PRE_BUILD State: FAILED" build.log &&
  failed_command >failed && expect_grep "Running command runway lint" failed &&
  ! grep -q "Entering phase BUILD" build.log &&
  db_state >after && test_cmp before after
'

test_expect_success 'the JUnit report names the file and the rule that failed' '
  grep "<failure" "src/$REPORT_DIR/$REPORT" >failures &&
  expect_grep "RW102" failures &&
  expect_grep "V4__add_accounts_plan.sql" "src/$REPORT_DIR/$REPORT"
'

test_expect_success 'a failing migration fails the build with runway'"'"'s error and leaves the database as it was' '
  printf "%s\n" "INSERT INTO accounts (name, no_such_column) VALUES ('"'x'"', 1);" >src/db/sql/V4__add_accounts_plan.sql &&
  build_fails &&
  expect_grep "Phase complete: BUILD State: FAILED" build.log &&
  expect_grep "Migration V4__add_accounts_plan.sql failed" build.log &&
  ! grep -q "Running command .runway check" build.log &&
  db_state >after && test_cmp before after &&
  expect_no_secrets build.log
'

test_expect_success 'RESET_DATABASE=true (throwaway environments only) cleans the schema first' '
  rm src/db/sql/V4__add_accounts_plan.sql &&
  build_ok RESET_DATABASE=true &&
  ! has_table keep_me && has_table accounts &&
  test "$(db_sql "SELECT count(*) FROM flyway_schema_history WHERE success")" = 3
'

test_done
