# lib.sh - TAP helpers for the CLI tests, in the style of git's t/test-lib.sh.
#
#   . ./lib.sh
#   test_expect_success 'migrate applies pending files' '
#       write_migration V1__a.sql "CREATE TABLE a (id INT);" &&
#       rw migrate
#   '
#   test_done
#
# Each script gets a scratch directory ($TRASH, also the cwd) and, through
# the backend named by RUNWAY_TEST_BACKEND (sqlite, postgresql, mysql), a
# fresh empty database whose URL is in $DB_URL.
set -u
RUNWAY_BIN=${RUNWAY_BIN:-$(cd "$(dirname "$0")/../.." && pwd)/build/runway}
RUNWAY_SOURCE_DIR=${RUNWAY_SOURCE_DIR:-$(cd "$(dirname "$0")/../.." && pwd)}
RUNWAY_TEST_BACKEND=${RUNWAY_TEST_BACKEND:-sqlite}
CORPUS=${RUNWAY_CORPUS:-$RUNWAY_SOURCE_DIR/../shared/corpus}
test_count=0
test_failed=0
test_name_base=$(basename "$0" .sh)

TRASH=$(mktemp -d "${TMPDIR:-/tmp}/runway-$test_name_base.XXXXXX")
cd "$TRASH" || exit 1
trap 'backend_cleanup 2>/dev/null; rm -rf "$TRASH"' EXIT
unset $(env | grep -E '^(FLYWAY|RUNWAY_TEST_X)_' | cut -d= -f1) 2>/dev/null || true
# No test reads this machine's AWS profiles or asks its instance metadata
# service for credentials: a test that wants either points these at its own.
export AWS_CONFIG_FILE="$TRASH/.aws/config" AWS_SHARED_CREDENTIALS_FILE="$TRASH/.aws/credentials"
export AWS_EC2_METADATA_DISABLED=true
unset AWS_PROFILE AWS_DEFAULT_PROFILE AWS_WEB_IDENTITY_TOKEN_FILE AWS_ROLE_ARN \
  AWS_ROLE_SESSION_NAME AWS_EC2_METADATA_SERVICE_ENDPOINT 2>/dev/null || true

. "$RUNWAY_SOURCE_DIR/tests/lib/secrets.sh"

backend_file="$RUNWAY_SOURCE_DIR/tests/lib/backend-$RUNWAY_TEST_BACKEND.sh"
if [ ! -f "$backend_file" ]; then
  echo "1..0 # SKIP no backend $RUNWAY_TEST_BACKEND"
  exit 77
fi
. "$backend_file"
backend_init || { echo "1..0 # SKIP backend $RUNWAY_TEST_BACKEND unavailable"; exit 77; }

# Runs runway with the test database, in the scratch directory.
rw() { "$RUNWAY_BIN" -url="$DB_URL" "$@"; }

# write_migration [DIR/]NAME CONTENT: creates sql/NAME (printf %b-style escapes are not applied).
write_migration() {
  mkdir -p "sql/$(dirname "$1")"
  printf '%s\n' "$2" > "sql/$1"
}

# Reports one test's result.  Its outputs (the body's own, and the files at
# the top of $TRASH) must hold no secret (tests/lib/secrets.sh): a test
# that leaks one fails, whatever its body said.  Output shown for a failed
# test has every secret value masked.
test_report() { # name passed [why]
  local name=$1 passed=$2 why=${3:-} leaks
  leaks=$(secret_scan "$TRASH") || { passed=false; why="secret leaked"; }
  if $passed; then
    echo "ok $test_count - $name"
    return
  fi
  test_failed=$((test_failed + 1))
  echo "not ok $test_count - $name${why:+ ($why)}"
  { [ -z "$leaks" ] || printf '%s\n' "$leaks"; cat "$TRASH/.out"; } | secret_redact "$TRASH" |
    sed 's/^/# /'
}

test_expect_success() {
  local name=$1 body=$2
  test_count=$((test_count + 1))
  if (eval "$body") >"$TRASH/.out" 2>&1; then
    test_report "$name" true
  else
    test_report "$name" false
  fi
}

