#!/bin/sh
# Where migrations are found: recursive scans, several locations, the
# filesystem: prefix, hidden directories, missing and unreadable locations.
# backends: sqlite postgresql mysql
. ./lib.sh

# Runs runway as an unprivileged user, so file permissions apply even when
# the tests run as root (a copy in the scratch directory, in case the build
# directory is private).
chmod 755 "$TRASH"
cp "$RUNWAY_BIN" "$TRASH/runway-copy"
as_nobody() {
	if [ "$(id -u)" = 0 ]; then
		setpriv --reuid=65534 --regid=65534 --clear-groups "$TRASH/runway-copy" "$@"
	else
		"$RUNWAY_BIN" "$@"
	fi
}

test_expect_success 'sub-directories are scanned; script is relative to the location' '
	write_migration V1__root.sql "CREATE TABLE r1 (id INT);" &&
	write_migration dir1/V2__in_dir.sql "CREATE TABLE r2 (id INT);" &&
	write_migration dir1/deeper/V3__deep.sql "CREATE TABLE r3 (id INT);" &&
	rw migrate &&
	history_rows | cut -d"|" -f2,5 >got &&
	printf "%s\n" "1|V1__root.sql" "2|dir1/V2__in_dir.sql" "3|dir1/deeper/V3__deep.sql" >expect &&
	test_cmp expect got
'

test_expect_success 'hidden directories are skipped' '
	write_migration .hidden/V4__hidden.sql "CREATE TABLE hidden (id INT);" &&
	rw migrate &&
	! history_rows | grep -q hidden
'

test_expect_success 'several locations, with and without filesystem:, merge in version order' '
	db_reset &&
	mkdir -p loc_a loc_b &&
	echo "CREATE TABLE la (id INT);" >loc_a/V1__a.sql &&
	echo "CREATE TABLE lb (id INT);" >loc_b/V2__b.sql &&
	echo "CREATE TABLE lc (id INT);" >loc_a/V3__c.sql &&
	rw -locations=filesystem:loc_a,loc_b migrate &&
	history_rows | cut -d"|" -f2,5 >got &&
	printf "%s\n" "1|V1__a.sql" "2|V2__b.sql" "3|V3__c.sql" >expect &&
	test_cmp expect got
'

test_expect_success 'an absolute location works from any directory' '
	db_reset &&
	mkdir elsewhere &&
	(cd elsewhere && "$RUNWAY_BIN" -url="$DB_URL" -locations="filesystem:$TRASH/loc_a" migrate) &&
	history_rows | cut -d"|" -f2 >got &&
	printf "1\n3\n" >expect && test_cmp expect got
'

test_expect_success 'workingDirectory makes relative locations relative to it' '
	db_reset &&
	(cd elsewhere && "$RUNWAY_BIN" -url="$DB_URL" -workingDirectory="$TRASH" -locations=filesystem:loc_b migrate) &&
	history_rows | cut -d"|" -f2 >got &&
	echo 2 >expect && test_cmp expect got
'

test_expect_success 'a missing location is a warning, not an error' '
	rw -locations=filesystem:loc_b,filesystem:no_such_dir info >out 2>err &&
	expect_grep "Skipping filesystem location" err &&
	expect_grep "no_such_dir" err
'

test_expect_success 'the migrate warning names the missing folder and the directory it is relative to' '
	rw -locations=filesystem:no_such_dir migrate >out 2>err &&
	expect_grep "Skipping filesystem location: no_such_dir (NOT_FOUND): $TRASH/no_such_dir does not exist; relative locations start from the current directory $TRASH" err
'

test_expect_success 'with workingDirectory the warning says relative to it' '
	mkdir -p wdir &&
	rw -workingDirectory="$TRASH/wdir" -locations=filesystem:no_such_dir migrate >out 2>err &&
	expect_grep "$TRASH/wdir/no_such_dir does not exist; relative locations start from workingDirectory $TRASH/wdir" err
