'use strict';
// yaml-to-json.js - prints a YAML file as JSON, for json_query.
//   node yaml-to-json.js FILE
const fs = require('fs');
const yaml = require('js-yaml');
process.stdout.write(JSON.stringify(yaml.load(fs.readFileSync(process.argv[2], 'utf8'))) + '\n');
