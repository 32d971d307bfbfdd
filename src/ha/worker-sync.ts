import type { HealthOverrides, Worker } from '../core/worker';
import type { RegistrationInput, WorkerManager } from '../control/worker-manager';
import { registrationOf, type WorkersCall } from '../control/workers-api';
import type { WorkerSpec } from '../control/worker-spec';
import type { Reply } from '../errors/gateway-error';
import type { RedisClient } from '../state/redis-client';
import { runScript } from '../state/redis-scripts';
import type { Logger } from '../util/logger';
import type { HaKeys } from './keys';
import { PUT_WORKER } from './scripts';

/**
 * One worker in the cluster registry: a registration (what POST/PUT/PATCH or --worker-urls
 * asked for) or a tombstone (DELETE). Keyed by URL, because every instance mints its own
 * worker ids. `v` (ms since the epoch of the change) and `node` order writes: last writer
 * wins, the node name breaks ties.
 */
export interface ClusterWorkerEntry {
  readonly url: string;
  readonly deleted: boolean;
  readonly input?: RegistrationInput;
  readonly v: number;
  readonly node: string;
}

export interface WorkerSync {
  /**
   * Publishes what a /workers call on this instance changed. `before`: the URL the call's
   * worker id named before it ran (a DELETE of a pending registration releases the id).
   */
  afterCall(call: WorkersCall, before: string | undefined, reply: Reply): void;
  /** Publishes a startup (--worker-urls) registration. */
  registered(input: RegistrationInput): void;
  /** Pulls and applies the cluster's changes now (also every `pollMs`). */
  sync(): Promise<void>;
  close(): void;
}

export interface WorkerSyncDeps {
  readonly client: RedisClient;
  readonly keys: HaKeys;
  readonly manager: WorkerManager;
  readonly node: string;
  readonly logger: Pick<Logger, 'info' | 'warn' | 'debug'>;
  /** Poll period of the cluster registry's version, ms (default 500). */
  readonly pollMs?: number;
  readonly now?: () => number;
}

/**
 * The cluster-wide worker registry over Redis. Changes made through /workers (or given as
 * --worker-urls) on any instance are written to one hash with a version; every instance
 * polls the hash's change counter and applies newer entries to its own WorkerManager (which
 * probes health itself). A change made while Redis is away is applied locally at once and
 * written when Redis returns, unless a newer one is stored by then; after Redis comes back
 * empty, every instance writes back the workers it has.
 */
