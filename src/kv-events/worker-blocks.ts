import type { BlockStoredEvent, DecodedBatch, EngineHash } from './decode';

/** Collie's chained block hash over token ids continuing from `seed`. */
export type ChainHasher = (tokens: Uint32Array, blockSize: number, seed: bigint) => BigUint64Array;

/** What changed in one worker's confirmed block set (collie hashes). */
export interface BlockDelta {
  readonly stored: bigint[];
  readonly removed: bigint[];
  /** Every block of the worker is gone (apply before `stored`). */
  cleared: boolean;
}

export type IngestIncident = 'orphan' | 'block_size_mismatch' | 'overflow' | 'group';

export interface WorkerBlocks {
  /** The engine's page size in tokens, once an event told it. */
  readonly blockSize: number | undefined;
  /** Distinct confirmed blocks (over all DP ranks). */
  readonly size: number;
  /** Applies a batch from DP rank `rank`; returns what changed. */
  apply(rank: number, batch: DecodedBatch): BlockDelta;
  /** Voids everything known from one rank (restart, lost batches). */
  resetRank(rank: number): BlockDelta;
  /** Whether the worker holds the collie hash (tests, debugging). */
  has(hash: bigint): boolean;
}

/** Per-rank bound on tracked blocks: ~4M pages (64M tokens at page 16) per engine. */
export const MAX_BLOCKS_PER_RANK = 1 << 22;

/**
 * One engine's confirmed KV blocks, rebuilt from its events in collie's own hash space.
 *
 * The engine's block hashes are never reproduced (they differ by version, seed and
 * algorithm); each BlockStored's token ids are hashed with collie's chained block hash,
 * continuing from the parent's collie hash (the root seed when it has none), and the
 * engine hash → collie hash map per DP rank turns BlockRemoved into collie hashes. A block
 * whose parent is unknown (stored before we subscribed, or under a skipped event) cannot be
 * placed in the chain and is skipped with its descendants, counted as 'orphan'.
 * A worker with several DP ranks holds a block while any rank holds it (refcount).
 */
export function createWorkerBlocks(opts: {
  hasher: ChainHasher;
  rootSeed: bigint;
  /** The page size requests are hashed with for this model, if already fixed. */
  blockSize?: number | undefined;
  count: (kind: IngestIncident, n?: number) => void;
  maxPerRank?: number;
}): WorkerBlocks {
  const maxPerRank = opts.maxPerRank ?? MAX_BLOCKS_PER_RANK;
  let blockSize = opts.blockSize;
  const ranks = new Map<number, Map<EngineHash, bigint>>();
  /** group_idx → whether it is a full-attention group, as stores taught it. */
  const groupFull = new Map<number, boolean>();
  const refs = new Map<bigint, number>();
  let size = 0;

  const rankMap = (rank: number): Map<EngineHash, bigint> => {
    let m = ranks.get(rank);
    if (!m) ranks.set(rank, (m = new Map<EngineHash, bigint>()));
    return m;
  };
  /** Whether each hash touched by the current delta was held before it. */
  let before = new Map<bigint, boolean>();
  const newDelta = (): BlockDelta => {
    before = new Map();
    return { stored: [], removed: [], cleared: false };
  };
  /** Net effect only, so a consumer may apply removals and stores in either order. */
  const finalize = (d: BlockDelta): BlockDelta => {
    const out: BlockDelta = { stored: [], removed: [], cleared: d.cleared };
    for (const [h, was] of before) {
      const now = refs.has(h);
      if (now && (!was || d.cleared)) out.stored.push(h);
      else if (!now && was && !d.cleared) out.removed.push(h);
    }
    return out;
  };

  function hold(h: bigint): void {
    const n = refs.get(h) ?? 0;
    if (!before.has(h)) before.set(h, n > 0);
    refs.set(h, n + 1);
    if (n === 0) size++;
  }

  function release(h: bigint): void {
    const n = refs.get(h);
    if (n === undefined) return;
    if (!before.has(h)) before.set(h, true);
    if (n > 1) refs.set(h, n - 1);
    else {
      refs.delete(h);
      size--;
    }
  }

  function clearRank(rank: number, d: BlockDelta): void {
    const m = ranks.get(rank);
    if (!m) return;
    for (const h of m.values()) release(h);
    m.clear();
    if (size === 0) d.cleared = true;
  }

  function store(m: Map<EngineHash, bigint>, e: BlockStoredEvent): void {
    if (e.group !== undefined && groupFull.get(e.group) === false) return;
    if (e.group !== undefined) groupFull.set(e.group, true);
    if (blockSize === undefined) blockSize = e.blockSize;
    if (e.blockSize !== blockSize) {
      opts.count('block_size_mismatch');
      return;
    }
    let seed = opts.rootSeed;
    if (e.parent !== null) {
      const p = m.get(e.parent);
      if (p === undefined) {
        opts.count('orphan');
        return;
      }
      seed = p;
    }
    if (m.size + e.hashes.length > maxPerRank) {
      opts.count('overflow');
      return;
    }
    const mine = opts.hasher(e.tokenIds, e.blockSize, seed);
    for (let i = 0; i < e.hashes.length; i++) {
      const eh = e.hashes[i] as EngineHash;
      const h = mine[i] as bigint;
      const prev = m.get(eh);
      if (prev === h) continue; // stored twice: already held
      if (prev !== undefined) release(prev);
      m.set(eh, h);
      hold(h);
    }
  }

  return {
    get blockSize() {
      return blockSize;
    },
    get size() {
      return size;
    },
    apply(rank, batch) {
      const d = newDelta();
      const m = rankMap(rank);
      for (const e of batch.events) {
        if (e.kind === 'stored') store(m, e);
        else if (e.kind === 'removed') {
          if (e.group !== undefined && groupFull.get(e.group) === false) continue;
          for (const eh of e.hashes) {
            const h = m.get(eh);
            if (h === undefined) continue;
            m.delete(eh);
            release(h);
          }
        } else clearRank(rank, d);
      }
      return finalize(d);
    },
    resetRank(rank) {
      const d = newDelta();
      clearRank(rank, d);
      return finalize(d);
    },
    has: (h) => refs.has(h),
  };
}
