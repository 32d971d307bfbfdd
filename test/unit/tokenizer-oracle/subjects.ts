import { Tokenizer as HfTokenizer } from '@anush008/tokenizers';
import { get_encoding, type Tiktoken } from 'tiktoken';
import { loadNative } from '../../../src/native';
import type { NativeTokenizerAddon } from '../../../src/native/tokenizer-addon';
import type { TiktokenFile } from './tiktoken-file';

/**
 * One tokenizer implementation as the oracle suite drives it. Async because the oracle (HF's
 * Rust binding) is; the native subject answers synchronously underneath.
 */
export interface TokenizerSubject {
  readonly label: string;
  /** max id + 1 */
  readonly vocabSize: number;
  encode(text: string, addSpecialTokens: boolean): Promise<Uint32Array>;
  encodeBatch(texts: readonly string[], addSpecialTokens: boolean): Promise<Uint32Array[]>;
  decode(ids: Uint32Array, skipSpecialTokens: boolean): Promise<string>;
  decodeBatch(seqs: readonly Uint32Array[], skipSpecialTokens: boolean): Promise<string[]>;
  /**
   * Incremental decode of `ids`: the strings returned by each step, then the flush. Subjects
   * without a native stream emulate HF's DecodeStream one awaited decode at a time (slow), so
   * callers keep the emulated case short.
   */
  decodeStream(ids: Uint32Array, skipSpecialTokens: boolean): Promise<string[]>;
  /** Vocabulary strings (HF tokenizer.json only; undefined for tiktoken subjects). */
  idToToken(id: number): string | undefined;
  tokenToId(token: string): number | undefined;
  close(): void;
}

/** HF `tokenizers` (Rust) through @anush008/tokenizers: the reference for tokenizer.json. */
export function createHfSubject(file: string): TokenizerSubject {
  const tok = HfTokenizer.fromFile(file);
  const vocab = tok.getVocab(true);
  const vocabSize = Object.values(vocab).reduce((m, id) => Math.max(m, id + 1), 0);
  const decode = (ids: Uint32Array, skip: boolean): Promise<string> =>
    tok.decode(Array.from(ids), skip);
  return {
    label: 'hf-tokenizers',
    vocabSize,
    async encode(text, add) {
      return Uint32Array.from((await tok.encode(text, null, { addSpecialTokens: add })).getIds());
    },
    async encodeBatch(texts, add) {
      if (texts.length === 0) return [];
      const encs = await tok.encodeBatch([...texts], { addSpecialTokens: add });
      return encs.map((e) => Uint32Array.from(e.getIds()));
    },
    decode,
    async decodeBatch(seqs, skip) {
      if (seqs.length === 0) return [];
      return tok.decodeBatch(
        seqs.map((s) => Array.from(s)),
        skip,
      );
    },
    decodeStream: (ids, skip) => emulateDecodeStream(ids, (part) => decode(part, skip)),
    idToToken: (id) => tok.idToToken(id) ?? undefined,
    tokenToId: (token) => tok.tokenToId(token) ?? undefined,
    close() {},
  };
}

/**
 * HF's DecodeStream (tokenizers/src/tokenizer/mod.rs, step_decode_stream): decode the window
 * (the previous token as context + new ones); once it grew and does not end in U+FFFD, emit the
 * growth and keep only the ids after the old prefix as the next window. The flush (which HF
 * lacks) returns whatever the final window holds beyond the emitted prefix.
 */
async function emulateDecodeStream(
  ids: Uint32Array,
  decode: (ids: Uint32Array) => Promise<string>,
): Promise<string[]> {
  const out: string[] = [];
  let window: number[] = [];
  let prefix = '';
  let prefixIndex = 0;
  for (const id of ids) {
    window.push(id);
    const text = await decode(Uint32Array.from(window));
    if (text.length > prefix.length && !text.endsWith('\ufffd')) {
      out.push(text.slice(prefix.length));
      const newPrefixIndex = window.length - prefixIndex;
      window = window.slice(prefixIndex);
      prefix = await decode(Uint32Array.from(window));
      prefixIndex = newPrefixIndex;
    } else {
      out.push('');
    }
  }
  const rest = await decode(Uint32Array.from(window));
  out.push(rest.length > prefix.length ? rest.slice(prefix.length) : '');
  return out;
}

