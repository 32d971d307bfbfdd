import { GatewayError } from '../errors/gateway-error';
import { shapeError, type JsonObject } from './json-body';
import { serdeType } from '../control/tokenizers-api';

/** Request limits of /v1/tokenize and /v1/detokenize (SMG has none; collie answers 413). */
export const TOKENIZE_LIMITS = {
  /** Prompts in one batch. */
  maxPrompts: 65_536,
  /** UTF-16 units over all prompts (≈ 64 MB of text). */
  maxChars: 32 * 1024 * 1024,
  /** Sequences in one detokenize batch. */
  maxSequences: 65_536,
  /** Ids over all sequences. */
  maxIds: 16 * 1024 * 1024,
} as const;

export interface TokenizeBody {
  readonly model: string;
  /** A string (single) or an array of strings (batch). */
  readonly prompt: string | readonly string[];
}

export interface DetokenizeBody {
  readonly model: string;
  readonly tokens: Uint32Array | readonly Uint32Array[];
  readonly batch: boolean;
  readonly skipSpecialTokens: boolean;
}

/** A request the limits refuse: 413 request_too_large in the tokenizer routes' envelope. */
export class TooLarge extends GatewayError {
  constructor(message: string) {
    super('request_too_large', message);
  }
}

const UNTAGGED_PROMPT = 'prompt: data did not match any variant of untagged enum StringOrArray';

function model(body: JsonObject): string {
  if (!('model' in body)) throw shapeError('plain', 'missing field `model`');
  const m = body['model'];
  if (typeof m !== 'string')
    throw shapeError('plain', `model: invalid type: ${serdeType(m)}, expected a string`);
  return m;
}

export function checkTokenizeBody(body: JsonObject, raw: Buffer): TokenizeBody {
  const m = model(body);
  if (!('prompt' in body)) throw shapeError('plain', 'missing field `prompt`');
  const p = body['prompt'];
  let chars = 0;
  if (typeof p === 'string') {
    chars = p.length;
  } else if (Array.isArray(p)) {
    if (p.length > TOKENIZE_LIMITS.maxPrompts) {
      throw new TooLarge(
        `Too many prompts: ${p.length} (at most ${TOKENIZE_LIMITS.maxPrompts} per request)`,
      );
    }
    for (const s of p) {
      if (typeof s !== 'string') throw shapeError('plain', UNTAGGED_PROMPT);
      chars += s.length;
    }
  } else {
    throw shapeError('plain', UNTAGGED_PROMPT);
  }
  if (chars > TOKENIZE_LIMITS.maxChars) {
    throw new TooLarge(
      `Prompt too long: ${chars} characters (at most ${TOKENIZE_LIMITS.maxChars} per request)`,
    );
  }
  const strings = typeof p === 'string' ? [m, p] : [m, ...(p as string[])];
  if (!strings.every(wellFormed)) throw loneSurrogate(raw);
  return { model: m, prompt: p as string | string[] };
}

const U32_MAX = 0xffff_ffff;

function ids(v: unknown, where: string, count: { n: number }): Uint32Array {
  if (!Array.isArray(v)) {
    throw shapeError(
      'plain',
      `${where}: invalid type: ${serdeType(v)}, expected a sequence of u32`,
    );
  }
  count.n += v.length;
  if (count.n > TOKENIZE_LIMITS.maxIds) {
    throw new TooLarge(`Too many token ids (at most ${TOKENIZE_LIMITS.maxIds} per request)`);
  }
  const out = new Uint32Array(v.length);
  for (let i = 0; i < v.length; i++) {
    const x: unknown = v[i];
    if (typeof x !== 'number' || !Number.isInteger(x)) {
      throw shapeError('plain', `${where}[${i}]: invalid type: ${serdeType(x)}, expected u32`);
    }
    if (x < 0 || x > U32_MAX) {
      throw shapeError('plain', `${where}[${i}]: invalid value: integer \`${x}\`, expected u32`);
    }
    out[i] = x;
  }
  return out;
}

export function checkDetokenizeBody(body: JsonObject): DetokenizeBody {
  const m = model(body);
  if (!('tokens' in body)) throw shapeError('plain', 'missing field `tokens`');
  const t = body['tokens'];
  const skip = body['skip_special_tokens'];
  if (skip !== undefined && skip !== null && typeof skip !== 'boolean') {
    throw shapeError(
      'plain',
      `skip_special_tokens: invalid type: ${serdeType(skip)}, expected a boolean`,
    );
  }
  const skipSpecialTokens = typeof skip === 'boolean' ? skip : true;
  const count = { n: 0 };
  if (Array.isArray(t) && t.length > 0 && Array.isArray(t[0])) {
    if (t.length > TOKENIZE_LIMITS.maxSequences) {
      throw new TooLarge(
        `Too many sequences: ${t.length} (at most ${TOKENIZE_LIMITS.maxSequences} per request)`,
      );
    }
    return {
      model: m,
      tokens: t.map((seq: unknown, i) => ids(seq, `tokens[${i}]`, count)),
      batch: true,
      skipSpecialTokens,
    };
  }
  return { model: m, tokens: ids(t, 'tokens', count), batch: false, skipSpecialTokens };
}

/** Unicode scalar values (a lone surrogate counts as one, as U+FFFD would). */
export function charCount(s: string): number {
  let n = s.length;
  for (let i = 0; i + 1 < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c >= 0xd800 && c <= 0xdbff) {
      const d = s.charCodeAt(i + 1);
      if (d >= 0xdc00 && d <= 0xdfff) {
        n--;
        i++;
      }
    }
  }
  return n;
}

const LONE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;

function wellFormed(s: string): boolean {
  return !LONE.test(s);
}

/**
 * SMG's serde_json refuses a string with a lone surrogate escape (\ud800 without its pair):
 * 400 "lone leading surrogate in hex escape at line L column C". JSON.parse accepts it, so
 * the position is found again in the raw body.
 */
function loneSurrogate(raw: Buffer): GatewayError {
  const text = raw.toString('utf8');
  let line = 1;
  let lineStart = 0;
  let inString = false;
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (c === '\n') {
      line++;
      lineStart = i + 1;
    }
    if (!inString) {
      if (c === '"') inString = true;
      continue;
    }
    if (c === '"') inString = false;
    else if (c === '\\') {
      if (text[i + 1] !== 'u') {
        i++;
        continue;
      }
      // serde_json's column is the count of bytes read on the line when it fails
      const n = parseInt(text.slice(i + 2, i + 6), 16);
      const at = (read: number): string => `at line ${line} column ${i + read - lineStart}`;
      if (n >= 0xdc00 && n <= 0xdfff)
        return syntax(`lone leading surrogate in hex escape ${at(6)}`);
      if (n >= 0xd800 && n <= 0xdbff) {
        if (text.slice(i + 6, i + 8) !== '\\u')
          return syntax(`unexpected end of hex escape ${at(7)}`);
        const m = parseInt(text.slice(i + 8, i + 12), 16);
        if (!(m >= 0xdc00 && m <= 0xdfff)) {
          return syntax(`lone leading surrogate in hex escape ${at(12)}`);
        }
        i += 6;
      }
      i += 5;
    }
  }
  return syntax('lone leading surrogate in hex escape');
}

function syntax(detail: string): GatewayError {
  return new GatewayError(
    'json_syntax_error',
    `Failed to parse the request body as JSON: ${detail}`,
  );
}
