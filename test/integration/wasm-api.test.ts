import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { closeAll, postJson, startTestGateway, type TestGateway } from '../helpers/gateway';
import {
  BEHAVIOURS,
  buildComponent,
  buildCoreModule,
  buildOtherWorld,
  moduleDir,
  writeModule,
} from '../helpers/wasm-components';

/** SMG's /wasm API (§5.9): shapes, codes and every refusal. */

let gw: TestGateway;
let off: TestGateway;
const dir = moduleDir();
let component: Uint8Array;
let file: string;

before(async () => {
  gw = await startTestGateway(['--enable-wasm', '--wasm-max-modules', '4']);
  off = await startTestGateway([]);
  component = await buildComponent(BEHAVIOURS.continue(), 1);
  file = writeModule(dir, 'ok.wasm', component);
});
after(() => closeAll(gw, off));

interface Added {
  name: string;
  file_path: string;
  module_type: string;
  attach_points: unknown[];
  add_result: { Success?: string; Error?: string };
}

const descriptor = (file_path: string, name = 'm') => ({
  name,
  file_path,
  module_type: 'Middleware',
  attach_points: [{ Middleware: 'OnRequest' }],
  add_result: null,
});

async function add(...paths: string[]): Promise<{ status: number; modules: Added[] }> {
  const res = await postJson(`${gw.url}/wasm`, { modules: paths.map((p) => descriptor(p)) });
  return { status: res.status, ...((await res.json()) as { modules: Added[] }) };
}

async function listed(): Promise<
  Array<{ module_uuid: string; module_meta: Record<string, unknown> }>
> {
  const res = await fetch(`${gw.url}/wasm`);
  assert.equal(res.status, 200);
  return (
    (await res.json()) as {
      modules: Array<{ module_uuid: string; module_meta: Record<string, unknown> }>;
    }
  ).modules;
}

const remove = (id: string): Promise<Response> =>
  fetch(`${gw.url}/wasm/${id}`, { method: 'DELETE' });

async function removeAll(): Promise<void> {
  for (const m of await listed()) await remove(m.module_uuid);
}

test('without --enable-wasm every /wasm route is an empty 500 (a bad id still 400 first)', async () => {
  for (const [method, p] of [
    ['GET', '/wasm'],
    ['POST', '/wasm'],
    ['DELETE', '/wasm/0190a000-0000-7000-8000-000000000000'],
  ] as const) {
    const res = await fetch(`${off.url}${p}`, {
      method,
      body: method === 'POST' ? '{}' : null,
      headers: { 'content-type': 'application/json' },
    });
    assert.equal(res.status, 500, `${method} ${p}`);
    assert.equal(await res.text(), '');
  }
  const bad = await fetch(`${off.url}/wasm/nope`, { method: 'DELETE' });
  assert.equal(bad.status, 400);
  assert.equal(await bad.text(), '');
});

test('GET with nothing registered: empty list, zero counters, no average', async () => {
  const res = await fetch(`${gw.url}/wasm`);
  assert.deepEqual(await res.json(), {
    modules: [],
    metrics: {
      total_executions: 0,
      successful_executions: 0,
      failed_executions: 0,
      total_execution_time_ms: 0,
      max_execution_time_ms: 0,
    },
  });
});

