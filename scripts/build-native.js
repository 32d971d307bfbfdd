#!/usr/bin/env node
'use strict';
// Builds the C++ addon with node-gyp against the running Node's own headers.
// --nodedir is passed explicitly so node-gyp never tries to download headers.
const { spawnSync } = require('node:child_process');
const path = require('node:path');
const fs = require('node:fs');

function nodeDir() {
  const candidates = [
    process.env.COLLIE_NODEDIR,
    path.resolve(process.execPath, '..', '..'),
    '/usr',
    '/usr/local',
  ].filter(Boolean);
  for (const dir of candidates) {
    if (fs.existsSync(path.join(dir, 'include', 'node', 'node_api.h'))) return dir;
  }
  console.error('collie: cannot find Node headers (include/node/node_api.h); set COLLIE_NODEDIR');
  process.exit(1);
}

const gyp = require.resolve('node-gyp/bin/node-gyp.js');
const r = spawnSync(process.execPath, [gyp, 'rebuild', `--nodedir=${nodeDir()}`, '-j', '2'], {
  stdio: 'inherit',
  cwd: path.resolve(__dirname, '..'),
});
process.exit(r.status ?? 1);
