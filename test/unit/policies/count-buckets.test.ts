import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { createCountBuckets } from '../../../src/policies/count-buckets';
import { randInt, seededRng } from '../../../src/util/rng';

void describe('count buckets', () => {
  void test('empty structure picks nothing', () => {
    const buckets = createCountBuckets<string>((s) => s);
    buckets.build([], () => 0);
    assert.equal(buckets.pickMin(seededRng(1)), undefined);
  });

  void test('pickMin always returns an item with the lowest count (random ops vs brute force)', () => {
    const rng = seededRng(99);
    const ids = Array.from({ length: 12 }, (_, i) => `w${i}`);
    const counts = new Map(ids.map((id) => [id, randInt(rng, 4)]));
    const buckets = createCountBuckets<string>((s) => s);
    buckets.build(ids, (id) => counts.get(id) ?? 0);
    for (let step = 0; step < 20_000; step++) {
      const id = ids[randInt(rng, ids.length)] as string;
      const c = counts.get(id) ?? 0;
      if (randInt(rng, 2) === 0) {
        buckets.increment(id);
        counts.set(id, c + 1);
      } else if (c > 0) {
        buckets.decrement(id);
        counts.set(id, c - 1);
      }
      buckets.increment('unknown'); // ignored
      const min = Math.min(...counts.values());
      const pick = buckets.pickMin(rng);
      assert.ok(pick !== undefined);
      assert.equal(counts.get(pick), min, `step ${step}`);
      assert.equal(buckets.countOf(pick), min);
    }
  });

  void test('ties are broken at random', () => {
    const buckets = createCountBuckets<string>((s) => s);
    buckets.build(['a', 'b', 'c', 'd'], (id) => (id === 'd' ? 1 : 0));
    const rng = seededRng(4);
    const seen = new Set(Array.from({ length: 200 }, () => buckets.pickMin(rng)));
    assert.deepEqual([...seen].sort(), ['a', 'b', 'c']);
  });
});
