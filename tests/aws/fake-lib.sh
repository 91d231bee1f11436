# fake-lib.sh - starts and queries the local AWS fake (fake-aws.js) from a
# CLI test.  Source it after tests/cli/lib.sh:
#
#   . "$RUNWAY_SOURCE_DIR/tests/aws/fake-lib.sh"
#   aws_fake_require                 # skips the test when node is missing
#   aws_fake_start scenario.json     # sets FAKE_URL, FAKE_PORT, FAKE_DIR
#   fake_query 'of("response").length'
#
# The fake accepts the access key AKIDEXAMPLE with the secret below.
AWS_FAKE_HOME="$RUNWAY_SOURCE_DIR/tests/aws"
FAKE_AKID=AKIDEXAMPLE
FAKE_SECRET='wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY'
FAKE_PID=

# Installs the fake's npm dependencies once (serialised across parallel tests).
aws_fake_require() {
  command -v node >/dev/null && command -v npm >/dev/null || skip_all "node and npm are needed"
  [ -f "$AWS_FAKE_HOME/node_modules/aws4/package.json" ] && return 0
  (
    flock 9
    [ -f "$AWS_FAKE_HOME/node_modules/aws4/package.json" ] ||
      (cd "$AWS_FAKE_HOME" && npm ci --no-audit --no-fund --loglevel=error >&2)
  ) 9>"${TMPDIR:-/tmp}/runway-aws-npm.lock" || skip_all "npm ci failed in tests/aws"
}

# aws_fake_start SCENARIO: serves the scenario file on a free 127.0.0.1 port.
# Call it at the top level of a script (test bodies run in subshells).
aws_fake_start() {
  FAKE_DIR="$TRASH/fake"
  test_secret_input "$1"
  rm -rf "$FAKE_DIR" && mkdir -p "$FAKE_DIR" && cp "$1" "$FAKE_DIR/scenario.json" || return 1
  node "$AWS_FAKE_HOME/fake-aws.js" "$FAKE_DIR" 2>"$FAKE_DIR/stderr" &
  FAKE_PID=$!
  local i
  for i in $(seq 1 100); do
    [ -s "$FAKE_DIR/port" ] && break
    kill -0 "$FAKE_PID" 2>/dev/null || { cat "$FAKE_DIR/stderr" >&2; return 1; }
    sleep 0.1
  done
  FAKE_PORT=$(cat "$FAKE_DIR/port") || return 1
  FAKE_URL="http://127.0.0.1:$FAKE_PORT"
  export AWS_ENDPOINT_URL="$FAKE_URL"
  trap 'aws_fake_stop; backend_cleanup 2>/dev/null; rm -rf "$TRASH"' EXIT
}

aws_fake_stop() {
  [ -n "$FAKE_PID" ] || return 0
  kill "$FAKE_PID" 2>/dev/null
  wait "$FAKE_PID" 2>/dev/null
  FAKE_PID=
}

# fake_clock OFFSET_MS [FAIL_FIRST]: runs the fake's clock OFFSET_MS ahead of
# this machine's, and/or refuses the next FAIL_FIRST signed requests with
# AWS's clock-skew error (0 0 puts it back).
fake_clock() {
  node -e 'const [port, offsetMs, failFirst] = process.argv.slice(1).map(Number);
    const req = require("http").request({ port, host: "127.0.0.1", method: "POST", path: "/fake/clock" },
      (res) => process.exit(res.statusCode === 200 ? 0 : 1));
    req.on("error", () => process.exit(1));
    req.end(JSON.stringify({ offsetMs, failFirst }));' "$FAKE_PORT" "$1" "${2:-0}"
}

# fake_query EXPR: evaluates a JavaScript expression over the fake's request log.
fake_query() { node "$AWS_FAKE_HOME/fake-log.js" "$FAKE_DIR" "$1"; }

# fake_expect EXPR: fails (showing the log) unless EXPR is true.
fake_expect() {
  if [ "$(fake_query "$1")" != true ]; then
    echo "fake log does not satisfy: $1"
    cat "$FAKE_DIR/log.jsonl" 2>/dev/null
    return 1
  fi
}

