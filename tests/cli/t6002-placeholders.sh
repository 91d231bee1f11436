#!/bin/sh
# Placeholders: replacement, case, prefix/suffix, disabling, undefined
# names, Flyway's built-ins, and repeatable checksums after replacement.
# backends: sqlite postgresql mysql
. ./lib.sh

test_expect_success 'placeholders are replaced, names ignore case' '
	write_migration V1__ph.sql "CREATE TABLE \${TableName} (id INT);
INSERT INTO \${tablename} VALUES (\${Value});" &&
	rw -placeholders.tableName=things -placeholders.VALUE=42 migrate &&
	test "$(db_sql "SELECT id FROM things")" = 42
'

test_expect_success 'the versioned checksum is taken before replacement' '
	rw -placeholders.tableName=things -placeholders.VALUE=7 validate
'

test_expect_success 'FLYWAY_PLACEHOLDERS_X and flyway.placeholders.x in a file work' '
	write_migration V2__env.sql "CREATE TABLE \${envtable} (id INT);
CREATE TABLE \${filetable} (id INT);" &&
	printf "flyway.placeholders.fileTable=from_file\n" >ph.conf &&
	FLYWAY_PLACEHOLDERS_ENVTABLE=from_env rw -configFiles=ph.conf \
		-placeholders.tableName=things -placeholders.value=42 migrate &&
	db_sql "SELECT COUNT(*) FROM from_env" && db_sql "SELECT COUNT(*) FROM from_file"
'

test_expect_success 'an undefined placeholder names file and line; nothing runs' '
	write_migration V3__undef.sql "CREATE TABLE three (id INT);
-- a comment
INSERT INTO three VALUES (\${not_defined});" &&
	db_state >before &&
	must_fail rw -placeholders.tableName=things -placeholders.value=1 -placeholders.envtable=x -placeholders.filetable=y migrate &&
	expect_grep "V3__undef.sql:3" err &&
	expect_grep "No value provided for placeholder: \${not_defined}" err &&
	db_state >after && test_cmp before after
'

