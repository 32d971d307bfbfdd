import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { ExactCache, l0EntryBytes } from '../../../src/tokenizer/cache-l0';
import { PrefixCache, L1_ENTRY_OVERHEAD } from '../../../src/tokenizer/cache-l1';

const u = (...xs: number[]): Uint32Array => Uint32Array.from(xs);

describe('L0 exact cache', () => {
  test('keys on text and flag', () => {
    const c = new ExactCache({ maxEntries: 10 });
    c.set('a', false, u(1));
    c.set('a', true, u(9, 1));
    assert.deepEqual(Array.from(c.get('a', false) ?? []), [1]);
    assert.deepEqual(Array.from(c.get('a', true) ?? []), [9, 1]);
    assert.equal(c.get('b', false), undefined);
    assert.deepEqual(c.stats(), {
      entries: 2,
      bytes: c.stats().bytes,
      hits: 2,
      misses: 1,
      evictions: 0,
    });
  });

  test('never holds more than maxEntries; evicts the least recently used across both flags', () => {
    const c = new ExactCache({ maxEntries: 3 });
    c.set('a', false, u(1));
    c.set('b', true, u(2));
    c.set('c', false, u(3));
    c.get('a', false); // a is now the most recent
    c.set('d', true, u(4)); // evicts b (oldest)
    assert.equal(c.size, 3);
    assert.equal(c.get('b', true), undefined);
    assert.ok(c.get('a', false));
    for (let i = 0; i < 1000; i++) {
      c.set(`k${i}`, i % 2 === 0, u(i));
      assert.ok(c.size <= 3);
    }
    assert.equal(c.stats().evictions, 1 + 1000);
  });

  test('never holds more than maxBytes; an entry larger than the budget is not stored', () => {
    const one = l0EntryBytes('x'.repeat(100), u(1, 2, 3));
    const c = new ExactCache({ maxEntries: 1000, maxBytes: one * 3 });
    for (let i = 0; i < 50; i++) {
      c.set(`${i}`.padStart(100, 'x'), false, u(1, 2, 3));
      assert.ok(c.stats().bytes <= one * 3);
    }
    assert.equal(c.size, 3);
    c.set('y'.repeat(10_000), false, u(1));
    assert.equal(c.get('y'.repeat(10_000), false), undefined);
  });

  test('replacing an entry keeps the accounting exact', () => {
    const c = new ExactCache({ maxEntries: 5 });
    c.set('a', false, u(1, 2, 3, 4));
    c.set('a', false, u(1));
    assert.equal(c.size, 1);
    assert.equal(c.stats().bytes, l0EntryBytes('a', u(1)));
    c.clear();
    assert.deepEqual([c.size, c.stats().bytes], [0, 0]);
  });
});

describe('L1 prefix cache', () => {
  test('entries share one buffer; memory counts it once', () => {
    const c = new PrefixCache({ maxBytes: 1 << 20 });
    const buf = u(1, 2, 3, 4, 5, 6);
    c.insert(buf, [
      { key: 'k2', len: 2 },
      { key: 'k4', len: 4 },
      { key: 'k6', len: 6 },
    ]);
    assert.deepEqual(Array.from(c.get('k4') ?? []), [1, 2, 3, 4]);
    assert.equal(c.stats().bytes, buf.byteLength + 3 * L1_ENTRY_OVERHEAD);
  });

  test('stays under its budget, evicting least recently used; a buffer is freed with its last entry', () => {
    const budget = 4 * 100 + 2 * L1_ENTRY_OVERHEAD + 50;
    const c = new PrefixCache({ maxBytes: budget });
    for (let i = 0; i < 200; i++) {
      c.insert(new Uint32Array(50).fill(i), [
        { key: `a${i}`, len: 10 },
        { key: `b${i}`, len: 50 },
      ]);
      assert.ok(c.stats().bytes <= budget, `after ${i}: ${c.stats().bytes}`);
    }
    assert.ok(c.has('b199'));
    assert.ok(!c.has('a0'));
    c.get('a199');
    c.insert(new Uint32Array(50), [{ key: 'new', len: 50 }]);
    assert.ok(c.has('a199'), 'recently used entry survives');
    assert.ok(c.stats().evictions > 0);
  });

  test('entries that can never fit are dropped instead of flushing the cache', () => {
    const c = new PrefixCache({ maxBytes: 1000 });
    c.insert(u(1, 2), [{ key: 'small', len: 2 }]);
    c.insert(new Uint32Array(10_000), [{ key: 'huge', len: 10_000 }]);
    assert.ok(c.has('small'));
    assert.ok(!c.has('huge'));
    c.insert(new Uint32Array(10_000), [
      { key: 'p', len: 100 },
      { key: 'huge', len: 10_000 },
    ]);
    assert.ok(c.has('p'));
    assert.ok(c.stats().bytes <= 1000);
  });

  test('replacing a key releases the old buffer', () => {
    const c = new PrefixCache({ maxBytes: 1 << 20 });
    c.insert(u(1, 2, 3), [{ key: 'k', len: 3 }]);
    c.insert(u(7), [{ key: 'k', len: 1 }]);
    assert.equal(c.stats().bytes, 4 + L1_ENTRY_OVERHEAD);
    assert.deepEqual(Array.from(c.get('k') ?? []), [7]);
  });
});
