import type { StateMessage } from './bus';
import { FIELD, type Entries } from './redis-codec';

type RegistryMsg = Extract<StateMessage, { t: 'registry' }>;
type EngineLoadsMsg = Extract<StateMessage, { t: 'engine-loads' }>;

interface LoadEntry {
  n: number;
  /** Sequence number of the publish that last set it. */
  seq: number;
}

/** What one batch changes in the snapshot hash. */
export interface SnapshotOps {
  readonly registry: RegistryMsg | undefined;
  /** field, value, field, value, … */
  readonly sets: string[];
  readonly dels: string[];
}

/**
 * Everything this participant has published, so that after an outage (or a lost batch) it can
 * re-send its current state instead of a backlog of deltas: memory is bounded by the state's
 * size, not by the outage's length.
 *
 * Zero load entries are kept until a resync that carried them succeeded: a peer that missed
 * the delta "w1 → 0" must be told 0 explicitly, absence is not enough. One-shot messages
 * (peer-down, prefix-clear) are kept until the batch that carried them succeeded.
 */
export class OwnState {
  private seq = 0;
  private registry: RegistryMsg | undefined;
  private engineLoads: EngineLoadsMsg | undefined;
  private readonly loads = new Map<string, Map<string, LoadEntry>>();
  private readonly oneShots = new Map<number, StateMessage>();

  get lastSeq(): number {
    return this.seq;
  }

  /** Records a published message; returns its sequence number. */
  record(msg: StateMessage): number {
    const seq = ++this.seq;
    switch (msg.t) {
      case 'registry':
        if (!this.registry || msg.version >= this.registry.version) this.registry = msg;
        break;
      case 'engine-loads':
        this.engineLoads = msg;
        break;
      case 'loads': {
        let m = this.loads.get(msg.from);
        if (!m) this.loads.set(msg.from, (m = new Map<string, LoadEntry>()));
        for (const [id, n] of msg.entries) m.set(id, { n, seq });
        break;
      }
      case 'peer-down':
        this.loads.delete(msg.from);
        this.oneShots.set(seq, msg);
        break;
      case 'prefix-clear':
        this.oneShots.set(seq, msg);
        break;
      case 'kv': // instance-local, never on Redis
      case 'routed':
        // Cache hints: sent once, never re-sent (a lost batch only costs cache hits).
        break;
    }
    return seq;
  }

  isOneShot(seq: number): boolean {
    return this.oneShots.has(seq);
  }

  /** One-shots whose batch was stored. */
  confirm(seqs: readonly number[]): void {
    for (const s of seqs) this.oneShots.delete(s);
  }

  /** Messages that re-create this participant's state at every peer (idempotent). */
  resync(): StateMessage[] {
    const out: StateMessage[] = [...this.oneShots.values()];
    if (this.registry) out.push(this.registry);
    if (this.engineLoads) out.push(this.engineLoads);
    for (const [from, m] of this.loads) {
      const entries: Entries = [];
      for (const [id, e] of m) entries.push([id, e.n]);
      if (entries.length > 0) out.push({ t: 'loads', from, entries });
    }
    return out;
  }

  /** A resync built at `upTo` was stored: forget what it made redundant. */
  pruneUpTo(upTo: number): void {
    for (const [from, m] of this.loads) {
      for (const [id, e] of m) if (e.n === 0 && e.seq <= upTo) m.delete(id);
      if (m.size === 0) this.loads.delete(from);
    }
    for (const s of this.oneShots.keys()) if (s <= upTo) this.oneShots.delete(s);
  }

  /** The snapshot-hash effect of a batch: the current full vector of every sender it touches. */
  snapshotOps(batch: readonly StateMessage[]): SnapshotOps {
    let registry: RegistryMsg | undefined;
    let engine: EngineLoadsMsg | undefined;
    const froms = new Set<string>();
    for (const m of batch) {
      if (m.t === 'registry' && (!registry || m.version >= registry.version)) registry = m;
      else if (m.t === 'engine-loads') engine = m;
      else if (m.t === 'loads' || m.t === 'peer-down') froms.add(m.from);
    }
    const sets: string[] = [];
    const dels: string[] = [];
    if (engine) sets.push(FIELD.engineLoads, JSON.stringify(engine));
    for (const from of froms) {
      const vector: Entries = [];
      for (const [id, e] of this.loads.get(from) ?? []) if (e.n !== 0) vector.push([id, e.n]);
      const field = FIELD.loadsPrefix + from;
      if (vector.length > 0) sets.push(field, JSON.stringify(vector));
      else dels.push(field);
    }
    return { registry, sets, dels };
  }
}
