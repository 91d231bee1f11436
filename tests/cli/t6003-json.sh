#!/bin/sh
# -outputType=json: one JSON document on stdout in Flyway's shape for every
# command, errors included, with logs kept on stderr and exit codes 0/1.
# backends: sqlite postgresql mysql
. ./lib.sh

command -v jq >/dev/null || skip_all "jq is not installed (tools/deps.sh test)"

# has_keys FILE KEY...: the top-level object of FILE has every KEY.
has_keys() {
	f=$1; shift
	for k in "$@"; do
		jq -e --arg k "$k" 'has($k)' "$f" >/dev/null || { echo "$f lacks $k:"; cat "$f"; return 1; }
	done
}

common="flywayVersion database warnings operation"

test_expect_success 'info JSON on an empty database' '
	write_migration V1__one.sql "CREATE TABLE one (id INT);" &&
	write_migration R__rep.sql "CREATE VIEW rep AS SELECT 1 AS x;" &&
	rw -outputType=json info >out 2>err &&
	has_keys out $common schemaVersion schemaName migrations allSchemasEmpty timestamp exception licenseFailed &&
	jq -e ".operation == \"info\" and .schemaVersion == null and (.migrations | length) == 2" out &&
	jq -e ".migrations[0] | .category == \"Versioned\" and .version == \"1\" and .rawVersion == \"1\" and .state == \"Pending\" and .installedOnUTC == \"\" and .undoable == \"No\"" out &&
	jq -e ".migrations[1] | .category == \"Repeatable\" and .version == \"\" and .description == \"rep\"" out &&
	jq -e ".allSchemasEmpty == true" out
'

test_expect_success 'migrate JSON lists what ran' '
	rw -outputType=json migrate >out 2>err &&
	has_keys out $common initialSchemaVersion targetSchemaVersion schemaName migrations migrationsExecuted success timestamp exception licenseFailed &&
	jq -e ".operation == \"migrate\" and .success == true and .migrationsExecuted == 2" out &&
	jq -e ".initialSchemaVersion == null and .targetSchemaVersion == \"1\" and .exception == null" out &&
	jq -e ".migrations[0] | .category == \"Versioned\" and .version == \"1\" and .description == \"one\" and .type == \"SQL\" and (.executionTime | type) == \"number\"" out &&
	jq -e ".migrations[0].filepath | startswith(\"/\") and endswith(\"sql/V1__one.sql\")" out &&
	jq -e ".migrations[1] | .category == \"Repeatable\" and .version == \"\"" out &&
	jq -e ".schemaName == \"\"" out
'

test_expect_success 'info JSON: a schema holding the history table is not empty' '
	rw -outputType=json info >out 2>err &&
	jq -e ".allSchemasEmpty == false" out
'

test_expect_success 'stdout holds nothing but the JSON document; logs go to stderr' '
	rw -outputType=json info >out 2>err &&
	jq -e . out >/dev/null &&
	test "$(jq -s length out)" = 1 &&
	expect_grep "Database:" err
'

test_expect_success 'info JSON after migrate: Success, ISO timestamps, schema version' '
	rw -outputType=json info >out &&
	jq -e ".schemaVersion == \"1\"" out &&
	jq -e "[.migrations[].state] == [\"Success\", \"Success\"]" out &&
	jq -e ".migrations[0].installedOnUTC | test(\"^[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}:[0-9]{2}(\\\\.([0-9]{3}){1,3})?Z$\")" out
'

test_expect_success 'migrate JSON with nothing to do' '
	rw -outputType=json migrate >out &&
	jq -e ".success == true and .migrationsExecuted == 0 and .migrations == [] and .initialSchemaVersion == \"1\"" out
'

test_expect_success 'validate JSON on success' '
	rw -outputType=json validate >out &&
	has_keys out $common errorDetails invalidMigrations validationSuccessful validateCount &&
	jq -e ".operation == \"validate\" and .validationSuccessful == true and .errorDetails == null and .invalidMigrations == [] and .validateCount == 2" out
'

test_expect_success 'validate JSON on a checksum mismatch, exit 1' '
	write_migration V1__one.sql "CREATE TABLE one (id INT); -- edited" &&
	rw -outputType=json validate >out 2>err; test $? = 1 &&
	jq -e ".validationSuccessful == false and .errorDetails.errorCode == \"VALIDATE_ERROR\"" out &&
	jq -e ".errorDetails.errorMessage == \"Migrations have failed validation\"" out &&
	jq -e ".invalidMigrations[0] | .version == \"1\" and .description == \"one\" and .errorDetails.errorCode == \"CHECKSUM_MISMATCH\"" out &&
	jq -e ".invalidMigrations[0].errorDetails.errorMessage | startswith(\"Migration checksum mismatch for migration version 1\")" out &&
	jq -e ".invalidMigrations[0].filepath | endswith(\"V1__one.sql\")" out
