#!/bin/sh
# One run over many targets: tenant schemas of one server (-tenantSchemas),
# databases from a file (-targets), -parallel, -failFast, -shard, the report.
# backends: sqlite postgresql mysql
. ./lib.sh

# 200 tenants on PostgreSQL; fewer on MariaDB, where a tenant is a whole
# database, and in the sanitizer build, which runs the same code slower.
N=200
[ "$RUNWAY_TEST_BACKEND" = mysql ] && N=40
[ -n "${RUNWAY_TEST_SANITIZER:-}" ] && N=40

# Tenant names: schemas inside the test database on PostgreSQL; databases
# on MariaDB (where a schema is a database), named after the test database.
case $RUNWAY_TEST_BACKEND in
  postgresql) PREFIX=tenant_ ;;
  mysql) PREFIX=${DB_NAME}_t ;;
  sqlite) PREFIX= ;;
esac
tenant() { printf '%s%03d' "$PREFIX" "$1"; }

# SQL for all tenants at once, one statement per tenant ($1 holds @ for the
# name), written by one awk: a sed per tenant costs seconds for 200 of them.
each_tenant_sql() {
  TENANT_SQL=$1 awk -v n="$N" -v prefix="$PREFIX" 'BEGIN {
    for (i = 0; i < n; i++) {
      s = ENVIRON["TENANT_SQL"]
      gsub(/@/, sprintf("%s%03d", prefix, i), s)
      print s
    }
  }'
}

# The sum of one count query over every tenant, in one round trip.
sum_over_tenants() {
  db_sql "SELECT 0 $(each_tenant_sql "+ ($1)" | tr '\n' ' ')"
}

tenant_sql() { # tenant-number SQL (with @ for the tenant)
  db_sql "$(printf '%s' "$2" | sed "s/@/$(tenant $1)/g")"
}

qualify() {
  case $RUNWAY_TEST_BACKEND in
    mysql) printf '`%s`' "$1" ;;
    *) printf '%s' "$1" ;;
  esac
}

