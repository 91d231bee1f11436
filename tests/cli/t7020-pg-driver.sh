#!/usr/bin/env bash
# backends: postgresql
# PostgreSQL driver behaviour: URLs and credentials, schemas and
# search_path, Flyway's history DDL and lock key, transactions and error
# reports, lockTimeout/statementTimeout, initSql, connection retries.
. ./lib.sh
[ "$RUNWAY_TEST_BACKEND" = postgresql ] || skip_all "PostgreSQL only"
q="'"   # a single quote, for SQL inside the test bodies
H=$RUNWAY_TEST_PG_HOST P=$RUNWAY_TEST_PG_PORT U=$RUNWAY_TEST_PG_USER PW=$RUNWAY_TEST_PG_PASSWORD

fresh() { db_reset && rm -rf sql; }
# runway on the test database, bounded in time.
rwt() { timeout 120 "$RUNWAY_BIN" -url="$DB_URL" "$@"; }
hist() { db_sql "SELECT ${1:-version, success} FROM ${2:-public}.flyway_schema_history ORDER BY installed_rank"; }

# Waits until another session of this database holds a lock matching the pg_locks condition $1.
wait_for_lock() {
  local i
  for i in $(seq 1 100); do
    [ "$(db_sql "SELECT count(*) FROM pg_locks l JOIN pg_stat_activity a ON a.pid = l.pid
                 WHERE a.datname = current_database() AND l.pid <> pg_backend_pid()
                 AND l.granted AND $1")" -gt 0 ] && return 0
    sleep 0.1
  done
  echo "lock ($1) never taken"; return 1
}

# Ends the background lock holder $1 (its session's query starts with $2):
# holders sleep for a minute, so they hold however slow the machine is, and
# are let go as soon as the test is done with them.
end_holder() {
  db_sql "SELECT pg_terminate_backend(pid) FROM pg_stat_activity
          WHERE datname = current_database() AND pid <> pg_backend_pid() AND query LIKE '$2%'" >/dev/null
  wait "$1"
  return 0
}

test_expect_success 'history table: Flyway'"'"'s PostgreSQL DDL, installed_by is current_user' '
  fresh && write_migration V1__a.sql "CREATE TABLE t (id INT);" &&
  rwt migrate >out 2>&1 &&
  _pg_client pg_dump "$DB_NAME" --schema-only --no-owner -t public.flyway_schema_history |
    grep -v -E "^(--|SET |SELECT pg_catalog|\\\\|$)" >dump &&
  cat >expect <<-\EOT &&
	CREATE TABLE public.flyway_schema_history (
	    installed_rank integer NOT NULL,
	    version character varying(50),
	    description character varying(200) NOT NULL,
	    type character varying(20) NOT NULL,
	    script character varying(1000) NOT NULL,
	    checksum integer,
	    installed_by character varying(100) NOT NULL,
	    installed_on timestamp without time zone DEFAULT now() NOT NULL,
	    execution_time integer NOT NULL,
	    success boolean NOT NULL
	);
	ALTER TABLE ONLY public.flyway_schema_history
	    ADD CONSTRAINT flyway_schema_history_pk PRIMARY KEY (installed_rank);
	CREATE INDEX flyway_schema_history_s_idx ON public.flyway_schema_history USING btree (success);
	EOT
  test_cmp expect dump &&
  test "$(hist "version, description, type, script, installed_by, success")" = "1|a|SQL|V1__a.sql|$U|t" &&
  test "$(hist "checksum")" = 1556295178
'

test_expect_success 'tablespace: the history table DDL with TABLESPACE clauses is accepted' '
  fresh && write_migration V1__t.sql "CREATE TABLE t (id INT);" &&
  rwt -tablespace=pg_default migrate >out 2>&1 &&
  test "$(hist)" = "1|t"
'

test_expect_success 'a session holding Flyway'"'"'s advisory lock key blocks runway' '
  { fresh && write_migration V1__a.sql "CREATE TABLE a (id INT);"; } || exit 1
  db_sql "SELECT pg_advisory_lock(77433833903597), pg_sleep(60)" >/dev/null 2>&1 &
  holder=$!
  wait_for_lock "l.locktype = ${q}advisory${q} AND l.classid = 18028 AND l.objid = 4163491309" || exit 1
  must_fail rwt migrate -lockRetryCount=2 &&
  grep -q "Number of retries exceeded while attempting to acquire PostgreSQL advisory lock" out err &&
  end_holder $holder "SELECT pg_%" &&
  rwt migrate >out 2>&1 &&
  test "$(hist)" = "1|t"
