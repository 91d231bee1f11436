#!/bin/sh
# backends: sqlite
# Faults with SQLite: a disk that fills up mid-migration (a small tmpfs;
# mounting it needs root) and runway killed at varied moments.  The failed
# migration is named, the database file stays as it was, and a rerun
# converges.
. ./lib.sh

# A statement that keeps SQLite busy for a while (a few tenths of a second).
busy="WITH RECURSIVE c(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM c WHERE x < 1500000) SELECT count(*) FROM c;"

test_expect_success 'runway killed at varied moments: every rerun converges' '
  for delay in 0.02 0.1 0.3 0.6 1.0; do
    db_reset && rm -rf sql &&
    write_migration V1__base.sql "CREATE TABLE base (id INT);" &&
    write_migration V2__steps.sql "CREATE TABLE k1 (id INT);
$busy
CREATE TABLE k2 (id INT);
$busy
CREATE TABLE k3 (id INT);" || exit 1
    "$RUNWAY_BIN" -url="$DB_URL" migrate >/dev/null 2>&1 &
    victim=$!
    sleep $delay; kill -9 $victim 2>/dev/null; wait $victim 2>/dev/null
    k=$(db_sql "SELECT count(*) FROM sqlite_master WHERE name LIKE '"'"'k_'"'"'" 2>/dev/null || echo 0)
    v2=$(db_sql "SELECT success FROM flyway_schema_history WHERE version = '"'"'2'"'"'" 2>/dev/null || true)
    echo "killed after ${delay}s: $k of 3 tables, V2 row: ${v2:-none}"
    case "$k:$v2" in
      0:|3:1) ;;
      *) echo "half-applied migration after a kill"; exit 1 ;;
    esac
    timeout 60 "$RUNWAY_BIN" -url="$DB_URL" migrate >rerun.out 2>&1 || { cat rerun.out; exit 1; }
    test "$(history_rows | cut -d"|" -f2,7 | tr "\n" " ")" = "1|1 2|1 " || { history_rows; exit 1; }
  done
'

full=$TRASH/full
mkdir "$full"
if ! mount -t tmpfs -o size=384k tmpfs "$full" 2>"$TRASH/mount.err"; then
  echo "# skipping the disk-full tests: cannot mount a tmpfs ($(head -n 1 "$TRASH/mount.err"))"
  test_done
  exit $?
fi
trap 'umount "$full" 2>/dev/null; rm -rf "$TRASH"' EXIT
DB_FILE=$full/app.db
DB_URL=jdbc:sqlite:$DB_FILE

test_expect_success 'disk full mid-migration: the migration is named, the file stays as it was' '
  rm -rf sql &&
  write_migration V1__base.sql "CREATE TABLE big (b BLOB);" &&
  write_migration V2__fill.sql "INSERT INTO big SELECT randomblob(1000) FROM (WITH RECURSIVE c(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM c WHERE x < 2000) SELECT x FROM c);" &&
  timeout 60 "$RUNWAY_BIN" -url="$DB_URL" -target=1 migrate >out 2>err &&
  db_state >before &&
  must_fail timeout 60 "$RUNWAY_BIN" -url="$DB_URL" migrate &&
  grep "^ERROR" err | head -n 1 >first &&
  expect_grep "Migration V2__fill.sql failed" first &&
  expect_grep "full" err &&
  expect_grep "Nothing was changed" err &&
  db_state >after &&
  test_cmp before after &&
  test "$(db_sql "PRAGMA integrity_check")" = ok
'

test_expect_success 'with room again, the rerun applies it' '
  mount -o remount,size=8m "$full" &&
  timeout 60 "$RUNWAY_BIN" -url="$DB_URL" migrate >out 2>err &&
  test "$(history_rows | cut -d"|" -f2,7 | tr "\n" " ")" = "1|1 2|1 " &&
  test "$(db_sql "SELECT count(*) FROM big")" = 2000
'

test_done
