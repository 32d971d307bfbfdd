import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { createBucketPolicy, fitBoundaries } from '../../../src/policies/bucket';
import { createPrefixHashPolicy } from '../../../src/policies/prefix-hash';
import { createFakeClock, createFleet, createTestDeps, makeWorkers, req } from './fixtures';

describe('bucket', () => {
  test('fitBoundaries gives each bucket about total/n characters', () => {
    const b = fitBoundaries([10, 10, 10, 10, 1000, 1000], 2);
    assert.equal(b.length, 1);
    // the two long requests carry ~all characters: the short ones share the first bucket
    const [cut] = b as [number];
    assert.ok(cut > 10 && cut <= 1001, `cut ${cut}`);
    assert.deepEqual(fitBoundaries([], 3), []);
  });

  test('short and long prompts go to different workers (initial [0, 4096) split)', () => {
    const deps = createTestDeps();
    const clock = createFakeClock();
    const policy = createBucketPolicy(
      { ...deps, clock },
      { balanceAbsThreshold: 1e9, balanceRelThreshold: 1e9, adjustIntervalMs: 1e9 },
    );
    const set = createFleet(makeWorkers(2)).set;
    policy.select(set, req({}, 'x')); // consumes the first refit with too few samples
    assert.equal(policy.select(set, req({}, 'short'))?.id, 'w0');
    assert.equal(policy.select(set, req({}, 'y'.repeat(3000)))?.id, 'w1');
  });

  test('an imbalanced window sends the request to the worker with the fewest characters', () => {
    const deps = createTestDeps();
    const policy = createBucketPolicy(
      { ...deps, clock: createFakeClock() },
      { balanceAbsThreshold: 64, balanceRelThreshold: 1.5, adjustIntervalMs: 1e9 },
    );
    const set = createFleet(makeWorkers(2)).set;
    for (let i = 0; i < 3; i++) policy.select(set, req({}, 'a'.repeat(100))); // all short → w0
    assert.equal(policy.select(set, req({}, 'b'.repeat(10)))?.id, 'w1');
  });
});

describe('prefix_hash', () => {
  test('requests sharing a prompt prefix land on one worker; different prefixes spread', () => {
    const deps = createTestDeps();
    const policy = createPrefixHashPolicy(deps, { prefixTokenCount: 4, loadFactor: 1.25 });
    const set = createFleet(makeWorkers(4)).set;
    const prefix = 'system prompt shared'; // 20 chars > 4 tokens × 4 chars
    const first = policy.select(set, req({}, `${prefix} question one`));
    for (let i = 0; i < 10; i++) {
      assert.equal(policy.select(set, req({}, `${prefix} tail ${i}`)), first);
    }
    const spread = new Set(
      Array.from(
        { length: 50 },
        (_, i) => policy.select(set, req({}, `p${i} xxxxxxxxxxxxxxxxx`))?.id,
      ),
    );
    assert.ok(spread.size > 1);
  });

  test('an overloaded ring pick gives way to the least-loaded worker under the bound', () => {
    const deps = createTestDeps();
    const policy = createPrefixHashPolicy(deps, { prefixTokenCount: 4, loadFactor: 1.25 });
    const set = createFleet(makeWorkers(3)).set;
    const r = req({}, 'the same prefix again');
    const home = policy.select(set, r);
    assert.ok(home);
    deps.loads.set(home.id, 20);
    for (const w of set.available) if (w !== home) deps.loads.set(w.id, w.id === 'w0' ? 1 : 2);
    const moved = policy.select(set, r);
    assert.notEqual(moved, home);
    assert.equal(moved?.id, home.id === 'w0' ? 'w1' : 'w0');
  });
});
