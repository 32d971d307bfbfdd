import { RetainedState, type StateBus, type StateMessage } from './bus';

/** The part of a cluster Worker / process IPC channel the bus needs. */
export interface IpcChannel {
  send(msg: unknown): unknown;
  /** False once the peer process is gone (cluster Worker / process expose it). */
  isConnected?(): boolean;
  on(event: 'message', fn: (msg: unknown) => void): unknown;
  off(event: 'message', fn: (msg: unknown) => void): unknown;
}

const TAG = 'collie:state';
/**
 * An IPC write costs a syscall and wakes the peer, so writes are coalesced: a message goes
 * out at once when the channel has been quiet for `minGapMs`, otherwise with everything else
 * published until the gap has passed (at most one write per gap per direction). The load,
 * prefix and registry publishers of a busy process, each on its own few-ms timer, then share
 * one write; a quiet process sends each message immediately.
 */
interface Envelope {
  readonly tag: typeof TAG;
  readonly msgs: readonly StateMessage[];
}

function isEnvelope(v: unknown): v is Envelope {
  return (
    typeof v === 'object' &&
    v !== null &&
    (v as { tag?: unknown }).tag === TAG &&
    Array.isArray((v as { msgs?: unknown }).msgs)
  );
}

/** Default gap between two IPC writes of one channel, ms. */
export const IPC_MIN_GAP_MS = 5;

/** Collects messages and sends them as one envelope, at most one write per `minGapMs`. */
function batcher(
  send: (e: Envelope) => void,
  minGapMs = IPC_MIN_GAP_MS,
): (m: StateMessage) => void {
  let queue: StateMessage[] = [];
  let lastWrite = -Infinity;
  let scheduled = false;
  const flush = (): void => {
    scheduled = false;
    lastWrite = performance.now();
    const msgs = queue;
    queue = [];
    send({ tag: TAG, msgs });
  };
  return (m) => {
    queue.push(m);
    if (scheduled) return;
    scheduled = true;
    const wait = lastWrite + minGapMs - performance.now();
    // same turn's messages still join (setImmediate); a busy channel waits out the gap
    if (wait <= 0) setImmediate(flush);
    else setTimeout(flush, wait);
  };
}

/**
 * Ingress side: talks to the primary over the process IPC channel. It retains the current
 * state, so a subscriber that attaches after messages arrived (startup is asynchronous)
 * still starts from the newest registry and load reports.
 */
export function createIpcBus(id: string, channel: IpcChannel): StateBus {
  const handlers = new Set<(m: StateMessage) => void>();
  const retained = new RetainedState();
  const onMessage = (raw: unknown): void => {
    if (!isEnvelope(raw)) return;
    for (const msg of raw.msgs) {
      retained.record(msg);
      for (const h of handlers) h(msg);
    }
  };
  channel.on('message', onMessage);
  const publish = batcher((e) => {
    if (channel.isConnected?.() !== false) channel.send(e);
  });
  return {
    id,
    publish,
    subscribe(handler) {
      handlers.add(handler);
      for (const m of retained.replayFor(id)) handler(m);
      return () => handlers.delete(handler);
    },
    close() {
      channel.off('message', onMessage);
      handlers.clear();
    },
  };
}

/**
 * Primary side: relays every message from one child to all other children and to the
 * primary's own participant (the control plane), and replays retained state to a child
 * that joins late (a restarted ingress process).
 */
export interface IpcHub {
  /** The primary's own participant. */
  readonly local: StateBus;
  addPeer(id: string, channel: IpcChannel): void;
  removePeer(id: string): void;
}

export function createIpcHub(localId = 'primary'): IpcHub {
  const peers = new Map<
    string,
    { channel: IpcChannel; onMessage: (m: unknown) => void; send: (m: StateMessage) => void }
  >();
  const localHandlers = new Set<(m: StateMessage) => void>();
  const retained = new RetainedState();

  function fanOut(from: string, msg: StateMessage): void {
    retained.record(msg);
    for (const [id, p] of peers) {
      if (id !== from) p.send(msg);
    }
    if (from !== localId) for (const h of localHandlers) h(msg);
  }

  const local: StateBus = {
    id: localId,
    publish: (msg) => fanOut(localId, msg),
    subscribe(handler) {
      localHandlers.add(handler);
      return () => localHandlers.delete(handler);
    },
    close() {
      localHandlers.clear();
    },
  };

  return {
    local,
    addPeer(id, channel) {
      const onMessage = (raw: unknown): void => {
        if (isEnvelope(raw)) for (const msg of raw.msgs) fanOut(id, msg);
      };
      channel.on('message', onMessage);
      const send = batcher((e) => {
        if (channel.isConnected?.() !== false) channel.send(e);
      });
      peers.set(id, { channel, onMessage, send });
      for (const m of retained.replayFor(id)) send(m);
    },
    removePeer(id) {
      const p = peers.get(id);
      if (!p) return;
      p.channel.off('message', p.onMessage);
      peers.delete(id);
      fanOut(id, { t: 'peer-down', from: id });
    },
  };
}
