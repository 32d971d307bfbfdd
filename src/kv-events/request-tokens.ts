/**
 * The engine's exact token ids for a request, where the body carries them: `/generate`
 * `input_ids` and completions with a token-array prompt are what the engine prefills, as
 * they are (no template, no special tokens added). Chat messages need the model's chat
 * template (see chat-tokens.ts).
 */

/** Most token ids taken from a body (the head decides the route; 1M ids = 4 MB). */
export const MAX_EXACT_TOKENS = 1 << 20;

/** A JSON array of uint32 token ids as a Uint32Array; undefined when it is not one. */
export function tokenIdsOf(v: unknown): Uint32Array | undefined {
  if (!Array.isArray(v) || v.length === 0) return undefined;
  const n = Math.min(v.length, MAX_EXACT_TOKENS);
  const out = new Uint32Array(n);
  for (let i = 0; i < n; i++) {
    const t: unknown = v[i];
    if (typeof t !== 'number' || !Number.isInteger(t) || t < 0 || t > 0xffffffff) return undefined;
    out[i] = t;
  }
  return out;
}

/** `/generate`: `input_ids` (one prompt; a batch is not routed exactly). */
export const generateTokens = (body: Record<string, unknown>): Uint32Array | undefined =>
  tokenIdsOf(body['input_ids']);

/** `/v1/completions`: a prompt that is one token-id array. */
export const completionTokens = (body: Record<string, unknown>): Uint32Array | undefined =>
  tokenIdsOf(body['prompt']);
