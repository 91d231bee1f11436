#!/usr/bin/env node
// Differential test of runway's PostgreSQL splitter against PostgreSQL's own
// parser (libpg-query, the server's grammar compiled to WebAssembly).
//
// Inputs are generated from SQL fragments (strings, dollar quotes, nested
// comments, function bodies, line ends) with a seeded generator, then
// mutated byte by byte.  For every input the parser accepts, runway must cut
// it into the same statements: statement k of runway, parsed on its own,
// gives the same tree as statement k of the whole input (locations aside).
// Inputs the parser rejects are not compared.
//
// Usage: pgdiff.js --dump BUILD/tests/fuzz/split_dump [--seed N]
//                  [--count N | --seconds N] [--cr] [--save DIR] [FILE...]
// FILE arguments are compared as they are, before any generated input.
// --cr adds bare-CR line ends to the fragments.  Exit 1 on a difference.
'use strict';
const fs = require('fs');
const os = require('os');
const path = require('path');
const { spawnSync } = require('child_process');
const pg = require('libpg-query');

function parseArgs(argv) {
  const o = { seed: 1, count: 0, seconds: 0, cr: false, save: null, dump: null, files: [] };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    if (a === '--dump') o.dump = argv[++i];
    else if (a === '--seed') o.seed = Number(argv[++i]);
    else if (a === '--count') o.count = Number(argv[++i]);
    else if (a === '--seconds') o.seconds = Number(argv[++i]);
    else if (a === '--save') o.save = argv[++i];
    else if (a === '--cr') o.cr = true;
    else o.files.push(a);
  }
  if (!o.dump) throw new Error('--dump PATH is required');
  if (!o.count && !o.seconds) o.count = 200;
  return o;
}

