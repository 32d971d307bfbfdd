import type { Worker } from '../core/worker';
import type { PromptFallbackLabel } from './prompt-tokens';
import type { StateBus } from '../state/bus';
import type { Logger } from '../util/logger';
import { loadNative } from '../native';
import { ROUTING_TOKEN_SEED } from '../routing/prefix-routing';
import { kvEndpointsOf, offsetPort, type KvEndpointTemplates } from './endpoints';
import { subscribeKvEvents, type KvIncident, type KvSubscription } from './subscriber';
import {
  createWorkerBlocks,
  type BlockDelta,
  type IngestIncident,
  type WorkerBlocks,
} from './worker-blocks';

/** What the manager records (Prometheus, through the gateway metrics facade). */
export interface KvEventMetrics {
  /** `worker` is 'request' for requests routed by prediction (kind `<request kind>_<reason>`). */
  incident(worker: string, kind: KvIncident | IngestIncident | PromptFallbackLabel): void;
  lag(seconds: number): void;
  live(worker: string, ok: boolean): void;
  blocks(worker: string, n: number): void;
}

export interface KvEventsManager {
  /** Reconciles subscriptions with the registry (workers added, removed, relabelled). */
  sync(): void;
  /** Per worker URL: live and confirmed blocks (tests, /debug). */
  status(): Map<string, { live: boolean; blocks: number }>;
  close(): void;
}

interface Tracked {
  readonly key: string;
  readonly url: string;
  readonly model: string;
  readonly blocks: WorkerBlocks;
  readonly subs: KvSubscription[];
  readonly liveRanks: Set<number>;
  readonly ranks: number;
  pending: { cleared: boolean; stored: Set<bigint>; removed: Set<bigint> };
  dirty: boolean;
}

const b64 = (hs: Iterable<bigint>): string | undefined => {
  const arr = BigUint64Array.from(hs);
  return arr.length === 0 ? undefined : Buffer.from(arr.buffer).toString('base64');
};

/**
 * Engine KV-event ingestion for one gateway instance (runs in the primary, or the single
 * process): one ZeroMQ subscription per (worker, DP rank) per instance — never one per
 * ingress process — turned into collie block hashes and published to this instance's
 * processes as `kv` bus messages (instance-local; every instance subscribes for itself, so
 * an engine has one subscriber per gateway instance, not per process).
 */
