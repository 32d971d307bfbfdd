import http from 'node:http';
import type { AddressInfo } from 'node:net';
import type { WorkerRegistry } from '../core/registry';
import { errorReply, GatewayError } from '../errors/gateway-error';

/** Readiness body and status from the registry (SMG §5.1); shared by both listeners. */
export function readinessReply(
  workers: ReadonlyArray<{ status: string; workerType?: string }>,
  draining: boolean,
): { status: number; body: string } {
  if (draining)
    return { status: 503, body: JSON.stringify({ status: 'not ready', reason: 'draining' }) };
  const healthy = workers.filter((w) => w.status === 'ready').length;
  if (pdReady(workers) && healthy > 0) {
    return {
      status: 200,
      body: JSON.stringify({
        status: 'ready',
        healthy_workers: healthy,
        total_workers: workers.length,
      }),
    };
  }
  return {
    status: 503,
    body: JSON.stringify({ status: 'not ready', reason: 'insufficient healthy workers' }),
  };
}

/**
 * A PD fleet (any prefill or decode worker) is ready only with >= 1 ready prefill AND >= 1
 * ready decode worker (SMG §5.1); a regular fleet passes.
 */
function pdReady(workers: ReadonlyArray<{ status: string; workerType?: string }>): boolean {
  let pd = false;
  let prefill = false;
  let decode = false;
  for (const w of workers) {
    if (w.workerType === 'prefill' || w.workerType === 'decode') pd = true;
    if (w.status !== 'ready') continue;
    if (w.workerType === 'prefill') prefill = true;
    if (w.workerType === 'decode') decode = true;
  }
  return !pd || (prefill && decode);
}

/** The probe listener's error replies, through the one serializer. */
function sendError(res: http.ServerResponse, err: GatewayError): void {
  const r = errorReply(err);
  res.writeHead(r.status, Object.fromEntries(r.headers)).end(r.body);
}

export interface ProbeServer {
  readonly port: number;
  setDraining(): void;
  close(): Promise<void>;
}

/**
 * `--health-check-port`: /liveness, /readiness and /health on a separate listener in the
 * primary, with no middleware, so saturated ingress processes cannot fail the probes.
 */
export function startProbeServer(
  host: string,
  port: number,
  registry: WorkerRegistry,
): Promise<ProbeServer> {
  let draining = false;
  const server = http.createServer((req, res) => {
    const path = (req.url ?? '/').split('?', 1)[0];
    const known = path === '/liveness' || path === '/health' || path === '/readiness';
    if (!known) {
      sendError(res, new GatewayError('route_not_found', ''));
      return;
    }
    if (req.method !== 'GET' && req.method !== 'HEAD') {
      sendError(
        res,
        new GatewayError('method_not_allowed', '', { headers: [['allow', 'GET,HEAD']] }),
      );
      return;
    }
    if (path === '/readiness') {
      const r = readinessReply(registry.list(), draining);
      res.writeHead(r.status, { 'content-type': 'application/json' }).end(r.body);
      return;
    }
    res.writeHead(200, { 'content-type': 'text/plain; charset=utf-8' }).end('OK');
  });
  return new Promise((resolve, reject) => {
    server.once('error', (err) =>
      reject(new Error(`--health-check-port: cannot listen on ${host}:${port}: ${err.message}`)),
    );
    server.listen(port, host, () => {
      resolve({
        port: (server.address() as AddressInfo).port,
        setDraining: () => void (draining = true),
        close: () => new Promise((r) => server.close(() => r())),
      });
    });
  });
}
