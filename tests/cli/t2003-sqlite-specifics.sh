#!/bin/sh
# SQLite specifics: URL forms, the history table's exact DDL, a table
# written by Flyway, triggers, and a database file that cannot be written.
# backends: sqlite
. ./lib.sh

chmod 755 "$TRASH"
cp "$RUNWAY_BIN" "$TRASH/runway-copy"
# Runs runway as an unprivileged user so file permissions apply under root.
as_nobody() {
	if [ "$(id -u)" = 0 ]; then
		setpriv --reuid=65534 --regid=65534 --clear-groups "$TRASH/runway-copy" "$@"
	else
		"$RUNWAY_BIN" "$@"
	fi
}

test_expect_success 'the history table has exactly Flyway'"'"'s SQLite DDL and index' '
	write_migration V1__a.sql "CREATE TABLE a (id INT);" &&
	rw migrate &&
	sqlite3 "$DB_FILE" ".schema flyway_schema_history" >got &&
	cat >expect <<-\EOF &&
	CREATE TABLE IF NOT EXISTS "flyway_schema_history" (
	    "installed_rank" INT NOT NULL PRIMARY KEY,
	    "version" VARCHAR(50),
	    "description" VARCHAR(200) NOT NULL,
	    "type" VARCHAR(20) NOT NULL,
	    "script" VARCHAR(1000) NOT NULL,
	    "checksum" INT,
	    "installed_by" VARCHAR(100) NOT NULL,
	    "installed_on" TEXT NOT NULL DEFAULT (strftime('"'"'%Y-%m-%d %H:%M:%f'"'"','"'"'now'"'"')),
	    "execution_time" INT NOT NULL,
	    "success" BOOLEAN NOT NULL
	);
	CREATE INDEX "flyway_schema_history_s_idx" ON "flyway_schema_history" ("success");
	EOF
	test_cmp expect got
'

test_expect_success 'rows store success as 1, installed_by as "" and installed_on as text' '
	db_sql "SELECT typeof(success), success, installed_by, length(installed_on), typeof(checksum) FROM flyway_schema_history" >got &&
	echo "integer|1||23|integer" >expect && test_cmp expect got
'

# runway adds a "  done [i/n] FILE in TIME" line after each migration
# (docs/progress.md); everything else is Flyway's text.
test_expect_success 'migrate prints Flyway'"'"'s progress lines on stderr' '
	rm -rf flytext && mkdir flytext && cd flytext && mkdir sql &&
	echo "CREATE TABLE t (id INT);" >sql/V1__t.sql &&
	echo "CREATE TABLE u (id INT);" >sql/V3__u.sql &&
	echo "CREATE VIEW v AS SELECT 1 AS x;" >sql/R__v.sql &&
	"$RUNWAY_BIN" -url=jdbc:sqlite:a.db migrate >out 2>err &&
	test "$(grep -c "^  done \[[1-3]/3\] " err)" = 3 &&
	grep -v "^  done \[" err |
	sed -E -e "s/\(SQLite [0-9.]+\)/(SQLite X)/" -e "s/[0-9]{2}:[0-9]{2}\.[0-9]{3}s/MM:SS.mmms/" >got &&
	cat >expect <<-\EOF &&
	Database: jdbc:sqlite:a.db (SQLite X)
	Schema history table "main"."flyway_schema_history" does not exist yet
	Successfully validated 3 migrations (execution time MM:SS.mmms)
	Creating Schema History table "main"."flyway_schema_history" ...
	Current version of schema "main": << Empty Schema >>
	Migrating schema "main" to version "1 - t"
	Migrating schema "main" to version "3 - u"
	Migrating schema "main" with repeatable migration "v"
	Successfully applied 3 migrations to schema "main", now at version v3 (execution time MM:SS.mmms)
	EOF
	test_cmp expect got &&
	test ! -s out
'

test_expect_success 'a relative jdbc:sqlite: path and the sqlite: form both work' '
	"$RUNWAY_BIN" -url=jdbc:sqlite:rel.db migrate &&
	test -f rel.db &&
	"$RUNWAY_BIN" -url=sqlite:rel.db info >out &&
	expect_grep "| 1 .*| Success " out
'

# What Flyway 10 leaves in a SQLite file after migrating V1__a.sql
# (the checksum computed with Flyway's algorithm).
cat >flyway-written.sql <<\EOF
CREATE TABLE "main"."flyway_schema_history" (
    "installed_rank" INT NOT NULL PRIMARY KEY,
    "version" VARCHAR(50),
    "description" VARCHAR(200) NOT NULL,
    "type" VARCHAR(20) NOT NULL,
    "script" VARCHAR(1000) NOT NULL,
    "checksum" INT,
    "installed_by" VARCHAR(100) NOT NULL,
    "installed_on" TEXT NOT NULL DEFAULT (strftime('%Y-%m-%d %H:%M:%f','now')),
    "execution_time" INT NOT NULL,
    "success" BOOLEAN NOT NULL
);
CREATE INDEX "main"."flyway_schema_history_s_idx" ON "flyway_schema_history" ("success");
CREATE TABLE a (id INT);
INSERT INTO flyway_schema_history (installed_rank,version,description,type,script,checksum,installed_by,execution_time,success)
  VALUES (1,'1','a','SQL','V1__a.sql',-2090711421,'',3,1);
