import type { RedisClient } from './redis-client';
import { RetainedState, type StateMessage } from './bus';
import { decodeBatch, streamIdMs, type RedisBusKeys } from './redis-codec';
import { parseSnapshot, type Replica } from './redis-replica';
import { REAP, runScript } from './redis-scripts';

/**
 * The receiving half of the Redis bus, on its own connection (XREAD BLOCK holds it).
 *
 * (Re)sync: one MULTI reads the snapshot hash and the stream's last id together; the snapshot
 * is delivered (load vectors only of participants with a live heartbeat, the dead ones are
 * reaped), then XREAD continues after that id, so no batch is missed or seen twice. A first
 * sync also replays the newest routing events from the stream (prefix-index warm-up).
 * Any failure marks the reader out of sync; it waits for the connection (backoff capped at
 * `maxBackoffMs`) and syncs again, which is how it recovers from a Redis restart.
 */
export interface Reader {
  readonly synced: boolean;
  /** Time from XADD to delivery of the newest batch read (0 when the last read was idle). */
  readonly lagMs: number | undefined;
  /** Stream entries or snapshot fields skipped as invalid / another wire version. */
  readonly skipped: number;
  /** Resolves once the stream was read up to `id` (at once after stop()). */
  readUpTo(id: string): Promise<void>;
  /** Resolves when the loop ends (after stop()). */
  run(): Promise<void>;
  stop(): void;
}

export interface ReaderDeps {
  readonly client: RedisClient;
  readonly keys: RedisBusKeys;
  readonly id: string;
  readonly replica: Replica;
  readonly blockMs: number;
  readonly readCount: number;
  readonly maxBackoffMs: number;
  /** Stream entries scanned for routing events on the first sync (0 = none). */
  readonly replayEntries: number;
  /** After each successful sync; `selfInSnapshot`: load reports under our id exist. */
  onSynced(first: boolean, selfInSnapshot: boolean): void;
  onError(err: unknown): void;
}

type Entry = [id: string, fields: string[]];

