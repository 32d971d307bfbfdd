import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import {
  createCacheAwarePolicy,
  DEFAULT_CACHE_AWARE,
  DIVERT_FACTOR,
} from '../../../src/policies/cache-aware';
import type { Policy, RequestInfo, RoutingDecision } from '../../../src/policies/types';
import { createFleet, createTestDeps, makeWorkers } from './fixtures';
import { createFakePrefix } from './fake-prefix';

/** A request whose decision (the value decide() returns) is collected into `seen`. */
interface SeenRequest extends RequestInfo {
  readonly seen: RoutingDecision[];
}

function request(text: string, seen: RoutingDecision[] = []): SeenRequest {
  return { header: () => undefined, routingText: text, seen };
}

/** select() through decide(), so tests see the decision value. */
function explained(policy: Policy): Policy {
  return {
    ...policy,
    select(set, req) {
      const c = policy.decide?.(set, req);
      if (c) (req as SeenRequest).seen.push(c.decision);
      return c?.worker;
    },
  };
}

const SYSTEM = 'You are a helpful assistant. Answer briefly and precisely. ';

function setup(mode: 'collie' | 'smg' = 'collie', n = 4) {
  const deps = createTestDeps(7);
  const prefix = createFakePrefix(4);
  const fleet = createFleet(makeWorkers(n));
  const policy = explained(
    createCacheAwarePolicy({ ...deps, prefix }, { ...DEFAULT_CACHE_AWARE, mode }),
  );
  policy.onWorkersChanged?.(fleet.set);
  const setLoad = (id: string, v: number): void => {
    deps.loads.set(id, v);
    policy.onLoadChanged?.(id, v);
  };
  return { deps, prefix, fleet, policy, setLoad };
}

