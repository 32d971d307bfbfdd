import { closeAll, eventually, startEngines, startTestGateway, type TestGateway } from './gateway';
import type { MockEngine, MockEngineOptions } from '../../src/mock-engine';
import { sampleValue } from '../unit/metrics/exposition';

/** Prefill and decode mock engines behind an in-process PD gateway. */
export interface PdFleet {
  readonly prefill: MockEngine[];
  readonly decode: MockEngine[];
  readonly gw: TestGateway;
  readonly engines: MockEngine[];
  close(): Promise<void>;
}

export interface PdFleetOptions {
  readonly prefill?: MockEngineOptions;
  readonly decode?: MockEngineOptions;
  readonly prefills?: number;
  readonly decodes?: number;
  /**
   * The bootstrap port given with each `--prefill`: the engine's own (default), `none`, or
   * none at all (vLLM engines need none).
   */
  readonly port?: 'engine' | 'none' | 'omit';
  /** Extra gateway flags. */
  readonly flags?: readonly string[];
}

function prefillFlags(e: MockEngine, port: PdFleetOptions['port']): string[] {
  if (port === 'omit') return ['--prefill', e.url];
  return ['--prefill', e.url, port === 'none' ? 'none' : String(e.bootstrapPort)];
}

/** Starts the engines (2 + 2 unless told), then the gateway; retries back off 1 ms. */
export async function startPdFleet(o: PdFleetOptions = {}): Promise<PdFleet> {
  const prefill = await startEngines(o.prefills ?? 2, {
    role: 'prefill',
    bootstrapTimeoutMs: 3000,
    ...o.prefill,
  });
  const decode = await startEngines(o.decodes ?? 2, {
    role: 'decode',
    bootstrapTimeoutMs: 3000,
    ...o.decode,
  });
  const engines = [...prefill, ...decode];
  try {
    const gw = await startTestGateway([
      '--pd-disaggregation',
      ...prefill.flatMap((e) => prefillFlags(e, o.port)),
      ...decode.flatMap((e) => ['--decode', e.url]),
      ...['--retry-initial-backoff-ms', '1'],
      ...(o.flags ?? []),
    ]);
    return { prefill, decode, gw, engines, close: () => closeAll(gw, engines) };
  } catch (err) {
    await closeAll(engines);
    throw err;
  }
}

/**
 * Nothing left in flight: the gateway holds no load on any engine and no engine has an
 * inference request open (a leg the gateway gave up on was closed at the engine too).
 */
export async function settled(f: PdFleet, engines: MockEngine[] = f.engines): Promise<void> {
  await eventually(
    () => engines.every((e) => f.gw.inflight(e.url) === 0 && e.stats().open === 0),
    5000,
  );
}

export type PdCounter = 'smg_pd_bootstrap_failures_total' | 'smg_pd_kv_transfer_failures_total';

/**
 * A PD series' value in the gateway's /metrics (0 when it has no sample yet). `model` is the
 * request's (`unknown` for a /generate without one).
 */
export async function pdSample(
  metricsUrl: string,
  name: PdCounter | `smg_pd_${string}_seconds_count`,
  runtime: 'sglang' | 'vllm',
  model = 'mock-model',
): Promise<number> {
  const text = await (await fetch(`${metricsUrl}/metrics`)).text();
  return sampleValue(text, name, { backend_type: 'pd', model, runtime }) ?? 0;
}

/** The error body of a router-shaped answer. */
export async function errorOf(
  res: Response,
): Promise<{ status: number; header: string | null; code: string; message: string }> {
  const j = (await res.json()) as { error: { code: string; message: string } };
  return {
    status: res.status,
    header: res.headers.get('x-smg-error-code'),
    code: j.error.code,
    message: j.error.message,
  };
}

/** Inference requests an engine received on `path`. */
export function received(engines: MockEngine[], path: string): number {
  return engines.reduce((n, e) => n + e.requests.filter((r) => r.path === path).length, 0);
}
