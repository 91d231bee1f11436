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
// eslint-disable-next-line no-new-func
const value = new Function('log', 'of', 'return (' + process.argv[3] + ');')(log, of);
process.stdout.write((typeof value === 'string' ? value : JSON.stringify(value)) + '\n');
