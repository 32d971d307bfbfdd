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
interface Envelope {
  readonly tag: typeof TAG;
  readonly msg: StateMessage;
}

function isEnvelope(v: unknown): v is Envelope {
  return typeof v === 'object' && v !== null && (v as { tag?: unknown }).tag === TAG;
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
    retained.record(raw.msg);
    for (const h of handlers) h(raw.msg);
  };
  channel.on('message', onMessage);
  return {
    id,
    publish(msg) {
      channel.send({ tag: TAG, msg } satisfies Envelope);
    },
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
  const peers = new Map<string, { channel: IpcChannel; onMessage: (m: unknown) => void }>();
  const localHandlers = new Set<(m: StateMessage) => void>();
  const retained = new RetainedState();

  function fanOut(from: string, msg: StateMessage): void {
    retained.record(msg);
    for (const [id, p] of peers) {
      if (id !== from && p.channel.isConnected?.() !== false) {
        p.channel.send({ tag: TAG, msg } satisfies Envelope);
      }
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
        if (isEnvelope(raw)) fanOut(id, raw.msg);
      };
      channel.on('message', onMessage);
      peers.set(id, { channel, onMessage });
      for (const m of retained.replayFor(id)) channel.send({ tag: TAG, msg: m } satisfies Envelope);
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
