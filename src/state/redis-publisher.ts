import type { RedisClient } from './redis-client';
import type { StateMessage } from './bus';
import { encodeBatch, type RedisBusKeys } from './redis-codec';
import { OwnState } from './redis-own-state';
import { PUBLISH, runScript } from './redis-scripts';

/**
 * The sending half of the Redis bus. publish() only appends to a bounded in-memory batch and
 * never throws or waits; a timer flushes the batch every `batchMs` as one stream entry plus
 * its snapshot-hash effect (one Lua call). When Redis is unreachable the batch is discarded
 * (counted in `dropped`) and the next successful flush re-sends this participant's whole
 * state from OwnState instead (a "resync"), so nothing but cache hints is lost.
 */
export interface Publisher {
  publish(msg: StateMessage): void;
  /**
   * The next flush re-sends everything this participant published. `resetSelf` prefixes it
   * with a peer-down for our own id (a predecessor with the same id left load reports behind).
   */
  requestResync(resetSelf?: boolean): void;
  /** Sends the pending batch now; resolves when it is stored or failed (never rejects). */
  flushNow(): Promise<void>;
  /** Flushes, announces peer-down for our id, removes our heartbeat. */
  close(): Promise<void>;
  readonly dropped: number;
}

export interface PublisherDeps {
  readonly client: RedisClient;
  readonly keys: RedisBusKeys;
  readonly id: string;
  readonly batchMs: number;
  readonly maxPending: number;
  readonly streamMaxLen: number;
  /** Delay before retrying a failed flush while the connection looks up (ms). */
  readonly retryMs: number;
  onError(err: unknown): void;
  onSent(): void;
}

const MAX_IN_FLIGHT = 16;

interface Pending {
  readonly msg: StateMessage;
  readonly seq: number;
}

export function createPublisher(deps: PublisherDeps): Publisher {
  const { client, keys, id } = deps;
  const own = new OwnState();
  let pending: Pending[] = [];
  let timer: NodeJS.Timeout | undefined;
  let needResync = false;
  let resetSelf = false;
  let closed = false;
  let dropped = 0;
  /** Flushes written but not answered; bounded so a stalled Redis cannot grow a backlog. */
  let inFlight = 0;
  let lastSend: Promise<void> = Promise.resolve();

  function schedule(ms = deps.batchMs): void {
    if (closed || timer) return;
    timer = setTimeout(() => void flush(), ms);
    timer.unref();
  }

  /** The batch to send now, what to confirm when it is stored, and how to undo on failure. */
  function takeBatch(): { msgs: StateMessage[]; onOk: () => void; onFail: () => void } {
    const taken = pending;
    pending = [];
    if (!needResync) {
      const oneShots = taken.filter((p) => own.isOneShot(p.seq)).map((p) => p.seq);
      return { msgs: taken.map((p) => p.msg), onOk: () => own.confirm(oneShots), onFail() {} };
    }
    needResync = false;
    const upTo = own.lastSeq;
    const msgs = own.resync();
    // Routing events are not part of the state; keep the fresh ones.
    for (const p of taken) if (p.msg.t === 'routed') msgs.push(p.msg);
    const reset = resetSelf;
    resetSelf = false;
    if (reset) msgs.unshift({ t: 'peer-down', from: id });
    return {
      msgs,
      onOk: () => own.pruneUpTo(upTo),
      onFail: () => (resetSelf ||= reset),
    };
  }

  function send(msgs: readonly StateMessage[]): Promise<unknown> {
    const ops = own.snapshotOps(msgs);
    const reg = ops.registry;
    return runScript(
      client,
      PUBLISH,
      [keys.stream, keys.snapshot],
      [
        deps.streamMaxLen,
        encodeBatch(id, msgs),
        reg ? String(reg.version) : '',
        reg ? JSON.stringify(reg) : '',
        ops.sets.length / 2,
        ...ops.sets,
        ...ops.dels,
      ],
    );
  }

  /** Sends the batch now; resolves when it is stored or failed (never rejects). */
  function flush(): Promise<void> {
    if (timer) clearTimeout(timer);
    timer = undefined;
    if (client.status !== 'ready') {
      // Coalesce: the state is in OwnState and goes out as one resync on reconnect.
      dropped += pending.length;
      pending = [];
      needResync = true;
      return Promise.resolve();
    }
    // The answer of an earlier flush reschedules; meanwhile publish() keeps the bound.
    if (inFlight >= MAX_IN_FLIGHT) return Promise.resolve();
    const batch = takeBatch();
    if (batch.msgs.length === 0) return Promise.resolve();
    inFlight++;
    return (lastSend = send(batch.msgs).then(
      () => {
        inFlight--;
        batch.onOk();
        deps.onSent();
        if (pending.length > 0 || needResync) schedule();
      },
      (err: unknown) => {
        inFlight--;
        batch.onFail();
        needResync = true;
        deps.onError(err);
        if (!closed && client.status === 'ready') schedule(deps.retryMs);
      },
    ));
  }

  return {
    publish(msg) {
      if (closed) return;
      pending.push({ msg, seq: own.record(msg) });
      if (pending.length > deps.maxPending) {
        // Drop the oldest; the state they carried goes out again with a resync.
        const over = pending.length - deps.maxPending;
        pending.splice(0, over);
        dropped += over;
        needResync = true;
      }
      schedule();
    },
    requestResync(reset = false) {
      needResync = true;
      resetSelf ||= reset;
      schedule(0);
    },
    // Replies come in order: once the last send settled, nothing is in flight.
    flushNow: () => (closed ? Promise.resolve() : lastSend.then(flush)),
    async close() {
      if (closed) return;
      const msg: StateMessage = { t: 'peer-down', from: id };
      pending.push({ msg, seq: own.record(msg) });
      if (timer) clearTimeout(timer);
      timer = undefined;
      closed = true;
      if (client.status !== 'ready') return;
      const batch = takeBatch();
      await Promise.all([send(batch.msgs), client.del(keys.alive(id))]);
    },
    get dropped() {
      return dropped;
    },
  };
}
