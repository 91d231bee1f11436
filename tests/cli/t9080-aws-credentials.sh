#!/bin/sh
# The AWS credential chain against the fakes: environment keys, web identity
# (STS AssumeRoleWithWebIdentity), the shared config and credentials files
# (static keys, role_arn with source_profile through a signed AssumeRole,
# web_identity_token_file), the container endpoint and IMDSv2, in that
# order; short-lived credentials refreshed during a run; one retry with
# AWS's clock after a clock-skew error.  Each case answers a Step Functions
# task token, a signed call whose signer the fake records.
# backends: sqlite
. ./lib.sh
. "$RUNWAY_SOURCE_DIR/tests/aws/fake-lib.sh"
aws_fake_require
aws_fake_env
unset AWS_ACCESS_KEY_ID AWS_SECRET_ACCESS_KEY

TASK_TOKEN='AAAAKgAAAAIAAAAAAAAAAQ/credentials+chain=='
WEB_TOKEN='eyJhbGciOiJSUzI1NiJ9.eyJzdWIiOiJyZXBvOmFwcCJ9.c2lnbmF0dXJlLW9mLXRoZS1vaWRjLXRva2Vu'
CI_ROLE='arn:aws:iam::123456789012:role/ci-deploy'
DEPLOY_ROLE='arn:aws:iam::123456789012:role/migrator'
SHORT_ROLE='arn:aws:iam::123456789012:role/short-lived'
test_secret_value WEB_TOKEN "$WEB_TOKEN"
cat >scenario.json <<JSON
{"credentials": {"$FAKE_AKID": {"secret": "$FAKE_SECRET"},
                 "ASIACONTAINER": {"secret": "container-secret-9f8e7d", "token": "container-session-6c5b4a"}},
 "containerCredentials": {"accessKeyId": "ASIACONTAINER"},
 "sts": {"webIdentityToken": "$WEB_TOKEN",
         "roles": {"$CI_ROLE": {}, "$DEPLOY_ROLE": {"externalId": "ext-42"},
                   "$SHORT_ROLE": {"ttlSeconds": 301}}},
 "imds": {"role": "runway-instance"},
 "secrets": {"app/db": {"SecretString": $(json_string "$(db_secret)")}}}
JSON
aws_fake_start scenario.json || exit 1
test_secret_value CONTAINER_SECRET container-secret-9f8e7d
write_migration V1__a.sql "CREATE TABLE a (id INT);"
db_secret >secret.json
test_secret_input secret.json
printf '%s\n' "$WEB_TOKEN" >web-token
test_secret_input web-token
mkdir -p .aws

# The task token's answer: runway info, then SendTaskSuccess signed by whatever the chain gave.
answer() { rw info -sfnTaskToken="$TASK_TOKEN" -metrics=false "$@" >out 2>err; }

# A command that needs credentials before it starts (the secret's); fails when they fail.
fails() { must_fail rw info -awsSecretId=app/db -metrics=false; }

# Every secret the fake handed out is a secret of this test from now on.
register_issued() {
  [ -f "$FAKE_DIR/issued-secrets" ] || return 0
  while IFS= read -r s; do test_secret_value ISSUED "$s"; done <"$FAKE_DIR/issued-secrets"
}

no_profiles() { rm -f .aws/config .aws/credentials; }

