#!/bin/sh
# HTTPS is verified against the CA certificates in SSL_CERT_FILE when it is
# set (as OpenSSL does), else libcurl's default: a webhook on a server with
# a certificate of its own authority is reached only when that authority is
# trusted.
# backends: sqlite
. ./lib.sh
command -v node >/dev/null || skip_all "node is needed for the HTTPS server"
command -v openssl >/dev/null || skip_all "openssl is needed to make a certificate"

openssl req -x509 -newkey rsa:2048 -nodes -keyout key.pem -out cert.pem -days 2 \
  -subj /CN=127.0.0.1 -addext subjectAltName=IP:127.0.0.1 >/dev/null 2>&1 ||
  skip_all "openssl could not make a certificate"
# Answers every request with 200 and counts them in ./requests.
node -e '
const fs = require("fs");
const server = require("https").createServer(
  {key: fs.readFileSync("key.pem"), cert: fs.readFileSync("cert.pem")},
  (req, res) => { req.resume(); req.on("end", () => {
    fs.appendFileSync("requests", req.method + " " + req.url + "\n"); res.end("ok"); }); });
server.listen(0, "127.0.0.1", () => fs.writeFileSync("port", String(server.address().port)));
' 2>server.err &
SERVER_PID=$!
trap 'kill $SERVER_PID 2>/dev/null; backend_cleanup 2>/dev/null; rm -rf "$TRASH"' EXIT
for i in $(seq 1 100); do [ -s port ] && break; sleep 0.1; done
[ -s port ] || { cat server.err; skip_all "the HTTPS server did not start"; }
URL=https://127.0.0.1:$(cat port)/hook
write_migration V1__a.sql "CREATE TABLE a (id INT);"

test_expect_success 'an untrusted certificate fails the webhook, naming the origin' '
  rw -webhookUrl="$URL" -webhookRetries=0 info >out 2>&1 &&
  expect_grep "https://127.0.0.1:$(cat port) failed" out &&
  ! test -s requests
'

test_expect_success 'SSL_CERT_FILE names the CA certificates HTTPS trusts' '
  SSL_CERT_FILE="$TRASH/cert.pem" rw -webhookUrl="$URL" -webhookRetries=0 info >out 2>&1 &&
  ! grep -q "failed" out &&
  test "$(cat requests)" = "POST /hook" || { cat out; false; }
'

test_done
