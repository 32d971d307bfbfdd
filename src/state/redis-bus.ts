/**
 * StateBus over Redis: shares state between the processes of one instance and between
 * instances. Built from: redis-publisher (batching, resync), redis-reader (XREAD loop,
 * snapshot sync), redis-heartbeat (liveness), redis-replica (what was delivered).
 *
 * Keys (prefix default `collie:v1`, the schema version; `{state}` is the Cluster hash tag):
 *   <prefix>:{state}:events       stream; one entry per flush: d = {"v":1,"from","msgs":[…]}
 *                                 (XADD MAXLEN ~ streamMaxLen)
 *   <prefix>:{state}:snapshot     hash: registry, registry-version, engine-loads,
 *                                 loads:<participant> (its full vector, non-zero entries)
 *   <prefix>:{state}:alive:<id>   heartbeat, SET PX ttl every heartbeatMs
 *
 * Delivery: publish() batches for `batchMs`, then one Lua call appends the batch to the stream
 * and applies it to the snapshot atomically. Each participant reads the stream on a dedicated
 * connection and delivers every batch not sent by itself. A participant that joins (or
 * reconnects) reads the snapshot and the stream's last id in one MULTI, delivers the snapshot,
 * then reads after that id: nothing lost, nothing but idempotent state re-applied.
 * Load vectors of participants without a live heartbeat are ignored and reaped (synthetic
 * peer-down), so a process that dies without close() stops counting after ~ttl.
 *
 * Degrade path (style habit 9): every client has an 'error' listener from construction; no
 * command ever queues while disconnected (enableOfflineQueue false, maxRetriesPerRequest 0);
 * publish() never throws or waits; the reader waits for the connection with capped backoff;
 * on reconnect the reader resyncs from the snapshot and the publisher re-sends its own state
 * (registry, engine loads, load vector with explicit zeros). health() and onHealthChange
 * report it. Garbage or other-version stream entries are skipped and counted.
 *
 * Participant ids must be unique across all instances sharing the Redis (e.g.
 * `<instance>:<process>`); a process restarted under the same id clears the load reports its
 * predecessor left behind (peer-down for its own id, then its state). A `loads` message must
 * carry the bus id as `from` (its liveness is that id's heartbeat).
 *
 * Limits: needs Redis >= 6.2 (SET … GET). A reader that falls more than `streamMaxLen`
 * entries behind loses the trimmed batches (state heals with the next resync or report;
 * routing events are only cache hints). Registry versions are compared as numbers, so they
 * must not restart from 1 while an older snapshot is still stored.
 */
import type { RedisOptions } from 'ioredis';
import { createRedisClient, type RedisClient } from './redis-client';
import type { Logger } from '../util/logger';
import { silentLogger } from '../util/logger';
import type { StateBus } from './bus';
import { DEFAULT_KEY_PREFIX, redisBusKeys } from './redis-codec';
import { startHeartbeat } from './redis-heartbeat';
import { createPublisher } from './redis-publisher';
import { createReader } from './redis-reader';
import { Replica } from './redis-replica';

export interface RedisBusHealth {
  /** Both connections up and the reader in sync. */
  readonly connected: boolean;
  readonly lastError?: string;
  /** Delay of the newest delivered batch (XADD → delivery), 0 when idle. */
  readonly lagMs?: number;
  /** Messages not sent individually (outage, overflow); their state went out in a resync. */
  readonly dropped: number;
  /** Invalid / other-version stream entries and snapshot fields skipped. */
  readonly skipped: number;
}

export interface RedisBus extends StateBus {
  health(): RedisBusHealth;
  /**
   * Resolves once everything published before the call is stored in Redis and this
   * participant has read the stream up to that point (rejects when Redis is unreachable or
   * after `timeoutMs`, default 5000). Called on every participant twice, it is a barrier:
   * all of them have then seen everything all of them published (tests, graceful handoff).
   */
  drain(timeoutMs?: number): Promise<void>;
  /** close() that resolves once goodbye is sent and both connections are closed. */
  shutdown(): Promise<void>;
}

export type BusLogger = Pick<Logger, 'debug' | 'info' | 'warn'>;

