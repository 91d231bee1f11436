#!/bin/sh
# The fleet examples do what their comments say: the GitLab parallel job and
# the Kubernetes Indexed Job, run with the variables their engines set, cover
# every tenant exactly once; the Distributed Map sends the batch shape the
# Lambda reads.
# backends: postgresql
# Checks of the examples, not run again under the sanitizers: t6600-fleet and
# t9031-aws-lambda-batch run the same fleet, shard and batch code there.
# label: nosan
. ./lib.sh

EX=$RUNWAY_SOURCE_DIR/examples/fleets
N=12
tenants() { i=0; while [ $i -lt $N ]; do printf 'ex_tenant_%02d\n' $i; i=$((i + 1)); done; }

# A setting's value in one of the YAML examples ("KEY: value" or "- name: KEY / value: v").
yaml_value() { # file key
  awk -v k="$2" '
    $1 == k":" { sub(/^[^:]*:[ ]*/, ""); gsub(/"/, ""); sub(/[ ]+#.*/, ""); print; exit }
    $2 == "name:" && $3 == k { getline; sub(/^[^:]*:[ ]*/, ""); gsub(/"/, ""); print; exit }
  ' "$1"
}

test_expect_success 'setup: tenant schemas matching the examples pattern' '
  for t in $(tenants); do db_sql "CREATE SCHEMA $t" || return 1; done &&
  write_migration V1__a.sql "CREATE TABLE a (id INT);"
'

test_expect_success 'the GitLab job: CI_NODE_INDEX 1..parallel covers every tenant once' '
  total=$(yaml_value "$EX/gitlab-ci.yml" parallel) &&
  pattern=$(yaml_value "$EX/gitlab-ci.yml" RUNWAY_TENANT_SCHEMAS) &&
  test "$total" = 4 && test "$pattern" = "tenant_%" &&
  for i in $(seq 1 $total); do
    CI_NODE_INDEX=$i CI_NODE_TOTAL=$total RUNWAY_TENANT_SCHEMAS="ex_$pattern" \
      rw -outputType=json migrate >gl$i.json 2>/dev/null || return 1
  done &&
  for i in $(seq 1 $total); do jq -r ".targets[].target" gl$i.json; done | sort >got &&
  tenants >want && test_cmp want got
'

test_expect_success 'the Kubernetes Indexed Job: indexes 0..completions-1 cover every tenant once' '
  total=$(yaml_value "$EX/k8s-indexed-job.yaml" completions) &&
  count=$(yaml_value "$EX/k8s-indexed-job.yaml" RUNWAY_SHARD_COUNT) &&
  test "$total" = "$count" &&
  for i in $(seq 0 $((total - 1))); do
    JOB_COMPLETION_INDEX=$i RUNWAY_SHARD_COUNT=$count RUNWAY_TENANT_SCHEMAS="ex_tenant_%" \
      rw -outputType=json info >k$i.json 2>/dev/null || return 1
  done &&
  for i in $(seq 0 $((total - 1))); do jq -r ".targets[].target" k$i.json; done | sort >got &&
  tenants >want && test_cmp want got
'

test_expect_success 'the GitLab and Kubernetes shards of a tenant agree' '
  for i in 1 2 3 4; do
    jq -r ".targets[].target" gl$i.json | sort >a &&
    jq -r ".targets[].target" k$((i - 1)).json | sort >b &&
    test_cmp a b || return 1
  done
'

test_expect_success 'the Distributed Map invokes the Lambda with command and the batch as Items' '
  jq -e ".States.MigrateTenants.ItemBatcher.MaxItemsPerBatch > 0" "$EX/distributed-map.asl.json" &&
  jq -e ".States.MigrateTenants.ItemProcessor.States.MigrateBatch.Parameters.Payload == {\"command\": \"migrate\", \"Items.\$\": \"\$.Items\"}" "$EX/distributed-map.asl.json" &&
  jq -e ".States.MigrateTenants.ItemProcessor.States.MigrateBatch.OutputPath == \"\$.Payload.summary\"" "$EX/distributed-map.asl.json"
'

test_done
