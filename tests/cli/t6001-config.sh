#!/bin/sh
# Configuration like Flyway's: flyway.conf files, -configFiles, FLYWAY_*
# and RUNWAY_* variables, -key=value, their precedence, and errors.
# backends: sqlite postgresql mysql
. ./lib.sh

history_tables() {
	db_sql "SELECT table_name FROM information_schema.tables WHERE table_schema = '$HISTORY_SCHEMA' AND table_name LIKE '%hist%' ORDER BY table_name" 2>/dev/null ||
	db_sql "SELECT name FROM sqlite_schema WHERE type = 'table' AND name LIKE '%hist%' ORDER BY name"
}

test_expect_success 'setup' '
	write_migration V1__one.sql "CREATE TABLE one (id INT);"
'

test_expect_success 'flyway.conf in the current directory is read' '
	cat >flyway.conf <<-EOF &&
	# comment
	! another comment
	flyway.url=$DB_URL
	flyway.locations = filesystem:sql
	flyway.table: conf_hist
	EOF
	"$RUNWAY_BIN" migrate &&
	history_tables >got && echo conf_hist >expect && test_cmp expect got
'

test_expect_success 'env beats the file, CLI beats env' '
	db_reset &&
	FLYWAY_TABLE=env_hist "$RUNWAY_BIN" info >/dev/null &&
	FLYWAY_TABLE=env_hist "$RUNWAY_BIN" migrate &&
	history_tables >got && echo env_hist >expect && test_cmp expect got &&
	db_reset &&
	FLYWAY_TABLE=env_hist "$RUNWAY_BIN" -table=cli_hist migrate &&
	history_tables >got && echo cli_hist >expect && test_cmp expect got
'

test_expect_success '-configFiles replaces the default files; later files win' '
	db_reset &&
	printf "flyway.url=%s\nflyway.table=a_hist\nflyway.installedBy=from_a\n" "$DB_URL" >a.conf &&
	printf "flyway.table=b_hist\n" >b.conf &&
	"$RUNWAY_BIN" -configFiles=a.conf,b.conf migrate &&
	history_tables >got && echo b_hist >expect && test_cmp expect got &&
	test "$(db_sql "SELECT installed_by FROM b_hist")" = from_a
'

test_expect_success 'FLYWAY_CONFIG_FILES works like -configFiles' '
	db_reset &&
	FLYWAY_CONFIG_FILES=a.conf "$RUNWAY_BIN" migrate &&
	history_tables >got && echo a_hist >expect && test_cmp expect got
'

test_expect_success 'a missing config file is an error naming it' '
	must_fail "$RUNWAY_BIN" -configFiles=nope.conf info &&
	expect_grep "nope.conf" err
'

test_expect_success '~/flyway.conf is read, the current directory one wins' '
	db_reset && mkdir home &&
	printf "flyway.url=%s\nflyway.table=home_hist\nflyway.installedBy=home\n" "$DB_URL" >home/flyway.conf &&
	printf "flyway.table=cwd_hist\n" >flyway.conf &&
	HOME=$TRASH/home "$RUNWAY_BIN" migrate &&
	history_tables >got && echo cwd_hist >expect && test_cmp expect got &&
	test "$(db_sql "SELECT installed_by FROM cwd_hist")" = home &&
	rm flyway.conf
'

test_expect_success 'continuation lines, escapes and ${VAR} expansion in flyway.conf' '
	db_reset &&
	cat >c.conf <<-\EOF &&
	flyway.url=${RW_TEST_URL}
	flyway.locations=filesystem:nowhere,\
	    filesystem:sql
	flyway.installedBy=a\u0041\:b
	EOF
	RW_TEST_URL=$DB_URL "$RUNWAY_BIN" -configFiles=c.conf migrate &&
	printf "aA:b\n" >expect &&
	db_sql "SELECT installed_by FROM ${HISTORY_SCHEMA}.flyway_schema_history" >got && test_cmp expect got
'

test_expect_success 'an unknown key in a file names file, line and the closest key' '
	db_reset &&
	printf "flyway.url=%s\n\nflyway.locatoins=filesystem:sql\n" "$DB_URL" >bad.conf &&
	db_state >before &&
	must_fail "$RUNWAY_BIN" -configFiles=bad.conf migrate &&
	expect_grep "bad.conf:3" err &&
	expect_grep "flyway.locatoins" err &&
	expect_grep "Did you mean .flyway.locations." err &&
	db_state >after && test_cmp before after
'

test_expect_success 'an unknown key on the command line suggests the closest key' '
	db_state >before &&
	must_fail rw -baselineVersio=2 migrate &&
	expect_grep "baselineVersio" err &&
	expect_grep "Did you mean .baselineVersion" err &&
	db_state >after && test_cmp before after
'

test_expect_success 'runway settings must use the runway. prefix in files' '
	printf "flyway.url=%s\nflyway.webhookUrl=http://127.0.0.1:9/\n" "$DB_URL" >ns.conf &&
	must_fail "$RUNWAY_BIN" -configFiles=ns.conf info &&
	expect_grep "runway.webhookUrl" err &&
	printf "flyway.url=%s\nrunway.quiet=true\n" "$DB_URL" >ns.conf &&
	"$RUNWAY_BIN" -configFiles=ns.conf info >out 2>err &&
	! grep -q "^Database:" err
'

test_expect_success 'RUNWAY_* variables set runway settings' '
	RUNWAY_QUIET=true rw info >out 2>err &&
	! grep -q "^Database:" err
'

test_expect_success 'FLYWAY_URL and FLYWAY_LOCATIONS configure a run without arguments' '
	db_reset &&
	FLYWAY_URL=$DB_URL FLYWAY_LOCATIONS=filesystem:sql "$RUNWAY_BIN" migrate &&
	history_rows | cut -d"|" -f2 >got && echo 1 >expect && test_cmp expect got
'

test_expect_success 'a bad boolean in the environment names the variable' '
	FLYWAY_OUT_OF_ORDER=perhaps must_fail rw info &&
	expect_grep "FLYWAY_OUT_OF_ORDER" err && expect_grep "perhaps" err
'

test_expect_success 'the database password never appears in output' '
	pw=$(printf "%s\n" "$DB_URL" | sed -n "s/.*[?&]password=\([^&]*\).*/\1/p") &&
	if [ -z "$pw" ]; then exit 0; fi &&
	rw info >out 2>err && rw info -outputType=json >json 2>>err &&
	rw -X info >>out 2>>err &&
	! grep -F -- "$pw" out err json
'

test_done
