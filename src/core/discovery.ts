import type { EngineClient } from '../dispatch/engine-client';

/** What probing an engine teaches us (SMG §6.2 steps 3–4). */
export interface DiscoveredWorker {
  readonly modelId: string;
  readonly runtimeType: 'sglang' | 'vllm';
  readonly labels: Record<string, string>;
}

const SERVER_INFO_KEYS = [
  'model_id',
  'model',
  'model_path',
  'served_model_name',
  'tp_size',
  'dp_size',
  'pp_size',
  'load_balance_method',
  'disaggregation_mode',
  'version',
  'is_embedding',
  'context_length',
  'max_total_tokens',
  'max_total_num_tokens',
  'max_running_requests',
  'weight_version',
  // SGLang's KV-event publisher (a JSON string; exact cache-aware routing subscribes to it)
  'kv_events_config',
  'page_size',
] as const;
const MODEL_INFO_KEYS = [
  'model_path',
  'tokenizer_path',
  'is_generation',
  'has_image_understanding',
  'has_audio_understanding',
  'model_type',
  'architectures',
] as const;

async function getJson(
  client: EngineClient,
  path: string,
  timeoutMs: number,
): Promise<{ status: number; json: unknown }> {
  const res = await client.call({ path, timeoutMs });
  let json: unknown = undefined;
  try {
    json = JSON.parse(res.text);
  } catch {
    // not JSON: status alone is informative (e.g. /health answering "OK")
  }
  return { status: res.status, json };
}

async function tryJson(
  client: EngineClient,
  path: string,
  timeoutMs: number,
): Promise<Record<string, unknown> | undefined> {
  try {
    const r = await getJson(client, path, timeoutMs);
    if (r.status >= 200 && r.status < 300 && typeof r.json === 'object' && r.json !== null) {
      return r.json as Record<string, unknown>;
    }
  } catch {
    // discovery of metadata is best-effort (non-fatal in SMG too)
  }
  return undefined;
}

/** Label value per SMG: non-zero numbers, booleans, non-empty strings, JSON arrays. */
function labelValue(v: unknown): string | undefined {
  if (typeof v === 'number') return v !== 0 && Number.isFinite(v) ? String(v) : undefined;
  if (typeof v === 'boolean') return String(v);
  if (typeof v === 'string') return v.length > 0 ? v : undefined;
  if (Array.isArray(v)) return JSON.stringify(v);
  return undefined;
}

function copyLabels(
  into: Record<string, string>,
  src: Record<string, unknown> | undefined,
  keys: readonly string[],
): void {
  if (!src) return;
  for (const k of keys) {
    const v = labelValue(src[k]);
    if (v !== undefined) into[k] = v;
  }
}

/** Liveness probe: resolves true on a 2xx from the engine's `path` (default /health). */
export async function probeHealth(
  client: EngineClient,
  timeoutMs: number,
  path = '/health',
): Promise<boolean> {
  try {
    const r = await client.call({ path, timeoutMs });
    return r.status >= 200 && r.status < 300;
  } catch {
    return false;
  }
}

/** Reads model id, runtime and labels from a reachable engine. Never throws. */
export async function discoverWorker(
  client: EngineClient,
  timeoutMs = 5000,
): Promise<DiscoveredWorker> {
  const [models, serverInfo, modelInfo] = await Promise.all([
    tryJson(client, '/v1/models', timeoutMs),
    tryJson(client, '/get_server_info', timeoutMs).then(
      (r) => r ?? tryJson(client, '/server_info', timeoutMs),
    ),
    tryJson(client, '/get_model_info', timeoutMs).then(
      (r) => r ?? tryJson(client, '/model_info', timeoutMs),
    ),
  ]);
  const labels: Record<string, string> = {};
  copyLabels(labels, serverInfo, SERVER_INFO_KEYS);
  copyLabels(labels, modelInfo, MODEL_INFO_KEYS);
  const first = Array.isArray(models?.['data'])
    ? (models['data'][0] as Record<string, unknown> | undefined)
    : undefined;
  if (first) {
    const id = labelValue(first['id']);
    if (id !== undefined) labels['served_model_name'] ??= id;
    const root = labelValue(first['root']);
    if (root !== undefined) labels['model_path'] ??= root;
    const maxLen = labelValue(first['max_model_len']);
    if (maxLen !== undefined) labels['max_model_len'] = maxLen;
  }
  const ownedBy = typeof first?.['owned_by'] === 'string' ? first['owned_by'] : '';
  const runtimeType = ownedBy === 'vllm' ? 'vllm' : 'sglang';
  const modelId =
    labels['served_model_name'] ?? labels['model_id'] ?? labels['model_path'] ?? 'unknown';
  return { modelId, runtimeType, labels };
}
