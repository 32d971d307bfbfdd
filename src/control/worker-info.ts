import type { Worker } from '../core/worker';
import type { JobStatus } from './jobs';
import { buildModelCard, modelCardJson } from '../core/model-card';

function healthJson(w: Worker): Record<string, unknown> | undefined {
  const h = w.health;
  if (Object.keys(h).length === 0) return undefined;
  return {
    ...(h.timeoutSecs !== undefined ? { timeout_secs: h.timeoutSecs } : {}),
    ...(h.checkIntervalSecs !== undefined ? { check_interval_secs: h.checkIntervalSecs } : {}),
    ...(h.successThreshold !== undefined ? { success_threshold: h.successThreshold } : {}),
    ...(h.failureThreshold !== undefined ? { failure_threshold: h.failureThreshold } : {}),
    ...(h.disableHealthCheck !== undefined ? { disable_health_check: h.disableHealthCheck } : {}),
    ...(h.drainSettleSecs !== undefined ? { drain_settle_secs: h.drainSettleSecs } : {}),
  };
}

/**
 * SMG's WorkerInfo JSON (§5.12), in its field order: id, model_id, the flattened WorkerSpec
 * (url, models = the model card, …; empty labels and health left out), is_healthy, status,
 * load, job_status. api_key is never serialised; circuit_state is collie's addition.
 */
export function workerInfo(w: Worker, job?: JobStatus): Record<string, unknown> {
  const card = w.modelCard ?? buildModelCard(w.modelId, undefined, w.labels);
  const health = healthJson(w);
  return {
    id: w.id,
    model_id: card.id,
    url: w.url,
    models: [modelCardJson(card)],
    worker_type: w.workerType ?? 'regular',
    connection_mode: 'http',
    runtime_type: w.runtimeType,
    ...(Object.keys(w.labels).length > 0 ? { labels: w.labels } : {}),
    priority: w.priority,
    cost: w.cost,
    ...(w.workerType === 'prefill' ? { bootstrap_port: w.bootstrapPort ?? null } : {}),
    ...(health ? { health } : {}),
    max_connection_attempts: w.maxConnectionAttempts,
    is_healthy: w.status === 'ready',
    status: w.status,
    circuit_state: w.circuit,
    load: 0,
    ...(job ? { job_status: job } : {}),
  };
}

/** The placeholder SMG returns for a URL whose registration job is still running or failed. */
export function pendingInfo(id: string, job: JobStatus): Record<string, unknown> {
  return {
    id,
    url: job.worker_url,
    worker_type: 'regular',
    connection_mode: 'http',
    runtime_type: 'unspecified',
    priority: 50,
    cost: 1.0,
    max_connection_attempts: 20,
    is_healthy: false,
    status: 'pending',
    load: 0,
    job_status: job,
  };
}