export function createReader(deps: ReaderDeps): Reader {
  const { client, keys, id, replica } = deps;
  let lastId = '0-0';
  let synced = false;
  let first = true;
  let stopped = false;
  let skipped = 0;
  let lagMs: number | undefined;
  let wake: (() => void) | undefined;
  const waiters: Array<{ id: string; resolve: () => void }> = [];

  function release(all = false): void {
    for (let i = waiters.length - 1; i >= 0; i--) {
      const w = waiters[i];
      if (w && (all || compareIds(w.id, lastId) <= 0)) {
        waiters.splice(i, 1);
        w.resolve();
      }
    }
  }

  /** Waits for the connection's 'ready' (or `ms`, or stop()). */
  function waitReady(ms: number): Promise<void> {
    return new Promise((resolve) => {
      const done = (): void => {
        clearTimeout(t);
        client.off('ready', done);
        wake = undefined;
        resolve();
      };
      const t = setTimeout(done, ms);
      client.once('ready', done);
      wake = done;
    });
  }

  async function sync(first: boolean): Promise<void> {
    const res = await client
      .multi()
      .hgetall(keys.snapshot)
      .xrevrange(keys.stream, '+', '-', 'COUNT', 1)
      .exec();
    if (!res) throw new Error('snapshot transaction aborted');
    const [hash, last] = res.map(([err, v]) => {
      if (err) throw err;
      return v;
    });
    const snap = parseSnapshot(isStringRecord(hash) ? hash : {});
    skipped += snap.invalid;
    const at = entriesOf(last)[0]?.[0] ?? '0-0';
    const peers = [...snap.loads.keys()].filter((p) => p !== id);
    const dead = peers.length > 0 ? await reap(client, keys, peers) : [];
    replica.applySnapshot(snap, new Set(dead));
    if (first && deps.replayEntries > 0 && at !== '0-0') await replayRouted(at);
    lastId = at;
    synced = true;
    release();
    deps.onSynced(first, snap.loads.has(id));
  }

  /** Delivers the routing events of the newest stream entries up to `at` as one message. */
  async function replayRouted(at: string): Promise<void> {
    const raw = await client.xrevrange(keys.stream, at, '-', 'COUNT', deps.replayEntries);
    let events: Array<Extract<StateMessage, { t: 'routed' }>['events'][number]> = [];
    for (const [, fields] of entriesOf(raw).reverse()) {
      for (const m of decodeBatch(fields)?.msgs ?? []) {
        if (m.t === 'routed') events.push(...m.events);
        else if (m.t === 'prefix-clear') events = [];
      }
    }
    if (events.length === 0) return;
    replica.deliver({ t: 'routed', from: '', events: events.slice(-RetainedState.MAX_ROUTED) });
  }

  function handle(entries: readonly Entry[]): void {
    for (const [entryId, fields] of entries) {
      lastId = entryId;
      const batch = decodeBatch(fields);
      if (!batch) {
        skipped++;
        continue;
      }
      skipped += batch.invalid;
      if (batch.from === id) continue;
      for (const m of batch.msgs) replica.deliver(m);
    }
    release();
    const ms = streamIdMs(lastId);
    lagMs = entries.length === 0 || ms === undefined ? 0 : Math.max(0, Date.now() - ms);
  }

  async function step(): Promise<void> {
    if (!synced) {
      await sync(first);
      first = false;
    }
    const res = await client.xread(
      'COUNT',
      deps.readCount,
      'BLOCK',
      deps.blockMs,
      'STREAMS',
      keys.stream,
      lastId,
    );
    handle(res?.flatMap(([, items]) => items) ?? []);
  }

  async function run(): Promise<void> {
    let failures = 0;
    while (!stopped) {
      if (client.status !== 'ready') {
        synced = false;
        await waitReady(deps.maxBackoffMs);
        continue;
      }
      try {
        await step();
        failures = 0;
      } catch (err) {
        if (stopped) return;
        synced = false;
        deps.onError(err);
        failures++;
        await waitReady(Math.min(25 * 2 ** Math.min(failures, 10), deps.maxBackoffMs));
      }
    }
  }

  return {
    get synced() {
      return synced && !stopped;
    },
    get lagMs() {
      return lagMs;
    },
    get skipped() {
      return skipped;
    },
    run,
    readUpTo(target) {
      if (stopped || compareIds(target, lastId) <= 0) return Promise.resolve();
      return new Promise((resolve) => waiters.push({ id: target, resolve }));
    },
    stop() {
      stopped = true;
      synced = false;
      wake?.();
      release(true);
    },
  };
}

/** Participants among `ids` whose heartbeat is gone (their load vectors are deleted). */
export async function reap(
  client: RedisClient,
  keys: RedisBusKeys,
  ids: readonly string[],
): Promise<string[]> {
  const res = await runScript(client, REAP, [keys.snapshot, ...ids.map(keys.alive)], ids);
  return Array.isArray(res) ? res.filter((v): v is string => typeof v === 'string') : [];
}

/** Orders stream ids `<ms>-<seq>`. */
export function compareIds(a: string, b: string): number {
  const [am = 0, as = 0] = a.split('-').map(Number);
  const [bm = 0, bs = 0] = b.split('-').map(Number);
  return am - bm || as - bs;
}

function isStringRecord(v: unknown): v is Record<string, string> {
  return (
    typeof v === 'object' && v !== null && Object.values(v).every((x) => typeof x === 'string')
  );
}

function entriesOf(v: unknown): Entry[] {
  if (!Array.isArray(v)) return [];
  return (v as unknown[]).filter(
    (e): e is Entry =>
      Array.isArray(e) &&
      typeof e[0] === 'string' &&
      Array.isArray(e[1]) &&
      (e[1] as unknown[]).every((f) => typeof f === 'string'),
  );
}