/**
 * The `tiktoken` package (OpenAI's Rust core as WASM): the reference for *.tiktoken files.
 * `specialInText`: whether special-token strings in the text encode as the special id (HF's
 * behaviour, `encode(text, 'all')`) or as ordinary text (`encode_ordinary`). It has no BOS, so
 * addSpecialTokens changes nothing; skipSpecialTokens drops the special ids before decoding.
 */
export function createTiktokenSubject(
  file: TiktokenFile,
  specialInText: boolean,
): TokenizerSubject {
  const enc: Tiktoken = get_encoding(file.name);
  const specials = new Set(Object.values(file.specialTokens));
  // ids without a token (between the last rank and the special ids) decode to nothing, as
  // unknown ids do in HF tokenizers; tiktoken itself would panic
  const known = (id: number): boolean => id < file.ranks || specials.has(id);
  const utf8 = new TextDecoder('utf-8', { ignoreBOM: true });
  const encode = (text: string): Uint32Array =>
    specialInText ? enc.encode(text, 'all') : enc.encode_ordinary(text);
  const decode = (ids: Uint32Array, skip: boolean): string =>
    utf8.decode(enc.decode(ids.filter((id) => known(id) && !(skip && specials.has(id)))));
  return {
    label: 'tiktoken-wasm',
    vocabSize: file.vocabSize,
    encode: (text) => Promise.resolve(encode(text)),
    encodeBatch: (texts) => Promise.resolve(texts.map(encode)),
    decode: (ids, skip) => Promise.resolve(decode(ids, skip)),
    decodeBatch: (seqs, skip) => Promise.resolve(seqs.map((s) => decode(s, skip))),
    decodeStream: (ids, skip) =>
      emulateDecodeStream(ids, (part) => Promise.resolve(decode(part, skip))),
    idToToken: () => undefined,
    tokenToId: () => undefined,
    close: () => enc.free(),
  };
}

/** The native addon, or a clear failure when the tokenizer part is not built in yet. */
export function nativeTokenizerAddon(): NativeTokenizerAddon {
  const addon = loadNative() as unknown as Partial<NativeTokenizerAddon>;
  if (typeof addon.tokenizerLoad !== 'function') {
    throw new Error(
      'build/Release/collie_native.node has no tokenizerLoad: build the tokenizer engine ' +
        '(node scripts/build-native.js) or set COLLIE_TOKENIZER_SUBJECT=oracle to self-test',
    );
  }
  return addon as NativeTokenizerAddon;
}

/** Our C++ engine through the N-API binding (src/native/tokenizer-addon.ts). */
export async function createNativeSubject(
  file: string,
  addon: NativeTokenizerAddon = nativeTokenizerAddon(),
): Promise<TokenizerSubject> {
  const handle = await addon.tokenizerLoad(file);
  const info = addon.tokenizerInfo(handle);
  const decode = (ids: Uint32Array, skip: boolean): string =>
    addon.tokenizerDecode(handle, ids, skip);
  return {
    label: 'collie-native',
    vocabSize: info.vocabSize,
    encode: (text, add) => Promise.resolve(addon.tokenizerEncode(handle, text, add)),
    encodeBatch: (texts, add) => Promise.resolve(addon.tokenizerEncodeBatch(handle, texts, add)),
    decode: (ids, skip) => Promise.resolve(decode(ids, skip)),
    decodeBatch: (seqs, skip) => Promise.resolve(seqs.map((s) => decode(s, skip))),
    decodeStream(ids, skip) {
      const stream = new addon.TokenizerDecodeStream(handle, skip);
      const out: string[] = [];
      for (const id of ids) out.push(stream.step(id));
      out.push(stream.flush());
      return Promise.resolve(out);
    },
    idToToken: (id) => addon.tokenizerIdToToken(handle, id),
    tokenToId: (token) => addon.tokenizerTokenToId(handle, token),
    close: () => addon.tokenizerFree(handle),
  };
}
