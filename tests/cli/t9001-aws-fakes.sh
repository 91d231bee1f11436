#!/bin/sh
# The AWS fakes themselves: their signature check (done with the aws4 npm
# package) accepts a request signed by curl's own SigV4 code and rejects one
# signed with the wrong secret, so the runway tests built on them can fail.
# backends: sqlite
# The fakes only (curl and Node, no runway C code): not run again under the
# sanitizers.
# label: nosan
. ./lib.sh
. "$RUNWAY_SOURCE_DIR/tests/aws/fake-lib.sh"
aws_fake_require
command -v curl >/dev/null || skip_all "curl is needed"

cat >scenario.json <<JSON
{"credentials": {"$FAKE_AKID": {"secret": "$FAKE_SECRET"}},
 "secrets": {"app/db": {"SecretString": "{\"username\":\"u\",\"password\":\"p\"}"}}}
JSON
aws_fake_start scenario.json || exit 1

get_secret() { # SECRET_KEY
  curl -sS -o body -w '%{http_code}' --aws-sigv4 "aws:amz:us-east-1:secretsmanager" \
    --user "$FAKE_AKID:$1" -H 'Content-Type: application/x-amz-json-1.1' \
    -H 'X-Amz-Target: secretsmanager.GetSecretValue' \
    --data '{"SecretId":"app/db"}' "$FAKE_URL/"
}

test_expect_success 'a request signed with the right key is answered' '
  code=$(get_secret "$FAKE_SECRET"); test "$code" = 200 || { echo "HTTP $code"; cat body; cat "$FAKE_DIR/log.jsonl"; false; } &&
  expect_grep "\"SecretString\"" body
'

test_expect_success 'a request signed with a wrong secret is rejected' '
  test "$(get_secret "${FAKE_SECRET}x")" = 403 &&
  expect_grep InvalidSignatureException body &&
  fake_expect "of(\"rejected\").some(r => /signature does not match/.test(r.reason))"
'

test_expect_success 'an unsigned request is rejected' '
  code=$(curl -sS -o body -w "%{http_code}" -H "Content-Type: application/x-amz-json-1.1" \
    -H "X-Amz-Target: secretsmanager.GetSecretValue" --data "{\"SecretId\":\"app/db\"}" "$FAKE_URL/") &&
  test "$code" = 403
'

test_expect_success 'the runtime API refuses an unknown request id' '
  code=$(curl -sS -o body -w "%{http_code}" --data "{}" \
    "$FAKE_URL/2018-06-01/runtime/invocation/nope/response") &&
  test "$code" = 400 && expect_grep InvalidRequestID body
'

cfn_body='{"Status":"SUCCESS","PhysicalResourceId":"p","StackId":"s","RequestId":"r","LogicalResourceId":"l"}'
put() { # URL [CURL_ARGS...]
  url=$1
  shift
  curl -sS -o body -w '%{http_code}' -X PUT -H 'Content-Type:' "$@" --data "$cfn_body" "$url"
}

test_expect_success 'the presigned response URL accepts an exact PUT' '
  url=$(curl -sS "$FAKE_URL/presign/one") &&
  test "$(put "$url")" = 200 &&
  fake_expect "of(\"cfn-response\").length === 1"
'

test_expect_success 'a tampered presigned URL or a Content-Type is refused' '
  url=$(curl -sS "$FAKE_URL/presign/two") &&
  test "$(put "$(echo "$url" | sed "s/X-Amz-Date=2/X-Amz-Date=1/")")" = 403 &&
  test "$(put "$url" -H "Content-Type: application/json")" = 403 &&
  expect_grep SignatureDoesNotMatch body &&
  fake_expect "of(\"cfn-response\").length === 1"
'

test_done
