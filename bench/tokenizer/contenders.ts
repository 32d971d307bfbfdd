import { Tokenizer as HfTokenizer } from '@anush008/tokenizers';
import { Tiktoken as JsTiktoken } from 'js-tiktoken/lite';
import { get_encoding } from 'tiktoken';
import { loadNative } from '../../src/native';
import type { NativeTokenizerAddon } from '../../src/native/tokenizer-addon';
import type { TiktokenEncodingName } from '../../test/unit/tokenizer-oracle/tiktoken-file';

/**
 * One tokenizer implementation under measurement, always encoding with addSpecialTokens false
 * (a chat template already carries its BOS) and with special-token strings in the text mapped
 * to their ids (HF semantics; tiktoken's `encode(text, 'all')`).
 */
export interface Contender {
  readonly engine: EngineName;
  /** Encodes every text (one call each, or one batch call); resolves to the total id count. */
  encodeAll(texts: readonly string[]): Promise<number>;
  /** Mean µs per call over `n` back-to-back encodes of `text` (awaited one by one if async). */
  timeCalls(text: string, n: number): Promise<number>;
  encode(text: string): Promise<Uint32Array>;
  close(): void;
}

export const ENGINE_NAMES = [
  'collie',
  'collie-batch',
  'hf-await',
  'hf-batch',
  'tiktoken-wasm',
  'js-tiktoken',
] as const;
export type EngineName = (typeof ENGINE_NAMES)[number];

/** What a tokenizer is loaded from: a tokenizer.json or a tiktoken encoding (+ its file). */
export type TokenizerSource =
  | { readonly kind: 'hf'; readonly file: string }
  | { readonly kind: 'tiktoken'; readonly file: string; readonly encoding: TiktokenEncodingName };

function elapsedUs(t0: bigint): number {
  return Number(process.hrtime.bigint() - t0) / 1e3;
}

/** A sync encoder as a Contender: tight loops, no promise per call. */
function syncContender(
  engine: EngineName,
  encode: (text: string) => ArrayLike<number>,
  close: () => void,
  batch?: (texts: readonly string[]) => readonly ArrayLike<number>[],
): Contender {
  return {
    engine,
    encodeAll(texts) {
      let n = 0;
      if (batch) for (const ids of batch(texts)) n += ids.length;
      else for (const t of texts) n += encode(t).length;
      return Promise.resolve(n);
    },
    timeCalls(text, calls) {
      let sink = 0;
      const t0 = process.hrtime.bigint();
      for (let i = 0; i < calls; i++) sink += encode(text).length;
      const us = elapsedUs(t0) / calls;
      return Promise.resolve(sink >= 0 ? us : NaN);
    },
    encode: (text) => Promise.resolve(Uint32Array.from(encode(text))),
    close,
  };
}

export function nativeTokenizerAddon(): NativeTokenizerAddon | undefined {
  const addon = loadNative() as unknown as Partial<NativeTokenizerAddon>;
  return typeof addon.tokenizerLoad === 'function' ? (addon as NativeTokenizerAddon) : undefined;
}

async function collie(source: TokenizerSource, batch: boolean): Promise<Contender | undefined> {
  const addon = nativeTokenizerAddon();
  if (!addon) return undefined;
  const h = await addon.tokenizerLoad(source.file);
  return syncContender(
    batch ? 'collie-batch' : 'collie',
    (t) => addon.tokenizerEncode(h, t, false),
    () => addon.tokenizerFree(h),
    batch ? (texts) => addon.tokenizerEncodeBatch(h, texts, false) : undefined,
  );
}

/**
 * HF tokenizers through @anush008/tokenizers. Its API is async (each call hops to the libuv
 * pool); 'hf-await' awaits one encode at a time, 'hf-batch' sends the corpus as one
 * encodeBatch (single-threaded: the bench sets RAYON_NUM_THREADS=1 before loading it).
 */
function hf(source: TokenizerSource, batch: boolean): Contender | undefined {
  if (source.kind !== 'hf') return undefined;
  const tok = HfTokenizer.fromFile(source.file);
  const opts = { addSpecialTokens: false };
  const encode = async (t: string): Promise<number[]> => (await tok.encode(t, null, opts)).getIds();
  return {
    engine: batch ? 'hf-batch' : 'hf-await',
    async encodeAll(texts) {
      let n = 0;
      if (batch) for (const e of await tok.encodeBatch([...texts], opts)) n += e.getIds().length;
      else for (const t of texts) n += (await encode(t)).length;
      return n;
    },
    async timeCalls(text, calls) {
      let sink = 0;
      const t0 = process.hrtime.bigint();
      for (let i = 0; i < calls; i++) sink += (await encode(text)).length;
      return sink >= 0 ? elapsedUs(t0) / calls : NaN;
    },
    encode: async (t) => Uint32Array.from(await encode(t)),
    close() {},
  };
}

function tiktokenWasm(source: TokenizerSource): Contender | undefined {
  if (source.kind !== 'tiktoken') return undefined;
  const enc = get_encoding(source.encoding);
  return syncContender(
    'tiktoken-wasm',
    (t) => enc.encode(t, 'all'),
    () => enc.free(),
  );
}

async function jsTiktoken(source: TokenizerSource): Promise<Contender | undefined> {
  if (source.kind !== 'tiktoken') return undefined;
  const ranks = await loadJsTiktokenRanks(source.encoding);
  const enc = new JsTiktoken(ranks);
  return syncContender(
    'js-tiktoken',
    (t) => enc.encode(t, 'all'),
    () => {},
  );
}

type JsTiktokenRanks = ConstructorParameters<typeof JsTiktoken>[0];

async function loadJsTiktokenRanks(name: TiktokenEncodingName): Promise<JsTiktokenRanks> {
  const mod =
    name === 'o200k_base'
      ? await import('js-tiktoken/ranks/o200k_base')
      : await import('js-tiktoken/ranks/cl100k_base');
  return mod.default;
}

/** The contender for an engine, or undefined when it does not apply or is not built. */
export async function createContender(
  engine: EngineName,
  source: TokenizerSource,
): Promise<Contender | undefined> {
  switch (engine) {
    case 'collie':
      return collie(source, false);
    case 'collie-batch':
      return collie(source, true);
    case 'hf-await':
      return hf(source, false);
    case 'hf-batch':
      return hf(source, true);
    case 'tiktoken-wasm':
      return tiktokenWasm(source);
    case 'js-tiktoken':
      return jsTiktoken(source);
  }
}
