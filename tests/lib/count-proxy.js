#!/usr/bin/env node
// count-proxy.js - a TCP proxy that counts the round trips a client makes.
//
//   node count-proxy.js PROTOCOL TARGET_HOST TARGET_PORT COUNT_FILE
//
// PROTOCOL is "postgresql" or "mysql".  It listens on a free loopback port,
// prints that port on stdout, forwards every byte both ways unchanged, and
// reads the client's side of each connection to count the messages after
// which a client waits for the server's answer: on PostgreSQL a simple
// Query ('Q') or a Sync ('S', which ends an extended-protocol exchange or a
// whole pipeline), on MySQL a command packet (sequence id 0).  Connection
// start-up and authentication are not counted.  COUNT_FILE always holds the
// total so far.  Encrypted connections cannot be read: connect with TLS
// off (sslmode=disable, sslMode=DISABLED).
'use strict';
const net = require('net');
const fs = require('fs');

const [protocol, host, port, countFile] = process.argv.slice(2);
if (!['postgresql', 'mysql'].includes(protocol) || !host || !port || !countFile) {
  process.stderr.write('usage: count-proxy.js postgresql|mysql HOST PORT COUNT_FILE\n');
  process.exit(2);
}

let total = 0;
function count() {
  total++;
  fs.writeFileSync(countFile, `${total}\n`);
}
fs.writeFileSync(countFile, '0\n');

// PostgreSQL: untyped start-up packets (SSLRequest, StartupMessage) first,
// then typed messages: one byte, then a length that counts itself.
function pgReader() {
  let buf = Buffer.alloc(0);
  let started = false;
  return (chunk) => {
    buf = Buffer.concat([buf, chunk]);
    for (;;) {
      if (!started) {
        if (buf.length < 8) return;
        const len = buf.readUInt32BE(0);
        if (buf.length < len) return;
        const code = buf.readUInt32BE(4);
        buf = buf.subarray(len);
        // SSLRequest or GSSENCRequest: the answer is one byte, then another start-up packet.
        if (code !== 80877103 && code !== 80877104) started = true;
        continue;
      }
      if (buf.length < 5) return;
      const len = buf.readUInt32BE(1);
      if (buf.length < 1 + len) return;
      const type = String.fromCharCode(buf[0]);
      if (type === 'Q' || type === 'S') count();
      buf = buf.subarray(1 + len);
    }
  };
}

// MySQL: packets of a 3-byte length and a sequence id; a command starts at id 0.
function mysqlReader() {
  let buf = Buffer.alloc(0);
  return (chunk) => {
    buf = Buffer.concat([buf, chunk]);
    while (buf.length >= 4) {
      const len = buf.readUIntLE(0, 3);
      if (buf.length < 4 + len) return;
      if (buf[3] === 0) count();
      buf = buf.subarray(4 + len);
    }
  };
}

const server = net.createServer((client) => {
  const upstream = net.connect(Number(port), host);
  const read = protocol === 'postgresql' ? pgReader() : mysqlReader();
  client.on('data', (chunk) => {
    read(chunk);
    upstream.write(chunk);
  });
  upstream.on('data', (chunk) => client.write(chunk));
  client.on('end', () => upstream.end());
  upstream.on('end', () => client.end());
  client.on('error', () => upstream.destroy());
  upstream.on('error', () => client.destroy());
});
server.listen(0, '127.0.0.1', () => {
  process.stdout.write(`${server.address().port}\n`);
});
