import path from 'node:path';
import { ConfigError } from './errors';
import { readTemplateSource } from '../kv-events/chat-template';
import { DEFAULT_INLINE_THRESHOLD } from '../tokenizer/tokenizer';
import { hubSettingsFromEnv } from '../tokenizer/hf-cache';
import { bool, int, str } from './flag-kinds';
import { derive, type ConfigOf, type Env } from './schema';
import type { TokenizerConfig } from './tokenizer-config';

/** Tokenizer flags of `collie launch`: SMG's names and defaults, plus collie's hub/pool ones. */
const TOKENIZER_FLAGS = {
  modelPath: str('--model-path', {
    aliases: ['--model'],
    help: 'Model directory or Hugging Face id: its tokenizer is registered at startup, named after this string (unless --tokenizer-path is set)',
  }),
  tokenizerPath: str('--tokenizer-path', {
    help: 'tokenizer.json / *.tiktoken file, directory or Hugging Face id registered at startup, named after this string',
  }),
  chatTemplate: str('--chat-template', {
    help: "Chat template file for the startup tokenizer (--model-path / --tokenizer-path), used instead of the tokenizer's own: Jinja, or .json holding `chat_template`. Cache-aware routing renders it for chat requests' exact token ids",
  }).to(chatTemplateFile),
  disableAutoload: bool('--disable-tokenizer-autoload', {
    help: 'Do not register --tokenizer-path / --model-path at startup',
  }),
  hubDownload: bool('--tokenizer-hub-download', {
    help: 'Download Hugging Face tokenizers missing from the local HF cache (HF_ENDPOINT, HF_TOKEN; cache HF_HUB_CACHE, else $HF_HOME/hub)',
  }),
  enableL0: bool('--tokenizer-cache-enable-l0', {
    help: 'Exact-match tokenization cache (text + special-token flag → ids), per ingress process',
  }),
  l0MaxEntries: int('--tokenizer-cache-l0-max-entries', {
    default: 10000,
    min: 0,
    help: 'L0 cache bound, entries per tokenizer (LRU; also at most 256 MiB)',
  }),
  enableL1: bool('--tokenizer-cache-enable-l1', {
    help: 'Prefix tokenization cache at special-token boundaries (only suffixes are encoded on a hit)',
  }),
  l1MaxMemory: int('--tokenizer-cache-l1-max-memory', {
    default: 52428800,
    min: 0,
    help: 'L1 cache budget per tokenizer, bytes (LRU)',
  }),
  inlineThreshold: int('--tokenizer-inline-threshold', {
    default: DEFAULT_INLINE_THRESHOLD,
    min: 0,
    help: 'Texts up to this many UTF-16 units are tokenized on the request thread, longer ones on the tokenizer thread pool',
  }),
  threads: int('--tokenizer-threads', {
    min: 1,
    max: 256,
    help: 'Tokenizer pool threads per ingress process (unset: CPU count / --workers, at least 1)',
  }),
};

/**
 * --chat-template: an absolute path to a file that holds a template, checked at startup as
 * SMG reads it (readable; a .json file must hold one), so a bad path stops the launch.
 */
function chatTemplateFile(v: string | undefined): string | undefined {
  if (v === undefined) return undefined;
  const file = path.resolve(v);
  try {
    readTemplateSource(file);
  } catch (err) {
    throw new ConfigError(`--chat-template: ${(err as Error).message}`);
  }
  return file;
}

/** Cache sizes count only with their enable flag; the hub settings come from the environment. */
function tokenizerConfig(v: ConfigOf<typeof TOKENIZER_FLAGS>, env: Env): TokenizerConfig {
  const source = v.tokenizerPath ?? v.modelPath;
  return {
    ...(source !== undefined && !v.disableAutoload ? { startupSource: source } : {}),
    ...(v.chatTemplate !== undefined ? { chatTemplate: v.chatTemplate } : {}),
    hubDownload: v.hubDownload,
    hub: hubSettingsFromEnv(env),
    cache: {
      ...(v.enableL0 ? { l0: { maxEntries: v.l0MaxEntries } } : {}),
      ...(v.enableL1 ? { l1: { maxBytes: v.l1MaxMemory } } : {}),
    },
    inlineThreshold: v.inlineThreshold,
    ...(v.threads !== undefined ? { threads: v.threads } : {}),
  };
}

export const TOKENIZER = derive(TOKENIZER_FLAGS, tokenizerConfig);
