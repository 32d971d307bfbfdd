import { DEFAULT_INLINE_THRESHOLD } from '../tokenizer/tokenizer';
import type { FlagSpec } from './flag-spec';

/** Tokenizer flags of `collie launch`: SMG's names and defaults, plus collie's hub/pool ones. */
export const TOKENIZER_FLAGS = [
  {
    key: 'modelPath',
    flag: '--model-path',
    kind: 'string',
    aliases: ['--model'],
    help: 'Model directory or Hugging Face id: its tokenizer is registered at startup, named after this string (unless --tokenizer-path is set)',
  },
  {
    key: 'tokenizerPath',
    flag: '--tokenizer-path',
    kind: 'string',
    help: 'tokenizer.json / *.tiktoken file, directory or Hugging Face id registered at startup, named after this string',
  },
  {
    key: 'disableTokenizerAutoload',
    flag: '--disable-tokenizer-autoload',
    kind: 'bool',
    default: false,
    help: 'Do not register --tokenizer-path / --model-path at startup',
  },
  {
    key: 'tokenizerHubDownload',
    flag: '--tokenizer-hub-download',
    kind: 'bool',
    default: false,
    help: 'Download Hugging Face tokenizers missing from the local HF cache (HF_ENDPOINT, HF_TOKEN; cache HF_HUB_CACHE, else $HF_HOME/hub)',
  },
  {
    key: 'tokenizerCacheEnableL0',
    flag: '--tokenizer-cache-enable-l0',
    kind: 'bool',
    default: false,
    help: 'Exact-match tokenization cache (text + special-token flag → ids), per ingress process',
  },
  {
    key: 'tokenizerCacheL0MaxEntries',
    flag: '--tokenizer-cache-l0-max-entries',
    kind: 'int',
    default: 10000,
    min: 0,
    help: 'L0 cache bound, entries per tokenizer (LRU; also at most 256 MiB)',
  },
  {
    key: 'tokenizerCacheEnableL1',
    flag: '--tokenizer-cache-enable-l1',
    kind: 'bool',
    default: false,
    help: 'Prefix tokenization cache at special-token boundaries (only suffixes are encoded on a hit)',
  },
  {
    key: 'tokenizerCacheL1MaxMemory',
    flag: '--tokenizer-cache-l1-max-memory',
    kind: 'int',
    default: 52428800,
    min: 0,
    help: 'L1 cache budget per tokenizer, bytes (LRU)',
  },
  {
    key: 'tokenizerInlineThreshold',
    flag: '--tokenizer-inline-threshold',
    kind: 'int',
    default: DEFAULT_INLINE_THRESHOLD,
    min: 0,
    help: 'Texts up to this many UTF-16 units are tokenized on the request thread, longer ones on the tokenizer thread pool',
  },
  {
    key: 'tokenizerThreads',
    flag: '--tokenizer-threads',
    kind: 'int',
    min: 1,
    max: 256,
    help: 'Tokenizer pool threads per ingress process (unset: CPU count / --workers, at least 1)',
  },
] as const satisfies readonly FlagSpec[];
