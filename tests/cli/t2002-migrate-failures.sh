#!/bin/sh
# migrate's failure modes on databases with transactional DDL: each exits
# 1 with a message naming what to fix and leaves the database exactly as
# it was (schema and history rows).
# backends: sqlite postgresql
. ./lib.sh

test_expect_success 'setup: two applied migrations' '
	write_migration V1__base.sql "CREATE TABLE base (id INT);" &&
	write_migration V2__log.sql "CREATE TABLE cb_log (ev VARCHAR(40));" &&
	rw migrate
'

test_expect_success 'failing SQL names file, line and statement; nothing of it stays' '
	write_migration V3__broken.sql "CREATE TABLE half (id INT);
INSERT INTO base VALUES (1);

INSERT INTO no_such_table VALUES (1);
CREATE TABLE never (id INT);" &&
	db_state >before &&
	rw migrate >out 2>err; test $? = 1 &&
	expect_grep "V3__broken.sql" err &&
	expect_grep "V3__broken.sql:4" err &&
	expect_grep "Line       : 4" err &&
	expect_grep "Statement  : INSERT INTO no_such_table VALUES (1)" err &&
	expect_grep "no_such_table" err &&
	db_state >after && test_cmp before after &&
	test "$(db_sql "SELECT COUNT(*) FROM base")" = 0
'

test_expect_success 'the migrations before a failing one stay applied' '
	rm sql/V3__broken.sql &&
	write_migration V3__good.sql "CREATE TABLE good (id INT);" &&
	write_migration V4__bad.sql "INSERT INTO no_such_table VALUES (1);" &&
	must_fail rw migrate &&
	history_rows | cut -d"|" -f2,7 >got && printf "1|1\n2|1\n3|1\n" >expect && test_cmp expect got &&
	rw info >out && expect_grep "| 4 .*| Pending " out
'

test_expect_success 'afterMigrateError runs when a migration fails, afterMigrate does not' '
	write_migration afterMigrateError.sql "INSERT INTO cb_log (ev) VALUES ('"'"'error'"'"');" &&
	write_migration afterMigrate.sql "INSERT INTO cb_log (ev) VALUES ('"'"'after'"'"');" &&
	must_fail rw migrate &&
	db_sql "SELECT ev FROM cb_log" >got && echo error >expect && test_cmp expect got &&
	rm sql/afterMigrateError.sql sql/afterMigrate.sql && db_sql "DELETE FROM cb_log"
'

test_expect_success 'group=true rolls back every migration of the run' '
	rm sql/V4__bad.sql &&
	write_migration V4__fine.sql "CREATE TABLE fine (id INT);" &&
	write_migration V5__bad.sql "INSERT INTO no_such_table VALUES (1);" &&
	db_state >before &&
	must_fail rw -group=true migrate &&
	expect_grep "V5__bad.sql" err &&
	db_state >after && test_cmp before after &&
	rm sql/V5__bad.sql
'

test_expect_success 'an undefined placeholder stops migrate before anything runs' '
	write_migration V5__ph.sql "CREATE TABLE ph (id INT);

INSERT INTO ph VALUES (\${undefined_value});" &&
	db_state >before &&
	must_fail rw migrate &&
	expect_grep "V5__ph.sql:3" err &&
	expect_grep "No value provided for placeholder: \${undefined_value}" err &&
	db_state >after && test_cmp before after &&
	rw info >out && expect_grep "| 4 .*| Pending " out
'

test_expect_success 'an undefined placeholder on a fresh database creates nothing' '
	db_reset &&
	db_state >before &&
	must_fail rw migrate &&
	expect_grep "undefined_value" err &&
	db_state >after && test_cmp before after &&
	rm sql/V5__ph.sql && rw migrate
'

test_expect_success 'an unclosed block names file and line, nothing runs' '
	write_migration V6__unclosed.sql "CREATE TABLE six (id INT);
SELECT '"'"'never closed;
" &&
	db_state >before &&
	must_fail rw migrate &&
	expect_grep "V6__unclosed.sql" err &&
	expect_grep "line 2" err &&
	db_state >after && test_cmp before after &&
	rm sql/V6__unclosed.sql
'

test_expect_success 'a checksum mismatch fails migrate, naming version and both checksums' '
	write_migration V1__base.sql "CREATE TABLE base (id INT); -- edited" &&
	write_migration V6__six.sql "CREATE TABLE six (id INT);" &&
	db_state >before &&
	must_fail rw migrate &&
	expect_grep "Validate failed" err &&
	expect_grep "Migration checksum mismatch for migration version 1" err &&
	expect_grep "Applied to database : " err &&
	expect_grep "Resolved locally    : " err &&
	expect_grep "run repair" err &&
	db_state >after && test_cmp before after &&
	write_migration V1__base.sql "CREATE TABLE base (id INT);"
'

test_expect_success 'a migration deleted after being applied fails migrate' '
	mv sql/V2__log.sql V2__log.sql.away &&
	db_state >before &&
	must_fail rw migrate &&
	expect_grep "Detected applied migration not resolved locally: 2" err &&
	db_state >after && test_cmp before after &&
	rw info >out && expect_grep "| 2 .*| Missing " out &&
	mv V2__log.sql.away sql/V2__log.sql
'

test_expect_success 'a renamed description fails validation' '
	mv sql/V2__log.sql sql/V2__renamed.sql &&
	db_state >before &&
	must_fail rw migrate &&
	expect_grep "description" err &&
	expect_grep "renamed" err &&
	db_state >after && test_cmp before after &&
	mv sql/V2__renamed.sql sql/V2__log.sql
'

test_expect_success 'an unknown configuration key stops migrate with a suggestion' '
	db_state >before &&
	must_fail rw -outOfOrdr=true migrate &&
	expect_grep "outOfOrdr" err &&
	expect_grep "Did you mean .outOfOrder" err &&
	db_state >after && test_cmp before after
'

test_expect_success 'a bad boolean value stops migrate, naming key and value' '
	db_state >before &&
	must_fail rw -outOfOrder=maybe migrate &&
	expect_grep "outOfOrder" err && expect_grep "maybe" err &&
	db_state >after && test_cmp before after
'

test_expect_success 'mixing transactional and non-transactional statements is refused' '
	if [ "$RUNWAY_TEST_BACKEND" = sqlite ]; then
		write_migration V7__mixed.sql "PRAGMA foreign_keys = OFF;
CREATE TABLE mixed (id INT);"
	else
		write_migration V7__mixed.sql "CREATE TABLE mixed (id INT);
CREATE INDEX CONCURRENTLY mixed_idx ON mixed (id);"
	fi &&
	db_state >before &&
	must_fail rw migrate &&
	expect_grep "Detected both transactional and non-transactional statements" err &&
	expect_grep "V7__mixed.sql" err &&
	db_state >after && test_cmp before after &&
	rm sql/V7__mixed.sql
'

test_expect_success 'after all failures, the pending migration still applies cleanly' '
	rw migrate &&
	history_rows | cut -d"|" -f2 | tail -1 >got && echo 6 >expect && test_cmp expect got
'

test_done