if [ "$RUNWAY_TEST_BACKEND" != sqlite ]; then
  case $RUNWAY_TEST_BACKEND in
    postgresql) create_sql='CREATE SCHEMA @;' drop_sql='DROP SCHEMA IF EXISTS @ CASCADE;' ;;
    mysql) create_sql='CREATE DATABASE `@`;' drop_sql='DROP DATABASE IF EXISTS `@`;' ;;
  esac
  cleanup_tenants() { db_sql "$(each_tenant_sql "$drop_sql")" >/dev/null 2>&1; }
  trap 'cleanup_tenants; backend_cleanup 2>/dev/null; rm -rf "$TRASH"' EXIT

  test_expect_success "setup: $N tenant schemas and one that is not a tenant" '
    db_sql "$(each_tenant_sql "$create_sql")" &&
    db_sql "$(printf "%s" "$create_sql" | sed "s/@/z_${PREFIX}other/")"
  '

  write_migration V1__accounts.sql "CREATE TABLE accounts (id INT PRIMARY KEY, owner VARCHAR(64));"
  write_migration V2__seed.sql "INSERT INTO accounts VALUES (1, '\${flyway:defaultSchema}');"
  write_migration R__names.sql "CREATE OR REPLACE VIEW names AS SELECT owner FROM accounts;"

  test_expect_success 'a pattern migrates every matching tenant, each once' '
    rw -tenantSchemas="${PREFIX}%" -parallel=4 migrate >out 2>err &&
    test $(grep -c "^ok " out) -eq $N &&
    expect_grep "$N targets: $N succeeded, 0 failed, 0 not run" err &&
    for i in 0 $((N / 2)) $((N - 1)); do
      t=$(tenant $i) &&
      test "$(tenant_sql $i "SELECT COUNT(*) FROM $(qualify @).flyway_schema_history WHERE success")" = 3 &&
      test "$(tenant_sql $i "SELECT owner FROM $(qualify @).accounts")" = "$t" || return 1
    done
  '

  test_expect_success 'every tenant has exactly one history row per migration' '
    test "$(sum_over_tenants "SELECT COUNT(*) FROM $(qualify @).flyway_schema_history")" -eq $((N * 3)) &&
    test "$(sum_over_tenants "SELECT COUNT(DISTINCT version) FROM $(qualify @).flyway_schema_history")" -eq $((N * 2))
  '

  test_expect_success 'a name that the pattern does not match is left alone' '
    ! db_sql "SELECT COUNT(*) FROM $(qualify z_${PREFIX}other).flyway_schema_history" 2>/dev/null
  '

  test_expect_success 'a second run applies nothing and succeeds' '
    rw -tenantSchemas="${PREFIX}%" migrate >out 2>err &&
    test $(grep -c "^ok .*: 0 applied" out) -eq $N
  '

  test_expect_success 'a failing tenant fails the run; the others are migrated' '
    tenant_sql 7 "INSERT INTO $(qualify @).accounts VALUES (2, '"'"'taken'"'"')" &&
    write_migration V3__second_account.sql "INSERT INTO accounts VALUES (2, '"'"'second'"'"');" &&
    rw -tenantSchemas="${PREFIX}%" -outputType=json migrate >out.json 2>err; test $? -eq 1 &&
    jq -e ".summary.failed == 1 and .summary.succeeded == $((N - 1))" out.json &&
    jq -e ".targets[] | select(.target == \"$(tenant 7)\") | .state == \"failed\" and (.error | length > 0)" out.json &&
    jq -e "[.targets[] | select(.state == \"success\") | .migrationsExecuted] | unique == [1]" out.json &&
    test "$(tenant_sql 8 "SELECT COUNT(*) FROM $(qualify @).accounts")" = 2
  '

  test_expect_success 'the per-target report has versions before and after' '
    jq -e ".targets[] | select(.target == \"$(tenant 8)\") | .schemaVersionBefore == \"2\" and .schemaVersionAfter == \"3\"" out.json
  '

  test_expect_success 'check names the tenant that is behind and exits 1' '
    rw -tenantSchemas="${PREFIX}%" check >out 2>err; test $? -eq 1 &&
    expect_grep "Not up to date: $(tenant 7)" err
  '

  test_expect_success 'failFast starts no target after the first failure' '
    write_migration V4__broken.sql "CREATE TABLE broken (" &&
    rw -tenantSchemas="${PREFIX}%" -parallel=1 -failFast=true -outputType=json migrate >out.json 2>err
    test $? -eq 1 &&
    jq -e ".summary.failed == 1 and .summary.notRun == $((N - 1))" out.json &&
    rm sql/V4__broken.sql
  '

  test_expect_success 'repair over every tenant clears a failed row where DDL is not transactional' '
    rw -tenantSchemas="${PREFIX}%" repair >out 2>err &&
    test $(grep -c "^ok " out) -eq $N &&
    test "$(sum_over_tenants "SELECT COUNT(*) FROM $(qualify @).flyway_schema_history WHERE NOT success")" -eq 0
  '

  test_expect_success 'four shards run as separate processes cover every tenant exactly once' '
    tenant_sql 7 "DELETE FROM $(qualify @).accounts WHERE id = 2" &&
    write_migration V5__audit.sql "CREATE TABLE audit (id INT);" &&
    for s in 1 2 3 4; do
      rw -tenantSchemas="${PREFIX}%" -shard=$s/4 -parallel=2 -outputType=json migrate >shard$s.json 2>/dev/null &
    done &&
    wait &&
    for s in 1 2 3 4; do jq -r ".targets[].target" shard$s.json; done | sort >all &&
    test $(wc -l <all) -eq $N &&
    test $(sort -u all | wc -l) -eq $N &&
    for s in 1 2 3 4; do jq -e ".summary.failed == 0 and .summary.targets > 0" shard$s.json || { jq ".targets[] | select(.state != \"success\")" shard$s.json; return 1; }; done &&
    test "$(tenant_sql $((N - 3)) "SELECT COUNT(*) FROM $(qualify @).flyway_schema_history WHERE version = '"'"'5'"'"'")" = 1
  '

  test_expect_success 'the shard comes from GitLab parallel variables' '
    CI_NODE_INDEX=2 CI_NODE_TOTAL=4 rw -tenantSchemas="${PREFIX}%" -outputType=json info >gl.json 2>/dev/null &&
    jq -r ".targets[].target" gl.json | sort >gl &&
    jq -r ".targets[].target" shard2.json | sort >s2 &&
    test_cmp s2 gl
  '

  test_expect_success 'the shard comes from a Kubernetes Indexed Job with shardCount' '
    JOB_COMPLETION_INDEX=1 rw -tenantSchemas="${PREFIX}%" -shardCount=4 -outputType=json info >k8s.json 2>/dev/null &&
    jq -r ".targets[].target" k8s.json | sort >k8s &&
    test_cmp s2 k8s
  '

  test_expect_success 'a list of names creates the schemas it needs' '
    rw -tenantSchemas="${PREFIX}new1,${PREFIX}new2" migrate >out 2>err &&
    test $(grep -c "^ok " out) -eq 2 &&
    db_sql "SELECT COUNT(*) FROM $(qualify ${PREFIX}new2).flyway_schema_history" &&
    db_sql "$(printf "%s" "$drop_sql" | sed "s/@/${PREFIX}new1/") $(printf "%s" "$drop_sql" | sed "s/@/${PREFIX}new2/")"
  '

  if [ "$RUNWAY_TEST_BACKEND" = postgresql ]; then
    test_expect_success 'a run killed midway converges when run again' '
      write_migration V6__slow.sql "SELECT pg_sleep(0.05); CREATE TABLE slow_done (id INT);" &&
      (setsid "$RUNWAY_BIN" -url="$DB_URL" -tenantSchemas="${PREFIX}%" -parallel=4 migrate >/dev/null 2>&1 & echo $! >pid; wait) &
      for _ in $(seq 1 300); do
        [ "$(db_sql "SELECT COUNT(*) FROM pg_tables WHERE tablename = '"'"'slow_done'"'"'")" -gt 0 ] && break
        sleep 0.1
      done &&
      kill -9 -- -$(cat pid) 2>/dev/null; wait
      rw -tenantSchemas="${PREFIX}%" -parallel=4 migrate >out 2>err &&
      test $(grep -c "^ok " out) -eq $N &&
      test "$(sum_over_tenants "SELECT COUNT(*) FROM @.flyway_schema_history WHERE version = '"'"'6'"'"' AND success")" -eq $N
    '
  fi

  test_expect_failure_code 'a pattern that matches nothing could not start: exit 10' 10 '
    rw -tenantSchemas="nomatch_%" migrate
  '
