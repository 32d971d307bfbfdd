import fs from 'node:fs';
import path from 'node:path';
import { Template } from '@huggingface/jinja';

/**
 * The engine's exact prompt token ids for chat requests: the model's chat template rendered
 * as HF transformers renders it (apply_chat_template with add_generation_prompt), then
 * tokenized with the model's registered tokenizer (its L0/L1 caches) without added special
 * tokens — the template carries them. Parity with transformers is tested on fixtures made
 * by Python's jinja2 + the HF Rust tokenizer (scripts/chat-parity/gen.py).
 *
 * Where parity cannot be had the request is routed by prediction and the reason counted:
 * no template, content that is not plain text (images, audio, parts), a template error,
 * request fields the template would see but we do not pass (chat_template_kwargs…).
 */
export interface ChatTemplate {
  readonly render: (ctx: Record<string, unknown>) => string;
  readonly bosToken: string;
  readonly eosToken: string;
}

export type ChatFallback =
  | 'no_template'
  | 'no_tokenizer'
  | 'not_text'
  | 'template_kwargs'
  | 'template_error'
  | 'tokenizer_error';

export interface ChatTokenizer {
  encodeSync(text: string, opts: { addSpecialTokens: boolean }): Uint32Array;
}

const tokenText = (v: unknown): string => {
  if (typeof v === 'string') return v;
  if (
    typeof v === 'object' &&
    v !== null &&
    typeof (v as { content?: unknown }).content === 'string'
  ) {
    return (v as { content: string }).content;
  }
  return '';
};

/** A compiled template from a tokenizer_config.json (or a bare .jinja file for --chat-template). */
export function loadChatTemplate(file: string): ChatTemplate | undefined {
  let src: string | undefined;
  let bos = '';
  let eos = '';
  const text = fs.readFileSync(file, 'utf8');
  if (path.extname(file) === '.json') {
    const cfg = JSON.parse(text) as Record<string, unknown>;
    const t = cfg['chat_template'];
    if (typeof t === 'string') src = t;
    else if (Array.isArray(t)) {
      // named templates: the default one
      const d = (t as Array<{ name?: unknown; template?: unknown }>).find(
        (x) => x.name === 'default',
      );
      if (typeof d?.template === 'string') src = d.template;
    }
    bos = tokenText(cfg['bos_token']);
    eos = tokenText(cfg['eos_token']);
  } else src = text;
  if (src === undefined) return undefined;
  const tpl = new Template(src);
  return { render: (ctx) => tpl.render(ctx), bosToken: bos, eosToken: eos };
}

function plainMessages(messages: unknown): unknown[] | undefined {
  if (!Array.isArray(messages)) return undefined;
  for (const m of messages as unknown[]) {
    if (typeof m !== 'object' || m === null) return undefined;
    const c = (m as { content?: unknown }).content;
    if (c !== undefined && c !== null && typeof c !== 'string') return undefined;
  }
  return messages as unknown[];
}

/**
 * (body, model) → the chat prompt's token ids, or undefined (counted) when they cannot be
 * known exactly.
 */
export function createChatTokens(deps: {
  templateFor: (model: string) => ChatTemplate | undefined;
  tokenizerFor: (model: string) => ChatTokenizer | undefined;
  onFallback?: (reason: ChatFallback) => void;
  maxChars?: number;
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
    const messages = plainMessages(body['messages']);
    if (!messages) return miss('not_text');
    if (body['chat_template_kwargs'] !== undefined || body['chat_template'] !== undefined) {
      return miss('template_kwargs');
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
      return miss('template_error');
    }
    try {
      return tok.encodeSync(text, { addSpecialTokens: false });
    } catch {
      return miss('tokenizer_error');
    }
  };
}

/**
 * A model's template from its registered tokenizer: the record's chat_template_path, else
 * the tokenizer_config.json beside its tokenizer file; compiled once per file.
 */
export function createTemplateLookup(
  recordFor: (model: string) => { file: string; chat_template_path?: string } | undefined,
): (model: string) => ChatTemplate | undefined {
  const compiled = new Map<string, ChatTemplate | null>();
  return (model) => {
    const r = recordFor(model);
    if (!r) return undefined;
    const file = r.chat_template_path ?? path.join(path.dirname(r.file), 'tokenizer_config.json');
    let t = compiled.get(file);
    if (t === undefined) {
      try {
        t = fs.existsSync(file) ? (loadChatTemplate(file) ?? null) : null;
      } catch {
        t = null; // unreadable or not a template jinja can parse: prediction for this model
      }
      compiled.set(file, t);
    }
    return t ?? undefined;
  };
}
