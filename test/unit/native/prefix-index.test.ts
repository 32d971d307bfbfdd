import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import path from 'node:path';
import { describe, test } from 'node:test';
import { Worker } from 'node:worker_threads';
import { loadNative } from '../../../src/native';
import {
  createPrefixIndex,
  createRoutingHasher,
  routingHashes,
  type PrefixIndex,
  type PrefixWorkerMatch,
} from '../../../src/routing/prefix-index';
import { randInt, seededRng, type Rng } from '../../../src/util/rng';
import { createBruteIndex } from './brute-prefix-index';

const root = path.resolve(__dirname, '..', '..', '..', '..');
const native = loadNative();
const BS = 4;

/** Chained hashes of `blocks` blocks; blocks >= shared differ per family. */
function prompt(blocks: number, shared: number, family: number): BigUint64Array {
  const tokens = new Uint32Array(blocks * BS);
  for (let i = 0; i < tokens.length; i++) {
    tokens[i] = i + (Math.floor(i / BS) >= shared ? family << 20 : 0);
  }
  return native.chainedBlockHashes(tokens, BS);
}

const depthOf = (idx: PrefixIndex, model: string, h: BigUint64Array, id: string): number =>
  idx.match(model, h).best.find((m) => m.workerId === id)?.blocks ?? 0;

const heldBy = (idx: PrefixIndex, id: string): number =>
  idx.stats().workers.find((w) => w.workerId === id)?.blocks ?? 0;

void describe('prefix index: C++ core', () => {
  void test('native/test/prefix_index_test passes', () => {
    const bin = path.join(root, 'build', 'Release', 'prefix_index_test');
    const r = spawnSync(bin, { encoding: 'utf8' });
    assert.equal(r.error, undefined, `cannot run ${bin}: ${String(r.error)}`);
    assert.equal(r.status, 0, `${r.stdout}${r.stderr}`);
    assert.match(r.stdout, /all checks passed/);
  });
});

