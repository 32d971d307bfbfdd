import type { StateBus, StateMessage } from './bus';

/** Instance-local kinds: the registry and engine loads belong to one instance's primary. */
const LOCAL_ONLY: ReadonlySet<StateMessage['t']> = new Set(['registry', 'engine-loads', 'kv']);

/**
 * One process's bus when several instances share state. The registry and engine loads stay
 * on the local bus (IPC relay or in-memory); routing events and in-flight load reports go
 * through the shared bus (Redis), which every process of every instance reads directly, so
 * loads are counted once and cluster-wide across instances.
 *
 * Instances mint their own worker ids, so shared messages name workers by URL: this bus
 * translates ids ↔ URLs with the local registry as it passes by.
 */
export function createSplitBus(local: StateBus, shared: StateBus): StateBus {
  let urlOf = new Map<string, string>();
  let idOf = new Map<string, string>();
  const offRegistry = local.subscribe((m) => {
    if (m.t !== 'registry') return;
    urlOf = new Map(m.workers.map((w) => [w.id, w.url]));
    idOf = new Map(m.workers.map((w) => [w.url, w.id]));
  });

  const translate = (
    entries: ReadonlyArray<readonly [string, number]>,
    map: ReadonlyMap<string, string>,
  ): Array<readonly [string, number]> => {
    const out: Array<readonly [string, number]> = [];
    for (const [k, n] of entries) {
      const v = map.get(k);
      if (v !== undefined) out.push([v, n]);
    }
    return out;
  };

  return {
    id: local.id,
    publish(msg) {
      if (LOCAL_ONLY.has(msg.t)) local.publish(msg);
      else if (msg.t === 'loads') {
        shared.publish({
          t: 'loads',
          from: shared.id,
          entries: translate(msg.entries, urlOf),
          ...(msg.pending ? { pending: translate(msg.pending, urlOf) } : {}),
        });
      } else shared.publish(msg);
    },
    subscribe(handler) {
      const offLocal = local.subscribe((m) => {
        if (LOCAL_ONLY.has(m.t)) handler(m);
      });
      const offShared = shared.subscribe((m) => {
        if (LOCAL_ONLY.has(m.t)) return;
        if (m.t === 'loads') {
          handler({
            t: 'loads',
            from: m.from,
            entries: translate(m.entries, idOf),
            ...(m.pending ? { pending: translate(m.pending, idOf) } : {}),
          });
        } else handler(m);
      });
      return () => {
        offLocal();
        offShared();
      };
    },
    close() {
      offRegistry();
      shared.close();
      local.close();
    },
  };
}
