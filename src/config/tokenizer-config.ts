import type { HubSettings } from '../tokenizer/hf-cache';
import type { TokenizerCacheOptions } from '../tokenizer/cached-encoder';

/** The tokenizer part of the gateway configuration (built in flags-tokenizer.ts). */
export interface TokenizerConfig {
  /** --tokenizer-path, else --model-path; registered at startup unless autoload is off. */
  readonly startupSource?: string;
  /** --chat-template: the startup tokenizer's chat template file (absolute path, checked). */
  readonly chatTemplate?: string;
  readonly hubDownload: boolean;
  /** Hub endpoint, token and cache folder, read from the environment at startup. */
  readonly hub: HubSettings;
  readonly cache: TokenizerCacheOptions;
  /** UTF-16 units; longer texts go to the pool. */
  readonly inlineThreshold: number;
  /** Pool threads per ingress process; undefined = CPU count / processes. */
  readonly threads?: number;
}
