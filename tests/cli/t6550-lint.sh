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
-- runway:ignore RW104 unused since release 12
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
  expect_grep "0 errors, 3 warnings" out
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
printf "%s\n" "SET lock_timeout = '5s'; SET statement_timeout = '1min';" "CREATE INDEX o_user ON orders (user_id);" \
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
  jq -e ".operation == \"lint\" and .errors == 1 and .warnings == 3 and .filesChecked == 1" out.json &&
  jq -e "[.findings[] | select(.ruleId == \"RW102\" and .line == 5 and .severity == \"error\" and .path == \"risky/V5__risky.sql\")] | length == 1" out.json
'

test_expect_success '-outputType=json prints the same object once' '
  lint -dialect=postgresql -locations=filesystem:risky -outputType=json >out.json; test $? -eq 1 &&
  jq -e ".findings | length == 4" out.json &&
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

test_expect_success 'GitLab Code Quality output: one issue per finding with a fingerprint' '
  lint -dialect=postgresql -locations=filesystem:risky -lintFormat=gitlab >cq.json; test $? -eq 1 &&
  jq -e "type == \"array\" and length == 4" cq.json &&
  jq -e "[.[] | select(.check_name == \"RW102\" and .severity == \"major\" and .location.path == \"risky/V5__risky.sql\" and .location.lines.begin == 5 and .location.lines.end == 5)] | length == 1" cq.json &&
  jq -e "[.[] | select(.check_name == \"RW101\" and .severity == \"minor\")] | length == 1" cq.json &&
  jq -e "[.[].fingerprint] | unique | length == 4" cq.json &&
  jq -e "all(.[]; .type == \"issue\" and (.description | test(\"^RW[0-9]+ \")))" cq.json
'

test_expect_success 'GitLab fingerprints stay the same between runs' '
  lint -dialect=postgresql -locations=filesystem:risky -lintFormat=gitlab >cq2.json; test $? -eq 1 &&
  test "$(jq -c "[.[].fingerprint]" cq.json)" = "$(jq -c "[.[].fingerprint]" cq2.json)"
'

test_expect_success 'GitHub Actions output: one workflow command per finding' '
  lint -dialect=postgresql -locations=filesystem:risky -lintFormat=github >gh.txt; test $? -eq 1 &&
  test "$(wc -l <gh.txt)" = 4 &&
  expect_grep "^::error file=risky/V5__risky.sql,line=5,title=RW102 not-null-without-default::column age" gh.txt &&
  expect_grep "^::warning file=risky/V5__risky.sql,line=1,title=RW101 index-without-concurrently::" gh.txt
'

mkdir -p ghesc
printf "%s\n" "SET lock_timeout = '"'"'5s'"'"'; SET statement_timeout = '"'"'1min'"'"';" \
  "ALTER TABLE \"a,b:c\" DROP COLUMN \"x%y\";" >"ghesc/V1__esc,a:b.sql"

test_expect_success 'GitHub Actions output escapes %, newlines, commas and colons' '
  lint -dialect=postgresql -locations=filesystem:ghesc -lintFormat=github >gh.txt &&
  expect_grep "^::warning file=ghesc/V1__esc%2Ca%3Ab.sql,line=2,title=RW104 drop-column::DROP COLUMN a,b:c.x%25y" gh.txt
'

mkdir -p mixed
printf "%s\n" "CREATE TABLE t (id int);" "CREATE INDEX CONCURRENTLY t_id ON t (id);" >mixed/V1__mixed.sql

test_expect_success 'a script with executeInTransaction=false in its .conf may mix, as in migrate' '
  { lint -dialect=postgresql -locations=filesystem:mixed >out; test $? -eq 1; } &&
  expect_grep "mixed/V1__mixed.sql:2: error RW005" out &&
  echo "executeInTransaction=false" >mixed/V1__mixed.sql.conf &&
  lint -dialect=postgresql -locations=filesystem:mixed >out &&
  ! grep -q RW005 out
'

mkdir -p style
printf "%s\n" "CREATE TABLE t (id serial PRIMARY KEY, name varchar(20));" \
  "CREATE WIDGET w;" >style/V1__style.sql

test_expect_success 'unclassified statements are counted, and listed with -lintVerbose' '
  lint -dialect=postgresql -locations=filesystem:style >out &&
  expect_grep "1 of 2 statements not classified, so no rule checked it (-lintVerbose lists them)" out &&
  ! grep -q "CREATE WIDGET" out &&
  lint -dialect=postgresql -locations=filesystem:style -lintVerbose=true >out &&
  expect_grep "style/V1__style.sql:2: not classified: CREATE WIDGET w" out &&
  lint -dialect=postgresql -locations=filesystem:style -lintFormat=json >out.json &&
  jq -e ".statements == 2 and (.unclassified | length == 1) and .unclassified[0].line == 2" out.json
'

mkdir -p typo
printf "%s\n" "SELECT 1;" "ALTER TABEL users ADD COLUMN x int NOT NULL;" "SELCT garbage;" >typo/V1__typo.sql

test_expect_success 'a misspelt keyword at the start of a statement is an error' '
  { lint -dialect=postgresql -locations=filesystem:typo >out; test $? -eq 1; } &&
  expect_grep "typo/V1__typo.sql:2: error RW011 (syntax-error): ALTER TABEL: .TABEL. is not something PostgreSQL can ALTER; did you mean TABLE?" out &&
  expect_grep "typo/V1__typo.sql:3: error RW011 (syntax-error): .SELCT. does not start a PostgreSQL statement; did you mean SELECT?" out
'

test_expect_success 'style rules run only when lintEnable names them' '
  lint -dialect=postgresql -locations=filesystem:style >out &&
  ! grep -q "RW20" out &&
  lint -dialect=postgresql -locations=filesystem:style -lintEnable=style >out &&
  expect_grep "note RW202 (prefer-identity)" out &&
  expect_grep "note RW203 (prefer-text)" out &&
  lint -dialect=postgresql -locations=filesystem:style -lintEnable=RW203 >out &&
  ! grep -q RW202 out &&
  must_fail lint -dialect=postgresql -lintEnable=RW299 &&
  expect_grep "Unknown rule .RW299. in lintEnable" err
'

mkdir -p supp
cat >supp/V1__supp.sql <<'SQL'
-- runway:ignore-file RW106 RW116 the table is small; a short lock is fine
-- runway:ignore RW105 nothing is dropped here
SELECT 1;
ALTER TABLE users DROP COLUMN a; -- runway:ignore RW104 unused since v12
-- runway:ignore the reason without a rule
ALTER TABLE users DROP COLUMN b;
SQL

test_expect_success 'suppressions: statement and file level, rule id required, unused ones reported' '
  { lint -dialect=postgresql -locations=filesystem:supp >out; test $? -eq 1; } &&
  ! grep -q "supp/V1__supp.sql:4: .*RW104" out &&
  ! grep -q "RW106\|RW116" out &&
  expect_grep "supp/V1__supp.sql:2: warning RW013 (unused-suppression): runway:ignore RW105 silences nothing here" out &&
  expect_grep "supp/V1__supp.sql:5: error RW012 (invalid-suppression)" out &&
  expect_grep "supp/V1__supp.sql:6: warning RW104" out &&
  expect_grep "(3 suppressed)" out
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
