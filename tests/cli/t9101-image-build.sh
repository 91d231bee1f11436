#!/bin/sh
# make image: what the image holds (and does not), its user, size budget,
# reproducible digest, package list, the debug tag, Lambda mode, and how a
# build fails.
# backends: sqlite
# label: e2e
. ./lib.sh
command -v podman >/dev/null || skip_all "podman is not installed (tools/deps.sh test installs it)"
command -v jq >/dev/null || skip_all "jq is not installed (tools/deps.sh test installs it)"
image_env=$("$RUNWAY_SOURCE_DIR/tests/lib/image.sh" --env 2>image.err) ||
  { sed 's/^/# /' image.err | tee /dev/stderr; echo "Bail out! make image failed"; exit 1; }
eval "$image_env"
BUILD=$(dirname "$RUNWAY_BIN")
chmod 0777 "$TRASH"
write_migration V1__a.sql "CREATE TABLE a (id INT);"
write_migration V2__b.sql "CREATE TABLE b (id INT);"

# layer_paths ARCHIVE N: the paths in layer N (0 = base) of the archive's image.
layer_paths() {
  rm -rf oci && mkdir oci && tar -xf "$1" -C oci &&
    manifest=$(jq -r '.manifests[0].digest' oci/index.json | sed 's/^sha256://') &&
    layer=$(jq -r ".layers[$2].digest" "oci/blobs/sha256/$manifest" | sed 's/^sha256://') &&
    tar -tzf "oci/blobs/sha256/$layer"
}

# layer_file ARCHIVE PATH: one file's content from the base layer.
layer_file() {
  layer_paths "$1" 0 >/dev/null && tar -xzOf "oci/blobs/sha256/$layer" "$2"
}

test_expect_success 'the image runs as the non-root user runway (uid 10001)' '
  test "$(podman image inspect --format "{{.Config.User}}" "$RUNWAY_IMAGE")" = 10001:10001 &&
  podman run --rm -v "$TRASH:$TRASH" "$RUNWAY_IMAGE" -url="jdbc:sqlite:$TRASH/user.db" \
    -locations="filesystem:$TRASH/sql" migrate >out 2>&1 || { cat out; false; } &&
  test "$(stat -c %u:%g user.db)" = 10001:10001
'

test_expect_success 'there is no shell nor package manager in the image' '
  ! podman run --rm --entrypoint /bin/sh "$RUNWAY_IMAGE" -c true >out 2>&1 &&
  layer_paths "$BUILD/runway-image.oci.tar" 0 >paths &&
  expect_grep "^flyway/runway$" paths &&
  ! grep -E "(^|/)(sh|bash|dash|busybox|apt|apt-get|dpkg)$" paths
'

test_expect_success 'the debug tag runs /bin/sh from a static busybox' '
  test "$(podman run --rm --entrypoint /bin/sh "$RUNWAY_IMAGE_DEBUG" -c "echo hello from sh")" = "hello from sh" &&
  podman run --rm --entrypoint /bin/sh "$RUNWAY_IMAGE_DEBUG" -c "runway -url=jdbc:sqlite:/tmp/d.db info" >out 2>&1 &&
  expect_grep "Schema version" out
'

test_expect_success 'the image is within 25 MB uncompressed and 10 MB gzip-compressed' '
  read -r tag digest config raw gz <"$BUILD/runway-image.digests" &&
  echo "latest: $raw bytes uncompressed, $gz gzip-compressed" &&
  test "$tag" = latest && test "$raw" -le 25000000 && test "$gz" -le 10000000
'

test_expect_success 'two builds from one commit give the same digest' '
  mkdir b2 && cp "$RUNWAY_BIN" b2/runway && touch -d "2001-02-03 04:05:06" b2/runway &&
  "$RUNWAY_SOURCE_DIR/tools/image.sh" --no-load b2 >b2.out 2>&1 || { cat b2.out; false; } &&
  test_cmp "$BUILD/runway-image.digests" b2/runway-image.digests &&
  cmp "$BUILD/runway-image.oci.tar" b2/runway-image.oci.tar
