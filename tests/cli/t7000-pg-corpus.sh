#!/usr/bin/env bash
# backends: postgresql
# Real-world PostgreSQL migration sets: migrating with runway must leave
# the same schema (and row counts) as applying the files with psql in
# Flyway's order into a fresh database.
. ./lib.sh
[ "$RUNWAY_TEST_BACKEND" = postgresql ] || skip_all "PostgreSQL only"
require_corpus
. "$RUNWAY_SOURCE_DIR/tests/lib/pg-corpus.sh"

for set in conductor-postgres kestra-postgres hawkbit-postgresql chinook-postgres pagila-postgres; do
  test_expect_success "$set: runway and psql leave the same schema" "
    compare_set $set '$CORPUS/$set'
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
  HIST_SCHEMA=external compare_set conductor-external "$CORPUS/conductor-external-postgres" "${ext_args[@]}" &&
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

test_done
