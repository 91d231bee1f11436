#!/bin/sh
# info shows every migration state Flyway shows, in the table and in JSON.
# backends: sqlite postgresql mysql
. ./lib.sh

# state_of KEY [args]: the JSON state of the entry whose version (or, for
# repeatables, description) is KEY; several matches print several lines.
state_of() {
	key=$1; shift
	rw "$@" info -outputType=json |
		jq -r --arg k "$key" '.migrations[] | select(.version == $k or (.version == "" and .description == $k)) | .state'
}

# expect_state KEY STATE [args]: an entry for KEY has STATE, in JSON and in the table.
expect_state() {
	key=$1 want=$2; shift 2
	state_of "$key" "$@" >states &&
	grep -qxF "$want" states || { echo "states of $key: expected '$want', got:"; cat states; return 1; }
	rw "$@" info >table 2>/dev/null &&
	awk -F"|" -v k="$key" -v s="$want" '
		{ v = $3; d = $4; st = $7
		  gsub(/^ +| +$/, "", v); gsub(/^ +| +$/, "", d); gsub(/^ +| +$/, "", st)
		  if ((v == k || (v == "" && d == k)) && st == s) found = 1 }
		END { exit !found }' table ||
		{ echo "no table row for $key with state '$want'"; cat table; return 1; }
}

add_failed_row() { # rank version description
	db_sql "INSERT INTO ${HISTORY_SCHEMA}.flyway_schema_history (installed_rank, version, description, type, script, checksum, installed_by, execution_time, success) VALUES ($1, '$2', '$3', 'SQL', 'V$2__$3.sql', 42, 'me', 5, FALSE)"
}

test_expect_success 'Pending: nothing applied yet' '
	for i in 1 2 3; do write_migration "V${i}__m$i.sql" "CREATE TABLE m$i (id INT);" || exit 1; done &&
	write_migration R__rep.sql "CREATE VIEW rep AS SELECT 1 AS x;" &&
	expect_state 1 Pending && expect_state 3 Pending && expect_state rep Pending
'

test_expect_success 'no history table: info shows an empty schema and changes nothing' '
	db_state >before &&
	rw info >out 2>err &&
	expect_grep "^Schema version: << Empty Schema >>" out &&
	db_state >after && test_cmp before after
'

test_expect_success 'Success and Pending after migrate -target=2' '
	rw -target=2 migrate &&
	expect_state 1 Success && expect_state 2 Success && expect_state 3 Pending &&
	expect_state rep Success
'

test_expect_success 'Above Target: a pending version above the target' '
	expect_state 3 "Above Target" -target=2
'

test_expect_success 'Schema version line shows the current version' '
	rw info >out && expect_grep "Schema version: 2" out
'

test_expect_success 'Outdated: a repeatable changed since it ran' '
	write_migration R__rep.sql "DROP VIEW IF EXISTS rep;
CREATE VIEW rep AS SELECT 2 AS x;" &&
	expect_state rep Outdated
'

test_expect_success 'Superseded: older runs of a re-applied repeatable' '
	rw migrate &&
	state_of rep >got && printf "Superseded\nSuccess\n" >expect && test_cmp expect got &&
	rw info >table && expect_grep "| Repeatable .*| rep .*| Superseded " table
'

test_expect_success 'Ignored: a new version below the current one' '
	write_migration V1_5__late.sql "CREATE TABLE late (id INT);" &&
	expect_state 1.5 Ignored
'

test_expect_success 'Out of Order: applied with outOfOrder=true' '
	rw -outOfOrder=true migrate &&
	expect_state 1.5 "Out of Order"
'

test_expect_success 'Missing: an applied migration whose file is gone' '
	mv sql/V1__m1.sql m1.away &&
	expect_state 1 Missing &&
	mv m1.away sql/V1__m1.sql
'

test_expect_success 'Future: an applied version above every local file' '
	mv sql/V3__m3.sql m3.away &&
	expect_state 3 Future &&
	mv m3.away sql/V3__m3.sql
'

