# PostgreSQL test backend: a fresh database per test script on the server
# tests/lib/pg-server.sh started (RUNWAY_TEST_PG_* variables).  Defines the
# same functions as backend-sqlite.sh: backend_init (sets DB_URL), db_sql,
# db_schema, db_reset, backend_cleanup, db_client_apply.
#
# The libpq environment (PGHOST, PGUSER, ...) is only set for the psql and
# pg_dump calls made here, never for runway itself, so a test cannot pass
# because runway silently picked up the test harness's credentials.

# Runs a PostgreSQL client program against database $1 with the test user.
# The server's own binaries when pg-server.sh named them: Debian's psql on
# PATH is a Perl wrapper that doubles the cost of every call.
_pg_client() {
  local prog=$1 db=$2
  shift 2
  PGHOST=$RUNWAY_TEST_PG_HOST PGPORT=$RUNWAY_TEST_PG_PORT PGUSER=$RUNWAY_TEST_PG_USER \
    PGPASSWORD=$RUNWAY_TEST_PG_PASSWORD PGDATABASE=$db PGCONNECT_TIMEOUT=10 \
    timeout 300 "${RUNWAY_TEST_PG_BINDIR:+$RUNWAY_TEST_PG_BINDIR/}$prog" "$@"
}

# Runs statements on the postgres database, each in its own transaction,
# in one client call: _pg_admin SQL [SQL...].
_pg_admin() {
  local n=$#
  while [ "$n" -gt 0 ]; do set -- "$@" -c "$1"; shift; n=$((n - 1)); done
  PGOPTIONS='-c client_min_messages=warning' _pg_client psql postgres -X -q -v ON_ERROR_STOP=1 "$@" >/dev/null
}

# FILE_COPY: the default strategy (WAL_LOG) writes the whole template
# through the WAL, twice the server's CPU time of a file copy per database.
_pg_create_db() {
  _pg_admin "DROP DATABASE IF EXISTS \"$DB_NAME\" WITH (FORCE)" \
    "CREATE DATABASE \"$DB_NAME\" TEMPLATE template0 ENCODING 'UTF8' STRATEGY FILE_COPY"
}

backend_init() {
  [ -n "${RUNWAY_TEST_PG_URL:-}" ] || return 1
  command -v psql >/dev/null && command -v pg_dump >/dev/null || return 1
  # Unique per script and process; PostgreSQL folds nothing inside quotes,
  # keep it lower-case anyway so it can be typed unquoted.
  DB_NAME=$(printf 'rw_%s_%s' "$test_name_base" "$$" | tr 'A-Z' 'a-z' | tr -c 'a-z0-9_\n' '_' | cut -c1-63)
  _pg_create_db || return 1
  DB_URL="jdbc:postgresql://$RUNWAY_TEST_PG_HOST:$RUNWAY_TEST_PG_PORT/$DB_NAME?user=$RUNWAY_TEST_PG_USER&password=$RUNWAY_TEST_PG_PASSWORD"
  HISTORY_SCHEMA=public
}

# Prints the rows of SQL, columns '|'-separated, like sqlite3 does.
db_sql() { _pg_client psql "$DB_NAME" -X -A -t -q -v ON_ERROR_STOP=1 -c "$1"; }

# Normalised schema dump without the history table (see the corpus README).
db_schema() {
  local dump
  dump=$(_pg_client pg_dump "$DB_NAME" --schema-only --no-owner -T '*.flyway_schema_history') ||
    return 1
  # An empty schema leaves no lines, which is not an error.
  printf '%s\n' "$dump" |
    grep -v -E '^(--|SET |SELECT pg_catalog\.set_config\(|\\restrict |\\unrestrict |$)' || true
}

db_reset() { _pg_create_db; }

backend_cleanup() {
  [ -n "${DB_NAME:-}" ] || return 0
  _pg_admin "DROP DATABASE IF EXISTS \"$DB_NAME\" WITH (FORCE)"
}

# Applies a file with psql, the reference for schema comparisons.
db_client_apply() { _pg_client psql "$DB_NAME" -X -q -v ON_ERROR_STOP=1 -f "$1" >/dev/null; }
