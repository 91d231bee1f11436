#!/bin/sh
# A single command's JSON report is written as it is produced (info's and
# migrate's per-migration entries never sit in memory together); it must read
# byte for byte as the same report built whole, which runway still does when
# several commands share one document.
# backends: sqlite postgresql mysql
. ./lib.sh

command -v jq >/dev/null || skip_all "jq is not installed (tools/deps.sh test)"

# What differs between two runs of one command: when it ran and how long it took.
unstable='del(.timestamp, .totalMigrationTime) | if .migrations then .migrations[].executionTime = 0 else . end'

# streamed_equals_whole CMD [args]: CMD's streamed JSON is laid out as
# jansson lays it out (jq re-indents it to the same bytes), and, timings
# aside, equals CMD's report built whole as the first of "CMD validate".
streamed_equals_whole() {
	rw -outputType=json "$@" >streamed 2>err &&
	jq --indent 2 . streamed >relaid &&
	test_cmp relaid streamed &&
	jq --indent 2 "$unstable" streamed >streamed.cmp &&
	{ rw -outputType=json "$@" validate >whole 2>err; true; } &&
	jq -e ".individualResults | length == 2" whole >/dev/null &&
	jq --indent 2 ".individualResults[0] | $unstable" whole >whole.cmp &&
	test_cmp whole.cmp streamed.cmp
}

add_failed_row() { # rank version description
	db_sql "INSERT INTO ${HISTORY_SCHEMA}.flyway_schema_history (installed_rank, version, description, type, script, checksum, installed_by, execution_time, success) VALUES ($1, '$2', '$3', 'SQL', 'V$2__$3.sql', 42, 'me', 5, FALSE)"
}

test_expect_success 'streamed info JSON equals the document built whole: pending migrations' '
	write_migration V1__one.sql "CREATE TABLE one (id INT);" &&
	write_migration V2__two.sql "CREATE TABLE two (id INT);" &&
	write_migration V3__three.sql "CREATE TABLE three (id INT);" &&
	write_migration R__rep.sql "CREATE VIEW rep AS SELECT 1 AS x;" &&
	streamed_equals_whole info &&
	jq -e "[.migrations[].state] == [\"Pending\", \"Pending\", \"Pending\", \"Pending\"]" streamed
'

test_expect_success 'streamed migrate JSON equals the document built whole' '
	db_reset &&
	rw -outputType=json -target=2 migrate >streamed 2>err &&
	jq --indent 2 . streamed >relaid &&
	test_cmp relaid streamed &&
	db_reset &&
	rw -outputType=json -target=2 migrate info >whole 2>err &&
	jq --indent 2 "$unstable" streamed >streamed.cmp &&
	jq --indent 2 ".individualResults[0] | $unstable" whole >whole.cmp &&
	test_cmp whole.cmp streamed.cmp &&
	jq -e ".migrationsExecuted == 3 and (.migrations | length) == 3" streamed
'

test_expect_success 'streamed info JSON equals the document built whole: a failed row' '
	rank=$(( $(db_sql "SELECT MAX(installed_rank) FROM ${HISTORY_SCHEMA}.flyway_schema_history") + 1 )) &&
	add_failed_row $rank 3 three &&
	rw -outputType=json info >streamed 2>err &&
	jq -e "[.migrations[].state] | index(\"Failed\") != null" streamed &&
	jq --indent 2 . streamed >relaid &&
	test_cmp relaid streamed &&
	rw -outputType=json info info >whole 2>err &&
	jq --indent 2 "$unstable" streamed >streamed.cmp &&
	jq --indent 2 ".individualResults[0] | $unstable" whole >whole.cmp &&
	test_cmp whole.cmp streamed.cmp
'

test_expect_success 'streamed info JSON equals the document built whole: ignored and below baseline' '
	db_reset && db_sql "CREATE TABLE legacy (id INT)" &&
	rw -baselineVersion=2 baseline >/dev/null 2>&1 &&
	write_migration V2__two.sql "CREATE TABLE two (id INT);" &&
	streamed_equals_whole info &&
	jq -e "[.migrations[].state] | index(\"Baseline\") != null and index(\"Below Baseline\") != null and index(\"Ignored (Baseline)\") != null" streamed &&
	rw -outputType=json migrate >/dev/null 2>&1 &&
	write_migration V2_5__late.sql "CREATE TABLE late (id INT);" &&
	streamed_equals_whole info &&
	jq -e "[.migrations[].state] | index(\"Ignored\") != null" streamed
'

test_expect_success 'descriptions with quotes, backslashes and UTF-8 are escaped as before' '
	write_migration "V9__quote\"back\\\\slash é 日本.sql" "SELECT 1;" &&
	streamed_equals_whole info &&
	jq -e "[.migrations[].description] | index(\"quote\\\"back\\\\\\\\slash é 日本\") != null" streamed
'

test_expect_success '-outputFile gets the same streamed document as stdout' '
	rw -outputType=json -outputFile=report.json info >streamed 2>err &&
	test_cmp streamed report.json &&
	rw -outputFile=text-run.json info >table 2>err &&
	expect_grep "| Versioned" table &&
	jq -e ".operation == \"info\" and (.migrations | length) > 3" text-run.json
'

test_expect_success 'a streamed report that ends in an error is still one JSON document' '
	db_reset && rm sql/V2_5__late.sql &&
	write_migration V10__ten.sql "CREATE TABLE ten (id INT);" &&
	write_migration V11__bad.sql "THIS IS NOT SQL;" &&
	rw -outputType=json migrate >streamed 2>err; test $? = 1 &&
	jq -e ".success == false and (.migrations | length) >= 1 and .error.errorCode != null" streamed &&
	jq -e "keys_unsorted | .[-1] == \"error\"" streamed &&
	jq --indent 2 . streamed >relaid &&
	test_cmp relaid streamed
'

test_done
