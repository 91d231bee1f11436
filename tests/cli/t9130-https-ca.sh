#!/bin/sh
# HTTPS is verified against the CA certificates in SSL_CERT_FILE when it is
# set (as OpenSSL does), else libcurl's default: a webhook on a server with
# a certificate of its own authority is reached only when that authority is
# trusted.
# backends: sqlite
. ./lib.sh
. "$RUNWAY_SOURCE_DIR/tests/lib/https-server.sh"
https_server_start
write_migration V1__a.sql "CREATE TABLE a (id INT);"

test_expect_success 'an untrusted certificate fails the webhook, naming the origin' '
  rw -webhookUrl="$HTTPS_URL/hook" -webhookRetries=0 info >out 2>&1 &&
  expect_grep "$HTTPS_URL failed" out &&
  test -z "$(https_requests)"
'

test_expect_success 'SSL_CERT_FILE names the CA certificates HTTPS trusts' '
  SSL_CERT_FILE="$HTTPS_CA" rw -webhookUrl="$HTTPS_URL/hook" -webhookRetries=0 info >out 2>&1 &&
  ! grep -q "failed" out &&
  test "$(https_requests)" = "POST /hook" || { cat out; false; }
'

https_server_stop
test_done
