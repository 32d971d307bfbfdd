import { errorReply, GatewayError, type Reply } from '../errors/gateway-error';
import type { FixedStatusCode } from '../errors/codes';
import { validateWorkerUrl } from '../core/worker-url';
import type { Worker } from '../core/worker';
import type { RegistrationInput, WorkerManager } from './worker-manager';
import {
  checkShape,
  healthOverrides,
  readWorkerSpec,
  WorkerUpdateSchema,
  type WorkerSpec,
  type WorkerUpdate,
} from './worker-spec';
import { pendingInfo, workerInfo } from './worker-info';

/** A workers-API call as the ingress process hands it to the primary. */
export interface WorkersCall {
  readonly method: 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';
  /** Path id (`/workers/{id}`) or undefined for the collection. */
  readonly id?: string;
  readonly query: string;
  /** Parsed JSON body (syntax already checked by the ingress). */
  readonly body?: unknown;
}

const JSON_CT = [['content-type', 'application/json']] as const;

function json(status: number, body: unknown, extra: Array<readonly [string, string]> = []): Reply {
  return { status, headers: [...JSON_CT, ...extra], body: JSON.stringify(body) };
}

/** A workers-API error in its table row's shape ({"error","code"}, or axum's 422 text). */
function fail(code: FixedStatusCode, message: string): Reply {
  return errorReply(new GatewayError(code, message));
}

/** axum's Json rejection for a body of the wrong shape (422, plain text). */
function shapeRejection(detail: string): Reply {
  return fail(
    'json_data_error',
    `Failed to deserialize the JSON body into the target type: ${detail}`,
  );
}

function notAllowed(allow: string): Reply {
  return errorReply(new GatewayError('method_not_allowed', '', { headers: [['allow', allow]] }));
}

function notFound(id: string): Reply {
  return fail('worker_not_found', `Worker ${id} not found`);
}

const UUID_RE = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

function badId(raw: string): Reply {
  return fail(
    'invalid_worker_id',
    `Invalid worker_id '${raw}' (expected UUID). Error: invalid character or length`,
  );
}

function urlProblem(url: string): Reply | undefined {
  const why = validateWorkerUrl(url);
  return why
    ? fail('invalid_worker_url', `Invalid value for field 'worker_url': ${url} - ${why}`)
    : undefined;
}

function normalizeUrl(url: string): string {
  return url.replace(/\/+$/, '');
}

export function registrationOf(spec: WorkerSpec): RegistrationInput {
  const url = normalizeUrl(spec.url);
  return {
    url,
    ...(spec.models?.[0] ? { modelId: spec.models[0].id, models: spec.models } : {}),
    ...(spec.runtime_type ? { runtimeType: spec.runtime_type } : {}),
    ...(spec.labels ? { labels: spec.labels } : {}),
    ...(spec.priority !== undefined ? { priority: spec.priority } : {}),
    ...(spec.cost !== undefined ? { cost: spec.cost } : {}),
    ...(spec.api_key != null ? { apiKey: spec.api_key } : {}),
    health: healthOverrides(spec.health),
    ...(spec.max_connection_attempts !== undefined
      ? { maxConnectionAttempts: spec.max_connection_attempts }
      : {}),
    ...(spec.worker_type !== undefined ? { workerType: spec.worker_type } : {}),
    ...(spec.bootstrap_port !== undefined ? { bootstrapPort: spec.bootstrap_port } : {}),
  };
}

/** SMG's workers API (§5.12) over the primary's WorkerManager. */
export function handleWorkersCall(m: WorkerManager, call: WorkersCall): Reply {
  if (call.id === undefined) {
    if (call.method === 'GET') return list(m, call.query);
    if (call.method === 'POST') return create(m, call.body);
    return notAllowed('GET,POST');
  }
  if (!UUID_RE.test(call.id)) return badId(call.id);
  switch (call.method) {
    case 'GET':
      return get(m, call.id);
    case 'PUT':
      return replace(m, call.id, call.body);
    case 'PATCH':
      return patch(m, call.id, call.body);
    case 'DELETE':
      return remove(m, call.id);
    case 'POST':
      return notAllowed('GET,PUT,PATCH,DELETE');
  }
}

