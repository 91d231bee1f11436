#!/bin/sh
# migrate options and file details: BOM and CRLF files, group,
# executeInTransaction, skipExecutingMigrations, outputFile, callbacks
# that fail.
# backends: sqlite postgresql mysql
. ./lib.sh

test_expect_success 'a file with a BOM and CRLF runs and stores Flyway'"'"'s checksum' '
	mkdir sql &&
	printf "\357\273\277CREATE TABLE t (id INT);\r\n" >sql/V1__bom.sql &&
	rw migrate &&
	history_rows | cut -d"|" -f2,6 >got && echo "1|1556295178" >expect && test_cmp expect got
'

test_expect_success 'group=true applies every pending migration in one go' '
	write_migration V2__a.sql "CREATE TABLE ga (id INT);" &&
	write_migration V3__b.sql "CREATE TABLE gb (id INT);" &&
	rw -group=true migrate 2>err &&
	expect_grep "Successfully applied 2 migrations" err &&
	history_rows | cut -d"|" -f2 | tail -2 >got && printf "2\n3\n" >expect && test_cmp expect got
'

test_expect_success 'executeInTransaction=false still applies and records migrations' '
	write_migration V4__notx.sql "CREATE TABLE notx (id INT);" &&
	rw -executeInTransaction=false migrate &&
	history_rows | tail -1 | cut -d"|" -f2,7 >got && echo "4|1" >expect && test_cmp expect got
'

test_expect_success 'a script .conf with executeInTransaction=false is honoured' '
	write_migration V5__conf.sql "CREATE TABLE conf_t (id INT);" &&
	printf "executeInTransaction=false\n" >sql/V5__conf.sql.conf &&
	rw migrate &&
	history_rows | tail -1 | cut -d"|" -f2,5 >got && echo "5|V5__conf.sql" >expect && test_cmp expect got
'

test_expect_success 'an unknown script .conf setting is an error naming the file' '
	write_migration V6__badconf.sql "CREATE TABLE six (id INT);" &&
	printf "shouldRunFast=true\n" >sql/V6__badconf.sql.conf &&
	db_state >before &&
	must_fail rw migrate &&
	expect_grep "V6__badconf.sql.conf" err &&
	expect_grep "shouldRunFast" err &&
	db_state >after && test_cmp before after &&
	rm sql/V6__badconf.sql.conf
'

test_expect_success 'skipExecutingMigrations records rows without running the SQL' '
	rw -skipExecutingMigrations=true migrate &&
	history_rows | tail -1 | cut -d"|" -f2,7 >got && echo "6|1" >expect && test_cmp expect got &&
	! db_sql "SELECT COUNT(*) FROM six" 2>/dev/null
'

test_expect_success '-outputFile writes the JSON result to a file too' '
	write_migration V7__seven.sql "CREATE TABLE seven (id INT);" &&
	rw -outputType=json -outputFile=result.json migrate >out 2>err &&
	jq -e ".migrationsExecuted == 1 and .operation == \"migrate\"" result.json &&
	jq -e ".migrationsExecuted == 1" out
'

test_expect_success 'a failing beforeMigrate callback stops migrate, exit 1, nothing applied' '
	write_migration V8__eight.sql "CREATE TABLE eight (id INT);" &&
	write_migration beforeMigrate.sql "SELECT no_such_column FROM seven;" &&
	db_state >before &&
	must_fail rw migrate &&
	expect_grep "beforeMigrate" err &&
	expect_grep "no_such_column" err &&
	db_state >after && test_cmp before after &&
	rm sql/beforeMigrate.sql
'

test_expect_success 'a beforeInfo callback runs for info' '
	write_migration beforeInfo.sql "CREATE TABLE IF NOT EXISTS info_ran (id INT);" &&
	rw info >/dev/null &&
	db_sql "SELECT COUNT(*) FROM info_ran" &&
	rm sql/beforeInfo.sql
'

test_done