test_expect_success 'web identity: the token file and AWS_ROLE_ARN assume the role through STS' '
  AWS_WEB_IDENTITY_TOKEN_FILE="$TRASH/web-token" AWS_ROLE_ARN="$CI_ROLE" answer && register_issued &&
  fake_expect "of(\"sts\").length === 1 && last(\"sts\").action === \"AssumeRoleWithWebIdentity\" &&
    last(\"sts\").roleArn === \"$CI_ROLE\" && last(\"sts\").signer === null &&
    /^runway-[0-9]+\$/.test(last(\"sts\").session) && signer(\"states\") === last(\"sts\").issued &&
    of(\"rejected\").length === 0"
'

test_expect_success 'AWS_ROLE_SESSION_NAME names the web identity session' '
  AWS_WEB_IDENTITY_TOKEN_FILE="$TRASH/web-token" AWS_ROLE_ARN="$CI_ROLE" \
    AWS_ROLE_SESSION_NAME=pipeline-42 answer && register_issued &&
  fake_expect "last(\"sts\").session === \"pipeline-42\""
'

test_expect_success 'AWS_ENDPOINT_URL_STS sends STS alone elsewhere' '
  port=$(node -e "const s=require(\"net\").createServer().listen(0,\"127.0.0.1\",()=>{console.log(s.address().port);s.close()})") &&
  AWS_ENDPOINT_URL_STS="$FAKE_URL" AWS_ENDPOINT_URL_SFN="$FAKE_URL" AWS_ENDPOINT_URL="http://127.0.0.1:$port" \
    AWS_WEB_IDENTITY_TOKEN_FILE="$TRASH/web-token" AWS_ROLE_ARN="$CI_ROLE" answer && register_issued &&
  fake_expect "signer(\"states\") === last(\"sts\").issued" &&
  AWS_ENDPOINT_URL_SFN="$FAKE_URL" AWS_ENDPOINT_URL="http://127.0.0.1:$port" \
    AWS_WEB_IDENTITY_TOKEN_FILE="$TRASH/web-token" AWS_ROLE_ARN="$CI_ROLE" answer &&
  expect_grep "STS AssumeRoleWithWebIdentity: POST http://127.0.0.1:$port failed" err
'

test_expect_success 'a refused web identity token is a clear error that never shows the token' '
  printf "not-the-token-%s\n" "$WEB_TOKEN" >wrong-token && test_secret_input wrong-token &&
  test_secret_value WRONG_TOKEN "not-the-token-$WEB_TOKEN" &&
  AWS_WEB_IDENTITY_TOKEN_FILE="$TRASH/wrong-token" AWS_ROLE_ARN="$CI_ROLE" fails &&
  expect_grep "AssumeRoleWithWebIdentity failed: InvalidIdentityToken" err &&
  test "$(grep -c . err)" = 1
'

test_expect_success 'a missing web identity token file is an error naming it' '
  AWS_WEB_IDENTITY_TOKEN_FILE="$TRASH/no-such-token" AWS_ROLE_ARN="$CI_ROLE" fails &&
  expect_grep "web identity token file: .*no-such-token" err
'

test_expect_success 'environment keys come before web identity' '
  before=$(fake_query "of(\"sts\").length") &&
  AWS_ACCESS_KEY_ID=$FAKE_AKID AWS_SECRET_ACCESS_KEY=$FAKE_SECRET \
    AWS_WEB_IDENTITY_TOKEN_FILE="$TRASH/web-token" AWS_ROLE_ARN="$CI_ROLE" answer &&
  fake_expect "signer(\"states\") === \"$FAKE_AKID\" && of(\"sts\").length === $before"
'

test_expect_success 'static keys of the default profile in the credentials file sign requests' '
  printf "[default]\naws_access_key_id = %s\naws_secret_access_key = %s\n" "$FAKE_AKID" "$FAKE_SECRET" \
    >.aws/credentials &&
  answer && fake_expect "signer(\"states\") === \"$FAKE_AKID\""
'

test_expect_success 'web identity comes before the shared files' '
  AWS_WEB_IDENTITY_TOKEN_FILE="$TRASH/web-token" AWS_ROLE_ARN="$CI_ROLE" answer && register_issued &&
  fake_expect "signer(\"states\") === last(\"sts\").issued"
'

test_expect_success 'AWS_PROFILE picks a profile of the config file' '
  no_profiles &&
  printf "[default]\nregion = eu-west-1\n\n[profile ci]\n# comment\naws_access_key_id = %s\naws_secret_access_key = %s ; inline comment\n" \
    "$FAKE_AKID" "$FAKE_SECRET" >.aws/config &&
  AWS_PROFILE=ci answer && fake_expect "signer(\"states\") === \"$FAKE_AKID\"" &&
  fails && expect_grep "no AWS credentials" err
'

test_expect_success 'for one profile the credentials file wins over the config file' '
  printf "[ci]\naws_access_key_id = ASIACONTAINER\naws_secret_access_key = container-secret-9f8e7d\naws_session_token = container-session-6c5b4a\n" \
    >.aws/credentials &&
  AWS_PROFILE=ci answer && fake_expect "signer(\"states\") === \"ASIACONTAINER\""
'

test_expect_success 'an AWS_PROFILE that does not exist is a clear error' '
  AWS_PROFILE=nope fails &&
  expect_grep "AWS_PROFILE=nope: no such profile" err
'

test_expect_success 'role_arn with source_profile assumes the role with a signed AssumeRole' '
  no_profiles &&
  printf "[base]\naws_access_key_id = %s\naws_secret_access_key = %s\n" "$FAKE_AKID" "$FAKE_SECRET" \
    >.aws/credentials &&
  printf "[profile deploy]\nrole_arn = %s\nsource_profile = base\nexternal_id = ext-42\nrole_session_name = deploy-run\n" \
    "$DEPLOY_ROLE" >.aws/config &&
  AWS_PROFILE=deploy answer && register_issued &&
  fake_expect "last(\"sts\").action === \"AssumeRole\" && last(\"sts\").signer === \"$FAKE_AKID\" &&
    last(\"sts\").externalId === \"ext-42\" && last(\"sts\").session === \"deploy-run\" &&
    signer(\"states\") === last(\"sts\").issued"
'

test_expect_success 'a role chained through two profiles assumes both roles in turn' '
  printf "[profile middle]\nrole_arn = %s\nsource_profile = base\n[profile deploy]\nrole_arn = %s\nsource_profile = middle\nexternal_id = ext-42\n" \
    "$CI_ROLE" "$DEPLOY_ROLE" >.aws/config &&
  AWS_PROFILE=deploy answer && register_issued &&
  fake_expect "of(\"sts\").slice(-2)[0].roleArn === \"$CI_ROLE\" && of(\"sts\").slice(-2)[0].signer === \"$FAKE_AKID\" &&
    last(\"sts\").signer === of(\"sts\").slice(-2)[0].issued && signer(\"states\") === last(\"sts\").issued"
'

test_expect_success 'a circle of source profiles is a clear error' '
  printf "[profile a]\nrole_arn = %s\nsource_profile = b\n[profile b]\nrole_arn = %s\nsource_profile = a\n" \
    "$CI_ROLE" "$CI_ROLE" >.aws/config &&
  AWS_PROFILE=a fails && expect_grep "source_profile goes round in a circle" err
'

test_expect_success 'web_identity_token_file in a profile assumes its role' '
  no_profiles &&
  printf "[default]\nrole_arn = %s\nweb_identity_token_file = %s\n" "$CI_ROLE" "$TRASH/web-token" >.aws/config &&
  answer && register_issued &&
  fake_expect "last(\"sts\").action === \"AssumeRoleWithWebIdentity\" && signer(\"states\") === last(\"sts\").issued"
'

test_expect_success 'credential_process is declined with a clear error' '
  printf "[default]\ncredential_process = /bin/echo {}\n" >.aws/config &&
  fails && expect_grep "profile default: credential_process is not supported" err
'

test_expect_success 'the profile comes before the container endpoint' '
  printf "[default]\naws_access_key_id = %s\naws_secret_access_key = %s\n" "$FAKE_AKID" "$FAKE_SECRET" \
    >.aws/config &&
  AWS_CONTAINER_CREDENTIALS_FULL_URI="$FAKE_URL/creds" answer &&
  fake_expect "signer(\"states\") === \"$FAKE_AKID\" && of(\"credentials\").length === 0"
'

test_expect_success 'the container endpoint comes before instance metadata' '
  no_profiles &&
  AWS_CONTAINER_CREDENTIALS_FULL_URI="$FAKE_URL/creds" AWS_EC2_METADATA_DISABLED=false \
    AWS_EC2_METADATA_SERVICE_ENDPOINT="$FAKE_URL" answer &&
  fake_expect "signer(\"states\") === \"ASIACONTAINER\" && of(\"imds-token\").length === 0"
'

test_expect_success 'IMDSv2: a session token, the role name, then its credentials' '
  AWS_EC2_METADATA_DISABLED=false AWS_EC2_METADATA_SERVICE_ENDPOINT="$FAKE_URL" answer && register_issued &&
  fake_expect "of(\"imds-token\").length === 1 && last(\"imds-token\").ttl === 21600 &&
    of(\"imds\").length === 1 && signer(\"states\") === last(\"imds\").issued &&
    of(\"rejected\").filter(r => r.route === \"imds\").length === 0"
'

test_expect_success 'the fake IMDS refuses IMDSv1 (no session token)' '
  node -e "require(\"http\").get(process.argv[1] + \"/latest/meta-data/iam/security-credentials/\",
    (r) => process.exit(r.statusCode === 401 ? 0 : 1))" "$FAKE_URL"
'

test_expect_success 'AWS_EC2_METADATA_DISABLED=true leaves instance metadata alone' '
  AWS_EC2_METADATA_DISABLED=true AWS_EC2_METADATA_SERVICE_ENDPOINT="$FAKE_URL" fails &&
  expect_grep "no AWS credentials: .*AWS_EC2_METADATA_DISABLED" err &&
  fake_expect "of(\"imds-token\").length === 1"
'

test_expect_success 'no instance metadata service is a clear error, not a hang' '
  port=$(node -e "const s=require(\"net\").createServer().listen(0,\"127.0.0.1\",()=>{console.log(s.address().port);s.close()})") &&
  AWS_EC2_METADATA_DISABLED=false AWS_EC2_METADATA_SERVICE_ENDPOINT="http://127.0.0.1:$port" \
    must_fail timeout 20 "$RUNWAY_BIN" -url="$DB_URL" info -awsSecretId=app/db &&
  expect_grep "no AWS credentials: .*EC2 instance metadata: PUT http://127.0.0.1:$port failed" err
'

test_expect_success 'short-lived credentials are refreshed while a command runs' '
  write_migration V9__pending.sql "CREATE TABLE p (id INT);" &&
  { AWS_WEB_IDENTITY_TOKEN_FILE="$TRASH/web-token" AWS_ROLE_ARN="$SHORT_ROLE" \
      rw wait -timeout=3 -interval=0.5 -sfnTaskToken="$TASK_TOKEN" -sfnHeartbeatSeconds=0.5 \
      >out 2>err; test $? = 6; } &&
  rm sql/V9__pending.sql && register_issued &&
  fake_expect "(() => { const short = of(\"sts\").filter(s => s.roleArn === \"$SHORT_ROLE\").map(s => s.issued);
    const used = of(\"signed\").filter(s => s.service === \"states\" && short.includes(s.akid)).map(s => s.akid);
    return short.length >= 2 && new Set(used).size >= 2 && used.length >= 4; })()"
'

test_expect_success 'a clock-skew error is retried once, signed with AWS'"'"'s clock' '
  fake_clock 1200000 &&
  AWS_ACCESS_KEY_ID=$FAKE_AKID AWS_SECRET_ACCESS_KEY=$FAKE_SECRET answer &&
  fake_clock 0 &&
  expect_grep "the local clock is off" err &&
  fake_expect "/InvalidSignatureException: Signature expired/.test(last(\"rejected\").reason) &&
    last(\"sfn\").t >= last(\"rejected\").t && signer(\"states\") === \"$FAKE_AKID\""
'

test_expect_success 'AssumeRole is retried with AWS'"'"'s clock too' '
  printf "[base]\naws_access_key_id = %s\naws_secret_access_key = %s\n" "$FAKE_AKID" "$FAKE_SECRET" \
    >.aws/credentials &&
  printf "[profile deploy]\nrole_arn = %s\nsource_profile = base\nexternal_id = ext-42\n" \
    "$DEPLOY_ROLE" >.aws/config &&
  fake_clock -1200000 &&
  AWS_PROFILE=deploy answer && register_issued &&
  fake_clock 0 &&
  fake_expect "/SignatureDoesNotMatch: Signature not yet current/.test(of(\"rejected\").filter(r => r.route === \"sts\").slice(-1)[0].reason) &&
    signer(\"states\") === last(\"sts\").issued && last(\"sts\").action === \"AssumeRole\""
'

test_expect_success 'a second clock-skew error fails the call with AWS'"'"'s message' '
  fake_clock 0 2 &&
  AWS_ACCESS_KEY_ID=$FAKE_AKID AWS_SECRET_ACCESS_KEY=$FAKE_SECRET fails &&
  fake_clock 0 0 &&
  expect_grep "InvalidSignatureException: Signature expired" err &&
  test "$(grep -c "the local clock is off" err)" = 1
'

test_expect_success 'no key, session token or web identity token appears in any output' '
  AWS_PROFILE=deploy rw info -X -sfnTaskToken="$TASK_TOKEN" -metrics=false >out 2>err &&
  AWS_WEB_IDENTITY_TOKEN_FILE="$TRASH/web-token" AWS_ROLE_ARN="$CI_ROLE" \
    rw info -X -sfnTaskToken="$TASK_TOKEN" -metrics=false >>out 2>>err &&
  register_issued &&
  expect_grep "AWS credentials from web identity" err &&
  expect_grep "AWS credentials from profile deploy" err &&
  expect_no_secrets out err
'

test_done
