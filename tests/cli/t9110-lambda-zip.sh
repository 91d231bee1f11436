#!/bin/sh
# make lambda-zip: the zip runs on its own, with no library of the machine
# it lands on: unpacked as Lambda does (/var/task) into an otherwise empty
# folder and started there under chroot, it serves an invocation from a
# fake Runtime API and migrates SQLite.
# backends: sqlite
# label: e2e
. ./lib.sh
. "$RUNWAY_SOURCE_DIR/tests/aws/fake-lib.sh"
command -v zip >/dev/null && command -v patchelf >/dev/null ||
  skip_all "zip and patchelf are needed (tools/deps.sh test installs them)"
# unshare --root is chroot(2) plus a working directory inside the new root
# (chroot(1) always moves to /; Lambda starts bootstrap in /var/task).
CHROOT=$(command -v unshare) || skip_all "unshare (util-linux) is needed"
TIMEOUT=$(command -v timeout)
[ "$(id -u)" = 0 ] || skip_all "chroot needs root"
aws_fake_require
aws_fake_env
BUILD=$(dirname "$RUNWAY_BIN")

test_expect_success 'make lambda-zip writes bootstrap, the loader and the libraries' '
  "$RUNWAY_SOURCE_DIR/tools/lambda-zip.sh" "$BUILD" >zip.out 2>&1 || { cat zip.out; false; } &&
  cp "$BUILD/runway-lambda.zip" app.zip &&
  unzip -Z1 app.zip >entries &&
  expect_grep "^bootstrap$" entries &&
  expect_grep "^lib/ld-linux-x86-64.so.2$" entries &&
  expect_grep "^lib/libc.so.6$" entries &&
  expect_grep "^lib/libsqlite3.so.0$" entries &&
  expect_grep "^lib/libpq.so.5$" entries &&
  expect_grep "^lib/plugin/caching_sha2_password.so$" entries
'

write_migration V1__a.sql "CREATE TABLE a (id INT);"
write_migration V2__b.sql "CREATE TABLE b (id INT);"
printf "flyway.url=jdbc:sqlite:/tmp/app.db\n" >flyway.conf
cat >scenario.json <<JSON
{"credentials": {"$FAKE_AKID": {"secret": "$FAKE_SECRET"}},
 "events": [{"event": {"command": "migrate"}}]}
JSON
aws_fake_start scenario.json

test_expect_success 'unpacked alone under chroot, bootstrap serves one invocation' '
  zip -q -r app.zip sql flyway.conf &&
  mkdir -p root/var/task root/tmp && (cd root/var/task && unzip -q ../../../app.zip) &&
  test "$(ls root)" = "$(printf "tmp\nvar")" &&
  (env -i AWS_LAMBDA_RUNTIME_API="127.0.0.1:$FAKE_PORT" \
     AWS_LAMBDA_FUNCTION_NAME=migrations LAMBDA_TASK_ROOT=/var/task \
     LD_LIBRARY_PATH=/lib64:/usr/lib64 PATH=/usr/local/bin:/usr/bin:/bin \
     "$TIMEOUT" 120 "$CHROOT" --root="$TRASH/root" --wd=/var/task /var/task/bootstrap >"$TRASH/lambda.out" 2>&1) ||
    { cat lambda.out; false; } &&
  fake_expect "of(\"response\").length === 1 && of(\"error\").length === 0" &&
  fake_expect "of(\"response\")[0].body.migrationsExecuted === 2" &&
  test "$(sqlite3 root/tmp/app.db "SELECT count(*) FROM flyway_schema_history WHERE success")" = 2
'

# A webhook over HTTPS from inside the chroot, which has no /etc/ssl: the
# certificates come from $LAMBDA_TASK_ROOT/lib (here the test server's own
# authority in place of Debian's bundle).
aws_fake_stop
aws_fake_start scenario.json
. "$RUNWAY_SOURCE_DIR/tests/lib/https-server.sh"
https_server_start
test_expect_success 'with no system CA certificates bootstrap trusts the bundle in lib/' '
  test ! -e root/etc/ssl &&
  cp "$HTTPS_CA" root/var/task/lib/ca-certificates.crt &&
  (env -i AWS_LAMBDA_RUNTIME_API="127.0.0.1:$FAKE_PORT" \
     AWS_LAMBDA_FUNCTION_NAME=migrations LAMBDA_TASK_ROOT=/var/task \
     RUNWAY_WEBHOOK_URL="$HTTPS_URL/hook" RUNWAY_WEBHOOK_RETRIES=0 \
     LD_LIBRARY_PATH=/lib64:/usr/lib64 PATH=/usr/local/bin:/usr/bin:/bin \
     "$TIMEOUT" 120 "$CHROOT" --root="$TRASH/root" --wd=/var/task /var/task/bootstrap >"$TRASH/lambda.out" 2>&1) ||
    { cat lambda.out; false; } &&
  test "$(https_requests)" = "POST /hook" || { cat lambda.out; false; }