fi

test_expect_success 'a targets file runs each database with its own settings' '
  rm -rf sql && mkdir sql &&
  write_migration V1__who.sql "CREATE TABLE who (name VARCHAR(32)); INSERT INTO who VALUES ('"'"'\${tenant}'"'"');" &&
  cat >targets.txt <<-EOF &&
	# tenant databases
	jdbc:sqlite:$TRASH/a.db placeholders.tenant=alpha
	jdbc:sqlite:$TRASH/b.db placeholders.tenant=beta name=beta-db

	jdbc:sqlite:$TRASH/c.db placeholders.tenant=gamma
	EOF
  "$RUNWAY_BIN" -targets=targets.txt -parallel=2 migrate >out 2>err &&
  test $(grep -c "^ok " out) -eq 3 &&
  expect_grep "^ok *beta-db: 1 applied" out &&
  test "$(sqlite3 a.db "SELECT name FROM who")" = alpha &&
  test "$(sqlite3 b.db "SELECT name FROM who")" = beta &&
  test "$(sqlite3 c.db "SELECT name FROM who")" = gamma
'

test_expect_success 'the JSON report is one document with an entry per target' '
  "$RUNWAY_BIN" -targets=targets.txt -outputType=json info >out.json 2>err &&
  jq -e ".targets | length == 3" out.json &&
  jq -e ".summary.succeeded == 3" out.json
'

test_expect_success 'a wrong line in the targets file names the file and line' '
  printf "jdbc:sqlite:x.db\nnot-a-url\n" >bad.txt &&
  "$RUNWAY_BIN" -targets=bad.txt migrate >out 2>err; test $? -eq 10 &&
  expect_grep "bad.txt:2: a target line starts with a database URL" err
'

test_expect_success 'an unknown per-target setting is an error naming it' '
  printf "jdbc:sqlite:x.db lockRetryCont=3\n" >bad.txt &&
  "$RUNWAY_BIN" -targets=bad.txt migrate >out 2>err; test $? -eq 10 &&
  expect_grep "bad.txt:1: unknown setting .lockRetryCont." err
'

test_expect_success 'a command that does not run per target is refused' '
  "$RUNWAY_BIN" -targets=targets.txt clean >out 2>err; test $? -eq 10 &&
  expect_grep "does not run over several targets" err
'

test_expect_success 'an invalid shard is refused naming the setting' '
  "$RUNWAY_BIN" -targets=targets.txt -shard=5/4 info >out 2>err; test $? -eq 10 &&
  expect_grep "Invalid value for shard" err
'

test_expect_success 'tenantSchemas and targets together are refused' '
  "$RUNWAY_BIN" -targets=targets.txt -tenantSchemas=a info >out 2>err; test $? -eq 10 &&
  expect_grep "either tenantSchemas" err
'

test_done
