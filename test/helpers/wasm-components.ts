import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';

/**
 * Test components built from source: import-free WAT core modules implementing SMG's world
 * `smg:gateway/smg` by hand (canonical ABI), wrapped into components with jco's
 * `componentEmbed` + `componentNew`. Each takes a `salt` so otherwise identical modules get
 * distinct bytes (SHA-256).
 */

export const SMG_WIT = `package smg:gateway;

interface middleware-types {
  record header { name: string, value: string }
  record request {
    method: string, path: string, query: string, headers: list<header>, body: list<u8>,
    request-id: string, now-epoch-ms: u64,
  }
  record response { status: u16, headers: list<header>, body: list<u8> }
  record modify-action {
    status: option<u16>, headers-set: list<header>, headers-add: list<header>,
    headers-remove: list<string>, body-replace: option<list<u8>>,
  }
  variant action { continue, reject(u16), modify(modify-action) }
}

interface middleware-on-request {
  use middleware-types.{request, action};
  on-request: func(req: request) -> action;
}

interface middleware-on-response {
  use middleware-types.{response, action};
  on-response: func(resp: response) -> action;
}

world smg {
  export middleware-on-request;
  export middleware-on-response;
}
`;

/** A world of another shape: one export with another signature. */
const OTHER_WIT = `package other:thing;
interface api { run: func(x: u32) -> u32; }
world other { export api; }
`;

type Jco = typeof import('@bytecodealliance/jco');
const jco = (): Promise<Jco> => import('@bytecodealliance/jco');

/** The body of a hook: WAT instructions leaving the action pointer (i32) on the stack. */
export interface Behaviour {
  readonly onRequest?: string;
  readonly onResponse?: string;
  /** Extra (data …) segments and functions. */
  readonly extra?: string;
}

const CONTINUE = '(i32.store8 (i32.const 64) (i32.const 0)) (i32.const 64)';
const reject = (status: string): string =>
  `(i32.store8 (i32.const 64) (i32.const 1)) (i32.store16 (i32.const 68) ${status}) (i32.const 64)`;

/** Data at fixed addresses: strings from 1024, header records at 512. */
function dataString(addr: number, s: string): string {
  return `(data (i32.const ${addr}) "${s.replace(/"/g, '\\"')}")`;
}

function moduleWat(b: Behaviour, salt: number): string {
  return `(module
  (memory (export "memory") 1)
  (global $bump (mut i32) (i32.const 65536))
  (global $salt i32 (i32.const ${salt}))
  (func (export "cabi_realloc") (param i32 i32 i32 i32) (result i32)
    (local $p i32)
    (local.set $p (i32.and (i32.add (global.get $bump) (i32.const 7)) (i32.const -8)))
    (global.set $bump (i32.add (local.get $p) (local.get 3)))
    (if (i32.gt_u (global.get $bump) (i32.mul (memory.size) (i32.const 65536)))
      (then (drop (memory.grow (i32.add (i32.shr_u (local.get 3) (i32.const 16)) (i32.const 1))))))
    (local.get $p))
  (func $memeq (param $a i32) (param $b i32) (param $n i32) (result i32)
    (block $no (loop $l
      (if (i32.eqz (local.get $n)) (then (return (i32.const 1))))
      (br_if $no (i32.ne (i32.load8_u (local.get $a)) (i32.load8_u (local.get $b))))
      (local.set $a (i32.add (local.get $a) (i32.const 1)))
      (local.set $b (i32.add (local.get $b) (i32.const 1)))
      (local.set $n (i32.sub (local.get $n) (i32.const 1)))
      (br $l)))
    (i32.const 0))
  (func $has_header (param $ptr i32) (param $len i32) (param $name i32) (param $n i32) (result i32)
    (local $i i32) (local $rec i32)
    (block $done (loop $l
      (br_if $done (i32.ge_u (local.get $i) (local.get $len)))
      (local.set $rec (i32.add (local.get $ptr) (i32.mul (local.get $i) (i32.const 16))))
      (if (i32.eq (i32.load offset=4 (local.get $rec)) (local.get $n))
        (then (if (call $memeq (i32.load (local.get $rec)) (local.get $name) (local.get $n))
          (then (return (i32.const 1))))))
      (local.set $i (i32.add (local.get $i) (i32.const 1)))
      (br $l)))
    (i32.const 0))
  ${b.extra ?? ''}
  (func (export "smg:gateway/middleware-on-request#on-request")
    (param $method i32) (param $method_len i32) (param $path i32) (param $path_len i32)
    (param $query i32) (param $query_len i32) (param $headers i32) (param $headers_len i32)
    (param $body i32) (param $body_len i32) (param $rid i32) (param $rid_len i32) (param $now i64)
    (result i32)
    ${b.onRequest ?? CONTINUE})
  (func (export "smg:gateway/middleware-on-response#on-response")
    (param $status i32) (param $headers i32) (param $headers_len i32) (param $body i32)
    (param $body_len i32) (result i32)
    ${b.onResponse ?? CONTINUE})
)`;
}

