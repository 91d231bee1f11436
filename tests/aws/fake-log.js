'use strict';
// fake-log.js - answers a question about what the fake received.
//   node fake-log.js DIR 'JS expression over log (array of entries)'
// Prints strings as they are and anything else as JSON.
const fs = require('fs');
const path = require('path');
const file = path.join(process.argv[2], 'log.jsonl');
const log = fs.existsSync(file)
  ? fs.readFileSync(file, 'utf8').split('\n').filter(Boolean).map((l) => JSON.parse(l))
  : [];
const of = (kind) => log.filter((e) => e.kind === kind);
// last('sts'): the latest entry of a kind; signer('states'): the access key
// that signed the latest verified request to a service.
const last = (kind) => of(kind).slice(-1)[0] || {};
const signer = (service) => (of('signed').filter((e) => e.service === service).slice(-1)[0] || {}).akid;
// eslint-disable-next-line no-new-func
const value = new Function('log', 'of', 'last', 'signer', 'return (' + process.argv[3] + ');')(log, of, last, signer);
process.stdout.write((typeof value === 'string' ? value : JSON.stringify(value)) + '\n');
