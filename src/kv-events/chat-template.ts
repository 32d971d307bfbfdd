import fs from 'node:fs';
import path from 'node:path';
import { Template } from '@huggingface/jinja';

/**
 * Where a model's chat template comes from, as SMG picks it (crates/tokenizer factory.rs,
 * chat_template.rs): an explicit path (`--chat-template`, or `chat_template_path` of
 * POST /v1/tokenizers) wins; else a chat_template.json, chat_template.jinja or other *.jinja
 * beside the tokenizer file; else `chat_template` of its tokenizer_config.json. The
 * special tokens the template reads (bos_token, eos_token) always come from that
 * tokenizer_config.json.
 */
export interface ChatTemplate {
  readonly render: (ctx: Record<string, unknown>) => string;
  readonly bosToken: string;
  readonly eosToken: string;
}

/** A template file that cannot be used (message names the file). */
export class ChatTemplateFileError extends Error {
  override readonly name = 'ChatTemplateFileError';
}

const tokenText = (v: unknown): string => {
  if (typeof v === 'string') return v;
  if (typeof v === 'object' && v !== null) {
    const c = (v as { content?: unknown }).content;
    if (typeof c === 'string') return c;
  }
  return '';
};

/** tokenizer_config.json's `chat_template`: a string, or named templates (the default one). */
function configTemplate(cfg: Record<string, unknown>): string | undefined {
  const t = cfg['chat_template'];
  if (typeof t === 'string') return t;
  if (!Array.isArray(t)) return undefined;
  const d = (t as Array<{ name?: unknown; template?: unknown }>).find((x) => x.name === 'default');
  return typeof d?.template === 'string' ? d.template : undefined;
}

/**
 * The template source of a file, as SMG's load_chat_template_from_file reads it: a .json
 * file holds the template as a JSON string or in `chat_template`; any other file is the
 * template itself, trimmed, with literal `\n` sequences turned into newlines. Throws a
 * ChatTemplateFileError naming the file when it cannot be read or holds no template.
 */
export function readTemplateSource(file: string): string {
  let text: string;
  try {
    text = fs.readFileSync(file, 'utf8');
  } catch (err) {
    const why = (err as NodeJS.ErrnoException).code ?? (err as Error).message;
    throw new ChatTemplateFileError(`cannot read chat template file '${file}': ${why}`);
  }
  if (path.extname(file).toLowerCase() !== '.json') return text.trim().replaceAll('\\n', '\n');
  let v: unknown;
  try {
    v = JSON.parse(text);
  } catch (err) {
    throw new ChatTemplateFileError(
      `chat template file '${file}' is not valid JSON: ${(err as Error).message}`,
    );
  }
  if (typeof v === 'string') return v;
  const src =
    typeof v === 'object' && v !== null ? configTemplate(v as Record<string, unknown>) : undefined;
  if (src === undefined) {
    throw new ChatTemplateFileError(
      `chat template file '${file}' does not contain a valid template`,
    );
  }
  return src;
}

function readConfig(file: string): Record<string, unknown> | undefined {
  try {
    const v: unknown = JSON.parse(fs.readFileSync(file, 'utf8'));
    return typeof v === 'object' && v !== null ? (v as Record<string, unknown>) : undefined;
  } catch {
    return undefined;
  }
}

/**
 * A compiled template. `file` is a tokenizer_config.json (its `chat_template` and special
 * tokens), or a template file (.jinja, .json) whose bos/eos tokens come from `configFile`.
 * Undefined when there is no template; throws when the file is unusable or jinja cannot
 * parse it.
 */
export function loadChatTemplate(file: string, configFile?: string): ChatTemplate | undefined {
  const isConfig = path.basename(file) === 'tokenizer_config.json';
  const cfg = isConfig ? readConfig(file) : configFile ? readConfig(configFile) : undefined;
  if (isConfig && cfg === undefined) throw new ChatTemplateFileError(`cannot read '${file}'`);
  const src = isConfig ? configTemplate(cfg ?? {}) : readTemplateSource(file);
  if (src === undefined) return undefined;
  const tpl = new Template(src);
  return {
    render: (ctx) => tpl.render(ctx),
    bosToken: tokenText(cfg?.['bos_token']),
    eosToken: tokenText(cfg?.['eos_token']),
  };
}

/** SMG's discovery beside the tokenizer: chat_template.json, chat_template.jinja, any *.jinja. */
export function discoverTemplateFile(dir: string): string | undefined {
  for (const name of ['chat_template.json', 'chat_template.jinja']) {
    const f = path.join(dir, name);
    if (fs.existsSync(f)) return f;
  }
  try {
    const other = fs
      .readdirSync(dir)
      .filter((n) => n.endsWith('.jinja'))
      .sort()[0];
    return other === undefined ? undefined : path.join(dir, other);
  } catch {
    return undefined;
  }
}

/** The template file and the config with its special tokens, for a registered tokenizer. */
export function templateFilesOf(r: { file: string; chat_template_path?: string }): {
  template: string;
  config: string;
} {
  const dir = path.dirname(r.file);
  const config = path.join(dir, 'tokenizer_config.json');
  return { template: r.chat_template_path ?? discoverTemplateFile(dir) ?? config, config };
}

/**
 * A model's template from its registered tokenizer record: resolved (files looked up) and
 * compiled once per record, so the request path touches no file.
 */
export function createTemplateLookup(
  recordFor: (model: string) => { file: string; chat_template_path?: string } | undefined,
): (model: string) => ChatTemplate | undefined {
  const compiled = new Map<string, ChatTemplate | null>();
  return (model) => {
    const r = recordFor(model);
    if (!r) return undefined;
    const key = `${r.file}\0${r.chat_template_path ?? ''}`;
    let t = compiled.get(key);
    if (t === undefined) {
      const { template, config } = templateFilesOf(r);
      try {
        t = fs.existsSync(template) ? (loadChatTemplate(template, config) ?? null) : null;
      } catch {
        t = null; // unreadable or not a template jinja can parse: prediction for this model
      }
      compiled.set(key, t);
    }
    return t ?? undefined;
  };
}