describe('cache_aware', () => {
  test('a repeated or extended prompt goes back to the worker that holds its prefix', () => {
    const { policy, fleet } = setup();
    const first = policy.select(fleet.set, request(SYSTEM + 'question one'));
    const seen: RoutingDecision[] = [];
    const again = policy.select(
      fleet.set,
      request(SYSTEM + 'question one, and a follow-up turn', seen),
    );
    assert.equal(again?.id, first?.id);
    assert.equal(seen[0]?.reason, 'hit');
    assert.ok((seen[0]?.matchedBlocks ?? 0) > 0);
  });

  test('a miss goes to the least-loaded worker, never simply the first one', () => {
    const { policy, fleet, setLoad } = setup();
    setLoad('w0', 5);
    setLoad('w1', 3);
    setLoad('w2', 0);
    setLoad('w3', 4);
    const seen: RoutingDecision[] = [];
    assert.equal(policy.select(fleet.set, request('completely new prompt text', seen))?.id, 'w2');
    assert.equal(seen[0]?.reason, 'miss');
  });

  test('collie: among workers holding the same prefix, the least loaded wins; smg: the first holder', () => {
    for (const mode of ['collie', 'smg'] as const) {
      const { policy, fleet, setLoad, prefix } = setup(mode);
      const hashes = prefix.hashes(SYSTEM);
      prefix.record(fleet.set.model, 'w0', hashes);
      prefix.record(fleet.set.model, 'w1', hashes);
      prefix.record(fleet.set.model, 'w2', hashes);
      setLoad('w0', 9);
      setLoad('w1', 1);
      setLoad('w2', 5);
      setLoad('w3', 0);
      const picked = policy.select(fleet.set, request(SYSTEM + 'x'))?.id;
      if (mode === 'collie') assert.equal(picked, 'w1');
      else assert.equal(picked, 'w0');
    }
  });

  test('collie: a holder busy prefilling others loses the request only when waiting costs more than re-prefilling', () => {
    const { policy, fleet, deps, prefix } = setup('collie');
    const text = SYSTEM.repeat(8); // the fake index cuts blocks of 4 characters
    const total = prefix.hashes(text + 'q?').length;
    prefix.record(fleet.set.model, 'w0', prefix.hashes(text));
    // moving re-prefills `total` blocks elsewhere; the holder keeps the request while its
    // queue is at most that plus DIVERT_FACTOR times the extra work
    const limit = (1 + DIVERT_FACTOR) * total;
    for (const queued of [total, limit]) {
      deps.loads.setPending('w0', queued);
      const seen: RoutingDecision[] = [];
      assert.equal(policy.select(fleet.set, request(text + 'q?', seen))?.id, 'w0');
      assert.equal(seen[0]?.reason, 'hit');
    }
    // a longer queue: the saved wait exceeds DIVERT_FACTOR times the extra prefill, go elsewhere
    deps.loads.setPending('w0', limit + 1);
    const moved: RoutingDecision[] = [];
    const w = policy.select(fleet.set, request(text + 'q!', moved))?.id;
    assert.notEqual(w, 'w0');
    assert.equal(moved[0]?.reason, 'imbalance');
    // smg mode never looks at the queue
    const smg = setup('smg');
    smg.prefix.record(smg.fleet.set.model, 'w0', smg.prefix.hashes(text));
    smg.deps.loads.setPending('w0', 100 * total);
    assert.equal(smg.policy.select(smg.fleet.set, request(text + 'q!'))?.id, 'w0');
  });

  test('collie: a conversation moves to a holder of a shorter prefix only when its queue costs more than the re-prefill', () => {
    const { policy, fleet, deps, prefix } = setup('collie');
    const system = SYSTEM.repeat(4);
    const history = system + ' and the conversation so far, turn after turn.'.repeat(4);
    prefix.record(fleet.set.model, 'w1', prefix.hashes(system)); // a second holder of the system prompt
    prefix.record(fleet.set.model, 'w0', prefix.hashes(history)); // the holder of this history
    const lacks = prefix.hashes(history).length - prefix.hashes(system).length;
    const ask = (): string | undefined => policy.select(fleet.set, request(history + '?'))?.id;
    deps.loads.setPending('w0', (1 + DIVERT_FACTOR) * lacks);
    assert.equal(ask(), 'w0'); // waiting there still beats re-prefilling the history on w1
    deps.loads.setPending('w0', (1 + DIVERT_FACTOR) * lacks + 1);
    assert.equal(ask(), 'w1');
  });

  test('collie: a miss avoids a worker that is busy prefilling at equal in-flight load', () => {
    const { policy, fleet, deps } = setup('collie', 2);
    deps.loads.setPending('w0', 50);
    for (let i = 0; i < 20; i++) {
      assert.equal(policy.select(fleet.set, request(`brand new prompt ${i}`))?.id, 'w1');
    }
  });

  test('imbalance: collie keeps affinity for a holder near the minimum load, else goes to the minimum', () => {
    const { policy, fleet, setLoad, prefix } = setup('collie');
    prefix.record(fleet.set.model, 'w1', prefix.hashes(SYSTEM));
    setLoad('w0', 200); // max 200 > 1.5 × min and max − min > 64 → imbalanced
    setLoad('w1', 40);
    setLoad('w2', 0);
    setLoad('w3', 150);
    const seen: RoutingDecision[] = [];
    assert.equal(policy.select(fleet.set, request(SYSTEM + 'y', seen))?.id, 'w1');
    assert.equal(seen[0]?.reason, 'sticky');
    setLoad('w1', 120); // now outside min + 64
    const seen2: RoutingDecision[] = [];
    assert.equal(policy.select(fleet.set, request(SYSTEM + 'z', seen2))?.id, 'w2');
    assert.equal(seen2[0]?.reason, 'imbalance');
  });

  test('smg mode drops affinity entirely when imbalanced', () => {
    const { policy, fleet, setLoad, prefix } = setup('smg');
    prefix.record(fleet.set.model, 'w1', prefix.hashes(SYSTEM));
    setLoad('w0', 200);
    setLoad('w1', 40);
    setLoad('w2', 0);
    setLoad('w3', 150);
    assert.equal(policy.select(fleet.set, request(SYSTEM + 'y'))?.id, 'w2');
  });

  test('a holder that became unavailable is never chosen', () => {
    const { policy, fleet, prefix } = setup();
    prefix.record(fleet.set.model, 'w3', prefix.hashes(SYSTEM));
    const without = fleet.remove('w3');
    policy.onWorkersChanged?.(without);
    const seen: RoutingDecision[] = [];
    const w = policy.select(without, request(SYSTEM + 'q', seen));
    assert.notEqual(w?.id, 'w3');
    assert.equal(seen[0]?.reason, 'miss');
  });

  test('every decision is recorded in the index (match and insert in one step)', () => {
    const { policy, fleet, prefix } = setup();
    policy.select(fleet.set, request(SYSTEM));
    assert.equal(prefix.recorded.length, 1);
    assert.equal(prefix.recorded[0]?.blocks, Math.floor(SYSTEM.length / 4));
  });
});