'

test_expect_success 'the lock key follows schema and table: another table name is another lock' '
  { fresh && write_migration V1__a.sql "CREATE TABLE a (id INT);"; } || exit 1
  db_sql "SELECT pg_advisory_lock(77433833903597), pg_sleep(60)" >/dev/null 2>&1 &
  holder=$!
  wait_for_lock "l.locktype = ${q}advisory${q} AND l.objid = 4163491309" || exit 1
  rwt migrate -table=other_history -lockRetryCount=0 >out 2>&1 &&
  end_holder $holder "SELECT pg_%" &&
  test "$(db_sql "SELECT version FROM public.other_history")" = 1
'

# Java hashes UTF-16 code units: an accented letter and a surrogate pair.
test_expect_success 'lock key of a non-ASCII schema name matches Flyway'"'"'s (UTF-16 hash)' '
  { fresh && write_migration V1__a.sql "CREATE TABLE a (id INT);"; } || exit 1
  db_sql "SELECT pg_advisory_lock(77432921607197), pg_sleep(60)" >/dev/null 2>&1 &
  holder=$!
  wait_for_lock "l.locktype = ${q}advisory${q} AND l.objid = 3251194909" || exit 1
  must_fail rwt "-schemas=schéma_😀" -lockRetryCount=1 migrate &&
  grep -q "Number of retries exceeded" out err &&
  end_holder $holder "SELECT pg_%" &&
  rwt "-schemas=schéma_😀" migrate >out 2>&1 &&
  test "$(db_sql "SELECT version FROM \"schéma_😀\".flyway_schema_history WHERE type = ${q}SQL${q}")" = 1
'

test_expect_success 'a failed transactional migration is rolled back and leaves no row' '
  fresh &&
  write_migration V1__ok.sql "CREATE TABLE ok (id INT);" &&
  write_migration V2__bad.sql "CREATE TABLE half (id INT);
INSERT INTO half VALUES (1);
-- the next statement fails on line 5
INSERT INTO half
  SELECT id FROM nosuch_table;" &&
  must_fail rwt migrate &&
  cat out err >all &&
  expect_grep "relation \"nosuch_table\" does not exist" all &&
  expect_grep "42P01" all &&
  expect_grep "V2__bad.sql" all &&
  test "$(hist)" = "1|t" &&
  test "$(db_sql "SELECT count(*) FROM pg_tables WHERE tablename = ${q}half${q}")" = 0
'

test_expect_success 'server detail and hint are reported' '
  fresh &&
  write_migration V1__dup.sql "CREATE TABLE u (id INT PRIMARY KEY);
INSERT INTO u VALUES (1);
INSERT INTO u VALUES (1);" &&
  must_fail rwt migrate &&
  cat out err >all &&
  expect_grep "duplicate key value violates unique constraint" all &&
  expect_grep "Key (id)=(1) already exists" all &&
  expect_grep "23505" all
'

test_expect_success_corpus 'Flyway'"'"'s failing fixture: RAISE EXCEPTION is reported, nothing kept' '
  fresh &&
  must_fail timeout 60 "$RUNWAY_BIN" -url="$DB_URL" -locations="filesystem:$CORPUS/flyway-tests-postgresql/warning" migrate &&
  cat out err >all &&
  expect_grep "This is an error" all &&
  expect_grep "This is a warning" all &&
  test "$(db_sql "SELECT count(*) FROM flyway_schema_history")" = 0 &&
  test "$(db_sql "SELECT count(*) FROM pg_proc WHERE proname = ${q}test${q}")" = 0
'

test_expect_success 'a failed non-transactional migration leaves a success=false row' '
  fresh &&
  write_migration V1__ok.sql "CREATE TABLE ok (id INT);" &&
  write_migration V2__cic.sql "CREATE INDEX CONCURRENTLY nosuch_idx ON nosuch_table (id);" &&
  must_fail rwt migrate &&
  test "$(hist)" = "1|t
2|f"
'

test_expect_success 'mixing transactional and non-transactional statements needs mixed=true' '
  fresh &&
  write_migration V1__mix.sql "CREATE TABLE m (id INT);
