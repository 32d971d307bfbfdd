/**
 * The exact prefix index of one process: per model, which worker holds which KV block, in
 * collie's chained hash space over the engine's real token ids and page size.
 *
 * Two kinds of holder entries live in one map per model:
 *  - confirmed (value CONFIRMED): the engine said so (BlockStored); they leave only on
 *    BlockRemoved, AllBlocksCleared, a restart or lost events for that worker;
 *  - speculative (value: expiry, ms): a routing decision sent the prompt there and no event
 *    has confirmed it yet. They expire after `speculativeMs` unless an event confirms them.
 *    The bound must cover queueing + prefill + event lag of a request on a busy engine (an
 *    unconfirmed block after that was not cached, or evicted at once); meanwhile they stop
 *    a burst of requests for one new prefix from spraying before the first one is confirmed.
 * Match is "leading blocks held" per worker: O(blocks × holders of each block).
 */
export const CONFIRMED = Number.POSITIVE_INFINITY;

/** Default speculative lifetime (ms); see the module comment. */
export const DEFAULT_SPECULATIVE_MS = 10_000;
/** Speculative entries kept per process before the oldest expire early. */
export const MAX_SPECULATIVE = 1 << 20;

export interface ExactMatch {
  readonly totalBlocks: number;
  readonly best: ReadonlyArray<{ readonly workerId: string; readonly blocks: number }>;
}

export interface ExactIndex {
  /** Fixes a model's page size (the first event's wins); returns the size in force. */
  blockSize(model: string, proposed?: number): number | undefined;
  confirm(model: string, workerId: string, hashes: Iterable<bigint>): void;
  remove(model: string, workerId: string, hashes: Iterable<bigint>): void;
  /** Drops a worker's confirmed and speculative entries in every model. */
  clearWorker(workerId: string): void;
  speculate(model: string, workerId: string, hashes: BigUint64Array): void;
  /** Leading blocks held per worker among `eligible`, longest first, at most `limit`. */
  match(
    model: string,
    hashes: BigUint64Array,
    eligible: ReadonlySet<string>,
    limit: number,
  ): ExactMatch;
  /** Confirmed blocks per worker. */
  confirmedBlocks(workerId: string): number;
  clear(): void;
}

interface ModelIndex {
  blockSize: number | undefined;
  holders: Map<bigint, Map<string, number>>;
}

export function createExactIndex(opts: { now: () => number; speculativeMs?: number }): ExactIndex {
  const ttl = opts.speculativeMs ?? DEFAULT_SPECULATIVE_MS;
  const models = new Map<string, ModelIndex>();
  const confirmedCount = new Map<string, number>();
  // speculative entries in expiry order (a FIFO: every entry gets the same ttl)
  let fifo: Array<{ at: number; model: ModelIndex; hash: bigint; worker: string }> = [];
  let head = 0;

  const modelOf = (model: string): ModelIndex => {
    let m = models.get(model);
    if (!m) models.set(model, (m = { blockSize: undefined, holders: new Map() }));
    return m;
  };
  const bump = (w: string, n: number): void => {
    confirmedCount.set(w, (confirmedCount.get(w) ?? 0) + n);
  };

  function drop(m: ModelIndex, hash: bigint, worker: string): void {
    const hs = m.holders.get(hash);
    if (!hs) return;
    hs.delete(worker);
    if (hs.size === 0) m.holders.delete(hash);
  }

  function sweep(now: number): void {
    while (head < fifo.length) {
      const e = fifo[head] as (typeof fifo)[number];
      if (e.at > now && fifo.length - head <= MAX_SPECULATIVE) break;
      head++;
      // still the same speculative entry (not confirmed, not refreshed later)?
      if (e.model.holders.get(e.hash)?.get(e.worker) === e.at) drop(e.model, e.hash, e.worker);
    }
    if (head > 4096 && head * 2 > fifo.length) {
      fifo = fifo.slice(head);
      head = 0;
    }
  }

  return {
    blockSize(model, proposed) {
      const m = modelOf(model);
      if (m.blockSize === undefined && proposed !== undefined) m.blockSize = proposed;
      return m.blockSize;
    },
    confirm(model, workerId, hashes) {
      const m = modelOf(model);
      let n = 0;
      for (const h of hashes) {
        let hs = m.holders.get(h);
        if (!hs) m.holders.set(h, (hs = new Map<string, number>()));
        if (hs.get(workerId) !== CONFIRMED) n++;
        hs.set(workerId, CONFIRMED);
      }
      bump(workerId, n);
    },
    remove(model, workerId, hashes) {
      const m = models.get(model);
      if (!m) return;
      let n = 0;
      for (const h of hashes) {
        if (m.holders.get(h)?.get(workerId) === CONFIRMED) n++;
        drop(m, h, workerId);
      }
      bump(workerId, -n);
    },
    clearWorker(workerId) {
      for (const m of models.values()) {
        for (const [h, hs] of m.holders) {
          if (hs.delete(workerId) && hs.size === 0) m.holders.delete(h);
        }
      }
      confirmedCount.delete(workerId);
    },
    speculate(model, workerId, hashes) {
      const now = opts.now();
      sweep(now);
      const m = modelOf(model);
      const at = now + ttl;
      for (const h of hashes) {
        let hs = m.holders.get(h);
        if (!hs) m.holders.set(h, (hs = new Map<string, number>()));
        if (hs.get(workerId) === CONFIRMED) continue;
        hs.set(workerId, at);
        fifo.push({ at, model: m, hash: h, worker: workerId });
      }
    },
    match(model, hashes, eligible, limit) {
      const m = models.get(model);
      const totalBlocks = hashes.length;
      if (!m || totalBlocks === 0) return { totalBlocks, best: [] };
      const now = opts.now();
      let alive: string[] = [];
      const depth = new Map<string, number>();
      for (let i = 0; i < totalBlocks; i++) {
        const hs = m.holders.get(hashes[i] as bigint);
        if (!hs) break;
        const next: string[] = [];
        const candidates = i === 0 ? hs.keys() : alive;
        for (const w of candidates) {
          const v = hs.get(w);
          if (v === undefined || v <= now || !eligible.has(w)) continue;
          next.push(w);
          depth.set(w, i + 1);
        }
        if (next.length === 0) break;
        alive = next;
      }
      const best = [...depth]
        .map(([workerId, blocks]) => ({ workerId, blocks }))
        .sort((a, b) => b.blocks - a.blocks)
        .slice(0, limit);
      return { totalBlocks, best };
    },
    confirmedBlocks: (w) => confirmedCount.get(w) ?? 0,
    clear() {
      models.clear();
      confirmedCount.clear();
      fifo = [];
      head = 0;
    },
  };
}