test_expect_success 'Failed: a failed row whose file exists' '
	write_migration V4__m4.sql "CREATE TABLE m4 (id INT);" &&
	rank=$(( $(db_sql "SELECT MAX(installed_rank) FROM ${HISTORY_SCHEMA}.flyway_schema_history") + 1 )) &&
	add_failed_row $rank 4 m4 &&
	expect_state 4 Failed
'

test_expect_success 'Failed (Future): a failed row above every local file' '
	rank=$(( $(db_sql "SELECT MAX(installed_rank) FROM ${HISTORY_SCHEMA}.flyway_schema_history") + 1 )) &&
	add_failed_row $rank 9 gone &&
	expect_state 9 "Failed (Future)"
'

test_expect_success 'Failed (Missing): a failed row below a local file, file gone' '
	write_migration V10__m10.sql "SELECT 1;" &&
	expect_state 9 "Failed (Missing)" &&
	rm sql/V10__m10.sql
'

test_expect_success 'info never fails on failed rows, but validate does' '
	rw info >/dev/null &&
	must_fail rw validate &&
	expect_grep "Detected failed migration to version 4" err
'

test_expect_success 'Deleted: repair marks a missing migration as deleted' '
	rw repair &&
	mv sql/V2__m2.sql m2.away &&
	expect_state 2 Missing &&
	rw repair &&
	expect_state 2 Deleted &&
	mv m2.away sql/V2__m2.sql
'

test_expect_success 'Baseline, Below Baseline and Ignored (Baseline)' '
	db_reset && db_sql "CREATE TABLE legacy (id INT)" &&
	rw -baselineVersion=2 baseline &&
	expect_state 2 Baseline &&
	expect_state 1 "Below Baseline"
'

test_expect_success 'Ignored (Baseline): a file with the baseline version, listed before the BASELINE row' '
	state_of 2 >got &&
	printf "Ignored (Baseline)\nBaseline\n" >expect && test_cmp expect got
'

test_expect_success 'the BASELINE row has no category and type BASELINE, as Flyway shows its own rows' '
	rw info >table &&
	expect_grep "^|            | 2  *| << Flyway Baseline >> | BASELINE | [-0-9: ]* | Baseline  *| No  *|$" table
'

test_expect_success 'infoOfState filters the rows' '
	rw -infoOfState=Pending info -outputType=json | jq -r ".migrations[].state" | sort -u >got &&
	echo Pending >expect && test_cmp expect got
'

test_expect_success 'the info table has Flyway'"'"'s layout' '
	db_reset && rm -r sql && mkdir sql &&
	write_migration V1__t.sql "CREATE TABLE t (id INT);" &&
	write_migration R__v.sql "CREATE VIEW v AS SELECT 1 AS x;" &&
	rw migrate &&
	write_migration V3__u.sql "CREATE TABLE u (id INT);" &&
	rw info >out 2>err &&
	sed -E "s/[0-9]{4}-[0-9]{2}-[0-9]{2} [0-9]{2}:[0-9]{2}:[0-9]{2}/YYYY-MM-DD HH:MM:SS/" out >got &&
	cat >expect <<-\EOF &&
	Schema version: 1

	+------------+---------+-------------+------+---------------------+---------+----------+
	| Category   | Version | Description | Type | Installed On        | State   | Undoable |
	+------------+---------+-------------+------+---------------------+---------+----------+
	| Versioned  | 1       | t           | SQL  | YYYY-MM-DD HH:MM:SS | Success | No       |
	| Repeatable |         | v           | SQL  | YYYY-MM-DD HH:MM:SS | Success |          |
	| Versioned  | 3       | u           | SQL  |                     | Pending | No       |
	+------------+---------+-------------+------+---------------------+---------+----------+
	EOF
	test_cmp expect got
'

test_expect_success 'infoSinceVersion and infoUntilVersion limit the versions shown' '
	rw -infoSinceVersion=3 info -outputType=json | jq -r ".migrations[] | select(.version != \"\") | .version" >got &&
	echo 3 >expect && test_cmp expect got &&
	rw -infoUntilVersion=1 info -outputType=json | jq -r ".migrations[] | select(.version != \"\") | .version" >got &&
	echo 1 >expect && test_cmp expect got
'

# ---- info after a baseline, line for line as Flyway 9.22.3 ------------------

