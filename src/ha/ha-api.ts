import { errorReply, GatewayError, type Reply } from '../errors/gateway-error';
import type { Worker } from '../core/worker';
import type { Mesh } from './mesh';

/** The /ha/* operations an ingress process hands to the control plane. */
export const HA_OPS = [
  'status',
  'health',
  'workers',
  'worker',
  'policies',
  'policy',
  'config-get',
  'config-set',
  'rate-limit-get',
  'rate-limit-set',
  'rate-limit-stats',
  'shutdown',
] as const;
export type HaOp = (typeof HA_OPS)[number];

export interface HaCall {
  readonly op: HaOp;
  /** Path parameter: worker id, model id or config key. */
  readonly arg?: string;
  /** Parsed JSON body (syntax already checked by the ingress). */
  readonly body?: unknown;
  /** /ha/workers: in-flight requests per worker id, cluster-wide, as the ingress sees them. */
  readonly loads?: Readonly<Record<string, number>>;
}

/** What the control plane knows that /ha/* reports. */
export interface HaView {
  workers(): readonly Worker[];
  readonly defaultPolicy: string;
  /** Starts this instance's graceful shutdown (after the 202 is sent). */
  shutdown(): void;
}

/** collie's caps (SMG has none): a config value's decoded size and a key's length. */
export const MAX_CONFIG_VALUE_BYTES = 64 * 1024;
export const MAX_CONFIG_KEY_CHARS = 256;
/** Largest accepted limit_per_second (SMG: any u64). */
export const MAX_LIMIT_PER_SECOND = 1_000_000_000;

const JSON_CT = [['content-type', 'application/json']] as const;
const json = (status: number, body: unknown): Reply => ({
  status,
  headers: [...JSON_CT],
  body: JSON.stringify(body),
});
const fail = (code: 'ha_not_found' | 'ha_bad_request' | 'ha_store_unavailable', m: string) =>
  errorReply(new GatewayError(code, m));
/** axum's Json rejection for a body of the wrong shape (422 text). */
const shape = (detail: string): Reply =>
  errorReply(
    new GatewayError(
      'json_data_error',
      `Failed to deserialize the JSON body into the target type: ${detail}`,
    ),
  );

/** Without --redis-url every /ha/* route answers this (SMG: mesh disabled). */
export function meshDisabledReply(): Reply {
  return errorReply(new GatewayError('mesh_not_enabled', 'mesh not enabled'));
}

export async function handleHaCall(mesh: Mesh, view: HaView, call: HaCall): Promise<Reply> {
  try {
    return await dispatch(mesh, view, call);
  } catch (err) {
    const message = err instanceof Error ? err.message : String(err);
    return fail('ha_store_unavailable', `cluster store unavailable: ${message}`);
  }
}

async function dispatch(mesh: Mesh, view: HaView, call: HaCall): Promise<Reply> {
  switch (call.op) {
    case 'status':
      return json(200, await status(mesh, view));
    case 'health':
      return json(200, await health(mesh));
    case 'workers':
      return json(
        200,
        view.workers().map((w) => workerEntry(w, call)),
      );
    case 'worker': {
      const w = view.workers().find((x) => x.id === call.arg);
      return w ? json(200, workerEntry(w, call)) : fail('ha_not_found', 'Worker not found');
    }
    case 'policies':
      return json(200, policies(view));
    case 'policy': {
      const p = policies(view).find((x) => x.model_id === call.arg);
      return p ? json(200, p) : fail('ha_not_found', 'Policy not found');
    }
    case 'config-get': {
      const v = await mesh.getConfig(call.arg ?? '');
      return v === undefined
        ? fail('ha_not_found', 'Config not found')
        : json(200, { key: call.arg, value: v, format: 'hex' });
    }
    case 'config-set':
      return setConfig(mesh, call.body);
    case 'rate-limit-get': {
      const limit = await mesh.getRateLimit();
      return limit === undefined
        ? fail('ha_not_found', 'Global rate limit not configured')
        : json(200, { limit_per_second: limit });
    }
    case 'rate-limit-set':
      return setRateLimit(mesh, call.body);
    case 'rate-limit-stats': {
      const [limit, count] = await Promise.all([mesh.getRateLimit(), mesh.currentCount()]);
      return json(200, {
        limit_per_second: limit ?? 0,
        current_count: count,
        remaining: limit === undefined ? -1 : Math.max(0, limit - count),
      });
    }
    case 'shutdown':
      mesh.setLeaving();
      setImmediate(() => view.shutdown());
      return json(202, { status: 'shutdown initiated' });
  }
}

