'use strict';
// codebuild-run.js - a buildspec (version 0.2) as the bash script CodeBuild
// would run: there is no CodeBuild runner outside AWS.
//   node codebuild-run.js buildspec.yml > build.sh && bash build.sh
// What it keeps of CodeBuild:
// - env.variables are exported, unless the environment already sets them
//   (as a start-build override would);
// - the phases run in order, install, pre_build, build, post_build, each
//   command in the same shell, so variables and the directory carry over;
// - a failing command fails its phase and skips the rest of it; after a
//   failed install or pre_build, or a phase with `on-failure: ABORT`, no
//   other phase runs; after a failed build, post_build still runs;
// - the log has CodeBuild's "[Container] ..." lines; the exit status is 1
//   when any phase failed.
const fs = require('fs');
const yaml = require('js-yaml');
const spec = yaml.load(fs.readFileSync(process.argv[2], 'utf8'));
if (String(spec.version) !== '0.2') {
  process.stderr.write(`${process.argv[2]}: version ${spec.version}, expected 0.2\n`);
  process.exit(1);
}
const sq = (s) => "'" + String(s).replace(/'/g, "'\\''") + "'";
const out = ['#!/bin/bash', 'set -o pipefail', 'failed=0 stop=0'];
for (const [name, value] of Object.entries((spec.env || {}).variables || {})) {
  out.push(`[ -n "\${${name}+set}" ] || export ${name}=${sq(value)}`);
}
for (const phase of ['install', 'pre_build', 'build', 'post_build']) {
  const p = (spec.phases || {})[phase];
  if (!p) continue;
  const runsAfterFailure = phase === 'post_build' ? '[ $stop = 0 ]' : '[ $failed = 0 ]';
  out.push(`if ${runsAfterFailure}; then`);
  out.push(`  echo "[Container] Entering phase ${phase.toUpperCase()}"; state=SUCCEEDED`);
  out.push('  while :; do');
  for (const cmd of p.commands || []) {
    out.push(`    echo "[Container] Running command "${sq(cmd.trimEnd())}`);
    out.push(`    eval ${sq(cmd)} || { echo "[Container] Command did not exit successfully with exit status $?"; state=FAILED; break; }`);
  }
  out.push('    break');
  out.push('  done');
  out.push(`  echo "[Container] Phase complete: ${phase.toUpperCase()} State: $state"`);
  const stops = p['on-failure'] === 'ABORT' || phase === 'install' || phase === 'pre_build';
  out.push(`  [ $state = SUCCEEDED ] || { failed=1; ${stops ? 'stop=1; ' : ''}}`);
  out.push('fi');
}
out.push('exit $failed');
process.stdout.write(out.join('\n') + '\n');