// mulberry32: small, seeded, the same sequence on every machine.
function rng(seed) {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const STATEMENTS = [
  'SELECT 1',
  'CREATE TABLE t (a int, b text DEFAULT \';\')',
  'INSERT INTO t VALUES (1, \'a;b\')',
  'INSERT INTO t VALUES (2, \'it\'\'s; here\')',
  'SELECT E\'a\\\';b\'',
  'SELECT e\'\\\\\'',
  'SELECT U&\'d\\0061t;\'',
  'SELECT B\'101\', X\'1F\'',
  'SELECT "a;b" FROM t',
  'SELECT "x""y;" FROM t',
  'SELECT $$a;b$$',
  'SELECT $tag$ ; $x$ ; $tag$',
  'SELECT $_1$;$_1$',
  'SELECT a$b FROM t',
  'PREPARE p AS SELECT $1',
  'SELECT 1 /* a /* nested; */ b; */',
  'SELECT \'a\'\n\'b;\'',
  'SELECT 1::text, ARRAY[1,2][1]',
  'CREATE FUNCTION f() RETURNS int LANGUAGE sql AS $$ SELECT 1; $$',
  'CREATE FUNCTION f() RETURNS int LANGUAGE plpgsql AS $body$ BEGIN RETURN 1; END; $body$',
  'CREATE FUNCTION g() RETURNS int LANGUAGE sql BEGIN ATOMIC SELECT 1; SELECT 2; END',
  'CREATE PROCEDURE p() LANGUAGE sql BEGIN ATOMIC INSERT INTO t VALUES (1); END',
  'DO $$ BEGIN RAISE NOTICE \'x;\'; END $$',
  'CREATE RULE r AS ON INSERT TO t DO ALSO (SELECT 1; SELECT 2)',
  'CREATE INDEX CONCURRENTLY i ON t (a)',
  'BEGIN',
  'COMMIT',
  'SELECT CASE WHEN true THEN \'end;\' END',
  'COMMENT ON TABLE t IS \'x; -- y\'',
  'SELECT \'--\' AS c',
  'SELECT \'/*\' AS c',
  'SELECT 1 - -1, 2 */*x*/ 3',
  'CREATE TABLE "T;" (begin int, "end" int)',
  'SELECT atomic FROM t',
];
const SEPARATORS = [';', ';', ';\n', ' ;', ';;', ';\n;'];
const GAPS = ['\n', '\n', ' ', '\r\n', '\t', '-- comment\n', '-- c;\n', '/* c; */', '/* a /* b */ ; */',
  '\n\n', '--\n'];
const CR_GAPS = ['\r', '-- c\r', '-- c;\r'];
const MUTATIONS = [';', '$', '\'', '"', '-', '/', '*', '\n', '\r', 'E', '\\', ' ', 'BEGIN ', 'END', 'ATOMIC '];

function pick(r, list) { return list[Math.floor(r() * list.length)]; }

function generate(r, cr) {
  const gaps = cr ? GAPS.concat(CR_GAPS) : GAPS;
  let s = '';
  const n = 1 + Math.floor(r() * 4);
  for (let i = 0; i < n; i++) {
    if (r() < 0.5) s += pick(r, gaps);
    s += pick(r, STATEMENTS);
    if (i < n - 1 || r() < 0.7) s += pick(r, SEPARATORS);
    if (r() < 0.3) s += pick(r, gaps);
  }
  const muts = r() < 0.5 ? 0 : 1 + Math.floor(r() * 3);
  for (let i = 0; i < muts; i++) {
    const at = Math.floor(r() * (s.length + 1));
    const m = cr ? pick(r, MUTATIONS) : pick(r, MUTATIONS.filter((x) => x !== '\r'));
    s = r() < 0.7 ? s.slice(0, at) + m + s.slice(at) : s.slice(0, at) + s.slice(at + 1);
  }
  return s;
}

// A parse tree without positions, as a string to compare.
function strip(node) {
  return JSON.stringify(node, (k, v) =>
    k === 'location' || k === 'stmt_location' || k === 'stmt_len' ? undefined : v);
}

// PostgreSQL receives a query as a C string: text with a NUL byte never
// reaches its parser whole (runway refuses such a file), so it is not compared.
function parseTrees(sql) {
  if (sql.includes('\0')) return null;
  try {
    const r = pg.parseSync(sql);
    return (r.stmts || []).map((s) => strip(s.stmt));
  } catch (e) {
    return null;
  }
}

// Runs split_dump over a batch of inputs; one result per input.
function runwaySplit(dump, dir, inputs) {
  const files = inputs.map((text, i) => {
    const f = path.join(dir, `in${i}.sql`);
    fs.writeFileSync(f, text);
    return f;
  });
  const res = spawnSync(dump, ['postgresql', ...files], { encoding: 'utf8', maxBuffer: 1 << 28 });
  if (res.status !== 0) throw new Error(`split_dump failed: ${res.stderr}`);
  return res.stdout.trim().split('\n').map((l) => JSON.parse(l));
}

// Explains how runway's cut differs from the parser's, or returns null.
function compare(text, expected, got) {
  if (!got.ok) return `runway refuses what PostgreSQL parses: ${got.error}`;
  const trees = [];
  for (const st of got.statements) {
    if (st.copy) return null; // COPY FROM STDIN data is not SQL; the parser cannot judge it
    const t = parseTrees(st.sql);
    if (t === null) return `runway statement at line ${st.line} does not parse on its own: ${JSON.stringify(st.sql)}`;
    if (t.length > 1) return `runway statement at line ${st.line} holds ${t.length} statements: ${JSON.stringify(st.sql)}`;
    trees.push(...t);
  }
  if (trees.length !== expected.length)
    return `runway finds ${trees.length} statements, PostgreSQL ${expected.length}: ` +
      JSON.stringify(got.statements.map((s) => s.sql));
  for (let i = 0; i < trees.length; i++)
    if (trees[i] !== expected[i]) return `statement ${i + 1} differs: ${JSON.stringify(got.statements[i].sql)}`;
  return null;
}

async function main() {
  const o = parseArgs(process.argv.slice(2));
  await pg.loadModule();
  const r = rng(o.seed);
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'runway-pgdiff-'));
  const deadline = o.seconds ? Date.now() + o.seconds * 1000 : Infinity;
  let generated = 0, compared = 0, differences = 0;
  let pending = o.files.map((f) => fs.readFileSync(f, 'utf8'));
  try {
    for (;;) {
      // A batch: the given files first, then generated inputs the parser accepts.
      const batch = [], expected = [];
      for (const text of pending) {
        const t = parseTrees(text);
        if (t !== null) { batch.push(text); expected.push(t); }
      }
      pending = [];
      while (batch.length < 200 && (o.count ? generated < o.count : Date.now() < deadline)) {
        const text = generate(r, o.cr);
        generated++;
        const t = parseTrees(text);
        if (t !== null) { batch.push(text); expected.push(t); }
      }
      if (batch.length === 0) break;
      const results = runwaySplit(o.dump, dir, batch);
      for (let i = 0; i < batch.length; i++) {
        compared++;
        const why = compare(batch[i], expected[i], results[i]);
        if (!why) continue;
        differences++;
        if (differences <= 10) console.log(`not the same statements: ${why}\n  input: ${JSON.stringify(batch[i])}`);
        if (o.save) {
          fs.mkdirSync(o.save, { recursive: true });
          fs.writeFileSync(path.join(o.save, `diff-${o.seed}-${generated}-${i}.sql`), batch[i]);
        }
      }
    }
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
  console.log(`pgdiff: ${generated} generated, ${compared} accepted by PostgreSQL's parser and compared, ` +
    `${differences} differences`);
  process.exit(differences ? 1 : 0);
}

main().catch((e) => { console.error(`pgdiff: ${e.stack || e}`); process.exit(2); });