CREATE INDEX CONCURRENTLY m_idx ON m (id);" &&
  must_fail rwt migrate &&
  cat out err >all && expect_grep "mixed" all &&
  test "$(db_sql "SELECT count(*) FROM pg_tables WHERE tablename = ${q}m${q}")" = 0 &&
  rwt migrate -mixed=true >out 2>&1 &&
  test "$(hist)" = "1|t" &&
  test "$(db_sql "SELECT indisvalid FROM pg_index WHERE indexrelid = ${q}m_idx${q}::regclass")" = t
'

test_expect_success 'psql meta-commands are rejected with the file and line' '
  fresh &&
  write_migration V1__meta.sql "CREATE TABLE x (id INT);
\\connect other
CREATE TABLE y (id INT);" &&
  must_fail rwt migrate &&
  cat out err >all &&
  expect_grep "meta-command \\\\connect" all &&
  expect_grep "line 2" all &&
  expect_grep "V1__meta.sql" all &&
  test "$(db_sql "SELECT count(*) FROM pg_tables WHERE tablename IN (${q}x${q}, ${q}y${q})")" = 0
'

test_expect_success 'PostgreSQL syntax reaches the server intact' '
  fresh &&
  write_migration V1__syntax.sql "CREATE TABLE s (id INT, v TEXT);
INSERT INTO s VALUES (1, E${q}it\\${q}s; \$\$ here${q}), (2, ${q}\$\$${q}), (3, \$x\$a;b\$x\$);
CREATE FUNCTION add2(a INT, b INT) RETURNS INT LANGUAGE sql AS \$\$ SELECT \$1 + \$2; \$\$;
CREATE FUNCTION sign_of(a INT) RETURNS TEXT LANGUAGE sql
BEGIN ATOMIC
  SELECT CASE WHEN a > 0 THEN ${q}pos${q} WHEN a < 0 THEN ${q}neg${q} ELSE ${q}zero${q} END;
END;
/* nested /* comment; */ still; */
COPY s (id, v) FROM stdin;
4	tab;separated
5	\\N
\\.
INSERT INTO s VALUES (add2(3, 3), sign_of(-2));" &&
  rwt migrate >out 2>&1 &&
  test "$(db_sql "SELECT id || ${q}:${q} || coalesce(v, ${q}NULL${q}) FROM s ORDER BY id")" = "1:it${q}s; \$\$ here
2:\$\$
3:a;b
4:tab;separated
5:NULL
6:neg"
'

test_expect_success 'bad COPY data fails the migration and rolls it back' '
  fresh &&
  write_migration V1__copy.sql "CREATE TABLE c (id INT);
COPY c (id) FROM stdin;
1
not-a-number
\\.
INSERT INTO c VALUES (2);" &&
  must_fail rwt migrate &&
  cat out err >all &&
  expect_grep "invalid input syntax for type integer" all &&
  expect_grep "22P02" all &&
  test "$(db_sql "SELECT count(*) FROM pg_tables WHERE tablename = ${q}c${q}")" = 0
'

test_expect_success 'server notices are shown' '
  fresh &&
  write_migration V1__notice.sql "DO \$\$ BEGIN RAISE NOTICE ${q}hello from the server${q}; END \$\$;" &&
  rwt migrate >out 2>&1 &&
  expect_grep "DB: hello from the server" out
'

test_expect_success 'schemas: created with the marker row, history and unqualified objects in the first' '
  fresh &&
  write_migration V1__t.sql "CREATE TABLE t (id INT);" &&
  rwt migrate -schemas=app,audit >out 2>&1 &&
  test "$(hist "installed_rank, version, description, type, script" app)" = "0||<< Flyway Schema Creation >>|SCHEMA|\"app\",\"audit\"
1|1|t|SQL|V1__t.sql" &&
  test "$(db_sql "SELECT schemaname FROM pg_tables WHERE tablename = ${q}t${q}")" = app &&
  test "$(db_sql "SELECT count(*) FROM pg_namespace WHERE nspname = ${q}audit${q}")" = 1
'

test_expect_success 'clean drops the schemas runway created, empties the others' '
  fresh && db_sql "CREATE SCHEMA existing" >/dev/null &&
  write_migration V1__t.sql "CREATE TABLE t (id INT); CREATE TABLE existing.e (id INT);" &&
  rwt -schemas=app,existing migrate >out 2>&1 &&
  rwt -schemas=app,existing -cleanDisabled=false clean >out 2>&1 &&
  test "$(db_sql "SELECT string_agg(nspname, ${q},${q} ORDER BY nspname) FROM pg_namespace
                  WHERE nspname IN (${q}app${q}, ${q}existing${q})")" = existing &&
  test "$(db_sql "SELECT count(*) FROM pg_tables WHERE schemaname = ${q}existing${q}")" = 0