'

test_expect_success 'repair JSON' '
	rw -outputType=json repair >out &&
	has_keys out $common repairActions migrationsRemoved migrationsDeleted migrationsAligned &&
	jq -e ".operation == \"repair\" and .repairActions == [\"Aligned applied migration checksums\"]" out &&
	jq -e ".migrationsAligned[0] | .version == \"1\" and .description == \"one\" and (.filepath | endswith(\"V1__one.sql\"))" out &&
	jq -e ".migrationsRemoved == [] and .migrationsDeleted == []" out
'

test_expect_success 'migrate JSON on a failing migration: full result, error, exit 1' '
	write_migration V2__bad.sql "CREATE TABLE two (id INT);
INSERT INTO nowhere VALUES (1);" &&
	rw -outputType=json migrate >out 2>err; test $? = 1 &&
	has_keys out $common initialSchemaVersion targetSchemaVersion migrations migrationsExecuted success error exception &&
	jq -e ".success == false and .initialSchemaVersion == \"1\"" out &&
	jq -e ".error.errorCode == \"FAILED_VERSIONED_MIGRATION\"" out &&
	jq -e ".error.lineNumber == 2 and (.error.path | endswith(\"V2__bad.sql\"))" out &&
	jq -e ".error.message | contains(\"nowhere\")" out &&
	jq -e ".exception | type == \"string\"" out
'

test_expect_success 'an error before any command result: {"error": {...}}, exit 1' '
	rw -outputType=json -locatoins=x info >out 2>err; test $? = 1 &&
	jq -e ".error.errorCode == \"CONFIGURATION\"" out &&
	jq -e ".error.message | contains(\"locatoins\")" out
'

test_expect_success 'clean refused: error JSON, exit 1' '
	rm sql/V2__bad.sql &&
	rw -outputType=json clean >out 2>err; test $? = 1 &&
	jq -e ".error.errorCode and (.error.message | contains(\"cleanDisabled\"))" out
'

test_expect_success 'clean JSON' '
	rw -outputType=json -cleanDisabled=false clean >out &&
	has_keys out $common schemasCleaned schemasDropped &&
	jq -e ".operation == \"clean\" and (.schemasCleaned | length) == 1 and .schemasDropped == []" out
'

test_expect_success 'baseline JSON' '
	rw -outputType=json -baselineVersion=0.5 baseline >out &&
	has_keys out $common successfullyBaselined baselineVersion &&
	jq -e ".operation == \"baseline\" and .successfullyBaselined == true and .baselineVersion == \"0.5\"" out
'

test_expect_success 'baseline refused: successfullyBaselined false plus error, exit 1' '
	rw -outputType=json -baselineVersion=7 baseline >out 2>err; test $? = 1 &&
	jq -e ".successfullyBaselined == false and (.error.message | contains(\"Unable to baseline\"))" out
'

test_expect_success 'several commands give {"individualResults": [...]}' '
	rw -outputType=json migrate info >out &&
	jq -e "(.individualResults | length) == 2" out &&
	jq -e "[.individualResults[].operation] == [\"migrate\", \"info\"]" out
'

test_expect_success 'a duplicate version error in JSON names both files' '
	write_migration V1.0__dup.sql "SELECT 1;" &&
	rw -outputType=json info >out 2>err; test $? = 1 &&
	jq -e ".error.errorCode == \"DUPLICATE_VERSIONED_MIGRATION\"" out &&
	jq -e ".error.message | contains(\"V1.0__dup.sql\") and contains(\"V1__one.sql\")" out &&
	rm sql/V1.0__dup.sql
'

test_expect_success 'an undefined placeholder in JSON carries path and line' '
	write_migration V3__ph.sql "SELECT 1;
SELECT \${nope};" &&
	rw -outputType=json migrate >out 2>err; test $? = 1 &&
	jq -e ".error.errorCode == \"ERROR\" or .error.errorCode == \"CONFIGURATION\"" out &&
	jq -e ".error.message | contains(\"No value provided for placeholder: \${nope}\")" out &&
	jq -e ".error.lineNumber == 2 and (.error.path | endswith(\"V3__ph.sql\"))" out
'

test_done