/** Modify action at 64: headers-set from `set` records, optional body at (ptr,len). */
function modify(opts: {
  status?: number;
  setAt?: number;
  setCount?: number;
  addAt?: number;
  addCount?: number;
  body?: readonly [number, number];
}): string {
  const s = (off: number, v: number | string): string =>
    `(i32.store offset=${off} (i32.const 64) ${typeof v === 'number' ? `(i32.const ${v})` : v})`;
  return [
    '(memory.fill (i32.const 64) (i32.const 0) (i32.const 48))',
    '(i32.store8 (i32.const 64) (i32.const 2))',
    opts.status !== undefined
      ? `(i32.store8 offset=4 (i32.const 64) (i32.const 1)) (i32.store16 offset=6 (i32.const 64) (i32.const ${opts.status}))`
      : '',
    s(8, opts.setAt ?? 0),
    s(12, opts.setCount ?? 0),
    s(16, opts.addAt ?? 0),
    s(20, opts.addCount ?? 0),
    opts.body
      ? `(i32.store8 offset=32 (i32.const 64) (i32.const 1)) ${s(36, opts.body[0])} ${s(40, opts.body[1])}`
      : '',
    '(i32.const 64)',
  ].join(' ');
}

/** Header records (16 bytes each) at `at`, strings after 1024 + `at`. */
function headerData(at: number, headers: ReadonlyArray<readonly [string, string]>): string {
  const out: string[] = [];
  let str = 1024 + at;
  headers.forEach(([name, value], i) => {
    const rec = at + i * 16;
    const le = (n: number): string =>
      [0, 8, 16, 24].map((s) => `\\${((n >> s) & 0xff).toString(16).padStart(2, '0')}`).join('');
    out.push(dataString(str, name), dataString(str + name.length, value));
    out.push(
      `(data (i32.const ${rec}) "${le(str)}${le(name.length)}${le(str + name.length)}${le(value.length)}")`,
    );
    str += name.length + value.length;
  });
  return out.join('\n');
}

