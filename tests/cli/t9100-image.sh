#!/bin/sh
# The container image (make image) used as Flyway's image is: run with
# podman on the host network against each database, and as the base of a
# Dockerfile written for flyway/flyway with only its FROM line changed.
# backends: sqlite postgresql mysql
# label: e2e
. ./lib.sh
command -v podman >/dev/null || skip_all "podman is not installed (tools/deps.sh test installs it)"
image_env=$("$RUNWAY_SOURCE_DIR/tests/lib/image.sh" --env 2>image.err) ||
  { sed 's/^/# /' image.err | tee /dev/stderr; echo "Bail out! make image failed"; exit 1; }
eval "$image_env"

# The image runs as a non-root user: the scratch folder (with the SQLite
# file) is mounted at the same path and must be writable for it.
chmod 0777 "$TRASH"
run_image() {
  timeout 300 podman run --rm --network host -v "$TRASH:$TRASH" \
    -v "$TRASH/sql:/flyway/sql:ro" "$@"
}
write_migration V1__create.sql "CREATE TABLE person (id INT PRIMARY KEY, name VARCHAR(50));"
write_migration V2__fill.sql "INSERT INTO person (id, name) VALUES (1, 'Ada');"

test_expect_success "the image applies /flyway/sql, the default location, to $RUNWAY_TEST_BACKEND" '
  run_image "$RUNWAY_IMAGE" -url="$DB_URL" migrate >out 2>&1 || { cat out; false; } &&
  test "$(history_rows | cut -d"|" -f1,2,5,7)" = "1|1|V1__create.sql|1
2|2|V2__fill.sql|1" &&
  test "$(db_sql "SELECT name FROM person")" = Ada
'

test_expect_success 'info in the image shows both migrations applied' '
  run_image "$RUNWAY_IMAGE" -url="$DB_URL" info >out 2>&1 &&
  test "$(grep -c "| Success" out)" = 2 || { cat out; false; }
'

test_expect_success 'a failing migration in the image exits non-zero and names the file' '
  write_migration V3__broken.sql "INSERT INTO no_such_table VALUES (1);" &&
  ! run_image "$RUNWAY_IMAGE" -url="$DB_URL" migrate >out 2>&1 &&
  expect_grep V3__broken.sql out &&
  rm sql/V3__broken.sql && run_image "$RUNWAY_IMAGE" -url="$DB_URL" repair >/dev/null 2>&1
'

# Flyway's documented Dockerfile for its image, with only FROM changed.
# flyway.conf from /flyway/conf names the URL and a history table of its own.
test_expect_success 'a Dockerfile written for flyway/flyway works with only FROM changed' '
  db_reset &&
  mkdir -p ctx/sql && cp sql/*.sql ctx/sql/ &&
  printf "flyway.url=%s\nflyway.table=conf_history\n" "$DB_URL" >ctx/flyway.conf &&
  printf "FROM %s\nCOPY flyway.conf /flyway/conf\nADD sql /flyway/sql\nCMD [\"migrate\"]\n" "$RUNWAY_IMAGE" >ctx/Dockerfile &&
  tag=localhost/runway-flyway-dockerfile-$$ &&
  podman build -q -t "$tag" ctx >build.out 2>&1 || { cat build.out; false; } &&
  timeout 300 podman run --rm --network host -v "$TRASH:$TRASH" "$tag" >out 2>&1;
  rc=$?; podman rmi -f "$tag" >/dev/null 2>&1;
  test $rc = 0 || { cat out; false; } &&
  expect_grep "Successfully applied 2 migrations" out &&
  test "$(db_sql "SELECT count(*) FROM ${HISTORY_SCHEMA}.conf_history WHERE success")" = 2 &&
  test "$(db_sql "SELECT name FROM person")" = Ada
'

if [ "$RUNWAY_TEST_BACKEND" = mysql ]; then
  # MariaDB's ed25519 login needs the client_ed25519 plugin libmariadb
  # loads from its plugin folder: the image must carry that folder.
  ed_user=rw_ed_$$
  ed_password=ed-pass-4d1c
  db_sql "INSTALL SONAME 'auth_ed25519'" >/dev/null 2>&1
  db_sql "CREATE USER '$ed_user'@'127.0.0.1' IDENTIFIED VIA ed25519 USING PASSWORD('$ed_password'); GRANT ALL ON \`$DB_NAME\`.* TO '$ed_user'@'127.0.0.1'" ||
    echo "# could not create an ed25519 user"
  test_expect_success 'the image logs in to MariaDB with ed25519 through its client plugin' '
    db_reset &&
    run_image "$RUNWAY_IMAGE" -url="jdbc:mysql://$RUNWAY_TEST_MYSQL_HOST:$RUNWAY_TEST_MYSQL_PORT/$DB_NAME" \
      -user="$ed_user" -password="$ed_password" migrate >out 2>&1 || { cat out; false; } &&
    test "$(db_sql "SELECT name FROM person")" = Ada
  '
  db_sql "DROP USER '$ed_user'@'127.0.0.1'" >/dev/null 2>&1
fi

test_done