async function status(mesh: Mesh, view: HaView): Promise<unknown> {
  const [nodes, apps] = await Promise.all([mesh.nodes(), mesh.configCount()]);
  return {
    node_name: mesh.name,
    node_count: nodes.length,
    nodes,
    stores: {
      membership_count: nodes.length,
      worker_count: view.workers().length,
      policy_count: policies(view).length,
      app_count: apps,
    },
  };
}

/** SMG's fields, plus collie's: what is degraded and how the rate limit then behaves. */
async function health(mesh: Mesh): Promise<unknown> {
  const h = mesh.health();
  const [nodes, limit] = await Promise.all([mesh.nodes(), mesh.getRateLimit()]);
  const live = Math.max(1, nodes.filter((n) => n.status === 'Alive').length);
  return {
    status: h.connected && h.nameConflict === undefined ? 'healthy' : 'degraded',
    node_name: mesh.name,
    cluster_size: nodes.length,
    stores_healthy: h.connected,
    redis: { connected: h.connected, ...(h.lastError ? { last_error: h.lastError } : {}) },
    ...(h.nameConflict !== undefined ? { name_conflict: h.nameConflict } : {}),
    rate_limit:
      limit === undefined
        ? { mode: 'unlimited' }
        : h.connected
          ? { mode: 'global', limit_per_second: limit }
          : { mode: 'local', limit_per_second: limit, local_limit_per_second: limit / live },
  };
}

function workerEntry(w: Worker, call: HaCall): unknown {
  const spec = {
    url: w.url,
    model_id: w.modelId,
    runtime_type: w.runtimeType,
    labels: w.labels,
    priority: w.priority,
    cost: w.cost,
  };
  return {
    worker_id: w.id,
    model_id: w.modelId,
    url: w.url,
    health: w.status === 'ready',
    load: call.loads?.[w.id] ?? 0,
    version: w.revision,
    // SMG serialises the stored spec bytes (Vec<u8>) as a JSON array of numbers
    spec: [...Buffer.from(JSON.stringify(spec))],
  };
}

function policies(view: HaView): Array<{
  model_id: string;
  policy_type: string;
  config: number[];
  version: number;
}> {
  const byModel = new Map<string, { policy: string; version: number }>();
  for (const w of view.workers()) {
    if (byModel.has(w.modelId)) continue; // the first worker's hint decides (SMG §5.3.2)
    byModel.set(w.modelId, { policy: w.labels['policy'] ?? view.defaultPolicy, version: 1 });
  }
  return [...byModel].map(([model_id, p]) => ({
    model_id,
    policy_type: p.policy,
    config: [],
    version: p.version,
  }));
}

async function setConfig(mesh: Mesh, body: unknown): Promise<Reply> {
  const o = (body ?? {}) as Record<string, unknown>;
  if (typeof o['key'] !== 'string') return shape(fieldProblem(o, 'key', 'a string'));
  if (typeof o['value'] !== 'string') return shape(fieldProblem(o, 'value', 'a string'));
  const key = o['key'];
  const value = o['value'];
  if (key.length === 0 || key.length > MAX_CONFIG_KEY_CHARS) {
    return fail('ha_bad_request', `Config key must be 1-${MAX_CONFIG_KEY_CHARS} characters`);
  }
  if (value.length % 2 !== 0) return fail('ha_bad_request', 'Hex string must have even length');
  if (!/^[0-9a-fA-F]*$/.test(value)) return fail('ha_bad_request', 'Invalid hex encoding');
  if (value.length / 2 > MAX_CONFIG_VALUE_BYTES) {
    return fail(
      'ha_bad_request',
      `Config value too large: ${value.length / 2} bytes (max ${MAX_CONFIG_VALUE_BYTES})`,
    );
  }
  await mesh.setConfig(key, value.toLowerCase());
  return json(200, { status: 'updated', key });
}

async function setRateLimit(mesh: Mesh, body: unknown): Promise<Reply> {
  const o = (body ?? {}) as Record<string, unknown>;
  const n = o['limit_per_second'];
  if (typeof n !== 'number' || !Number.isInteger(n) || n < 0) {
    return shape(fieldProblem(o, 'limit_per_second', 'u64'));
  }
  if (n > MAX_LIMIT_PER_SECOND) {
    return fail('ha_bad_request', `limit_per_second must be at most ${MAX_LIMIT_PER_SECOND}`);
  }
  await mesh.setRateLimit(n);
  return json(200, { status: 'updated', limit_per_second: n });
}

/** serde's wording for a missing or mistyped field. */
function fieldProblem(o: Record<string, unknown>, field: string, expected: string): string {
  if (!(field in o)) return `missing field \`${field}\``;
  return `${field}: invalid value: ${JSON.stringify(o[field])}, expected ${expected}`;
}