test_expect_success 'placeholderReplacement=false leaves the text alone' '
	db_reset && rm sql/* &&
	write_migration V1__raw.sql "CREATE TABLE raw_t (v VARCHAR(200));
INSERT INTO raw_t VALUES ('"'"'\${kept}'"'"');" &&
	rw -placeholderReplacement=false migrate &&
	test "$(db_sql "SELECT v FROM raw_t")" = "\${kept}"
'

test_expect_success 'a script .conf can turn replacement off for one file' '
	write_migration V2__raw2.sql "INSERT INTO raw_t VALUES ('"'"'\${kept2}'"'"');" &&
	printf "placeholderReplacement=false\n" >sql/V2__raw2.sql.conf &&
	rw migrate &&
	db_sql "SELECT v FROM raw_t ORDER BY v" >got &&
	printf "%s\n" "\${kept2}" "\${kept}" | sort >expect && sort got >got2 && test_cmp expect got2
'

test_expect_success 'custom prefix and suffix' '
	write_migration V3__custom.sql "INSERT INTO raw_t VALUES ('"'"'#[word]'"'"');" &&
	rw -placeholderPrefix="#[" -placeholderSuffix="]" -placeholders.word=replaced migrate &&
	test "$(db_sql "SELECT COUNT(*) FROM raw_t WHERE v = '"'"'replaced'"'"'")" = 1
'

test_expect_success 'built-ins: flyway:filename, flyway:table, flyway:defaultSchema' '
	write_migration V4__builtins.sql "INSERT INTO raw_t VALUES ('"'"'\${flyway:filename}'"'"');
INSERT INTO raw_t VALUES ('"'"'\${flyway:table}'"'"');
INSERT INTO raw_t VALUES ('"'"'\${flyway:defaultSchema}'"'"');" &&
	rw migrate &&
	db_sql "SELECT v FROM raw_t WHERE v LIKE '"'"'V4%'"'"' OR v LIKE '"'"'flyway%'"'"' OR v = '"'"'$HISTORY_SCHEMA'"'"' ORDER BY v" >got &&
	printf "%s\n" "$HISTORY_SCHEMA" V4__builtins.sql flyway_schema_history | sort >expect &&
	sort got >got2 && test_cmp expect got2
'

# SQLite has no user: there ${flyway:user} fails, as in Flyway (t3010).
user_ph='${flyway:user}'
[ "$RUNWAY_TEST_BACKEND" = sqlite ] && user_ph=nobody

test_expect_success 'built-ins: flyway:user and flyway:timestamp are filled' '
	write_migration V5__more.sql "CREATE TABLE more_t (u VARCHAR(100), ts VARCHAR(40));
INSERT INTO more_t VALUES ('"'"'$user_ph'"'"', '"'"'\${flyway:timestamp}'"'"');" &&
	rw migrate &&
	ts=$(db_sql "SELECT ts FROM more_t") &&
	echo "$ts" | grep -Eq "^[0-9]{4}-[0-9]{2}-[0-9]{2} [0-9]{2}:[0-9]{2}:[0-9]{2}$"
'

test_expect_success 'an unknown flyway: built-in is an error' '
	write_migration V6__badbuiltin.sql "SELECT '"'"'\${flyway:nonsense}'"'"';" &&
	db_state >before &&
	must_fail rw migrate &&
	expect_grep "Failed to populate value for default placeholder: \${flyway:nonsense}" err &&
	db_state >after && test_cmp before after &&
	rm sql/V6__badbuiltin.sql
'

test_expect_success 'a repeatable stores the checksum after replacement (Flyway vector)' '
	db_reset && rm -f sql/* &&
	printf "CREATE VIEW v AS SELECT '"'"'\${x}'"'"';\n" >sql/R__v.sql &&
	rw -placeholders.x=abc migrate &&
	history_rows | cut -d"|" -f3,6 >got && echo "v|29314156" >expect && test_cmp expect got
'

test_expect_success 'the same repeatable without replacement stores the raw checksum' '
	db_reset &&
	rw -placeholderReplacement=false migrate &&
	history_rows | cut -d"|" -f3,6 >got && echo "v|355327007" >expect && test_cmp expect got
'

test_expect_success 'a raw checksum (as older Flyway wrote it) is accepted as current' '
	rw -placeholders.x=abc info >out && expect_grep "| v .*| Success " out &&
	rw -placeholders.x=abc validate
'

test_expect_success 'repair rewrites a raw repeatable checksum to the replaced one' '
	rw -placeholders.x=abc repair &&
	history_rows | cut -d"|" -f3,6 >got && echo "v|29314156" >expect && test_cmp expect got
'

test_expect_success 'a changed placeholder value re-runs the repeatable' '
	db_reset &&
	printf "DROP VIEW IF EXISTS v;\nCREATE VIEW v AS SELECT '"'"'\${x}'"'"' AS c;\n" >sql/R__v.sql &&
	rw -placeholders.x=abc migrate &&
	rw -placeholders.x=abc migrate 2>err && expect_grep "up to date" err &&
	rw -placeholders.x=def info >out && expect_grep "| v .*| Outdated " out &&
	rw -placeholders.x=def migrate &&
	test "$(db_sql "SELECT c FROM v")" = def &&
	test "$(history_rows | wc -l)" = 2
'

test_expect_success 'an undefined placeholder in a callback stops migrate before any change' '
	db_reset && mkdir cbloc &&
	echo "CREATE TABLE cb_one (id INT);" >cbloc/V1__one.sql &&
	rw -locations=filesystem:cbloc migrate &&
	echo "CREATE TABLE cb_two (id INT);" >cbloc/V2__two.sql &&
	printf "SELECT 1;\nSELECT \${cb_missing};\n" >cbloc/beforeEachMigrate.sql &&
	db_state >before &&
	must_fail rw -locations=filesystem:cbloc migrate &&
	expect_grep "beforeEachMigrate.sql:2: No value provided for placeholder: \${cb_missing}" err &&
	test "$(grep -c "beforeEachMigrate.sql:2" err)" = 1 &&
	db_state >after && test_cmp before after &&
	rm cbloc/beforeEachMigrate.sql
'

test_expect_success 'a fresh database stays empty when a callback has an undefined placeholder' '
	db_reset &&
	printf "SELECT \${cb_missing};\n" >cbloc/afterMigrate.sql &&
	db_state >before &&
	must_fail rw -locations=filesystem:cbloc migrate &&
	expect_grep "afterMigrate.sql:1" err &&
	db_state >after && test_cmp before after &&
	rm cbloc/afterMigrate.sql
'

test_expect_success 'a broken callback of another command does not block migrate' '
	printf "SELECT \${cb_missing};\n" >cbloc/afterInfo.sql &&
	rw -locations=filesystem:cbloc migrate &&
	must_fail rw -locations=filesystem:cbloc info &&
	expect_grep "afterInfo.sql:1" err
'

test_expect_success 'a repeatable using flyway:timestamp re-runs on every migrate' '
	db_reset && mkdir tsloc &&
	printf "DROP VIEW IF EXISTS tsv;\nCREATE VIEW tsv AS SELECT '"'"'\${flyway:timestamp}'"'"' AS x;\n" >tsloc/R__ts.sql &&
	rw -locations=filesystem:tsloc migrate &&
	sleep 1 &&
	rw -locations=filesystem:tsloc migrate 2>err &&
	expect_grep "Successfully applied 1 migration" err &&
	test "$(history_rows | wc -l)" = 2
'

test_done
