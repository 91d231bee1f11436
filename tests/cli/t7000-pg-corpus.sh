#!/usr/bin/env bash
# backends: postgresql
# Real-world PostgreSQL migration sets: migrating with runway must leave
# the same schema (and row counts) as applying the files with psql in
# Flyway's order into a fresh database.
. ./lib.sh
[ "$RUNWAY_TEST_BACKEND" = postgresql ] || skip_all "PostgreSQL only"
[ -d "$CORPUS" ] || skip_all "no corpus at $CORPUS"

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

# compare_set NAME DIR [runway args...]: migrate DIR with runway, dump;
# reset; apply with psql (through the optional prepare_reference hook); dump; compare.
compare_set() {
  local name=$1 dir=$2 f n
  shift 2
  db_reset &&
  timeout 300 "$RUNWAY_BIN" -url="$DB_URL" -locations="filesystem:$dir" "$@" migrate >"$name.rw.out" 2>&1 ||
    { echo "runway migrate failed for $name"; tail -n 30 "$name.rw.out"; return 1; }
  n=$(flyway_order "$dir" | wc -l)
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

for set in conductor-postgres kestra-postgres hawkbit-postgresql chinook-postgres pagila-postgres; do
  test_expect_success "$set: runway and psql leave the same schema" "
    compare_set $set '$CORPUS/$set'
  "
  test_expect_success "$set: every migration recorded once" "
    db_reset &&
    timeout 300 \"\$RUNWAY_BIN\" -url=\"\$DB_URL\" -locations='filesystem:$CORPUS/$set' migrate >out 2>&1 &&
    history_matches '$CORPUS/$set'
  "
done

test_expect_success 'pagila: COPY blocks load every row' '
  db_reset &&
  timeout 300 "$RUNWAY_BIN" -url="$DB_URL" -locations="filesystem:$CORPUS/pagila-postgres" migrate >out 2>&1 &&
  test "$(db_sql "SELECT count(*) FROM public.rental")" = 16044 &&
  test "$(db_sql "SELECT count(*) FROM public.payment")" = 16049 &&
  test "$(db_sql "SELECT count(*) FROM public.film WHERE fulltext IS NOT NULL")" = 1000
'

# conductor's external payload store: schema "external", placeholders
# inside a $body$ function body (values as the application passes them).
ext_args=(-schemas=external
  -placeholders.tableName=external.external_payload
  -placeholders.maxDataRows=9223372036854775807
  "-placeholders.maxDataDays='0'" "-placeholders.maxDataMonths='0'" "-placeholders.maxDataYears='1'")
prepare_external_reference() {
  printf 'CREATE SCHEMA IF NOT EXISTS external;\nSET search_path = external, public;\n'
  sed -e 's/\${tableName}/external.external_payload/g' -e 's/\${maxDataRows}/9223372036854775807/g' \
      -e "s/\\\${maxDataDays}/'0'/g" -e "s/\\\${maxDataMonths}/'0'/g" -e "s/\\\${maxDataYears}/'1'/g" "$1"
}
test_expect_success 'conductor-external-postgres: placeholders in a $body$ function' '
  prepare_reference() { prepare_external_reference "$@"; } &&
  compare_set conductor-external "$CORPUS/conductor-external-postgres" "${ext_args[@]}" &&
  ! grep -q "\${" conductor-external.ref.sql &&
  grep -q "external_payload" conductor-external.runway.schema
'
test_expect_success 'conductor-external-postgres: history in schema external with the marker row' '
  db_reset &&
  timeout 120 "$RUNWAY_BIN" -url="$DB_URL" -locations="filesystem:$CORPUS/conductor-external-postgres" "${ext_args[@]}" migrate >out 2>&1 &&
  test "$(db_sql "SELECT installed_rank, type, script FROM external.flyway_schema_history ORDER BY 1")" = "0|SCHEMA|\"external\"
1|SQL|R__initial_schema.sql" &&
  test "$(db_sql "SELECT pg_get_function_result(oid) FROM pg_proc WHERE proname = '"'"'keep_row_number_steady'"'"' AND pronamespace = '"'"'external'"'"'::regnamespace")" = trigger
'

# Flyway's own PostgreSQL parser fixtures, one set per sub-folder
# ("warning" is meant to fail, see t7020).
# Flyway ran "index" and "vacuum" (CREATE TABLE next to a statement that
# cannot run in a transaction) with mixed=true.
for dir in "$CORPUS"/flyway-tests-postgresql/*/; do
  sub=$(basename "$dir")
  [ "$sub" = warning ] && continue
  args=
  case "$sub" in index|vacuum) args=-mixed=true ;; esac
  test_expect_success "flyway-tests-postgresql/$sub: runway and psql leave the same schema" "
    compare_set ft-$sub '$dir' $args &&
    db_reset &&
    timeout 120 \"\$RUNWAY_BIN\" -url=\"\$DB_URL\" -locations='filesystem:$dir' $args migrate >out 2>&1 &&
    history_matches '$dir'
  "
done

# The results Flyway's own tests assert for these fixtures.
fixture_result() { # SUB SQL EXPECTED
  db_reset &&
  timeout 120 "$RUNWAY_BIN" -url="$DB_URL" -locations="filesystem:$CORPUS/flyway-tests-postgresql/$1" migrate >out 2>&1 &&
  test "$(db_sql "$2")" = "$3"
}
test_expect_success 'flyway fixtures: the values Flyway asserts' '
  fixture_result dollar "SELECT count(*) FROM dollar" 9 &&
  fixture_result copy "SELECT count(*) FROM copy_test" 6 &&
  fixture_result trigger "SELECT count(*) FROM test4" 10 &&
  fixture_result procedure "SELECT value FROM test_data" Hello &&
  fixture_result multiline "SELECT count(*) FROM address" 1 &&
  fixture_result view "SELECT value FROM \"\"\"v\"\"\"" 150 ||
  fixture_result view "SELECT * FROM \"\"\"v\"\"\"" 150
'

test_done