void describe('prefix index: JS wrapper', () => {
  void test('match depths, sorted longest first', () => {
    const idx = createPrefixIndex({ blockSize: BS });
    const a = prompt(10, 10, 0);
    assert.deepEqual(idx.match('m', a), { totalBlocks: 10, best: [] });
    idx.insert('m', 'w-short', a.subarray(0, 6));
    idx.insert('m', 'w-full', a);
    idx.insert('m', 'w-tiny', a.subarray(0, 2));
    assert.deepEqual(idx.match('m', a).best, [
      { workerId: 'w-full', blocks: 10 },
      { workerId: 'w-short', blocks: 6 },
      { workerId: 'w-tiny', blocks: 2 },
    ]);
    assert.deepEqual(idx.match('m', a.subarray(0, 3)), {
      totalBlocks: 3,
      best: [
        { workerId: 'w-short', blocks: 3 }, // ties: first-registered worker first
        { workerId: 'w-full', blocks: 3 },
        { workerId: 'w-tiny', blocks: 2 },
      ],
    });
    assert.deepEqual(idx.match('m', prompt(4, 0, 9)).best, []);
    assert.deepEqual(idx.match('m', new BigUint64Array(0)), { totalBlocks: 0, best: [] });
  });

  void test('shared prefixes between workers are stored once', () => {
    const idx = createPrefixIndex({ blockSize: BS });
    const [p1, p2, p3] = [prompt(8, 5, 1), prompt(8, 5, 2), prompt(8, 5, 3)];
    idx.insert('m', 'a', p1);
    idx.insert('m', 'b', p2);
    assert.deepEqual(
      idx.match('m', p3).best.map((m) => m.blocks),
      [5, 5],
    );
    assert.equal(depthOf(idx, 'm', p1, 'a'), 8);
    assert.equal(depthOf(idx, 'm', p1, 'b'), 5);
    const s = idx.stats();
    assert.equal(s.blocks, 11);
    assert.equal(s.holders, 16);
    idx.insert('m', 'a', p1); // refresh, not duplicate
    assert.equal(idx.stats().holders, 16);
  });

  void test('capacity in tokens, LRU eviction per worker, deepest blocks first', () => {
    const idx = createPrefixIndex({ blockSize: BS });
    idx.setCapacityTokens('w', 6 * BS + 3); // floors to 6 blocks
    const [a, b, c] = [prompt(4, 0, 1), prompt(4, 0, 2), prompt(2, 0, 3)];
    idx.insert('m', 'w', a);
    idx.insert('m', 'w', b);
    assert.equal(heldBy(idx, 'w'), 6);
    assert.equal(depthOf(idx, 'm', a, 'w'), 2);
    assert.equal(depthOf(idx, 'm', b, 'w'), 4);
    idx.insert('m', 'w', a.subarray(0, 1)); // LRU now: a1, b3, b2, b1, b0, a0
    idx.insert('m', 'w', c);
    assert.equal(depthOf(idx, 'm', a, 'w'), 1);
    assert.equal(depthOf(idx, 'm', b, 'w'), 3);
    assert.equal(depthOf(idx, 'm', c, 'w'), 2);
    // Another worker's copy is untouched by w's eviction.
    idx.insert('m', 'other', a);
    idx.insert('m', 'w', prompt(6, 0, 4));
    assert.equal(depthOf(idx, 'm', a, 'w'), 0);
    assert.equal(depthOf(idx, 'm', a, 'other'), 4);
    // Shrinking evicts at once; Infinity lifts the limit.
    idx.setCapacityTokens('w', BS);
    assert.equal(heldBy(idx, 'w'), 1);
    idx.setCapacityTokens('w', Infinity);
    idx.insert('m', 'w', prompt(30, 0, 5));
    assert.equal(heldBy(idx, 'w'), 31);
    assert.equal(idx.stats().workers.find((w) => w.workerId === 'w')?.capacity, Infinity);
  });

  void test('removeWorker forgets everything and the slot is reused cleanly', () => {
    const idx = createPrefixIndex({ blockSize: BS });
    const [a, b] = [prompt(6, 3, 1), prompt(6, 3, 2)];
    idx.setCapacityTokens('gone', 100 * BS);
    idx.insert('m', 'gone', a);
    idx.insert('n', 'gone', b);
    idx.insert('m', 'stay', b);
    assert.equal(idx.removeWorker('gone'), true);
    assert.equal(idx.removeWorker('gone'), false);
    const s = idx.stats();
    assert.equal(s.holders, 6);
    assert.equal(s.blocks, 6);
    assert.deepEqual(
      s.workers.map((w) => w.workerId),
      ['stay'],
    );
    assert.deepEqual(idx.match('n', b).best, []);
    // 'fresh' takes the freed slot but inherits neither blocks nor capacity.
    idx.insert('m', 'fresh', a.subarray(0, 1));
    assert.equal(depthOf(idx, 'm', a, 'fresh'), 1);
    assert.equal(idx.stats().workers.find((w) => w.workerId === 'fresh')?.capacity, Infinity);
  });

  void test('models are separate; clear(model) and clear()', () => {
    const idx = createPrefixIndex({ blockSize: BS });
    const a = prompt(4, 0, 1);
    idx.setCapacityTokens('w', 50 * BS);
    idx.insert('x', 'w', a);
    idx.insert('y', 'w', a.subarray(0, 3));
    idx.insert('y', 'v', a);
    assert.equal(depthOf(idx, 'x', a, 'v'), 0);
    assert.equal(depthOf(idx, 'y', a, 'w'), 3);
    assert.equal(idx.stats().models, 2);
    idx.clear('y');
    assert.deepEqual(idx.match('y', a).best, []);
    assert.equal(depthOf(idx, 'x', a, 'w'), 4);
    assert.equal(heldBy(idx, 'w'), 4);
    idx.clear();
    const s = idx.stats();
    assert.deepEqual([s.models, s.blocks, s.holders], [0, 0, 0]);
    assert.deepEqual(s.workers, [{ workerId: 'w', blocks: 0, capacity: 50 }]);
  });

  void test('the native text hasher equals routingHashes, reuses its buffer and grows it', () => {
    const hasher = createRoutingHasher(BS);
    const texts = [
      '',
      'short',
      'exactly sixteen!',
      'héllo wörld — ünïcode ✓ 日本語 🦙 '.repeat(40),
      'lone \ud800 surrogate and \udfff halves',
      'x'.repeat(200_000), // larger than the hasher's initial buffer
    ];
    for (const t of texts) {
      assert.deepEqual([...hasher(t)], [...routingHashes(t, BS)], `text of ${t.length} chars`);
    }
    const a = hasher('a'.repeat(64));
    const first = a[0];
    hasher('b'.repeat(64));
    assert.notEqual(a[0], first, 'the result is a view of a reused buffer');
    const out = new BigUint64Array(2);
    assert.equal(native.textBlockHashesInto('z'.repeat(64), BS, 1n, out), 4); // 64 bytes / 16
    assert.deepEqual(
      [...out],
      [...native.chainedBlockHashes(new Uint32Array(16).fill(0x7a7a7a7a), BS, 1n)].slice(0, 2),
    );
    assert.throws(() => native.textBlockHashesInto('x', 0, 1n, out), RangeError);
    assert.throws(() => native.textBlockHashesInto(1 as unknown as string, 4, 1n, out), TypeError);
  });

  void test('argument errors are TypeErrors with precise messages', () => {
    const idx = createPrefixIndex({ blockSize: BS });
    const h = prompt(2, 0, 1);
    const bad = (fn: () => unknown, msg: RegExp): void => {
      assert.throws(fn, (e: unknown) => e instanceof TypeError && msg.test(e.message));
    };
    bad(() => createPrefixIndex({ blockSize: 0 }), /blockSize must be an integer >= 1/);
    bad(() => idx.match(1 as unknown as string, h), /match: model must be a string/);
    bad(() => idx.match('m', [1n] as unknown as BigUint64Array), /hashes must be a BigUint64Array/);
    bad(() => idx.insert('m', '', h), /insert: workerId must be a non-empty string/);
    bad(() => idx.setCapacityTokens('w', -1), /tokens must be a number >= 0/);
    bad(() => idx.setCapacityTokens('w', NaN), /tokens must be a number >= 0/);
    bad(() => idx.clear(3 as unknown as string), /clear: model must be a string/);
    bad(() => routingHashes('x', 1.5), /blockSize must be an integer >= 1/);
    bad(() => routingHashes(3 as unknown as string, 4), /text must be a string/);
    bad(() => createRoutingHasher(0), /blockSize must be an integer >= 1/);

    const raw = new native.PrefixIndex();
    bad(
      () => raw.match('m', new BigInt64Array(1) as unknown as BigUint64Array),
      /^match\(.*hashes must be a BigUint64Array$/,
    );
    bad(() => raw.insert('m', 65536, h, 1), /worker must be an integer in \[0, 65535\]$/);
    bad(() => raw.insert('m', 1.5, h, 1), /worker must be an integer/);
    bad(() => raw.insert('m', 0, h, -1), /tick must be an integer in \[0, 9007199254740991\]$/);
    bad(() => raw.setCapacity(0, NaN), /blocks must be an integer .* or Infinity$/);
    bad(
      () => raw.removeWorker('0' as unknown as number),
      /^removeWorker\(worker: number\): worker/,
    );
    bad(
      () => raw.clear(null as unknown as string),
      /^clear\(model\?: string\): model must be a string$/,
    );
    bad(
      () => raw.matchInto('m', h, new Int32Array(2) as unknown as Uint32Array),
      /out must be a Uint32Array$/,
    );
    const call = Reflect.apply.bind(Reflect) as (f: unknown, t: unknown, a: unknown[]) => unknown;
    bad(() => call(native.PrefixIndex, undefined, []), /without 'new'/);
    assert.equal(raw.stats().holders, 0); // failed calls changed nothing
  });

  void test('many holders: matchInto output grows; raw match and matchInto agree', () => {
    const idx = createPrefixIndex({ blockSize: BS });
    const raw = new native.PrefixIndex();
    const a = prompt(5, 5, 0);
    for (let w = 0; w < 100; w++) {
      idx.insert('m', `w${w}`, a.subarray(0, 1 + (w % 5)));
      raw.insert('m', w, a.subarray(0, 1 + (w % 5)), w + 1);
    }
    const best = idx.match('m', a).best;
    assert.equal(best.length, 100);
    assert.deepEqual(best.slice(0, 3), [
      { workerId: 'w4', blocks: 5 },
      { workerId: 'w9', blocks: 5 },
      { workerId: 'w14', blocks: 5 },
    ]);
    const r = raw.match('m', a);
    assert.equal(r.total, 5);
    const out = new Uint32Array(8);
    assert.equal(raw.matchInto('m', a, out), 100); // only 4 pairs fit; the count is exact
    assert.deepEqual([...out], [4, 5, 9, 5, 14, 5, 19, 5]);
    assert.deepEqual(
      [...r.workers].map((w, i) => ({ workerId: `w${w}`, blocks: r.lengths[i] })),
      best,
    );
    // a limit keeps that many of the longest, and the count says how many were kept
    const two = idx.match('m', a, 2).best;
    assert.equal(two.length, 2);
    assert.ok(two.every((m) => m.blocks === 5));
    assert.equal(raw.matchInto('m', a, out, 3), 3);
    assert.deepEqual([out[1], out[3], out[5]], [5, 5, 5]);
    assert.deepEqual(idx.match('m', a, 1000).best, best);
    assert.throws(() => raw.matchInto('m', a, out, 0), /limit must be an integer >= 1/);
    assert.throws(() => raw.matchInto('m', a, out, 1.5), TypeError);
  });

  void test('loads and works in worker threads (context-aware addon)', async () => {
    const modulePath = path.join(root, 'dist', 'src', 'routing', 'prefix-index.js');
    const code = `
      const { parentPort, workerData } = require('node:worker_threads');
      const { createPrefixIndex, routingHashes } = require(workerData.modulePath);
      const idx = createPrefixIndex({ blockSize: 4 });
      const text = 'You are a helpful assistant. '.repeat(20);
      idx.insert('m', 'w' + workerData.n, routingHashes(text, 4));
      const r = idx.match('m', routingHashes(text + 'and more', 4));
      parentPort.postMessage({ best: r.best, total: r.totalBlocks, holders: idx.stats().holders });
    `;
    const run = (n: number): Promise<unknown> =>
      new Promise((resolve, reject) => {
        const w = new Worker(code, { eval: true, workerData: { modulePath, n } });
        w.once('message', resolve);
        w.once('error', reject);
      });
    const results = await Promise.all([run(1), run(2), run(3)]);
    const blocks = Math.floor(('You are a helpful assistant. '.length * 20) / 16);
    results.forEach((r, i) => {
      assert.deepEqual(r, {
        best: [{ workerId: `w${i + 1}`, blocks }],
        total: Math.floor(('You are a helpful assistant. '.length * 20 + 8) / 16),
        holders: blocks,
      });
    });
    // The main thread's instances are unaffected by the workers' (now torn down) ones.
    const idx = createPrefixIndex({ blockSize: BS });
    idx.insert('m', 'main', prompt(3, 0, 1));
    assert.equal(idx.stats().holders, 3);
  });
});

void describe('routingHashes', () => {
  void test('a prompt that extends another shares all its full blocks', () => {
    const base = 'System: you are terse. User: hello there, how are you today?';
    const h1 = routingHashes(base, 2);
    const h2 = routingHashes(base + ' And tomorrow?', 2);
    assert.equal(h1.length, Math.floor(Buffer.byteLength(base) / 8));
    assert.deepEqual([...h2.subarray(0, h1.length)], [...h1]);
    assert.notEqual(routingHashes('X' + base, 2)[0], h1[0]);
  });

  void test('UTF-8 bytes, 4 per pseudo-token, deterministic', () => {
    const text = 'héllo wörld — 你好，世界 🌍'.repeat(3);
    const bytes = Buffer.from(text, 'utf8');
    const a = routingHashes(text, 3);
    assert.equal(a.length, Math.floor(bytes.length / 12));
    assert.deepEqual(a, routingHashes(text, 3));
    assert.deepEqual(routingHashes('abc', 1), new BigUint64Array(0)); // < one block
    const hasher = createRoutingHasher(3);
    assert.deepEqual(hasher(text), a);
    assert.deepEqual(hasher('x'.repeat(5000) + text), routingHashes('x'.repeat(5000) + text, 3));
    assert.deepEqual(hasher(text), a); // after the scratch buffer grew
    // The first block only depends on the first 4·blockSize bytes.
    assert.equal(routingHashes('abcdefgh-suffix-1', 2)[0], routingHashes('abcdefgh-2', 2)[0]);
  });
});

function sortMatches(best: readonly PrefixWorkerMatch[]): PrefixWorkerMatch[] {
  return [...best].sort((x, y) => y.blocks - x.blocks || (x.workerId < y.workerId ? -1 : 1));
}

function randomPrompt(rng: Rng): BigUint64Array {
  return prompt(1 + randInt(rng, 20), randInt(rng, 10), randInt(rng, 12));
}

void describe('prefix index: randomized against a brute-force model', () => {
  for (const seed of [1, 2, 3, 42]) {
    void test(`seed ${seed}`, () => {
      const rng = seededRng(seed);
      const idx = createPrefixIndex({ blockSize: BS });
      const brute = createBruteIndex();
      const workers = Array.from({ length: 6 }, (_, i) => `w${i}`);
      const models = ['m0', 'm1'];
      const pick = <T>(xs: readonly T[]): T => xs[randInt(rng, xs.length)] as T;
      for (let step = 0; step < 3000; step++) {
        const op = rng();
        const model = pick(models);
        const worker = pick(workers);
        if (op < 0.7) {
          const h = randomPrompt(rng);
          idx.insert(model, worker, h);
          brute.insert(model, worker, h);
        } else if (op < 0.85) {
          const tokens = rng() < 0.1 ? Infinity : randInt(rng, 60 * BS);
          idx.setCapacityTokens(worker, tokens);
          brute.setCapacity(worker, tokens === Infinity ? Infinity : Math.floor(tokens / BS));
        } else if (op < 0.95) {
          assert.equal(idx.removeWorker(worker), brute.removeWorker(worker));
        } else if (op < 0.99) {
          idx.clear(model);
          brute.clear(model);
        } else {
          idx.clear();
          brute.clear();
        }
        const q = randomPrompt(rng);
        const got = idx.match(model, q);
        assert.equal(got.totalBlocks, q.length);
        assert.deepEqual(sortMatches(got.best), brute.match(model, q), `step ${step}`);
        if (step % 100 === 0) {
          const s = idx.stats();
          const b = brute.stats();
          assert.equal(s.holders, b.holders);
          assert.equal(s.blocks, b.blocks);
          for (const w of workers) assert.equal(heldBy(idx, w), b.held.get(w) ?? 0, w);
        }
      }
    });
  }
});
