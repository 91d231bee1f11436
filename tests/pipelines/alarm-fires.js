'use strict';
// alarm-fires.js - would a CloudWatch alarm fire on the metrics in runway's
// Embedded Metric Format lines?
//   node alarm-fires.js ALARM_JSON EMF_FILE
// ALARM_JSON: {"namespace", "metricName", "dimensions": {name: value},
// "threshold", "comparison"} (CloudFormation's or Terraform's operator name).
// Prints "fires" when some line carries the alarm's metric in its namespace,
// with exactly its dimension set and values, at a value past the threshold;
// "quiet" when the metric is there but never past it; "absent" when no line
// carries it at all (a misspelt namespace, name or dimension).
const fs = require('fs');
const alarm = JSON.parse(process.argv[2]);
const lines = fs.readFileSync(process.argv[3], 'utf8').split('\n').filter(Boolean).map((l) => JSON.parse(l));
const want = Object.keys(alarm.dimensions).sort().join(',');

const compare = {
  GreaterThanOrEqualToThreshold: (v, t) => v >= t,
  GreaterThanThreshold: (v, t) => v > t,
  LessThanThreshold: (v, t) => v < t,
  LessThanOrEqualToThreshold: (v, t) => v <= t,
}[alarm.comparison];
if (!compare) {
  process.stderr.write('unknown comparison ' + alarm.comparison + '\n');
  process.exit(1);
}

function carries(line) {
  const directives = ((line._aws || {}).CloudWatchMetrics) || [];
  return directives.some((d) => d.Namespace === alarm.namespace &&
    (d.Metrics || []).some((m) => m.Name === alarm.metricName) &&
    (d.Dimensions || []).some((set) => set.slice().sort().join(',') === want)) &&
    Object.entries(alarm.dimensions).every(([k, v]) => line[k] === v);
}

const values = lines.filter(carries).map((l) => Number(l[alarm.metricName]));
const result = values.length === 0 ? 'absent'
  : values.some((v) => compare(v, Number(alarm.threshold))) ? 'fires' : 'quiet';
process.stdout.write(result + '\n');
