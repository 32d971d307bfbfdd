import type { NativeTokenizerAddon } from '../native/tokenizer-addon';
import type { TokenizerCacheOptions } from './cached-encoder';
import { withCode } from './errors';
import { defaultTokenizerAddon } from './native';
import { createTokenizerPool, type TokenizerPool } from './pool';
import { resolveTokenizerSource, type ResolveSourceOptions } from './source';
import { Tokenizer, type DispatchOptions } from './tokenizer';

export interface LoadTokenizerOptions extends ResolveSourceOptions, DispatchOptions {
  /**
   * The pool for long inputs. Share one per process between tokenizers; without it the
   * tokenizer gets its own (threads start on first use) and closes it on close().
   */
  readonly pool?: TokenizerPool;
  /** Threads of the tokenizer's own pool (when `pool` is unset). */
  readonly threads?: number;
  /** L0 / L1 caches (both off by default, as SMG's CLI). */
  readonly cache?: TokenizerCacheOptions;
  /** The addon (tests); default: the built one. */
  readonly addon?: NativeTokenizerAddon;
}

/**
 * Loads a tokenizer from a tokenizer.json / *.tiktoken file, a directory holding one, or
 * a Hugging Face id (see resolveTokenizerSource). The file is parsed off the JS thread.
 */
export async function loadTokenizer(
  source: string,
  options: LoadTokenizerOptions = {},
): Promise<Tokenizer> {
  const addon = options.addon ?? defaultTokenizerAddon();
  const { file } = await resolveTokenizerSource(source, options);
  // the engine's rejection names the file and the problem; the code says what kind it is
  const handle = await addon.tokenizerLoad(file).catch((err: unknown) => {
    throw err instanceof Error ? withCode(err, 'tokenizer_load_failed') : err;
  });
  const ownsPool = options.pool === undefined;
  const pool =
    options.pool ??
    createTokenizerPool(options.threads !== undefined ? { threads: options.threads } : {});
  try {
    return new Tokenizer(addon, handle, file, pool, {
      ownsPool,
      ...(options.cache !== undefined ? { cache: options.cache } : {}),
      ...(options.inlineThreshold !== undefined
        ? { inlineThreshold: options.inlineThreshold }
        : {}),
      ...(options.decodeInlineThreshold !== undefined
        ? { decodeInlineThreshold: options.decodeInlineThreshold }
        : {}),
    });
  } catch (err) {
    addon.tokenizerFree(handle);
    if (ownsPool) await pool.close();
    throw err;
  }
}
