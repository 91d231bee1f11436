#!/bin/sh
# Output and behaviour that match Flyway 9.22.3 line for line where a
# pipeline or a person comparing the two would notice a difference.
# backends: sqlite postgresql mysql
. ./lib.sh

# A migration that fails after the history table exists, run outside a
# transaction so that every database keeps its success=false row.
fail_v2() {
	write_migration V1__one.sql "CREATE TABLE one (id INT);" &&
	write_migration V2__two.sql "CREATE TABLE two (id INT);
SELECT * FROM no_such_table;" &&
	rw migrate -target=1 2>/dev/null &&
	! rw -executeInTransaction=false migrate 2>/dev/null
}

test_expect_success 'info counts a failed version as the schema version, as Flyway does' '
	fail_v2 &&
	rw info >out 2>err &&
	expect_grep "^Schema version: 2$" out &&
	rw info -outputType=json >out.json 2>/dev/null &&
	jq -e ".schemaVersion == \"2\"" out.json &&
	jq -e "[.migrations[] | select(.version == \"2\") | .state] == [\"Failed\"]" out.json
'

test_expect_success 'migrate and check still decide from the last successful version' '
	must_fail rw check -outputType=json &&
	jq -e ".schemaVersion == \"1\"" out &&
	must_fail rw migrate &&
	expect_grep "Detected failed migration to version 2" err &&
	rw repair 2>/dev/null &&
	rw info >out 2>/dev/null &&
	expect_grep "^Schema version: 1$" out
'

test_expect_success 'info JSON: schemaName is empty when no schemas are configured' '
	rw info -outputType=json >out 2>/dev/null &&
	jq -e ".schemaName == \"\"" out
'

test_expect_success 'info JSON: schemaName joins the configured schemas' '
	rw -schemas="$HISTORY_SCHEMA" info -outputType=json >out 2>/dev/null &&
	jq -e --arg s "$HISTORY_SCHEMA" ".schemaName == \$s" out
'

test_expect_success 'info JSON: installedOnUTC is written as Java prints an Instant' '
	rw info -outputType=json >out 2>/dev/null &&
	jq -r ".migrations[] | select(.version == \"1\") | .installedOnUTC" out >on &&
	grep -Eqx "[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}:[0-9]{2}(\.([0-9]{3}){1,3})?Z" on ||
		{ cat on; false; } &&
	! grep -Eq "\.([0-9]{3})*000Z" on || { cat on; false; }
'

test_expect_success 'JSON results name the Flyway release whose output runway follows' '
	rw info -outputType=json >out 2>/dev/null &&
	jq -e ".flywayVersion == \"9.22.3\"" out &&
	grep -q "9.22.3" "$RUNWAY_SOURCE_DIR/docs/compatibility.md"
'

test_expect_success 'migrate JSON after a failure: no target version, the failed one still pending' '
	rm -f sql/V2__two.sql &&
	write_migration V2__two.sql "CREATE TABLE two_again (id INT);" &&
	write_migration V3__three.sql "SELECT * FROM no_such_table;" &&
	write_migration V4__four.sql "CREATE TABLE four (id INT);" &&
	rw migrate -outputType=json >out 2>err; test $? = 1 &&
	jq -e ".success == false and .initialSchemaVersion == \"1\"" out &&
	jq -e ".targetSchemaVersion == null" out &&
	jq -e ".migrationsExecuted == 1 and .pendingMigrations == 2" out
'

test_expect_success 'a failed migration message starts with Flyway title and underline' '
	jq -r .error.message out >msg &&
	printf "%s\n" "Migration V3__three.sql failed" "------------------------------" >want &&
	head -n 2 msg >got && test_cmp want got &&
	jq -r .exception out | head -n 2 >got && test_cmp want got &&
	expect_grep "^SQL State  : " msg &&
	expect_grep "^Location   : .*V3__three.sql" msg
'

test_expect_success 'the text error shows the same title and underline' '
	rw repair 2>/dev/null &&
	must_fail rw migrate &&
	expect_grep "^ERROR: Migration V3__three.sql failed$" err &&
	expect_grep "^------------------------------$" err
'

test_expect_success 'migrate JSON refused at validation prints only the error document' '
	rm -f sql/V3__three.sql sql/V4__four.sql && rw repair 2>/dev/null &&
	write_migration V2__two.sql "CREATE TABLE two_again (id INT, changed INT);" &&
	rw migrate -outputType=json >out 2>err; test $? = 1 &&
	jq -e "keys == [\"error\"]" out &&
	jq -e ".error.errorCode == \"VALIDATE_ERROR\"" out &&
	jq -e ".error.message | startswith(\"Validate failed: Migrations have failed validation\")" out
