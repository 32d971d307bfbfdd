#!/usr/bin/env node
'use strict';
// Rewrites the flag table in README.md from the launch schema in src/config (run after `npm run build`).
const fs = require('node:fs');
const path = require('node:path');
const { launchFlagsMarkdown } = require('../dist/src/config/parse.js');

const file = path.resolve(__dirname, '..', 'README.md');
const lines = fs.readFileSync(file, 'utf8').split('\n');
const start = lines.findIndex((l) => l.startsWith('| flag | default | meaning |'));
if (start < 0) throw new Error('README has no flag table');
let end = start;
while (end < lines.length && lines[end].startsWith('|')) end++;
lines.splice(start, end - start, ...launchFlagsMarkdown().split('\n'));
fs.writeFileSync(file, lines.join('\n'));
