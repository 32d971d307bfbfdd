import type { HealthOverrides, Worker } from '../core/worker';
import type { RegistrationInput, WorkerManager } from '../control/worker-manager';
import { registrationOf, type WorkersCall } from '../control/workers-api';
import type { WorkerSpec } from '../control/worker-spec';
import type { Reply } from '../errors/gateway-error';
import type { RedisClient } from '../state/redis-client';
import type { Logger } from '../util/logger';
import type { HaKeys } from './keys';
import { startLwwSync, type LwwEntry } from './lww-sync';

export interface WorkerSync {
  /**
   * Publishes what a /workers call on this instance changed. `before`: the URL the call's
   * worker id named before it ran (a DELETE of a pending registration releases the id).
   */
  afterCall(call: WorkersCall, before: string | undefined, reply: Reply): void;
  /** Publishes a startup (--worker-urls) registration. */
  registered(input: RegistrationInput): void;
  sync(): Promise<void>;
  close(): void;
}

export interface WorkerSyncDeps {
  readonly client: RedisClient;
  readonly keys: HaKeys;
  readonly manager: WorkerManager;
  readonly node: string;
  readonly logger: Pick<Logger, 'debug'>;
  readonly pollMs?: number;
}

/**
 * The cluster-wide worker registry: entries keyed by worker URL (instances mint their own
 * ids) hold the registration that reproduces the worker. Each instance applies them to its
 * own WorkerManager, which probes health itself; health-driven removals stay local (only
 * /workers calls and --worker-urls are published).
 */
export function startWorkerSync(d: WorkerSyncDeps): WorkerSync {
  const { manager } = d;
  const lww = startLwwSync<RegistrationInput>({
    client: d.client,
    hash: d.keys.workers,
    version: d.keys.workersVersion,
    node: d.node,
    logger: d.logger,
    ...(d.pollMs !== undefined ? { pollMs: d.pollMs } : {}),
    adapter: {
      apply: (e) => apply(manager, e),
      local: () => manager.registry.list().map((w) => [w.url, inputOf(w)] as const),
      parseInput: (v, key) =>
        typeof v === 'object' && v !== null && (v as { url?: unknown }).url === key
          ? (v as RegistrationInput)
          : undefined,
    },
  });
  return {
    afterCall(call, before, reply) {
      if (reply.status !== 202) return;
      if (call.method === 'POST' || call.method === 'PUT') {
        const input = registrationOf(call.body as WorkerSpec);
        lww.put(input.url, input);
      } else if (call.method === 'PATCH') {
        const w = call.id !== undefined ? manager.registry.get(call.id) : undefined;
        if (w) lww.put(w.url, inputOf(w));
      } else if (call.method === 'DELETE' && before !== undefined) {
        lww.put(before, undefined);
      }
    },
    registered: (input) => lww.put(input.url, input),
    sync: () => lww.sync(),
    close: () => lww.close(),
  };
}

function apply(manager: WorkerManager, e: LwwEntry<RegistrationInput>): void {
  const local = manager.byUrl(e.key);
  if (e.deleted) {
    const pending = manager.jobs.active(e.key) ? manager.registry.reserveId(e.key) : undefined;
    const id = local?.id ?? pending;
    if (id !== undefined && local?.status !== 'draining') manager.remove(id);
  } else if (e.input) {
    if (local && local.status !== 'draining') {
      // discovered labels stay; the entry's own labels win
      const labels = { ...local.labels, ...(e.input.labels ?? {}) };
      manager.update(local.id, { ...patchOf(e.input), labels });
    } else if (!manager.jobs.active(e.key)) manager.register(e.input);
  }
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
  apiKey?: string;
  health?: HealthOverrides;
} {
  return {
    ...(i.priority !== undefined ? { priority: i.priority } : {}),
    ...(i.cost !== undefined ? { cost: i.cost } : {}),
    ...(i.apiKey !== undefined ? { apiKey: i.apiKey } : {}),
    ...(i.health !== undefined ? { health: i.health } : {}),
  };
}
