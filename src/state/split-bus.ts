import type { StateBus, StateMessage } from './bus';

/** Message kinds shared between instances (through Redis); everything else stays local. */
const SHARED: ReadonlySet<StateMessage['t']> = new Set(['routed', 'prefix-clear']);

/**
 * One process's bus when several instances share state: instance-local state (registry,
 * loads, engine loads) travels on the local bus (IPC relay or in-memory), routing events on
 * the shared bus (Redis), which every process of every instance reads directly.
 */
export function createSplitBus(local: StateBus, shared: StateBus): StateBus {
  return {
    id: local.id,
    publish(msg) {
      if (SHARED.has(msg.t)) shared.publish(msg);
      else local.publish(msg);
    },
    subscribe(handler) {
      const offLocal = local.subscribe((m) => {
        if (!SHARED.has(m.t)) handler(m);
      });
      const offShared = shared.subscribe((m) => {
        if (SHARED.has(m.t)) handler(m);
      });
      return () => {
        offLocal();
        offShared();
      };
    },
    close() {
      shared.close();
      local.close();
    },
  };
}
