# MySQL/MariaDB test backend: a fresh database per test script on the server
# tests/lib/mariadb-server.sh started (RUNWAY_TEST_MYSQL_* variables).
# Defines the same functions as backend-sqlite.sh: backend_init (sets
# DB_URL), db_sql, db_schema, db_reset, backend_cleanup, db_client_apply.
#
# The password reaches the client programs through MYSQL_PWD set only for
# each call, never for runway itself, so a test cannot pass because runway
# silently picked up the harness's credentials.

# Runs a MariaDB client program ($1) with the test user over TCP; the rest are its arguments.
_my_client() {
  local prog=$1
  shift
  MYSQL_PWD=$RUNWAY_TEST_MYSQL_PASSWORD timeout 300 "$prog" --no-defaults --protocol=tcp \
    --host="$RUNWAY_TEST_MYSQL_HOST" --port="$RUNWAY_TEST_MYSQL_PORT" \
    --user="$RUNWAY_TEST_MYSQL_USER" --default-character-set=utf8mb4 "$@"
}

_my_admin() { _my_client mariadb --batch -e "$1" >/dev/null; }

_my_create_db() {
  _my_admin "DROP DATABASE IF EXISTS \`$DB_NAME\`; CREATE DATABASE \`$DB_NAME\`"
}

backend_init() {
  [ -n "${RUNWAY_TEST_MYSQL_URL:-}" ] || return 1
  command -v mariadb >/dev/null && command -v mariadb-dump >/dev/null || return 1
  # Unique per script and process, lower-case, at most 64 characters.
  DB_NAME=$(printf 'rw_%s_%s' "$test_name_base" "$$" | tr 'A-Z' 'a-z' | tr -c 'a-z0-9_\n' '_' |
    cut -c1-64)
  _my_create_db || return 1
  DB_URL="jdbc:mysql://$RUNWAY_TEST_MYSQL_HOST:$RUNWAY_TEST_MYSQL_PORT/$DB_NAME?user=$RUNWAY_TEST_MYSQL_USER&password=$RUNWAY_TEST_MYSQL_PASSWORD"
  HISTORY_SCHEMA=$DB_NAME
}

# Prints the rows of SQL, columns '|'-separated and NULL as an empty field, like sqlite3 does.
# Fails like the client when the SQL fails (a pipe into awk would hide that).
db_sql() {
  local rows
  rows=$(_my_client mariadb --database="$DB_NAME" --batch --skip-column-names --raw -e "$1") || return
  [ -n "$rows" ] || return 0
  printf '%s\n' "$rows" |
    awk 'BEGIN { FS = "\t"; OFS = "|" } { for (i = 1; i <= NF; i++) if ($i == "NULL") $i = ""; $1 = $1; print }'
}

# Normalised schema dump without the history table (see the corpus README).
db_schema() {
  _my_client mariadb-dump --no-data --skip-comments --skip-dump-date --routines --triggers \
    --ignore-table="$DB_NAME.flyway_schema_history" "$DB_NAME" |
    sed -E -e 's/ AUTO_INCREMENT=[0-9]+//' -e 's/DEFINER=[^ *]+ ?//g' -e 's/\/\*!50017 \*\/ ?//g'
}

db_reset() { _my_create_db; }

backend_cleanup() {
  [ -n "${DB_NAME:-}" ] || return 0
  _my_admin "DROP DATABASE IF EXISTS \`$DB_NAME\`"
}

# Applies a file with the mariadb client, the reference for schema comparisons.
# --comments keeps comments in what is sent, as Flyway (and runway) do, so
# comments inside routine bodies are stored the same way.
db_client_apply() { _my_client mariadb --database="$DB_NAME" --batch --comments < "$1" >/dev/null; }

# ---- Helpers for the MySQL corpus and behaviour tests (t8*-mysql-*.sh) ----

# rw_timeout SECS ARGS...: runway on the test database, killed after SECS seconds.
rw_timeout() {
  local secs=$1
  shift
  timeout "$secs" "$RUNWAY_BIN" -url="$DB_URL" "$@"
}