'
https_server_stop

# A MariaDB login with the ed25519 plugin needs libmariadb's client_ed25519.so,
# which the chroot (like Lambda) has only in the zip's lib/plugin.
my_admin() {
  MYSQL_PWD=$RUNWAY_TEST_MYSQL_PASSWORD mariadb --no-defaults --protocol=tcp --batch \
    --skip-column-names --host="$RUNWAY_TEST_MYSQL_HOST" --port="$RUNWAY_TEST_MYSQL_PORT" \
    --user="$RUNWAY_TEST_MYSQL_USER" -e "$1"
}
if [ -z "${RUNWAY_TEST_MYSQL_HOST:-}" ] || ! command -v mariadb >/dev/null; then
  test_count=$((test_count + 1))
  echo "ok $test_count - an ed25519 MariaDB login from the zip finds the bundled plugin # skip no MariaDB server (tests/lib/with-servers.sh starts one)"
else
  ED=rw_zip_ed_$$
  ED_PW=zip-ed-pw-$$
  test_secret_value ED_PW "$ED_PW"
  aws_fake_stop
  aws_fake_start scenario.json
  test_expect_success 'an ed25519 MariaDB login from the zip finds the bundled plugin without MARIADB_PLUGIN_DIR' '
    if [ "$(my_admin "SELECT COUNT(*) FROM information_schema.PLUGINS WHERE PLUGIN_NAME = '"'"'ed25519'"'"'")" = 0 ]; then
      my_admin "INSTALL SONAME '"'"'auth_ed25519'"'"'"
    fi &&
    my_admin "CREATE DATABASE $ED; CREATE USER '"'"'$ED'"'"'@'"'"'127.0.0.1'"'"' IDENTIFIED VIA ed25519 USING PASSWORD('"'"'$ED_PW'"'"'); GRANT ALL ON $ED.* TO '"'"'$ED'"'"'@'"'"'127.0.0.1'"'"'" &&
    test ! -e root/usr/lib/x86_64-linux-gnu/libmariadb3/plugin &&
    (env -i AWS_LAMBDA_RUNTIME_API="127.0.0.1:$FAKE_PORT" \
       AWS_LAMBDA_FUNCTION_NAME=migrations LAMBDA_TASK_ROOT=/var/task \
       FLYWAY_URL="jdbc:mariadb://127.0.0.1:$RUNWAY_TEST_MYSQL_PORT/$ED?user=$ED&password=$ED_PW" \
       LD_LIBRARY_PATH=/lib64:/usr/lib64 PATH=/usr/local/bin:/usr/bin:/bin \
       "$TIMEOUT" 120 "$CHROOT" --root="$TRASH/root" --wd=/var/task /var/task/bootstrap >"$TRASH/lambda.out" 2>&1) ||
      { cat lambda.out; false; }
    rc=$?
    my_admin "DROP USER '"'"'$ED'"'"'@'"'"'127.0.0.1'"'"'; DROP DATABASE $ED" >/dev/null 2>&1
    test $rc = 0 &&
    fake_expect "of(\"response\").length === 1 && of(\"error\").length === 0" ||
      { cat lambda.out; fake_query "JSON.stringify(of(\"error\").concat(of(\"response\")))"; false; } &&
    fake_expect "of(\"response\")[0].body.migrationsExecuted === 2"
  '
fi

test_expect_success 'a failed zip build leaves no zip behind' '
  mkdir -p bad && printf "#!/bin/sh\n" >bad/runway && chmod +x bad/runway &&
  ! "$RUNWAY_SOURCE_DIR/tools/lambda-zip.sh" bad >out 2>&1 &&
  expect_grep "runway:" out &&
  test "$(ls bad)" = runway
'

test_done
