#!/bin/sh
# undo: U files, UNDO_SQL rows, the Undone state, and migrating again.
# backends: sqlite postgresql mysql
. ./lib.sh

history_types() {
  db_sql "SELECT version, type, success FROM flyway_schema_history ORDER BY installed_rank" |
    tr -d ' ' | sed -e 's/|t$/|1/' -e 's/|f$/|0/'
}

test_expect_success 'setup: three migrations with undo files' '
  write_migration V1__one.sql "CREATE TABLE t_one (id INT);" &&
  write_migration U1__one.sql "DROP TABLE t_one;" &&
  write_migration V2__two.sql "CREATE TABLE t_two (id INT);" &&
  write_migration U2__two.sql "DROP TABLE t_two;" &&
  write_migration V3__three.sql "CREATE TABLE t_three (id INT);" &&
  write_migration U3__three.sql "DROP TABLE t_three;" &&
  rw migrate >/dev/null 2>&1 &&
  db_schema >schema && expect_grep t_three schema
'

test_expect_success 'undo reverts the latest versioned migration and records UNDO_SQL' '
  rw undo >out 2>err &&
  expect_grep "now at version 2" err &&
  db_schema >schema && ! grep -q t_three schema && expect_grep t_two schema &&
  history_types >h && expect_grep "^3|UNDO_SQL|1$" h
'

test_expect_success 'info shows the migration Undone and pending again' '
  rw info -outputType=json >info.json &&
  jq -e "[.migrations[] | select(.version == \"3\") | .state] == [\"Undone\", \"Pending\"]" info.json &&
  jq -e ".schemaVersion == \"2\"" info.json &&
  rw info >info.txt && expect_grep "Undone" info.txt
'

test_expect_success 'check reports the undone migration as pending' '
  rw check; test $? -eq 2
'

test_expect_success 'undo -target=1 undoes everything above version 1, newest first' '
  write_migration V3__three.sql "CREATE TABLE t_three (id INT);" &&
  rw migrate >/dev/null 2>&1 &&
  rw undo -target=1 -outputType=json >undo.json &&
  jq -e "[.undoneMigrations[].version] == [\"3\", \"2\"] and .migrationsUndone == 2" undo.json &&
  jq -e ".targetSchemaVersion == \"1\" and .success == true" undo.json &&
  db_schema >schema && ! grep -q t_two schema && expect_grep t_one schema
'

test_expect_success 'migrate again re-applies the undone migrations' '
  rw migrate >/dev/null 2>&1 &&
  db_schema >schema && expect_grep t_two schema && expect_grep t_three schema &&
  rw info -outputType=json >info.json &&
  jq -e "[.migrations[] | select(.version == \"2\") | .state] == [\"Undone\", \"Success\"]" info.json &&
  rw validate >/dev/null 2>&1 &&
  rw check >/dev/null 2>&1
'

test_expect_success 'undo again undoes the re-applied run' '
  rw undo >/dev/null 2>&1 &&
  rw info -outputType=json >info.json &&
  jq -e "[.migrations[] | select(.version == \"3\") | .state] == [\"Undone\", \"Undone\", \"Undone\", \"Pending\"]" info.json &&
  rw migrate >/dev/null 2>&1
'

test_expect_success 'a migration without a U file cannot be undone; nothing changes' '
  write_migration V4__four.sql "CREATE TABLE t_four (id INT);" &&
  rw migrate >/dev/null 2>&1 &&
  history_types >before &&
  must_fail rw undo -target=2 &&
  expect_grep "no undo migration U4__four.sql found" err &&
  history_types >after && test_cmp before after &&
  db_schema >schema && expect_grep t_three schema
'

test_expect_success 'a failing undo script fails the command and names the file' '
  write_migration U4__four.sql "DROP TABLE no_such_table_here;" &&
  must_fail rw undo &&
  expect_grep "Undo migration U4__four.sql failed" err &&
  db_schema >schema && expect_grep t_four schema
'

test_expect_success 'the missing undo file is named as files are, with underscores' '
  mkdir -p dotted && echo "CREATE TABLE t_dotted (id INT);" >dotted/V4_1_2__dotted.sql &&
  dotted() { rw -locations=filesystem:dotted -table=dotted_history "$@"; } &&
  dotted -baselineOnMigrate=true -baselineVersion=0 migrate >/dev/null 2>&1 &&
  must_fail dotted undo &&
  expect_grep "Unable to undo migration to version 4.1.2 (dotted): no undo migration U4_1_2__dotted.sql found" err &&
  ! grep "U4\.1\.2" err
'

test_expect_success 'undo on an empty database does nothing' '
  db_reset &&
  rw undo -outputType=json >undo.json &&
  jq -e ".migrationsUndone == 0" undo.json
'

test_done
