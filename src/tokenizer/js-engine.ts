import fs from 'node:fs';
import path from 'node:path';
import {
  bertNormalizer,
  bertPreTokenize,
  unicodeNormalizer,
  type BertNormalizerConfig,
} from './js-normalizers';
import { rustUnigramScores, unigramPieces, unigramSegment } from './js-unigram';
import type {
  NativeDecodeStream,
  NativeTokenizerAddon,
  NativeTokenizerInfo,
} from '../native/tokenizer-addon';

/**
 * The fallback tokenizer engine: `@huggingface/tokenizers` (pure JS) behind the native addon's
 * interface, for the tokenizer.json files the C++ engine refuses — WordPiece (BERT-style
 * embedding and rerank models), Unigram (T5, XLM-R) and the normalizers/pre-tokenizers that
 * come with them. The C++ engine stays the default wherever it loads a file.
 *
 * Handles live in their own range (≥ JS_HANDLE_BASE) so one number space serves both
 * engines. JS objects cannot cross threads: a pool thread loads its own copy of a JS
 * tokenizer from the file named in the task (`ensure`), once per thread.
 */
export const JS_HANDLE_BASE = 2 ** 40;

/** The part of @huggingface/tokenizers' Tokenizer collie uses (typed here: the lint's resolver does not see the package's types). */
interface HfJsTokenizer {
  encode(text: string, options: { add_special_tokens: boolean }): { ids: number[] };
  decode(ids: readonly number[], options: { skip_special_tokens: boolean }): string;
  token_to_id(token: string): number | undefined;
  id_to_token(id: number): string | undefined;
}
interface HfJsModule {
  Tokenizer: new (json: object, config: object) => HfJsTokenizer;
}
// eslint-disable-next-line @typescript-eslint/no-require-imports
const { Tokenizer: HfJsTokenizerClass } = require('@huggingface/tokenizers') as HfJsModule;

export function isJsHandle(handle: number): boolean {
  return handle >= JS_HANDLE_BASE;
}

interface Entry {
  readonly tok: HfJsTokenizer;
  readonly info: NativeTokenizerInfo;
}

interface TokenizerJsonShape {
  model?: { type?: string; vocab?: unknown };
  added_tokens?: Array<{ id: number; content: string; special?: boolean }>;
}

function readJson(file: string): unknown {
  return JSON.parse(fs.readFileSync(file, 'utf8')) as unknown;
}

function readJsonWithText(file: string): { json: unknown; text: string } {
  const text = fs.readFileSync(file, 'utf8');
  return { json: JSON.parse(text) as unknown, text };
}

function tokenizerFile(file: string): string {
  return fs.statSync(file).isDirectory() ? path.join(file, 'tokenizer.json') : file;
}

/** tokenizer_config.json beside the file, when there is one ({} otherwise). */
function siblingConfig(file: string): Record<string, unknown> {
  const cfg = path.join(path.dirname(file), 'tokenizer_config.json');
  if (!fs.existsSync(cfg)) return {};
  const v = readJson(cfg);
  return typeof v === 'object' && v !== null ? (v as Record<string, unknown>) : {};
}

function tokenString(v: unknown): string | undefined {
  if (typeof v === 'string') return v;
  if (
    typeof v === 'object' &&
    v !== null &&
    typeof (v as { content?: unknown }).content === 'string'
  )
    return (v as { content: string }).content;
  return undefined;
}

function vocabSizeOf(json: TokenizerJsonShape): number {
  let max = -1;
  const vocab = json.model?.vocab;
  if (Array.isArray(vocab)) max = vocab.length - 1;
  else if (vocab && typeof vocab === 'object')
    for (const id of Object.values(vocab as Record<string, number>)) if (id > max) max = id;
  for (const t of json.added_tokens ?? []) if (t.id > max) max = t.id;
  return max + 1;
}

function load(file: string): Entry {
  const resolved = tokenizerFile(file);
  const { json: parsed, text } = readJsonWithText(resolved);
  const json = parsed as TokenizerJsonShape;
  if (typeof json !== 'object' || json === null || typeof json.model !== 'object') {
    throw new Error(`not a tokenizer.json (no model): ${resolved}`);
  }
  const config = siblingConfig(resolved);
  // transformers' clean_up_tokenization_spaces is a Python-side step HF's Rust decode does not
  // take; collie matches the Rust library, so it is off unless the decoder itself cleans up.
  const tok = new HfJsTokenizerClass(json, { ...config, clean_up_tokenization_spaces: false });
  patchModel(tok, json, text);
  const specialTokens = (json.added_tokens ?? [])
    .filter((t) => t.special === true)
    .map((t) => ({ content: t.content, id: t.id }));
  const bos = tokenString(config['bos_token']);
  const eos = tokenString(config['eos_token']);
  const info: NativeTokenizerInfo = {
    vocabSize: vocabSizeOf(json),
    kind: 'hf',
    model: String(json.model.type ?? 'unknown').toLowerCase(),
    specialTokens,
    ...(bos !== undefined ? { bosToken: bos } : {}),
    ...(eos !== undefined ? { eosToken: eos } : {}),
  };
  return { tok, info };
}

