import type { StateBus, StateMessage } from '../state/bus';
import type { PrefixRouting } from '../policies/types';
import type { Worker } from '../core/worker';
import { loadNative } from '../native';
import { createPrefixIndex, createRoutingHasher } from './prefix-index';
import { createExactIndex, DEFAULT_SPECULATIVE_MS } from '../kv-events/exact-index';

/** Seed of token-block hashes, so they never alias the text-derived ones. */
export const ROUTING_TOKEN_SEED = 0x636f6c6c69652d6bn; // "collie-k"

/**
 * Routing tokenizes at most this many UTF-16 units of a prompt (~8k tokens, ~0.2 ms inline):
 * a prefix that long already decides where the KV cache is.
 */
export const MAX_TOKENIZED_CHARS = 32_768;

/**
 * Holders a decision weighs (the longest matches first): a prefix cached on every worker of
 * a large fleet must not make each decision O(fleet).
 */
export const MAX_MATCHED_HOLDERS = 32;

/** What routing needs of a model's tokenizer. */
export interface RoutingTokenizer {
  encodeSync(text: string, opts: { addSpecialTokens: boolean }): Uint32Array;
}

export interface SharedPrefixRouting extends PrefixRouting {
  /** Clears the index here and in every other process/instance (/flush_cache). */
  clearEverywhere(): void;
  close(): void;
}

function decode(s: string): BigUint64Array {
  const b = Buffer.from(s, 'base64');
  const copy = new Uint8Array(b.byteLength - (b.byteLength % 8));
  copy.set(b.subarray(0, copy.byteLength));
  return new BigUint64Array(copy.buffer);
}

/**
 * This process's replica of the prefix index, kept in step with every other replica by
 * routing events on the state bus (IPC relay or Redis): a decision is inserted here at
 * once and published in batches every `flushMs`; others' decisions are inserted as they
 * arrive. Per-worker capacity comes from the engine (`max_total_num_tokens`) when known,
 * else --max-tree-size; a worker that leaves the registry leaves the index entirely.
 */