function list(m: WorkerManager, query: string): Reply {
  const model = new URLSearchParams(query).get('model');
  // SMG's supports_model: the card's id or one of its aliases
  const serves = (w: Worker, id: string): boolean =>
    w.modelId === id || (w.modelCard?.aliases?.includes(id) ?? false);
  const all = m.registry.list().filter((w) => model === null || serves(w, model));
  return json(200, {
    workers: all.map((w) => workerInfo(w, m.jobs.get(w.url))),
    total: all.length,
    stats: {
      prefill_count: all.filter((w) => w.workerType === 'prefill').length,
      decode_count: all.filter((w) => w.workerType === 'decode').length,
      regular_count: all.filter((w) => (w.workerType ?? 'regular') === 'regular').length,
    },
  });
}

function create(m: WorkerManager, body: unknown): Reply {
  const read = readWorkerSpec(body);
  if ('error' in read) return shapeRejection(read.error);
  const { spec } = read;
  const bad = urlProblem(spec.url);
  if (bad) return bad;
  const url = normalizeUrl(spec.url);
  const existing = m.byUrl(url);
  if (existing) {
    return fail(
      'worker_already_exists',
      `Worker already exists at URL '${url}' with ID ${existing.id}. Use PUT /workers/${existing.id} to replace or PATCH /workers/${existing.id} to update.`,
    );
  }
  if (m.jobs.active(url)) {
    const id = m.registry.reserveId(url);
    return fail(
      'worker_already_exists',
      `A registration for URL '${url}' is already in progress with ID ${id}. Poll GET /workers/${id}.`,
    );
  }
  const { id } = m.register(registrationOf(spec));
  const location = `/workers/${id}`;
  return json(
    202,
    {
      status: 'accepted',
      worker_id: id,
      url,
      location,
      message: 'Worker addition queued for background processing',
    },
    [['location', location]],
  );
}

function get(m: WorkerManager, id: string): Reply {
  const w = m.registry.get(id);
  if (w) return json(200, workerInfo(w, m.jobs.get(w.url)));
  const url = m.registry.reservedUrl(id);
  const job = url !== undefined ? m.jobs.get(url) : undefined;
  if (job) return json(200, pendingInfo(id, job));
  return notFound(id);
}

function replace(m: WorkerManager, id: string, body: unknown): Reply {
  const read = readWorkerSpec(body);
  if ('error' in read) return shapeRejection(read.error);
  const { spec } = read;
  const w = m.registry.get(id);
  if (!w) return notFound(id);
  const url = normalizeUrl(spec.url);
  if (url !== w.url) {
    return fail(
      'worker_url_mismatch',
      `URL mismatch: worker has URL '${w.url}' but request body has '${spec.url}'. URL changes are not supported via PUT. Use DELETE + POST instead.`,
    );
  }
  m.register(registrationOf(spec), { type: 'UpdateWorker' });
  return json(202, {
    status: 'accepted',
    worker_id: id,
    message: 'Worker update queued for background processing',
  });
}

function patch(m: WorkerManager, id: string, body: unknown): Reply {
  const shape = checkShape(WorkerUpdateSchema, body);
  if (shape) return shapeRejection(shape);
  const u = body as WorkerUpdate;
  const updated = m.update(id, {
    ...(u.priority != null ? { priority: u.priority } : {}),
    ...(u.cost != null ? { cost: u.cost } : {}),
    ...(u.labels != null ? { labels: u.labels } : {}),
    ...(u.api_key != null ? { apiKey: u.api_key } : {}),
    ...(u.health != null ? { health: healthOverrides(u.health) } : {}),
  });
  if (!updated) return notFound(id);
  return json(202, {
    status: 'accepted',
    worker_id: id,
    message: 'Worker update queued for background processing',
  });
}

function remove(m: WorkerManager, id: string): Reply {
  if (m.remove(id) === 'not_found') return notFound(id);
  return json(202, {
    status: 'accepted',
    worker_id: id,
    message: 'Worker removal queued for background processing',
  });
}
