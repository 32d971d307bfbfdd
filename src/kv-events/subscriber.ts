import { Dealer, Subscriber } from 'zeromq';
import { createSequencer } from './sequencer';
import {
  decodeBatch,
  decodeFrames,
  END_SEQ,
  KvDecodeError,
  readSeq,
  seqBytes,
  type DecodedBatch,
  type SkipReason,
} from './decode';

/** What a subscription reports; every callback is synchronous and must not throw. */
export interface KvSourceSink {
  /** A batch to apply, in publisher order. */
  batch(b: DecodedBatch): void;
  /** The blocks known from this source are void: the engine restarted, or batches were lost. */
  reset(reason: 'restart' | 'lost'): void;
  /** Whether this source's events can be trusted for routing now. */
  live(ok: boolean): void;
  /** A counted incident (a metrics label). */
  count(kind: KvIncident, n?: number): void;
  /** Event lag: now − the batch's timestamp, seconds (publisher clock). */
  lag?(seconds: number): void;
}

export type KvIncident =
  | 'gap'
  | 'replay'
  | 'replay_failed'
  | 'restart'
  | 'lost'
  | 'garbage'
  | 'flood'
  | `skipped_${SkipReason}`;

export interface KvSubscriptionOptions {
  /** PUB endpoint to connect to, e.g. tcp://10.0.0.5:5557. */
  readonly endpoint: string;
  /** ROUTER endpoint for replays; without it a gap voids the source's blocks. */
  readonly replayEndpoint?: string | undefined;
  /** Topic prefix to subscribe to ('' = all). */
  readonly topic?: string;
  readonly sink: KvSourceSink;
  /** A replay that has not finished within this long fails (the source resets). [2000] */
  readonly replayTimeoutMs?: number;
  /** Batches accepted per second before the source is declared flooding. [20000] */
  readonly maxBatchesPerSec?: number;
  /** Live batches held while a replay runs; more voids the source. [10000] */
  readonly maxQueued?: number;
  readonly now?: () => number;
}

export interface KvSubscription {
  close(): void;
}

/**
 * One ZeroMQ SUB connection to an engine's KV-event publisher (one DP rank), with gap repair
 * through a DEALER to the engine's ROUTER replay socket. Never blocks anything: receiving
 * runs on its own async loop; a bad frame is counted and dropped; a source that stops
 * making sense (lost batches, a flood, an unreachable endpoint) is reported not live so
 * routing falls back to prediction for that engine.
 */
