import type { Worker } from '../core/worker';
import { randInt } from '../util/rng';
import { createHashRingBuilder, type HashRing } from './hash-ring';
import { createSetTracker } from './set-tracker';
import type { Policy, PolicyDeps, RequestInfo } from './types';
import { ROUTING_KEY_HEADER } from './consistent-hashing';

export interface PrefixHashOptions {
  /** Leading tokens hashed (SMG --prefix-token-count 256). */
  readonly prefixTokenCount: number;
  /** A ring pick is kept while its load <= (Σload + 1)/n × this (SMG 1.25). */
  readonly loadFactor: number;
}

export const DEFAULT_PREFIX_HASH: PrefixHashOptions = { prefixTokenCount: 256, loadFactor: 1.25 };

/**
 * Characters per token when the prefix is cut from text: the gateway sees HTTP bodies, not
 * token ids, so N tokens ≈ 4·N characters of the routing text (English BPE averages ~4).
 */
const CHARS_PER_TOKEN = 4;

/** The ring key of a request: its prompt prefix, else its routing key header, else none. */
function keyOf(req: RequestInfo, chars: number): string | undefined {
  const text = req.routingText;
  if (text.length > 0) return text.length > chars ? text.slice(0, chars) : text;
  return req.header(ROUTING_KEY_HEADER) || undefined;
}

/**
 * prefix_hash (SMG): requests sharing their first N tokens land on the same worker of a
 * consistent-hash ring, so a shared prefix is cached once, bounded by load: the ring pick is
 * kept while its in-flight load is at most (Σload + 1)/n × load factor, else the least-loaded
 * worker under that bound takes it (or the ring pick when none is). SMG hashes token ids and,
 * having none over HTTP, answers 503; collie hashes the first 4·N characters of the routing
 * text, so it works over HTTP. A request with no text uses X-SMG-Routing-Key, else a random
 * worker. O(log W) ring lookup plus O(W) for the load bound.
 */
export function createPrefixHashPolicy(
  deps: PolicyDeps,
  opts: PrefixHashOptions = DEFAULT_PREFIX_HASH,
): Policy {
  const builder = createHashRingBuilder(deps.hash64);
  let ring: HashRing = builder.build([]);
  const tracker = createSetTracker((set) => {
    builder.prune(set.all);
    ring = builder.build(set.available);
  });
  const chars = opts.prefixTokenCount * CHARS_PER_TOKEN;
  const load = (w: Worker): number => {
    const v = deps.loads.get(w.id);
    return Number.isFinite(v) ? v : 0;
  };

  function bounded(available: readonly Worker[], picked: Worker): Worker {
    let sum = 0;
    for (const w of available) sum += load(w);
    const limit = ((sum + 1) / available.length) * opts.loadFactor;
    if (load(picked) <= limit) return picked;
    let best: Worker | undefined;
    for (const w of available) {
      if (load(w) <= limit && (!best || load(w) < load(best))) best = w;
    }
    return best ?? picked;
  }

  return {
    name: 'prefix_hash',
    select(set, req) {
      const { available } = set;
      if (available.length === 0) return undefined;
      tracker.ensure(set);
      const key = keyOf(req, chars);
      if (key === undefined) return available[randInt(deps.rng, available.length)];
      const picked = ring.lookup(deps.hash64(key));
      return picked ? bounded(available, picked) : undefined;
    },
    onWorkersChanged: (set) => tracker.rebuild(set),
  };
}
