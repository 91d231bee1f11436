#!/bin/sh
# runway lint: offline checks, output formats, exit codes, and the corpus.
# backends: sqlite
. ./lib.sh

lint() { "$RUNWAY_BIN" lint "$@"; }

test_expect_success 'a clean set passes with exit 0' '
  write_migration V1__users.sql "CREATE TABLE users (id INT);" &&
  write_migration V2__orders.sql "CREATE TABLE orders (id INT);" &&
  lint -dialect=sqlite >out &&
  expect_grep "0 errors, 0 warnings in 2 files" out
'

test_expect_success 'the dialect comes from the url when not given' '
  lint -url=jdbc:postgresql://127.0.0.1:1/db >out &&
  expect_grep "0 errors" out
'

test_expect_success 'without a dialect or url lint says what to set' '
  must_fail lint &&
  expect_grep "needs the SQL dialect" err
'

test_expect_success 'naming errors, duplicate versions, placeholders and parse errors' '
  mkdir -p bad &&
  printf "%s\n" "SELECT 1;" >bad/V1__one.sql &&
  printf "%s\n" "SELECT 1;" >bad/V1.0__again.sql &&
  printf "%s\n" "SELECT 1;" >bad/X1__wrong_prefix.sql &&
  printf "%s\n" "SELECT 1;" "CREATE TABLE \${undefined_name} (id INT);" >bad/V2__ph.sql &&
  printf "%s\n" "SELECT 1;" "" "SELECT '"'"'never closed;" >bad/V3__parse.sql &&
  { lint -dialect=sqlite -locations=filesystem:bad >out; test $? -eq 1; } &&
  expect_grep "bad/X1__wrong_prefix.sql:1: error RW001" out &&
  expect_grep "bad/V1__one.sql:1: error RW002 (duplicate-version): version 1 is also used by bad/V1.0__again.sql" out &&
  expect_grep "bad/V2__ph.sql:2: error RW003" out &&
  expect_grep "undefined_name" out &&
  expect_grep "bad/V3__parse.sql:3: error RW004" out &&
  expect_grep "4 errors, 0 warnings in 5 files" out
'

test_expect_success 'a placeholder given in the configuration resolves RW003' '
  lint -dialect=sqlite -locations=filesystem:bad -placeholders.undefined_name=t >out;
  ! grep -q RW003 out
'

mkdir -p risky
cat >risky/V5__risky.sql <<'SQL'
CREATE INDEX users_email ON users (email);
-- runway:lint-ignore RW104 unused since release 12
ALTER TABLE users DROP COLUMN legacy;
ALTER TABLE users
  ADD COLUMN age int NOT NULL;
SQL

test_expect_success 'PostgreSQL risky DDL: rule id, file:line, severity' '
  { lint -dialect=postgresql -locations=filesystem:risky >out; test $? -eq 1; } &&
  expect_grep "risky/V5__risky.sql:1: warning RW101 (index-without-concurrently)" out &&
  expect_grep "risky/V5__risky.sql:1: warning RW106 (missing-lock-timeout)" out &&
  expect_grep "risky/V5__risky.sql:5: error RW102 (not-null-without-default)" out &&
  ! grep -q RW104 out &&
  expect_grep "(1 suppressed)" out
'

test_expect_success 'lintIgnore turns rules off; warnings alone exit 0' '
  lint -dialect=postgresql -locations=filesystem:risky -lintIgnore=RW102 >out &&
  expect_grep "0 errors, 2 warnings" out
'

test_expect_success 'lintFailOn=warning makes warnings fail' '
  must_fail lint -dialect=postgresql -locations=filesystem:risky -lintIgnore=RW102 -lintFailOn=warning
'

test_expect_success 'runway.lockTimeout satisfies RW106' '
  lint -dialect=postgresql -locations=filesystem:risky -lintIgnore=RW102 -lockTimeout=5s >out &&
  ! grep -q RW106 out
'

mkdir -p release
printf "%s\n" "CREATE TABLE users (id int);" >release/V1__users.sql
printf "%s\n" "CREATE TABLE orders (id int, user_id int);" >release/V2__orders.sql
printf "%s\n" "SET lock_timeout = '5s';" "CREATE INDEX o_user ON orders (user_id);" \
  "CREATE INDEX u_id ON users (id);" >release/V10__indexes.sql

test_expect_success 'tables from earlier files count as existing by default' '
  lint -dialect=postgresql -locations=filesystem:release >out &&
  expect_grep "V10__indexes.sql:2: warning RW101.*orders" out &&
  expect_grep "V10__indexes.sql:3: warning RW101.*users" out
'

