#!/bin/sh
# A run over the tenant schemas of one server keeps one connection per
# worker from tenant to tenant; each tenant still starts from the session a
# new connection would have, and a connection that dies is replaced.
# backends: postgresql
. ./lib.sh

N=12
tenant() { printf 'conn_t%02d' "$1"; }
tenants() { i=0; while [ $i -lt $N ]; do tenant $i; echo; i=$((i + 1)); done; }

# The sum of one count query over every tenant, in one round trip.
sum_over_tenants() { # SQL with @ for the tenant
  db_sql "SELECT 0 $(tenants | while read -r t; do printf '+ (%s) ' "$(printf '%s' "$1" | sed "s/@/$t/g")"; done)"
}

test_expect_success "setup: $N tenant schemas" '
  for t in $(tenants); do db_sql "CREATE SCHEMA $t" || return 1; done
'

test_expect_success 'the tenants of one server share the workers: one server process per worker' '
  write_migration V1__who.sql "CREATE TABLE who AS SELECT pg_backend_pid() AS pid;" &&
  rw -tenantSchemas="conn_t%" -parallel=2 migrate >out 2>err &&
  test $(grep -c "^ok " out) -eq $N &&
  pids=$(db_sql "SELECT COUNT(DISTINCT pid) FROM ($(tenants | sed "s/.*/SELECT pid FROM &.who/" | paste -sd "|" - | sed "s/|/ UNION ALL /g")) p") &&
  test "$pids" -le 2
'

test_expect_success 'each tenant starts from a new session: initSql again, nothing left by the tenant before' '
  write_migration V2__session.sql "
CREATE TEMP TABLE IF NOT EXISTS carried (n INT);
INSERT INTO carried VALUES (1);
CREATE TABLE seen AS SELECT (SELECT COUNT(*) FROM carried) AS temp_rows,
  current_setting('"'"'application_name'"'"') AS app, current_schema() AS schema_now;
SET application_name = '"'"'left_by_a_tenant'"'"';" &&
  rw -tenantSchemas="conn_t%" -parallel=1 -initSql="SET application_name = '"'"'from_init'"'"'" migrate >out 2>err &&
  test $(grep -c "^ok " out) -eq $N &&
  test "$(sum_over_tenants "SELECT COUNT(*) FROM @.seen WHERE temp_rows = 1 AND app = '"'"'from_init'"'"' AND schema_now = '"'"'@'"'"'")" -eq $N
'

test_expect_success 'a tenant whose connection dies fails alone; the next tenants of its worker connect again' '
  write_migration V3__drop_out.sql "
DO \$\$ BEGIN
  IF current_schema() = '"'"'$(tenant 3)'"'"' THEN PERFORM pg_terminate_backend(pg_backend_pid()); END IF;
END \$\$;
CREATE TABLE after_v3 (id INT);" &&
  rw -tenantSchemas="conn_t%" -parallel=1 -outputType=json migrate >out.json 2>err; test $? -eq 1 &&
  jq -e ".summary.failed == 1 and .summary.succeeded == $((N - 1))" out.json &&
  jq -e ".targets[] | select(.target == \"$(tenant 3)\") | .state == \"failed\"" out.json &&
  test "$(sum_over_tenants "SELECT COUNT(*) FROM pg_tables WHERE schemaname = '"'"'@'"'"' AND tablename = '"'"'after_v3'"'"'")" -eq $((N - 1))
'

test_done
