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
aws_fake_start() {
  FAKE_DIR="$TRASH/fake"
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
  trap 'aws_fake_stop; backend_cleanup 2>/dev/null; rm -rf "$TRASH"' EXIT
}

aws_fake_stop() {
  [ -n "$FAKE_PID" ] || return 0
  kill "$FAKE_PID" 2>/dev/null
  wait "$FAKE_PID" 2>/dev/null
  FAKE_PID=
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

# Environment for a runway process that talks to the fake with static keys.
aws_fake_env() {
  export AWS_ACCESS_KEY_ID=$FAKE_AKID AWS_SECRET_ACCESS_KEY=$FAKE_SECRET AWS_REGION=us-east-1
  export AWS_ENDPOINT_URL=$FAKE_URL
  unset AWS_SESSION_TOKEN AWS_DEFAULT_REGION AWS_CONTAINER_CREDENTIALS_FULL_URI \
    AWS_CONTAINER_CREDENTIALS_RELATIVE_URI AWS_CONTAINER_AUTHORIZATION_TOKEN \
    AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE AWS_LAMBDA_RUNTIME_API AWS_LAMBDA_FUNCTION_NAME \
    PARAMETERS_SECRETS_EXTENSION_HTTP_PORT ECS_CONTAINER_METADATA_URI_V4 AWS_EXECUTION_ENV
}
