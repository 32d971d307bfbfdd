#!/usr/bin/env node
'use strict';
// Prints the C++ sources of one group for binding.gyp (`<!@(node scripts/native-sources.js tokenizer)`),
// so new files under native/tokenizer/ or native/test/tok/ join the build without editing binding.gyp.
const fs = require('node:fs');
const path = require('node:path');

const root = path.resolve(__dirname, '..');
const groups = {
  tokenizer: ['native/tokenizer'],
  'tokenizer-test': ['native/test/tok'],
  'tokenizer-binding': ['native/binding/tokenizer'],
};
const dirs = groups[process.argv[2]];
if (!dirs) {
  console.error(`unknown source group ${process.argv[2]}`);
  process.exit(1);
}
const files = [];
for (const d of dirs) {
  const abs = path.join(root, d);
  if (!fs.existsSync(abs)) continue;
  for (const f of fs.readdirSync(abs).sort()) if (f.endsWith('.cc')) files.push(`${d}/${f}`);
}
process.stdout.write(files.join('\n'));
