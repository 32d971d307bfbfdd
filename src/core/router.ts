import type { Worker, WorkerSet, WorkerType } from './worker';
import type { StateBus } from '../state/bus';
import { Replica } from '../cluster/replicated';
import { registrySource } from './registry';
import type { LoadTracker } from './load-tracker';
import type {
  Policy,
  PolicyName,
  PolicyOptions,
  PolicyDeps,
  PolicyFactory,
  RequestInfo,
  RoutingDecision,
} from '../policies/types';
import { GatewayError } from '../errors/gateway-error';

export const ANY_MODEL = 'unknown';
const ANY_SET = '*';

/**
 * The ingress process's replica of the registry, indexed by model, plus one policy instance
 * per model. Rebuilt only when a newer registry snapshot arrives; a routing decision reads
 * the prebuilt sets and never copies the fleet.
 */
export interface Router {
  /** alias → canonical; unknown names are returned unchanged. */
  canonicalModel(model: string): string;
  /**
   * The model whose workers serve a request for `model`: its canonical name; for any model
   * ("unknown" or "") the one model every worker serves, so such a request shares that
   * model's policy and prefix index (exact routing needs the model); else "unknown".
   */
  routedModel(model: string): string;
  isAlias(model: string): boolean;
  /**
   * Picks a worker for `model` ("unknown" = any worker) or throws SMG's 404/503. `admit`
   * may refuse a pick (half-open probe limit) and `exclude` names workers that already
   * failed this request; both fall back to the least-loaded acceptable worker.
   */
  select(model: string, req: RequestInfo, opts?: SelectOptions): Selection;
  /** Registered workers in registry order. */
  workers(): readonly Worker[];
  workerById(id: string): Worker | undefined;
  /** First Ready worker in registry order (info passthrough routes). */
  firstReady(): Worker | undefined;
  /** Distinct model ids of registered workers. */
  modelIds(): readonly string[];
  readonly version: number;
  /** Resolves once the first registry snapshot has been applied. */
  synced(): Promise<void>;
  close(): void;
}

export interface SelectOptions {
  readonly exclude?: ReadonlySet<string>;
  readonly admit?: (w: Worker) => (() => void) | undefined;
}

/** A routing decision, as a value. */
export interface Selection {
  readonly worker: Worker;
  /** Releases the admission (probe slot); idempotent. */
  readonly release: () => void;
  /** Why the policy chose this worker (cache_aware); absent for a fallback pick. */
  readonly routing?: RoutingDecision | undefined;
}

const NOOP = (): void => undefined;

export interface RouterDeps {
  bus: StateBus;
  loads: LoadTracker;
  policyName: PolicyName;
  policyOptions: PolicyOptions;
  policyDeps: Omit<PolicyDeps, 'loads'>;
  /** Requests waiting in this process for a connection to the worker at `url` (pool queue). */
  waiting?: (url: string) => number;
  createPolicy: PolicyFactory;
  aliases: Readonly<Record<string, string>>;
  /** Only workers of this PD role (a PD pool); absent: every worker. */
  role?: WorkerType;
}

interface MutableSet extends WorkerSet {
  readonly all: Worker[];
  readonly available: Worker[];
}

