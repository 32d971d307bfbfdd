import { RetainedState, type StateBus, type StateMessage } from './bus';

/**
 * In-process hub: every participant lives in this process (single-process mode, tests).
 * Delivery is asynchronous (microtask), like the IPC implementation.
 */
export interface MemoryHub {
  join(id: string): StateBus;
}

export function createMemoryHub(): MemoryHub {
  const members = new Map<string, Set<(m: StateMessage) => void>>();
  const retained = new RetainedState();

  function deliver(from: string, msg: StateMessage): void {
    retained.record(msg);
    for (const [id, handlers] of members) {
      if (id === from) continue;
      for (const h of handlers) queueMicrotask(() => h(msg));
    }
  }

  return {
    join(id: string): StateBus {
      const handlers = new Set<(m: StateMessage) => void>();
      members.set(id, handlers);
      let closed = false;
      return {
        id,
        publish(msg) {
          if (!closed) deliver(id, msg);
        },
        subscribe(handler) {
          handlers.add(handler);
          for (const m of retained.replayFor(id)) queueMicrotask(() => handler(m));
          return () => handlers.delete(handler);
        },
        close() {
          if (closed) return;
          closed = true;
          members.delete(id);
          deliver(id, { t: 'peer-down', from: id });
        },
      };
    },
  };
}
