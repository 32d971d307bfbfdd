import type { Worker } from '../core/worker';
import type { JobStatus } from './jobs';

/** SMG's WorkerInfo JSON (§5.12); api_key is never serialised. */
export function workerInfo(w: Worker, job?: JobStatus): Record<string, unknown> {
  const info: Record<string, unknown> = {
    id: w.id,
    model_id: w.modelId,
    url: w.url,
    models: [{ id: w.modelId }],
    worker_type: w.workerType ?? 'regular',
    ...(w.workerType === 'prefill' ? { bootstrap_port: w.bootstrapPort ?? null } : {}),
    connection_mode: 'http',
    runtime_type: w.runtimeType,
    labels: w.labels,
    priority: w.priority,
    cost: w.cost,
    max_connection_attempts: w.maxConnectionAttempts,
    is_healthy: w.status === 'ready',
    status: w.status,
    circuit_state: w.circuit,
    load: 0,
  };
  const h = w.health;
  if (Object.keys(h).length > 0) {
    info['health'] = {
      ...(h.timeoutSecs !== undefined ? { timeout_secs: h.timeoutSecs } : {}),
      ...(h.checkIntervalSecs !== undefined ? { check_interval_secs: h.checkIntervalSecs } : {}),
      ...(h.successThreshold !== undefined ? { success_threshold: h.successThreshold } : {}),
      ...(h.failureThreshold !== undefined ? { failure_threshold: h.failureThreshold } : {}),
      ...(h.disableHealthCheck !== undefined ? { disable_health_check: h.disableHealthCheck } : {}),
      ...(h.drainSettleSecs !== undefined ? { drain_settle_secs: h.drainSettleSecs } : {}),
    };
  }
  if (job) info['job_status'] = job;
  return info;
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
