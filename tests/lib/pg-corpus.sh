# Helpers for comparing what runway leaves in a PostgreSQL database with
# what psql leaves, for the corpus tests (sourced after tests/cli/lib.sh).

# Prints the migration files of DIR in Flyway's order: versioned by
# numeric version, then repeatables by description.
flyway_order() {
  local f base
  for f in "$1"/*.sql; do
    base=$(basename "$f")
    case "$base" in
      V*__*) v=${base#V}; v=${v%%__*}; printf '0\t%s\t%s\n' "${v//_/.}" "$f" ;;
      R__*) d=${base#R__}; printf '1\t%s\t%s\n' "${d%.sql}" "$f" ;;
    esac
  done | LC_ALL=C sort -t "$(printf '\t')" -k1,1n -k2,2V | cut -f3
}

# Row count of every user table, a cheap fingerprint of the data.
row_counts() {
  db_sql "SELECT table_schema || '.' || table_name || '=' ||
            (xpath('/row/c/text()', query_to_xml(format('SELECT count(*) AS c FROM %I.%I',
              table_schema, table_name), false, true, '')))[1]::text
          FROM information_schema.tables
          WHERE table_type = 'BASE TABLE' AND table_name <> 'flyway_schema_history'
            AND table_schema NOT IN ('pg_catalog', 'information_schema')
          ORDER BY 1"
}

# compare_set NAME DIR [runway args...]: migrate DIR with runway, check
# its history (in $HIST_SCHEMA, default public), dump; reset; apply with
# psql (through the optional prepare_reference hook); dump; compare.
compare_set() {
  local name=$1 dir=$2 f n
  shift 2
  db_reset &&
  timeout 300 "$RUNWAY_BIN" -url="$DB_URL" -locations="filesystem:$dir" "$@" migrate >"$name.rw.out" 2>&1 ||
    { echo "runway migrate failed for $name"; tail -n 30 "$name.rw.out"; return 1; }
  n=$(flyway_order "$dir" | wc -l)
  history_matches "$dir" "${HIST_SCHEMA:-public}" &&
  db_schema >"$name.runway.schema" && row_counts >"$name.runway.rows" &&
  db_reset || return 1
  for f in $(flyway_order "$dir"); do
    if type prepare_reference >/dev/null 2>&1; then
      prepare_reference "$f" >"$name.ref.sql" && f="$name.ref.sql"
    fi
    db_client_apply "$f" || { echo "psql failed on $f"; return 1; }
  done
  db_schema >"$name.psql.schema" && row_counts >"$name.psql.rows" &&
  test_cmp "$name.psql.schema" "$name.runway.schema" &&
  test_cmp "$name.psql.rows" "$name.runway.rows" &&
  [ "$n" -gt 0 ]
}

# Every versioned/repeatable file of DIR is recorded once, successfully.
history_matches() {
  local dir=$1 schema=${2:-public} want got
  want=$(flyway_order "$dir" | wc -l)
  got=$(db_sql "SELECT count(*) FROM \"$schema\".flyway_schema_history WHERE success AND type = 'SQL'")
  [ "$want" = "$got" ] || { echo "expected $want history rows, got $got"; return 1; }
}