export function startWorkerSync(d: WorkerSyncDeps): WorkerSync {
  const { client, keys, manager } = d;
  const now = d.now ?? Date.now;
  /** url → version of the entry applied or published here. */
  const applied = new Map<string, number>();
  /** Entries not yet stored (Redis was away). */
  const unsent = new Map<string, ClusterWorkerEntry>();
  let seenVersion: string | null | undefined;
  let lastV = 0;
  let syncing = false;

  /** Versions strictly increase per instance even within one millisecond. */
  const nextV = (): number => (lastV = Math.max(now(), lastV + 1));

  function publish(entry: ClusterWorkerEntry): void {
    applied.set(entry.url, entry.v);
    unsent.set(entry.url, entry);
    void flush();
  }

  async function flush(): Promise<void> {
    if (client.status !== 'ready') return;
    for (const [url, e] of [...unsent]) {
      try {
        await runScript(
          client,
          PUT_WORKER,
          [keys.workers, keys.workersVersion],
          [url, JSON.stringify(e), e.v, e.node],
        );
        if (unsent.get(url) === e) unsent.delete(url);
      } catch (err) {
        d.logger.debug({ err, url }, 'ha: worker entry not stored yet');
        return;
      }
    }
  }

  function entryOf(url: string, input: RegistrationInput | undefined): ClusterWorkerEntry {
    return input
      ? { url, deleted: false, input, v: nextV(), node: d.node }
      : { url, deleted: true, v: nextV(), node: d.node };
  }

  function apply(e: ClusterWorkerEntry): void {
    const local = manager.byUrl(e.url);
    if (e.deleted) {
      const id =
        local?.id ?? (manager.jobs.active(e.url) ? manager.registry.reserveId(e.url) : undefined);
      if (id !== undefined && local?.status !== 'draining') manager.remove(id);
    } else if (e.input) {
      if (local && local.status !== 'draining') {
        // discovered labels stay; the entry's own labels win
        const labels = { ...local.labels, ...(e.input.labels ?? {}) };
        manager.update(local.id, { ...patchOf(e.input), labels });
      } else if (!manager.jobs.active(e.url)) manager.register(e.input);
    }
    applied.set(e.url, e.v);
  }

  async function sync(): Promise<void> {
    if (syncing || client.status !== 'ready') return;
    syncing = true;
    try {
      await flush();
      const version = await client.get(keys.workersVersion);
      if (version !== null && version === seenVersion) return;
      const all = await client.hgetall(keys.workers);
      const stored = new Set<string>();
      for (const raw of Object.values(all)) {
        const e = parseEntry(raw);
        if (!e) continue;
        stored.add(e.url);
        if ((applied.get(e.url) ?? -1) < e.v) apply(e);
      }
      // Redis lost them (restart) or never had them (added while away): write them back
      for (const w of manager.registry.list()) {
        if (!stored.has(w.url) && !unsent.has(w.url)) {
          publish({
            url: w.url,
            deleted: false,
            input: inputOf(w),
            v: applied.get(w.url) ?? nextV(),
            node: d.node,
          });
        }
      }
      seenVersion = version;
    } finally {
      syncing = false;
    }
  }

  const timer = setInterval(() => {
    sync().catch((err: unknown) => d.logger.debug({ err }, 'ha: worker sync failed'));
  }, d.pollMs ?? 500);
  timer.unref();

  return {
    afterCall(call, before, reply) {
      if (reply.status !== 202 || call.method === 'GET') return;
      if (call.method === 'POST' || call.method === 'PUT') {
        const input = registrationOf(call.body as WorkerSpec);
        publish(entryOf(input.url, input));
      } else if (call.method === 'PATCH') {
        const w = call.id !== undefined ? manager.registry.get(call.id) : undefined;
        if (w) publish(entryOf(w.url, inputOf(w)));
      } else if (call.method === 'DELETE' && before !== undefined) {
        publish(entryOf(before, undefined));
      }
    },
    registered(input) {
      publish(entryOf(input.url, input));
    },
    sync,
    close() {
      clearInterval(timer);
    },
  };
}

/** A registered worker as the registration that reproduces it elsewhere. */
function inputOf(w: Worker): RegistrationInput {
  return {
    url: w.url,
    modelId: w.modelId,
    runtimeType: w.runtimeType,
    labels: w.labels,
    priority: w.priority,
    cost: w.cost,
    health: w.health,
    maxConnectionAttempts: w.maxConnectionAttempts,
    ...(w.apiKey !== undefined ? { apiKey: w.apiKey } : {}),
  };
}

function patchOf(i: RegistrationInput): {
  priority?: number;
  cost?: number;
  labels?: Record<string, string>;
  apiKey?: string;
  health?: HealthOverrides;
} {
  return {
    ...(i.priority !== undefined ? { priority: i.priority } : {}),
    ...(i.cost !== undefined ? { cost: i.cost } : {}),
    ...(i.labels !== undefined ? { labels: { ...i.labels } } : {}),
    ...(i.apiKey !== undefined ? { apiKey: i.apiKey } : {}),
    ...(i.health !== undefined ? { health: i.health } : {}),
  };
}

function parseEntry(raw: string): ClusterWorkerEntry | undefined {
  let v: unknown;
  try {
    v = JSON.parse(raw);
  } catch {
    return undefined;
  }
  if (typeof v !== 'object' || v === null) return undefined;
  const e = v as Record<string, unknown>;
  if (typeof e['url'] !== 'string' || typeof e['v'] !== 'number') return undefined;
  if (typeof e['node'] !== 'string' || typeof e['deleted'] !== 'boolean') return undefined;
  const input = e['input'];
  if (!e['deleted'] && (typeof input !== 'object' || input === null)) return undefined;
  if (!e['deleted'] && (input as Record<string, unknown>)['url'] !== e['url']) return undefined;
  return v as ClusterWorkerEntry;
}
