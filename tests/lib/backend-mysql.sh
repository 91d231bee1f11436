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
db_sql() {
  _my_client mariadb --database="$DB_NAME" --batch --skip-column-names --raw -e "$1" |
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
db_client_apply() { _my_client mariadb --database="$DB_NAME" --batch < "$1" >/dev/null; }
