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

test_done
