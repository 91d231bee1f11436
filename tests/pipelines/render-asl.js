'use strict';
// render-asl.js - a state machine definition template, rendered as
// Terraform's templatefile() would render it, with made-up values.
//   node render-asl.js TEMPLATE 'JSON object of values' > definition.json
// Strings are substituted as they are, anything else as JSON; a ${name}
// without a value is an error, as in Terraform.
const fs = require('fs');
const values = JSON.parse(process.argv[3]);
const text = fs.readFileSync(process.argv[2], 'utf8').replace(/\$\{(\w+)\}/g, (m, name) => {
  if (!(name in values)) {
    process.stderr.write(`${process.argv[2]}: no value for \${${name}}\n`);
    process.exit(1);
  }
  const v = values[name];
  return typeof v === 'string' ? v : JSON.stringify(v);
});
JSON.parse(text);
process.stdout.write(text);
