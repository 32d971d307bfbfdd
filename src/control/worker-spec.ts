import { Type as T, type Static, type TSchema } from '@sinclair/typebox';
import { TypeCompiler } from '@sinclair/typebox/compiler';
import { WORKER_TYPES, type HealthOverrides } from '../core/worker';
import { CAPABILITIES } from '../core/model-card';

/**
 * Body of POST/PUT /workers (SMG WorkerSpec) and of PATCH (WorkerUpdateRequest). As serde
 * reads them (no `deny_unknown_fields`), unknown fields are ignored; SMG's own fields that
 * collie does not act on are type-checked and otherwise ignored; `Option` fields take null.
 */
const Nullable = <S extends TSchema>(s: S) => T.Union([s, T.Null()]);
const Opt = <S extends TSchema>(s: S) => T.Optional(s);
const OptNull = <S extends TSchema>(s: S) => T.Optional(Nullable(s));
const uint = (max = Number.MAX_SAFE_INTEGER) => T.Integer({ minimum: 0, maximum: max });

const Health = T.Object({
  timeout_secs: OptNull(T.Integer({ minimum: 1 })),
  check_interval_secs: OptNull(T.Integer({ minimum: 1 })),
  success_threshold: OptNull(T.Integer({ minimum: 1 })),
  failure_threshold: OptNull(T.Integer({ minimum: 1 })),
  disable_health_check: OptNull(T.Boolean()),
  drain_settle_secs: OptNull(T.Integer({ minimum: 0 })),
});

/** SMG's ModelCard: `id` required, the rest optional (kept and shown in WorkerInfo). */
export const ModelCardSchema = T.Object({
  id: T.String({ minLength: 1 }),
  display_name: OptNull(T.String()),
  aliases: Opt(T.Array(T.String())),
  model_type: Opt(T.Union([T.Array(T.Union(CAPABILITIES.map((c) => T.Literal(c)))), uint(4095)])),
  hf_model_type: OptNull(T.String()),
  architectures: Opt(T.Array(T.String())),
  provider: OptNull(T.String()),
  context_length: OptNull(uint(4294967295)),
  tokenizer_path: OptNull(T.String()),
  chat_template: OptNull(T.String()),
  reasoning_parser: OptNull(T.String()),
  tool_parser: OptNull(T.String()),
  metadata: Opt(T.Unknown()),
  id2label: Opt(T.Record(T.String(), T.String())),
  num_labels: Opt(uint(4294967295)),
});

/** SMG WorkerSpec fields collie does not act on: type-checked, then ignored. */
const SMG_ONLY = {
  provider: OptNull(T.String()),
  dp_base_url: OptNull(T.String()),
  dp_rank: OptNull(uint()),
  dp_size: OptNull(uint()),
  kv_connector: OptNull(T.String()),
  kv_role: OptNull(T.String()),
  kv_engine_id: OptNull(T.String()),
  kv_block_size: OptNull(uint()),
  http_pool: Opt(T.Object({})),
  resilience: Opt(T.Object({})),
  load_monitor_interval_secs: OptNull(uint()),
  multimodal_tensor_transport: OptNull(
    T.Union(['inline', 'shm', 'auto', 'rdma'].map((v) => T.Literal(v))),
  ),
  multimodal_shm_min_bytes: OptNull(uint()),
  zmq_handshake_address: OptNull(T.String()),
};

const RUNTIME_TYPES = ['unspecified', 'sglang', 'vllm', 'trtllm', 'mlx'] as const;

export const WorkerSpecSchema = T.Object({
  url: T.String(),
  models: Opt(T.Array(ModelCardSchema)),
  worker_type: Opt(T.Union(WORKER_TYPES.map((v) => T.Literal(v)))),
  bootstrap_port: OptNull(T.Integer({ minimum: 1, maximum: 65535 })),
  connection_mode: Opt(T.Literal('http')),
  runtime_type: Opt(T.Union(RUNTIME_TYPES.map((v) => T.Literal(v)))),
  labels: Opt(T.Record(T.String(), T.String())),
  priority: Opt(uint(4294967295)),
  cost: Opt(T.Number({ minimum: 0 })),
  api_key: OptNull(T.String()),
  health: Opt(Health),
  max_connection_attempts: Opt(T.Integer({ minimum: 1, maximum: 1000 })),
  ...SMG_ONLY,
});
export type WorkerSpec = Static<typeof WorkerSpecSchema>;

export const WorkerUpdateSchema = T.Object({
  priority: OptNull(uint(4294967295)),
  cost: OptNull(T.Number({ minimum: 0 })),
  labels: OptNull(T.Record(T.String(), T.String())),
  api_key: OptNull(T.String()),
  health: OptNull(Health),
});
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

export function healthOverrides(h: WorkerSpec['health'] | null): HealthOverrides {
  if (!h) return {};
  const out: { -readonly [K in keyof HealthOverrides]: HealthOverrides[K] } = {};
  if (h.timeout_secs != null) out.timeoutSecs = h.timeout_secs;
  if (h.check_interval_secs != null) out.checkIntervalSecs = h.check_interval_secs;
  if (h.success_threshold != null) out.successThreshold = h.success_threshold;
  if (h.failure_threshold != null) out.failureThreshold = h.failure_threshold;
  if (h.disable_health_check != null) out.disableHealthCheck = h.disable_health_check;
  if (h.drain_settle_secs != null) out.drainSettleSecs = h.drain_settle_secs;
  return out;
}

/**
 * A POST/PUT body as a WorkerSpec, or serde's complaint. `runtime` is serde's alias of
 * `runtime_type` (both at once is a duplicate field).
 */
export function readWorkerSpec(body: unknown): { spec: WorkerSpec } | { error: string } {
  let value = body;
  if (typeof body === 'object' && body !== null && 'runtime' in body) {
    const { runtime, ...rest } = body as Record<string, unknown>;
    if ('runtime_type' in rest) return { error: 'duplicate field `runtime_type`' };
    value = { ...rest, runtime_type: runtime };
  }
  const error = checkShape(WorkerSpecSchema, value);
  return error !== undefined ? { error } : { spec: value as WorkerSpec };
}
