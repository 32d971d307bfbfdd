import { Counter, Histogram, type Registry } from 'prom-client';

/** The PD transfer protocol label (`runtime`). */
export type PdRuntime = 'sglang' | 'vllm';

/**
 * SMG's PD metrics (§11), labelled {backend_type="pd", model, runtime}:
 *  - ttft: request start → first body byte of the decode answer (streams) or its end (buffered);
 *  - prefill duration: the prefill leg, head + drained body;
 *  - KV transfer duration: prefill leg end (sglang) or decode leg start (vllm) → first decode byte
 *    (streams only; it includes the engine's first decode step);
 *  - bootstrap failures: the prefill leg failed (its room never received KV);
 *  - KV transfer failures: the decode leg failed (in dual dispatch also one that gave up
 *    waiting for a KV that never came), or a vLLM prefill answer carried no kv_transfer_params
 *    (the decode leg then recomputes the prompt, as in SMG).
 * One count per failed attempt: a failing leg cancels the other; when both failed on their
 * own, the decode leg's.
 */
export interface PdMetrics {
  ttft(model: string, runtime: PdRuntime, seconds: number): void;
  prefillDuration(model: string, runtime: PdRuntime, seconds: number): void;
  kvTransferDuration(model: string, runtime: PdRuntime, seconds: number): void;
  bootstrapFailure(model: string, runtime: PdRuntime): void;
  kvTransferFailure(model: string, runtime: PdRuntime): void;
}

const LABELS = ['backend_type', 'model', 'runtime'] as const;

export function createPdMetrics(registry: Registry, buckets: readonly number[]): PdMetrics {
  const registers = [registry];
  const hist = (name: string, help: string) =>
    new Histogram({ name, help, labelNames: LABELS, registers, buckets: [...buckets] });
  const count = (name: string, help: string) =>
    new Counter({ name, help, labelNames: LABELS, registers });
  const ttft = hist('smg_pd_ttft_seconds', 'PD time to first token by model and runtime');
  const prefill = hist('smg_pd_prefill_duration_seconds', 'PD prefill leg duration');
  const kv = hist('smg_pd_kv_transfer_duration_seconds', 'PD KV hand-off to first decode byte');
  const boot = count('smg_pd_bootstrap_failures_total', 'PD prefill legs that failed');
  const kvFail = count(
    'smg_pd_kv_transfer_failures_total',
    'PD decode legs that failed after prefill',
  );
  const labels = (model: string, runtime: PdRuntime) => ({ backend_type: 'pd', model, runtime });
  return {
    ttft: (m, r, s) => ttft.observe(labels(m, r), s),
    prefillDuration: (m, r, s) => prefill.observe(labels(m, r), s),
    kvTransferDuration: (m, r, s) => kv.observe(labels(m, r), s),
    bootstrapFailure: (m, r) => boot.inc(labels(m, r)),
    kvTransferFailure: (m, r) => kvFail.inc(labels(m, r)),
  };
}