test_expect_failure_code() { # name expected_code body
  local name=$1 want=$2 body=$3 got
  test_count=$((test_count + 1))
  (eval "$body") >"$TRASH/.out" 2>&1
  got=$?
  if [ "$got" = "$want" ]; then
    test_report "$name" true
  else
    test_report "$name" false "exit $got, expected $want"
  fi
}

# secret_value NAME VALUE: VALUE must appear in no test output from now on.
# secret_input FILE...: FILE (in $TRASH) is an input that may hold a secret.
# Each keeps its list in $TRASH, so a call inside a test body counts too.
test_secret_value() { secret_value "$TRASH" "$@"; }
test_secret_input() { secret_input "$TRASH" "$@"; }

# Runs a command that must fail (non-zero, not a crash), capturing output in out/err.
must_fail() {
  "$@" >out 2>err
  local rc=$?
  if [ $rc -eq 0 ]; then echo "expected failure: $*"; cat out err; return 1; fi
  if [ $rc -gt 128 ]; then echo "crashed with signal $((rc - 128)): $*"; cat err; return 1; fi
  return 0
}

# Compares expected (file) with actual (file), showing a diff.
test_cmp() { diff -u "$1" "$2"; }

# grep with a message on failure.
expect_grep() {
  if ! grep -q -- "$1" "$2"; then echo "expected '$1' in $2:"; cat "$2"; return 1; fi
}

skip_all() { echo "1..0 # SKIP $1"; exit 77; }

# The corpus of real migration sets ($CORPUS, ../shared/corpus) is not part
# of a clone.  Without it the tests that read it are skipped with the reason,
# so make test passes in a fresh clone; RUNWAY_REQUIRE_CORPUS=1 (set by
# .ci/run) turns that skip into a failure, so CI always runs them.
corpus_missing_reason() {
  echo "no corpus at $CORPUS (set RUNWAY_CORPUS to a copy of ../shared/corpus)"
}

# For scripts that need the corpus throughout: skip them all, or fail.
require_corpus() {
  [ -d "$CORPUS" ] && return 0
  if [ "${RUNWAY_REQUIRE_CORPUS:-0}" = 1 ]; then
    echo "Bail out! $(corpus_missing_reason), and RUNWAY_REQUIRE_CORPUS=1"
    exit 1
  fi
  skip_all "$(corpus_missing_reason)"
}

# test_expect_success for one test that reads the corpus: without it the test
# is reported as skipped (or failed under RUNWAY_REQUIRE_CORPUS=1).
test_expect_success_corpus() {
  if [ -d "$CORPUS" ]; then
    test_expect_success "$1" "$2"
    return
  fi
  test_count=$((test_count + 1))
  if [ "${RUNWAY_REQUIRE_CORPUS:-0}" = 1 ]; then
    test_failed=$((test_failed + 1))
    echo "not ok $test_count - $1 ($(corpus_missing_reason), and RUNWAY_REQUIRE_CORPUS=1)"
  else
    echo "ok $test_count - $1 # skip $(corpus_missing_reason)"
  fi
}

test_done() {
  echo "1..$test_count"
  [ "$test_failed" -eq 0 ]
}

# Everything a failed command must leave untouched: the schema and every
# history row (or the error saying there is no history table).  Compare
# db_state before and after with test_cmp.
db_state() {
  db_schema
  db_sql "SELECT installed_rank, version, description, type, script, checksum, installed_by, installed_on, execution_time, success FROM ${HISTORY_SCHEMA}.flyway_schema_history ORDER BY installed_rank" 2>&1 || true
}

# The history rows that matter for Flyway compatibility, '|'-separated,
# success as 1/0 on every database.
history_rows() {
  db_sql "SELECT installed_rank, version, description, type, script, checksum, CASE WHEN success THEN 1 ELSE 0 END FROM ${HISTORY_SCHEMA}.flyway_schema_history ORDER BY installed_rank"
}