export interface RedisBusOptions {
  /** redis://[user:pass@]host:port[/db] or rediss://… */
  readonly url: string;
  /** Participant id, unique across every instance sharing this Redis. */
  readonly id: string;
  /** Key prefix, carrying the schema version. Default `collie:v1`. */
  readonly keyPrefix?: string;
  /** Hash-tag name of this bus's keys. Default `state`. */
  readonly channel?: string;
  readonly logger?: BusLogger;
  /** Batching window of publish() in ms. Default 5. */
  readonly batchMs?: number;
  /** Messages held per batch before the oldest are dropped (and resynced). Default 10 000. */
  readonly maxPending?: number;
  /** Approximate stream length cap (XADD MAXLEN ~). Default 100 000 entries. */
  readonly streamMaxLen?: number;
  /** Heartbeat period in ms; a participant is dead after 3 missed beats. Default 1000. */
  readonly heartbeatMs?: number;
  /** XREAD BLOCK timeout in ms. Default 1000. */
  readonly blockMs?: number;
  /** Cap of the reconnect / retry backoff in ms. Default 1000. */
  readonly maxBackoffMs?: number;
  /** How long createRedisBus waits for both connections and the first sync before returning
   * degraded (it keeps connecting in the background). Default 2000. */
  readonly connectTimeoutMs?: number;
  /** How long close() waits for its goodbye to be written. Default 1000. */
  readonly closeTimeoutMs?: number;
  /** Stream entries scanned for routing events when joining. Default 2000 (0 = off). */
  readonly replayEntries?: number;
  /** Called when the bus degrades (Redis lost) and when it recovers. */
  readonly onHealthChange?: (state: 'degraded' | 'recovered', health: RedisBusHealth) => void;
  /** Client factory (tests, TLS/sentinel setups). It must not be connected elsewhere. */
  readonly createClient?: (url: string, options: RedisOptions) => RedisClient;
}