# info_table [args]: the info table with installed-on times masked (same width).
info_table() {
	rw "$@" info 2>/dev/null |
		sed -E "s/[0-9]{4}-[0-9]{2}-[0-9]{2} [0-9]{2}:[0-9]{2}:[0-9]{2}/YYYY-MM-DD HH:MM:SS/"
}

# info_rows [args]: the JSON entries as category|version|description|type|state|undoable.
info_rows() {
	rw "$@" info -outputType=json 2>/dev/null |
		jq -r ".migrations[] | [.category, .version, .description, .type, .state, .undoable] | join(\"|\")"
}

# A schema that already holds tables and four files, two of them at or below
# the version it is baselined at.
baselined_project() {
	db_reset && db_sql "CREATE TABLE legacy (id INT)" &&
	rm -rf sql && mkdir sql &&
	for i in 1 2 3 4; do write_migration "V${i}__m$i.sql" "CREATE TABLE m$i (id INT);" || return 1; done &&
	write_migration R__rv.sql "CREATE VIEW rv AS SELECT 1 AS x;" &&
	rw -baselineVersion="$1" baseline 2>/dev/null
}

test_expect_success 'info after a baseline: files at and below it first, then the BASELINE row, then pending' '
	baselined_project 2 &&
	info_table >got &&
	cat >expect <<-\EOF &&
	Schema version: 2

	+------------+---------+-----------------------+----------+---------------------+--------------------+----------+
	| Category   | Version | Description           | Type     | Installed On        | State              | Undoable |
	+------------+---------+-----------------------+----------+---------------------+--------------------+----------+
	| Versioned  | 1       | m1                    | SQL      |                     | Below Baseline     | No       |
	| Versioned  | 2       | m2                    | SQL      |                     | Ignored (Baseline) | No       |
	|            | 2       | << Flyway Baseline >> | BASELINE | YYYY-MM-DD HH:MM:SS | Baseline           | No       |
	| Versioned  | 3       | m3                    | SQL      |                     | Pending            | No       |
	| Versioned  | 4       | m4                    | SQL      |                     | Pending            | No       |
	| Repeatable |         | rv                    | SQL      |                     | Pending            |          |
	+------------+---------+-----------------------+----------+---------------------+--------------------+----------+
	EOF
	test_cmp expect got
'

test_expect_success 'info JSON after a baseline: the same order, categories and states' '
	info_rows >got &&
	cat >expect <<-\EOF &&
	Versioned|1|m1|SQL|Below Baseline|No
	Versioned|2|m2|SQL|Ignored (Baseline)|No
	|2|<< Flyway Baseline >>|BASELINE|Baseline|No
	Versioned|3|m3|SQL|Pending|No
	Versioned|4|m4|SQL|Pending|No
	Repeatable||rv|SQL|Pending|
	EOF
	test_cmp expect got &&
	rw info -outputType=json 2>/dev/null | jq -e ".schemaVersion == \"2\"" >/dev/null
'

test_expect_success 'info after migrating past a baseline keeps the files below it at the top' '
	rw migrate 2>/dev/null &&
	info_table >got &&
	cat >expect <<-\EOF &&
	Schema version: 4

	+------------+---------+-----------------------+----------+---------------------+--------------------+----------+
	| Category   | Version | Description           | Type     | Installed On        | State              | Undoable |
	+------------+---------+-----------------------+----------+---------------------+--------------------+----------+
	| Versioned  | 1       | m1                    | SQL      |                     | Below Baseline     | No       |
	| Versioned  | 2       | m2                    | SQL      |                     | Ignored (Baseline) | No       |
	|            | 2       | << Flyway Baseline >> | BASELINE | YYYY-MM-DD HH:MM:SS | Baseline           | No       |
	| Versioned  | 3       | m3                    | SQL      | YYYY-MM-DD HH:MM:SS | Success            | No       |
	| Versioned  | 4       | m4                    | SQL      | YYYY-MM-DD HH:MM:SS | Success            | No       |
	| Repeatable |         | rv                    | SQL      | YYYY-MM-DD HH:MM:SS | Success            |          |
	+------------+---------+-----------------------+----------+---------------------+--------------------+----------+
	EOF
	test_cmp expect got