/**
 * Swaps in collie's exact pieces where @huggingface/tokenizers differs from HF's Rust library
 * (the reference): the Unigram segmentation (js-unigram.ts).
 */
interface JsModelHooks {
  tokenize?: (word: string) => string[];
  encode?: (words: string[]) => string[];
}

function patchModel(tok: HfJsTokenizer, json: TokenizerJsonShape, text: string): void {
  patchNormalization(tok, json);
  const model = (tok as unknown as { model?: JsModelHooks }).model;
  if (json.model?.type === 'Unigram' && model && Array.isArray(json.model.vocab)) {
    const unkId = (json.model as { unk_id?: unknown }).unk_id;
    if (typeof unkId !== 'number') return;
    const vocab = json.model.vocab as Array<[string, number]>;
    const scores = rustUnigramScores(text, vocab.length);
    const exact = scores
      ? vocab.map(([p], i): [string, number] => [p, scores[i] as number])
      : vocab;
    const pieces = unigramPieces(exact, unkId);
    // Rust's Metaspace (split: true) cuts words before every replacement char; the JS library
    // hands the model one string, and a Unigram lattice over several words breaks ties
    // differently: segment each word on its own.
    const pre = (
      json as { pre_tokenizer?: { type?: string; split?: boolean; replacement?: string } }
    ).pre_tokenizer;
    const mark =
      pre?.type === 'Metaspace' && pre.split !== false ? (pre.replacement ?? '\u2581') : '';
    model.tokenize = (word: string) =>
      mark === ''
        ? unigramSegment(pieces, word)
        : splitBefore(word, mark).flatMap((w) => unigramSegment(pieces, w));
    // the library's encode spreads each word's pieces into push(): a long text overflows the
    // stack; append one by one instead
    const tokenize = model.tokenize;
    model.encode = (words: string[]) => {
      const out: string[] = [];
      for (const w of words) for (const p of tokenize(w)) out.push(p);
      return out;
    };
  }
}

interface Component {
  type?: string;
  normalizers?: Component[];
  [key: string]: unknown;
}

/** The exact replacement of one normalizer, or undefined when the JS library's is kept. */
function exactNormalizer(n: Component | null | undefined): ((t: string) => string) | undefined {
  if (!n) return undefined;
  const t = n.type;
  if (t === 'BertNormalizer') return bertNormalizer(n as BertNormalizerConfig);
  if (t === 'NFC' || t === 'NFKC' || t === 'NFD' || t === 'NFKD') return unicodeNormalizer(t);
  return undefined;
}

/**
 * BertNormalizer, the Unicode normalization forms and BertPreTokenizer as HF's Rust library
 * runs them (js-normalizers.ts), in place of the JS library's.
 */
function patchNormalization(tok: HfJsTokenizer, json: TokenizerJsonShape): void {
  const t = tok as unknown as { normalizer: unknown; pre_tokenizer: unknown };
  const shape = json as { normalizer?: Component | null; pre_tokenizer?: Component | null };
  const norm = shape.normalizer;
  const fixed = exactNormalizer(norm);
  if (fixed) t.normalizer = fixed;
  else if (norm?.type === 'Sequence' && Array.isArray(norm.normalizers)) {
    const steps = norm.normalizers.map((n) => exactNormalizer(n));
    if (steps.every((s) => s !== undefined)) {
      t.normalizer = (text: string) => steps.reduce((acc, f) => f(acc), text);
    }
  }
  if (shape.pre_tokenizer?.type === 'BertPreTokenizer') t.pre_tokenizer = bertPreTokenize;
}

/** `text` cut before every occurrence of `mark` (HF's MergedWithNext split). */
function splitBefore(text: string, mark: string): string[] {
  const out: string[] = [];
  let from = 0;
  for (let at = text.indexOf(mark, 1); at > 0; at = text.indexOf(mark, at + mark.length)) {
    out.push(text.slice(from, at));
    from = at;
  }
  out.push(text.slice(from));
  return out;
}

/** HF's DecodeStream over a JS tokenizer: text is released once it no longer ends in U+FFFD. */
class JsDecodeStream implements NativeDecodeStream {
  private ids: number[] = [];
  private prefix = '';
  private prefixIndex = 0;
  constructor(
    private readonly entry: Entry,
    private readonly skip: boolean,
  ) {}
  step(id: number): string {
    if (!Number.isInteger(id) || id < 0 || id >= this.entry.info.vocabSize) {
      throw new RangeError(`token id ${id} is out of range [0, ${this.entry.info.vocabSize})`);
    }
    this.ids.push(id);
    const text = this.entry.tok.decode(this.ids, { skip_special_tokens: this.skip });
    if (text.length > this.prefix.length && !text.endsWith('\uFFFD')) {
      const fresh = text.slice(this.prefix.length);
      const nextPrefixIndex = this.ids.length - this.prefixIndex;
      this.ids = this.ids.slice(this.prefixIndex);
      this.prefix = this.entry.tok.decode(this.ids, { skip_special_tokens: this.skip });
      this.prefixIndex = nextPrefixIndex;
      return fresh;
    }
    return '';
  }
  flush(): string {
    const text = this.entry.tok.decode(this.ids, { skip_special_tokens: this.skip });
    const rest = text.length > this.prefix.length ? text.slice(this.prefix.length) : '';
    this.ids = [];
    this.prefix = '';
    this.prefixIndex = 0;
    return rest;
  }
}