'

# The database's own identifier quote: Flyway prints schema names with it.
q='"'
[ "$RUNWAY_TEST_BACKEND" = mysql ] && q='`'

test_expect_success 'messages quote the schema the way the database quotes names' '
	write_migration V2__two.sql "CREATE TABLE two_again (id INT);" &&
	rw migrate >out 2>err &&
	expect_grep "^Current version of schema $q$HISTORY_SCHEMA$q: 2$" err &&
	expect_grep "^Schema $q$HISTORY_SCHEMA$q is up to date. No migration necessary.$" err &&
	write_migration V3__three.sql "CREATE TABLE three (id INT);" &&
	rw migrate >out 2>err &&
	expect_grep "^Migrating schema $q$HISTORY_SCHEMA$q to version \"3 - three\"$" err &&
	expect_grep "^Successfully applied 1 migration to schema $q$HISTORY_SCHEMA$q, now at version v3 " err
'

test_expect_success 'repair with nothing to repair prints Flyway lines' '
	rw repair >out 2>err &&
	expect_grep "^Repair of failed migration in Schema History table $q$HISTORY_SCHEMA$q\.${q}flyway_schema_history$q not necessary. No failed migration detected.$" err &&
	expect_grep "^Successfully repaired schema history table $q$HISTORY_SCHEMA$q\.${q}flyway_schema_history$q (execution time [0-9][0-9]:[0-9][0-9]\.[0-9][0-9][0-9]s).$" err &&
	! grep -q "Manual cleanup\|Please ensure" err
'

test_expect_success 'repair names each realigned version with its new checksum' '
	write_migration V3__three.sql "CREATE TABLE three (id INT);
-- reviewed" &&
	rw repair >out 2>err &&
	sum=$(rw info -outputType=json 2>/dev/null | jq -r ".migrations[] | select(.version == \"3\") | .filepath") &&
	test -n "$sum" &&
	expect_grep "^Repairing Schema History table for version 3 (Description: three, Type: SQL, Checksum: -\{0,1\}[0-9][0-9]*)  \.\.\.$" err &&
	test "$(db_sql "SELECT checksum FROM ${HISTORY_SCHEMA}.flyway_schema_history WHERE version = '"'"'3'"'"'")" = \
		"$(sed -n "s/.*Checksum: \(-\{0,1\}[0-9]*\)).*/\1/p" err)"
'

test_expect_success 'repair of a missing migration asks to move its contents' '
	rm sql/V3__three.sql &&
	rw repair >out 2>err &&
	expect_grep "^Please ensure the previous contents of the deleted migrations are removed from the database, or moved into an existing migration.$" err
'

test_expect_success 'repair of a failed migration asks for manual clean-up only where DDL is not transactional' '
	write_migration V4__four.sql "CREATE TABLE four (id INT);
SELECT * FROM no_such_table;" &&
	! rw -executeInTransaction=false migrate 2>/dev/null &&
	rw repair >out 2>err &&
	! grep -q "not necessary" err &&
	if [ "$RUNWAY_TEST_BACKEND" = mysql ]; then
		expect_grep "^Manual cleanup of the remaining effects of the failed migration may still be required.$" err
	else
		! grep -q "Manual cleanup" err
	fi &&
	rm sql/V4__four.sql
'

# A schema name of this run's own, so MariaDB databases of parallel runs never meet.
new_schema() { printf 'rw_parity_%s_%s' "$$" "$1"; }

drop_schema() {
	case $RUNWAY_TEST_BACKEND in
	postgresql) db_sql "DROP SCHEMA IF EXISTS $1 CASCADE" ;;
	mysql) db_sql "DROP DATABASE IF EXISTS $1" ;;
	esac
}

if [ "$RUNWAY_TEST_BACKEND" != sqlite ]; then
test_expect_success 'a defaultSchema that does not exist yet is created and holds the history' '
	s1=$(new_schema d1) &&
	mkdir -p d1 && printf "CREATE TABLE d1_t (id INT);\n" >d1/V1__d1.sql &&
	rw -locations=filesystem:d1 -defaultSchema=$s1 migrate >out 2>err &&
	expect_grep "^Creating schema $q$s1$q \.\.\.$" err &&
	test "$(db_sql "SELECT type, script FROM $s1.flyway_schema_history WHERE installed_rank = 0")" = \
		"SCHEMA|$q$s1$q" &&
	test "$(db_sql "SELECT version FROM $s1.flyway_schema_history WHERE installed_rank = 1")" = 1 &&
	db_sql "SELECT COUNT(*) FROM $s1.d1_t" &&
	rw -locations=filesystem:d1 -defaultSchema=$s1 info >out 2>/dev/null &&
	expect_grep "^Schema version: 1$" out &&
	drop_schema $s1
