import http from 'node:http';
import type { MetricsExposition } from './process-metrics';

export interface PrometheusServerOptions {
  /** Address to bind (SMG `--prometheus-host`, default `0.0.0.0` in the CLI). */
  readonly host: string;
  /** Port to bind (SMG `--prometheus-port`, default 29000); 0 picks a free port. */
  readonly port: number;
  /** Produces the exposition for one scrape. */
  readonly collect: () => Promise<MetricsExposition>;
  /** Called when `collect` fails (the scrape gets a 500). Default: ignore. */
  readonly onCollectError?: (err: unknown) => void;
}

export interface PrometheusServer {
  /** The bound port (the real one when 0 was asked for). */
  readonly port: number;
  close(): Promise<void>;
}

/** Thrown when the listener cannot bind; SMG treats this as fatal at startup. */
export class PrometheusBindError extends Error {
  readonly code = 'prometheus_bind_failed';
  constructor(host: string, port: number, cause: unknown) {
    const why = cause instanceof Error ? cause.message : String(cause);
    super(`Prometheus listener cannot bind ${host}:${port}: ${why}`, { cause });
    this.name = 'PrometheusBindError';
  }
}

/**
 * The Prometheus listener (SMG §0): `GET /metrics` only (HEAD too, without a body), 404 for
 * any other path, 405 with `Allow` for another method on /metrics. Plain node:http: it
 * serves a scrape every few seconds, so uWS would buy nothing here.
 */
export function startPrometheusServer(opts: PrometheusServerOptions): Promise<PrometheusServer> {
  const server = http.createServer((req, res) => {
    handle(opts, req, res);
  });
  return new Promise((resolve, reject) => {
    const onError = (err: Error): void =>
      reject(new PrometheusBindError(opts.host, opts.port, err));
    server.once('error', onError);
    server.listen(opts.port, opts.host, () => {
      server.off('error', onError);
      const addr = server.address();
      const port = typeof addr === 'object' && addr !== null ? addr.port : opts.port;
      resolve({ port, close: () => closeServer(server) });
    });
  });
}

function handle(
  opts: PrometheusServerOptions,
  req: http.IncomingMessage,
  res: http.ServerResponse,
): void {
  const path = (req.url ?? '/').split('?', 1)[0];
  if (path !== '/metrics') return plain(res, 404, '');
  if (req.method !== 'GET' && req.method !== 'HEAD') {
    res.setHeader('allow', 'GET, HEAD');
    return plain(res, 405, '');
  }
  opts.collect().then(
    ({ contentType, body }) => {
      res.writeHead(200, {
        'content-type': contentType,
        'content-length': Buffer.byteLength(body),
      });
      res.end(req.method === 'HEAD' ? undefined : body);
    },
    (err: unknown) => {
      opts.onCollectError?.(err);
      plain(res, 500, 'metrics collection failed\n');
    },
  );
}

function plain(res: http.ServerResponse, status: number, body: string): void {
  res.writeHead(status, {
    'content-type': 'text/plain; charset=utf-8',
    'content-length': Buffer.byteLength(body),
  });
  res.end(body);
}

function closeServer(server: http.Server): Promise<void> {
  return new Promise((resolve, reject) => {
    server.close((err) => (err ? reject(err) : resolve()));
    // Scrapers keep connections alive; without this close() waits for them to time out.
    server.closeAllConnections();
  });
}