'

test_expect_success 'defaultSchema picks the history schema' '
  fresh && db_sql "CREATE SCHEMA one; CREATE SCHEMA two" >/dev/null &&
  write_migration V1__t.sql "CREATE TABLE t (id INT);" &&
  rwt migrate -schemas=one,two -defaultSchema=two >out 2>&1 &&
  test "$(db_sql "SELECT count(*) FROM two.flyway_schema_history")" = 1 &&
  test "$(db_sql "SELECT schemaname FROM pg_tables WHERE tablename = ${q}t${q}")" = two
'

test_expect_success 'URL forms: postgres:// URI, separate user/password, currentSchema, unix socket' '
  fresh && db_sql "CREATE SCHEMA cs" >/dev/null &&
  write_migration V1__t.sql "CREATE TABLE t (id INT);" &&
  timeout 60 "$RUNWAY_BIN" -url="postgresql://$U:$PW@$H:$P/$DB_NAME?currentSchema=cs" migrate >out 2>&1 &&
  test "$(db_sql "SELECT count(*) FROM cs.flyway_schema_history")" = 1 &&
  ! grep -q -- "$PW" out &&
  fresh && write_migration V1__t.sql "CREATE TABLE t (id INT);" &&
  timeout 60 "$RUNWAY_BIN" -url="jdbc:postgresql://$H:$P/$DB_NAME?prepareThreshold=0&ApplicationName=rwtest" \
    -user="$U" -password="$PW" migrate >out 2>&1 &&
  test "$(hist)" = "1|t" &&
  fresh && write_migration V1__t.sql "CREATE TABLE t (id INT);" &&
  timeout 60 "$RUNWAY_BIN" -url="jdbc:postgresql:$DB_NAME?host=$RUNWAY_TEST_PG_SOCKET_DIR&port=$P" \
    -user="$U" -password="$PW" migrate >out 2>&1 &&
  test "$(hist)" = "1|t" &&
  fresh && write_migration V1__t.sql "CREATE TABLE t (id INT);" &&
  timeout 60 "$RUNWAY_BIN" -url="jdbc:postgresql://127.0.0.1:1,$H:$P/$DB_NAME" -user="$U" \
    -jdbcProperties.password="$PW" migrate >out 2>&1 &&
  test "$(hist)" = "1|t"
'

test_expect_success 'libpq conventions: PG* variables and ~/.pgpass' '
  fresh && write_migration V1__t.sql "CREATE TABLE t (id INT);" &&
  PGHOST=$H PGPORT=$P PGUSER=$U PGPASSWORD=$PW timeout 60 "$RUNWAY_BIN" -url="jdbc:postgresql:$DB_NAME" migrate >out 2>&1 &&
  test "$(hist)" = "1|t" &&
  fresh && write_migration V1__t.sql "CREATE TABLE t (id INT);" &&
  printf "%s:%s:*:%s:%s\n" "$H" "$P" "$U" "$PW" >pgpass && chmod 600 pgpass && test_secret_input pgpass &&
  PGPASSFILE=$PWD/pgpass timeout 60 "$RUNWAY_BIN" -url="jdbc:postgresql://$H:$P/$DB_NAME?user=$U" migrate >out 2>&1 &&
  test "$(hist)" = "1|t"
'

test_expect_success 'a wrong password fails clearly without printing it' '
  fresh && write_migration V1__t.sql "CREATE TABLE t (id INT);" &&
  must_fail timeout 60 "$RUNWAY_BIN" -url="jdbc:postgresql://$H:$P/$DB_NAME?user=$U&password=Secret-Wrong-42" migrate &&
  cat out err >all &&
  expect_grep "password authentication failed" all &&
  ! grep -q "Secret-Wrong-42" all
'

test_expect_success 'connectRetries retries with a growing wait, then fails' '
  start=$(date +%s) &&
  must_fail timeout 60 "$RUNWAY_BIN" -url="jdbc:postgresql://127.0.0.1:1/x?user=u" -connectRetries=2 -connectRetriesInterval=1 migrate &&
  elapsed=$(( $(date +%s) - start )) &&
  cat out err >all &&
  expect_grep "Unable to obtain connection" all &&
  { [ $elapsed -ge 2 ] || { echo "gave up after ${elapsed}s"; false; }; }