export async function createRedisBus(opts: RedisBusOptions): Promise<RedisBus> {
  const { id } = opts;
  const log = opts.logger ?? silentLogger();
  const heartbeatMs = opts.heartbeatMs ?? 1000;
  const ttlMs = heartbeatMs * 3;
  const maxBackoffMs = opts.maxBackoffMs ?? 1000;
  const keys = redisBusKeys(opts.keyPrefix ?? DEFAULT_KEY_PREFIX, opts.channel ?? 'state');
  let lastError: string | undefined;
  let closing: Promise<void> | undefined;
  let syncedAt: number | undefined;
  let up = true;
  let started = false;

  const noteError = (where: string) => (err: unknown) => {
    lastError = `${where}: ${err instanceof Error ? err.message : String(err)}`;
    log.debug({ err, where, bus: id }, 'redis state bus error');
    checkHealth();
  };
  const base: RedisOptions = {
    enableOfflineQueue: false,
    maxRetriesPerRequest: 0,
    autoResendUnfulfilledCommands: false,
    keepAlive: 5000,
    // A socket that is already gone would otherwise hold the process open for 2 s on close.
    disconnectTimeout: 200,
    retryStrategy: (times) => Math.min(25 * 2 ** Math.min(times, 10), maxBackoffMs),
  };
  const make = opts.createClient ?? createRedisClient;
  const pub = make(opts.url, { ...base, connectionName: `collie:${id}:pub` });
  pub.on('error', noteError('publisher connection'));
  const sub = make(opts.url, { ...base, connectionName: `collie:${id}:read` });
  sub.on('error', noteError('reader connection'));

  const replica = new Replica(id, (err) => log.warn({ err, bus: id }, 'state handler threw'));
  const publisher = createPublisher({
    client: pub,
    keys,
    id,
    batchMs: opts.batchMs ?? 5,
    maxPending: opts.maxPending ?? 10_000,
    streamMaxLen: opts.streamMaxLen ?? 100_000,
    retryMs: maxBackoffMs,
    onError: noteError('publish'),
    onSent: () => checkHealth(),
  });
  let firstSync: () => void = () => {};
  const synced = new Promise<void>((resolve) => (firstSync = resolve));
  const reader = createReader({
    client: sub,
    keys,
    id,
    replica,
    blockMs: opts.blockMs ?? 1000,
    readCount: 512,
    maxBackoffMs,
    replayEntries: opts.replayEntries ?? 2000,
    onSynced(first, selfInSnapshot) {
      syncedAt = Date.now();
      // A predecessor under our id left reports behind: clear them, then send ours.
      if (first && selfInSnapshot) publisher.requestResync(true);
      if (first) firstSync();
      checkHealth();
    },
    onError(err) {
      syncedAt = undefined;
      noteError('reader')(err);
    },
  });
  const heartbeat = startHeartbeat({
    client: pub,
    keys,
    id,
    heartbeatMs,
    ttlMs,
    knownPeers: () => replica.knownPeers(),
    canReap: () => reader.synced && syncedAt !== undefined && Date.now() - syncedAt >= ttlMs,
    onDead(ids) {
      for (const from of ids) {
        if (replica.knownPeers().includes(from)) replica.deliver({ t: 'peer-down', from });
      }
    },
    onRevived: () => publisher.requestResync(),
    onError: noteError('heartbeat'),
  });

  pub.on('ready', () => {
    heartbeat.beat(true);
    publisher.requestResync();
    checkHealth();
  });
  pub.on('close', () => checkHealth());
  sub.on('close', () => checkHealth());

  function health(): RedisBusHealth {
    const h = {
      connected: !closing && pub.status === 'ready' && reader.synced,
      dropped: publisher.dropped,
      skipped: reader.skipped,
    };
    const lag = reader.lagMs;
    return {
      ...h,
      ...(lastError !== undefined && { lastError }),
      ...(lag !== undefined && { lagMs: lag }),
    };
  }

  function checkHealth(): void {
    if (!started || closing) return;
    const h = health();
    if (h.connected === up) return;
    up = h.connected;
    if (up) log.info({ bus: id }, 'redis state bus recovered');
    else log.warn({ bus: id, lastError }, 'redis state bus degraded, routing on local state');
    try {
      opts.onHealthChange?.(up ? 'recovered' : 'degraded', h);
    } catch (err) {
      log.warn({ err, bus: id }, 'onHealthChange threw');
    }
  }

  async function shutdown(): Promise<void> {
    heartbeat.stop();
    replica.clear();
    await withTimeout(publisher.close(), opts.closeTimeoutMs ?? 1000).catch(noteError('close'));
    reader.stop();
    hangUp(sub);
    if (pub.status === 'ready') {
      await withTimeout(pub.quit(), opts.closeTimeoutMs ?? 1000).catch(() => undefined);
    }
    hangUp(pub);
  }

  async function drain(): Promise<void> {
    await publisher.flushNow();
    const last = await pub.xrevrange(keys.stream, '+', '-', 'COUNT', 1);
    const target = last[0]?.[0];
    if (target !== undefined) await reader.readUpTo(target);
  }

  const loop = reader.run();
  const stop = (): Promise<void> => (closing ??= shutdown().then(() => loop));
  const timeout = delay(opts.connectTimeoutMs ?? 2000);
  const pubReady = new Promise<void>((resolve) => {
    if (pub.status === 'ready') resolve();
    else pub.once('ready', resolve);
  });
  await Promise.race([Promise.all([synced, pubReady]), timeout.promise]);
  timeout.cancel();
  started = true;
  checkHealth();

  return {
    id,
    publish: (msg) => publisher.publish(msg),
    subscribe: (handler) => replica.subscribe(handler),
    close: () => void stop(),
    shutdown: stop,
    drain: (timeoutMs = 5000) => withTimeout(drain(), timeoutMs),
    health,
  };
}

/** disconnect() unless already ended (ioredis would leave a 2 s timer on a closed socket). */
function hangUp(client: RedisClient): void {
  if (client.status !== 'end') client.disconnect();
}

function delay(ms: number): { promise: Promise<void>; cancel(): void } {
  let t: NodeJS.Timeout | undefined;
  const promise = new Promise<void>((resolve) => (t = setTimeout(resolve, ms)));
  return { promise, cancel: () => clearTimeout(t) };
}

function withTimeout<T>(p: Promise<T>, ms: number): Promise<T> {
  const d = delay(ms);
  return Promise.race([
    p.finally(() => d.cancel()),
    d.promise.then(() => Promise.reject(new Error(`timed out after ${ms} ms`))),
  ]);
}
