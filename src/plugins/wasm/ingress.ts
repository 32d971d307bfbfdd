import type { Logger } from '../../util/logger';
import type { ControlCall } from '../../cluster/control-protocol';
import { pollSource, Replica } from '../../cluster/replicated';
import type { GatewayMetrics } from '../../metrics';
import { WasmHostPool, type CallOutcome } from './host';
import { fromWire } from './wire';
import type { Hook, WasmModuleRecord, WasmRequest, WasmResponse } from './types';

/** One ingress process's view of the WASM modules: what runs, and the call that runs it. */
export interface IngressWasm {
  /** Loaded modules attached at `hook`, in registration order. */
  modules(hook: Hook): readonly WasmModuleRecord[];
  /** Runs one module; failures are logged, counted and returned (the caller skips the module). */
  call(m: WasmModuleRecord, hook: Hook, input: WasmRequest | WasmResponse): Promise<CallOutcome>;
  /** Sends the counters gathered since the last report to the primary now. */
  flushStats(): Promise<void>;
  /** Fetches the primary's list now and resolves once every module of it is loaded here. */
  sync(): Promise<void>;
  close(): Promise<void>;
}

interface Counters {
  total: number;
  success: number;
  failed: number;
  totalMs: number;
  maxMs: number;
  modules: Record<string, [number, number]>;
}

const empty = (): Counters => ({
  total: 0,
  success: 0,
  failed: 0,
  totalMs: 0,
  maxMs: 0,
  modules: {},
});

/**
 * Follows the primary's module list ('sync:wasm'), fetches each new module's artifact by
 * SHA-256 ('wasm-artifact') and loads it into this process's host thread; a module runs
 * here once loaded. Execution counters go to the primary every `statsMs` ('wasm-stats').
 */
export function startIngressWasm(opts: {
  call: ControlCall;
  logger: Logger;
  metrics: GatewayMetrics;
  statsMs?: number;
  /** Host threads of this process (1 or more). */
  threads: number;
  /** --wasm-reuse-instances. */
  reuseInstances?: boolean;
}): IngressWasm {
  const { call, logger, metrics } = opts;
  const host = new WasmHostPool(opts.threads, {
    reuseInstances: opts.reuseInstances === true,
    onOutput: (chunk) =>
      logger.debug({ output: chunk.toString('utf8', 0, 2048) }, 'WASM module output'),
  });
  const loaded = new Set<string>();
  let records: readonly WasmModuleRecord[] = [];
  let active: Record<Hook, WasmModuleRecord[]> = { OnRequest: [], OnResponse: [] };
  let pending: Promise<void> = Promise.resolve();
  let counters = empty();

  const recompute = (): void => {
    const ready = records.filter((r) => loaded.has(r.sha256));
    const at = (h: Hook): WasmModuleRecord[] =>
      ready.filter((r) => r.attachPoints.some((p) => p.Middleware === h));
    active = { OnRequest: at('OnRequest'), OnResponse: at('OnResponse') };
  };

  async function load(sha256: string): Promise<void> {
    const wire = await call('wasm-artifact', { sha256 });
    if (!wire) return; // removed meanwhile
    await host.load(fromWire(wire));
    loaded.add(sha256);
  }

  async function apply(list: readonly WasmModuleRecord[]): Promise<void> {
    records = list;
    const wanted = new Set(list.map((r) => r.sha256));
    for (const sha of loaded) {
      if (!wanted.has(sha)) {
        loaded.delete(sha);
        host.unload(sha);
      }
    }
    recompute(); // removals apply at once
    for (const sha of wanted) {
      if (loaded.has(sha)) continue;
      await load(sha).catch((err: unknown) =>
        logger.error({ err, sha256: sha }, 'WASM module could not be loaded in this process'),
      );
    }
    recompute();
  }

  const replica = new Replica<readonly WasmModuleRecord[]>(
    pollSource((req, timeoutMs) => call('sync:wasm', req, timeoutMs)),
    { logger, name: 'wasm' },
  );
  replica.onChange((list) => {
    pending = pending.then(() => apply(list));
  });

  const flushStats = async (): Promise<void> => {
    if (counters.total === 0) return;
    const delta = counters;
    counters = empty();
    await call('wasm-stats', delta).catch((err: unknown) =>
      logger.debug({ err }, 'WASM stats report failed'),
    );
  };
  const timer = setInterval(() => void flushStats(), opts.statsMs ?? 1000);
  timer.unref();

  function count(m: WasmModuleRecord, hook: Hook, o: CallOutcome): void {
    const c = counters;
    c.total++;
    if (o.ok) c.success++;
    else c.failed++;
    c.totalMs += o.ms;
    c.maxMs = Math.max(c.maxMs, o.ms);
    const per = (c.modules[m.uuid] ??= [0, 0]);
    per[0]++;
    per[1] = Date.now();
    metrics.wasmExecution(
      m,
      hook,
      o.ok ? 'success' : o.reason === 'timeout' ? 'timeout' : 'failed',
      o.ms / 1000,
    );
  }

  return {
    modules: (hook) => active[hook],
    async call(m, hook, input) {
      const o = await host.call(m.sha256, hook, input);
      count(m, hook, o);
      if (!o.ok) {
        logger.warn(
          { module: m.name, uuid: m.uuid, hook, reason: o.reason, error: o.error },
          'WASM module failed; skipped (fail-open)',
        );
      }
      return o;
    },
    flushStats,
    async sync() {
      await replica.refresh().catch((err: unknown) => logger.debug({ err }, 'WASM sync failed'));
      await pending;
    },
    async close() {
      clearInterval(timer);
      replica.close();
      await flushStats();
      await host.close();
    },
  };
}
