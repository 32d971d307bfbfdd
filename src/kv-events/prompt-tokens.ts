import { renderChatPrompt, type ChatFallback, type ChatTokenizer } from './chat-tokens';
import type { ChatTemplate } from './chat-template';
import {
  completionSource,
  generateSource,
  MAX_PROMPT_CHARS,
  type PromptFallback,
  type PromptKind,
} from './request-tokens';

/**
 * The request path's exact prompt token ids, for every request kind: ids the body carries,
 * a text prompt encoded as the engine encodes it (special tokens added), or a chat
 * template rendered and encoded. Short texts are encoded on the calling thread; longer
 * ones (past the tokenizer's inline threshold, --tokenizer-inline-threshold) go to the
 * tokenizer pool, so the caller awaits them before routing and the event loop is never
 * held by a long prompt. Every request whose ids cannot be known is counted once, by kind
 * and reason, and routed by prediction.
 */
export type PromptReason = ChatFallback | PromptFallback;

/** `<kind>_<reason>`: the incident label of a request routed by prediction. */
export type PromptFallbackLabel = `${PromptKind}_${PromptReason}`;

export interface PromptTokenizer extends ChatTokenizer {
  /** Encodes inline or on the pool (the tokenizer's own split, after its caches). */
  encode(text: string, opts: { addSpecialTokens: boolean }): Promise<Uint32Array>;
}

export type PromptIds = Uint32Array | undefined;

/** (kind, body, model) → the ids now, a promise of them (pool), or undefined (counted). */
export type PromptTokens = (
  kind: PromptKind,
  body: Record<string, unknown>,
  model: string,
) => PromptIds | Promise<PromptIds>;

export interface PromptTokensDeps {
  readonly templateFor: (model: string) => ChatTemplate | undefined;
  readonly tokenizerFor: (model: string) => PromptTokenizer | undefined;
  readonly onFallback?: (label: PromptFallbackLabel) => void;
  /** Texts up to this many UTF-16 units are encoded inline; longer ones may use the pool. */
  readonly inlineThreshold: number;
}

type Text = { readonly text: string; readonly addSpecialTokens: boolean };
type Resolved =
  | { readonly ids: Uint32Array }
  | { readonly fallback: PromptReason }
  | (Text & { readonly tok: PromptTokenizer });

/** What to encode for a body, with the tokenizer to use (or the ids, or why not). */
function resolve(
  deps: PromptTokensDeps,
  kind: PromptKind,
  body: Record<string, unknown>,
  model: string,
): Resolved {
  // vLLM keeps only the last N tokens: what the engine prefills is not the prompt's head
  if (typeof body['truncate_prompt_tokens'] === 'number') return { fallback: 'truncated' };
  if (kind === 'chat') {
    const tpl = deps.templateFor(model);
    if (!tpl) return { fallback: 'no_template' };
    const tok = deps.tokenizerFor(model);
    if (!tok) return { fallback: 'no_tokenizer' };
    const p = renderChatPrompt(tpl, body);
    return 'fallback' in p ? p : { ...p, tok };
  }
  const src = kind === 'generate' ? generateSource(body) : completionSource(body);
  if (!('text' in src)) return src;
  const tok = deps.tokenizerFor(model);
  if (!tok) return { fallback: 'no_tokenizer' };
  if (src.text.length > MAX_PROMPT_CHARS) return { fallback: 'too_long' };
  return { ...src, tok };
}

export function createPromptTokens(deps: PromptTokensDeps): PromptTokens {
  // one label string per (kind, reason), not a fresh one per request (it keys a metric series)
  const labels = new Map<PromptKind, Map<PromptReason, PromptFallbackLabel>>();
  const labelOf = (kind: PromptKind, reason: PromptReason): PromptFallbackLabel => {
    let byReason = labels.get(kind);
    if (!byReason) labels.set(kind, (byReason = new Map<PromptReason, PromptFallbackLabel>()));
    let label = byReason.get(reason);
    if (label === undefined) byReason.set(reason, (label = `${kind}_${reason}`));
    return label;
  };
  return (kind, body, model) => {
    const miss = (reason: PromptReason): undefined => {
      deps.onFallback?.(labelOf(kind, reason));
      return undefined;
    };
    const r = resolve(deps, kind, body, model);
    if ('ids' in r) return r.ids;
    if ('fallback' in r) return miss(r.fallback);
    const opts = { addSpecialTokens: r.addSpecialTokens };
    try {
      if (r.text.length <= deps.inlineThreshold) return r.tok.encodeSync(r.text, opts);
      return r.tok.encode(r.text, opts).then(
        (ids) => ids,
        () => miss('tokenizer_error'),
      );
    } catch {
      return miss('tokenizer_error'); // a tokenizer closing under us
    }
  };
}
