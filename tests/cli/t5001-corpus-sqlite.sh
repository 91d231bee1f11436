#!/bin/sh
# Real migration sets for SQLite: applied with runway they must leave the
# same schema (and data) as the same files fed to the sqlite3 client in
# Flyway's order, and history rows with Flyway's checksums.
# backends: sqlite
. ./lib.sh

require_corpus

# Prints the migration files of DIR (recursively) in Flyway's order:
# versioned ones by numeric version, then repeatables by description.
# PREFIX is the versioned prefix (default V).
flyway_order() {
	dir=$1 prefix=${2-V}
	find "$dir" -type f -name "${prefix}[0-9]*.sql" | while read -r f; do
		b=$(basename "$f" .sql); v=${b#"$prefix"}; v=${v%%__*}
		printf "%s\t%s\n" "$(echo "$v" | tr _ .)" "$f"
	done | sort -t"$(printf "\t")" -k1,1V | cut -f2
	find "$dir" -type f -name "R__*.sql" | while read -r f; do
		b=$(basename "$f" .sql); printf "%s\t%s\n" "${b#R__}" "$f"
	done | LC_ALL=C sort | cut -f2
}

# The schema and the data of a database file, without the history table.
dump_without_history() {
	cp "$1" "$1.copy" &&
	sqlite3 -batch "$1.copy" "DROP TABLE IF EXISTS flyway_schema_history" &&
	sqlite3 -batch "$1.copy" .schema >"$2.schema" &&
	sqlite3 -batch "$1.copy" .dump >"$2.dump" &&
	rm -f "$1.copy"
}

# compare_set NAME DIR [SED] [runway args...]: migrates DIR with runway and
# with sqlite3 (each file piped through sed SED, for placeholders), then
# compares .schema and .dump.
compare_set() {
	name=$1 dir=$2 sed_script=
	shift 2
	if [ $# -gt 0 ]; then sed_script=$1; shift; fi
	rm -f "$name-rw.db" "$name-ref.db"
	"$RUNWAY_BIN" -url="jdbc:sqlite:$TRASH/$name-rw.db" -locations="filesystem:$dir" "$@" migrate \
		>"$name.out" 2>"$name.err" || { cat "$name.err"; return 1; }
	for f in $(flyway_order "$dir" "${PREFIX-V}") ${EXTRA_REF_FILES:-}; do
		sed "${sed_script:-}" "$f" | sqlite3 -batch -bail "$name-ref.db" ||
			{ echo "sqlite3 failed on $f"; return 1; }
	done
	dump_without_history "$name-rw.db" "$name-rw" &&
	dump_without_history "$name-ref.db" "$name-ref" &&
	test -s "$name-ref.schema" &&
	test_cmp "$name-ref.schema" "$name-rw.schema" &&
	test_cmp "$name-ref.dump" "$name-rw.dump"
}

# Every file of DIR has a successful history row.
expect_all_applied() {
	n_files=$(flyway_order "$2" "${PREFIX-V}" | wc -l)
	n_rows=$(sqlite3 "$1-rw.db" "SELECT COUNT(*) FROM flyway_schema_history WHERE success = 1 AND type = 'SQL'")
	[ "$n_files" = "$n_rows" ] || { echo "$n_files files, $n_rows rows"; return 1; }
}

test_expect_success 'conductor-sqlite: same schema and data as sqlite3' '
	compare_set conductor "$CORPUS/conductor-sqlite" &&
	expect_all_applied conductor "$CORPUS/conductor-sqlite"
'

test_expect_success 'conductor-sqlite: info shows every migration as Success' '
	"$RUNWAY_BIN" -url="jdbc:sqlite:$TRASH/conductor-rw.db" -locations="filesystem:$CORPUS/conductor-sqlite" info >out &&
	test "$(grep -c "| Success " out)" = 7 &&
	"$RUNWAY_BIN" -url="jdbc:sqlite:$TRASH/conductor-rw.db" -locations="filesystem:$CORPUS/conductor-sqlite" validate
'

test_expect_success 'chinook-sqlite: same schema and data as sqlite3' '
	compare_set chinook "$CORPUS/chinook-sqlite" &&
	expect_all_applied chinook "$CORPUS/chinook-sqlite" &&
	test "$(sqlite3 chinook-rw.db "SELECT COUNT(*) FROM [Track]")" -gt 3000
'

for sub in autoincrement foreign_key trigger; do
	test_expect_success "flyway-tests-sqlite/$sub: same schema and data as sqlite3" '
		compare_set "fts-$sub" "$CORPUS/flyway-tests-sqlite/$sub" &&
		expect_all_applied "fts-$sub" "$CORPUS/flyway-tests-sqlite/$sub"
	'
done

test_expect_success 'the checksum vector file is stored as -133051733' '
	mkdir vec && cp "$CORPUS/flyway-tests-generic/no_description/V1.sql" vec/ &&
	cp "$CORPUS/flyway-checksum-vectors/V1.1__View.sql" vec/ &&
	rw -locations=filesystem:vec migrate &&
	db_sql "SELECT version, description, checksum FROM flyway_schema_history ORDER BY installed_rank" >got &&
	printf "1||454910647\n1.1|View|-133051733\n" >expect &&
	test_cmp expect got
'

sed_generic="s/\${abc}/xyz/g; s/\${schema}/main/g; s/\${schema1}/main/g; s/\${schema2}/main/g; s/\${schema3}/main/g; s/\${tableName}/aaa/g"
generic_args="-placeholders.abc=xyz -placeholders.schema=main -placeholders.schema1=main -placeholders.schema2=main -placeholders.schema3=main -placeholders.tableName=aaa"

# multi/ and concurrent/ qualify REFERENCES with ${schema}, which SQLite
# rejects; repeatable*/ use CREATE OR REPLACE VIEW ... FROM dual (H2).
for sub in comment no_description quote semicolon subdir missing placeholder current_schema; do
	test_expect_success "flyway-tests-generic/$sub: same schema and data as sqlite3" '
		compare_set "gen-$sub" "$CORPUS/flyway-tests-generic/$sub" "$sed_generic" $generic_args &&
		expect_all_applied "gen-$sub" "$CORPUS/flyway-tests-generic/$sub"
	'
done

test_expect_success 'flyway-tests-generic/placeholder: the value lands in the row' '
	test "$(sqlite3 gen-placeholder-rw.db "SELECT name FROM test_user")" = xyz
'

test_expect_success 'flyway-tests-generic/subdir: scripts keep their sub-directory' '
	sqlite3 gen-subdir-rw.db "SELECT script FROM flyway_schema_history ORDER BY installed_rank" >got &&
	printf "dir1/V1__First.sql\nV1_1__Populate_table.sql\ndir2/V2_0__Add_foreign_key.sql\n" >expect &&
	test_cmp expect got
'

test_expect_success 'flyway-tests-generic/missing: the long description is kept whole' '
	sqlite3 gen-missing-rw.db "SELECT description FROM flyway_schema_history WHERE version = '"'"'2.0'"'"'" >got &&
	echo "Add foreign key and super mega humongous padding to exceed the maximum column length in the metadata table" >expect &&
	test_cmp expect got
'

test_expect_success 'flyway-tests-generic/callback: empty prefix and afterMigrate.sql' '
	PREFIX= EXTRA_REF_FILES="$CORPUS/flyway-tests-generic/callback/afterMigrate.sql" \
		compare_set gen-callback "$CORPUS/flyway-tests-generic/callback" "" -sqlMigrationPrefix= &&
	test "$(sqlite3 gen-callback-rw.db "SELECT name FROM test_user")" = "Mr Callback" &&
	sqlite3 gen-callback-rw.db "SELECT version, script FROM flyway_schema_history" >got &&
	echo "1|1__First.sql" >expect && test_cmp expect got
'

test_expect_success 'flyway-tests-generic/validate: custom prefix CheckValidate' '
	PREFIX=CheckValidate compare_set gen-validate "$CORPUS/flyway-tests-generic/validate" "" \
		-sqlMigrationPrefix=CheckValidate &&
	sqlite3 gen-validate-rw.db "SELECT version, description FROM flyway_schema_history" >got &&
	echo "1|First" >expect && test_cmp expect got
'

test_expect_success 'flyway-tests-generic/outoforder: a late arrival applies with outOfOrder' '
	cp gen-missing-rw.db late.db &&
	"$RUNWAY_BIN" -url=jdbc:sqlite:late.db \
		-locations="filesystem:$CORPUS/flyway-tests-generic/missing,filesystem:$CORPUS/flyway-tests-generic/outoforder" \
		migrate >out 2>err; test $? = 1 &&
	expect_grep "Detected resolved migration not applied to database: 1.1.1" err &&
	"$RUNWAY_BIN" -url=jdbc:sqlite:late.db -outOfOrder=true \
		-locations="filesystem:$CORPUS/flyway-tests-generic/missing,filesystem:$CORPUS/flyway-tests-generic/outoforder" \
		migrate &&
	test "$(sqlite3 late.db "SELECT name FROM test_user WHERE id = 3")" = "Dr. Evil"
'

test_expect_success 'flyway-tests-generic/failed: fails naming line 20, database unchanged' '
	rm -f failed.db &&
	"$RUNWAY_BIN" -url=jdbc:sqlite:failed.db -locations="filesystem:$CORPUS/flyway-tests-generic/failed" \
		-placeholders.tableName=aaa migrate >out 2>err; test $? = 1 &&
	expect_grep "V1__Should_Fail.sql" err &&
	expect_grep "THIS IS NOT VALID SQL" err &&
	test -z "$(sqlite3 failed.db "SELECT name FROM sqlite_schema WHERE name = '"'"'aaa'"'"'")" &&
	test "$(sqlite3 failed.db "SELECT COUNT(*) FROM flyway_schema_history")" = 0
'

test_expect_success 'flyway-tests-generic/future_failed: V3 fails, V1..V2.0 stay' '
	rm -f ff.db &&
	"$RUNWAY_BIN" -url=jdbc:sqlite:ff.db -locations="filesystem:$CORPUS/flyway-tests-generic/future_failed" \
		migrate >out 2>err; test $? = 1 &&
	expect_grep "V3__Should_Fail.sql" err &&
	sqlite3 ff.db "SELECT version FROM flyway_schema_history ORDER BY installed_rank" >got &&
	printf "1\n1.1\n2.0\n" >expect && test_cmp expect got
'

test_expect_success 'flyway-tests-generic/repeatable_failed: the repeatable fails, no row' '
	rm -f rf.db &&
	"$RUNWAY_BIN" -url=jdbc:sqlite:rf.db -locations="filesystem:$CORPUS/flyway-tests-generic/repeatable_failed" \
		migrate >out 2>err; test $? = 1 &&
	expect_grep "R__All_View.sql" err &&
	test "$(sqlite3 rf.db "SELECT COUNT(*) FROM flyway_schema_history")" = 0
'

test_expect_success 'flyway-tests-generic/repeatable_version: R1.0__ is an invalid name' '
	"$RUNWAY_BIN" -url=jdbc:sqlite:rv.db -locations="filesystem:$CORPUS/flyway-tests-generic/repeatable_version" \
		-validateMigrationNaming=true migrate >out 2>err; test $? = 1 &&
	expect_grep "R1.0__All_View.sql" err &&
	"$RUNWAY_BIN" -url=jdbc:sqlite:rv.db -locations="filesystem:$CORPUS/flyway-tests-generic/repeatable_version" \
		migrate >out 2>err &&
	expect_grep "did not follow the filename convention" err
'

test_expect_success 'flyway-tests-generic/empty: a location without migrations' '
	"$RUNWAY_BIN" -url=jdbc:sqlite:empty.db -locations="filesystem:$CORPUS/flyway-tests-generic/empty" migrate 2>err &&
	"$RUNWAY_BIN" -url=jdbc:sqlite:empty.db -locations="filesystem:$CORPUS/flyway-tests-generic/empty" info >out &&
	expect_grep "No migrations found" out
'

test_done
