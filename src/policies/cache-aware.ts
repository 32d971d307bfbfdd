import type { Worker, WorkerSet } from '../core/worker';
import { createIndexedHeap } from './indexed-heap';
import { createSetTracker, indexAvailable } from './set-tracker';
import type {
  CacheAwareOptions,
  Choice,
  Policy,
  PolicyDeps,
  PrefixLookup,
  RequestInfo,
  RoutingDecision,
} from './types';
import { randInt } from '../util/rng';

/**
 * A conversation leaves the holder of its deepest prefix only when the wait it saves exceeds
 * this many times the extra prefill the move causes. Measured (bench:routing, 120 req/s on 4
 * engines, 3 seeds): 2 cut TTFT p99 6× vs SMG mode but cost ~0.6 points of hit ratio (the
 * duplicated prefixes crowd the engines' KV); 4 keeps SMG's hit ratio at ~4× lower TTFT p99.
 */
export const DIVERT_FACTOR = 4;

export const DEFAULT_CACHE_AWARE: CacheAwareOptions = {
  cacheThreshold: 0.3,
  balanceAbsThreshold: 64,
  balanceRelThreshold: 1.5,
  mode: 'collie',
};

/**
 * cache_aware: send a request to a worker that likely holds its prompt prefix in KV cache,
 * unless that would overload it (SMG §1.1). Loads are cluster-wide in-flight counts kept in
 * a min-heap and a max-heap (O(log W) updates, O(1) reads); the prefix match comes from the
 * shared block index (O(blocks), at most MAX_MATCHED_HOLDERS holders weighed). collie mode
 * fixes SMG's known defects:
 *  - among the workers holding the longest prefix, the least-loaded one wins (SMG takes
 *    whichever tenant is cached at the node);
 *  - when imbalanced, affinity is kept for holders within min-load + abs threshold instead of
 *    dropped outright;
 *  - a stale or unavailable holder never falls back to "the first healthy worker".
 *  - a hit is priced, not taken blindly: each candidate (the holders of a qualifying prefix and
 *    the miss target) costs the blocks it would have to prefill plus the prefill work already
 *    queued there (predicted uncached blocks of requests not yet past their first byte,
 *    cluster-wide: loads.pendingBlocks) plus DIVERT_FACTOR × the blocks it lacks against the
 *    deepest holder, so a holder busy prefilling others is weighed against re-prefilling
 *    elsewhere and a popular prefix gets a second holder instead of one engine queueing it all.
 * smg mode reproduces SMG's choices for comparison benchmarks.
 */
