import { median } from '../lib/stats';
import {
  createContender,
  type Contender,
  type EngineName,
  type TokenizerSource,
} from './contenders';
import { sampleLoad, type LoadSample } from './load-probe';
import type { Workloads } from './workloads';

export interface EngineResult {
  readonly tokenizer: string;
  readonly engine: EngineName;
  /** Ids for the whole corpus (addSpecialTokens false); equal across engines when all agree. */
  readonly corpusTokens: number;
  /** Corpus UTF-8 MB (10^6 bytes) per second: median and every round. */
  readonly corpusMBps: number;
  readonly corpusMBpsRuns: readonly number[];
  /** Mean µs per encode of the 50-token message / 2k-token prompt (median of rounds). */
  readonly messageUs: number | null;
  readonly promptUs: number | null;
  readonly messageTokens: number;
  readonly promptTokens: number;
  /** Medians over fresh-process samples. */
  readonly load: LoadSample | null;
}

export interface MeasureOptions {
  readonly rounds: number;
  readonly loadSamples: number;
  /** Target wall time of one per-call measurement. */
  readonly callBudgetMs: number;
  readonly log: (line: string) => void;
}

interface Live {
  readonly c: Contender;
  readonly perCall: boolean;
  corpusTokens: number;
  messageTokens: number;
  promptTokens: number;
  messageCalls: number;
  promptCalls: number;
  readonly corpus: number[];
  readonly message: number[];
  readonly prompt: number[];
}

async function timeMs(fn: () => Promise<unknown>): Promise<number> {
  const t0 = process.hrtime.bigint();
  await fn();
  return Number(process.hrtime.bigint() - t0) / 1e6;
}

/** Calls per measurement so that one takes about `budgetMs` (from a short trial). */
async function calibrate(c: Contender, text: string, budgetMs: number): Promise<number> {
  const us = await c.timeCalls(text, 20);
  return Math.max(20, Math.min(2_000_000, Math.round((budgetMs * 1e3) / Math.max(us, 0.01))));
}

async function warmUp(c: Contender, w: Workloads, o: MeasureOptions): Promise<Live> {
  const perCall = c.engine !== 'hf-batch' && c.engine !== 'collie-batch';
  return {
    c,
    perCall,
    corpusTokens: await c.encodeAll(w.corpus),
    messageTokens: (await c.encode(w.message)).length,
    promptTokens: (await c.encode(w.prompt)).length,
    messageCalls: perCall ? await calibrate(c, w.message, o.callBudgetMs) : 0,
    promptCalls: perCall ? await calibrate(c, w.prompt, o.callBudgetMs) : 0,
    corpus: [],
    message: [],
    prompt: [],
  };
}

async function round(l: Live, w: Workloads): Promise<void> {
  const ms = await timeMs(() => l.c.encodeAll(w.corpus));
  l.corpus.push(w.corpusBytes / 1e6 / (ms / 1e3));
  if (!l.perCall) return;
  l.message.push(await l.c.timeCalls(w.message, l.messageCalls));
  l.prompt.push(await l.c.timeCalls(w.prompt, l.promptCalls));
}

function loadMedians(samples: readonly LoadSample[]): LoadSample | null {
  if (samples.length === 0) return null;
  const m = (k: keyof LoadSample): number => median(samples.map((s) => s[k]));
  return {
    loadMs: m('loadMs'),
    rssBytes: m('rssBytes'),
    externalBytes: m('externalBytes'),
    heapUsedBytes: m('heapUsedBytes'),
  };
}

/**
 * Every engine on one tokenizer, in this process, single-threaded: a warm-up pass, then
 * `rounds` rounds in rotating engine order (drifting machine load hits all engines alike).
 */
export async function measureTokenizer(
  tokenizer: string,
  source: TokenizerSource,
  engines: readonly EngineName[],
  w: Workloads,
  o: MeasureOptions,
): Promise<EngineResult[]> {
  const live: Live[] = [];
  for (const e of engines) {
    const c = await createContender(e, source);
    if (c) live.push(await warmUp(c, w, o));
  }
  for (let r = 0; r < o.rounds; r++) {
    for (let i = 0; i < live.length; i++) {
      const l = live[(i + r) % live.length] as Live;
      // js-tiktoken needs minutes per round on the worst-case documents: one round is enough
      if (r === 0 || l.c.engine !== 'js-tiktoken') await round(l, w);
    }
    o.log(`  ${tokenizer}: round ${r + 1}/${o.rounds}`);
  }
  for (const l of live) l.c.close();
  return live.map((l) => {
    // batch variants load the same tokenizer as their per-call sibling: probe once
    const probes = l.perCall ? o.loadSamples : 0;
    const samples = Array.from({ length: probes }, () => sampleLoad(l.c.engine, source));
    return {
      tokenizer,
      engine: l.c.engine,
      corpusTokens: l.corpusTokens,
      corpusMBps: median(l.corpus),
      corpusMBpsRuns: l.corpus,
      messageUs: l.perCall ? median(l.message) : null,
      promptUs: l.perCall ? median(l.prompt) : null,
      messageTokens: l.messageTokens,
      promptTokens: l.promptTokens,
      load: loadMedians(samples),
    };
  });
}
