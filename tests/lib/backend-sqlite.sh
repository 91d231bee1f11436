# SQLite test backend: a fresh database file in the scratch directory.
# A backend defines: backend_init (sets DB_URL), db_sql SQL (prints rows,
# '|'-separated), db_schema (normalised schema dump without the history
# table), db_reset (an empty database again), backend_cleanup.
backend_init() {
  command -v sqlite3 >/dev/null || return 1
  DB_FILE="$TRASH/test.db"
  DB_URL="jdbc:sqlite:$DB_FILE"
  HISTORY_SCHEMA=main
}
db_sql() { sqlite3 -batch "$DB_FILE" "$1"; }
db_schema() {
  # .schema of a copy without the history table: grep -v alone would keep
  # the column lines of its multi-line CREATE TABLE.
  [ -f "$DB_FILE" ] || return 0
  cp "$DB_FILE" "$DB_FILE.schema-copy" &&
    sqlite3 -batch "$DB_FILE.schema-copy" 'DROP TABLE IF EXISTS flyway_schema_history' &&
    sqlite3 -batch "$DB_FILE.schema-copy" .schema
  rm -f "$DB_FILE.schema-copy"
}
db_reset() { rm -f "$DB_FILE"; }
backend_cleanup() { :; }
# Applies a file with the database's own client, the reference for schema comparisons.
db_client_apply() { sqlite3 -batch -bail "$DB_FILE" < "$1"; }