export function subscribeKvEvents(opts: KvSubscriptionOptions): KvSubscription {
  const { sink } = opts;
  const now = opts.now ?? Date.now;
  const maxPerSec = opts.maxBatchesPerSec ?? 20_000;
  const maxQueued = opts.maxQueued ?? 10_000;
  const sub = new Subscriber({ receiveHighWaterMark: 100_000, linger: 0 });
  const seq = createSequencer();
  let closed = false;
  let replaying = false;
  let queue: Array<{ seq: bigint; payload: Uint8Array }> = [];
  let windowStart = now();
  let windowCount = 0;
  let flooding = false;
  let connected = false;

  const setLive = (): void => sink.live(connected && !flooding && !replaying);

  sub.events.on('connect', () => {
    connected = true;
    setLive();
  });
  sub.events.on('disconnect', () => {
    connected = false;
    setLive();
  });
  sub.connect(opts.endpoint);
  sub.subscribe(opts.topic ?? '');

  function apply(payload: Uint8Array): void {
    let b: DecodedBatch;
    try {
      b = decodeBatch(payload);
    } catch (e) {
      if (!(e instanceof KvDecodeError)) throw e;
      sink.count('garbage');
      return;
    }
    for (const r of b.skipped) sink.count(`skipped_${r}`);
    if (b.ts > 0) sink.lag?.(Math.max(0, now() / 1000 - b.ts));
    sink.batch(b);
  }

  /** Rate check: past maxPerSec in a one-second window, batches are dropped (and lost). */
  function admit(): boolean {
    const t = now();
    if (t - windowStart >= 1000) {
      if (flooding && windowCount <= maxPerSec) {
        flooding = false;
        setLive();
      }
      windowStart = t;
      windowCount = 0;
    }
    windowCount++;
    if (windowCount <= maxPerSec) return true;
    if (!flooding) {
      flooding = true;
      sink.reset('lost');
      seq.reset();
      setLive();
    }
    sink.count('flood');
    return false;
  }

  function onLive(s: bigint, payload: Uint8Array): void {
    if (replaying) {
      if (queue.length >= maxQueued) {
        queue = [];
        sink.count('lost');
        sink.reset('lost');
        seq.reset();
        return;
      }
      queue.push({ seq: s, payload });
      return;
    }
    const first = seq.expected === undefined;
    const verdict = seq.live(s);
    if (verdict === 'apply' && first && s > 0n && opts.replayEndpoint !== undefined) {
      // a fresh subscription: fetch what the engine cached before we connected
      seq.expect(0n);
      queue.push({ seq: s, payload });
      void replay(0n, true);
      return;
    }
    if (verdict === 'gap') {
      sink.count('gap');
      if (opts.replayEndpoint !== undefined) {
        queue.push({ seq: s, payload });
        void replay(seq.expected ?? 0n, false);
        return;
      }
      sink.count('lost');
      sink.reset('lost');
      seq.reset();
      seq.live(s);
    } else if (verdict === 'restart') {
      sink.count('restart');
      sink.reset('restart');
      if (s > 0n && opts.replayEndpoint !== undefined) {
        // the new process published before we saw it (we reconnected late): fetch those too
        seq.expect(0n);
        queue.push({ seq: s, payload });
        void replay(0n, true);
        return;
      }
    }
    apply(payload);
  }

  async function replay(from: bigint, warmup: boolean): Promise<void> {
    replaying = true;
    setLive();
    sink.count('replay');
    const dealer = new Dealer({ linger: 0, receiveTimeout: opts.replayTimeoutMs ?? 2000 });
    let ok = false;
    try {
      dealer.connect(opts.replayEndpoint as string);
      await dealer.send([Buffer.alloc(0), seqBytes(from)]);
      let firstReplayed = true;
      for (;;) {
        const frames = await dealer.receive();
        if (closed) return;
        if (frames.length !== 3) throw new KvDecodeError('bad replay frame');
        const s = readSeq(frames[1] as Uint8Array);
        if (s === END_SEQ) break;
        const verdict = seq.replayed(s);
        if (verdict === 'lost' && !(warmup && firstReplayed)) {
          sink.count('lost');
          sink.reset('lost');
        }
        firstReplayed = false;
        if (verdict !== 'duplicate') apply(frames[2] as Uint8Array);
      }
      ok = true;
    } catch {
      if (closed) return;
      sink.count('replay_failed');
    } finally {
      dealer.close();
    }
    if (!ok) {
      // what was missed is unknown: void this source and restart from the live stream
      sink.reset('lost');
      seq.reset();
    }
    replaying = false;
    // live batches held during the replay; those the replay already delivered are duplicates
    const upTo = ok ? seq.expected : undefined;
    const held = queue;
    queue = [];
    for (const q of held) {
      if (upTo !== undefined && q.seq < upTo) continue;
      if (!replaying) onLive(q.seq, q.payload);
      else queue.push(q);
    }
    setLive();
  }

  async function loop(): Promise<void> {
    for (;;) {
      let frames: Buffer[];
      try {
        frames = await sub.receive();
      } catch {
        if (closed) return;
        continue;
      }
      if (!admit()) continue;
      try {
        const f = decodeFrames(frames);
        onLive(f.seq, f.payload);
      } catch {
        // a frame that is not ours, or a sink that failed on it: never the receive loop
        sink.count('garbage');
      }
    }
  }
  void loop();

  return {
    close() {
      if (closed) return;
      closed = true;
      sub.close();
    },
  };
}