'

test_expect_success 'the image lists the Debian package and copyright of every library it holds' '
  layer_paths "$BUILD/runway-image.oci.tar" 0 >paths &&
  layer_file "$BUILD/runway-image.oci.tar" var/lib/dpkg/status.d/libpq5 >libpq5 &&
  expect_grep "^Package: libpq5$" libpq5 && expect_grep "^Version: " libpq5 &&
  grep "^usr/lib/.*\.so[.0-9]*$" paths >libs &&
  test "$(wc -l <libs)" -gt 20 &&
  { sed "s|^usr/|/|; p; s|^/|/usr/|" libs | xargs dpkg-query -S >owners 2>/dev/null || true; } &&
  while read -r lib; do
    pkg=$(grep -m1 "/${lib##*/}\$" owners | sed "s/:.*//") &&
    test -n "$pkg" &&
    grep -qx "var/lib/dpkg/status.d/$pkg" paths &&
    grep -qx "usr/share/doc/$pkg/copyright" paths ||
    { echo "no package listed for $lib (${pkg:-unknown})"; exit 1; }
  done <libs
'

test_expect_success 'the debug tag lists busybox-static' '
  layer_paths "$BUILD/runway-image-debug.oci.tar" 1 >paths &&
  expect_grep "^var/lib/dpkg/status.d/busybox-static$" paths &&
  expect_grep "^bin/sh$" paths
'

test_expect_success 'a missing build tool names the Debian package to install' '
  mkdir -p nobusybox &&
  for t in dirname tar gzip sha256sum strip dpkg-query; do ln -s "$(command -v $t)" nobusybox/$t; done &&
  ! PATH="$TRASH/nobusybox" "$(command -v bash)" "$RUNWAY_SOURCE_DIR/tools/image.sh" --no-load b2 >out 2>&1 &&
  expect_grep "install the Debian package busybox-static" out
'

test_expect_success 'a failing image build leaves no archive behind' '
  mkdir -p bad && printf "#!/bin/sh\necho not really runway\n" >bad/runway && chmod +x bad/runway &&
  ! "$RUNWAY_SOURCE_DIR/tools/image.sh" --no-load bad >out 2>&1 &&
  cat out && expect_grep "runway:" out &&
  test -z "$(ls bad | grep -v "^runway$")"
'

if command -v node >/dev/null && command -v npm >/dev/null; then
  . "$RUNWAY_SOURCE_DIR/tests/aws/fake-lib.sh"
  aws_fake_require
  aws_fake_env
  cat >scenario.json <<JSON
{"credentials": {"$FAKE_AKID": {"secret": "$FAKE_SECRET"}},
 "events": [{"event": {"command": "migrate"}}]}
JSON
  aws_fake_start scenario.json
  test_expect_success 'with AWS_LAMBDA_RUNTIME_API set the image serves Lambda whatever CMD holds' '
    timeout 120 podman run --rm --network host -v "$TRASH:$TRASH" \
      -e AWS_LAMBDA_RUNTIME_API="127.0.0.1:$FAKE_PORT" -e AWS_LAMBDA_FUNCTION_NAME=migrations \
      -e FLYWAY_URL="jdbc:sqlite:$TRASH/lambda.db" -e FLYWAY_LOCATIONS="filesystem:$TRASH/sql" \
      "$RUNWAY_IMAGE" app.handler >lambda.out 2>&1 || { cat lambda.out; false; } &&
    fake_expect "of(\"response\").length === 1 && of(\"error\").length === 0" &&
    fake_expect "of(\"response\")[0].body.migrationsExecuted === 2" &&
    test "$(sqlite3 lambda.db "SELECT count(*) FROM flyway_schema_history WHERE success")" = 2
  '
else
  echo "# node is missing: the Lambda-mode test needs the AWS fake"
fi

test_done
