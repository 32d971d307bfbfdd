import type { Worker } from '../core/worker';

/** Where one worker publishes (DP rank 0; rank r adds r to each port). */
export interface KvEndpoints {
  readonly endpoint: string;
  readonly replayEndpoint: string | undefined;
  readonly topic: string;
  /** DP ranks, each with its own publisher on port + rank. */
  readonly ranks: number;
}

export interface KvEndpointTemplates {
  readonly endpoint?: string | undefined;
  readonly replayEndpoint?: string | undefined;
  readonly topic: string;
}

/** Most DP ranks one worker may declare (a guard against a bogus label). */
const MAX_RANKS = 256;

function parseConfigLabel(raw: string | undefined): Record<string, unknown> | undefined {
  if (raw === undefined) return undefined;
  try {
    const v: unknown = JSON.parse(raw);
    return typeof v === 'object' && v !== null && !Array.isArray(v)
      ? (v as Record<string, unknown>)
      : undefined;
  } catch {
    return undefined;
  }
}

const strOf = (v: unknown): string | undefined =>
  typeof v === 'string' && v.length > 0 ? v : undefined;

/**
 * An endpoint as the engine was told to bind it, made connectable from here: `{host}` and
 * wildcard hosts (`*`, 0.0.0.0, [::]) become the worker URL's host.
 */
export function connectable(endpoint: string, workerUrl: string): string | undefined {
  let host: string;
  try {
    host = new URL(workerUrl).hostname;
  } catch {
    return undefined;
  }
  const e = endpoint.replace('{host}', host);
  const m = /^tcp:\/\/(.+):(\d+)$/.exec(e);
  if (!m) return undefined;
  const h = m[1] === '*' || m[1] === '0.0.0.0' || m[1] === '[::]' || m[1] === '::' ? host : m[1];
  return `tcp://${h}:${m[2]}`;
}

/** `tcp://h:p` → `tcp://h:(p + by)` (vLLM's offset_endpoint_port for DP ranks). */
export function offsetPort(endpoint: string, by: number): string {
  if (by === 0) return endpoint;
  const m = /^(.*):(\d+)$/.exec(endpoint);
  return m ? `${m[1]}:${Number(m[2]) + by}` : endpoint;
}

/**
 * A worker's publisher: its labels first (`kv_events_endpoint`, `kv_events_replay_endpoint`,
 * `kv_events_topic`, or the JSON `kv_events_config` SGLang's /server_info reports), then the
 * gateway's templates. undefined: the worker publishes nothing we know of.
 */
export function kvEndpointsOf(w: Worker, t: KvEndpointTemplates): KvEndpoints | undefined {
  const cfg = parseConfigLabel(w.labels['kv_events_config']);
  const rawEndpoint =
    strOf(w.labels['kv_events_endpoint']) ?? strOf(cfg?.['endpoint']) ?? t.endpoint;
  if (rawEndpoint === undefined) return undefined;
  const endpoint = connectable(rawEndpoint, w.url);
  if (endpoint === undefined) return undefined;
  const rawReplay =
    strOf(w.labels['kv_events_replay_endpoint']) ??
    strOf(cfg?.['replay_endpoint']) ??
    t.replayEndpoint;
  const replayEndpoint = rawReplay === undefined ? undefined : connectable(rawReplay, w.url);
  const dp = Number(w.labels['dp_size'] ?? 1);
  const ranks = Number.isInteger(dp) && dp >= 1 && dp <= MAX_RANKS ? dp : 1;
  const topic = strOf(w.labels['kv_events_topic']) ?? strOf(cfg?.['topic']) ?? t.topic;
  return { endpoint, replayEndpoint, topic, ranks };
}