'

test_expect_success 'a location without migrations makes migrate warn, naming it' '
	mkdir -p empty2 &&
	rw -locations=filesystem:empty2 migrate >out 2>err &&
	expect_grep "No migrations found in empty2 ($TRASH/empty2); relative locations start from the current directory $TRASH. Are your locations set up correctly?" err
'

test_expect_success 'failOnMissingLocations=true makes a missing location an error' '
	db_state >before &&
	must_fail rw -locations=filesystem:loc_b,filesystem:no_such_dir -failOnMissingLocations=true migrate &&
	expect_grep "no_such_dir" err &&
	db_state >after && test_cmp before after
'

test_expect_success 'a location that is a file is an error naming it' '
	echo x >plainfile &&
	db_state >before &&
	must_fail rw -locations=filesystem:plainfile migrate &&
	expect_grep "plainfile" err &&
	db_state >after && test_cmp before after
'

test_expect_success 'an unreadable location fails with exit 1, database unchanged' '
	mkdir locked &&
	echo "CREATE TABLE lk (id INT);" >locked/V5__locked.sql &&
	chmod 000 locked &&
	db_state >before &&
	as_nobody -url="$DB_URL" -locations=filesystem:loc_b,filesystem:locked migrate >out 2>err
	rc=$?; chmod 755 locked; test $rc = 1 &&
	expect_grep "Unable to read location filesystem:locked" err &&
	expect_grep "Permission denied" err &&
	db_state >after && test_cmp before after
'

test_expect_success 'an unreadable sub-directory fails too' '
	mkdir -p deep/inner &&
	echo "CREATE TABLE di (id INT);" >deep/inner/V6__inner.sql &&
	chmod 000 deep/inner &&
	db_state >before &&
	as_nobody -url="$DB_URL" -locations=filesystem:deep migrate >out 2>err
	rc=$?; chmod 755 deep/inner; test $rc = 1 &&
	expect_grep "deep/inner" err &&
	db_state >after && test_cmp before after
'

test_expect_success 'an unreadable migration file fails naming it, database unchanged' '
	mkdir unreadable &&
	echo "CREATE TABLE ur (id INT);" >unreadable/V7__secret.sql &&
	chmod 000 unreadable/V7__secret.sql &&
	db_state >before &&
	as_nobody -url="$DB_URL" -locations=filesystem:unreadable migrate >out 2>err
	rc=$?; chmod 644 unreadable/V7__secret.sql; test $rc = 1 &&
	expect_grep "V7__secret.sql" err &&
	db_state >after && test_cmp before after
'

test_expect_success 'a file that is not UTF-8 fails naming file and byte offset' '
	mkdir latin1 &&
	printf "SELECT 1;\nSELECT '"'"'caf\351'"'"';\n" >latin1/V1__latin1.sql &&
	db_state >before &&
	must_fail rw -locations=filesystem:latin1 migrate &&
	expect_grep "V1__latin1.sql" err &&
	expect_grep "byte offset 21" err &&
	db_state >after && test_cmp before after
'

