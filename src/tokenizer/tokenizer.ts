import type { NativeTokenizerAddon, NativeTokenizerInfo } from '../native/tokenizer-addon';
import { isJsHandle } from './js-engine';
import {
  CachedEncoder,
  type EncodePlan,
  type TokenizerCacheOptions,
  type TokenizerCacheStats,
} from './cached-encoder';
import { DecodeStream, checkId } from './decode-stream';
import { withCode } from './errors';
import type { TokenizerPool } from './pool';

export interface EncodeOptions {
  /** Add the template's special tokens (BOS, …). Default true, as Hugging Face tokenizers. */
  readonly addSpecialTokens?: boolean;
  /** encode(): where the work runs; 'auto' (default) decides by the inline threshold. */
  readonly dispatch?: 'auto' | 'inline' | 'pool';
}

export interface DecodeOptions {
  /** Drop special tokens from the text. Default false, as Hugging Face tokenizers. */
  readonly skipSpecialTokens?: boolean;
}

export interface DispatchOptions {
  /**
   * Inputs up to this many UTF-16 units are encoded on the calling thread, longer ones on
   * the pool (default DEFAULT_INLINE_THRESHOLD, measured; 0 = always the pool,
   * Infinity = never).
   */
  readonly inlineThreshold?: number;
  /** decodeAsync: up to this many ids decode on the calling thread (default 16384). */
  readonly decodeInlineThreshold?: number;
}

/**
 * The inline/pool crossover measured with calibrate.ts on the reference machine (2 vCPUs,
 * Node 20): a pool round trip costs 20–25 µs, and the calling thread stays busy ~22 µs per
 * pooled task. Inline encoding of English-like text costs that much at about 1.5k UTF-16
 * units (DeepSeek V3), 2.8–3k (Qwen 3, Llama 2, Gemma) and 4k (Llama 3): below that,
 * offloading adds latency and saves no event-loop time.
 */
export const DEFAULT_INLINE_THRESHOLD = 3072;
export const DEFAULT_DECODE_INLINE_THRESHOLD = 16384;

export interface TokenizerInfo extends NativeTokenizerInfo {
  /** The local file the tokenizer was loaded from. */
  readonly file: string;
}

/** Numeric ids: a Uint32Array, or an array of integers. */
export type TokenIds = Uint32Array | readonly number[];

/** A loaded tokenizer. Methods throw once closed. */
export class Tokenizer {
  readonly info: TokenizerInfo;
  readonly vocabSize: number;
  private readonly cache: CachedEncoder | undefined;
  private readonly inlineThreshold: number;
  private readonly decodeInlineThreshold: number;
  private readonly ownsPool: boolean;
  /** The file, for tokenizers of the JS engine: pool threads load their own copy from it. */
  private readonly poolFile: string | undefined;
  private inflight = 0;
  private closing: Promise<void> | undefined;
  private idle: (() => void) | undefined;

  /** Use loadTokenizer(); this takes ownership of `handle` (freed by close()). */
  constructor(
    private readonly addon: NativeTokenizerAddon,
    private readonly handle: number,
    file: string,
    private readonly pool: TokenizerPool,
    opts: DispatchOptions & {
      readonly cache?: TokenizerCacheOptions;
      /** Close `pool` together with this tokenizer. */
      readonly ownsPool?: boolean;
    } = {},
  ) {
    const info = addon.tokenizerInfo(handle);
    this.info = Object.freeze({ ...info, file });
    this.vocabSize = info.vocabSize;
    this.inlineThreshold = threshold(
      opts.inlineThreshold,
      DEFAULT_INLINE_THRESHOLD,
      'inlineThreshold',
    );
    this.decodeInlineThreshold = threshold(
      opts.decodeInlineThreshold,
      DEFAULT_DECODE_INLINE_THRESHOLD,
      'decodeInlineThreshold',
    );
    this.ownsPool = opts.ownsPool ?? false;
    this.poolFile = isJsHandle(handle) ? file : undefined;
    const cacheOpts = opts.cache ?? {};
    this.cache =
      cacheOpts.l0 || cacheOpts.l1
        ? new CachedEncoder(
            (text, add) => addon.tokenizerEncode(handle, text, add),
            info.specialTokens,
            cacheOpts,
          )
        : undefined;
  }

