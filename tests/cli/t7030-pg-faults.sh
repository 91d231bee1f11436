#!/bin/sh
# backends: postgresql
# Faults on a real PostgreSQL server: the backend terminated mid-migration,
# runway killed at varied moments, the server down at start and restarted
# mid-run.  Each time runway reports the failure without hanging, leaves no
# half-applied migration, and a rerun converges.  The restarts use a
# private server of this test, never the suite's shared one.
. ./lib.sh
q="'"   # a single quote, for SQL inside the test bodies

# Waits up to 20 s until a backend of this database runs a query like $1; prints its pid.
backend_running() {
  for _ in $(seq 1 100); do
    pid=$(db_sql "SELECT pid FROM pg_stat_activity WHERE datname = current_database()
                  AND pid <> pg_backend_pid() AND query LIKE '$1' LIMIT 1")
    [ -n "$pid" ] && { echo "$pid"; return 0; }
    sleep 0.2
  done
  echo "no query like $1 started" >&2
  return 1
}

write_migration V1__base.sql "CREATE TABLE base (id INT);"
write_migration V2__slow.sql "CREATE TABLE partial (id INT);
INSERT INTO partial VALUES (1);
SELECT pg_sleep(20) WHERE NOT EXISTS (SELECT 1 FROM base WHERE id = 0);
INSERT INTO partial VALUES (2);"

test_expect_success 'backend terminated mid-migration: the migration is named, nothing of it stays' '
  "$RUNWAY_BIN" -url="$DB_URL" migrate >out 2>err &
  victim=$!
  pid=$(backend_running "SELECT pg_sleep(20)%") &&
  db_sql "SELECT pg_terminate_backend($pid)" >/dev/null &&
  { wait $victim; rc=$?; test $rc -ne 0 && test $rc -lt 128; } &&
  grep "^ERROR" err | head -n 1 >first &&
  expect_grep "Migration V2__slow.sql failed" first &&
  expect_grep "Nothing was changed" err &&
  test "$(history_rows | cut -d"|" -f2,7)" = "1|1" &&
  test -z "$(db_sql "SELECT 1 FROM pg_tables WHERE tablename = ${q}partial${q}")"
'

test_expect_success 'the rerun applies the interrupted migration once' '
  db_sql "INSERT INTO base VALUES (0)" &&
  timeout 60 "$RUNWAY_BIN" -url="$DB_URL" migrate >out 2>err &&
  test "$(history_rows | cut -d"|" -f2,7)" = "1|1
2|1" &&
  test "$(db_sql "SELECT string_agg(id::text, ${q},${q} ORDER BY id) FROM partial")" = "1,2"
'

# Five kills: before connecting, around the history table, in V1, in each
# statement of V2; every rerun must end with each migration applied once.
test_expect_success 'runway killed at varied moments: every rerun converges' '
  for delay in 0.05 0.3 0.6 1.0 1.5; do
    db_reset && rm -rf sql &&
    write_migration V1__base.sql "CREATE TABLE base (id INT);" &&
    write_migration V2__steps.sql "CREATE TABLE k1 (id INT);
SELECT pg_sleep(0.4);
CREATE TABLE k2 (id INT);
SELECT pg_sleep(0.4);
CREATE TABLE k3 (id INT);" || exit 1
    "$RUNWAY_BIN" -url="$DB_URL" migrate >/dev/null 2>&1 &
    victim=$!
    sleep $delay; kill -9 $victim 2>/dev/null; wait $victim 2>/dev/null
    k=$(db_sql "SELECT count(*) FROM pg_tables WHERE tablename LIKE ${q}k_${q}")
    v2=$(db_sql "SELECT success FROM flyway_schema_history WHERE version = ${q}2${q}" 2>/dev/null || true)
    echo "killed after ${delay}s: $k of 3 tables, V2 row: ${v2:-none}"
    case "$k:$v2" in
      0:|3:t) ;;
      *) echo "half-applied migration after a kill"; exit 1 ;;
    esac
    timeout 60 "$RUNWAY_BIN" -url="$DB_URL" migrate >rerun.out 2>&1 || { cat rerun.out; exit 1; }
    test "$(history_rows | cut -d"|" -f2,7 | tr "\n" " ")" = "1|1 2|1 " || { history_rows; exit 1; }
  done
