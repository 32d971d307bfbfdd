/**
 * What the engine prefills for a request, as far as the body says: token ids it carries
 * (`/generate` `input_ids`, a completion's token-array prompt: prefilled as they are), or a
 * text prompt the engine tokenizes itself. vLLM and SGLang encode a text prompt with the
 * tokenizer's special tokens added (the post-processor's BOS where the tokenizer has one):
 * vLLM's CompletionRequest.add_special_tokens defaults to true, SGLang's tokenizer manager
 * calls the HF tokenizer with its defaults for `/generate` `text` and completions alike.
 * Chat messages need the model's chat template (see chat-tokens.ts).
 */

/** Most token ids taken from a body (the head decides the route; 1M ids = 4 MB). */
export const MAX_EXACT_TOKENS = 1 << 20;

/**
 * Longest text tokenized for routing, UTF-16 units: far past any context window (~1M
 * tokens), so a larger prompt is one the engine refuses anyway, not worth a pool thread.
 */
export const MAX_PROMPT_CHARS = 4 << 20;

/** The request kinds whose prompt collie can know exactly (metrics prefix `<kind>_`). */
export type PromptKind = 'chat' | 'completion' | 'generate';

/** Why a text/token prompt's ids are not known (chat adds its template reasons). */
export type PromptFallback =
  'no_prompt' | 'no_tokenizer' | 'too_long' | 'truncated' | 'tokenizer_error';

/** A prompt as the body gives it: ids as they are, a text to encode, or why neither. */
export type PromptSource =
  | { readonly ids: Uint32Array }
  | { readonly text: string; readonly addSpecialTokens: boolean }
  | { readonly fallback: PromptFallback };

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

/**
 * A batch (an array of prompts) is routed by its first prompt: the whole batch goes to one
 * engine, and the first prompt's blocks are what that engine will hold for certain.
 */
const firstOfBatch = (v: unknown): unknown =>
  Array.isArray(v) && v.length > 0 && (typeof v[0] === 'string' || Array.isArray(v[0])) ? v[0] : v;

function sourceOf(v: unknown, addSpecialTokens: boolean): PromptSource {
  const p = firstOfBatch(v);
  if (typeof p === 'string') return { text: p, addSpecialTokens };
  const ids = tokenIdsOf(p);
  return ids ? { ids } : { fallback: 'no_prompt' };
}

/** vLLM's `add_special_tokens` request field (completions default true, chat false). */
export const addSpecialTokensOf = (body: Record<string, unknown>, dflt: boolean): boolean =>
  typeof body['add_special_tokens'] === 'boolean' ? body['add_special_tokens'] : dflt;

/** `/generate`: `input_ids` first (SGLang takes them over `text`), else `text`. */
export function generateSource(body: Record<string, unknown>): PromptSource {
  if (body['input_ids'] !== undefined && body['input_ids'] !== null) {
    return sourceOf(body['input_ids'], true);
  }
  return sourceOf(body['text'], true);
}

/** `/v1/completions`: `prompt` — a string, token ids, or a batch of either. */
export const completionSource = (body: Record<string, unknown>): PromptSource =>
  sourceOf(body['prompt'], addSpecialTokensOf(body, true));

/** The ids a body carries itself (no tokenizer needed), for routes without one. */
export function carriedIds(
  kind: PromptKind,
  body: Record<string, unknown>,
): Uint32Array | undefined {
  if (kind === 'chat') return undefined;
  const s = kind === 'generate' ? generateSource(body) : completionSource(body);
  return 'ids' in s ? s.ids : undefined;
}