test_expect_success 'lintSince: tables created by migrations deployed together are new' '
  lint -dialect=postgresql -locations=filesystem:release -lintSince=1 >out &&
  ! grep -q "RW101.*orders" out &&
  expect_grep "V10__indexes.sql:3: warning RW101.*users" out &&
  expect_grep "0 errors, 1 warning in 3 files" out
'

test_expect_success 'an invalid lintSince is an error' '
  must_fail lint -dialect=postgresql -locations=filesystem:release -lintSince=x.y &&
  expect_grep "Invalid lintSince" err
'

test_expect_success 'an unknown rule in lintIgnore is an error' '
  must_fail lint -dialect=postgresql -lintIgnore=RW999 &&
  expect_grep "Unknown rule .RW999." err
'

test_expect_success 'JSON output lists findings with rule, severity, path and line' '
  lint -dialect=postgresql -locations=filesystem:risky -lintFormat=json >out.json; test $? -eq 1 &&
  jq -e ".operation == \"lint\" and .errors == 1 and .warnings == 2 and .filesChecked == 1" out.json &&
  jq -e "[.findings[] | select(.ruleId == \"RW102\" and .line == 5 and .severity == \"error\" and .path == \"risky/V5__risky.sql\")] | length == 1" out.json
'

test_expect_success '-outputType=json prints the same object once' '
  lint -dialect=postgresql -locations=filesystem:risky -outputType=json >out.json; test $? -eq 1 &&
  jq -e ".findings | length == 3" out.json &&
  jq -e ".error.message | test(\"lint found 1 error\")" out.json
'

test_expect_success 'SARIF 2.1.0 output' '
  lint -dialect=postgresql -locations=filesystem:risky -lintFormat=sarif >out.sarif; test $? -eq 1 &&
  jq -e ".version == \"2.1.0\" and (.\"\$schema\" | test(\"sarif-2.1.0\"))" out.sarif &&
  jq -e ".runs[0].tool.driver.name == \"runway\" and (.runs[0].tool.driver.rules | length > 10)" out.sarif &&
  jq -e "[.runs[0].results[] | select(.ruleId == \"RW102\" and .level == \"error\")] | length == 1" out.sarif &&
  jq -e ".runs[0].results[0].locations[0].physicalLocation.artifactLocation.uri == \"risky/V5__risky.sql\"" out.sarif &&
  jq -e "[.runs[0].results[] | .ruleIndex as \$i | .ruleId == \$ARGS.named.r[\$i]] | all" \
     --argjson r "$(jq -c "[.runs[0].tool.driver.rules[].id]" out.sarif)" out.sarif
'

test_expect_success 'JUnit XML output is well-formed with one failure per error' '
  lint -dialect=postgresql -locations=filesystem:risky -lintFormat=junit >out.xml; test $? -eq 1 &&
  xmllint --noout out.xml &&
  test "$(xmllint --xpath "count(//testcase)" out.xml)" = 1 &&
  test "$(xmllint --xpath "count(//failure[@type=\"RW102\"])" out.xml)" = 1 &&
  expect_grep "RW101" out.xml
'

test_expect_success 'an invalid lintFormat is an error' '
  must_fail lint -dialect=sqlite -lintFormat=yaml &&
  expect_grep "Invalid lintFormat" err
'

# Every corpus set (each flyway-tests-* sub-folder on its own) with its own dialect:
# no crash, valid JSON, and no parse error (RW004) - every file there is valid SQL.
test_expect_success_corpus 'lint over every corpus set: no crash, no false parse error' '
  n=0
  for set in "$CORPUS"/*/; do
    set=${set%/}
    case $(basename "$set") in
      *postgres*) dialect=postgresql ;;
      *mysql*|sakila*) dialect=mysql ;;
      *) dialect=sqlite ;;
    esac
    case $(basename "$set") in
      flyway-tests-*) dirs=$(ls -d "$set"/*/) ;;
      *) dirs=$set ;;
    esac
    for d in $dirs; do
      "$RUNWAY_BIN" lint -dialect=$dialect -locations="filesystem:$d" -lintFormat=json >c.json 2>c.err
      rc=$?
      if [ $rc -gt 1 ]; then echo "lint exited $rc on $d"; cat c.err; exit 1; fi
      jq -e ".filesChecked >= 0" c.json >/dev/null || { echo "bad JSON for $d"; exit 1; }
      if jq -e "[.findings[] | select(.ruleId == \"RW004\")] | length > 0" c.json >/dev/null; then
        echo "parse error reported for $d:"; jq ".findings[] | select(.ruleId == \"RW004\")" c.json; exit 1
      fi
      n=$((n + 1))
    done
  done
  echo "linted $n sets"; test $n -ge 60
'

test_done
