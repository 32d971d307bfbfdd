import { hubSettingsFromEnv, type HubSettings } from '../tokenizer/hf-cache';
import type { TokenizerCacheOptions } from '../tokenizer/cached-encoder';

/** The tokenizer part of the gateway configuration. */
export interface TokenizerConfig {
  /** --tokenizer-path, else --model-path; registered at startup unless autoload is off. */
  readonly startupSource?: string;
  readonly hubDownload: boolean;
  /** Hub endpoint, token and cache folder, read from the environment at startup. */
  readonly hub: HubSettings;
  readonly cache: TokenizerCacheOptions;
  /** UTF-16 units; longer texts go to the pool. */
  readonly inlineThreshold: number;
  /** Pool threads per ingress process; undefined = CPU count / processes. */
  readonly threads?: number;
}

type Values = Readonly<Record<string, string | number | boolean | string[]>>;

export function tokenizerConfig(
  values: Values,
  env: Readonly<Record<string, string | undefined>>,
): TokenizerConfig {
  const str = (k: string): string | undefined => {
    const v = values[k];
    return typeof v === 'string' && v !== '' ? v : undefined;
  };
  const source = str('tokenizerPath') ?? str('modelPath');
  const autoload = values['disableTokenizerAutoload'] !== true;
  const threads = values['tokenizerThreads'];
  return {
    ...(source !== undefined && autoload ? { startupSource: source } : {}),
    hubDownload: values['tokenizerHubDownload'] === true,
    hub: hubSettingsFromEnv(env),
    cache: {
      ...(values['tokenizerCacheEnableL0'] === true
        ? { l0: { maxEntries: values['tokenizerCacheL0MaxEntries'] as number } }
        : {}),
      ...(values['tokenizerCacheEnableL1'] === true
        ? { l1: { maxBytes: values['tokenizerCacheL1MaxMemory'] as number } }
        : {}),
    },
    inlineThreshold: values['tokenizerInlineThreshold'] as number,
    ...(typeof threads === 'number' ? { threads } : {}),
  };
}
