#!/bin/sh
# The suite's secret check (tests/lib/secrets.sh, run by lib.sh after every
# test): it must catch a secret in any captured output, name the file and
# the secret without printing the value, and leave inputs alone.
# Shell only (no runway C code): not run again under the sanitizers.
# label: nosan
. ./lib.sh

SECRET='s3cret-Value/+=42'

# Runs a small TAP script of its own (one test, BODY) with SECRET known to it.
nested() {
  cat >nested.sh <<EOF
. ./lib.sh
test_secret_value PLANTED '$SECRET'
test_expect_success 'nested' '$1'
test_done
EOF
  cp "$RUNWAY_SOURCE_DIR/tests/cli/lib.sh" lib.sh &&
    RUNWAY_SOURCE_DIR=$RUNWAY_SOURCE_DIR RUNWAY_TEST_BACKEND=sqlite sh nested.sh >nested.tap 2>&1
}

test_expect_success 'a secret in a file of captured output is found, named, not printed' '
  mkdir scan && echo "connected with $SECRET" >scan/out && echo fine >scan/err &&
  secret_value scan PLANTED "$SECRET" &&
  ! secret_scan scan >report &&
  test "$(cat report)" = "secret PLANTED leaked into out"
'

test_expect_success 'a known test password in the environment counts as a secret' '
  mkdir env && echo "password=abcdef123" >env/migrate.log &&
  ! RUNWAY_TEST_PG_PASSWORD=abcdef123 secret_scan env >report &&
  expect_grep "secret RUNWAY_TEST_PG_PASSWORD leaked into migrate.log" report
'

test_expect_success 'inputs (configuration, migrations, declared files) are not outputs' '
  mkdir in &&
  echo "flyway.password=$SECRET" >in/flyway.conf &&
  echo "-- $SECRET" >in/V1__a.sql &&
  echo "{\"password\": \"$SECRET\"}" >in/secret.json &&
  secret_value in PLANTED "$SECRET" && secret_input in secret.json &&
  secret_scan in
'

test_expect_success 'values shorter than six characters are not treated as secrets' '
  mkdir short && echo "p" >short/out &&
  FAKE_DB_PASSWORD=p secret_scan short
'

test_expect_success 'a test that passes but prints a secret fails, with the value masked' '
  ! nested "echo \"token is $SECRET\"; true" &&
  expect_grep "^not ok 1 - nested (secret leaked)" nested.tap &&
  expect_grep "secret PLANTED leaked into .out" nested.tap &&
  expect_grep "token is \*\*\*" nested.tap &&
  ! grep -qF -- "$SECRET" nested.tap
'

test_expect_success 'a secret written by a test into an output file fails it too' '
  ! nested "echo \"$SECRET\" >err" &&
  expect_grep "secret PLANTED leaked into err" nested.tap
'

test_expect_success 'a test without secrets in its outputs passes' '
  nested "echo hello >out" &&
  expect_grep "^ok 1 - nested" nested.tap
'

test_expect_success 'a failing test without any secret shows its output unmasked' '
  mkdir plain && printf "first line\nsecond line\n" | secret_redact plain >shown &&
  printf "first line\nsecond line\n" >want && test_cmp want shown
'

test_done
