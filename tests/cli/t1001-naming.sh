#!/bin/sh
# File naming as Flyway reads it: versions, descriptions, prefixes,
# separators, suffixes, invalid names and duplicate versions.
# backends: sqlite postgresql mysql
. ./lib.sh

test_expect_success 'description turns _ into spaces, version keeps leading zeros' '
	write_migration V01_0__create_user_and_role.sql "CREATE TABLE t1 (id INT);" &&
	write_migration V1_2__acl__expansion.sql "CREATE TABLE t2 (id INT);" &&
	rw migrate &&
	history_rows >actual &&
	cut -d"|" -f1-5 actual >got &&
	printf "%s\n" "1|01.0|create user and role|SQL|V01_0__create_user_and_role.sql" \
		"2|1.2|acl  expansion|SQL|V1_2__acl__expansion.sql" >expect &&
	test_cmp expect got
'

test_expect_success 'V3.sql without description is version 3 with an empty description' '
	write_migration V3.sql "CREATE TABLE t3 (id INT);" &&
	rw migrate &&
	history_rows | sed -n 3p | cut -d"|" -f2-5 >got &&
	echo "3||SQL|V3.sql" >expect &&
	test_cmp expect got
'

test_expect_success 'versions order numerically: 3.9 before 3.10' '
	write_migration V3_10__ten.sql "CREATE TABLE t310 (id INT);" &&
	write_migration V3_9__nine.sql "CREATE TABLE t39 (id INT);" &&
	rw migrate &&
	history_rows | sed -n "4,5p" | cut -d"|" -f2 >got &&
	printf "3.9\n3.10\n" >expect &&
	test_cmp expect got
'

test_expect_success 'suffix match ignores case, prefix match does not' '
	write_migration V4__upper.SQL "CREATE TABLE t4 (id INT);" &&
	write_migration v5__lower.sql "CREATE TABLE t5 (id INT);" &&
	rw migrate 2>err &&
	expect_grep "1 SQL migrations were detected but not run because they did not follow the filename convention" err &&
	history_rows | cut -d"|" -f2 >got &&
	grep -qx 4 got && ! grep -qx 5 got
'

test_expect_success 'files that are not migrations are ignored silently' '
	echo "notes" >sql/README.md &&
	echo "x" >sql/V6__x.txt &&
	db_state >before &&
	rw migrate 2>err &&
	db_state >after && test_cmp before after &&
	! grep -q "README.md" err
'

test_expect_success 'invalid names fail migrate with validateMigrationNaming=true, naming each file' '
	db_state >before &&
	must_fail rw migrate -validateMigrationNaming=true &&
	expect_grep "Invalid SQL filenames found" err &&
	expect_grep "v5__lower.sql" err &&
	db_state >after && test_cmp before after
'

test_expect_success 'validateMigrationNaming=true also fails info and validate' '
	must_fail rw info -validateMigrationNaming=true &&
	expect_grep "v5__lower.sql" err &&
	must_fail rw validate -validateMigrationNaming=true &&
	expect_grep "v5__lower.sql" err
'

test_expect_success 'each kind of invalid name gets its own reason' '
	rm -f sql/v5__lower.sql &&
	write_migration V7_x.sql "SELECT 1;" &&
	write_migration Vabc__bad.sql "SELECT 1;" &&
	write_migration R1__versioned_repeatable.sql "SELECT 1;" &&
	write_migration notes.sql "SELECT 1;" &&
	db_state >before &&
	must_fail rw migrate -validateMigrationNaming=true &&
	expect_grep "Invalid versioned migration name format: V7_x.sql" err &&
	expect_grep "Invalid versioned migration name format: Vabc__bad.sql" err &&
	expect_grep "Invalid repeatable migration / callback name format: R1__versioned_repeatable.sql" err &&
	expect_grep "Unrecognised migration name format: notes.sql" err &&
	db_state >after && test_cmp before after &&
	rm sql/V7_x.sql sql/Vabc__bad.sql sql/R1__versioned_repeatable.sql sql/notes.sql
'