export function createSharedPrefixRouting(opts: {
  bus: StateBus;
  blockSize: number;
  defaultCapacityTokens: number;
  /**
   * Ignore the engines' reported KV size and bound every worker by defaultCapacityTokens
   * alone, as SMG's tree does (`--cache-aware-mode smg`: SMG never learns what an engine
   * evicted, so it keeps routing to holders that no longer hold the prefix).
   */
  ignoreEngineCapacity?: boolean;
  flushMs?: number;
  /**
   * The tokenizer registered for a model, when loaded: blocks are then `blockSize` real tokens
   * (aligned with the engine's KV pages) instead of 4-byte pseudo-tokens of text.
   */
  tokenizerFor?: (model: string) => RoutingTokenizer | undefined;
  /** How long a routed, unconfirmed prefix counts in the exact index, ms. [10000] */
  speculativeMs?: number;
  now?: () => number;
}): SharedPrefixRouting {
  const { bus, blockSize } = opts;
  const index = createPrefixIndex({ blockSize });
  const textHash = createRoutingHasher(blockSize);
  const native = loadNative();
  /** Token-block hashes with the model's tokenizer, or undefined to use text blocks. */
  const tokenHashes = (text: string, model: string): BigUint64Array | undefined => {
    const tok = opts.tokenizerFor?.(model);
    if (!tok) return undefined;
    try {
      // the head decides the route; tokenizing it inline stays well under a millisecond
      const head = text.length > MAX_TOKENIZED_CHARS ? text.slice(0, MAX_TOKENIZED_CHARS) : text;
      const ids = tok.encodeSync(head, { addSpecialTokens: false });
      return native.chainedBlockHashes(ids, blockSize, ROUTING_TOKEN_SEED);
    } catch {
      return undefined; // a tokenizer closing under us: route on text this once
    }
  };
  // the exact index (engine KV events): confirmed blocks from the primary, speculative ones
  // from routing decisions here and in every other process/instance
  const exact = createExactIndex({
    now: opts.now ?? Date.now,
    speculativeMs: opts.speculativeMs ?? DEFAULT_SPECULATIVE_MS,
  });
  /** Workers whose KV events are live (ids). */
  const liveIds = new Set<string>();
  let lastExact: { model: string; hashes: BigUint64Array } | undefined;
  let exactPending: Array<{ model: string; worker: string; hashes: string }> = [];
  const hash = (text: string, model: string): BigUint64Array =>
    tokenHashes(text, model) ?? textHash(text);
  // Decisions to publish, in the order of the index's native queue of their hashes (see
  // takePending): encoded at flush time, off the routing decision.
  let pending: Array<{ model: string; worker: string; blocks: number }> = [];
  let timer: NodeJS.Timeout | undefined;
  let known = new Set<string>();
  // routing events name workers by URL: every instance mints its own worker ids
  let urlOf = new Map<string, string>();
  let idOfUrl = new Map<string, string>();

  const flush = (): void => {
    timer = undefined;
    const bytes = index.takePending();
    const spec = exactPending;
    exactPending = [];
    if (pending.length === 0 && spec.length === 0) return;
    let at = 0;
    const events = pending.map((e) => {
      const end = at + e.blocks * 8;
      const hashes = bytes.toString('base64', at, end);
      at = end;
      return { model: e.model, worker: e.worker, hashes };
    });
    pending = [];
    bus.publish({
      t: 'routed',
      from: bus.id,
      events: [...events, ...spec.map((e) => ({ ...e, exact: true as const }))],
    });
  };

  /** Records a decision of ours for the last query's blocks, and queues it for sharing. */
  const recordLast = (model: string, workerId: string): void => {
    const url = urlOf.get(workerId);
    const blocks = index.insertLast(model, workerId, url !== undefined);
    held.set(workerId, (held.get(workerId) ?? 0) + blocks);
    // a prompt shorter than one block has nothing to share: no event (and no IPC bytes) for it
    if (url !== undefined && blocks > 0) pending.push({ model, worker: url, blocks });
    const ex = lastExact;
    lastExact = undefined;
    if (ex && ex.model === model && ex.hashes.length > 0) {
      exact.speculate(model, workerId, ex.hashes);
      if (url !== undefined) {
        const hashes = Buffer.from(ex.hashes.buffer, ex.hashes.byteOffset, ex.hashes.byteLength);
        exactPending.push({ model, worker: url, hashes: hashes.toString('base64') });
      }
    }
    timer ??= setTimeout(flush, opts.flushMs ?? 5);
  };

  function onRegistry(workers: readonly Worker[]): void {
    const next = new Set<string>();
    urlOf = new Map(workers.map((w) => [w.id, w.url]));
    idOfUrl = new Map(workers.map((w) => [w.url, w.id]));
    for (const w of workers) {
      next.add(w.id);
      const engineTokens = opts.ignoreEngineCapacity
        ? 0
        : Number(w.labels['max_total_num_tokens'] ?? w.labels['max_total_tokens']);
      index.setCapacityTokens(w.id, engineTokens > 0 ? engineTokens : opts.defaultCapacityTokens);
    }
    for (const id of known) {
      if (next.has(id)) continue;
      index.removeWorker(id);
      exact.clearWorker(id);
      liveIds.delete(id);
    }
    known = next;
  }

  // per-worker cached blocks: exact from stats() (which walks every worker) at most once a
  // second, raised by every decision (ours and, as events arrive, others') in between so back-to-back misses spread at once
  let held = new Map<string, number>();
  let heldStale = true;
  const heldTimer = setInterval(() => (heldStale = true), 1000);
  heldTimer.unref();

  /**
   * An empty index holds nothing: the per-worker counts restart with it, and decisions not
   * yet published are dropped (published after a clear, they would refill the others).
   */
  const clearLocal = (): void => {
    index.clear();
    exact.clear();
    lastExact = undefined;
    exactPending = [];
    index.takePending();
    pending = [];
    held = new Map();
    heldStale = false;
  };

  /** An engine's confirmed blocks changed (its KV events, from this instance's primary). */
  function onKv(msg: Extract<StateMessage, { t: 'kv' }>): void {
    const id = idOfUrl.get(msg.worker);
    if (id === undefined) return;
    if (msg.blockSize !== undefined) exact.blockSize(msg.model, msg.blockSize);
    if (msg.cleared === true) exact.clearWorker(id);
    if (msg.removed !== undefined) exact.remove(msg.model, id, decode(msg.removed));
    if (msg.stored !== undefined) exact.confirm(msg.model, id, decode(msg.stored));
    if (msg.live) liveIds.add(id);
    else liveIds.delete(id);
  }

  const unsubscribe = bus.subscribe((msg: StateMessage) => {
    switch (msg.t) {
      case 'registry':
        onRegistry(msg.workers);
        return;
      case 'routed':
        // buses never echo a participant's own messages, so everything here is someone else's
        for (const e of msg.events) {
          const id = idOfUrl.get(e.worker);
          if (id === undefined) continue;
          const hashes = decode(e.hashes);
          if (e.exact === true) {
            exact.speculate(e.model, id, hashes);
            continue;
          }
          index.insert(e.model, id, hashes);
          // others' decisions count toward the miss tie-break at once, not a second later
          held.set(id, (held.get(id) ?? 0) + hashes.length);
        }
        return;
      case 'prefix-clear':
        clearLocal();
        return;
      case 'kv':
        onKv(msg);
        return;
      case 'loads':
      case 'peer-down':
      case 'engine-loads':
        return;
    }
  });

  const heldBlocks = (workerId: string): number => {
    if (heldStale) {
      heldStale = false;
      held = new Map(index.stats().workers.map((w) => [w.workerId, w.blocks]));
    }
    return held.get(workerId) ?? 0;
  };

  return {
    hashes: hash,
    heldBlocks,
    match: (model, hashes) => {
      const r = index.match(model, hashes, MAX_MATCHED_HOLDERS);
      return { totalBlocks: r.totalBlocks, best: r.best };
    },
    lookupExact(tokens, model, available) {
      lastExact = undefined;
      const bs = exact.blockSize(model);
      if (bs === undefined || available.length === 0) return undefined;
      for (const w of available) if (!liveIds.has(w.id)) return undefined;
      const hashes = native.chainedBlockHashes(tokens, bs, ROUTING_TOKEN_SEED);
      lastExact = { model, hashes };
      const eligible = new Set(available.map((w) => w.id));
      const r = exact.match(model, hashes, eligible, MAX_MATCHED_HOLDERS);
      return { totalBlocks: r.totalBlocks, best: r.best, blockTokens: bs };
    },
    lookupTokens(tokens, model) {
      lastExact = undefined;
      const hashes = native.chainedBlockHashes(tokens, blockSize, ROUTING_TOKEN_SEED);
      return index.match(model, hashes, MAX_MATCHED_HOLDERS);
    },
    lookup(text, model) {
      lastExact = undefined;
      const tokens = tokenHashes(text, model);
      if (tokens) return index.match(model, tokens, MAX_MATCHED_HOLDERS);
      return index.lookupText(model, text, MAX_MATCHED_HOLDERS);
    },
    recordLookup: recordLast,
    record(model, workerId, hashes) {
      index.match(model, hashes, 1); // leaves the hashes for insertLast
      recordLast(model, workerId);
    },
    clearEverywhere() {
      clearLocal();
      bus.publish({ t: 'prefix-clear', from: bus.id });
    },
    close() {
      clearInterval(heldTimer);
      if (timer) clearTimeout(timer);
      flush();
      unsubscribe();
    },
  };
}
