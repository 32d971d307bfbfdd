import { addSpecialTokensOf, MAX_PROMPT_CHARS } from './request-tokens';
import type { ChatTemplate } from './chat-template';

export { createTemplateLookup, loadChatTemplate, type ChatTemplate } from './chat-template';

/**
 * The engine's exact prompt token ids for chat requests: the model's chat template rendered
 * as HF transformers renders it (apply_chat_template with add_generation_prompt), then
 * tokenized with the model's registered tokenizer (its L0/L1 caches) without added special
 * tokens — the template carries them (vLLM's chat `add_special_tokens`, default false, is
 * honoured). Parity with transformers is tested on fixtures made by Python's jinja2 + the HF
 * Rust tokenizer (scripts/chat-parity/gen.py).
 *
 * Where parity cannot be had the request is routed by prediction and the reason counted:
 * no template, content that is not plain text (images, audio, parts), a template error,
 * request fields the template would see but we do not pass (chat_template_kwargs…).
 */
export type ChatFallback =
  | 'no_template'
  | 'no_tokenizer'
  | 'not_text'
  | 'template_kwargs'
  | 'template_error'
  | 'too_long'
  | 'tokenizer_error';

export interface ChatTokenizer {
  encodeSync(text: string, opts: { addSpecialTokens: boolean }): Uint32Array;
}

/** A rendered chat prompt to tokenize, or why there is none. */
export type ChatPrompt =
  | { readonly text: string; readonly addSpecialTokens: boolean }
  | { readonly fallback: ChatFallback };

function plainMessages(messages: unknown): unknown[] | undefined {
  if (!Array.isArray(messages)) return undefined;
  for (const m of messages as unknown[]) {
    if (typeof m !== 'object' || m === null) return undefined;
    const c = (m as { content?: unknown }).content;
    if (c !== undefined && c !== null && typeof c !== 'string') return undefined;
  }
  return messages as unknown[];
}

/** The text the engine tokenizes for a chat body: its template rendered, or the reason not. */
export function renderChatPrompt(
  tpl: ChatTemplate | undefined,
  body: Record<string, unknown>,
): ChatPrompt {
  if (!tpl) return { fallback: 'no_template' };
  const messages = plainMessages(body['messages']);
  if (!messages) return { fallback: 'not_text' };
  if (body['chat_template_kwargs'] !== undefined || body['chat_template'] !== undefined) {
    return { fallback: 'template_kwargs' };
  }
  let text: string;
  try {
    text = tpl.render({
      messages,
      ...(Array.isArray(body['tools']) ? { tools: body['tools'] } : {}),
      add_generation_prompt: true,
      bos_token: tpl.bosToken,
      eos_token: tpl.eosToken,
    });
  } catch {
    return { fallback: 'template_error' };
  }
  if (text.length > MAX_PROMPT_CHARS) return { fallback: 'too_long' };
  return { text, addSpecialTokens: addSpecialTokensOf(body, false) };
}

/**
 * (body, model) → the chat prompt's token ids, or undefined (counted) when they cannot be
 * known exactly. Encodes on the calling thread; the gateway's request path uses
 * prompt-tokens.ts, which sends long prompts to the tokenizer pool.
 */
export function createChatTokens(deps: {
  templateFor: (model: string) => ChatTemplate | undefined;
  tokenizerFor: (model: string) => ChatTokenizer | undefined;
  onFallback?: (reason: ChatFallback) => void;
}): (body: Record<string, unknown>, model: string) => Uint32Array | undefined {
  const miss = (r: ChatFallback): undefined => {
    deps.onFallback?.(r);
    return undefined;
  };
  return (body, model) => {
    const tpl = deps.templateFor(model);
    if (!tpl) return miss('no_template');
    const tok = deps.tokenizerFor(model);
    if (!tok) return miss('no_tokenizer');
    const p = renderChatPrompt(tpl, body);
    if ('fallback' in p) return miss(p.fallback);
    try {
      return tok.encodeSync(p.text, { addSpecialTokens: p.addSpecialTokens });
    } catch {
      return miss('tokenizer_error');
    }
  };
}
