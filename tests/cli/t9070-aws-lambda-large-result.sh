#!/bin/sh
# A Lambda result over the Runtime API's 6 MB limit (an info report of
# thousands of migrations) is returned as the summary Step Functions gets,
# instead of a 413 that would lose the answer.
# backends: sqlite
. ./lib.sh
. "$RUNWAY_SOURCE_DIR/tests/aws/fake-lib.sh"
aws_fake_require
aws_fake_env

# 7,000 pending migrations with long descriptions, deep in long directory
# names (every report entry repeats the path): an info report of about 8 MB.
node -e '
  const fs = require("fs");
  const long = "x".repeat(200);
  const dir = ["sql", "a" + long, "b" + long, "c" + long].join("/");
  fs.mkdirSync(dir, { recursive: true });
  for (let i = 1; i <= 7000; i++)
    fs.writeFileSync(`${dir}/V${i}__add_${long}.sql`, "SELECT 1;\n");
' || exit 1

cat >scenario.json <<JSON
{"credentials": {"$FAKE_AKID": {"secret": "$FAKE_SECRET"}},
 "events": [{"event": {"command": "info"}}, {"event": {"command": "migrate", "target": "1"}}]}
JSON
aws_fake_start scenario.json || exit 1

test_expect_success 'an info result over 6 MB is returned as its summary' '
  run_lambda FLYWAY_URL="$DB_URL" &&
  fake_expect "of(\"response\").length === 2 && of(\"error\").length === 0" &&
  fake_expect "(b => b.truncated === true && b.operation === \"info\" && b.schemaName === undefined)(of(\"response\")[0].body)" &&
  expect_grep "over Lambda.s 6 MB limit" lambda.err
'

test_expect_success 'a result under the limit is returned whole' '
  fake_expect "of(\"response\")[1].body.truncated === undefined" &&
  fake_expect "of(\"response\")[1].body.operation === \"migrate\" && of(\"response\")[1].body.migrationsExecuted === 1"
'

test_done
