#!/bin/sh
# repair, baseline and clean: what each changes, what each refuses, and
# that a refusal leaves the database exactly as before.
# backends: sqlite postgresql mysql
. ./lib.sh

add_failed_row() { # rank version description
	db_sql "INSERT INTO ${HISTORY_SCHEMA}.flyway_schema_history (installed_rank, version, description, type, script, checksum, installed_by, execution_time, success) VALUES ($1, '$2', '$3', 'SQL', 'V$2__$3.sql', 42, 'me', 5, FALSE)"
}

test_expect_success 'setup: two applied migrations' '
	write_migration V1__one.sql "CREATE TABLE one (id INT);" &&
	write_migration V2__two.sql "CREATE TABLE two (id INT);" &&
	rw migrate
'

test_expect_success 'repair with nothing to do says so and changes nothing' '
	db_state >before &&
	rw repair >out 2>err &&
	expect_grep "not necessary. No failed migration detected." err &&
	db_state >after && test_cmp before after
'

test_expect_success 'repair removes failed rows' '
	add_failed_row 3 3 three &&
	write_migration V3__three.sql "CREATE TABLE three (id INT);" &&
	must_fail rw migrate &&
	rw repair -outputType=json >out &&
	jq -e ".migrationsRemoved | length == 1" out &&
	jq -e ".repairActions == [\"Removed failed migrations\"]" out &&
	history_rows | cut -d"|" -f2 >got && printf "1\n2\n" >expect && test_cmp expect got &&
	rw migrate &&
	history_rows | tail -1 | cut -d"|" -f2,7 >got && echo "3|1" >expect && test_cmp expect got
'

test_expect_success 'repair aligns a changed checksum and description' '
	printf "CREATE TABLE two (id INT); -- reworded\n" >sql/V2__two.sql &&
	must_fail rw validate &&
	rw repair -outputType=json >out &&
	jq -e ".migrationsAligned | length == 1" out &&
	jq -e ".repairActions | index(\"Aligned applied migration checksums\") != null" out &&
	rw validate &&
	test "$(history_rows | sed -n 2p | cut -d"|" -f6)" = 1587532878
'

test_expect_success 'repair aligns a renamed description' '
	mv sql/V2__two.sql sql/V2__second_table.sql &&
	must_fail rw validate &&
	rw repair &&
	rw validate &&
	test "$(history_rows | sed -n 2p | cut -d"|" -f3)" = "second table"
'

test_expect_success 'repair marks a deleted migration with a DELETE row' '
	mv sql/V1__one.sql one.away &&
	must_fail rw validate &&
	rw repair -outputType=json >out &&
	jq -e ".migrationsDeleted | length == 1" out &&
	jq -e ".repairActions == [\"Marked missing migrations as deleted\"]" out &&
	history_rows | tail -1 | cut -d"|" -f2,3,4,7 >got && echo "1|one|DELETE|1" >expect && test_cmp expect got &&
	rw validate &&
	mv one.away sql/V1__one.sql
'

test_expect_success 'repair without a history table changes nothing' '
	db_reset &&
	db_state >before &&
	rw repair 2>err &&
	db_state >after && test_cmp before after
'

test_expect_success 'baseline on an empty database writes Flyway'"'"'s baseline row' '
	rw baseline >out 2>err &&
	expect_grep "Successfully baselined schema with version: 1" err &&
	history_rows >got &&
	echo "1|1|<< Flyway Baseline >>|BASELINE|<< Flyway Baseline >>||1" >expect &&
	test_cmp expect got
'

test_expect_success 'baseline again with the same settings is a no-op' '
	db_state >before &&
	rw baseline 2>err &&
	db_state >after && test_cmp before after
'

test_expect_success 'baseline with another version on a baselined table fails' '
	db_state >before &&
	must_fail rw -baselineVersion=5 baseline &&
	expect_grep "Unable to baseline" err &&
	db_state >after && test_cmp before after
'

test_expect_success 'migrate after baseline applies only versions above it' '
	rw migrate &&
	history_rows | cut -d"|" -f2,4 >got && printf "1|BASELINE\n2|SQL\n3|SQL\n" >expect && test_cmp expect got
'

test_expect_success 'baseline on a table with migrations fails, database unchanged' '
	db_state >before &&
	must_fail rw -baselineVersion=7 baseline &&
	expect_grep "as it already contains migrations" err &&
	db_state >after && test_cmp before after
'

test_expect_success 'baseline with custom version and description on a non-empty schema' '
	db_reset && db_sql "CREATE TABLE legacy (id INT)" &&
	rw -baselineVersion=2.5 "-baselineDescription=Before runway" baseline &&
	history_rows >got &&
	echo "1|2.5|Before runway|BASELINE|Before runway||1" >expect && test_cmp expect got &&
	rw migrate &&
	history_rows | cut -d"|" -f2 >got && printf "2.5\n3\n" >expect && test_cmp expect got
'

test_expect_success 'clean is refused by default and changes nothing' '
	db_state >before &&
	must_fail rw clean &&
	expect_grep "cleanDisabled" err &&
	db_state >after && test_cmp before after
'

test_expect_success 'clean with cleanDisabled=false drops every object and the history' '
	rw -cleanDisabled=false clean 2>err &&
	expect_grep "Successfully cleaned schema" err &&
	! db_sql "SELECT COUNT(*) FROM legacy" 2>/dev/null &&
	! db_sql "SELECT COUNT(*) FROM three" 2>/dev/null &&
	! db_sql "SELECT COUNT(*) FROM ${HISTORY_SCHEMA}.flyway_schema_history" 2>/dev/null &&
	rw info >out && expect_grep "| 1 .*| Pending " out
'

test_expect_success 'clean then migrate in one call rebuilds the schema' '
	rw migrate &&
	rw -cleanDisabled=false clean migrate &&
	history_rows | cut -d"|" -f2 >got && printf "1\n2\n3\n" >expect && test_cmp expect got
'

test_expect_success 'beforeClean/afterClean and beforeRepair callbacks run' '
	db_sql "CREATE TABLE cb (ev VARCHAR(20))" &&
	write_migration beforeRepair.sql "INSERT INTO cb VALUES ('"'"'beforeRepair'"'"');" &&
	write_migration afterRepair.sql "INSERT INTO cb VALUES ('"'"'afterRepair'"'"');" &&
	rw repair &&
	db_sql "SELECT ev FROM cb ORDER BY ev" >got && printf "afterRepair\nbeforeRepair\n" >expect && test_cmp expect got &&
	rm sql/beforeRepair.sql sql/afterRepair.sql &&
	write_migration afterClean.sql "CREATE TABLE after_clean (id INT);" &&
	rw -cleanDisabled=false clean &&
	db_sql "SELECT COUNT(*) FROM after_clean"
'

test_done