export function startKvEvents(opts: {
  bus: StateBus;
  templates: KvEndpointTemplates;
  list: () => readonly Worker[];
  logger: Logger;
  metrics?: KvEventMetrics;
  flushMs?: number;
  syncIntervalMs?: number;
}): KvEventsManager {
  const { bus, logger, metrics } = opts;
  const native = loadNative();
  const hasher = (t: Uint32Array, bs: number, seed: bigint): BigUint64Array =>
    native.chainedBlockHashes(t, bs, seed);
  const tracked = new Map<string, Tracked>();
  let timer: NodeJS.Timeout | undefined;
  let closed = false;

  const flush = (): void => {
    timer = undefined;
    for (const t of tracked.values()) publish(t);
  };
  const schedule = (t: Tracked): void => {
    t.dirty = true;
    timer ??= setTimeout(flush, opts.flushMs ?? 5);
  };

  function publish(t: Tracked): void {
    if (!t.dirty) return;
    t.dirty = false;
    const p = t.pending;
    t.pending = { cleared: false, stored: new Set(), removed: new Set() };
    const stored = b64(p.stored);
    const removed = b64(p.removed);
    const bs = t.blocks.blockSize;
    bus.publish({
      t: 'kv',
      worker: t.url,
      model: t.model,
      live: t.liveRanks.size === t.ranks,
      ...(bs !== undefined ? { blockSize: bs } : {}),
      ...(p.cleared ? { cleared: true } : {}),
      ...(stored !== undefined ? { stored } : {}),
      ...(removed !== undefined ? { removed } : {}),
    });
    metrics?.blocks(t.url, t.blocks.size);
  }

  function merge(t: Tracked, d: BlockDelta): void {
    if (d.cleared) t.pending = { cleared: true, stored: new Set(), removed: new Set() };
    for (const h of d.removed) {
      t.pending.stored.delete(h);
      t.pending.removed.add(h);
    }
    for (const h of d.stored) {
      t.pending.removed.delete(h);
      t.pending.stored.add(h);
    }
    if (d.cleared || d.stored.length > 0 || d.removed.length > 0) schedule(t);
  }

  function track(
    w: Worker,
    key: string,
    ranks: number,
    ep: NonNullable<ReturnType<typeof kvEndpointsOf>>,
  ): Tracked {
    const count = (kind: KvIncident | IngestIncident): void => {
      metrics?.incident(w.url, kind);
      if (kind !== 'gap' && kind !== 'replay' && !kind.startsWith('skipped_')) {
        logger.warn({ worker: w.url, kind }, 'kv events: incident');
      }
    };
    const t: Tracked = {
      key,
      url: w.url,
      model: w.modelId,
      blocks: createWorkerBlocks({ hasher, rootSeed: ROUTING_TOKEN_SEED, count }),
      subs: [],
      liveRanks: new Set(),
      ranks,
      pending: { cleared: false, stored: new Set(), removed: new Set() },
      dirty: false,
    };
    for (let rank = 0; rank < ranks; rank++) {
      t.subs.push(
        subscribeKvEvents({
          endpoint: offsetPort(ep.endpoint, rank),
          replayEndpoint: ep.replayEndpoint && offsetPort(ep.replayEndpoint, rank),
          topic: ep.topic,
          sink: {
            batch: (b) => merge(t, t.blocks.apply(rank, b)),
            reset: (reason) => {
              logger.warn({ worker: w.url, rank, reason }, 'kv events: worker state reset');
              merge(t, t.blocks.resetRank(rank));
            },
            live: (ok) => {
              const was = t.liveRanks.size === t.ranks;
              if (ok) t.liveRanks.add(rank);
              else t.liveRanks.delete(rank);
              const now = t.liveRanks.size === t.ranks;
              if (now !== was) {
                metrics?.live(w.url, now);
                schedule(t);
              }
            },
            count,
            lag: (s) => metrics?.lag(s),
          },
        }),
      );
    }
    return t;
  }

  function untrack(t: Tracked): void {
    for (const s of t.subs) s.close();
    tracked.delete(t.url);
    // processes forget the worker's confirmed blocks and route it by prediction
    bus.publish({ t: 'kv', worker: t.url, model: t.model, live: false, cleared: true });
  }

  function sync(): void {
    if (closed) return;
    const seen = new Set<string>();
    for (const w of opts.list()) {
      const ep = kvEndpointsOf(w, opts.templates);
      if (!ep) continue;
      const key = `${w.modelId}|${ep.endpoint}|${ep.replayEndpoint ?? ''}|${ep.topic}|${ep.ranks}`;
      seen.add(w.url);
      const old = tracked.get(w.url);
      if (old?.key === key) continue;
      if (old) untrack(old);
      tracked.set(w.url, track(w, key, ep.ranks, ep));
      logger.info(
        { worker: w.url, endpoint: ep.endpoint, ranks: ep.ranks },
        'kv events: subscribed',
      );
    }
    for (const t of [...tracked.values()]) if (!seen.has(t.url)) untrack(t);
  }

  const interval = setInterval(sync, opts.syncIntervalMs ?? 2000);
  interval.unref();
  sync();

  return {
    sync,
    status: () =>
      new Map(
        [...tracked.values()].map((t) => [
          t.url,
          { live: t.liveRanks.size === t.ranks, blocks: t.blocks.size },
        ]),
      ),
    close() {
      closed = true;
      clearInterval(interval);
      if (timer) clearTimeout(timer);
      for (const t of tracked.values()) for (const s of t.subs) s.close();
      tracked.clear();
    },
  };
}