# Environment for a runway process that talks to the fake with static keys
# (aws_fake_start points AWS_ENDPOINT_URL at the fake).
aws_fake_env() {
  export AWS_ACCESS_KEY_ID=$FAKE_AKID AWS_SECRET_ACCESS_KEY=$FAKE_SECRET AWS_REGION=us-east-1
  unset AWS_SESSION_TOKEN AWS_DEFAULT_REGION AWS_CONTAINER_CREDENTIALS_FULL_URI AWS_PROFILE \
    AWS_WEB_IDENTITY_TOKEN_FILE AWS_ROLE_ARN AWS_ROLE_SESSION_NAME AWS_EC2_METADATA_SERVICE_ENDPOINT \
    AWS_CONTAINER_CREDENTIALS_RELATIVE_URI AWS_CONTAINER_AUTHORIZATION_TOKEN \
    AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE AWS_LAMBDA_RUNTIME_API AWS_LAMBDA_FUNCTION_NAME \
    PARAMETERS_SECRETS_EXTENSION_HTTP_PORT ECS_CONTAINER_METADATA_URI_V4 AWS_EXECUTION_ENV
}

# run_lambda [VAR=value ...]: runs runway as a Lambda runtime against the fake
# until the fake runs out of events; stdout in lambda.out, stderr in lambda.err.
run_lambda() {
  env AWS_LAMBDA_RUNTIME_API="127.0.0.1:$FAKE_PORT" AWS_LAMBDA_FUNCTION_NAME=runway-migrate \
    "$@" timeout 120 "$RUNWAY_BIN" >lambda.out 2>lambda.err
}

# expect_no_secrets FILE...: none of the fake's secrets may appear in the files.
expect_no_secrets() {
  local f s
  for f in "$@"; do
    for s in "$FAKE_SECRET" "${FAKE_TOKEN:-}" "${FAKE_DB_PASSWORD:-}"; do
      [ -n "$s" ] || continue
      if grep -qF -- "$s" "$f"; then echo "secret leaked into $f"; return 1; fi
    done
  done
}

# has_table NAME: true when the test database has the table (any backend).
# (A count prints a row only when the table exists, whatever the client's exit status.)
has_table() { [ -n "$(db_sql "SELECT count(*) FROM $1" 2>/dev/null)" ]; }

# json_string TEXT: TEXT as a JSON string literal.
json_string() { node -e 'process.stdout.write(JSON.stringify(process.argv[1]))' "$1"; }

# db_secret: the test database as an RDS-style Secrets Manager secret (JSON
# text, no url needed); sets FAKE_DB_PASSWORD, which must never be printed.
db_secret() {
  case $RUNWAY_TEST_BACKEND in
  postgresql)
    FAKE_DB_PASSWORD=$RUNWAY_TEST_PG_PASSWORD
    printf '{"engine":"postgres","host":"%s","port":%s,"dbname":"%s","username":"%s","password":"%s"}' \
      "$RUNWAY_TEST_PG_HOST" "$RUNWAY_TEST_PG_PORT" "$DB_NAME" "$RUNWAY_TEST_PG_USER" "$FAKE_DB_PASSWORD" ;;
  mysql)
    FAKE_DB_PASSWORD=$RUNWAY_TEST_MYSQL_PASSWORD
    printf '{"engine":"mysql","host":"%s","port":"%s","dbname":"%s","username":"%s","password":"%s"}' \
      "$RUNWAY_TEST_MYSQL_HOST" "$RUNWAY_TEST_MYSQL_PORT" "$DB_NAME" "$RUNWAY_TEST_MYSQL_USER" "$FAKE_DB_PASSWORD" ;;
  *)
    FAKE_DB_PASSWORD=db-pass-8c1f2e
    printf '{"engine":"sqlite","dbname":"%s","username":"migrator","password":"%s"}' \
      "$DB_FILE" "$FAKE_DB_PASSWORD" ;;
  esac
}
