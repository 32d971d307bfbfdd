#!/usr/bin/env node
'use strict';
// Runs the compiled test files with Node's own test runner. Optional arguments name
// test/ subfolders (unit, contract, integration, e2e); default is all of them.
const { spawnSync } = require('node:child_process');
const fs = require('node:fs');
const path = require('node:path');

const root = path.resolve(__dirname, '..', 'dist', 'test');
const groups = process.argv.slice(2);
const dirs = (groups.length ? groups : ['unit', 'contract', 'integration', 'e2e'])
  .map((g) => path.join(root, g))
  .filter((d) => fs.existsSync(d));

function collect(dir, out) {
  for (const e of fs.readdirSync(dir, { withFileTypes: true })) {
    const p = path.join(dir, e.name);
    if (e.isDirectory()) collect(p, out);
    else if (e.name.endsWith('.test.js')) out.push(p);
  }
  return out;
}
const files = dirs.flatMap((d) => collect(d, [])).sort();
if (files.length === 0) {
  console.error('no test files found under dist/test; run `npm run build` first');
  process.exit(1);
}
const r = spawnSync(
  process.execPath,
  ['--test', '--test-concurrency=1', '--test-reporter=spec', ...files],
  { stdio: 'inherit' },
);
process.exit(r.status ?? 1);
