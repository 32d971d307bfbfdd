import type { Logger } from '../util/logger';
import type {
  Worker,
  WorkerStatus,
  WorkerType,
  HealthOverrides,
  CircuitState,
} from '../core/worker';
import type { WorkerRegistry } from '../core/registry';
import { discoverWorker, probeHealth } from '../core/discovery';
import type { EngineClients } from '../dispatch/engine-client';
import { createJobTable, type JobTable } from './jobs';
import { buildModelCard, type ModelCardInput } from '../core/model-card';

export interface RegistrationInput {
  readonly url: string;
  readonly modelId?: string;
  /** The operator's model cards (POST /workers `models`); the first names the model. */
  readonly models?: readonly ModelCardInput[];
  readonly runtimeType?: string;
  readonly labels?: Readonly<Record<string, string>>;
  readonly priority?: number;
  readonly cost?: number;
  readonly apiKey?: string;
  readonly health?: HealthOverrides;
  readonly maxConnectionAttempts?: number;
  readonly workerType?: WorkerType;
  readonly bootstrapPort?: number | null;
}

export interface WorkerManagerOptions {
  readonly registry: WorkerRegistry;
  /** Discovery and health probes go through the engines' clients. */
  readonly engines: EngineClients;
  readonly logger: Logger;
  /** Probe/discovery timeout, ms (SMG: health timeout, 5 s). */
  readonly probeTimeoutMs: number;
  /** Cap of the retry backoff while an engine is unreachable, ms. */
  readonly retryCapMs: number;
  /** Default drain window before a deleted worker leaves the registry, seconds. */
  readonly drainSettleSecs: number;
  /** `--model-alias` (alias → canonical): a model's card lists its aliases. */
  readonly modelAliases?: Readonly<Record<string, string>>;
  /** Called whenever a worker was added or replaced (health checker, CB state). */
  readonly onWorkerAdded?: (w: Worker) => void;
  readonly onWorkerRemoved?: (w: Worker) => void;
}

/**
 * Owner of every registry change (runs in the primary). Registrations are background jobs:
 * probe `/health` until it answers 2xx (bounded attempts or a deadline), discover model and
 * labels, then register the worker Ready (SMG §6.2). Removals drain first.
 */
export class WorkerManager {
  readonly jobs: JobTable = createJobTable();
  private readonly cancelled = new Set<string>();
  private readonly timers = new Set<NodeJS.Timeout>();
  private closed = false;

  constructor(private readonly o: WorkerManagerOptions) {}

  get registry(): WorkerRegistry {
    return this.o.registry;
  }

  get engines(): EngineClients {
    return this.o.engines;
  }

  private client(url: string, apiKey: string | undefined) {
    return this.o.engines.forWorker({ url, apiKey });
  }

  byUrl(url: string): Worker | undefined {
    return this.o.registry.list().find((w) => w.url === url);
  }

  /**
   * Starts a registration job and returns at once. `attempts` bounds the probes; `deadlineMs`
   * (startup workers) bounds the time instead.
   */
  register(
    input: RegistrationInput,
    opts: { attempts?: number; deadlineMs?: number; type?: 'AddWorker' | 'UpdateWorker' } = {},
  ): { id: string; done: Promise<void> } {
    const id = this.o.registry.reserveId(input.url);
    this.cancelled.delete(input.url);
    this.jobs.set(input.url, opts.type ?? 'AddWorker', 'pending');
    const done = this.runRegistration(id, input, opts).catch((err: unknown) => {
      this.jobs.set(input.url, opts.type ?? 'AddWorker', 'failed', String(err));
      this.o.logger.error({ err, worker: input.url }, 'registration job failed');
    });
    return { id, done };
  }

