#!/usr/bin/env node
'use strict';
// Packaging check (run by .ci/run after the tests): `npm pack`, install the tarball into an
// empty project (the install script builds the addon), then run the installed `collie`:
// `launch --version`, and one chat completion through `collie launch` to a `collie
// mock-engine`, both started with npx from the installed package, and the operator console's page
// and snapshot. Exits non-zero on failure.
const { spawn, spawnSync } = require('node:child_process');
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');

const root = path.resolve(__dirname, '..');
const work = fs.mkdtempSync(path.join(os.tmpdir(), 'collie-pkg-'));
const children = [];

function run(cmd, args, cwd) {
  const r = spawnSync(cmd, args, { cwd, encoding: 'utf8', stdio: ['ignore', 'pipe', 'inherit'] });
  if (r.status !== 0) throw new Error(`${cmd} ${args.join(' ')} failed (${r.status})`);
  return r.stdout;
}

function start(args, cwd, pattern) {
  const child = spawn('npx', ['--no-install', 'collie', ...args], { cwd, detached: true });
  children.push(child);
  let out = '';
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`timeout: ${args[0]}: ${out}`)), 60_000);
    const onData = (d) => {
      out += d.toString();
      const m = pattern.exec(out);
      if (m) {
        clearTimeout(timer);
        resolve(m);
      }
    };
    child.stdout.on('data', onData);
    child.stderr.on('data', onData);
    child.on('exit', (code) => reject(new Error(`${args[0]} exited ${code}: ${out}`)));
  });
}

async function freePort() {
  const net = require('node:net');
  return new Promise((resolve) => {
    const s = net.createServer().listen(0, '127.0.0.1', () => {
      const { port } = s.address();
      s.close(() => resolve(port));
    });
  });
}

async function main() {
  const tarball = run('npm', ['pack', '--silent', '--pack-destination', work], root)
    .trim()
    .split('\n')
    .pop();
  const app = path.join(work, 'app');
  fs.mkdirSync(app);
  fs.writeFileSync(path.join(app, 'package.json'), '{"name":"collie-pkg-check","private":true}');
  run(
    'npm',
    ['install', '--prefer-offline', '--no-audit', '--no-fund', path.join(work, tarball)],
    app,
  );
  const version = run('npx', ['--no-install', 'collie', 'launch', '--version'], app).trim();
  if (!/^collie \d+\.\d+\.\d+/.test(version)) throw new Error(`unexpected --version: ${version}`);
  const [, engineUrl] = await start(
    ['mock-engine', '--port', '0'],
    app,
    /mock-engine (http:\/\/\S+)/,
  );
  const port = await freePort();
  await start(
    [
      'launch',
      '--worker-urls',
      engineUrl,
      '--port',
      String(port),
      '--host',
      '127.0.0.1',
      '--workers',
      '1',
      '--policy',
      'round_robin',
    ],
    app,
    /listening|ready|started/i,
  );
  const deadline = Date.now() + 30_000;
  for (;;) {
    const res = await fetch(`http://127.0.0.1:${port}/v1/chat/completions`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ model: 'mock-model', messages: [{ role: 'user', content: 'hi' }] }),
    }).catch(() => undefined);
    if (res && res.status === 200) {
      const body = await res.json();
      if (!body.choices?.[0]?.message) throw new Error(`bad answer: ${JSON.stringify(body)}`);
      break;
    }
    if (Date.now() > deadline) throw new Error(`gateway never answered 200 (last ${res?.status})`);
    await new Promise((r) => setTimeout(r, 200));
  }
  // the operator console ships inside dist/ (no asset outside the compiled code)
  const page = await fetch(`http://127.0.0.1:${port}/dashboard`);
  const html = await page.text();
  if (page.status !== 200 || !html.includes('operator console')) {
    throw new Error(`GET /dashboard: HTTP ${page.status}`);
  }
  const snap = await fetch(`http://127.0.0.1:${port}/dashboard/api/snapshot`);
  if (snap.status !== 200 || (await snap.json()).version !== 1) {
    throw new Error(`GET /dashboard/api/snapshot: HTTP ${snap.status}`);
  }
  console.log(`package check: ${tarball} installs, builds its addon and serves (${version})`);
}

main()
  .catch((err) => {
    console.error(`package check failed: ${err.message}`);
    process.exitCode = 1;
  })
  .finally(() => {
    for (const c of children) {
      try {
        process.kill(-c.pid, 'SIGKILL');
      } catch {}
    }
    fs.rmSync(work, { recursive: true, force: true });
  });
