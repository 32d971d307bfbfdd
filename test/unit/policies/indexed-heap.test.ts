import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { createIndexedHeap } from '../../../src/policies/indexed-heap';
import { randInt, seededRng } from '../../../src/util/rng';

interface Item {
  readonly id: string;
  readonly rank: number;
}

const items = (n: number): Item[] =>
  Array.from({ length: n }, (_, i) => ({ id: `i${i}`, rank: i }));

/** Brute force: smallest key, then smallest tie rank (build position, then push order). */
function argmin(keys: Map<string, number>, ranks: Map<string, number>): string | undefined {
  let best: string | undefined;
  for (const [id, k] of keys) {
    if (best === undefined) {
      best = id;
      continue;
    }
    const bk = keys.get(best) as number;
    if (k < bk || (k === bk && (ranks.get(id) as number) < (ranks.get(best) as number))) best = id;
  }
  return best;
}

void describe('indexed heap', () => {
  void test('empty heap', () => {
    const heap = createIndexedHeap<Item>((it) => it.id);
    assert.equal(heap.size, 0);
    assert.equal(heap.peek(), undefined);
    assert.equal(heap.pop(), undefined);
    assert.equal(heap.update('x', 1), false);
    assert.equal(heap.delete('x'), false);
  });

  void test('build then pop yields keys in order, ties in build order', () => {
    const heap = createIndexedHeap<Item>((it) => it.id);
    const pool = items(50);
    heap.build(pool, (it) => it.rank % 5);
    const popped: Item[] = [];
    for (let it = heap.pop(); it; it = heap.pop()) popped.push(it);
    const expected = [...pool].sort((a, b) => (a.rank % 5) - (b.rank % 5) || a.rank - b.rank);
    assert.deepEqual(popped, expected);
  });

  void test('push after build ties after existing items; push of a known id re-keys it', () => {
    const heap = createIndexedHeap<Item>((it) => it.id);
    const [a, b, c] = items(3) as [Item, Item, Item];
    heap.build([b], () => 1);
    heap.push(a, 1);
    assert.equal(heap.peek(), b);
    heap.push(c, 0);
    assert.equal(heap.peek(), c);
    heap.push(c, 5);
    assert.equal(heap.peek(), b);
    assert.equal(heap.size, 3);
    assert.equal(heap.keyOf('i2'), 5);
  });

  void test('matches brute-force argmin over many random operations', () => {
    const rng = seededRng(7);
    const pool = items(64);
    const heap = createIndexedHeap<Item>((it) => it.id);
    const keys = new Map<string, number>();
    const ranks = new Map<string, number>();
    const initial = pool.slice(0, 40);
    initial.forEach((it, i) => {
      keys.set(it.id, randInt(rng, 20));
      ranks.set(it.id, i);
    });
    heap.build(initial, (it) => keys.get(it.id) as number);
    let nextRank = initial.length;
    for (let step = 0; step < 20_000; step++) {
      const it = pool[randInt(rng, pool.length)] as Item;
      const op = randInt(rng, 10);
      const key = randInt(rng, 20);
      if (op < 7) {
        const known = heap.update(it.id, key);
        assert.equal(known, keys.has(it.id));
        if (known) keys.set(it.id, key);
      } else if (op < 8) {
        assert.equal(heap.delete(it.id), keys.delete(it.id));
        ranks.delete(it.id);
      } else if (!keys.has(it.id)) {
        heap.push(it, key);
        keys.set(it.id, key);
        ranks.set(it.id, nextRank++);
      }
      assert.equal(heap.size, keys.size);
      assert.equal(heap.peek()?.id, argmin(keys, ranks));
    }
    // Draining must come out sorted by (key, rank): the heap property held throughout.
    let prev: [number, number] = [-1, -1];
    for (let it = heap.pop(); it; it = heap.pop()) {
      const cur: [number, number] = [keys.get(it.id) as number, ranks.get(it.id) as number];
      assert.ok(cur[0] > prev[0] || (cur[0] === prev[0] && cur[1] > prev[1]));
      prev = cur;
    }
  });
});