'

test_expect_success 'defaultSchema outside schemas is created first and recorded with them' '
	s1=$(new_schema d2) s2=$(new_schema d3) &&
	rw -locations=filesystem:d1 -defaultSchema=$s1 -schemas=$s2 migrate >out 2>err &&
	test "$(db_sql "SELECT script FROM $s1.flyway_schema_history WHERE type = '"'"'SCHEMA'"'"'")" = \
		"$q$s1$q,$q$s2$q" &&
	drop_schema $s1 && drop_schema $s2
'
fi

# rw_fresh NAME ...: runway on an empty database of its own (SQLite) or an
# empty schema of its own (PostgreSQL, MariaDB), beside this script's.
rw_fresh() {
	fresh_name=$1; shift
	case $RUNWAY_TEST_BACKEND in
	sqlite) "$RUNWAY_BIN" -url="jdbc:sqlite:$TRASH/$fresh_name.db" "$@" ;;
	*) rw -defaultSchema="$(new_schema "$fresh_name")" "$@" ;;
	esac
}

test_expect_success 'a script .conf with executeInTransaction=false exempts it from the mixed check' '
	mkdir -p mixed &&
	if [ "$RUNWAY_TEST_BACKEND" = postgresql ]; then
		printf "CREATE TABLE mx (id INT);\nCREATE INDEX CONCURRENTLY mx_i ON mx (id);\n" >mixed/V1__mx.sql
	else
		printf "CREATE TABLE mx (id INT);\nPRAGMA foreign_keys = ON;\n" >mixed/V1__mx.sql
	fi &&
	if [ "$RUNWAY_TEST_BACKEND" != mysql ]; then
		must_fail rw_fresh mx -locations=filesystem:mixed migrate &&
		expect_grep "Detected both transactional and non-transactional statements" err &&
		printf "executeInTransaction=false\n" >mixed/V1__mx.sql.conf &&
		rw_fresh mx -locations=filesystem:mixed migrate 2>err &&
		rw_fresh mx -locations=filesystem:mixed info -outputType=json >out 2>/dev/null &&
		jq -e "[.migrations[] | select(.version == \"1\") | .state] == [\"Success\"]" out &&
		drop_schema "$(new_schema mx)"
	fi
'

if [ "$RUNWAY_TEST_BACKEND" = sqlite ]; then
test_expect_success 'on SQLite flyway:user and flyway:database fail as in Flyway' '
	mkdir -p ph &&
	for name in user database; do
		printf "SELECT '"'"'\${flyway:%s}'"'"';\n" $name >ph/V1__ph.sql &&
		must_fail rw_fresh ph -locations=filesystem:ph migrate &&
		expect_grep "Failed to populate value for default placeholder: \${flyway:$name}" err &&
		test ! -s "$TRASH/ph.db" || return 1
	done
'
fi

test_expect_success 'migrate warns when outOfOrder mode is active, in text and JSON' '
	mkdir -p w &&
	printf "CREATE TABLE w1 (id INT);\n" >w/V1__w1.sql &&
	rw_fresh w -locations=filesystem:w -outOfOrder=true migrate >out 2>err &&
	expect_grep "^WARNING: outOfOrder mode is active. Migration of schema $q.*$q may not be reproducible.$" err &&
	rw_fresh w -locations=filesystem:w -outOfOrder=true migrate -outputType=json >out 2>/dev/null &&
	jq -e "[.warnings[] | select(startswith(\"outOfOrder mode is active.\"))] | length == 1" out &&
	rw_fresh w -locations=filesystem:w migrate >out 2>err &&
	! grep -q "outOfOrder" err
'

test_expect_success 'migrate warns when the schema is newer than every local migration' '
	printf "CREATE TABLE w2 (id INT);\n" >w/V2__w2.sql &&
	printf "CREATE TABLE w3 (id INT);\n" >w/V3__w3.sql &&
	rw_fresh w -locations=filesystem:w migrate 2>/dev/null &&
	rm w/V3__w3.sql &&
	rw_fresh w -locations=filesystem:w migrate >out 2>err &&
	expect_grep "^WARNING: Schema $q.*$q has a version (3) that is newer than the latest available migration (2) !$" err &&
	drop_schema "$(new_schema w)"
