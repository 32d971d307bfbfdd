/**
 * SMG's admin fan-outs (worker/manager.rs): one POST per worker, all at once; a worker
 * succeeds on any 2xx, and fails with `<op> failed for worker <url>: <reason>` where the
 * reason is `HTTP <status> <reason phrase>` or the transport error.
 */
import { STATUS_CODES } from 'node:http';
import type { Worker } from '../core/worker';
import type { EngineClients } from '../dispatch';

export interface FanOutResult {
  /** URLs of the workers that answered 2xx, in registry order. */
  readonly successful: string[];
  readonly failed: Array<{ worker: string; error: string }>;
}

export interface AdminOp {
  /** SMG's operation name (`flush_cache`, `start_profile`, `stop_profile`); also the path. */
  readonly op: string;
  readonly timeoutMs: number;
  /** JSON body; none (no Content-Type) when absent. */
  readonly body?: string;
}

/** reqwest's StatusCode display: `500 Internal Server Error`. */
function statusText(status: number): string {
  return `${status} ${STATUS_CODES[status] ?? '<unknown status code>'}`;
}

async function one(engines: EngineClients, w: Worker, op: AdminOp): Promise<string | undefined> {
  try {
    const r = await engines.forWorker(w).call({
      method: 'POST',
      path: `/${op.op}`,
      timeoutMs: op.timeoutMs,
      ...(op.body !== undefined ? { body: op.body } : {}),
    });
    if (r.status >= 200 && r.status < 300) return undefined;
    return `${op.op} failed for worker ${w.url}: HTTP ${statusText(r.status)}`;
  } catch (err) {
    return `${op.op} failed for worker ${w.url}: ${(err as Error).message}`;
  }
}

export async function adminFanOut(
  engines: EngineClients,
  workers: readonly Worker[],
  op: AdminOp,
): Promise<FanOutResult> {
  const errors = await Promise.all(workers.map((w) => one(engines, w, op)));
  const out: FanOutResult = { successful: [], failed: [] };
  workers.forEach((w, i) => {
    const error = errors[i];
    if (error === undefined) out.successful.push(w.url);
    else out.failed.push({ worker: w.url, error });
  });
  return out;
}
