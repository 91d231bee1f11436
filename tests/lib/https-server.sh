# https-server.sh - a throw-away HTTPS server for CLI tests, with a
# certificate of its own (for 127.0.0.1) that nothing trusts by default.
# Source it after lib.sh; call https_server_start at the top level.
#
#   https_server_start      # sets HTTPS_URL (https://127.0.0.1:PORT), HTTPS_CA
#                           # (the certificate to trust); requests are
#                           # appended to $TRASH/https/requests as "METHOD PATH"
HTTPS_PID=

https_server_start() {
  command -v node >/dev/null || skip_all "node is needed for the HTTPS server"
  command -v openssl >/dev/null || skip_all "openssl is needed to make a certificate"
  mkdir -p "$TRASH/https" && cd "$TRASH/https" || return 1
  openssl req -x509 -newkey rsa:2048 -nodes -keyout key.pem -out cert.pem -days 2 \
    -subj /CN=127.0.0.1 -addext subjectAltName=IP:127.0.0.1 >/dev/null 2>&1 ||
    skip_all "openssl could not make a certificate"
  node -e '
const fs = require("fs");
const server = require("https").createServer(
  {key: fs.readFileSync("key.pem"), cert: fs.readFileSync("cert.pem")},
  (req, res) => { req.resume(); req.on("end", () => {
    fs.appendFileSync("requests", req.method + " " + req.url + "\n"); res.end("ok"); }); });
server.listen(0, "127.0.0.1", () => fs.writeFileSync("port", String(server.address().port)));
' 2>server.err &
  HTTPS_PID=$!
  cd "$TRASH" || return 1
  local i
  for i in $(seq 1 100); do [ -s https/port ] && break; sleep 0.1; done
  [ -s https/port ] || { cat https/server.err; skip_all "the HTTPS server did not start"; }
  HTTPS_URL=https://127.0.0.1:$(cat https/port)
  HTTPS_CA=$TRASH/https/cert.pem
  trap 'https_server_stop; aws_fake_stop 2>/dev/null; backend_cleanup 2>/dev/null; rm -rf "$TRASH"' EXIT
}

https_server_stop() {
  [ -n "$HTTPS_PID" ] || return 0
  kill "$HTTPS_PID" 2>/dev/null
  wait "$HTTPS_PID" 2>/dev/null
  HTTPS_PID=
}

# https_requests: what the server received, one "METHOD PATH" a line.
https_requests() { cat "$TRASH/https/requests" 2>/dev/null; }
