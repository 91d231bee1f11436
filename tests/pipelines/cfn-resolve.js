'use strict';
// cfn-resolve.js - what CloudFormation would hand a resource of a synthesized
// template at deploy time, with references resolved to made-up ARNs.
//   node cfn-resolve.js TEMPLATE LOGICAL_ID
// Prints {"Type", "Properties"} of that resource with every Ref and
// Fn::GetAtt replaced: a Secrets Manager secret (or its attachment) becomes
// arn:aws:secretsmanager:us-east-1:123456789012:secret:<id>, a Lambda
// function arn:aws:lambda:us-east-1:123456789012:function:<id>, anything
// else "<id>".  Other intrinsic functions are left as they are.
const fs = require('fs');
const template = JSON.parse(fs.readFileSync(process.argv[2], 'utf8'));
const id = process.argv[3];
const resources = template.Resources || {};
if (!resources[id]) {
  process.stderr.write('no resource ' + id + ' in ' + process.argv[2] + '\n');
  process.exit(1);
}

function arnOf(ref) {
  const type = (resources[ref] || {}).Type || '';
  if (type.startsWith('AWS::SecretsManager::')) return 'arn:aws:secretsmanager:us-east-1:123456789012:secret:' + ref;
  if (type === 'AWS::Lambda::Function') return 'arn:aws:lambda:us-east-1:123456789012:function:' + ref;
  return ref;
}

function resolve(v) {
  if (Array.isArray(v)) return v.map(resolve);
  if (v === null || typeof v !== 'object') return v;
  if (typeof v.Ref === 'string' && Object.keys(v).length === 1) return arnOf(v.Ref);
  if (Array.isArray(v['Fn::GetAtt']) && Object.keys(v).length === 1) return arnOf(v['Fn::GetAtt'][0]);
  const out = {};
  for (const [k, x] of Object.entries(v)) out[k] = resolve(x);
  return out;
}

process.stdout.write(JSON.stringify({ Type: resources[id].Type,
  Properties: resolve(resources[id].Properties || {}) }) + '\n');
