import { Pool } from 'undici';
import type { EngineRequest, ExchangeHandler } from './exchange';
import { dispatchLegacy } from './undici-handler';
import { BufferingCollector } from './buffering-collector';

/** A control-plane call's answer: status and the whole body as text. */
export interface EngineText {
  readonly status: number;
  readonly text: string;
}

/**
 * Everything collie says to one engine goes through its client: proxied requests, info
 * passthroughs, /flush_cache, /get_loads, /engine_metrics, discovery and health probes.
 * The client owns the engine's credentials (its api key replaces the caller's), the undici
 * pool of its origin, and the mapping of transport failures to GatewayErrors.
 */
export interface EngineClient {
  readonly origin: string;
  /**
   * Starts one exchange. `clientAuthorization` is forwarded only when the worker has no key
   * of its own (one credential per request is what engines expect).
   */
  exchange(req: EngineRequest, handler: ExchangeHandler, clientAuthorization?: string): void;
  /**
   * A small buffered call (control plane). Resolves with any HTTP status; rejects with a
   * GatewayError on a transport failure or when `timeoutMs` passes.
   */
  call(req: EngineCall): Promise<EngineText>;
}

export interface EngineCall {
  readonly method?: 'GET' | 'POST';
  readonly path: string;
  readonly timeoutMs: number;
  readonly body?: string;
  readonly contentType?: string;
}

export interface EngineClientOptions {
  /**
   * Connections per engine origin; 0 = unlimited (default). A limit below what the engine
   * accepts queues requests inside the gateway, where they wait unseen by load balancing.
   */
  readonly maxConnections?: number;
  readonly connectTimeoutMs?: number;
  /** Idle keep-alive of pooled connections, ms (engines typically keep 60–75 s). */
  readonly keepAliveTimeoutMs?: number;
}

/** One client per (engine URL, api key); pools are shared per origin. */
export interface EngineClients {
  forWorker(w: { readonly url: string; readonly apiKey?: string | undefined }): EngineClient;
  /** Requests waiting in this process for a connection to the engine at `url`. */
  waiting(url: string): number;
  /** Open connections and waiting requests of every engine pool (metrics at scrape time). */
  connections(): { connected: number; waiting: Array<readonly [url: string, n: number]> };
  close(): Promise<void>;
}

class Client implements EngineClient {
  private readonly auth: string | undefined;

  constructor(
    readonly origin: string,
    private readonly pool: Pool,
    apiKey: string | undefined,
  ) {
    this.auth = apiKey !== undefined ? `Bearer ${apiKey}` : undefined;
  }

  exchange(req: EngineRequest, handler: ExchangeHandler, clientAuthorization?: string): void {
    const auth = this.auth ?? clientAuthorization;
    const headers = auth !== undefined ? [...req.headers, 'authorization', auth] : req.headers;
    dispatchLegacy(
      this.pool,
      { origin: this.origin, method: req.method, path: req.path, headers, body: req.body ?? null },
      handler,
    );
  }

  call(req: EngineCall): Promise<EngineText> {
    return new Promise((resolve, reject) => {
      const collector = new BufferingCollector(
        (status, _raw, body) => resolve({ status, text: body.toString('utf8') }),
        reject,
        req.timeoutMs,
      );
      const headers =
        req.body !== undefined ? ['content-type', req.contentType ?? 'application/json'] : [];
      this.exchange(
        {
          method: req.method ?? 'GET',
          path: req.path,
          headers,
          ...(req.body !== undefined ? { body: req.body } : {}),
        },
        collector,
      );
    });
  }
}

export function createEngineClients(opts: EngineClientOptions = {}): EngineClients {
  const pools = new Map<string, Pool>();
  const clients = new Map<string, Client>();
  const poolFor = (origin: string): Pool => {
    let p = pools.get(origin);
    if (!p) {
      p = new Pool(origin, {
        // null = no cap: a cap below the engine's own limit hides a queue in the gateway
        connections: opts.maxConnections ? opts.maxConnections : null,
        pipelining: 1,
        connectTimeout: opts.connectTimeoutMs ?? 10_000,
        keepAliveTimeout: opts.keepAliveTimeoutMs ?? 50_000,
        // deadlines are per request (one for all attempts), enforced by the pipeline
        headersTimeout: 0,
        bodyTimeout: 0,
      });
      pools.set(origin, p);
    }
    return p;
  };
  return {
    forWorker(w) {
      const key = w.apiKey === undefined ? w.url : `${w.url}\n${w.apiKey}`;
      let c = clients.get(key);
      if (!c) {
        c = new Client(w.url, poolFor(w.url), w.apiKey);
        clients.set(key, c);
      }
      return c;
    },
    waiting(url) {
      const p = pools.get(url);
      if (!p) return 0;
      // undici's pending = the pool's queue plus what its clients hold unsent
      return p.stats.pending;
    },
    connections() {
      let connected = 0;
      const waiting: Array<readonly [string, number]> = [];
      for (const [url, p] of pools) {
        const st = p.stats;
        connected += st.connected;
        waiting.push([url, st.pending]);
      }
      return { connected, waiting };
    },
    async close() {
      const all = [...pools.values()];
      pools.clear();
      clients.clear();
      await Promise.allSettled(all.map((p) => p.destroy()));
    },
  };
}
