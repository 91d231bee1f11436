#!/bin/sh
# The PostgreSQL splitter cuts a script where PostgreSQL's own parser
# (libpg-query) does: a small, fixed-seed run of tests/fuzz/pgdiff (make
# fuzz runs it longer, with random seeds).
. ./lib.sh

pgdiff=$RUNWAY_SOURCE_DIR/tests/fuzz/pgdiff
split_dump=$(dirname "$RUNWAY_BIN")/tests/fuzz/split_dump
command -v node >/dev/null && command -v npm >/dev/null || skip_all "node and npm are needed"
"$pgdiff/install.sh" || skip_all "npm ci failed in tests/fuzz/pgdiff"

test_expect_success 'generated scripts split into the statements PostgreSQL parses' '
  node "$pgdiff/pgdiff.js" --dump "$split_dump" --seed 1 --count 1500 --cr >out 2>&1 ||
    { cat out; false; } &&
  expect_grep "0 differences" out
'

test_expect_success 'the hand-picked PostgreSQL seeds split as PostgreSQL parses them' '
  printf "SELECT 1;\nSELECT \$\$;\$\$;\nCREATE FUNCTION g() RETURNS int LANGUAGE sql BEGIN ATOMIC SELECT 1; SELECT 2; END;\n" >a.sql &&
  node "$pgdiff/pgdiff.js" --dump "$split_dump" --count 1 a.sql >out 2>&1 ||
    { cat out; false; } &&
  expect_grep "0 differences" out
'

# A splitter that always answers one statement, "SELECT 1".
cat >bad_dump <<'EOF'
#!/bin/sh
echo '{"ok":true,"statements":[{"sql":"SELECT 1","line":1,"copy":false}]}'
EOF
chmod +x bad_dump

test_expect_success 'a cut in the wrong place is reported as a difference' '
  printf "SELECT 1; SELECT 2;\n" >two.sql &&
  ! node "$pgdiff/pgdiff.js" --dump "$TRASH/bad_dump" --count 1 two.sql >out 2>&1 &&
  expect_grep "runway finds 1 statements, PostgreSQL 2" out
'

test_done