'

test_expect_success 'a SIGTERM between connection attempts ends the run at once' '
  "$RUNWAY_BIN" -url="jdbc:postgresql://127.0.0.1:1/x?user=u" -connectRetries=100 -connectRetriesInterval=1 migrate >out 2>err &
  pid=$!
  { sleep 22; kill -KILL $pid 2>/dev/null; } &
  guard=$!
  sleep 2
  kill -TERM $pid
  wait $pid; rc=$?
  kill $guard 2>/dev/null
  test $rc = 143 &&
  expect_grep "interrupted by SIGTERM while waiting to retry the connection (the last attempt: connection to server at" err
'

test_expect_success 'gssEncMode=allow (pgJDBC default) is accepted and connects in plain text' '
  fresh &&
  write_migration V1__t.sql "CREATE TABLE t (id INT);" &&
  timeout 120 "$RUNWAY_BIN" -url="$DB_URL&gssEncMode=allow" migrate >out 2>&1 &&
  test "$(db_sql "SELECT count(*) FROM flyway_schema_history WHERE success")" = 1
'

test_expect_success 'PGGSSENCMODE still decides when the URL names no gssEncMode' '
  fresh &&
  write_migration V1__t.sql "CREATE TABLE t (id INT);" &&
  must_fail env PGGSSENCMODE=require timeout 120 "$RUNWAY_BIN" -url="$DB_URL" migrate &&
  grep -qi gss err &&
  timeout 120 "$RUNWAY_BIN" -url="$DB_URL&gssEncMode=disable" migrate >out 2>&1
'

test_expect_success 'initSql runs on connect' '
  fresh &&
  write_migration V1__t.sql "CREATE TABLE t AS SELECT current_setting(${q}application_name${q}) AS app;" &&
  rwt "-initSql=SET application_name = ${q}from_init_sql${q}" migrate >out 2>&1 &&
  test "$(db_sql "SELECT app FROM t")" = from_init_sql
'

test_expect_success 'lockTimeout: a migration stuck behind a busy table fails fast' '
  { fresh && write_migration V1__t.sql "CREATE TABLE busy (id INT);" && rwt migrate >out 2>&1; } || exit 1
  db_sql "BEGIN; LOCK TABLE busy IN ACCESS EXCLUSIVE MODE; SELECT pg_sleep(60); COMMIT;" >/dev/null 2>&1 &
  holder=$!
  wait_for_lock "l.relation = ${q}busy${q}::regclass AND l.mode = ${q}AccessExclusiveLock${q}" || exit 1
  write_migration V2__alter.sql "ALTER TABLE busy ADD COLUMN x INT;" &&
  start=$(date +%s) &&
  must_fail rwt migrate -lockTimeout=1s &&
  elapsed=$(( $(date +%s) - start )) &&
  cat out err >all &&
  expect_grep "lock timeout" all &&
  { [ $elapsed -lt 6 ] || { echo "took ${elapsed}s"; false; }; } &&
  end_holder $holder "BEGIN; LOCK TABLE busy%" &&
  rwt migrate >out 2>&1 &&
  test "$(hist)" = "1|t
2|t"
'

test_expect_success 'statementTimeout (ms) limits each migration statement' '
  fresh &&
  write_migration V1__slow.sql "SELECT pg_sleep(5);" &&
  start=$(date +%s) &&
  must_fail timeout 60 "$RUNWAY_BIN" -url="$DB_URL" -statementTimeout=500 migrate &&
  elapsed=$(( $(date +%s) - start )) &&
  cat out err >all &&
  expect_grep "statement timeout" all &&
  { [ $elapsed -lt 4 ] || { echo "took ${elapsed}s"; false; }; } &&
  RUNWAY_STATEMENT_TIMEOUT=abc must_fail rwt migrate &&
  cat out err >all && expect_grep "statementTimeout" all
'

