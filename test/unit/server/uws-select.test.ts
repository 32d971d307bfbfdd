import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import {
  FALLBACK_PACKAGE,
  OFFICIAL_PACKAGE,
  selectUws,
  uwsCandidates,
  type UwsSelectDeps,
} from '../../../src/server/uws-select';

const PLATFORM = { platform: 'linux', arch: 'x64', abi: '127' };

function deps(over: Partial<UwsSelectDeps> & { installed?: string[] }): UwsSelectDeps {
  const installed = new Set(over.installed ?? [FALLBACK_PACKAGE]);
  return {
    env: over.env ?? {},
    platform: PLATFORM,
    resolvePackageDir: (n) => (installed.has(n) ? `/nm/${n}` : undefined),
    exists: over.exists ?? (() => true),
  };
}

test('order: official package before the bundled unofficial one', () => {
  const c = uwsCandidates(deps({ installed: [OFFICIAL_PACKAGE, FALLBACK_PACKAGE] }));
  assert.deepEqual(
    c.map((x) => [x.source, x.file]),
    [
      [OFFICIAL_PACKAGE, `/nm/${OFFICIAL_PACKAGE}/uws_linux_x64_127.node`],
      [FALLBACK_PACKAGE, `/nm/${FALLBACK_PACKAGE}/binaries/uws_linux_x64_127.node`],
    ],
  );
});

test('COLLIE_UWS_PATH replaces the search and is required; both layouts are accepted', () => {
  const top = uwsCandidates(deps({ env: { COLLIE_UWS_PATH: '/opt/uws/' } }));
  assert.deepEqual(top, [
    { source: 'COLLIE_UWS_PATH', file: '/opt/uws/uws_linux_x64_127.node', required: true },
  ]);
  const nested = uwsCandidates(
    deps({ env: { COLLIE_UWS_PATH: '/opt/u' }, exists: (f) => f.includes('/binaries/') }),
  );
  assert.equal(nested[0]?.file, '/opt/u/binaries/uws_linux_x64_127.node');
});

const native = { App: () => undefined, us_socket_local_port: () => 0 };

test('a candidate that fails to load is skipped; one that is not native is skipped', () => {
  const c = uwsCandidates(deps({ installed: [OFFICIAL_PACKAGE, FALLBACK_PACKAGE] }));
  const chosen = selectUws(
    c,
    (f) => {
      if (f.includes(OFFICIAL_PACKAGE)) throw new Error('GLIBC_2.38 not found');
      return native;
    },
    PLATFORM,
  );
  assert.equal(chosen.candidate.source, FALLBACK_PACKAGE);
  assert.throws(
    () => selectUws(c, () => ({ App: 1 }), PLATFORM),
    /no native uWebSockets\.js binary loads for Node 127 ABI.*not the native.*COLLIE_UWS_PATH/s,
  );
});

test('an explicit path that does not load is an error naming it, not a fallback', () => {
  const c = uwsCandidates(deps({ env: { COLLIE_UWS_PATH: '/opt/uws' } }));
  assert.throws(
    () =>
      selectUws(
        c,
        () => {
          throw new Error('cannot open shared object file');
        },
        PLATFORM,
      ),
    /COLLIE_UWS_PATH: \/opt\/uws\/uws_linux_x64_127\.node did not load \(cannot open shared object file\)/,
  );
});

test('nothing installed for this ABI: the message says how to supply an official build', () => {
  assert.throws(
    () => selectUws([], () => native, PLATFORM),
    /Node 16\/18\/20.*npm i uNetworking\/uWebSockets\.js/s,
  );
});

// The real loader, in child processes (one native load per process), over the binaries present.
const ROOT = path.resolve(__dirname, '..', '..', '..', '..');
const UWS_JS = path.join(ROOT, 'dist', 'src', 'server', 'uws.js');
const REAL = path.join(
  path.dirname(require.resolve(`${FALLBACK_PACKAGE}/package.json`)),
  'binaries',
  `uws_${process.platform}_${process.arch}_${process.versions.modules}.node`,
);

function probe(env: Record<string, string>): { code: number | null; out: string } {
  const script = `const u=require(${JSON.stringify(UWS_JS)});u.loadUws();process.stdout.write(JSON.stringify(u.uwsSource))`;
  const r = spawnSync(process.execPath, ['-e', script], {
    encoding: 'utf8',
    env: { ...process.env, ...env },
    timeout: 20_000,
  });
  return { code: r.status, out: r.stdout + r.stderr };
}

test('real loader: an official-layout directory via COLLIE_UWS_PATH, an installed official package, and the fallback', () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'collie-uws-'));
  try {
    const name = path.basename(REAL);
    const official = path.join(dir, 'official');
    fs.mkdirSync(official);
    fs.symlinkSync(REAL, path.join(official, name));
    const viaEnv = probe({ COLLIE_UWS_PATH: official });
    assert.equal(viaEnv.code, 0, viaEnv.out);
    assert.equal((JSON.parse(viaEnv.out) as { source: string }).source, 'COLLIE_UWS_PATH');

    const broken = path.join(dir, 'broken');
    fs.mkdirSync(broken);
    fs.writeFileSync(path.join(broken, name), 'not a shared object');
    const bad = probe({ COLLIE_UWS_PATH: broken });
    assert.notEqual(bad.code, 0);
    assert.match(bad.out, /COLLIE_UWS_PATH: .*did not load/);

    // An official package found through NODE_PATH is preferred; a broken one falls back.
    const nm = path.join(dir, 'nm');
    const pkg = path.join(nm, OFFICIAL_PACKAGE);
    fs.mkdirSync(pkg, { recursive: true });
    fs.writeFileSync(path.join(pkg, 'package.json'), '{"name":"uWebSockets.js","main":"uws.js"}');
    fs.symlinkSync(REAL, path.join(pkg, name));
    const viaPkg = probe({ NODE_PATH: nm });
    assert.equal(
      (JSON.parse(viaPkg.out) as { source: string }).source,
      OFFICIAL_PACKAGE,
      viaPkg.out,
    );
    fs.rmSync(path.join(pkg, name));
    fs.writeFileSync(path.join(pkg, name), 'garbage');
    const fallback = probe({ NODE_PATH: nm });
    assert.equal(
      (JSON.parse(fallback.out) as { source: string }).source,
      FALLBACK_PACKAGE,
      fallback.out,
    );
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
});
