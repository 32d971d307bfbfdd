import type { Worker } from '../core/worker';

/**
 * Messages shared between the processes of one instance. Registry snapshots come from the
 * control plane; load reports come from every ingress process.
 */
export type StateMessage =
  | { readonly t: 'registry'; readonly version: number; readonly workers: readonly Worker[] }
  /**
   * Absolute in-flight counts of the sender for the workers that changed (0 = none), and the
   * sender's predicted prefill work (KV blocks) queued on those workers. `pending` is a
   * routing hint: it travels with live reports only (no retention or resync), and a worker
   * of `entries` missing from it has none.
   */
  | {
      readonly t: 'loads';
      readonly from: string;
      readonly entries: ReadonlyArray<readonly [string, number]>;
      readonly pending?: ReadonlyArray<readonly [string, number]>;
    }
  /** A participant left; its load reports no longer count. */
  | { readonly t: 'peer-down'; readonly from: string }
  /** Engine-reported KV usage (0..1) per worker, from the load monitor. */
  | { readonly t: 'engine-loads'; readonly entries: ReadonlyArray<readonly [string, number]> }
  /**
   * Routing decisions of one participant, batched: every other replica of the prefix index
   * inserts them. `worker` is the worker's URL (instances mint their own ids); `hashes` is
   * the base64 of the little-endian uint64 block hashes.
   */
  | {
      readonly t: 'routed';
      readonly from: string;
      readonly events: ReadonlyArray<{
        readonly model: string;
        readonly worker: string;
        readonly hashes: string;
        /** Speculative entries of the exact (KV-event) index, in the engine's page size. */
        readonly exact?: true;
      }>;
    }
  /** Clear the prefix index everywhere (/flush_cache). */
  | { readonly t: 'prefix-clear'; readonly from: string }
  /**
   * An engine's confirmed KV blocks changed (its KV events, ingested once per instance by the
   * primary; instance-local). `worker` is the URL; `stored`/`removed` are base64 little-endian
   * uint64 collie block hashes; `cleared` drops the worker's blocks first; `live` says whether
   * its events can be trusted now (false: route it by prediction).
   */
  | {
      readonly t: 'kv';
      readonly worker: string;
      readonly model: string;
      readonly live: boolean;
      readonly blockSize?: number;
      readonly cleared?: boolean;
      readonly stored?: string;
      readonly removed?: string;
    };

/** One participant's view of the bus: what it publishes reaches every other participant. */
export interface StateBus {
  readonly id: string;
  publish(msg: StateMessage): void;
  subscribe(handler: (msg: StateMessage) => void): () => void;
  close(): void;
}

/**
 * What a hub remembers so a participant that joins late starts from the current state:
 * the newest registry snapshot and every live participant's last load vector.
 */
export class RetainedState {
  private registry: Extract<StateMessage, { t: 'registry' }> | undefined;
  private engineLoads: Extract<StateMessage, { t: 'engine-loads' }> | undefined;
  /** Newest routing events (bounded) so a late process warms its prefix index. */
  private routed: Array<Extract<StateMessage, { t: 'routed' }>['events'][number]> = [];
  static readonly MAX_ROUTED = 50_000;
  private readonly loads = new Map<string, Map<string, number>>();
  /** Each worker's KV-event deltas since its last clear, so a late process starts exact. */
  private kv = new Map<string, Array<Extract<StateMessage, { t: 'kv' }>>>();
  static readonly MAX_KV_PER_WORKER = 20_000;

  record(msg: StateMessage): void {
    switch (msg.t) {
      case 'registry':
        if (!this.registry || msg.version > this.registry.version) this.registry = msg;
        return;
      case 'loads': {
        let m = this.loads.get(msg.from);
        if (!m) this.loads.set(msg.from, (m = new Map<string, number>()));
        // zeros are kept (dropped at replay): deleting them shrank this long-lived map, and V8
        // reallocates an old map's table in the old generation on every shrink and growth
        for (const [id, n] of msg.entries) m.set(id, n);
        return;
      }
      case 'peer-down':
        this.loads.delete(msg.from);
        return;
      case 'engine-loads':
        this.engineLoads = msg;
        return;
      case 'routed':
        for (const e of msg.events) this.routed.push(e);
        // trimmed with 25% slack, so the copy is amortised over many batches
        if (this.routed.length > RetainedState.MAX_ROUTED * 1.25) {
          this.routed = this.routed.slice(-RetainedState.MAX_ROUTED);
        }
        return;
      case 'prefix-clear':
        this.routed = [];
        return;
      case 'kv': {
        const log = msg.cleared === true ? [] : (this.kv.get(msg.worker) ?? []);
        log.push(msg);
        // past the bound the oldest deltas go: a late process then misses some blocks
        this.kv.set(
          msg.worker,
          log.length > RetainedState.MAX_KV_PER_WORKER
            ? log.slice(-RetainedState.MAX_KV_PER_WORKER / 2)
            : log,
        );
        return;
      }
    }
  }

  /** Messages that bring a newcomer up to date (excluding its own loads). */
  replayFor(id: string): StateMessage[] {
    const out: StateMessage[] = [];
    if (this.registry) out.push(this.registry);
    if (this.engineLoads) out.push(this.engineLoads);
    if (this.routed.length > 0) {
      out.push({ t: 'routed', from: '', events: this.routed.slice(-RetainedState.MAX_ROUTED) });
    }
    for (const log of this.kv.values()) out.push(...log);
    for (const [from, m] of this.loads) {
      for (const [w, n] of m) if (n === 0) m.delete(w);
      if (from !== id && m.size > 0) out.push({ t: 'loads', from, entries: [...m] });
    }
    return out;
  }
}
