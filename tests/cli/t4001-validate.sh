#!/bin/sh
# validate: what passes, what fails with which message, the
# ignoreMigrationPatterns rules, and that validate never writes.
# backends: sqlite postgresql mysql
. ./lib.sh
q="'"   # a single quote, for SQL inside the test bodies

test_expect_success 'setup: three applied migrations and a repeatable' '
	for i in 1 2 3; do write_migration "V${i}__m$i.sql" "CREATE TABLE m$i (id INT);" || exit 1; done &&
	write_migration R__rep.sql "CREATE VIEW rep AS SELECT 1 AS x;" &&
	rw migrate
'

test_expect_success 'validate passes and reports the count' '
	db_state >before &&
	rw validate >out 2>err &&
	expect_grep "Successfully validated 4 migrations" err &&
	db_state >after && test_cmp before after
'

test_expect_success 'one migration is validated in the singular, by validate and by migrate' '
	mkdir -p one && echo "CREATE TABLE only_t (id INT);" >one/V1__only.sql &&
	one() { "$RUNWAY_BIN" -url="jdbc:sqlite:$TRASH/one.db" -locations=filesystem:one "$@"; } &&
	one migrate >out 2>err && one migrate >out 2>err &&
	expect_grep "Successfully validated 1 migration (" err &&
	one validate >out 2>err &&
	expect_grep "Successfully validated 1 migration (" err
'

test_expect_success 'a pending migration fails plain validate' '
	write_migration V4__m4.sql "CREATE TABLE m4 (id INT);" &&
	must_fail rw validate &&
	expect_grep "Validate failed: Migrations have failed validation" err &&
	expect_grep "Detected resolved migration not applied to database: 4" err
'

test_expect_success 'ignoreMigrationPatterns=*:pending accepts it' '
	rw -ignoreMigrationPatterns="*:pending" validate &&
	rw -ignoreMigrationPatterns="versioned:pending" validate
'

test_expect_success 'repeatable:pending does not cover a versioned pending migration' '
	must_fail rw -ignoreMigrationPatterns="repeatable:pending" validate &&
	rm sql/V4__m4.sql
'

test_expect_success 'an invalid ignoreMigrationPatterns value is a configuration error' '
	must_fail rw -ignoreMigrationPatterns="*:sometimes" validate &&
	expect_grep "sometimes" err
'

test_expect_success 'a checksum mismatch names the version and both checksums' '
	write_migration V2__m2.sql "CREATE TABLE m2 (id INT); -- changed" &&
	db_state >before &&
	must_fail rw validate &&
	expect_grep "Migration checksum mismatch for migration version 2" err &&
	applied=$(history_rows | sed -n 2p | cut -d"|" -f6) &&
	expect_grep "Applied to database : $applied" err &&
	expect_grep "Either revert the changes to the migration, or run repair" err &&
	db_state >after && test_cmp before after &&
	write_migration V2__m2.sql "CREATE TABLE m2 (id INT);" &&
	rw validate
'

test_expect_success 'line endings and blank lines do not change checksums' '
	printf "CREATE TABLE m2 (id INT);\r\n\r\n" >sql/V2__m2.sql &&
	rw validate &&
	write_migration V2__m2.sql "CREATE TABLE m2 (id INT);"
'

test_expect_success 'a migration deleted after apply fails validate as missing' '
	mv sql/V1__m1.sql m1.away &&
	must_fail rw validate &&
	expect_grep "Detected applied migration not resolved locally: 1" err &&
	rw -ignoreMigrationPatterns="*:missing" validate &&
	mv m1.away sql/V1__m1.sql
'

test_expect_success 'a future migration is accepted by default, not with patterns emptied' '
	mv sql/V3__m3.sql m3.away &&
	rw validate &&
	must_fail rw -ignoreMigrationPatterns= validate &&
	expect_grep "Detected applied migration not resolved locally: 3" err &&
	mv m3.away sql/V3__m3.sql
'

test_expect_success 'an ignored (out of order) migration fails with a hint' '
	write_migration V1_5__late.sql "CREATE TABLE late (id INT);" &&
	must_fail rw validate &&
	expect_grep "Detected resolved migration not applied to database: 1.5" err &&
	expect_grep "ignoreMigrationPatterns=.\*:ignored" err &&
	expect_grep "outOfOrder=true" err &&
	rw -outOfOrder=true -ignoreMigrationPatterns="*:pending" validate &&
	rw -ignoreMigrationPatterns="*:ignored" validate &&
	rm sql/V1_5__late.sql
'

test_expect_success 'a changed repeatable (Outdated) fails plain validate, not with *:pending' '
	write_migration R__rep.sql "CREATE VIEW rep AS SELECT 2 AS x;" &&
	must_fail rw validate &&
	expect_grep "rep" err &&
	rw -ignoreMigrationPatterns="*:pending" validate &&
	write_migration R__rep.sql "CREATE VIEW rep AS SELECT 1 AS x;"
'

test_expect_success 'a changed description fails validate' '
	mv sql/V2__m2.sql sql/V2__renamed.sql &&
	must_fail rw validate &&
	expect_grep "description" err &&
	mv sql/V2__renamed.sql sql/V2__m2.sql
'

test_expect_success 'a failed row fails validate with the repair hint' '
	db_sql "INSERT INTO ${HISTORY_SCHEMA}.flyway_schema_history (installed_rank, version, description, type, script, checksum, installed_by, execution_time, success) VALUES (99, '"'"'3.5'"'"', '"'"'bad'"'"', '"'"'SQL'"'"', '"'"'V3_5__bad.sql'"'"', 1, '"'"''"'"', 0, FALSE)" &&
	write_migration V3_5__bad.sql "SELECT 1;" &&
	must_fail rw validate &&
	expect_grep "Detected failed migration to version 3.5 (bad)" err &&
	expect_grep "run repair" err
'

test_expect_success 'validate without a history table fails only on pending migrations' '
	db_reset &&
	must_fail rw validate &&
	expect_grep "Detected resolved migration not applied to database" err &&
	rw -ignoreMigrationPatterns="*:pending" validate
'

test_expect_success 'beforeValidate and afterValidate callbacks run' '
	rm -f sql/V3_5__bad.sql &&
	rw migrate &&
	write_migration beforeValidate.sql "CREATE TABLE before_v (id INT);" &&
	write_migration afterValidate.sql "CREATE TABLE after_v (id INT);" &&
	rw validate &&
	db_sql "SELECT COUNT(*) FROM before_v" && db_sql "SELECT COUNT(*) FROM after_v"
'

test_expect_success 'a history row with an invalid version: a clear error naming the rank' '
	rm -f sql/beforeValidate.sql sql/afterValidate.sql &&
	db_sql "INSERT INTO flyway_schema_history (installed_rank, version, description, type, script, checksum, installed_by, execution_time, success) VALUES (99, ${q}1.x${q}, ${q}bad${q}, ${q}SQL${q}, ${q}V1_x__bad.sql${q}, 0, ${q}me${q}, 0, true)" &&
	must_fail rw validate &&
	expect_grep "holds an invalid version ${q}1.x${q} at installed_rank 99" err &&
	must_fail rw info &&
	expect_grep "installed_rank 99" err &&
	db_sql "DELETE FROM flyway_schema_history WHERE installed_rank = 99" &&
	rw validate
'

test_done