# Prints DIR's migration file names in Flyway's order: versioned by version
# (numeric, part by part), then repeatables by description.
mysql_flyway_order() {
  local f v
  for f in "$1"/V*__*.sql; do
    [ -e "$f" ] || continue
    v=${f##*/V}
    v=${v%%__*}
    printf '%s\t%s\n' "$(printf %s "$v" | tr _ .)" "${f##*/}"
  done | LC_ALL=C sort -t"$(printf '\t')" -k1,1V | cut -f2
  (cd "$1" && ls R__*.sql 2>/dev/null | LC_ALL=C sort)
}

# Applies DIR's migrations with the mariadb client in Flyway's order into
# the current $DB_NAME, stopping at the first file that fails (returns 1
# and prints that file's name on stdout).
mysql_client_apply_dir() {
  local f
  for f in $(mysql_flyway_order "$1"); do
    if ! db_client_apply "$1/$f" 2>"$TRASH/client.err"; then
      echo "$f"
      return 1
    fi
  done
}

# Runs BODY (a command) against a second fresh database named $DB_NAME_ref,
# then drops it again; DB_NAME is restored afterwards.
mysql_with_ref_db() {
  local main=$DB_NAME rc
  DB_NAME="${main}_ref"
  db_reset && "$@"
  rc=$?
  _my_admin "DROP DATABASE IF EXISTS \`$DB_NAME\`"
  DB_NAME=$main
  return $rc
}

# Data of every table of the current database (history table aside), one
# INSERT per row in primary-key order, for comparing contents.
db_data() {
  _my_client mariadb-dump --no-create-info --skip-comments --skip-dump-date --skip-extended-insert \
    --order-by-primary --skip-triggers --ignore-table="$DB_NAME.flyway_schema_history" "$@" \
    "$DB_NAME" | grep -a '^INSERT'
}

# The normalised schema with the database's own name replaced by DB, so two
# databases can be compared.
_my_schema_as_db() { db_schema | sed "s/\`$DB_NAME\`/\`DB\`/g"; }

# Migrates DIR with runway into a fresh $DB_NAME, applies the same files
# with the mariadb client into a second fresh database, and compares the
# normalised dumps.  Also checks one successful history row per file.
mysql_compare_with_client() {
  local dir=$1 nfiles
  db_reset || return 1
  if ! rw_timeout 600 -locations="filesystem:$dir" migrate >"$TRASH/migrate.out" 2>&1; then
    echo "runway migrate failed:"; cat "$TRASH/migrate.out"; return 1
  fi
  _my_schema_as_db >"$TRASH/runway.schema" || return 1
  nfiles=$(mysql_flyway_order "$dir" | wc -l)
  [ "$(db_sql 'SELECT COUNT(*) FROM flyway_schema_history WHERE success = 1')" = "$nfiles" ] ||
    { echo "expected $nfiles history rows:"; db_sql 'SELECT * FROM flyway_schema_history'; return 1; }
  _my_client_schema() {
    mysql_client_apply_dir "$dir" >/dev/null || { cat "$TRASH/client.err"; return 1; }
    _my_schema_as_db >"$TRASH/client.schema"
  }
  mysql_with_ref_db _my_client_schema || return 1
  [ -s "$TRASH/runway.schema" ] && diff -u "$TRASH/client.schema" "$TRASH/runway.schema"
}

# Flyway's MySQL lock name for `DB`.`TABLE` (TABLE defaults to
# flyway_schema_history): "Flyway-" + Java's String.hashCode (ASCII names).
mysql_lock_name() {
  printf '`%s`.`%s`' "$1" "${2:-flyway_schema_history}" | awk '
    BEGIN { for (i = 32; i < 127; i++) ord[sprintf("%c", i)] = i }
    {
      h = 0
      for (i = 1; i <= length($0); i++) h = (h * 31 + ord[substr($0, i, 1)]) % 4294967296
      if (h >= 2147483648) h -= 4294967296
      printf "Flyway-%.0f\n", h
    }'
}

# Flyway's checksum of FILE (CRC-32 of its lines without line ends, as a
# signed 32-bit number), computed with gzip's CRC-32 trailer.
flyway_checksum() {
  tr -d '\r\n' <"$1" | gzip -c | tail -c 8 | od -An -tu4 -N4 |
    awk '{ v = $1; if (v >= 2147483648) v -= 4294967296; printf "%.0f\n", v }'
}
