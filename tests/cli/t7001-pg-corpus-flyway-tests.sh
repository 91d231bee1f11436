#!/usr/bin/env bash
# backends: postgresql
# Flyway's own PostgreSQL test fixtures, one migration set per sub-folder:
# runway must leave the same schema (and row counts) as psql.
. ./lib.sh
[ "$RUNWAY_TEST_BACKEND" = postgresql ] || skip_all "PostgreSQL only"
require_corpus
. "$RUNWAY_SOURCE_DIR/tests/lib/pg-corpus.sh"

# "warning" is meant to fail (see t7020).  Flyway ran "index" and "vacuum" (CREATE TABLE next to a statement that
# cannot run in a transaction) with mixed=true.
for dir in "$CORPUS"/flyway-tests-postgresql/*/; do
  sub=$(basename "$dir")
  [ "$sub" = warning ] && continue
  args=
  case "$sub" in index|vacuum) args=-mixed=true ;; esac
  test_expect_success "flyway-tests-postgresql/$sub: runway and psql leave the same schema" "
    compare_set ft-$sub '$dir' $args
  "
done

# The results Flyway's own tests assert for these fixtures.
fixture_result() { # SUB SQL EXPECTED
  db_reset &&
  timeout 120 "$RUNWAY_BIN" -url="$DB_URL" -locations="filesystem:$CORPUS/flyway-tests-postgresql/$1" migrate >out 2>&1 &&
  test "$(db_sql "$2")" = "$3"
}
test_expect_success 'flyway fixtures: the values Flyway asserts' '
  fixture_result dollar "SELECT count(*) FROM dollar" 9 &&
  fixture_result copy "SELECT count(*) FROM copy_test" 6 &&
  fixture_result trigger "SELECT count(*) FROM test4" 10 &&
  fixture_result procedure "SELECT value FROM test_data" Hello &&
  fixture_result multiline "SELECT count(*) FROM address" 1 &&
  fixture_result view "SELECT value FROM \"\"\"v\"\"\"" 150 &&
  fixture_result domain "SELECT x FROM t" foo &&
  fixture_result enum "SELECT x FROM t" positive
'

test_done