'

# A private server for the restarts: the suite's own must stay up.
srv=$TRASH/srv
private_url=
chmod 755 "$TRASH"
if env_lines=$("$RUNWAY_SOURCE_DIR/tests/lib/pg-server.sh" start "$srv" 2>"$TRASH/srv.err"); then
  eval "$env_lines"
  test_secret_value PRIVATE_PG_PASSWORD "$RUNWAY_TEST_PG_PASSWORD"
  private_url=$(printf 'jdbc:postgresql://127.0.0.1:%s/postgres?user=%s&password=%s' \
    "$RUNWAY_TEST_PG_PORT" "$RUNWAY_TEST_PG_USER" "$RUNWAY_TEST_PG_PASSWORD")
  trap '"$RUNWAY_SOURCE_DIR/tests/lib/pg-server.sh" stop "$srv" >/dev/null 2>&1; backend_cleanup 2>/dev/null; rm -rf "$TRASH"' EXIT
fi
private() { "$RUNWAY_SOURCE_DIR/tests/lib/pg-server.sh" "$1" "$srv"; }
private_sql() { PGPASSWORD=$RUNWAY_TEST_PG_PASSWORD "${RUNWAY_TEST_PG_BINDIR:+$RUNWAY_TEST_PG_BINDIR/}psql" -X -A -t -q -h 127.0.0.1 -p "$RUNWAY_TEST_PG_PORT" -U "$RUNWAY_TEST_PG_USER" -d postgres -c "$1"; }

if [ -z "$private_url" ]; then
  echo "# skipping the restart tests: no private server ($(head -n 1 "$TRASH/srv.err"))"
else
  test_expect_success 'server down at start: connectRetries waits until it is up, then migrates' '
    rm -rf sql && write_migration V1__first.sql "CREATE TABLE first_t (id INT);" &&
    private halt &&
    { timeout 60 "$RUNWAY_BIN" -url="$private_url" -connectRetries=5 -connectRetriesInterval=1 migrate >out 2>err & } &&
    victim=$! &&
    sleep 1.5 && private resume &&
    wait $victim &&
    test "$(private_sql "SELECT version, success FROM flyway_schema_history")" = "1|t"
  '

  test_expect_success 'server down at start without retries: a clear error, no hang' '
    private halt &&
    must_fail timeout 30 "$RUNWAY_BIN" -url="$private_url" info &&
    expect_grep "Unable to obtain connection" err &&
    private resume
  '

  test_expect_success 'server restarted mid-run: the run fails without hanging, the rerun converges' '
    write_migration V2__slow.sql "CREATE TABLE slow_t (id INT);
SELECT pg_sleep(20);" &&
    { timeout 60 "$RUNWAY_BIN" -url="$private_url" migrate >out 2>err & } &&
    victim=$! &&
    for _ in $(seq 1 100); do
      [ -n "$(private_sql "SELECT 1 FROM pg_stat_activity WHERE query LIKE ${q}SELECT pg_sleep(20)%${q}")" ] && break
      sleep 0.2
    done &&
    private halt && private resume &&
    { wait $victim; rc=$?; test $rc -ne 0 && test $rc -lt 124; } &&
    expect_grep "Migration V2__slow.sql failed" err &&
    test -z "$(private_sql "SELECT 1 FROM pg_tables WHERE tablename = ${q}slow_t${q}")" &&
    write_migration V2__slow.sql "CREATE TABLE slow_t (id INT);" &&
    timeout 60 "$RUNWAY_BIN" -url="$private_url" migrate >out 2>err &&
    test "$(private_sql "SELECT version, success FROM flyway_schema_history ORDER BY installed_rank" | tr "\n" " ")" = "1|t 2|t "
  '
fi

test_done
