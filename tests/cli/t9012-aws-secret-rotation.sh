#!/bin/sh
# A rotated secret inside Lambda: the Parameters and Secrets extension may
# serve the old password for up to 5 minutes after a rotation.  When the
# database refuses a login with credentials from the extension, runway reads
# the secret once straight from Secrets Manager and logs in once more; with
# credentials from anywhere else it never retries.
# backends: postgresql mysql
. ./lib.sh
. "$RUNWAY_SOURCE_DIR/tests/aws/fake-lib.sh"
aws_fake_require
aws_fake_env

FAKE_TOKEN='TEMPSESSIONTOKEN/rotation+=='
OLD_PASSWORD='old-pass-7d1c9a'
FAKE_DB_PASSWORD='new-pass-3b8e40'
test_secret_value OLD_PASSWORD "$OLD_PASSWORD"
ROLE=$(printf 'rw_rot_%s' "$$")

# The role the secret is for, with the new password already set (the rotation happened).
case $RUNWAY_TEST_BACKEND in
postgresql)
  _pg_admin "DROP ROLE IF EXISTS $ROLE; CREATE ROLE $ROLE LOGIN PASSWORD '$OLD_PASSWORD';
    GRANT ALL ON DATABASE \"$DB_NAME\" TO $ROLE" || exit 1
  db_sql "GRANT ALL ON SCHEMA public TO $ROLE" >/dev/null || exit 1
  _pg_admin "ALTER ROLE $ROLE PASSWORD '$FAKE_DB_PASSWORD'" || exit 1
  drop_role() { _pg_admin "DROP ROLE IF EXISTS $ROLE" 2>/dev/null; }
  ENGINE=postgres HOST=$RUNWAY_TEST_PG_HOST PORT=$RUNWAY_TEST_PG_PORT ;;
mysql)
  _my_admin "DROP USER IF EXISTS '$ROLE'@'%', '$ROLE'@'localhost';
    CREATE USER '$ROLE'@'%' IDENTIFIED BY '$OLD_PASSWORD';
    CREATE USER '$ROLE'@'localhost' IDENTIFIED BY '$OLD_PASSWORD';
    GRANT ALL ON \`$DB_NAME\`.* TO '$ROLE'@'%'; GRANT ALL ON \`$DB_NAME\`.* TO '$ROLE'@'localhost'" || exit 1
  _my_admin "ALTER USER '$ROLE'@'%' IDENTIFIED BY '$FAKE_DB_PASSWORD';
    ALTER USER '$ROLE'@'localhost' IDENTIFIED BY '$FAKE_DB_PASSWORD'" || exit 1
  drop_role() { _my_admin "DROP USER IF EXISTS '$ROLE'@'%', '$ROLE'@'localhost'" 2>/dev/null; }
  ENGINE=mysql HOST=$RUNWAY_TEST_MYSQL_HOST PORT=$RUNWAY_TEST_MYSQL_PORT ;;
esac

# secret PASSWORD: the role's secret as a JSON string literal (for scenario.json).
secret() {
  json_string "{\"engine\":\"$ENGINE\",\"host\":\"$HOST\",\"port\":$PORT,\"dbname\":\"$DB_NAME\",\"username\":\"$ROLE\",\"password\":\"$1\"}"
}
cat >scenario.json <<JSON
{"credentials": {"$FAKE_AKID": {"secret": "$FAKE_SECRET"}},
 "extension": {"token": "$FAKE_TOKEN"},
 "secrets": {"app/rotated": {"SecretString": $(secret "$FAKE_DB_PASSWORD")},
             "app/stale": {"SecretString": $(secret "$OLD_PASSWORD")}},
 "extensionSecrets": {"app/rotated": {"SecretString": $(secret "$OLD_PASSWORD")}}}
JSON
aws_fake_start scenario.json || { drop_role; exit 1; }
# The database first: the role owns what migrate created in it.
trap 'aws_fake_stop; backend_cleanup 2>/dev/null; drop_role; rm -rf "$TRASH"' EXIT

write_migration V1__a.sql "CREATE TABLE a (id INT);"

# in_lambda ARGS...: runway as a Lambda function would run it, next to the extension.
in_lambda() {
  env AWS_LAMBDA_FUNCTION_NAME=migrator AWS_SESSION_TOKEN="$FAKE_TOKEN" \
    PARAMETERS_SECRETS_EXTENSION_HTTP_PORT="$FAKE_PORT" "$RUNWAY_BIN" -metrics=false "$@"
}

# count KIND: how many requests of that kind the fake has seen.
count() { fake_query "of(\"$1\").length"; }

test_expect_success 'a stale password from the extension: Secrets Manager is asked once and the login retried' '
  in_lambda migrate -awsSecretId=app/rotated >out 2>err &&
  expect_grep "refused the credentials of secret app/rotated from the Parameters and Secrets extension" err &&
  has_table a &&
  fake_expect "of(\"extension\").length === 1 && of(\"secretsmanager\").length === 1 && of(\"rejected\").length === 0" &&
  expect_no_secrets out err
'

test_expect_success 'when Secrets Manager has the stale password too, the refusal is reported after one retry' '
  fake_expect "of(\"secretsmanager\").length === 1" &&
  must_fail in_lambda info -awsSecretId=app/stale &&
  expect_grep "refused the credentials of secret app/stale" err &&
  { grep -q "password authentication failed\|Access denied" err || { cat err; false; }; } &&
  fake_expect "of(\"extension\").length === 2 && of(\"secretsmanager\").length === 2" &&
  expect_no_secrets out err
'

test_expect_success 'no retry when the credentials came from Secrets Manager itself' '
  must_fail "$RUNWAY_BIN" info -awsSecretId=app/stale &&
  ! grep -q "refused the credentials" err &&
  fake_expect "of(\"extension\").length === 2 && of(\"secretsmanager\").length === 3"
'

test_expect_success 'no retry when the password came from the configuration' '
  must_fail in_lambda info -awsSecretId=app/rotated -password="$OLD_PASSWORD" &&
  ! grep -q "refused the credentials" err &&
  fake_expect "of(\"extension\").length === 3 && of(\"secretsmanager\").length === 3"
'

# The fleet looks its schemas up on a connection of its own before any target runs.
test_expect_success 'a fleet run retries its schema lookup the same way' '
  case $RUNWAY_TEST_BACKEND in postgresql) tenants=publi% ;; mysql) tenants=$DB_NAME% ;; esac &&
  sm=$(count secretsmanager) &&
  in_lambda info -awsSecretId=app/rotated -tenantSchemas="$tenants" >out 2>err &&
  expect_grep "refused the credentials of secret app/rotated" err &&
  test "$(count secretsmanager)" -gt "$sm" &&
  expect_no_secrets out err
'

test_done
