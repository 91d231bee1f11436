#!/bin/sh
# The command line itself: help, version, unknown commands, exit codes,
# results on stdout and logs on stderr, several commands in one call.
# backends: sqlite postgresql mysql
. ./lib.sh

test_expect_success 'help prints usage and every command, exit 0' '
	"$RUNWAY_BIN" help >out 2>err &&
	expect_grep "^Usage: runway" out &&
	for c in migrate info validate baseline repair clean help lambda; do
		grep -q "^  $c " out || { echo "help lacks $c"; exit 1; }
	done
'

test_expect_success '--help, -? and -h print the same usage' '
	"$RUNWAY_BIN" help >expect &&
	"$RUNWAY_BIN" --help >actual && test_cmp expect actual &&
	"$RUNWAY_BIN" "-?" >actual && test_cmp expect actual &&
	"$RUNWAY_BIN" -h >actual && test_cmp expect actual
'

test_expect_success 'help lists Flyway settings with their key names' '
	"$RUNWAY_BIN" help >out &&
	expect_grep "^  url " out &&
	expect_grep "^  locations " out &&
	expect_grep "^  placeholders\\." out
'

test_expect_success '--version and -v print the version, exit 0' '
	"$RUNWAY_BIN" --version >out &&
	expect_grep "^runway [0-9][0-9.]*" out &&
	"$RUNWAY_BIN" -v >out2 && test_cmp out out2 &&
	"$RUNWAY_BIN" version >out3 && test_cmp out out3
'

test_expect_success 'an unknown command fails with exit 1 and names it' '
	"$RUNWAY_BIN" -url="$DB_URL" frobnicate >out 2>err; test $? = 1 &&
	expect_grep "Invalid command: frobnicate" err &&
	test ! -s out
'

test_expect_success 'no command at all fails with exit 1 and a hint' '
	"$RUNWAY_BIN" >out 2>err; test $? = 1 &&
	expect_grep "runway help" err
'

test_expect_success 'a command without a url fails with exit 1 and says how to set it' '
	mkdir nourl && (cd nourl && "$RUNWAY_BIN" info >../out 2>../err); test $? = 1 &&
	expect_grep "url" err &&
	expect_grep "FLYWAY_URL" err
'

test_expect_success 'a successful command exits 0, the table on stdout, logs on stderr' '
	write_migration V1__first.sql "CREATE TABLE first_t (id INT);" &&
	rw migrate >out 2>err &&
	expect_grep "Successfully applied 1 migration" err &&
	! grep -q "Successfully applied" out &&
	rw info >out 2>err &&
	expect_grep "| Category" out &&
	! grep -q "| Category" err
'

test_expect_success 'several commands run in order in one call' '
	write_migration V2__second.sql "CREATE TABLE second_t (id INT);" &&
	rw migrate info >out 2>err &&
	expect_grep "Successfully applied 1 migration" err &&
	expect_grep "| Versioned | 2 " out
'

test_expect_success 'the first failing command stops the rest and sets exit 1' '
	rw frobnicate info >out 2>err; test $? = 1 &&
	! grep -q "| Category" out
'

test_expect_success '-q keeps stderr free of progress lines' '
	rw -q info >out 2>err &&
	expect_grep "| Category" out &&
	! grep -q "^Database:" err
'

test_expect_success '--key=value is accepted like -key=value' '
	"$RUNWAY_BIN" --url="$DB_URL" --locations=filesystem:sql info >out 2>err &&
	expect_grep "| Versioned | 1 " out
'

test_expect_success 'without a url the error says it is required and shows an example that works' '
	mkdir -p nourl/sql && cd nourl &&
	must_fail env -u FLYWAY_URL "$RUNWAY_BIN" migrate &&
	expect_grep "No database url is configured (runway, like Flyway, has no default database)" err &&
	example=$(sed -n "s/.*For example: runway \(-url=[^ ]* -locations=[^ ]* migrate\).*/\1/p" err) &&
	test -n "$example" &&
	write_migration V1__a.sql "CREATE TABLE a (id INT);" &&
	"$RUNWAY_BIN" $example >out 2>err &&
	expect_grep "Successfully applied 1 migration" err
'

test_expect_success 'the README does not call SQLite the default and says -url is required' '
	! grep -i "sqlite (the default)" "$RUNWAY_SOURCE_DIR/README.md" &&
	grep -q "There is no default database" "$RUNWAY_SOURCE_DIR/README.md"
'

test_done
