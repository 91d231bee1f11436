#!/bin/sh
# Database credentials from a fake Secrets Manager (signed GetSecretValue),
# with static keys, ECS container credentials or the Parameters and Secrets
# Lambda Extension; the password never appears in any output.
# backends: sqlite postgresql mysql
. ./lib.sh
. "$RUNWAY_SOURCE_DIR/tests/aws/fake-lib.sh"
aws_fake_require
aws_fake_env

TEMP_SECRET='tempSecretKey/abc+def'
FAKE_TOKEN='TEMPSESSIONTOKEN/xyz+=='
write_migration V1__a.sql "CREATE TABLE a (id INT);"
db_secret >secret.json
test_secret_input secret.json
secret_json=$(json_string "$(cat secret.json)")
cat >scenario.json <<JSON
{"credentials": {"$FAKE_AKID": {"secret": "$FAKE_SECRET"},
                 "ASIATEMPEXAMPLE": {"secret": "$TEMP_SECRET", "token": "$FAKE_TOKEN"}},
 "containerCredentials": {"accessKeyId": "ASIATEMPEXAMPLE", "authToken": "container-auth-1"},
 "extension": {"token": "$FAKE_TOKEN"},
 "secrets": {"app/db": {"SecretString": $secret_json},
             "arn:aws:secretsmanager:us-east-1:123456789012:secret:app/db-a1b2c3": {"SecretString": $secret_json},
             "not-json": {"SecretString": "plain text"}}}
JSON
aws_fake_start scenario.json || exit 1

test_expect_success 'the secret supplies the database and credentials' '
  RUNWAY_AWS_SECRET_ID=app/db "$RUNWAY_BIN" migrate -outputType=json >out 2>err &&
  expect_grep "\"migrationsExecuted\": 1" out &&
  has_table a &&
  fake_expect "of(\"secretsmanager\").length === 1 && of(\"rejected\").length === 0" &&
  expect_no_secrets out err
'

test_expect_success 'a secret ARN given on the command line works too' '
  "$RUNWAY_BIN" info -awsSecretId=arn:aws:secretsmanager:us-east-1:123456789012:secret:app/db-a1b2c3 >out 2>err &&
  expect_grep "Success" out && expect_no_secrets out err
'

test_expect_success 'a missing secret is a clear error' '
  must_fail "$RUNWAY_BIN" info -awsSecretId=app/nope &&
  expect_grep "ResourceNotFoundException" err &&
  expect_grep "app/nope" err
'

test_expect_success 'a secret that is not JSON is a clear error' '
  must_fail "$RUNWAY_BIN" info -awsSecretId=not-json &&
  expect_grep "not a JSON object" err
'

test_expect_success 'no region is a clear error' '
  must_fail env -u AWS_REGION "$RUNWAY_BIN" info -awsSecretId=app/db &&
  expect_grep "no AWS region" err
'

test_expect_success 'ECS container credentials sign the request' '
  env -u AWS_ACCESS_KEY_ID -u AWS_SECRET_ACCESS_KEY \
    AWS_CONTAINER_CREDENTIALS_FULL_URI="$FAKE_URL/creds" AWS_CONTAINER_AUTHORIZATION_TOKEN=container-auth-1 \
    "$RUNWAY_BIN" info -awsSecretId=app/db >out 2>err &&
  fake_expect "of(\"credentials\").length === 1" &&
  fake_expect "log[log.length - 1].kind === \"secretsmanager\"" &&
  expect_no_secrets out err
'

test_expect_success 'the container token may come from a file' '
  printf "container-auth-1\n" >token &&
  env -u AWS_ACCESS_KEY_ID -u AWS_SECRET_ACCESS_KEY \
    AWS_CONTAINER_CREDENTIALS_FULL_URI="$FAKE_URL/creds" AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE="$TRASH/token" \
    "$RUNWAY_BIN" info -awsSecretId=app/db >out 2>err &&
  fake_expect "of(\"credentials\").length === 2"
'

test_expect_success 'a wrong container token is refused' '
  must_fail env -u AWS_ACCESS_KEY_ID -u AWS_SECRET_ACCESS_KEY \
    AWS_CONTAINER_CREDENTIALS_FULL_URI="$FAKE_URL/creds" AWS_CONTAINER_AUTHORIZATION_TOKEN=wrong \
    "$RUNWAY_BIN" info -awsSecretId=app/db &&
  expect_grep "HTTP 401" err
'

