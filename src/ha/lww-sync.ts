import type { RedisClient } from '../state/redis-client';
import { runScript } from '../state/redis-scripts';
import type { Logger } from '../util/logger';
import { PUT_ENTRY } from './scripts';

/**
 * One entry of a cluster registry: what some instance asked for under `key` (`input`), or a
 * tombstone (`deleted`). `v` (ms since the epoch of the change, strictly increasing per
 * instance) and `node` order writes: the last writer wins, the node name breaks ties.
 */
export interface LwwEntry<I> {
  readonly key: string;
  readonly deleted: boolean;
  readonly input?: I;
  readonly v: number;
  readonly node: string;
}

/**
 * Whether `e` supersedes `cur`: a later version, or the same version from a greater node name.
 * The same order as PUT_ENTRY's, so every instance settles on the entry Redis kept (two
 * changes in the same millisecond on two instances used to leave each on its own value).
 */
export function newer(
  e: { readonly v: number; readonly node: string },
  cur: { readonly v: number; readonly node: string } | undefined,
): boolean {
  return cur === undefined || e.v > cur.v || (e.v === cur.v && e.node > cur.node);
}

export interface LwwAdapter<I> {
  /** Applies a newer entry written by any instance (this one's own included, after a restart). */
  apply(e: LwwEntry<I>): void;
  /** What this instance has, as (key, input): written back when Redis lacks it. */
  local(): Iterable<readonly [string, I]>;
  /** Validates a stored input (garbage is skipped). */
  parseInput(v: unknown, key: string): I | undefined;
}

export interface LwwSync<I> {
  /** Publishes a local change (input, or undefined for a removal); never waits on Redis. */
  put(key: string, input: I | undefined): void;
  /** Pulls and applies the cluster's changes now (also every `pollMs`). */
  sync(): Promise<void>;
  close(): void;
}

export interface LwwSyncDeps<I> {
  readonly client: RedisClient;
  /** The registry's hash and its change counter (same hash tag). */
  readonly hash: string;
  readonly version: string;
  readonly node: string;
  readonly adapter: LwwAdapter<I>;
  readonly logger: Pick<Logger, 'debug'>;
  /** Poll period of the change counter, ms (default 500). */
  readonly pollMs?: number;
  readonly now?: () => number;
}

/**
 * A control-plane registry shared by every instance through one Redis hash. Local changes
 * are applied at once by the caller and written with a version; every instance polls the
 * hash's change counter and applies entries newer than what it applied. A change made while
 * Redis is away stays queued and is written when Redis returns (unless a newer one is stored
 * by then); when Redis comes back empty, every instance writes back what it has.
 */
export function startLwwSync<I>(d: LwwSyncDeps<I>): LwwSync<I> {
  const { client } = d;
  const now = d.now ?? Date.now;
  /** key → (version, node) of the entry applied or published here. */
  const applied = new Map<string, { readonly v: number; readonly node: string }>();
  /** Entries not yet stored (Redis was away). */
  const unsent = new Map<string, LwwEntry<I>>();
  let seenVersion: string | null | undefined;
  let lastV = 0;
  let syncing = false;

  const nextV = (): number => (lastV = Math.max(now(), lastV + 1));

  function publish(e: LwwEntry<I>): void {
    applied.set(e.key, { v: e.v, node: e.node });
    unsent.set(e.key, e);
    void flush();
  }

  async function flush(): Promise<void> {
    if (client.status !== 'ready') return;
    for (const [key, e] of [...unsent]) {
      try {
        const keys = [d.hash, d.version];
        await runScript(client, PUT_ENTRY, keys, [key, JSON.stringify(e), e.v, e.node]);
        if (unsent.get(key) === e) unsent.delete(key);
      } catch (err) {
        d.logger.debug({ err, key }, 'ha: registry entry not stored yet');
        return;
      }
    }
  }

  function parse(raw: string): LwwEntry<I> | undefined {
    let v: unknown;
    try {
      v = JSON.parse(raw);
    } catch {
      return undefined;
    }
    if (typeof v !== 'object' || v === null) return undefined;
    const e = v as Record<string, unknown>;
    const { key, deleted, node } = e;
    if (typeof key !== 'string' || typeof e['v'] !== 'number' || typeof node !== 'string') {
      return undefined;
    }
    if (deleted === true) return { key, deleted, v: e['v'], node };
    const input = d.adapter.parseInput(e['input'], key);
    return input === undefined ? undefined : { key, deleted: false, input, v: e['v'], node };
  }

  async function pull(): Promise<void> {
    await flush();
    const version = await client.get(d.version);
    if (version !== null && version === seenVersion) return;
    const all = await client.hgetall(d.hash);
    const stored = new Set<string>();
    for (const raw of Object.values(all)) {
      const e = parse(raw);
      if (!e) continue;
      stored.add(e.key);
      if (newer(e, applied.get(e.key))) {
        applied.set(e.key, { v: e.v, node: e.node });
        d.adapter.apply(e);
      }
    }
    for (const [key, input] of d.adapter.local()) {
      if (stored.has(key) || unsent.has(key)) continue;
      publish({ key, deleted: false, input, v: applied.get(key)?.v ?? nextV(), node: d.node });
    }
    seenVersion = version;
  }

  async function sync(): Promise<void> {
    if (syncing || client.status !== 'ready') return;
    syncing = true;
    try {
      await pull();
    } finally {
      syncing = false;
    }
  }

  const timer = setInterval(() => {
    sync().catch((err: unknown) => d.logger.debug({ err }, 'ha: registry sync failed'));
  }, d.pollMs ?? 500);
  timer.unref();

  return {
    put(key, input) {
      const v = nextV();
      publish(
        input === undefined
          ? { key, deleted: true, v, node: d.node }
          : { key, deleted: false, input, v, node: d.node },
      );
    },
    sync,
    close: () => clearInterval(timer),
  };
}
