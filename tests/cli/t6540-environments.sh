#!/bin/sh
# flyway.toml: [flyway], [environments.NAME], placeholders, ${env.VAR}, -environment.
# backends: sqlite postgresql
. ./lib.sh

mkdir -p sql prodsql
printf '%s\n' 'CREATE TABLE ${tname} (id INT);' >sql/V1__first.sql
printf '%s\n' 'CREATE TABLE prod_only (id INT);' >prodsql/V1__prod.sql
# flyway.conf must be ignored whenever a flyway.toml exists.
printf '%s\n' 'flyway.url=jdbc:sqlite:/nonexistent/conf.db' 'flyway.locations=filesystem:nowhere' >flyway.conf

write_toml() {
  cat >flyway.toml <<TOML
# project settings
[environments.default]
url = "$DB_URL"

[environments.prod]
url = "\${env.RW_TEST_URL}"   # resolved from the environment
[environments.prod.flyway]
locations = ["filesystem:prodsql"]

[flyway]
locations = ["filesystem:sql"]
validateMigrationNaming = true
[flyway.placeholders]
tname = "from_toml"

[runway]
expectVersion = "1"
TOML
}

test_expect_success 'flyway.toml in the working directory wins over flyway.conf' '
  write_toml &&
  "$RUNWAY_BIN" migrate >out 2>&1 &&
  "$RUNWAY_BIN" info >out &&
  expect_grep "first" out &&
  db_schema >schema && expect_grep "from_toml" schema
'

test_expect_success '[runway] settings apply (check reads expectVersion)' '
  "$RUNWAY_BIN" check -outputType=json >out.json &&
  expect_grep "\"expectVersion\": \"1\"" out.json
'

test_expect_success '-environment=prod picks its url (via ${env.VAR}) and its flyway overrides' '
  db_reset &&
  RW_TEST_URL="$DB_URL" "$RUNWAY_BIN" -environment=prod migrate >/dev/null 2>&1 &&
  db_schema >schema && expect_grep "prod_only" schema &&
  ! grep -q from_toml schema
'

test_expect_success 'flyway_environment in the environment selects it too' '
  env RW_TEST_URL="$DB_URL" flyway_environment=prod "$RUNWAY_BIN" info >out 2>&1 &&
  expect_grep "prod" out
'

test_expect_success 'an undefined environment is an error listing the defined ones' '
  must_fail "$RUNWAY_BIN" -environment=staging info &&
  expect_grep "Environment .staging. is not defined in flyway.toml (defined: default, prod)" err
'

test_expect_success 'command-line settings override the environment' '
  must_fail "$RUNWAY_BIN" -url=jdbc:sqlite:/nonexistent/x.db info &&
  expect_grep "nonexistent/x.db" err
'

test_expect_success '-environments.NAME.url on the command line' '
  db_reset &&
  "$RUNWAY_BIN" -environment=prod -environments.prod.url="$DB_URL" migrate >/dev/null 2>&1 &&
  db_schema >schema && expect_grep "prod_only" schema
'

test_expect_success 'a TOML syntax error names the file and line' '
  printf "%s\n" "[flyway]" "locations = [\"filesystem:sql\"" "" >bad.toml &&
  must_fail "$RUNWAY_BIN" -configFiles=bad.toml info &&
  expect_grep "bad.toml:2: unterminated array" err
'

test_expect_success 'a runway setting under [flyway] is rejected with the fix' '
  printf "%s\n" "[flyway]" "expectVersion = \"2\"" >ns.toml &&
  must_fail "$RUNWAY_BIN" -configFiles=ns.toml info &&
  expect_grep "ns.toml:2: .expectVersion. is a runway setting; put it under \[runway\]" err
'

test_expect_success 'an unknown key suggests the right one' '
  printf "%s\n" "[flyway]" "" "locatoins = [\"x\"]" >typo.toml &&
  must_fail "$RUNWAY_BIN" -configFiles=typo.toml info &&
  expect_grep "typo.toml:3: unknown configuration property .locatoins." err &&
  expect_grep "locations" err
'

test_expect_success 'mixing .toml and .conf in -configFiles is an error' '
  must_fail "$RUNWAY_BIN" -configFiles=flyway.toml,flyway.conf info &&
  expect_grep "mixes .toml and .conf" err
'

test_expect_success 'later TOML files override earlier ones' '
  printf "%s\n" "[flyway.placeholders]" "tname = \"second\"" >second.toml &&
  db_reset &&
  "$RUNWAY_BIN" -configFiles=flyway.toml,second.toml migrate >/dev/null 2>&1 &&
  db_schema >schema && expect_grep "second" schema
'

test_expect_success 'without a TOML file flyway.conf is read as before' '
  rm -f flyway.toml && db_reset &&
  printf "%s\n" "flyway.url=$DB_URL" "flyway.placeholders.tname=from_conf" >flyway.conf &&
  "$RUNWAY_BIN" migrate >/dev/null 2>&1 &&
  db_schema >schema && expect_grep "from_conf" schema
'

test_done
