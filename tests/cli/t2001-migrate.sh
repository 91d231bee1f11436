#!/bin/sh
# migrate: order, history rows, repeatables, target, outOfOrder, baseline
# on migrate, callbacks, and a second run that has nothing to do.
# backends: sqlite postgresql mysql
. ./lib.sh

test_expect_success 'migrate on an empty database creates the history table and applies all' '
	printf "CREATE TABLE t (id INT);\n" >sql_t && mkdir sql && mv sql_t sql/V1__create_t.sql &&
	write_migration V2__add_u.sql "CREATE TABLE u (id INT);" &&
	write_migration R__view_v.sql "CREATE VIEW v AS SELECT 1 AS x;" &&
	rw migrate >out 2>err &&
	expect_grep "Creating Schema History table" err &&
	expect_grep "Migrating schema .* to version \"1 - create t\"" err &&
	expect_grep "Migrating schema .* with repeatable migration \"view v\"" err &&
	expect_grep "Successfully applied 3 migrations" err
'

test_expect_success 'history rows hold Flyway values, checksums included' '
	history_rows >actual &&
	cut -d"|" -f1-7 actual >got &&
	head -1 got >first &&
	echo "1|1|create t|SQL|V1__create_t.sql|1556295178|1" >expect &&
	test_cmp expect first &&
	sed -n 2p got >second &&
	echo "2|2|add u|SQL|V2__add_u.sql|-1655836214|1" >expect && test_cmp expect second &&
	sed -n 3p got >third &&
	echo "3||view v|SQL|R__view_v.sql|1331119005|1" >expect && test_cmp expect third
'

test_expect_success 'installed_by is empty by default on SQLite and set by installedBy' '
	write_migration V3__by.sql "CREATE TABLE by_t (id INT);" &&
	rw -installedBy=deployer migrate &&
	test "$(db_sql "SELECT installed_by FROM ${HISTORY_SCHEMA}.flyway_schema_history WHERE version = '"'"'3'"'"'")" = deployer
'

test_expect_success 'a second migrate applies nothing and says the schema is up to date' '
	db_state >before &&
	rw migrate >out 2>err &&
	expect_grep "is up to date. No migration necessary" err &&
	db_state >after && test_cmp before after
'

test_expect_success 'a changed repeatable is re-applied as a new row' '
	write_migration R__view_v.sql "DROP VIEW IF EXISTS v;
CREATE VIEW v AS SELECT 2 AS x;" &&
	rw migrate 2>err &&
	expect_grep "Successfully applied 1 migration" err &&
	test "$(db_sql "SELECT x FROM v")" = 2 &&
	history_rows | grep -c "|view v|" >count && echo 2 >expect && test_cmp expect count
'

test_expect_success 'repeatables run after versioned migrations, in description order' '
	db_reset &&
	rm -r sql && mkdir sql &&
	write_migration R__b_second.sql "CREATE VIEW vb AS SELECT x FROM va;" &&
	write_migration R__a_first.sql "CREATE VIEW va AS SELECT id AS x FROM base;" &&
	write_migration V1__base.sql "CREATE TABLE base (id INT);" &&
	rw migrate &&
	history_rows | cut -d"|" -f3 >got &&
	printf "base\na first\nb second\n" >expect && test_cmp expect got
'

test_expect_success 'target=version stops there; the rest stays pending' '
	db_reset && rm -r sql && mkdir sql &&
	for i in 1 2 3 4; do write_migration "V${i}__t$i.sql" "CREATE TABLE t$i (id INT);" || exit 1; done &&
	rw -target=2 migrate &&
	history_rows | cut -d"|" -f2 >got && printf "1\n2\n" >expect && test_cmp expect got &&
	rw -target=2 info >out &&
	expect_grep "| Versioned | 3  *| t3  *| SQL  *|  *| Above Target" out
'

test_expect_success 'target=next applies exactly one migration' '
	rw -target=next migrate &&
	history_rows | cut -d"|" -f2 >got && printf "1\n2\n3\n" >expect && test_cmp expect got
'

test_expect_success 'target=current applies no versioned migration but runs repeatables' '
	write_migration R__rv.sql "CREATE VIEW rv AS SELECT 1 AS x;" &&
	rw -target=current migrate &&
	history_rows | cut -d"|" -f2,3 >got && printf "1|t1\n2|t2\n3|t3\n|rv\n" >expect && test_cmp expect got
'

test_expect_success 'a target version that does not exist is an error; with ? it is not' '
	db_state >before &&
	must_fail rw -target=9 migrate &&
	expect_grep "No migration with a target version 9 could be found" err &&
	db_state >after && test_cmp before after &&
	rw -target="9?" migrate &&
	history_rows | cut -d"|" -f2 | grep -qx 4
'

test_expect_success 'target=latest (any case) applies everything' '
	write_migration V5__t5.sql "CREATE TABLE t5 (id INT);" &&
	rw -target=LATEST migrate &&
	history_rows | cut -d"|" -f2 | grep -qx 5