  /** Encodes on the calling thread (with the caches). */
  encodeSync(text: string, opts: EncodeOptions = {}): Uint32Array {
    this.alive();
    checkText(text);
    const add = opts.addSpecialTokens ?? true;
    if (this.cache) return this.cache.encodeSync(text, add);
    return this.addon.tokenizerEncode(this.handle, text, add);
  }

  /** Short inputs inline, long ones on the pool (only what the caches do not cover). */
  async encode(text: string, opts: EncodeOptions = {}): Promise<Uint32Array> {
    this.alive();
    checkText(text);
    const add = opts.addSpecialTokens ?? true;
    const where = opts.dispatch ?? 'auto';
    const inline = (length: number): boolean =>
      where === 'inline' || (where === 'auto' && length <= this.inlineThreshold);
    const cache = this.cache;
    if (!cache) {
      if (inline(text.length)) return this.addon.tokenizerEncode(this.handle, text, add);
      return this.track(this.pool.encode(this.handle, text, add, this.poolFile));
    }
    const plan = cache.plan(text, add);
    if (plan.done) return plan.done;
    if (inline(plan.work.length)) return cache.finish(plan, cache.runWork(plan));
    const ids = await this.track(
      this.pool.encode(this.handle, plan.work, plan.workAdd, this.poolFile),
    );
    return cache.finish(plan, ids);
  }

  /**
   * Encodes many texts. Small batches run inline; larger ones are split into chunks of
   * about equal length, one per pool thread.
   */
  async encodeBatch(texts: readonly string[], opts: EncodeOptions = {}): Promise<Uint32Array[]> {
    this.alive();
    const list: unknown = texts;
    if (!Array.isArray(list)) throw argumentError('texts must be an array of strings');
    for (const t of texts) checkText(t);
    const add = opts.addSpecialTokens ?? true;
    const cache = this.cache;
    const plans: EncodePlan[] = texts.map((text) =>
      cache
        ? cache.plan(text, add)
        : { text, add, work: text, workAdd: add, boundaries: [], workStart: 0 },
    );
    const todo = plans.filter((p) => !p.done);
    const ids = await this.runWorks(todo);
    const byPlan = new Map<EncodePlan, Uint32Array>();
    todo.forEach((p, i) => byPlan.set(p, ids[i] as Uint32Array));
    return plans.map((p) => {
      if (p.done) return p.done;
      const w = byPlan.get(p) as Uint32Array;
      return cache ? cache.finish(p, w) : w;
    });
  }

  /** Decodes on the calling thread. Ids must be integers in [0, vocabSize). */
  decode(ids: TokenIds, opts: DecodeOptions = {}): string {
    this.alive();
    return this.addon.tokenizerDecode(
      this.handle,
      this.toIds(ids),
      opts.skipSpecialTokens ?? false,
    );
  }

  /** decode() for huge inputs: past decodeInlineThreshold ids it runs on the pool. */
  async decodeAsync(ids: TokenIds, opts: DecodeOptions = {}): Promise<string> {
    this.alive();
    const arr = this.toIds(ids);
    const skip = opts.skipSpecialTokens ?? false;
    if (arr.length <= this.decodeInlineThreshold)
      return this.addon.tokenizerDecode(this.handle, arr, skip);
    return this.track(this.pool.decode(this.handle, arr, skip, this.poolFile));
  }

  /** An incremental decoder (streaming output). Invalid once the tokenizer is closed. */
  createDecodeStream(opts: DecodeOptions = {}): DecodeStream {
    this.alive();
    return new DecodeStream(
      this.addon,
      this.handle,
      opts.skipSpecialTokens ?? false,
      this.vocabSize,
      () => this.alive(),
    );
  }

  tokenToId(token: string): number | undefined {
    this.alive();
    return this.addon.tokenizerTokenToId(this.handle, token);
  }

  idToToken(id: number): string | undefined {
    this.alive();
    checkId(id, this.vocabSize);
    return this.addon.tokenizerIdToToken(this.handle, id);
  }

  cacheStats(): TokenizerCacheStats {
    return this.cache?.stats() ?? {};
  }

  get closed(): boolean {
    return this.closing !== undefined;
  }