export interface JsTokenizerEngine extends NativeTokenizerAddon {
  /** Makes `handle` (loaded on another thread from `file`) usable on this thread. */
  ensure(handle: number, file: string): void;
}

export function createJsTokenizerEngine(): JsTokenizerEngine {
  const entries = new Map<number, Entry>();
  let next = JS_HANDLE_BASE;
  const get = (handle: number): Entry => {
    const e = entries.get(handle);
    if (!e) throw new TypeError(`unknown or freed tokenizer handle ${handle}`);
    return e;
  };
  const checkIds = (e: Entry, ids: Uint32Array): number[] => {
    for (const id of ids) {
      if (id >= e.info.vocabSize)
        throw new RangeError(`token id ${id} is out of range [0, ${e.info.vocabSize})`);
    }
    return Array.from(ids);
  };
  const encode = (e: Entry, text: string, add: boolean): Uint32Array =>
    Uint32Array.from(e.tok.encode(text, { add_special_tokens: add }).ids);
  // The Rust library's Unigram/WordPiece vocabularies hold every id below vocabSize, so a
  // per-id lookup is all token_to_id/id_to_token need.
  return {
    tokenizerLoad(file) {
      if (typeof file !== 'string' || file === '')
        throw new TypeError('file must be a non-empty string');
      return Promise.resolve().then(() => {
        const handle = next++;
        entries.set(handle, load(file));
        return handle;
      });
    },
    ensure(handle, file) {
      if (!entries.has(handle)) entries.set(handle, load(file));
    },
    tokenizerFree(handle) {
      entries.delete(handle);
    },
    tokenizerInfo: (handle) => get(handle).info,
    tokenizerEncode: (handle, text, add) => encode(get(handle), text, add),
    tokenizerEncodeBatch: (handle, texts, add) => {
      const e = get(handle);
      return texts.map((t) => encode(e, t, add));
    },
    tokenizerDecode: (handle, ids, skip) => {
      const e = get(handle);
      return e.tok.decode(checkIds(e, ids), { skip_special_tokens: skip });
    },
    tokenizerTokenToId: (handle, token) => get(handle).tok.token_to_id(token),
    tokenizerIdToToken: (handle, id) => {
      if (!Number.isInteger(id) || id < 0) throw new TypeError('id must be a non-negative integer');
      return get(handle).tok.id_to_token(id);
    },
    TokenizerDecodeStream: class {
      private readonly inner: JsDecodeStream;
      constructor(handle: number, skip: boolean) {
        this.inner = new JsDecodeStream(get(handle), skip);
      }
      step(id: number): string {
        return this.inner.step(id);
      }
      flush(): string {
        return this.inner.flush();
      }
    },
  };
}

/** Messages of the C++ engine that mean "this file uses something I do not implement". */
const UNSUPPORTED = /\bunsupported\b/i;

/**
 * The addon collie loads tokenizers with: the C++ engine first; a tokenizer.json it refuses
 * as unsupported goes to the JS engine. Every other call follows the handle's engine.
 */
export function createFallbackAddon(
  native: NativeTokenizerAddon,
  js: JsTokenizerEngine,
): NativeTokenizerAddon & { readonly js: JsTokenizerEngine } {
  const pick = (handle: number): NativeTokenizerAddon => (isJsHandle(handle) ? js : native);
  return {
    js,
    async tokenizerLoad(file) {
      try {
        return await native.tokenizerLoad(file);
      } catch (err) {
        if (!(err instanceof Error) || !UNSUPPORTED.test(err.message) || /\.tiktoken$/i.test(file))
          throw err;
        try {
          return await js.tokenizerLoad(file);
        } catch (jsErr) {
          throw new Error(`${err.message}; the JS engine failed too: ${(jsErr as Error).message}`, {
            cause: jsErr,
          });
        }
      }
    },
    tokenizerFree: (h) => pick(h).tokenizerFree(h),
    tokenizerInfo: (h) => pick(h).tokenizerInfo(h),
    tokenizerEncode: (h, t, a) => pick(h).tokenizerEncode(h, t, a),
    tokenizerEncodeBatch: (h, t, a) => pick(h).tokenizerEncodeBatch(h, t, a),
    tokenizerDecode: (h, ids, s) => pick(h).tokenizerDecode(h, ids, s),
    tokenizerTokenToId: (h, t) => pick(h).tokenizerTokenToId(h, t),
    tokenizerIdToToken: (h, id) => pick(h).tokenizerIdToToken(h, id),
    TokenizerDecodeStream: class {
      private readonly inner: NativeDecodeStream;
      constructor(handle: number, skip: boolean) {
        this.inner = new (pick(handle).TokenizerDecodeStream)(handle, skip);
      }
      step(id: number): string {
        return this.inner.step(id);
      }
      flush(): string {
        return this.inner.flush();
      }
    },
  };
}