export function createRouter(deps: RouterDeps): Router {
  let ordered: Worker[] = [];
  let sets = new Map<string, MutableSet>();
  let modelOf = new Map<string, string>();
  let byId = new Map<string, Worker>();
  let models: string[] = [];
  const policies = new Map<string, Policy>();
  const aliases = new Map(Object.entries(deps.aliases));
  const waiting = deps.waiting;
  const policyDeps: PolicyDeps = {
    ...deps.policyDeps,
    loads: waiting
      ? Object.assign(Object.create(deps.loads) as LoadTracker, { waiting })
      : deps.loads,
  };

  function policyFor(key: string, set: WorkerSet): Policy {
    let p = policies.get(key);
    if (!p) {
      p = deps.createPolicy(deps.policyName, policyDeps, deps.policyOptions);
      p.onWorkersChanged?.(set);
      policies.set(key, p);
    }
    return p;
  }

  /** A newer registry snapshot arrived (the replica drops older and equal versions). */
  function apply(workers: readonly Worker[]): void {
    const next = new Map<string, MutableSet>();
    const setOf = (key: string): MutableSet => {
      let s = next.get(key);
      if (!s) {
        const prevVersion = sets.get(key)?.version ?? 0;
        next.set(key, (s = { model: key, all: [], available: [], version: prevVersion + 1 }));
      }
      return s;
    };
    const nextModelOf = new Map<string, string>();
    for (const w of workers) {
      nextModelOf.set(w.id, w.modelId);
      for (const key of [w.modelId, ANY_SET]) {
        const s = setOf(key);
        s.all.push(w);
        if (w.status === 'ready' && w.circuit !== 'open') s.available.push(w);
      }
    }
    for (const id of modelOf.keys()) if (!nextModelOf.has(id)) deps.loads.forget(id);
    ordered = [...workers];
    byId = new Map(workers.map((w) => [w.id, w]));
    sets = next;
    modelOf = nextModelOf;
    models = [...new Set(workers.map((w) => w.modelId))];
    for (const [key, p] of policies) {
      const s = next.get(key);
      if (s) p.onWorkersChanged?.(s);
      else {
        p.close?.();
        policies.delete(key);
      }
    }
    // New models get their policy (and its ring/heap) here, off the request path.
    for (const [key, s] of next) policyFor(key, s);
  }

  deps.loads.onChange((id, load) => {
    const model = modelOf.get(id);
    if (model === undefined) return;
    policies.get(model)?.onLoadChanged?.(id, load);
    policies.get(ANY_SET)?.onLoadChanged?.(id, load);
  });

  const replica = new Replica(registrySource(deps.bus), { name: 'workers' });
  const role = deps.role;
  replica.onChange((ws) =>
    apply(role ? ws.filter((w) => (w.workerType ?? 'regular') === role) : ws),
  );

  const canonicalModel = (model: string): string => aliases.get(model) ?? model;
  const routedModel = (model: string): string => {
    const canonical = canonicalModel(model);
    if (canonical !== ANY_MODEL && canonical !== '') return canonical;
    return models.length === 1 ? (models[0] as string) : ANY_MODEL;
  };

  function accept(
    w: Worker,
    opts: SelectOptions,
    routing?: RoutingDecision,
  ): Selection | undefined {
    if (opts.exclude?.has(w.id)) return undefined;
    const release = opts.admit ? opts.admit(w) : NOOP;
    if (!release) return undefined;
    // one object shape whether or not the policy explained its pick
    return { worker: w, release, routing };
  }

  /**
   * The policy's pick was refused (excluded or probe-limited): least-loaded acceptable worker,
   * ignoring exclusions if nothing else is left. O(W), but only on this rare path.
   */
  function fallback(set: WorkerSet, opts: SelectOptions): Selection | undefined {
    const byLoad = [...set.available].sort((a, b) => deps.loads.get(a.id) - deps.loads.get(b.id));
    for (const w of byLoad) {
      const s = accept(w, opts);
      if (s) return s;
    }
    if (!opts.exclude || opts.exclude.size === 0) return undefined;
    return fallback(set, opts.admit ? { admit: opts.admit } : {});
  }

  return {
    canonicalModel,
    routedModel,
    isAlias: (model) => aliases.has(model),
    select(model, req, opts = {}) {
      const routed = routedModel(model);
      const key = routed === ANY_MODEL ? ANY_SET : routed;
      const set = sets.get(key);
      if (!set || set.all.length === 0) {
        throw new GatewayError('model_not_found', `No worker available for model '${model}'`);
      }
      let picked: Worker | undefined;
      let routing: RoutingDecision | undefined;
      if (set.available.length > 0) {
        const policy = policyFor(key, set);
        if (policy.decide) {
          const c = policy.decide(set, req);
          picked = c?.worker;
          routing = c?.decision;
        } else picked = policy.select(set, req);
      }
      const chosen = picked && accept(picked, opts, routing);
      // no pick at all (e.g. an explicit X-SMG-Target-Worker that is down) has no fallback, as in SMG
      const result = chosen ?? (picked ? fallback(set, opts) : undefined);
      if (!result) {
        throw new GatewayError(
          'no_available_workers',
          'All workers are unavailable (circuit breaker open or unhealthy)',
        );
      }
      return result;
    },
    workers: () => ordered,
    workerById: (id) => byId.get(id),
    firstReady: () => ordered.find((w) => w.status === 'ready'),
    modelIds: () => models,
    get version() {
      return replica.version;
    },
    synced: () => replica.synced(),
    close() {
      replica.close();
      for (const p of policies.values()) p.close?.();
      policies.clear();
    },
  };
}