export const BEHAVIOURS = {
  continue: (): Behaviour => ({}),
  /** OnRequest: reject(status) when the request carries header `name`. */
  rejectOnHeader: (name: string, status: number): Behaviour => ({
    extra: dataString(2048, name),
    onRequest: `(if (result i32) (call $has_header (local.get $headers) (local.get $headers_len) (i32.const 2048) (i32.const ${name.length}))
      (then ${reject(`(i32.const ${status})`)}) (else ${CONTINUE}))`,
  }),
  /** OnRequest: headers-set `set`, headers-add `add`. */
  setRequestHeaders: (
    set: ReadonlyArray<readonly [string, string]>,
    add: ReadonlyArray<readonly [string, string]> = [],
  ): Behaviour => ({
    extra: `${headerData(256, set)}\n${headerData(384, add)}`,
    onRequest: modify({ setAt: 256, setCount: set.length, addAt: 384, addCount: add.length }),
  }),
  /** OnResponse: status, a header and a new body. */
  rewriteResponse: (body: string, status?: number): Behaviour => ({
    extra: `${headerData(256, [['x-wasm', 'rewritten']])}\n${dataString(4096, body)}`,
    onResponse: modify({
      ...(status !== undefined ? { status } : {}),
      setAt: 256,
      setCount: 1,
      body: [4096, Buffer.byteLength(body)],
    }),
  }),
  /** OnRequest: reject(200 + calls so far on this instance): 201 every time on fresh instances. */
  counter: (): Behaviour => ({
    extra: '(global $calls (mut i32) (i32.const 200))',
    onRequest: `(global.set $calls (i32.add (global.get $calls) (i32.const 1))) ${reject('(global.get $calls)')}`,
  }),
  trap: (): Behaviour => ({ onRequest: 'unreachable', onResponse: 'unreachable' }),
  spin: (): Behaviour => ({ onRequest: '(loop $l (br $l)) unreachable' }),
  /** OnRequest: spins forever when the request carries header `name`. */
  spinOnHeader: (name: string): Behaviour => ({
    extra: dataString(2048, name),
    onRequest: `(if (call $has_header (local.get $headers) (local.get $headers_len) (i32.const 2048) (i32.const ${name.length}))
      (then (loop $l (br $l)))) ${CONTINUE}`,
  }),
  /** Grows memory until refused, then reject(pages / 4): 256 means exactly 64 MiB. */
  growForever: (): Behaviour => ({
    onRequest: `(block $full (loop $l (br_if $full (i32.eq (memory.grow (i32.const 1)) (i32.const -1))) (br $l)))
      ${reject('(i32.div_u (memory.size) (i32.const 4))')}`,
  }),
} as const;

/** A component of SMG's world with the given behaviour. */
export async function buildComponent(b: Behaviour, salt = 0): Promise<Uint8Array> {
  const { parse, componentEmbed, componentNew } = await jco();
  const core = await parse(moduleWat(b, salt));
  const embedded = await componentEmbed({
    binary: core,
    witSource: SMG_WIT,
    world: 'smg',
    stringEncoding: 'utf8',
  });
  return componentNew(embedded);
}

/** The core module alone (not a component). */
export async function buildCoreModule(salt = 0): Promise<Uint8Array> {
  const { parse } = await jco();
  return parse(moduleWat({}, salt));
}

/**
 * A component importing WASI (`wasi:cli/environment@0.2.0`): OnRequest rejects with
 * 400 + the number of environment variables it sees (400 = the sandbox's empty environment).
 */
export async function buildWasiComponent(): Promise<Uint8Array> {
  const { parse, componentEmbed, componentNew } = await jco();
  const wit = `${SMG_WIT.replace('world smg {', 'world smg-wasi {\n  import wasi:cli/environment@0.2.0;')}
package wasi:cli@0.2.0 {
  interface environment {
    get-environment: func() -> list<tuple<string, string>>;
  }
}
`;
  const wat = moduleWat(
    {
      onRequest: `(call $env (i32.const 128)) ${reject('(i32.add (i32.const 400) (i32.load (i32.const 132)))')}`,
    },
    0,
  ).replace(
    '(module',
    '(module\n  (import "wasi:cli/environment@0.2.0" "get-environment" (func $env (param i32)))',
  );
  const embedded = await componentEmbed({
    binary: await parse(wat),
    witSource: wit,
    world: 'smg-wasi',
    stringEncoding: 'utf8',
  });
  return componentNew(embedded);
}

/** A valid component of another world. */
export async function buildOtherWorld(): Promise<Uint8Array> {
  const { parse, componentEmbed, componentNew } = await jco();
  const core = await parse(`(module (memory (export "memory") 1)
    (func (export "other:thing/api#run") (param i32) (result i32) (local.get 0)))`);
  const embedded = await componentEmbed({
    binary: core,
    witSource: OTHER_WIT,
    world: 'other',
    stringEncoding: 'utf8',
  });
  return componentNew(embedded);
}

/** A fresh temp directory for module files (not under a blocked system prefix). */
export function moduleDir(): string {
  return fs.mkdtempSync(path.join(os.tmpdir(), 'collie-wasm-'));
}

export function writeModule(dir: string, name: string, bytes: Uint8Array): string {
  const p = path.join(dir, name);
  fs.writeFileSync(p, bytes);
  return p;
}