test_expect_success 'inside Lambda the Parameters and Secrets extension is used' '
  AWS_LAMBDA_FUNCTION_NAME=f AWS_SESSION_TOKEN="$FAKE_TOKEN" PARAMETERS_SECRETS_EXTENSION_HTTP_PORT="$FAKE_PORT" \
    "$RUNWAY_BIN" info -awsSecretId=app/db -metrics=false >out 2>err &&
  fake_expect "log[log.length - 1].kind === \"extension\"" &&
  expect_no_secrets out err
'

test_expect_success 'without the extension Lambda calls Secrets Manager directly' '
  port=$(node -e "const s=require(\"net\").createServer().listen(0,\"127.0.0.1\",()=>{console.log(s.address().port);s.close()})") &&
  AWS_LAMBDA_FUNCTION_NAME=f PARAMETERS_SECRETS_EXTENSION_HTTP_PORT="$port" \
    "$RUNWAY_BIN" info -awsSecretId=app/db -metrics=false >out 2>err &&
  fake_expect "of(\"extension\").length === 1 && log[log.length - 1].kind === \"secretsmanager\""
'

test_expect_success 'awsSecretVersionStage and awsSecretVersionId reach GetSecretValue and the extension' '
  "$RUNWAY_BIN" info -awsSecretId=app/db -awsSecretVersionStage=AWSPREVIOUS \
    -awsSecretVersionId=a1b2c3d4-5678-90ab-cdef-EXAMPLE11111 >out 2>err &&
  fake_expect "(x => x.input.VersionStage === \"AWSPREVIOUS\" && x.input.VersionId === \"a1b2c3d4-5678-90ab-cdef-EXAMPLE11111\")(of(\"secretsmanager\").pop())" &&
  AWS_LAMBDA_FUNCTION_NAME=f AWS_SESSION_TOKEN="$FAKE_TOKEN" PARAMETERS_SECRETS_EXTENSION_HTTP_PORT="$FAKE_PORT" \
    RUNWAY_AWS_SECRET_VERSION_STAGE=AWSPENDING "$RUNWAY_BIN" info -awsSecretId=app/db -metrics=false >out 2>err &&
  fake_expect "(x => x.versionStage === \"AWSPENDING\" && x.versionId === null)(of(\"extension\").pop())" &&
  "$RUNWAY_BIN" info -awsSecretId=app/db >out 2>err &&
  fake_expect "!(\"VersionStage\" in of(\"secretsmanager\").pop().input)"
'

test_expect_success 'awsIamAuth needs a PostgreSQL or MySQL url' '
  must_fail "$RUNWAY_BIN" info -url=jdbc:sqlite:iam.db -user=u -awsIamAuth=true &&
  expect_grep "PostgreSQL or MySQL" err
'

if [ "$RUNWAY_TEST_BACKEND" != sqlite ]; then
  test_expect_success 'an IAM token is sent as the password and never printed' '
    db_url=${DB_URL%%\?*} &&
    user=$(sed -n "s/.*\"username\":\"\([^\"]*\)\".*/\1/p" secret.json) &&
    must_fail "$RUNWAY_BIN" info -X -url="$db_url" -user="$user" -awsIamAuth=true -outputType=json &&
    { grep -q "$user" err out || { cat out err; false; }; } &&
    ! grep -q "X-Amz-Signature\|Action=connect" out err
  '

  test_expect_success 'awsIamAuth refuses a TLS mode that lets the token go out unencrypted' '
    db_url=${DB_URL%%\?*} &&
    if [ "$RUNWAY_TEST_BACKEND" = postgresql ]; then weak="sslmode=prefer"; else weak="sslMode=PREFERRED"; fi &&
    must_fail "$RUNWAY_BIN" info -url="$db_url?$weak" -user=iam_user -awsIamAuth=true &&
    expect_grep "awsIamAuth: $weak would let the IAM token travel unencrypted" err &&
    must_fail "$RUNWAY_BIN" info -url="$db_url" -user=iam_user -awsIamAuth=true \
      -jdbcProperties.$weak &&
    expect_grep "awsIamAuth: $weak" err &&
    ! grep -q "X-Amz-Signature\|Action=connect" out err
  '
fi

if [ "$RUNWAY_TEST_BACKEND" = postgresql ]; then
  test_expect_success 'awsIamAuth requires TLS: a server that declines it gets a clear error' '
    db_url=${DB_URL%%\?*} &&
    must_fail "$RUNWAY_BIN" info -url="$db_url" -user=iam_user -awsIamAuth=true &&
    expect_grep "does not support SSL, but SSL was required" err &&
    ! grep -q "X-Amz-Signature\|Action=connect" out err
  '
fi

test_done
