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
 * The prefill leg's body, as SMG sanitises it for the KV hand-off: one token (the cap the
 * client used — an engine refuses both chat spellings), not streamed, one choice, no
 * `min_tokens` floor, and kv_transfer_params asking for a remote decode.
 */
function prefillBody(base: Readonly<Record<string, unknown>>, chat: boolean): string {
  const p: Record<string, unknown> = { ...base, stream: false };
  delete p['stream_options'];
  if ('n' in p) p['n'] = 1;
  delete p['min_tokens'];
  if (chat && 'max_completion_tokens' in p) {
    p['max_completion_tokens'] = 1;
    delete p['max_tokens'];
  } else {
    p['max_tokens'] = 1;
  }
  p['kv_transfer_params'] = VLLM_PREFILL_PARAMS;
  return JSON.stringify(p);
}

/**
 * The two legs' bodies: prefill (undefined for an `n` > 1 fan-out, which a single-consumer
 * hand-off cannot serve: the decode leg then computes the prompt, as in SMG) and decode (with
 * the params the prefill returned; none when it returned none).
 */
export function vllmBodies(
  json: Readonly<Record<string, unknown>>,
  overrides: Readonly<Record<string, unknown>>,
  chat: boolean,
): { prefill: string | undefined; decode: (params: unknown) => string } {
  const base: Record<string, unknown> = { ...json, ...overrides };
  const n = base['n'];
  const fanOut = typeof n === 'number' && n > 1;
  return {
    prefill: fanOut ? undefined : prefillBody(base, chat),
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
