#!/bin/sh
# The GitLab CI example (examples/pipelines/gitlab/.gitlab-ci.yml) run for
# real with gitlab-ci-local and podman against the test PostgreSQL: the jobs
# that name the migration image run in it (built here with podman where the
# real pipeline uses kaniko); a good change runs lint, migrate, gate and
# deploy; a broken migration stops the pipeline before the deploy.
# backends: postgresql
# label: e2e
. ./lib.sh
. "$RUNWAY_SOURCE_DIR/tests/lib/pipeline-lib.sh"
command -v podman >/dev/null || skip_all "podman is not installed (tools/deps.sh test installs it)"
command -v git >/dev/null || skip_all "git is not installed"
npm_ready "$PIPELINE_TOOLS" gitlab-ci-local
npm_ready "$PIPELINE_TOOLS" js-yaml
image_env=$("$RUNWAY_SOURCE_DIR/tests/lib/image.sh" --env 2>image.err) ||
  { sed 's/^/# /' image.err; echo "Bail out! make image failed"; exit 1; }
eval "$image_env"

# The team's repository: the pipeline, the migration project, a deploy script.
mkdir repo && cp "$PIPELINES/gitlab/.gitlab-ci.yml" repo/ && cp -R "$PIPELINES/db" repo/db || exit 1
printf '#!/bin/sh\necho "deployed $CI_COMMIT_SHORT_SHA" >>"%s/deploys"\n' "$TRASH" >repo/deploy.sh
chmod +x repo/deploy.sh
commit() { git -C repo add -A && git -C repo -c user.name=dev -c user.email=dev@example.com commit -qm "$1"; }
git -C repo init -q && commit "app database" || exit 1
node "$PIPELINE_TOOLS/yaml-to-json.js" repo/.gitlab-ci.yml >ci.json || exit 1

# What the kaniko job pushes, built here from the same Dockerfile; and the
# helper image gitlab-ci-local copies files with (its own is on Docker Hub).
MIGRATION_IMAGE=localhost/runway-t9540-migrations:$$
HELPER_IMAGE=localhost/runway-t9540-helper:$$
trap 'podman rmi -f "$MIGRATION_IMAGE" "$HELPER_IMAGE" >/dev/null 2>&1; backend_cleanup 2>/dev/null; rm -rf "$TRASH"' EXIT
build_image() {
  timeout 600 podman build -q --build-arg RUNWAY_IMAGE="$RUNWAY_IMAGE_DEBUG" -t "$MIGRATION_IMAGE" repo/db >image.log 2>&1
}
# It runs bash to copy artifacts out: busybox's sh stands in.
mkdir helper && cat >helper/Containerfile <<EOF
FROM $RUNWAY_IMAGE_DEBUG
USER 0:0
RUN printf '#!/bin/sh\\nexec /bin/sh "\$@"\\n' >/bin/bash && chmod 755 /bin/bash
ENTRYPOINT []
CMD ["sh"]
EOF
timeout 600 podman build -q -t "$HELPER_IMAGE" helper >helper.log 2>&1 || { cat helper.log; echo "Bail out! helper image"; exit 1; }

# pipeline: every job after the image build, as GitLab runs them for a push.
pipeline() {
  (cd repo && timeout 900 "$PIPELINE_TOOLS/node_modules/.bin/gitlab-ci-local" \
    --container-executable podman --network host --pull-policy if-not-present \
    --helper-image "$HELPER_IMAGE" --no-color \
    --variable MIGRATION_IMAGE="$MIGRATION_IMAGE" \
    --variable FLYWAY_URL="jdbc:postgresql://$RUNWAY_TEST_PG_HOST:$RUNWAY_TEST_PG_PORT/$DB_NAME" \
    --variable FLYWAY_USER="$RUNWAY_TEST_PG_USER" --variable FLYWAY_PASSWORD="$RUNWAY_TEST_PG_PASSWORD" \
    lint migrate gate deploy) >pipeline.log 2>&1
}

test_expect_success 'the pipeline builds the migration image with kaniko; lint, migrate and gate run in it' '
  json_expect ci.json "/kaniko/.test(j[\"build-migration-image\"].image.name) && j[\"build-migration-image\"].script.some(c => c.includes(\"--destination \\\"\$MIGRATION_IMAGE\\\"\"))" &&
  json_expect ci.json "j[\".runway\"].image.name === \"\$MIGRATION_IMAGE\" && [\"lint\", \"migrate\", \"gate\"].every(n => j[n].extends === \".runway\")" &&
  json_expect ci.json "JSON.stringify(j.stages) === JSON.stringify([\"build\", \"lint\", \"migrate\", \"gate\", \"deploy\"])"
'

build_image; build_rc=$?
pipeline; pipeline_rc=$?
test_expect_success 'a good change runs lint, migrate, gate and deploy' '
  test $build_rc = 0 || { cat image.log; false; }
  test $pipeline_rc = 0 || { cat pipeline.log; false; }
  for job in lint migrate gate deploy; do grep -q "PASS  *$job" pipeline.log || { cat pipeline.log; false; } || return 1; done &&
  test "$(wc -l <deploys)" = 1 &&
  test "$(db_sql "SELECT count(*) FROM flyway_schema_history WHERE success")" = 3
'

db_state >before
printf '%s\n' "INSERT INTO accounts (name, no_such_column) VALUES ('x', 1);" >repo/db/sql/V4__backfill_accounts.sql
commit "backfill accounts"
build_image; build_rc=$?
pipeline; pipeline_rc=$?
test_expect_success 'a broken migration fails the pipeline before the deploy' '
  test $build_rc = 0 || { cat image.log; false; }
  test $pipeline_rc != 0 &&
  grep -q "FAIL  *migrate" pipeline.log &&
  ! grep -q "PASS  *deploy" pipeline.log && ! grep -q "^deploy .*starting" pipeline.log &&
  test "$(wc -l <deploys)" = 1 || { cat pipeline.log; false; }
'

test_expect_success 'the migrate job log shows runway'"'"'s error naming the script' '
  grep "^migrate " pipeline.log >migrate.log &&
  expect_grep "ERROR: .*V4__backfill_accounts.sql" migrate.log &&
  expect_grep "no_such_column" migrate.log
'

test_expect_success 'the database is left as it was' '
  expect_grep "CREATE TABLE public.accounts" before &&
  db_state >after && test_cmp before after
'

test_done
