import { setImmediate as yieldToLoop } from 'node:timers/promises';
import type { EngineCore, RequestCtx } from './core';

/** What one generation will do, fixed before it runs. */
export interface GenPlan {
  promptTokens: number;
  cachedTokens: number;
  outputTokens: number;
  /** 'length' when the request's max-token field set the output length. */
  finish: 'stop' | 'length';
}

export type GenOutcome = 'done' | 'aborted' | 'dropped';

/** Receives output as it is produced. `token` returns false when the socket needs a drain. */
export interface TokenSink {
  /** Called once prefill is over, before the first token (stream preambles go here). */
  prefilled?(): void;
  token(index: number, piece: string): boolean;
  drain?(): Promise<boolean>;
}

const WORDS = [' The', ' quick', ' brown', ' fox', ' jumps', ' over', ' the', ' lazy', ' dog', '.'];

/** Text of output token `i` (the words cycle; the first has no leading space). */
export function pieceAt(i: number): string {
  return i === 0 ? 'The' : (WORDS[i % WORDS.length] as string);
}

/** Token id of output token `i` (for `output_ids`). */
export function outputIdAt(i: number): number {
  return 1000 + (i % WORDS.length);
}

/** The whole output text of `n` tokens. */
export function outputText(n: number): string {
  let s = '';
  for (let i = 0; i < n; i++) s += pieceAt(i);
  return s;
}

/**
 * Runs the prefix-cache lookup for a tokenized prompt and fixes the output length.
 * `maxTokens` (the request's max_tokens & co.) overrides the engine's default token count.
 */
export function planGeneration(
  core: EngineCore,
  prompt: Uint32Array,
  maxTokens: number | undefined,
): GenPlan {
  const cachedTokens = core.kv.matchAndInsert(prompt);
  core.counters.promptTokens += prompt.length;
  core.counters.cachedTokens += cachedTokens;
  return {
    promptTokens: prompt.length,
    cachedTokens,
    outputTokens: maxTokens ?? core.cfg.tokens,
    finish: maxTokens === undefined ? 'stop' : 'length',
  };
}

/** Sleeps `ms`; resolves false (and clears the timer) if `signal` aborts first. */
export function sleep(ms: number, signal: AbortSignal): Promise<boolean> {
  if (signal.aborted) return Promise.resolve(false);
  return new Promise((resolve) => {
    const onAbort = (): void => {
      clearTimeout(timer);
      resolve(false);
    };
    const timer = setTimeout(() => {
      signal.removeEventListener('abort', onAbort);
      resolve(true);
    }, ms);
    signal.addEventListener('abort', onAbort, { once: true });
  });
}

/**
 * Drop fault: let already written bytes reach the client, then close the connection
 * without finishing the response (the client sees a truncated stream / socket hang-up).
 */
export function dropConnection(ctx: RequestCtx): void {
  const socket = ctx.res.socket;
  if (socket) socket.destroySoon();
  else ctx.res.destroy();
}

async function emitTokens(
  ctx: RequestCtx,
  plan: GenPlan,
  sink: TokenSink | undefined,
  progress: { produced: number },
): Promise<GenOutcome> {
  const { core, signal } = ctx;
  const { cfg, scheduler, counters, throughput } = core;
  const uncached = plan.promptTokens - plan.cachedTokens;
  if (cfg.prefillTokensPerSec > 0 && uncached > 0 && ctx.pd?.skipPrefill !== true) {
    let waitMs = (uncached / cfg.prefillTokensPerSec) * 1000;
    if (cfg.prefillShared) {
      // one prefill unit per engine: this request's prefill starts when the earlier ones end
      // (an aborted request keeps its slot: the engine would have started on it anyway)
      const now = cfg.clock.monotonic();
      const start = Math.max(now, core.prefillBusyUntil);
      core.prefillBusyUntil = start + waitMs;
      waitMs = core.prefillBusyUntil - now;
    }
    if (!(await sleep(waitMs, signal))) return 'aborted';
  }
  if (signal.aborted) return 'aborted';
  ctx.pd?.onPrefilled?.(plan);
  sink?.prefilled?.();
  const drop = ctx.fault.dropAfterTokens;
  const delay = cfg.tokenDelayMs;
  const t0 = cfg.clock.monotonic();
  for (let i = 0; i < plan.outputTokens; i++) {
    if (i === drop) return 'dropped';
    if (delay > 0) {
      // Deadline-based so timer lateness does not accumulate over long streams.
      const wait = t0 + (i + 1) * delay - cfg.clock.monotonic();
      if (wait > 0 && !(await sleep(wait, signal))) return 'aborted';
    } else if ((i & 63) === 63) {
      await yieldToLoop();
    }
    if (signal.aborted) return 'aborted';
    progress.produced++;
    scheduler.usedTokens++;
    counters.completionTokens++;
    throughput.add(1, cfg.clock.now());
    if (sink && !sink.token(i, pieceAt(i)) && sink.drain && !(await sink.drain())) {
      return 'aborted';
    }
  }
  return drop === null ? 'done' : 'dropped';
}

/**
 * Runs one planned generation: waits for a running slot, simulates prefill of the uncached
 * prompt tokens, then produces `outputTokens` tokens with `tokenDelayMs` each, feeding
 * `sink`. Stops (timers cleared) when the client disconnects. On a drop fault the
 * connection is closed here and 'dropped' returned; the caller must not write afterwards.
 */
export async function runGeneration(
  ctx: RequestCtx,
  plan: GenPlan,
  sink?: TokenSink,
): Promise<GenOutcome> {
  const { scheduler, counters } = ctx.core;
  const admitted =
    scheduler.tryAdmit() ||
    (await scheduler.waitForSlot(ctx.signal, plan.promptTokens - plan.cachedTokens));
  if (!admitted) {
    counters.aborted++;
    return 'aborted';
  }
  const progress = { produced: 0 };
  scheduler.usedTokens += plan.promptTokens;
  let outcome: GenOutcome = 'aborted';
  try {
    outcome = await emitTokens(ctx, plan, sink, progress);
    if (outcome === 'dropped') dropConnection(ctx);
    return outcome;
  } finally {
    scheduler.usedTokens -= plan.promptTokens + progress.produced;
    scheduler.release();
    if (outcome === 'done') counters.completed++;
    else counters.aborted++;
  }
}
