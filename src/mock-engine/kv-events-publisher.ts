import { Publisher, Router } from 'zeromq';
import { encodeBatch, type WireEvent } from '../kv-events/encode';
import { END_SEQ, readSeq, seqBytes } from '../kv-events/decode';
import type { KvCacheObserver, PrefixKvCache } from './kv-cache';
import type { MockKvEventsOptions } from './kv-events-config';

export type { MockKvEventsOptions } from './kv-events-config';

/** What a test or the CLI can tell the publishing engine to do. */
export interface MockKvEventsControl {
  /** The bound PUB endpoint (the real port when bound with `:*`). */
  readonly endpoint: string;
  /** The bound ROUTER endpoint for replays, if any. */
  readonly replayEndpoint: string | undefined;
  /** The seq the next batch gets. */
  readonly nextSeq: bigint;
  /** Drops the next `n` batches from the PUB socket (kept for replay): a subscriber sees a gap. */
  dropNext(n: number): void;
  /** A restart: seq counts from 0 again, the replay buffer and the cache are emptied, no event. */
  restart(): void;
  /** Publishes pending events now. */
  flush(): Promise<void>;
}

export interface MockKvEventsPublisher extends MockKvEventsControl {
  readonly observer: KvCacheObserver;
  close(): void;
}

/**
 * vLLM's ZmqEventPublisher, simulated: events of one engine step (one macrotask here) go out
 * as one batch `[topic, seq, msgpack EventBatch]` on a PUB socket, and are kept in a ring for
 * replays served on a ROUTER socket (request `["", start seq]` → `["", seq, payload]`… then
 * `["", -1, ""]`). Engine hashes are the cache's own 64-bit block hashes.
 */
export async function startKvEventsPublisher(
  opts: MockKvEventsOptions,
  onRestart: () => void,
): Promise<MockKvEventsPublisher> {
  const format = opts.format ?? 'map';
  const bufferSteps = opts.bufferSteps ?? 10_000;
  const topic = Buffer.from(opts.topic ?? '');
  const pub = new Publisher({ linger: 0, sendHighWaterMark: 100_000 });
  await pub.bind(opts.endpoint);
  let router: Router | undefined;
  if (opts.replayEndpoint !== undefined) {
    router = new Router({ linger: 0 });
    await router.bind(opts.replayEndpoint);
  }
  let seq = 0n;
  let ring: Array<{ seq: bigint; payload: Buffer }> = [];
  let pending: WireEvent[] = [];
  let scheduled = false;
  let drop = 0;
  let closed = false;
  let sending: Promise<void> = Promise.resolve();

  async function publishPending(): Promise<void> {
    scheduled = false;
    if (pending.length === 0 || closed) return;
    const payload = encodeBatch(pending, {
      format,
      ts: Date.now() / 1000,
      ...(opts.dpRank !== undefined ? { dpRank: opts.dpRank } : {}),
    });
    pending = [];
    const s = seq++;
    ring.push({ seq: s, payload });
    if (ring.length > bufferSteps * 1.25) ring = ring.slice(-bufferSteps);
    if (drop > 0) {
      drop--;
      return;
    }
    await pub.send([topic, seqBytes(s), payload]);
  }

  const queue = (e: WireEvent): void => {
    if (closed) return;
    pending.push(e);
    if (scheduled) return;
    scheduled = true;
    setImmediate(() => {
      sending = sending.then(publishPending).catch(() => undefined);
    });
  };

  async function serveReplays(r: Router): Promise<void> {
    for (;;) {
      let frames: Buffer[];
      try {
        frames = await r.receive();
      } catch {
        return; // closed
      }
      if (frames.length !== 3) continue;
      const [id, , start] = frames as [Buffer, Buffer, Buffer];
      let from: bigint;
      try {
        from = readSeq(start);
      } catch {
        continue;
      }
      try {
        for (const b of ring) {
          if (b.seq >= from) await r.send([id, Buffer.alloc(0), seqBytes(b.seq), b.payload]);
        }
        await r.send([id, Buffer.alloc(0), seqBytes(END_SEQ), Buffer.alloc(0)]);
      } catch {
        if (closed) return;
      }
    }
  }
  if (router) void serveReplays(router);

  const observer: KvCacheObserver = {
    stored(hashes, parent, tokens) {
      queue({
        type: 'BlockStored',
        block_hashes: [...hashes],
        parent_block_hash: parent,
        token_ids: [...tokens],
        block_size: tokens.length / hashes.length,
        medium: 'GPU',
      });
    },
    removed(hashes) {
      queue({ type: 'BlockRemoved', block_hashes: [...hashes], medium: 'GPU' });
    },
    cleared() {
      queue({ type: 'AllBlocksCleared' });
    },
  };

  return {
    observer,
    endpoint: pub.lastEndpoint ?? opts.endpoint,
    replayEndpoint: router?.lastEndpoint ?? undefined,
    get nextSeq() {
      return seq;
    },
    dropNext(n) {
      drop += n;
    },
    restart() {
      pending = [];
      ring = [];
      seq = 0n;
      onRestart(); // empties the cache; the events it queues die with the old process
      pending = [];
    },
    async flush() {
      await new Promise<void>((resolve) => setImmediate(resolve));
      sending = sending.then(publishPending).catch(() => undefined);
      await sending;
    },
    close() {
      closed = true;
      pub.close();
      router?.close();
    },
  };
}

/** The public controls of a publisher and its cache (MockEngine.kvEvents). */
export function kvEventsControl(
  pub: MockKvEventsPublisher,
  kv: PrefixKvCache,
): MockKvEventsControl & { evict(blocks: number): number } {
  return {
    endpoint: pub.endpoint,
    replayEndpoint: pub.replayEndpoint,
    get nextSeq() {
      return pub.nextSeq;
    },
    dropNext: (n) => pub.dropNext(n),
    restart: () => pub.restart(),
    flush: () => pub.flush(),
    evict: (n) => kv.evict(n),
  };
}
