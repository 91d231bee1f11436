#!/bin/sh
# runway lint measured against squawk (npm squawk-cli, pinned in
# tests/lint-compare) on the PostgreSQL sets of the corpus: every squawk
# safety finding needs a runway finding on the same statement, or an entry
# with the reason runway is right in tests/lint-compare/squawk-exceptions.txt.
# backends: sqlite
# A third-party comparison, not run again under the sanitizers: t6550-lint
# runs the lint code there.
# label: nosan
. ./lib.sh

require_corpus
COMPARE=$RUNWAY_SOURCE_DIR/tests/lint-compare
SQUAWK=$COMPARE/node_modules/.bin/squawk
[ -x "$SQUAWK" ] || skip_all "squawk is not installed in $COMPARE (tools/deps.sh test installs it)"

test_expect_success 'squawk runs offline from its npm package' '
  "$SQUAWK" --version >out &&
  expect_grep "squawk 2.66" out
'

# squawk takes minutes on the corpus here (most of it on pagila's COPY data): run it once.
"$COMPARE/compare.sh" "$RUNWAY_BIN" "$SQUAWK" "$CORPUS" >"$TRASH/unmatched" 2>&1

test_expect_success 'every squawk safety finding on the corpus has a runway finding or a listed reason' '
  awk "NR == FNR { if (\$0 !~ /^#/) listed[\$1 \" \" \$2] = 1; next } !((\$1 \" \" \$2) in listed)" \
    "$COMPARE/squawk-exceptions.txt" unmatched >missing &&
  if [ -s missing ]; then echo "squawk findings runway lacks:"; cat missing; exit 1; fi
'

test_expect_success 'every listed exception is still a squawk finding runway does not share' '
  awk "NR == FNR { seen[\$1 \" \" \$2] = 1; next } !/^#/ && !((\$1 \" \" \$2) in seen)" \
    unmatched "$COMPARE/squawk-exceptions.txt" >stale &&
  if [ -s stale ]; then echo "listed but no longer reported:"; cat stale; exit 1; fi
'

test_expect_success 'no finding on COPY data, on files that use CONCURRENTLY correctly, or on given placeholders' '
  "$RUNWAY_BIN" lint -dialect=postgresql -locations="filesystem:$CORPUS/pagila-postgres" -lintFormat=json >p.json;
  jq -e "[.findings[] | select(.path | test(\"V2__data\"))] | length == 0" p.json &&
  "$RUNWAY_BIN" lint -dialect=postgresql -locations="filesystem:$CORPUS/conductor-postgres" -lintFormat=json >c.json;
  jq -e "[.findings[] | select(.path | test(\"V9__indexing_index_fix\"))] | length == 0" c.json &&
  "$RUNWAY_BIN" lint -dialect=postgresql -locations="filesystem:$CORPUS/conductor-external-postgres" \
    -placeholders.tableName=external.external_payload -placeholders.maxDataRows=9223372036854775807 \
    -placeholders.maxDataDays="'"'"'0'"'"'" -placeholders.maxDataMonths="'"'"'0'"'"'" \
    -placeholders.maxDataYears="'"'"'1'"'"'" -lintFormat=json >x.json;
  jq -e "[.findings[] | select(.ruleId == \"RW003\" or .ruleId == \"RW004\" or .ruleId == \"RW011\")] | length == 0" x.json
'

test_done