test_expect_success 'duplicate version 8.1 and 8.01 fails naming both files, database unchanged' '
	write_migration V8_1__one.sql "CREATE TABLE t81 (id INT);" &&
	write_migration V8.01__other.sql "CREATE TABLE t801 (id INT);" &&
	db_state >before &&
	must_fail rw migrate &&
	expect_grep "Found more than one migration with version 8" err &&
	expect_grep "V8_1__one.sql" err &&
	expect_grep "V8.01__other.sql" err &&
	db_state >after && test_cmp before after
'

test_expect_success 'duplicate version 8.1 and 8.1.0 also fails, info too' '
	mv sql/V8.01__other.sql sql/V8.1.0__other.sql &&
	must_fail rw info &&
	expect_grep "Found more than one migration with version" err &&
	expect_grep "V8.1.0__other.sql" err &&
	rm sql/V8.1.0__other.sql
'

test_expect_success 'duplicate repeatable description fails naming both files' '
	mkdir -p sql/a sql/b &&
	write_migration a/R__same.sql "SELECT 1;" &&
	write_migration b/R__same.sql "SELECT 2;" &&
	db_state >before &&
	must_fail rw migrate &&
	expect_grep "Found more than one repeatable migration with description same" err &&
	expect_grep "a/R__same.sql" err &&
	expect_grep "b/R__same.sql" err &&
	db_state >after && test_cmp before after &&
	rm -r sql/a sql/b
'

test_expect_success 'custom prefix, repeatable prefix, separator and suffixes' '
	db_reset &&
	mkdir custom &&
	echo "CREATE TABLE c1 (id INT);" >custom/CheckValidate1-first_one.sql &&
	echo "CREATE TABLE c2 (id INT);" >custom/CheckValidate2-second.ddl &&
	echo "CREATE VIEW cv AS SELECT 1 AS x;" >custom/Rep-the_view.ddl &&
	echo "CREATE TABLE ignored (id INT);" >custom/V3__default_prefix.sql &&
	rw -locations=filesystem:custom -sqlMigrationPrefix=CheckValidate \
		-repeatableSqlMigrationPrefix=Rep -sqlMigrationSeparator=- \
		-sqlMigrationSuffixes=.sql,.ddl migrate &&
	history_rows | cut -d"|" -f2-5 >got &&
	printf "%s\n" "1|first one|SQL|CheckValidate1-first_one.sql" \
		"2|second|SQL|CheckValidate2-second.ddl" \
		"|the view|SQL|Rep-the_view.ddl" >expect &&
	test_cmp expect got
'

test_expect_success 'an empty versioned prefix makes 1__First.sql a migration' '
	db_reset &&
	mkdir noprefix &&
	echo "CREATE TABLE np (id INT);" >noprefix/1__First.sql &&
	rw -locations=filesystem:noprefix -sqlMigrationPrefix= migrate &&
	history_rows | cut -d"|" -f2-5 >got &&
	echo "1|First|SQL|1__First.sql" >expect &&
	test_cmp expect got
'

test_expect_success 'a description longer than 200 characters is cut as Flyway cuts it' '
	db_reset &&
	mkdir long &&
	d=$(printf "x%.0s" $(seq 1 210)) &&
	echo "CREATE TABLE lng (id INT);" >"long/V1__$d.sql" &&
	rw -locations=filesystem:long migrate &&
	history_rows | cut -d"|" -f3 >got &&
	printf "%s...\n" "$(printf "x%.0s" $(seq 1 197))" >expect &&
	test_cmp expect got
'

test_expect_success 'a UTF-8 description is stored as is and the table stays aligned' '
	db_reset &&
	mkdir utf &&
	f=$(printf "utf/V1__caf\303\251_cr\303\250me.sql") &&
	echo "CREATE TABLE utf (id INT);" >"$f" &&
	rw -locations=filesystem:utf migrate &&
	test "$(history_rows | cut -d"|" -f3)" = "$(printf "caf\303\251 cr\303\250me")" &&
	rw -locations=filesystem:utf info >out &&
	grep "^[|+]" out | while IFS= read -r line; do printf "%s\n" "$line" | LC_ALL=C.UTF-8 wc -m; done | sort -u >widths &&
	test "$(wc -l <widths)" = 1
'

test_done