# A large set is read by several threads at once; whichever meets a bad
# file first, the one reported is the first by name, as a walk in order
# would report it, and nothing runs.
if [ "$RUNWAY_TEST_BACKEND" = sqlite ]; then
test_expect_success 'in a large set the first bad file by name is reported' '
	db_reset && mkdir big &&
	for i in $(seq 1 1500); do
		echo "CREATE TABLE big$i (id INT);" >big/V$(printf %04d $i)__t$i.sql || exit 1
	done &&
	db_state >before &&
	for pair in "401 700" "400 701"; do
		a=${pair% *} b=${pair#* } &&
		printf "SELECT 1;\nSELECT '"'"'caf\351'"'"';\n" >big/V0${a}__t$a.sql &&
		printf "SELECT '"'"'caf\351'"'"';\n" >big/V0${b}__t$b.sql &&
		printf "SELECT '"'"'caf\351'"'"';\n" >big/V1300__t1300.sql &&
		must_fail rw -locations=filesystem:big migrate &&
		expect_grep "V0${a}__t$a.sql:2: invalid UTF-8 at byte offset 21" err &&
		! grep -q "V0$b\|V1300" err || exit 1
		for i in $a $b 1300; do
			echo "CREATE TABLE big$i (id INT);" >big/V$(printf %04d $i)__t$i.sql || exit 1
		done
	done &&
	printf "SELECT '"'"'caf\351'"'"';\n" >big/V0400__t400.sql &&
	echo bogus >big/V0500__t500.sql.conf &&
	must_fail rw -locations=filesystem:big migrate &&
	expect_grep "V0400__t400.sql:1: invalid UTF-8" err &&
	! grep -q "V0500" err &&
	echo "CREATE TABLE big400 (id INT);" >big/V0400__t400.sql &&
	must_fail rw -locations=filesystem:big migrate &&
	expect_grep "V0500__t500.sql.conf:1: expected key=value" err &&
	rm big/V0500__t500.sql.conf &&
	db_state >after && test_cmp before after &&
	rw -locations=filesystem:big migrate &&
	test "$(db_sql "SELECT COUNT(*) FROM flyway_schema_history WHERE success = 1")" = 1500 &&
	rw -locations=filesystem:big validate
'

# The files are walked and read while the database is opened and its
# history read; a bad file is still the error reported.
test_expect_success 'a bad file in a large set is reported before a database that cannot be opened' '
	printf "SELECT '"'"'caf\351'"'"';\n" >big/V1400__t1400.sql &&
	must_fail "$RUNWAY_BIN" -url="jdbc:sqlite:$TRASH/no-such-dir/x.db" -locations=filesystem:big migrate &&
	expect_grep "V1400__t1400.sql:1: invalid UTF-8" err &&
	! grep -q "no-such-dir" err &&
	test ! -e "$TRASH/no-such-dir" &&
	echo "CREATE TABLE big1400 (id INT);" >big/V1400__t1400.sql &&
	must_fail "$RUNWAY_BIN" -url="jdbc:sqlite:$TRASH/no-such-dir/x.db" -locations=filesystem:big migrate &&
	expect_grep "no-such-dir" err
'

# Locations are checked before the walk starts beside the connection: a
# missing one is the error at once, not after the connection's retries.
test_expect_success 'a missing location is reported before the database is tried' '
	mkdir small && echo "CREATE TABLE small1 (id INT);" >small/V1__small1.sql &&
	must_fail timeout 60 "$RUNWAY_BIN" -url="jdbc:postgresql://127.0.0.1:1/x?user=u" \
		-connectRetries=100 -connectRetriesInterval=1 \
		-locations=filesystem:small,filesystem:no_such_dir -failOnMissingLocations=true migrate &&
	expect_grep "Failed to find location: filesystem:no_such_dir" err &&
	! grep -q "Connection error" err
'
fi

test_expect_success 'a location without migrations is fine' '
	db_reset &&
	mkdir empty && echo text >empty/empty.txt &&
	rw -locations=filesystem:empty info >out 2>err &&
	expect_grep "No migrations found" out
'

test_expect_success 'the same callback in two locations fails naming both files' '
	mkdir cb_a cb_b &&
	echo "SELECT 1;" >cb_a/afterMigrate.sql &&
	echo "SELECT 2;" >cb_b/afterMigrate.sql &&
	echo "CREATE TABLE cbt (id INT);" >cb_a/V1__cbt.sql &&
	db_state >before &&
	must_fail rw -locations=filesystem:cb_a,filesystem:cb_b migrate &&
	expect_grep "Found more than 1 SQL callback script called afterMigrate.sql" err &&
	expect_grep "cb_a/afterMigrate.sql" err &&
	expect_grep "cb_b/afterMigrate.sql" err &&
	db_state >after && test_cmp before after
'

test_done
