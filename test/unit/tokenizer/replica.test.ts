import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  TokenizerReplica,
  type TokenizerRecord,
  type TokenizerSnapshot,
} from '../../../src/tokenizer/replica';
import type { Tokenizer } from '../../../src/tokenizer/tokenizer';
import { silentLogger } from '../../../src/util/logger';

const rec = (name: string, file = `/t/${name}.json`): TokenizerRecord => ({
  id: `id-${name}`,
  name,
  source: file,
  file,
  vocab_size: 10,
});

/** A primary stand-in: snapshots on demand, long-polls that wait for set(). */
function fakePrimary() {
  let snap: TokenizerSnapshot = { version: 1, value: [] };
  let waiters: Array<(s: TokenizerSnapshot) => void> = [];
  let fetches = 0;
  return {
    get fetches() {
      return fetches;
    },
    set(tokenizers: TokenizerRecord[], notify = true) {
      snap = { version: snap.version + 1, value: tokenizers };
      if (!notify) return;
      const ws = waiters;
      waiters = [];
      for (const w of ws) w(snap);
    },
    watch(since: number): Promise<TokenizerSnapshot> {
      if (snap.version > since) return Promise.resolve(snap);
      return new Promise((r) => waiters.push(r));
    },
    fetch(): Promise<TokenizerSnapshot> {
      fetches++;
      return Promise.resolve(snap);
    },
    release() {
      for (const w of waiters) w(snap);
      waiters = [];
    },
  };
}

interface FakeTok {
  file: string;
  closed: boolean;
  close(): Promise<void>;
}

function loader() {
  const loads: string[] = [];
  const gates = new Map<string, () => void>();
  const made: FakeTok[] = [];
  return {
    loads,
    made,
    /** Loads of files in `slow` wait for open(file). */
    slow: new Set<string>(),
    open(file: string) {
      gates.get(file)?.();
    },
    load(this: { slow: Set<string> }, file: string): Promise<Tokenizer> {
      loads.push(file);
      if (file.includes('broken')) return Promise.reject(new Error('parse error at offset 3'));
      const t: FakeTok = {
        file,
        closed: false,
        close() {
          this.closed = true;
          return Promise.resolve();
        },
      };
      made.push(t);
      if (!this.slow.has(file)) return Promise.resolve(t as unknown as Tokenizer);
      return new Promise((r) => gates.set(file, () => r(t as unknown as Tokenizer)));
    },
  };
}

function replicaOf(p: ReturnType<typeof fakePrimary>, l: ReturnType<typeof loader>) {
  return new TokenizerReplica({
    watch: (s) => p.watch(s),
    fetch: () => p.fetch(),
    load: (f) => l.load(f),
    logger: silentLogger(),
    closeDelayMs: 0,
  });
}

const tick = (): Promise<void> => new Promise((r) => setImmediate(r));

test('SMG lookup rules: name, then id; "" and "unknown" pick the first by name; not-found messages', async () => {
  const p = fakePrimary();
  const l = loader();
  const r = replicaOf(p, l);
  const empty = await r.lookup('x');
  assert.deepEqual(empty, {
    kind: 'not_found',
    message: 'No tokenizers available. Use POST /v1/tokenizers to add one.',
  });
  p.set([rec('zeta'), rec('alpha')]);
  await tick();
  const byName = await r.lookup('zeta');
  assert.equal(byName.kind === 'found' && byName.record.name, 'zeta');
  const byId = await r.lookup('id-alpha');
  assert.equal(byId.kind === 'found' && byId.record.name, 'alpha');
  for (const m of ['', 'unknown']) {
    const first = await r.lookup(m);
    assert.equal(first.kind === 'found' && first.record.name, 'alpha');
  }
  assert.deepEqual(await r.lookup('gpt'), {
    kind: 'not_found',
    message: "Tokenizer for model 'gpt' not found. Available: alpha, zeta",
  });
  p.release();
  await r.close();
});

test('a lookup that misses asks the primary first (a registration not yet pushed is found)', async () => {
  const p = fakePrimary();
  const l = loader();
  const r = replicaOf(p, l);
  await tick();
  p.set([rec('late')], false); // the primary knows, the push has not arrived
  const found = await r.lookup('late');
  assert.equal(found.kind, 'found');
  assert.equal(p.fetches, 1);
  p.release();
  await r.close();
});

test('a lookup of a tokenizer still loading waits for the load', async () => {
  const p = fakePrimary();
  const l = loader();
  l.slow.add('/t/big.json');
  const r = replicaOf(p, l);
  p.set([rec('big')]);
  await tick();
  let done = false;
  const pending = r.lookup('big').then((x) => {
    done = true;
    return x;
  });
  await tick();
  assert.equal(done, false);
  l.open('/t/big.json');
  assert.equal((await pending).kind, 'found');
  p.release();
  await r.close();
});

test('records sharing a file share one load; removal closes it; a failed load is retried', async () => {
  const p = fakePrimary();
  const l = loader();
  const r = replicaOf(p, l);
  p.set([rec('a', '/t/shared.json'), rec('b', '/t/shared.json'), rec('bad', '/t/broken.json')]);
  await tick();
  await r.ready();
  assert.deepEqual(l.loads, ['/t/shared.json', '/t/broken.json']);
  await assert.rejects(r.lookup('bad'), /parse error at offset 3/);
  assert.equal(l.loads.filter((f) => f === '/t/broken.json').length, 2, 'retried on lookup');
  p.set([rec('b', '/t/shared.json')]);
  await tick();
  assert.equal(l.made[0]?.closed, false, 'still used by b');
  p.set([]);
  await tick();
  await new Promise((res) => setTimeout(res, 5));
  assert.equal(l.made[0]?.closed, true);
  p.release();
  await r.close();
});

test('close() closes every loaded tokenizer', async () => {
  const p = fakePrimary();
  const l = loader();
  const r = replicaOf(p, l);
  p.set([rec('a'), rec('b')]);
  await tick();
  await r.ready();
  p.release();
  await r.close();
  assert.deepEqual(
    l.made.map((t) => t.closed),
    [true, true],
  );
  await assert.rejects(r.lookup('a'), /closed/);
});