  private async runRegistration(
    id: string,
    input: RegistrationInput,
    opts: { attempts?: number; deadlineMs?: number; type?: 'AddWorker' | 'UpdateWorker' },
  ): Promise<void> {
    const type = opts.type ?? 'AddWorker';
    const { url } = input;
    const maxAttempts = opts.attempts ?? input.maxConnectionAttempts ?? 20;
    this.jobs.set(url, type, 'processing');
    for (let attempt = 0; ; attempt++) {
      if (this.closed || this.cancelled.has(url)) return;
      if (await probeHealth(this.client(url, input.apiKey), this.o.probeTimeoutMs)) break;
      const wait = Math.min(1000 * 2 ** attempt, this.o.retryCapMs);
      const outOfTime =
        opts.deadlineMs !== undefined
          ? Date.now() + wait > opts.deadlineMs
          : attempt + 1 >= maxAttempts;
      if (outOfTime) {
        const msg = `Failed to connect to worker ${url} after ${attempt + 1} attempts`;
        this.jobs.set(url, type, 'failed', msg);
        this.o.logger.error({ worker: url }, msg);
        return;
      }
      this.o.logger.warn({ worker: url, retryInMs: wait }, 'worker not reachable yet');
      await this.sleep(wait);
    }
    const found = await discoverWorker(this.client(url, input.apiKey), this.o.probeTimeoutMs);
    if (this.closed || this.cancelled.has(url)) return;
    const prev = this.o.registry.get(id);
    const apiKey = input.apiKey ?? prev?.apiKey;
    const labels = { ...found.labels, ...(input.labels ?? {}) };
    const modelId = input.modelId ?? found.modelId;
    const w = this.o.registry.upsert({
      id,
      url,
      modelId,
      modelCard: buildModelCard(modelId, input.models, labels, this.o.modelAliases),
      labels,
      runtimeType:
        input.runtimeType && input.runtimeType !== 'unspecified'
          ? input.runtimeType
          : found.runtimeType,
      priority: input.priority ?? 50,
      cost: input.cost ?? 1,
      status: prev?.status ?? 'ready',
      circuit: prev?.circuit ?? 'closed',
      health: input.health ?? {},
      maxConnectionAttempts: input.maxConnectionAttempts ?? 20,
      ...(input.workerType !== undefined && input.workerType !== 'regular'
        ? { workerType: input.workerType }
        : {}),
      ...(input.workerType === 'prefill' ? { bootstrapPort: input.bootstrapPort ?? null } : {}),
      ...(apiKey !== undefined ? { apiKey } : {}),
    });
    this.jobs.clear(url);
    this.o.logger.info(
      { worker: url, id, model: w.modelId },
      type === 'AddWorker' ? 'worker registered' : 'worker replaced',
    );
    this.o.onWorkerAdded?.(w);
  }

  /** PATCH: applied at once. */
  update(
    id: string,
    patch: {
      priority?: number;
      cost?: number;
      labels?: Record<string, string>;
      apiKey?: string;
      health?: HealthOverrides;
    },
  ): Worker | undefined {
    const w = this.o.registry.get(id);
    if (!w) return undefined;
    const next: Omit<Worker, 'revision'> = {
      ...w,
      ...(patch.priority !== undefined ? { priority: patch.priority } : {}),
      ...(patch.cost !== undefined ? { cost: patch.cost } : {}),
      ...(patch.labels !== undefined ? { labels: patch.labels } : {}),
      ...(patch.apiKey !== undefined ? { apiKey: patch.apiKey } : {}),
      ...(patch.health !== undefined ? { health: { ...w.health, ...patch.health } } : {}),
    };
    return this.o.registry.upsert(next);
  }

  setStatus(id: string, status: WorkerStatus): void {
    this.o.registry.setStatus(id, status);
  }

  setCircuit(id: string, circuit: CircuitState): void {
    const w = this.o.registry.get(id);
    if (w && w.circuit !== circuit) this.o.registry.upsert({ ...w, circuit });
  }

  /**
   * DELETE: cancels a running registration of that URL, drains a registered worker for its
   * settle window (no new traffic), then removes it and every trace of it.
   */
  remove(id: string): 'accepted' | 'not_found' {
    const w = this.o.registry.get(id);
    const url = w?.url ?? this.urlOfReserved(id);
    if (!url) return 'not_found';
    if (!w) {
      if (!this.jobs.active(url)) return 'not_found';
      this.cancelled.add(url);
      this.jobs.clear(url);
      this.o.registry.release(url);
      return 'accepted';
    }
    this.cancelled.add(url);
    const settle = (w.health.drainSettleSecs ?? this.o.drainSettleSecs) * 1000;
    this.jobs.set(url, 'RemoveWorker', 'processing');
    this.o.registry.setStatus(id, 'draining');
    const finish = (): void => {
      this.o.registry.remove(id);
      this.jobs.clear(url);
      this.o.onWorkerRemoved?.(w);
      this.o.logger.info({ worker: url, id }, 'worker removed');
    };
    if (settle === 0) finish();
    else void this.sleep(settle).then(() => !this.closed && finish());
    return 'accepted';
  }

  private urlOfReserved(id: string): string | undefined {
    return this.o.registry.reservedUrl(id);
  }

  private sleep(ms: number): Promise<void> {
    return new Promise((resolve) => {
      const t = setTimeout(() => {
        this.timers.delete(t);
        resolve();
      }, ms);
      t.unref();
      this.timers.add(t);
    });
  }

  close(): void {
    this.closed = true;
    for (const t of this.timers) clearTimeout(t);
    this.timers.clear();
  }
}
