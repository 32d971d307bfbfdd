import type { Worker, WorkerSet } from '../core/worker';
import { randInt } from '../util/rng';
import { createHashRingBuilder, type HashRing } from './hash-ring';
import { createSetTracker, indexAvailable } from './set-tracker';
import type { Policy, PolicyDeps, RequestInfo } from './types';

export const TARGET_WORKER_HEADER = 'x-smg-target-worker';
export const ROUTING_KEY_HEADER = 'x-smg-routing-key';
/** Headers that identify a client when no routing key is given, in priority order. */
export const IMPLICIT_KEY_HEADERS = ['authorization', 'x-forwarded-for', 'cookie'] as const;

const INDEX_PATTERN = /^\d+$/;

/**
 * SMG's consistent_hashing, in order: (1) `x-smg-target-worker: <index into set.all>` picks that
 * worker if available, else nothing (no fallback); (2) `x-smg-routing-key` on the ring;
 * (3) an implicit key from authorization / x-forwarded-for / cookie; (4) random.
 *
 * The ring holds only AVAILABLE workers and is rebuilt when the set changes, so a lookup is a
 * single binary search and never walks past unhealthy nodes. Adding or removing one worker
 * moves only the keys in the arcs it gains or loses, about 1/W of them.
 */
export function createConsistentHashingPolicy(deps: PolicyDeps): Policy {
  const builder = createHashRingBuilder(deps.hash64);
  let ring: HashRing = builder.build([]);
  let availableById = new Map<string, Worker>();
  const tracker = createSetTracker((set) => {
    builder.prune(set.all);
    ring = builder.build(set.available);
    availableById = indexAvailable(set);
  });

  const byTarget = (set: WorkerSet, raw: string): Worker | undefined => {
    const text = raw.trim();
    if (!INDEX_PATTERN.test(text)) return undefined;
    const worker = set.all[Number(text)];
    return worker ? availableById.get(worker.id) : undefined;
  };

  return {
    name: 'consistent_hashing',
    select(set, req) {
      const n = set.available.length;
      if (n === 0) return undefined;
      tracker.ensure(set);
      const target = req.header(TARGET_WORKER_HEADER);
      if (target !== undefined) return byTarget(set, target);
      const key = routingKeyOf(req);
      if (key !== undefined) return ring.lookup(deps.hash64(key));
      return set.available[randInt(deps.rng, n)];
    },
    onWorkersChanged: (set) => tracker.rebuild(set),
  };
}

/** The explicit routing key, else the first non-empty implicit one. */
function routingKeyOf(req: RequestInfo): string | undefined {
  const explicit = req.header(ROUTING_KEY_HEADER);
  if (explicit) return explicit;
  for (const name of IMPLICIT_KEY_HEADERS) {
    const value = req.header(name);
    if (value) return value;
  }
  return undefined;
}