export function createCacheAwarePolicy(
  deps: PolicyDeps,
  opts: CacheAwareOptions = DEFAULT_CACHE_AWARE,
): Policy {
  const prefix = deps.prefix;
  if (!prefix) throw new Error('cache_aware needs the prefix index');
  const minHeap = createIndexedHeap<Worker>((w) => w.id);
  const maxHeap = createIndexedHeap<Worker>((w) => w.id);
  let byId = new Map<string, Worker>();
  const queued = (id: string): number => deps.loads.pendingBlocks?.(id) ?? 0;
  const load = (id: string): number => {
    const v = deps.loads.get(id);
    return Number.isFinite(v) ? v : 0;
  };
  const tracker = createSetTracker((set: WorkerSet) => {
    minHeap.build(set.available, (w) => load(w.id));
    maxHeap.build(set.available, (w) => -load(w.id));
    byId = indexAvailable(set);
  });

  function imbalanced(): boolean {
    const lo = minHeap.peek();
    const hi = maxHeap.peek();
    if (!lo || !hi) return false;
    const min = load(lo.id);
    const max = load(hi.id);
    return max - min > opts.balanceAbsThreshold && max > opts.balanceRelThreshold * min;
  }

  /**
   * Where a miss goes: of the least-loaded worker and three random ones, the one with the least
   * prefill work queued (a miss waits behind it), then the least loaded, then the one caching
   * the least, so new prefixes spread instead of piling onto the first worker at low load
   * (SMG's "all on worker 0" collapse) or onto an engine busy prefilling. O(1).
   */
  function missTarget(set: WorkerSet, minWorker: Worker): Worker {
    const n = set.available.length;
    const held = (id: string): number => prefix!.heldBlocks?.(id) ?? 0;
    let best = minWorker;
    for (let i = 0; i < 3; i++) {
      const c = set.available[randInt(deps.rng, n)];
      if (!c || c === best) continue;
      const dq = queued(c.id) - queued(best.id);
      const dl = load(c.id) - load(best.id);
      if (dq < 0 || (dq === 0 && (dl < 0 || (dl === 0 && held(c.id) < held(best.id))))) best = c;
    }
    return best;
  }

  function choose(set: WorkerSet, lookup: PrefixLookup): Choice | undefined {
    const heapMin = minHeap.peek();
    if (!heapMin) return undefined;
    const minWorker = opts.mode === 'smg' ? heapMin : missTarget(set, heapMin);
    const { totalBlocks, best } = lookup;
    const holders = best.filter((b) => byId.has(b.workerId));
    const top = holders[0];
    const annotate = (reason: RoutingDecision['reason'], worker: Worker): Choice => {
      const matched = best.find((b) => b.workerId === worker.id)?.blocks ?? 0;
      return { worker, decision: { reason, matchedBlocks: matched, totalBlocks } };
    };
    const isImbalanced = imbalanced();
    if (opts.mode === 'smg') {
      if (isImbalanced) return annotate('imbalance', minWorker);
      if (top && totalBlocks > 0 && top.blocks / totalBlocks > opts.cacheThreshold) {
        return annotate('hit', byId.get(top.workerId) as Worker);
      }
      return annotate('miss', minWorker);
    }
    if (isImbalanced) {
      // keep affinity only for holders that are near the minimum load
      const window = load(heapMin.id) + opts.balanceAbsThreshold; // the true minimum
      const near = holders.find((h) => load(h.workerId) <= window);
      if (near && totalBlocks > 0 && near.blocks / totalBlocks > opts.cacheThreshold) {
        return annotate('sticky', byId.get(near.workerId) as Worker);
      }
      return annotate('imbalance', minWorker);
    }
    const priced = top && totalBlocks > 0 && top.blocks / totalBlocks > opts.cacheThreshold;
    if (!priced) return annotate('miss', minWorker);
    // A request's wait ~ prefill queued where it lands + its own uncached blocks. Every
    // candidate (each qualifying holder, and the miss target) is priced by that wait plus a
    // penalty for the blocks it lacks against the deepest holder, counted DIVERT_FACTOR
    // times: the re-prefill is compute everyone queued there waits for, and the duplicate
    // prefix takes KV capacity from other cached prefixes (hits lost later). So a conversation
    // leaves the holder of its history (for a shallower holder or a cold worker) only when
    // the time saved exceeds that: q_h + u_h - (q_m + u_m) > f (u_m - u_h).
    const deepest = top.blocks;
    const cost = (matched: number, id: string): number =>
      totalBlocks - matched + queued(id) + DIVERT_FACTOR * (deepest - matched);
    let pick: { workerId: string; blocks: number } = top;
    let bestCost = cost(top.blocks, top.workerId);
    for (const h of holders) {
      if (h.blocks / totalBlocks <= opts.cacheThreshold) break;
      const c = cost(h.blocks, h.workerId);
      if (c < bestCost || (c === bestCost && load(h.workerId) < load(pick.workerId))) {
        pick = h;
        bestCost = c;
      }
    }
    const minMatched = best.find((b) => b.workerId === minWorker.id)?.blocks ?? 0;
    if (cost(minMatched, minWorker.id) < bestCost) {
      // the holders' queues outweigh a re-prefill: load wins over affinity
      return annotate('imbalance', minWorker);
    }
    return annotate('hit', byId.get(pick.workerId) as Worker);
  }

  /** The choice with its reason and prefix match, as a value (routing transparency). */
  const decide = (set: WorkerSet, req: RequestInfo): Choice | undefined => {
    if (set.available.length === 0) return undefined;
    tracker.ensure(set);
    const model = set.model;
    // the prompt's engine token ids when known (input_ids, token prompts, chat template)
    const tokens = req.exactTokens?.(model);
    const predicted =
      tokens && prefix.lookupTokens
        ? prefix.lookupTokens(tokens, model)
        : prefix.lookup(req.routingText, model);
    // exact routing from engine KV events when every candidate's events are live; else the
    // prediction (see prefix-routing.ts)
    const exact = tokens ? prefix.lookupExact?.(tokens, model, set.available) : undefined;
    const lookup = exact ?? predicted;
    const c = choose(set, lookup);
    if (c && (lookup.totalBlocks > 0 || predicted.totalBlocks > 0)) {
      prefix.recordLookup(model, c.worker.id);
    }
    if (!c) return c;
    // every decision has the same fields in the same order (one object shape: the pipeline
    // and observers read them on every request)
    const d = c.decision;
    const decision: RoutingDecision = {
      reason: d.reason,
      matchedBlocks: d.matchedBlocks,
      totalBlocks: d.totalBlocks,
      source: exact ? 'events' : 'prediction',
      blockTokens: exact ? exact.blockTokens : undefined,
    };
    return { worker: c.worker, decision };
  };

  return {
    name: 'cache_aware',
    decide,
    select: (set, req) => decide(set, req)?.worker,
    onWorkersChanged: (set) => tracker.rebuild(set),
    onLoadChanged(workerId, l) {
      const v = Number.isFinite(l) ? l : 0;
      minHeap.update(workerId, v);
      maxHeap.update(workerId, -v);
    },
  };
}