  /** Waits for pool tasks using the handle, then frees it (and an owned pool). Idempotent. */
  close(): Promise<void> {
    this.closing ??= (async () => {
      if (this.inflight > 0) await new Promise<void>((resolve) => (this.idle = resolve));
      this.cache?.clear();
      this.addon.tokenizerFree(this.handle);
      if (this.ownsPool) await this.pool.close();
    })();
    return this.closing;
  }

  private async runWorks(plans: readonly EncodePlan[]): Promise<Uint32Array[]> {
    const out = new Array<Uint32Array>(plans.length);
    let total = 0;
    for (const p of plans) total += p.work.length;
    if (total <= this.inlineThreshold) {
      plans.forEach((p, i) => (out[i] = this.cache ? this.cache.runWork(p) : this.encodeWork(p)));
      return out;
    }
    // one batch per add flag (the addon's batch call takes one flag)
    const jobs: Array<Promise<void>> = [];
    for (const flag of [false, true]) {
      const idx: number[] = [];
      plans.forEach((p, i) => {
        if (p.workAdd === flag) idx.push(i);
      });
      if (idx.length === 0) continue;
      for (const chunk of splitByLength(
        idx,
        (i) => (plans[i] as EncodePlan).work.length,
        this.chunks(total),
      )) {
        const texts = chunk.map((i) => (plans[i] as EncodePlan).work);
        jobs.push(
          this.track(this.pool.encodeBatch(this.handle, texts, flag, this.poolFile)).then((res) => {
            chunk.forEach((i, k) => (out[i] = res[k] as Uint32Array));
          }),
        );
      }
    }
    await Promise.all(jobs);
    return out;
  }

  private encodeWork(p: EncodePlan): Uint32Array {
    return this.addon.tokenizerEncode(this.handle, p.work, p.workAdd);
  }

  /** As many chunks as threads, but none much shorter than the inline threshold. */
  private chunks(totalLength: number): number {
    const byLength = Math.ceil(totalLength / Math.max(1, this.inlineThreshold));
    return Math.max(1, Math.min(this.pool.threads, byLength));
  }

  private async track<T>(p: Promise<T>): Promise<T> {
    this.inflight++;
    try {
      return await p;
    } finally {
      if (--this.inflight === 0 && this.idle) {
        const idle = this.idle;
        this.idle = undefined;
        idle();
      }
    }
  }

  private toIds(ids: TokenIds): Uint32Array {
    if (ids instanceof Uint32Array) {
      for (let i = 0; i < ids.length; i++) {
        if ((ids[i] as number) >= this.vocabSize)
          checkId(ids[i] as number, this.vocabSize, `ids[${i}]`);
      }
      return ids;
    }
    if (!Array.isArray(ids))
      throw argumentError('ids must be a Uint32Array or an array of integers');
    const out = new Uint32Array(ids.length);
    for (let i = 0; i < ids.length; i++) {
      const id = ids[i] as number;
      checkId(id, this.vocabSize, `ids[${i}]`);
      out[i] = id;
    }
    return out;
  }

  private alive(): void {
    if (this.closing) throw withCode(new Error('the tokenizer is closed'), 'tokenizer_closed');
  }
}

function checkText(text: unknown): asserts text is string {
  if (typeof text !== 'string') throw argumentError(`text must be a string, got ${typeof text}`);
}

function argumentError(message: string): TypeError {
  return withCode(new TypeError(message), 'invalid_argument');
}

function threshold(v: number | undefined, def: number, name: string): number {
  if (v === undefined) return def;
  if (!(v >= 0)) throw new RangeError(`${name} must be >= 0, got ${v}`);
  return v;
}

/** Contiguous groups of `idx` with about equal total length, at most `n` groups. */
export function splitByLength(
  idx: readonly number[],
  len: (i: number) => number,
  n: number,
): number[][] {
  if (n <= 1 || idx.length <= 1) return [idx.slice()];
  let total = 0;
  for (const i of idx) total += len(i);
  const target = total / n;
  const out: number[][] = [];
  let cur: number[] = [];
  let acc = 0;
  for (const i of idx) {
    cur.push(i);
    acc += len(i);
    if (acc >= target * (out.length + 1) && out.length < n - 1) {
      out.push(cur);
      cur = [];
    }
  }
  if (cur.length > 0) out.push(cur);
  return out;
}
