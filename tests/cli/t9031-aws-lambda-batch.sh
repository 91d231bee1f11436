#!/bin/sh
# A Lambda event carrying a batch of targets (the Items a Step Functions
# Distributed Map hands each invocation): every tenant schema of the batch
# is migrated, the answer lists each, and one failing tenant fails the batch.
# backends: postgresql mysql
. ./lib.sh
. "$RUNWAY_SOURCE_DIR/tests/aws/fake-lib.sh"
aws_fake_require
aws_fake_env

case $RUNWAY_TEST_BACKEND in
  postgresql) PREFIX=bt_ create='CREATE SCHEMA @' drop='DROP SCHEMA IF EXISTS @ CASCADE' q= ;;
  mysql) PREFIX=${DB_NAME}_b create='CREATE DATABASE `@`' drop='DROP DATABASE IF EXISTS `@`' q='`' ;;
esac
t() { printf '%s%s' "$PREFIX" "$1"; }
for n in 1 2 3; do db_sql "$(printf '%s' "$create" | sed "s/@/$(t $n)/")"; done
trap 'for n in 1 2 3 4; do db_sql "$(printf "%s" "$drop" | sed "s/@/$(t $n)/")" >/dev/null 2>&1; done;
      aws_fake_stop; backend_cleanup 2>/dev/null; rm -rf "$TRASH"' EXIT

write_migration V1__a.sql "CREATE TABLE a (id INT, tenant VARCHAR(32));"
write_migration V2__seed.sql "INSERT INTO a VALUES (1, '\${tenant}');"

scenario() {
  cat >scenario.json <<JSON
{"credentials": {"$FAKE_AKID": {"secret": "$FAKE_SECRET"}},
 "events": $1}
JSON
  aws_fake_stop
  aws_fake_start scenario.json
}

scenario "[{\"event\": {\"command\": \"migrate\",
              \"Items\": [{\"schema\": \"$(t 1)\", \"placeholders\": {\"tenant\": \"one\"}},
                          {\"schema\": \"$(t 2)\", \"placeholders\": {\"tenant\": \"two\"}},
                          {\"schema\": \"$(t 3)\", \"placeholders\": {\"tenant\": \"three\"}}],
              \"BatchInput\": {\"release\": \"42\"}}}]"
test_expect_success 'a Distributed Map batch migrates every tenant of the batch' '
  run_lambda FLYWAY_URL="$DB_URL" RUNWAY_PARALLEL=2 &&
  fake_expect "of(\"response\").length === 1 && of(\"error\").length === 0" &&
  fake_expect "of(\"response\")[0].body.summary.succeeded === 3" &&
  fake_expect "of(\"response\")[0].body.targets.every(t => t.migrationsExecuted === 2)" &&
  test "$(db_sql "SELECT tenant FROM $q$(t 2)$q.a")" = two &&
  test "$(db_sql "SELECT COUNT(*) FROM $q$(t 3)$q.flyway_schema_history WHERE success")" = 2
'

scenario "[{\"event\": {\"command\": \"migrate\", \"targets\": [\"$(t 1)\", \"$(t 4)\", \"$(t 2)\"]}}]"
test_expect_success 'a failing tenant fails the batch and the error names it' '
  write_migration V3__b.sql "INSERT INTO a VALUES (2, '"'"'x'"'"');" &&
  db_sql "$(printf "%s" "$create" | sed "s/@/$(t 4)/")" &&
  db_sql "CREATE TABLE $q$(t 4)$q.a (id INT)" &&
  run_lambda FLYWAY_URL="$DB_URL" "FLYWAY_PLACEHOLDERS_TENANT=x" &&
  fake_expect "of(\"error\").length === 1 && of(\"response\").length === 0" &&
  fake_expect "/1 of 3 targets did not succeed: $(t 4)/.test(of(\"error\")[0].body.errorMessage)" &&
  test "$(db_sql "SELECT COUNT(*) FROM $q$(t 1)$q.a")" = 2
'

scenario "[{\"event\": {\"command\": \"migrate\", \"targets\": [{\"schema\": \"$(t 1)\", \"url\": \"jdbc:sqlite:x.db\"}]}},
           {\"event\": {\"command\": \"clean\", \"targets\": [\"$(t 1)\"]}}]"
test_expect_success 'a batch may not choose URLs nor run commands that are not per target' '
  run_lambda FLYWAY_URL="$DB_URL" &&
  fake_expect "of(\"error\").length === 2" &&
  fake_expect "/.url. is not allowed/.test(of(\"error\")[0].body.errorMessage)" &&
  fake_expect "/does not run over several targets/.test(of(\"error\")[1].body.errorMessage)" &&
  test ! -e x.db
'

scenario "[]"
test_expect_success 'a fleet run from the command line answers its task token once, naming failed tenants' '
  FAKE_TOKEN=fleet-token-1 &&
  rw -tenantSchemas="$(t 1),$(t 4)" -sfnTaskToken=$FAKE_TOKEN migrate >out 2>err; test $? -eq 1 &&
  fake_expect "of(\"sfn\").length === 1 && of(\"sfn\")[0].op === \"SendTaskFailure\"" &&
  fake_expect "/1 of 2 targets did not succeed/.test(of(\"sfn\")[0].input.cause)" &&
  rw -tenantSchemas="$(t 1),$(t 2)" -sfnTaskToken=$FAKE_TOKEN info >out 2>err &&
  fake_expect "of(\"sfn\").length === 2 && of(\"sfn\")[1].op === \"SendTaskSuccess\"" &&
  fake_expect "JSON.parse(of(\"sfn\")[1].input.output).summary.succeeded === 2"
'

test_done