'

test_expect_success 'a new file below the baseline is Below Baseline, one above it but below the schema is Ignored' '
	write_migration V1_5__late_low.sql "CREATE TABLE late_low (id INT);" &&
	write_migration V2_5__late_high.sql "CREATE TABLE late_high (id INT);" &&
	info_rows >got &&
	cat >expect <<-\EOF &&
	Versioned|1|m1|SQL|Below Baseline|No
	Versioned|1.5|late low|SQL|Below Baseline|No
	Versioned|2|m2|SQL|Ignored (Baseline)|No
	|2|<< Flyway Baseline >>|BASELINE|Baseline|No
	Versioned|3|m3|SQL|Success|No
	Versioned|4|m4|SQL|Success|No
	Repeatable||rv|SQL|Success|
	Versioned|2.5|late high|SQL|Ignored|No
	EOF
	test_cmp expect got
'

test_expect_success 'ignoreMigrationPatterns changes what validate accepts, not the states info shows' '
	info_rows -ignoreMigrationPatterns="*:ignored" >got2 &&
	test_cmp got got2 &&
	must_fail rw validate &&
	expect_grep "Detected resolved migration not applied to database: 2.5" err &&
	! grep -qF "database: 1.5" err &&
	rw -ignoreMigrationPatterns="*:ignored" validate 2>/dev/null &&
	rw -ignoreMigrationPatterns="*:ignored" migrate 2>/dev/null &&
	info_rows >got2 && test_cmp got got2
'

test_expect_success 'with outOfOrder the file above the baseline is Pending, the one below stays Below Baseline' '
	info_rows -outOfOrder=true | grep "late" >got &&
	cat >expect <<-\EOF &&
	Versioned|1.5|late low|SQL|Below Baseline|No
	Versioned|2.5|late high|SQL|Pending|No
	EOF
	test_cmp expect got
'

test_expect_success 'migrate with outOfOrder applies only the file above the baseline, listed last as Out of Order' '
	rw -outOfOrder=true migrate 2>/dev/null &&
	info_rows >got &&
	cat >expect <<-\EOF &&
	Versioned|1|m1|SQL|Below Baseline|No
	Versioned|1.5|late low|SQL|Below Baseline|No
	Versioned|2|m2|SQL|Ignored (Baseline)|No
	|2|<< Flyway Baseline >>|BASELINE|Baseline|No
	Versioned|3|m3|SQL|Success|No
	Versioned|4|m4|SQL|Success|No
	Repeatable||rv|SQL|Success|
	Versioned|2.5|late high|SQL|Out of Order|No
	EOF
	test_cmp expect got
'

test_expect_success 'a baselineVersion between files: the files below it first, no Ignored (Baseline)' '
	baselined_project 2.5 &&
	info_rows >got &&
	cat >expect <<-\EOF &&
	Versioned|1|m1|SQL|Below Baseline|No
	Versioned|2|m2|SQL|Below Baseline|No
	|2.5|<< Flyway Baseline >>|BASELINE|Baseline|No
	Versioned|3|m3|SQL|Pending|No
	Versioned|4|m4|SQL|Pending|No
	Repeatable||rv|SQL|Pending|
	EOF
	test_cmp expect got
'

test_expect_success 'info reads the baseline from the history row, not from -baselineVersion' '
	info_rows -baselineVersion=4 >got2 &&
	test_cmp got got2
'

test_expect_success 'baselineOnMigrate: the same listing after the baseline migrate makes itself' '
	db_reset && db_sql "CREATE TABLE legacy (id INT)" &&
	rw -baselineOnMigrate=true -baselineVersion=2 migrate 2>/dev/null &&
	info_rows >got &&
	cat >expect <<-\EOF &&
	Versioned|1|m1|SQL|Below Baseline|No
	Versioned|2|m2|SQL|Ignored (Baseline)|No
	|2|<< Flyway Baseline >>|BASELINE|Baseline|No
	Versioned|3|m3|SQL|Success|No
	Versioned|4|m4|SQL|Success|No
	Repeatable||rv|SQL|Success|
	EOF
	test_cmp expect got
'

test_done
