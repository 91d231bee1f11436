#!/bin/sh
# A fresh clone has no ../shared/corpus: the tests that read it skip with the
# reason, and RUNWAY_REQUIRE_CORPUS=1 (as .ci/run sets it) makes them fail.
# Shell only (how the scripts skip): not run again under the sanitizers.
# label: nosan
. ./lib.sh

cli_dir=$RUNWAY_SOURCE_DIR/tests/cli
unit_dir=$(dirname "$RUNWAY_BIN")/tests

# Runs a CLI test script as ctest would, with no corpus.
run_without_corpus() {
  (cd "$cli_dir" && RUNWAY_CORPUS="$TRASH/no-corpus" sh "$1")
}

test_expect_success 'a corpus script without the corpus is skipped, naming the folder' '
  unset RUNWAY_REQUIRE_CORPUS
  run_without_corpus t5001-corpus-sqlite.sh >out 2>&1
  test $? = 77 &&
  expect_grep "^1..0 # SKIP no corpus at $TRASH/no-corpus" out
'

test_expect_success 'one corpus test in a script is reported as a TAP skip, the others run' '
  unset RUNWAY_REQUIRE_CORPUS
  run_without_corpus t6550-lint.sh >out 2>&1 &&
  expect_grep "^ok [0-9]* - lint over every corpus set.* # skip no corpus at " out &&
  ! grep "^not ok" out
'

test_expect_success 'RUNWAY_REQUIRE_CORPUS=1 turns a missing corpus into a failure' '
  RUNWAY_REQUIRE_CORPUS=1 run_without_corpus t5001-corpus-sqlite.sh >out 2>&1
  test $? = 1 &&
  expect_grep "^Bail out! no corpus at .*RUNWAY_REQUIRE_CORPUS=1" out &&
  RUNWAY_REQUIRE_CORPUS=1 run_without_corpus t6550-lint.sh >out 2>&1
  test $? = 1 &&
  expect_grep "^not ok [0-9]* - lint over every corpus set" out
'

test_expect_success 'unit tests that read the corpus skip without it, or fail when it is required' '
  test -x "$unit_dir/test_checksum" || { echo "no $unit_dir/test_checksum"; exit 1; }
  for t in test_checksum test_split_mysql test_split_postgres; do
    env -u RUNWAY_REQUIRE_CORPUS RUNWAY_CORPUS="$TRASH/no-corpus" "$unit_dir/$t" >out 2>&1 ||
      { cat out; exit 1; }
    expect_grep "SKIPPED" out &&
    ! RUNWAY_REQUIRE_CORPUS=1 RUNWAY_CORPUS="$TRASH/no-corpus" "$unit_dir/$t" >out 2>&1 || exit 1
  done
'

test_expect_success '.ci/run requires the corpus' '
  expect_grep "^export RUNWAY_REQUIRE_CORPUS=1" "$RUNWAY_SOURCE_DIR/.ci/run"
'

test_done