test('POST registers under a UUIDv7; GET lists SMG metadata; DELETE removes', async (t) => {
  t.after(removeAll);
  const r = await add(file);
  assert.equal(r.status, 200);
  const [m] = r.modules;
  assert.deepEqual({ ...m, add_result: undefined }, { ...descriptor(file), add_result: undefined });
  const uuid = m?.add_result.Success ?? '';
  assert.match(uuid, /^[0-9a-f]{8}-[0-9a-f]{4}-7[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
  const [entry] = await listed();
  assert.equal(entry?.module_uuid, uuid);
  const meta = entry?.module_meta ?? {};
  assert.equal(meta['name'], 'm');
  assert.equal(meta['file_path'], file);
  assert.equal(meta['sha256_hash'], createHash('sha256').update(component).digest('hex'));
  assert.equal(meta['size_bytes'], component.length);
  assert.match(String(meta['created_at']), /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{9}Z$/);
  assert.equal(meta['last_accessed_at'], meta['created_at']);
  assert.equal(meta['access_count'], 0);
  assert.deepEqual(meta['attach_points'], [{ Middleware: 'OnRequest' }]);
  // the simple (unhyphenated) form of the id is a UUID too
  const del = await remove(uuid.replace(/-/g, '').toUpperCase());
  assert.equal(del.status, 200);
  assert.equal(await del.text(), 'Module removed successfully');
  assert.deepEqual(await listed(), []);
});

test('DELETE: not a UUID → empty 400; unknown → 400 text with SMG job message', async () => {
  const bad = await remove('not-a-uuid');
  assert.equal(bad.status, 400);
  assert.equal(await bad.text(), '');
  const id = '0190a000-0000-7000-8000-000000000000';
  const unknown = await remove(id);
  assert.equal(unknown.status, 400);
  assert.equal(
    await unknown.text(),
    `Workflow failed at step find_module_to_remove: Step failed: find_module_to_remove - Module with UUID ${id} not found`,
  );
});

const err = (step: string, msg: string): string =>
  `Workflow failed at step ${step}: Step failed: ${step} - ${msg}`;

test('path rules, file checks and component checks: SMG messages, nothing registered', async () => {
  const empty = writeModule(dir, 'empty.wasm', new Uint8Array());
  const dirWasm = path.join(dir, 'dir.wasm');
  fs.mkdirSync(dirWasm, { recursive: true });
  const toEtc = path.join(dir, 'etc-link.wasm');
  fs.symlinkSync('/etc/hostname', toEtc);
  const toTxt = path.join(dir, 'txt-link.wasm');
  fs.writeFileSync(path.join(dir, 'real.txt'), 'x');
  fs.symlinkSync(path.join(dir, 'real.txt'), toTxt);
  const loop = path.join(dir, 'loop.wasm');
  fs.symlinkSync(loop, loop);
  const truncated = writeModule(dir, 'trunc.wasm', component.subarray(0, component.length >> 1));
  const core = writeModule(dir, 'core.wasm', await buildCoreModule(7));
  const other = writeModule(dir, 'other.wasm', await buildOtherWorld());
  const noExt = writeModule(dir, 'module.bin', component);
  const cases: Array<[string, RegExp | string]> = [
    [
      'relative/x.wasm',
      err('validate_descriptor', 'Module file path must be absolute, got: relative/x.wasm'),
    ],
    [
      `${dir}/../x.wasm`,
      err('validate_descriptor', 'Path traversal (..) not allowed in module file path'),
    ],
    [noExt, err('validate_descriptor', 'Module file must have .wasm extension')],
    ['/etc/x.wasm', err('validate_descriptor', 'Access to /etc/ directory is not allowed')],
    ['/proc/self/x.wasm', err('validate_descriptor', 'Access to /proc/ directory is not allowed')],
    [
      path.join(dir, 'missing.wasm'),
      err(
        'validate_descriptor',
        `Failed to access file ${path.join(dir, 'missing.wasm')}: No such file or directory (os error 2)`,
      ),
    ],
    [empty, err('validate_descriptor', 'Module file size cannot be 0')],
    [
      dirWasm,
      err('calculate_hash', `Failed to read file ${dirWasm}: Is a directory (os error 21)`),
    ],
    [toEtc, err('validate_descriptor', 'Path resolves to blocked directory /etc/ (via symlink)')],
    [toTxt, err('validate_descriptor', 'Symlink target must be a .wasm file')],
    [loop, /Too many levels of symbolic links \(os error 40\)$/],
    [
      truncated,
      /^Workflow failed at step validate_wasm_component: .* - Invalid WASM component: .*Hint: The WASM file must be in component format/s,
    ],
    [core, /validate_wasm_component - Invalid WASM component: /],
    [
      other,
      /validate_wasm_component - Invalid WASM component: component does not implement world smg:gateway\/smg: missing export smg:gateway\/middleware-on-request/,
    ],
  ];
  const r = await add(...cases.map(([p]) => p));
  assert.equal(r.status, 400);
  cases.forEach(([p, want], i) => {
    const got = r.modules[i]?.add_result.Error ?? '';
    if (typeof want === 'string') assert.equal(got, want, p);
    else assert.match(got, want, p);
  });
  const named = await postJson(`${gw.url}/wasm`, { modules: [{ ...descriptor(file), name: '' }] });
  const body = (await named.json()) as { modules: Added[] };
  assert.equal(
    body.modules[0]?.add_result.Error,
    err('validate_descriptor', 'Module name cannot be empty'),
  );
  assert.deepEqual(await listed(), []);
});

test('body shape errors are axum rejections (400 syntax, 422 shape, plain text)', async () => {
  const syntax = await postJson(`${gw.url}/wasm`, '{"modules": [');
  assert.equal(syntax.status, 400);
  const cases: Array<[unknown, string]> = [
    [{}, 'missing field `modules`'],
    [{ modules: {} }, 'modules: invalid type: map, expected a sequence'],
    [
      { modules: [{ ...descriptor(file), module_type: 'Filter' }] },
      'modules[0].module_type: unknown variant `Filter`, expected `Middleware`',
    ],
    [
      { modules: [{ ...descriptor(file), attach_points: [{ Middleware: 'OnStart' }] }] },
      'modules[0].attach_points[0]: unknown variant `OnStart`, expected one of `OnRequest`, `OnResponse`, `OnError`',
    ],
    [{ modules: [{ name: 'x' }] }, 'modules[0]: missing field `file_path`'],
  ];
  for (const [body, detail] of cases) {
    const res = await postJson(`${gw.url}/wasm`, body);
    assert.equal(res.status, 422);
    assert.equal(
      await res.text(),
      `Failed to deserialize the JSON body into the target type: ${detail}`,
    );
  }
});

test('the same bytes twice: the second is a duplicate; a batch with a failure is 400', async (t) => {
  t.after(removeAll);
  const r = await add(file, file);
  assert.equal(r.status, 400);
  assert.ok(r.modules[0]?.add_result.Success);
  const sha = createHash('sha256').update(component).digest('hex');
  assert.equal(
    r.modules[1]?.add_result.Error,
    err(
      'check_duplicate',
      `Duplicate SHA256 hash detected: module with same sha256 already exists: ${sha}`,
    ),
  );
  assert.equal((await listed()).length, 1);
});

test('1,000 modules in one request: one registered, 999 duplicates, the gateway unharmed', async (t) => {
  t.after(removeAll);
  const r = await add(...Array.from({ length: 1000 }, () => file));
  assert.equal(r.status, 400);
  assert.equal(r.modules.filter((m) => m.add_result.Success).length, 1);
  assert.equal(
    r.modules.filter((m) => /check_duplicate/.test(m.add_result.Error ?? '')).length,
    999,
  );
  assert.equal((await listed()).length, 1);
});

test('--wasm-max-modules bounds the registry', async (t) => {
  t.after(removeAll);
  const files = await Promise.all(
    [11, 12, 13, 14, 15].map(async (s) =>
      writeModule(dir, `lim${s}.wasm`, await buildComponent({}, s)),
    ),
  );
  const r = await add(...files);
  assert.equal(r.status, 400);
  assert.equal(r.modules.filter((m) => m.add_result.Success).length, 4);
  assert.equal(
    r.modules[4]?.add_result.Error,
    err('register_module', 'Failed to register module: module limit reached (4 modules)'),
  );
});

test('concurrent POSTs and DELETEs of one module: one wins, never a half-registered module', async (t) => {
  t.after(removeAll);
  const posts = await Promise.all(Array.from({ length: 6 }, () => add(file)));
  const wins = posts.filter((p) => p.status === 200);
  assert.equal(wins.length, 1);
  const uuid = wins[0]?.modules[0]?.add_result.Success ?? '';
  const dels = await Promise.all(Array.from({ length: 6 }, () => remove(uuid)));
  assert.deepEqual(dels.map((d) => d.status).sort(), [200, 400, 400, 400, 400, 400]);
  assert.deepEqual(await listed(), []);
  // interleaved: register, then delete it while the same bytes are posted again
  const again = await add(file);
  const id = again.modules[0]?.add_result.Success ?? '';
  const [del, post] = await Promise.all([remove(id), add(file)]);
  assert.equal(del.status, 200);
  const ids = (await listed()).map((m) => m.module_uuid);
  if (post.status === 200) assert.deepEqual(ids, [post.modules[0]?.add_result.Success]);
  else assert.deepEqual(ids, []);
});