EOF

test_expect_success 'a history table written by Flyway is read, validated and extended' '
	sqlite3 flyway.db <flyway-written.sql &&
	mkdir fw && printf "CREATE TABLE a (id INT);\n" >fw/V1__a.sql &&
	"$RUNWAY_BIN" -url=jdbc:sqlite:flyway.db -locations=filesystem:fw validate &&
	printf "CREATE TABLE b (id INT);\n" >fw/V2__b.sql &&
	"$RUNWAY_BIN" -url=jdbc:sqlite:flyway.db -locations=filesystem:fw migrate &&
	sqlite3 flyway.db "SELECT installed_rank, version, checksum, success FROM flyway_schema_history" >got &&
	printf "1|1|-2090711421|1\n2|2|444604546|1\n" >expect &&
	test_cmp expect got
'

test_expect_success 'a Flyway-written checksum that differs is a mismatch' '
	sqlite3 flyway.db "UPDATE flyway_schema_history SET checksum = 1 WHERE installed_rank = 1" &&
	"$RUNWAY_BIN" -url=jdbc:sqlite:flyway.db -locations=filesystem:fw validate >out 2>err; test $? = 1 &&
	expect_grep "Migration checksum mismatch for migration version 1" err
'

test_expect_success 'a trigger with BEGIN ... END and ; inside runs as one statement' '
	write_migration V2__trigger.sql "CREATE TABLE audit (what TEXT);
CREATE TRIGGER a_ins AFTER INSERT ON a
BEGIN
  INSERT INTO audit VALUES ('"'"'insert; one'"'"');
  INSERT INTO audit VALUES (CASE WHEN NEW.id > 1 THEN '"'"'big'"'"' ELSE '"'"'small'"'"' END);
END;
INSERT INTO a VALUES (5);" &&
	rw migrate &&
	db_sql "SELECT what FROM audit" >got &&
	printf "insert; one\nbig\n" >expect && test_cmp expect got
'

test_expect_success 'PRAGMA foreign_keys runs outside a transaction' '
	write_migration V3__pragma.sql "PRAGMA foreign_keys = ON;" &&
	rw migrate &&
	history_rows | tail -1 | cut -d"|" -f2,7 >got && echo "3|1" >expect && test_cmp expect got
'

test_expect_success 'a failing non-transactional migration leaves a failed row' '
	write_migration V4__fails.sql "PRAGMA foreign_keys = OFF;
PRAGMA no_such_pragma_but_fine;
INSERT INTO nowhere VALUES (1);" &&
	must_fail rw -mixed=true migrate &&
	expect_grep "V4__fails.sql" err &&
	history_rows | tail -1 | cut -d"|" -f2,7 >got && echo "4|0" >expect && test_cmp expect got &&
	rw info >out && expect_grep "| 4 .*| Failed " out &&
	must_fail rw migrate &&
	expect_grep "Detected failed migration to version 4" err &&
	rw repair && rm sql/V4__fails.sql &&
	rw info >out && ! grep -q "| 4 " out
'

test_expect_success 'a database in a path that cannot exist fails with exit 1' '
	echo x >notadir &&
	"$RUNWAY_BIN" -url="jdbc:sqlite:$TRASH/notadir/x.db" migrate >out 2>err; test $? = 1 &&
	expect_grep "notadir/x.db" err &&
	expect_grep "unable to open database file" err &&
	test ! -e notadir.db && test "$(cat notadir)" = x
'

test_expect_success 'a read-only database file: migrate fails, database unchanged' '
	write_migration V4__four.sql "CREATE TABLE four (id INT);" &&
	db_state >before &&
	cp "$DB_FILE" copy.db &&
	chmod 444 "$DB_FILE" && chmod 555 "$TRASH" &&
	as_nobody -url="$DB_URL" migrate >out 2>err; rc=$?
	chmod 755 "$TRASH"; chmod 644 "$DB_FILE"; test $rc = 1 &&
	expect_grep "readonly database" err &&
	expect_grep "not writable" err &&
	db_state >after && test_cmp before after &&
	cmp "$DB_FILE" copy.db
'

test_expect_success 'a read-only database file: info still works' '
	chmod 444 "$DB_FILE" && chmod 555 "$TRASH" &&
	as_nobody -url="$DB_URL" info >out 2>err; rc=$?
	chmod 755 "$TRASH"; chmod 644 "$DB_FILE"; test $rc = 0 &&
	expect_grep "| 4 .*| Pending " out
'

test_expect_success 'an immutable database file (chattr +i) fails migrate even for root' '
	write_migration V4__four.sql "CREATE TABLE four (id INT);" &&
	db_state >before &&
	if ! chattr +i "$DB_FILE" 2>/dev/null; then echo "chattr +i unsupported here"; exit 0; fi
	rw migrate >out 2>err; rc=$?
	chattr -i "$DB_FILE"; test $rc = 1 &&
	expect_grep "readonly database" err &&
	db_state >after && test_cmp before after
