import { Type as T, type Static, type TSchema } from '@sinclair/typebox';
import { TypeCompiler } from '@sinclair/typebox/compiler';
import { WORKER_TYPES, type HealthOverrides } from '../core/worker';

/**
 * Body of POST/PUT /workers (SMG WorkerSpec, the fields collie acts on) and of PATCH
 * (WorkerUpdateRequest). Unknown fields are rejected (422) rather than ignored, so a typo
 * like "prority" is an error instead of a silent no-op.
 */
const Health = T.Object(
  {
    timeout_secs: T.Optional(T.Integer({ minimum: 1 })),
    check_interval_secs: T.Optional(T.Integer({ minimum: 1 })),
    success_threshold: T.Optional(T.Integer({ minimum: 1 })),
    failure_threshold: T.Optional(T.Integer({ minimum: 1 })),
    disable_health_check: T.Optional(T.Boolean()),
    drain_settle_secs: T.Optional(T.Integer({ minimum: 0 })),
  },
  { additionalProperties: false },
);

const ModelCard = T.Object({ id: T.String({ minLength: 1 }) }, { additionalProperties: true });

export const WorkerSpecSchema = T.Object(
  {
    url: T.String(),
    models: T.Optional(T.Array(ModelCard)),
    worker_type: T.Optional(T.Union(WORKER_TYPES.map((v) => T.Literal(v)))),
    bootstrap_port: T.Optional(T.Union([T.Integer({ minimum: 1, maximum: 65535 }), T.Null()])),
    connection_mode: T.Optional(T.Literal('http')),
    runtime_type: T.Optional(
      T.Union(['unspecified', 'sglang', 'vllm', 'trtllm', 'mlx'].map((v) => T.Literal(v))),
    ),
    labels: T.Optional(T.Record(T.String(), T.String())),
    priority: T.Optional(T.Integer({ minimum: 0, maximum: 4294967295 })),
    cost: T.Optional(T.Number({ minimum: 0 })),
    api_key: T.Optional(T.String()),
    health: T.Optional(Health),
    max_connection_attempts: T.Optional(T.Integer({ minimum: 1, maximum: 1000 })),
  },
  { additionalProperties: false },
);
export type WorkerSpec = Static<typeof WorkerSpecSchema>;

export const WorkerUpdateSchema = T.Object(
  {
    priority: T.Optional(T.Integer({ minimum: 0, maximum: 4294967295 })),
    cost: T.Optional(T.Number({ minimum: 0 })),
    labels: T.Optional(T.Record(T.String(), T.String())),
    api_key: T.Optional(T.String()),
    health: T.Optional(Health),
  },
  { additionalProperties: false },
);
export type WorkerUpdate = Static<typeof WorkerUpdateSchema>;

/** Returns the first shape error as serde would word it, or undefined when valid. */
export function checkShape(schema: TSchema, value: unknown): string | undefined {
  const check = TypeCompiler.Compile(schema);
  if (check.Check(value)) return undefined;
  const e = check.Errors(value).First();
  if (!e) return 'invalid body';
  const where = e.path ? e.path.replace(/^\//, '').replaceAll('/', '.') : 'body';
  return `${where}: ${e.message}`;
}

export function healthOverrides(h: WorkerSpec['health']): HealthOverrides {
  if (!h) return {};
  const out: { -readonly [K in keyof HealthOverrides]: HealthOverrides[K] } = {};
  if (h.timeout_secs !== undefined) out.timeoutSecs = h.timeout_secs;
  if (h.check_interval_secs !== undefined) out.checkIntervalSecs = h.check_interval_secs;
  if (h.success_threshold !== undefined) out.successThreshold = h.success_threshold;
  if (h.failure_threshold !== undefined) out.failureThreshold = h.failure_threshold;
  if (h.disable_health_check !== undefined) out.disableHealthCheck = h.disable_health_check;
  if (h.drain_settle_secs !== undefined) out.drainSettleSecs = h.drain_settle_secs;
  return out;
}
