import { RetainedState, type StateMessage } from './bus';
import {
  FIELD,
  parseEngineLoads,
  parseEntries,
  parseJson,
  parseRegistry,
  type Entries,
} from './redis-codec';

type RegistryMsg = Extract<StateMessage, { t: 'registry' }>;
type EngineLoadsMsg = Extract<StateMessage, { t: 'engine-loads' }>;

/** The snapshot hash, validated. */
export interface Snapshot {
  readonly registry: RegistryMsg | undefined;
  readonly engineLoads: EngineLoadsMsg | undefined;
  readonly loads: ReadonlyMap<string, Entries>;
  /** Fields that failed validation. */
  readonly invalid: number;
}

export function parseSnapshot(hash: Readonly<Record<string, string>>): Snapshot {
  let registry: RegistryMsg | undefined;
  let engineLoads: EngineLoadsMsg | undefined;
  const loads = new Map<string, Entries>();
  let invalid = 0;
  for (const [field, raw] of Object.entries(hash)) {
    if (field === FIELD.registryVersion) continue;
    const v = parseJson(raw);
    if (field === FIELD.registry) {
      registry = parseRegistry(v);
      if (!registry) invalid++;
    } else if (field === FIELD.engineLoads) {
      engineLoads = parseEngineLoads(v);
      if (!engineLoads) invalid++;
    } else if (field.startsWith(FIELD.loadsPrefix)) {
      const entries = parseEntries(v);
      if (entries) loads.set(field.slice(FIELD.loadsPrefix.length), entries);
      else invalid++;
    }
  }
  return { registry, engineLoads, loads, invalid };
}

/**
 * What this participant has delivered to its subscribers: the retained state a late
 * subscriber is replayed, and per peer the load vector it was told, so that a resync from the
 * snapshot delivers only differences (including explicit zeros for entries that vanished).
 */
export class Replica {
  private readonly handlers = new Set<(m: StateMessage) => void>();
  private readonly retained = new RetainedState();
  private readonly peerLoads = new Map<string, Map<string, number>>();
  private registryVersion: number | undefined;
  private engineJson: string | undefined;

  constructor(
    private readonly selfId: string,
    private readonly onHandlerError: (err: unknown) => void,
  ) {}

  subscribe(handler: (m: StateMessage) => void): () => void {
    this.handlers.add(handler);
    for (const m of this.retained.replayFor(this.selfId)) this.call(handler, m);
    return () => this.handlers.delete(handler);
  }

  clear(): void {
    this.handlers.clear();
  }

  /**
   * Peers whose load reports currently count here (a count above zero). Zero counts are kept
   * between reports (a map entry deleted and re-added per request would rebuild the map's table,
   * in the old generation, per report); they are pruned here, once per heartbeat.
   */
  knownPeers(): string[] {
    const out: string[] = [];
    for (const [from, m] of this.peerLoads) {
      let counts = false;
      for (const [id, n] of m) {
        if (n !== 0) counts = true;
        else m.delete(id);
      }
      if (counts) out.push(from);
      else this.peerLoads.delete(from);
    }
    return out;
  }

  private counts(from: string): boolean {
    const m = this.peerLoads.get(from);
    if (m === undefined) return false;
    for (const n of m.values()) if (n !== 0) return true;
    return false;
  }

  deliver(msg: StateMessage): void {
    this.track(msg);
    this.retained.record(msg);
    for (const h of this.handlers) this.call(h, msg);
  }

  /** Brings subscribers up to date with a snapshot; `dead` peers are announced down. */
  applySnapshot(snap: Snapshot, dead: ReadonlySet<string>): void {
    const reg = snap.registry;
    if (reg && (this.registryVersion === undefined || reg.version > this.registryVersion)) {
      this.deliver(reg);
    }
    if (snap.engineLoads && JSON.stringify(snap.engineLoads) !== this.engineJson) {
      this.deliver(snap.engineLoads);
    }
    for (const [from, vector] of snap.loads) {
      if (from === this.selfId || dead.has(from)) continue;
      const entries = this.diff(from, vector);
      if (entries.length > 0) this.deliver({ t: 'loads', from, entries });
    }
    for (const from of dead) {
      if (this.counts(from)) this.deliver({ t: 'peer-down', from });
    }
  }

  private diff(from: string, vector: Entries): Entries {
    const old = this.peerLoads.get(from) ?? new Map<string, number>();
    const out: Entries = [];
    const seen = new Set<string>();
    for (const [id, n] of vector) {
      seen.add(id);
      if ((old.get(id) ?? 0) !== n) out.push([id, n]);
    }
    for (const [id, n] of old) if (n !== 0 && !seen.has(id)) out.push([id, 0]);
    return out;
  }

  private track(msg: StateMessage): void {
    switch (msg.t) {
      case 'registry':
        this.registryVersion = Math.max(this.registryVersion ?? msg.version, msg.version);
        return;
      case 'engine-loads':
        this.engineJson = JSON.stringify(msg);
        return;
      case 'loads': {
        if (msg.from === this.selfId) return;
        let m = this.peerLoads.get(msg.from);
        if (!m) this.peerLoads.set(msg.from, (m = new Map<string, number>()));
        for (const [id, n] of msg.entries) m.set(id, n);
        return;
      }
      case 'peer-down':
        this.peerLoads.delete(msg.from);
        return;
      case 'routed':
      case 'prefix-clear':
      case 'kv':
        return;
    }
  }

  private call(h: (m: StateMessage) => void, m: StateMessage): void {
    try {
      h(m);
    } catch (err) {
      this.onHandlerError(err);
    }
  }
}
