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
 * One IPC write carries every message published in the same event-loop turn: an IPC write
 * costs a syscall and wakes the peer, so the load, prefix and registry publishers of a busy
 * process (each on its own few-ms timer) share one write instead of one each.
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

/** Collects messages and sends them as one envelope at the end of the current turn. */
function batcher(send: (e: Envelope) => void): (m: StateMessage) => void {
  let queue: StateMessage[] = [];
  const flush = (): void => {
    const msgs = queue;
    queue = [];
    send({ tag: TAG, msgs });
  };
  return (m) => {
    if (queue.length === 0) setImmediate(flush);
    queue.push(m);
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
