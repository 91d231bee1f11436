#!/bin/sh
# migrate -dryRunOutput: writes the SQL migrate would run and changes nothing.
# backends: sqlite postgresql mysql
. ./lib.sh

# What the database looks like: schema dump, plus the file itself on SQLite.
snapshot() {
  db_schema >"$1.schema" 2>&1
  rw info -outputType=json 2>/dev/null | grep -v -e timestamp -e '"installedOnUTC"' >"$1.info"
  if [ "$RUNWAY_TEST_BACKEND" = sqlite ]; then cp "$DB_FILE" "$1.db"; fi
}

same_snapshot() {
  test_cmp "$1.schema" "$2.schema" && test_cmp "$1.info" "$2.info" &&
  if [ "$RUNWAY_TEST_BACKEND" = sqlite ]; then cmp "$1.db" "$2.db"; fi
}

mkdir -p sql
cat >sql/V2__add.sql <<'SQL'
CREATE TABLE ${tbl}_t (id INT, note VARCHAR(20) DEFAULT 'it''s');
SQL

test_expect_success 'setup: one applied, two pending migrations' '
  write_migration V1__base.sql "CREATE TABLE base_t (id INT);" &&
  rw migrate -target=1 >/dev/null 2>&1 &&
  write_migration R__view.sql "CREATE VIEW base_v AS SELECT id FROM base_t;" &&
  snapshot before
'

test_expect_success 'dry run to a file leaves the database byte-identical' '
  rw migrate -placeholders.tbl=added -dryRunOutput=dry.sql 2>err &&
  snapshot after &&
  same_snapshot before after &&
  expect_grep "the database was not changed" err
'

test_expect_success 'a dry run says would apply, never done or successfully applied' '
  rw migrate -placeholders.tbl=added -dryRunOutput=dry.sql 2>err &&
  expect_grep "^  would apply \[1/2\] V2__add.sql$" err &&
  expect_grep "^  would apply \[2/2\] R__view.sql$" err &&
  expect_grep "Dry run: would apply 2 migrations to schema .*; nothing was executed" err &&
  ! grep -i "done \[\|successfully applied" err
'

test_expect_success 'the file holds the migration SQL with placeholders resolved' '
  expect_grep "CREATE TABLE added_t" dry.sql &&
  ! grep -q "CREATE TABLE base_t" dry.sql &&
  ! grep -q "\${tbl}" dry.sql &&
  expect_grep "CREATE VIEW base_v" dry.sql
'

test_expect_success 'the file holds the history rows migrate would insert' '
  expect_grep "INSERT INTO .*flyway_schema_history.*V2__add.sql" dry.sql &&
  expect_grep "INSERT INTO .*flyway_schema_history.*R__view.sql" dry.sql &&
  test $(grep -c "INSERT INTO" dry.sql) -eq 2
'

test_expect_success 'check still sees both migrations pending' '
  rw check -placeholders.tbl=added; test $? -eq 2
'

test_expect_success 'dryRunOutput=- writes to stdout' '
  rw migrate -placeholders.tbl=added -dryRunOutput=- >out 2>/dev/null &&
  expect_grep "CREATE TABLE added_t" out &&
  snapshot after2 && same_snapshot before after2
'

test_expect_success 'group=true: one transaction around all migrations' '
  rw migrate -placeholders.tbl=added -group=true -dryRunOutput=group.sql 2>/dev/null &&
  test $(grep -c "^BEGIN;\|^START TRANSACTION;" group.sql) -eq 1 &&
  test $(grep -c "^COMMIT;" group.sql) -eq 1 &&
  snapshot after3 && same_snapshot before after3
'

test_expect_success 'stdout cannot hold both the SQL and the JSON result' '
  must_fail rw migrate -placeholders.tbl=added -dryRunOutput=- -outputType=json &&
  expect_grep "both write to stdout" out
'

test_expect_success 'an unresolved placeholder fails the dry run like migrate' '
  must_fail rw migrate -dryRunOutput=dry2.sql &&
  expect_grep "No value provided for placeholder" err
'

test_expect_success 'a dry run on an empty database includes the history table DDL' '
  db_reset && rm -f dry3.sql &&
  rw migrate -placeholders.tbl=added -dryRunOutput=dry3.sql 2>/dev/null &&
  expect_grep "CREATE TABLE .*flyway_schema_history" dry3.sql &&
  test $(grep -c "INSERT INTO" dry3.sql) -eq 3
'

if [ "$RUNWAY_TEST_BACKEND" = sqlite ]; then
test_expect_success 'applying the dry run file gives the schema migrate gives' '
  db_reset && db_client_apply dry3.sql && db_schema >client.schema &&
  rw check -placeholders.tbl=added &&
  db_reset && rw migrate -placeholders.tbl=added >/dev/null 2>&1 && db_schema >migrate.schema &&
  test_cmp migrate.schema client.schema
'
fi

test_done