'

test_expect_success 'a version below the current one is refused without outOfOrder' '
	write_migration V4_5__late.sql "CREATE TABLE late (id INT);" &&
	db_state >before &&
	must_fail rw migrate &&
	expect_grep "Detected resolved migration not applied to database: 4.5" err &&
	db_state >after && test_cmp before after &&
	rw info >out && expect_grep "| 4.5 .*| Ignored " out
'

test_expect_success 'outOfOrder=true applies it and info shows Out of Order' '
	rw -outOfOrder=true migrate &&
	history_rows | tail -1 | cut -d"|" -f2,3 >got && echo "4.5|late" >expect && test_cmp expect got &&
	rw -outOfOrder=true info >out &&
	expect_grep "| 4.5 .*| Out of Order " out
'

test_expect_success 'a non-empty schema without history table is refused' '
	db_reset && db_sql "CREATE TABLE existing (id INT)" &&
	db_state >before &&
	must_fail rw migrate &&
	expect_grep "Found non-empty schema(s) .* but no schema history table" err &&
	expect_grep "baselineOnMigrate" err &&
	db_state >after && test_cmp before after
'

test_expect_success 'baselineOnMigrate baselines at baselineVersion, then applies what is above' '
	rw -baselineOnMigrate=true -baselineVersion=3 -baselineDescription=legacy migrate &&
	history_rows >got &&
	printf "%s\n" "1|3|legacy|BASELINE|legacy||1" "2|4|t4|SQL|V4__t4.sql|$(history_rows | sed -n 2p | cut -d"|" -f6)|1" >expect &&
	head -2 got >first2 && test_cmp expect first2 &&
	! history_rows | cut -d"|" -f2 | grep -qx 2
'

test_expect_success 'validateOnMigrate=false skips validation' '
	db_reset && rm -r sql && mkdir sql &&
	write_migration V1__a.sql "CREATE TABLE a (id INT);" &&
	rw migrate &&
	write_migration V1__a.sql "CREATE TABLE a (id INT); -- edited" &&
	write_migration V2__b.sql "CREATE TABLE b (id INT);" &&
	must_fail rw migrate &&
	expect_grep "checksum mismatch" err &&
	rw -validateOnMigrate=false migrate &&
	history_rows | cut -d"|" -f2 | grep -qx 2
'

test_expect_success 'callbacks run around migrate and each migration, in order' '
	db_reset && rm -r sql && mkdir sql &&
	write_migration beforeMigrate.sql "CREATE TABLE IF NOT EXISTS cb_log (n INT, ev VARCHAR(40));
INSERT INTO cb_log (n, ev) SELECT COUNT(*) + 1, '"'"'beforeMigrate'"'"' FROM cb_log;" &&
	for ev in beforeEachMigrate afterEachMigrate afterMigrate; do
		write_migration $ev.sql "INSERT INTO cb_log (n, ev) SELECT COUNT(*) + 1, '"'"'$ev'"'"' FROM cb_log;" || exit 1
	done &&
	write_migration afterMigrate__second.sql "INSERT INTO cb_log (n, ev) SELECT COUNT(*) + 1, '"'"'afterMigrate second'"'"' FROM cb_log;" &&
	write_migration V1__one.sql "INSERT INTO cb_log (n, ev) SELECT COUNT(*) + 1, '"'"'V1'"'"' FROM cb_log;" &&
	write_migration V2__two.sql "INSERT INTO cb_log (n, ev) SELECT COUNT(*) + 1, '"'"'V2'"'"' FROM cb_log;" &&
	rw migrate &&
	db_sql "SELECT ev FROM cb_log ORDER BY n" >got &&
	printf "%s\n" beforeMigrate beforeEachMigrate V1 afterEachMigrate beforeEachMigrate V2 \
		afterEachMigrate afterMigrate "afterMigrate second" >expect &&
	test_cmp expect got &&
	history_rows | cut -d"|" -f2,3 >rows && printf "1|one\n2|two\n" >expect && test_cmp expect rows
'

test_expect_success 'skipDefaultCallbacks=true ignores callbacks in locations' '
	write_migration V3__three.sql "SELECT 1;" &&
	rw -skipDefaultCallbacks=true migrate &&
	test "$(db_sql "SELECT COUNT(*) FROM cb_log")" = 9
'

test_expect_success 'callbackLocations adds callbacks from another directory' '
	mkdir cbs &&
	echo "INSERT INTO cb_log (n, ev) SELECT COUNT(*) + 1, '"'"'extra'"'"' FROM cb_log;" >cbs/afterMigrate__extra.sql &&
	rw -callbackLocations=filesystem:cbs migrate &&
	db_sql "SELECT ev FROM cb_log ORDER BY n" | tail -3 >got &&
	printf "%s\n" afterMigrate extra "afterMigrate second" >expect &&
	test_cmp expect got
'

test_done
