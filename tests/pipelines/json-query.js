'use strict';
// json-query.js - answers a question about a JSON document.
//   node json-query.js FILE 'JS expression over j (the parsed document)'
// A file of one JSON document per line is read as an array of them.
// Prints strings as they are and anything else as JSON; exits 1 on a
// thrown error, with the message on stderr.
const fs = require('fs');
const text = fs.readFileSync(process.argv[2], 'utf8');
let j;
try {
  j = JSON.parse(text);
} catch (e) {
  j = text.split('\n').filter(Boolean).map((l) => JSON.parse(l));
}
// Helpers for CloudFormation templates and Terraform plans.
const resources = (type) => Object.entries(j.Resources || {})
  .filter(([, r]) => r.Type === type).map(([id, r]) => Object.assign({ id }, r));
const planned = (type) => ((j.planned_values || {}).root_module || {}).resources
  .filter((r) => r.type === type);
try {
  // eslint-disable-next-line no-new-func
  const value = new Function('j', 'resources', 'planned', 'return (' + process.argv[3] + ');')(
    j, resources, planned);
  process.stdout.write((typeof value === 'string' ? value : JSON.stringify(value)) + '\n');
} catch (e) {
  process.stderr.write(String(e) + '\n');
  process.exit(1);
}