'

if [ "$RUNWAY_TEST_BACKEND" != sqlite ]; then
test_expect_success 'migrate warns that createSchemas is false when the history has no schema' '
	must_fail rw_fresh nocreate -createSchemas=false migrate &&
	expect_grep "^WARNING: The configuration option .createSchemas. is false.$" err &&
	expect_grep "^However, the schema history table still needs a schema to reside in.$" err &&
	must_fail rw_fresh nocreate -createSchemas=false migrate -outputType=json &&
	drop_schema "$(new_schema nocreate)"
'
fi

test_expect_success 'migrate runs beforeValidate for its own validation: a table it creates makes the schema non-empty' '
	mkdir -p cbv &&
	printf "CREATE TABLE cb_log (ev VARCHAR(40));\n" >cbv/V1__log.sql &&
	printf "CREATE TABLE \${flyway:defaultSchema}.made_by_callback (id INT);\n" >cbv/beforeValidate.sql &&
	if [ "$RUNWAY_TEST_BACKEND" != sqlite ]; then db_sql "CREATE SCHEMA $(new_schema cbv)"; fi &&
	must_fail rw_fresh cbv -locations=filesystem:cbv migrate &&
	expect_grep "Found non-empty schema(s) .* but no schema history table" err &&
	drop_schema "$(new_schema cbv)" && rm -f "$TRASH/cbv.db"
'

test_expect_success 'migrate runs beforeValidate and afterValidate around its validation' '
	rm cbv/beforeValidate.sql &&
	rw_fresh cbv -locations=filesystem:cbv migrate 2>/dev/null &&
	printf "INSERT INTO cb_log VALUES ('"'"'beforeValidate'"'"');\n" >cbv/beforeValidate.sql &&
	printf "INSERT INTO cb_log VALUES ('"'"'afterValidate'"'"');\n" >cbv/afterValidate.sql &&
	rw_fresh cbv -locations=filesystem:cbv migrate 2>/dev/null &&
	rw_fresh cbv -locations=filesystem:cbv -validateOnMigrate=false migrate 2>/dev/null &&
	case $RUNWAY_TEST_BACKEND in
	sqlite) sqlite3 "$TRASH/cbv.db" "SELECT ev FROM cb_log ORDER BY ev" ;;
	*) db_sql "SELECT ev FROM $(new_schema cbv).cb_log ORDER BY ev" ;;
	esac >got &&
	printf "afterValidate\nbeforeValidate\n" >expect && test_cmp expect got &&
	drop_schema "$(new_schema cbv)"
'

test_expect_success 'docs/compatibility.md gives each difference kept on purpose with its reason' '
	doc="$RUNWAY_SOURCE_DIR/docs/compatibility.md" &&
	for what in "mixed=false" "versioned:pending" "validate -outputType=json" "infoSinceVersion" \
		"runwayVersion" "dryRun" "pendingMigrations" "stoppedByDeadline" "totalMigrationTime" \
		"warnings"; do
		sed -n "/^Intended differences:/,\$p" "$doc" | grep -qF -- "$what" ||
			{ echo "not listed: $what"; return 1; }
	done
'

test_expect_success 'the extra JSON keys are the ones the docs list' '
	rw migrate -outputType=json >out 2>/dev/null &&
	jq -e "has(\"dryRun\") and has(\"pendingMigrations\") and has(\"stoppedByDeadline\") and has(\"totalMigrationTime\") and has(\"runwayVersion\")" out
'

if [ "$RUNWAY_TEST_BACKEND" = postgresql ]; then
test_expect_success 'PostgreSQL notices print as Flyway prints them' '
	mkdir -p notices &&
	printf "%s\n" "DO \$\$ BEGIN RAISE NOTICE '"'"'hello from the server'"'"'; END \$\$;" \
		"DO \$\$ BEGIN RAISE WARNING '"'"'careful now'"'"'; END \$\$;" >notices/V1__notices.sql &&
	rw_fresh notices -locations=filesystem:notices migrate >out 2>err &&
	expect_grep "^DB: hello from the server$" err &&
	expect_grep "^WARNING: DB: careful now (SQL State: 01000 - Error Code: 0)$" err &&
	drop_schema "$(new_schema notices)"
'
fi

test_done