'

test_expect_success 'a read-only new database: migrate fails before creating anything' '
	mkdir rodir && chmod 555 rodir &&
	as_nobody -url="jdbc:sqlite:$TRASH/rodir/new.db" migrate >out 2>err; rc=$?
	test $rc = 1 && test ! -e rodir/new.db &&
	expect_grep "rodir/new.db" err
'

test_expect_success 'clean drops tables, views, triggers and indexes' '
	rm -f clean.db && mkdir cleanme &&
	printf "%s\n" "CREATE TABLE c1 (id INT);" "CREATE INDEX c1_idx ON c1 (id);" \
		"CREATE VIEW c1_v AS SELECT id FROM c1;" \
		"CREATE TRIGGER c1_t AFTER INSERT ON c1 BEGIN SELECT 1; END;" >cleanme/V1__objects.sql &&
	"$RUNWAY_BIN" -url=jdbc:sqlite:clean.db -locations=filesystem:cleanme migrate &&
	test "$(sqlite3 clean.db "SELECT COUNT(*) FROM sqlite_schema")" -ge 5 &&
	"$RUNWAY_BIN" -url=jdbc:sqlite:clean.db -locations=filesystem:cleanme -cleanDisabled=false clean &&
	test "$(sqlite3 clean.db "SELECT COUNT(*) FROM sqlite_schema")" = 0
'

test_expect_success 'a command that fails before writing leaves no database file behind' '
	mkdir nofile && (
		cd nofile &&
		mkdir sql && printf "INSERT INTO t VALUES (\${missing});\n" >sql/V1__p.sql &&
		must_fail "$RUNWAY_BIN" -url=jdbc:sqlite:fresh.db migrate &&
		expect_grep "missing" err &&
		test ! -e fresh.db &&
		"$RUNWAY_BIN" -url=jdbc:sqlite:fresh.db info >out 2>err &&
		test ! -e fresh.db
	)
'

test_expect_success 'concurrent migrate runs on one database file apply each migration once' '
	mkdir conc && (
		cd conc && mkdir sql &&
		for i in 1 2 3 4 5 6 7 8 9 10 11 12; do
			printf "CREATE TABLE t$i (a INT);\nINSERT INTO t$i VALUES ($i);\n" >sql/V${i}__t$i.sql || exit 1
		done &&
		for k in 1 2 3 4 5 6; do
			("$RUNWAY_BIN" -url=jdbc:sqlite:c.db -q migrate >out$k 2>err$k; echo $? >rc$k) &
		done &&
		wait &&
		cat rc1 rc2 rc3 rc4 rc5 rc6 | sort -u >codes && echo 0 >expect && test_cmp expect codes &&
		sqlite3 c.db "SELECT COUNT(*), COUNT(DISTINCT version) FROM flyway_schema_history" >got &&
		echo "12|12" >expect && test_cmp expect got
	)
'

test_expect_success 'a run waiting on the lock gives up after lockRetryCount seconds' '
	command -v flock >/dev/null || { echo "flock(1) missing"; exit 1; }
	mkdir held && (
		cd held && mkdir sql && echo "CREATE TABLE a (id INT);" >sql/V1__a.sql &&
		"$RUNWAY_BIN" -url=jdbc:sqlite:h.db info >/dev/null 2>&1;
		sqlite3 h.db "CREATE TABLE keep (id INT)" &&
		flock h.db sleep 4 &
		sleep 0.5 &&
		must_fail "$RUNWAY_BIN" -url=jdbc:sqlite:h.db -lockRetryCount=1 -baselineOnMigrate=true migrate &&
		expect_grep "lockRetryCount" err &&
		wait
	)
'

test_expect_success 'SIGTERM while waiting for the lock ends the wait: exit 143, one line, nothing applied' '
	mkdir stopped && (
		cd stopped && mkdir sql && echo "CREATE TABLE a (id INT);" >sql/V1__a.sql &&
		"$RUNWAY_BIN" -url=jdbc:sqlite:s.db info >/dev/null 2>&1;
		flock s.db sleep 60 &
		holder=$!
		sleep 0.5
		"$RUNWAY_BIN" -url=jdbc:sqlite:s.db -lockRetryCount=-1 migrate >out 2>err &
		waiter=$!
		for _ in $(seq 1 100); do grep -q "Creating Schema History\|does not exist yet" err && break; sleep 0.1; done
		sleep 0.5
		start=$(date +%s)
		kill -TERM $waiter; wait $waiter; code=$?
		took=$(( $(date +%s) - start ))
		kill $holder; wait $holder 2>/dev/null
		{ test $code = 143 || { echo "exit $code"; cat err; false; }; } &&
		{ test $took -lt 10 || { echo "took ${took}s: the lock wait went on after the signal"; false; }; } &&
		grep "^ERROR: " err >errors &&
		test "$(wc -l <errors)" = 1 &&
		expect_grep "^ERROR: interrupted by SIGTERM while waiting for the lock on the schema history table" errors &&
		test -z "$(sqlite3 s.db "SELECT name FROM sqlite_master WHERE name = '"'"'a'"'"'")"
	)
'

test_done
