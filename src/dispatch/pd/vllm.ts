/**
 * vLLM's disaggregated-serving protocol (its NIXL proxy): the prefill leg asks for a remote
 * decode and computes one token; its answer's kv_transfer_params tell the decode engine where
 * the KV is.
 */
const VLLM_PREFILL_PARAMS = {
  do_remote_decode: true,
  do_remote_prefill: false,
  remote_engine_id: null,
  remote_block_ids: null,
  remote_host: null,
  remote_port: null,
};

/**
 * The two legs' bodies: prefill (one token, not streamed) and decode (with the params; none
 * when the prefill returned none).
 */
export function vllmBodies(
  json: Readonly<Record<string, unknown>>,
  overrides: Readonly<Record<string, unknown>>,
): { prefill: string; decode: (params: unknown) => string } {
  const base: Record<string, unknown> = { ...json, ...overrides };
  const p: Record<string, unknown> = {
    ...base,
    stream: false,
    max_tokens: 1,
    kv_transfer_params: VLLM_PREFILL_PARAMS,
  };
  if ('max_completion_tokens' in base) p['max_completion_tokens'] = 1;
  delete p['stream_options'];
  return {
    prefill: JSON.stringify(p),
    decode: (params) => JSON.stringify({ ...base, kv_transfer_params: params }),
  };
}

export function transferParams(body: string): unknown {
  try {
    const j: unknown = JSON.parse(body);
    const params =
      j && typeof j === 'object' ? (j as Record<string, unknown>)['kv_transfer_params'] : undefined;
    return params && typeof params === 'object' ? params : undefined;
  } catch {
    return undefined;
  }
}