test_expect_success_corpus 'clean drops every kind of object, and migrate starts over' '
  fresh &&
  rwt -locations="filesystem:$CORPUS/pagila-postgres" migrate >out 2>&1 &&
  db_sql "CREATE EXTENSION IF NOT EXISTS citext; CREATE TABLE uses_ext (c citext);
          CREATE MATERIALIZED VIEW mv AS SELECT 1 AS x; CREATE COLLATION ci (provider = icu, locale = ${q}und${q});
          CREATE PROCEDURE p() LANGUAGE sql AS \$\$ SELECT 1 \$\$;
          CREATE TYPE rng AS RANGE (subtype = float8);
          CREATE TEXT SEARCH CONFIGURATION tsc (COPY = english);
          CREATE TABLE parted (id INT) PARTITION BY RANGE (id);
          CREATE TABLE parted_1 PARTITION OF parted FOR VALUES FROM (0) TO (10);" >/dev/null &&
  rwt -cleanDisabled=false clean >out 2>&1 &&
  test "$(db_sql "SELECT (SELECT count(*) FROM pg_class WHERE relnamespace = ${q}public${q}::regnamespace)
              + (SELECT count(*) FROM pg_type WHERE typnamespace = ${q}public${q}::regnamespace)
              + (SELECT count(*) FROM pg_proc WHERE pronamespace = ${q}public${q}::regnamespace)
              + (SELECT count(*) FROM pg_collation WHERE collnamespace = ${q}public${q}::regnamespace)
              + (SELECT count(*) FROM pg_ts_config WHERE cfgnamespace = ${q}public${q}::regnamespace)
              + (SELECT count(*) FROM pg_extension WHERE extnamespace = ${q}public${q}::regnamespace)")" = 0 &&
  rwt -locations="filesystem:$CORPUS/pagila-postgres" migrate >out 2>&1 &&
  test "$(db_sql "SELECT count(*) FROM public.rental")" = 16044
'

# A schema made by the user: an empty one has nothing depending on it,
# which is the quick answer; anything else goes through the full query.
test_expect_success 'a schema of its own is empty until a table, view, sequence, type or function is made in it' '
  fresh && write_migration V1__a.sql "CREATE TABLE a (id INT);" || exit 1
  for kind in "TABLE %s.t (id INT)" "VIEW %s.v AS SELECT 1 AS x" "SEQUENCE %s.sq" \
              "TYPE %s.mood AS ENUM (${q}ok${q})" \
              "FUNCTION %s.f() RETURNS INT LANGUAGE sql AS \$\$ SELECT 1 \$\$"; do
    db_sql "DROP SCHEMA IF EXISTS own CASCADE; CREATE SCHEMA own; CREATE $(printf "$kind" own)" >/dev/null &&
    must_fail rwt -schemas=own migrate &&
    expect_grep "Found non-empty schema(s) \"own\" but no schema history table" err || exit 1
  done &&
  db_sql "DROP SCHEMA own CASCADE; CREATE SCHEMA own; CREATE COLLATION own.c (provider = icu, locale = ${q}und${q});
          CREATE EXTENSION IF NOT EXISTS citext SCHEMA own" >/dev/null &&
  rwt -schemas=own migrate >out 2>&1 &&
  db_sql "DROP SCHEMA own CASCADE; CREATE SCHEMA own" >/dev/null &&
  rwt -schemas=own -table=h2 migrate >out 2>&1 &&
  test "$(db_sql "SELECT count(*) FROM own.h2")" = 1
'

# public is not pinned either: the quick answer holds for it too.
test_expect_success 'public is empty until a table, view, sequence, type or function is made in it' '
  for kind in "TABLE %s.t (id INT)" "VIEW %s.v AS SELECT 1 AS x" "SEQUENCE %s.sq" \
              "TYPE %s.mood AS ENUM (${q}ok${q})" \
              "FUNCTION %s.f() RETURNS INT LANGUAGE sql AS \$\$ SELECT 1 \$\$"; do
    fresh && write_migration V1__a.sql "CREATE TABLE a (id INT);" &&
    db_sql "CREATE $(printf "$kind" public)" >/dev/null &&
    must_fail rwt migrate &&
    expect_grep "Found non-empty schema(s) \"public\" but no schema history table" err || exit 1
  done &&
  fresh && write_migration V1__a.sql "CREATE TABLE a (id INT);" &&
  db_sql "CREATE COLLATION public.c (provider = icu, locale = ${q}und${q});
          CREATE EXTENSION IF NOT EXISTS citext SCHEMA public" >/dev/null &&
  rwt migrate >out 2>&1 &&
  test "$(db_sql "SELECT count(*) FROM public.flyway_schema_history")" = 1
'

test_expect_success 'clean is refused while cleanDisabled is true' '
  fresh && db_sql "CREATE TABLE keep (id INT)" >/dev/null &&
  must_fail rwt clean &&
  test "$(db_sql "SELECT count(*) FROM pg_tables WHERE tablename = ${q}keep${q}")" = 1
'

test_done
