import { setTimeout as sleep } from 'node:timers/promises';
import { Agent, request } from 'undici';
import { randInt, seededRng, type Rng } from '../../src/util/rng';

export interface WorkloadOptions {
  readonly seed: number;
  readonly sessions: number;
  readonly systemPrompts: number;
  /** Zipf exponent of system-prompt popularity over sessions (0 = uniform). */
  readonly systemSkew: number;
  readonly systemWords: number;
  readonly userWords: number;
  readonly replyWords: number;
  readonly maxTurns: number;
  /** Mean arrivals per second (Poisson). */
  readonly rate: number;
  readonly durationMs: number;
  /** Stop issuing after this many requests (0 = duration only). */
  readonly maxRequests: number;
  /** Probability that a request streams (and so measures TTFT). */
  readonly streamFraction: number;
  readonly maxTokens: number;
  readonly model: string;
  readonly requestTimeoutMs: number;
}

export interface RequestSample {
  readonly stream: boolean;
  readonly ok: boolean;
  readonly status: number;
  readonly error?: string;
  readonly worker: string | null;
  /** x-collie-route-reason (cache_aware: hit / miss / imbalance / sticky), else null. */
  readonly reason: string | null;
  /** Turn of the session this request was (0 = first). */
  readonly turn: number;
  /** Gateway index the request went to (multi-instance configs alternate). */
  readonly gateway: number;
  readonly promptTokens: number;
  readonly cachedTokens: number;
  /** Time to first SSE data chunk (streaming) or null. */
  readonly ttftMs: number | null;
  readonly latencyMs: number;
}

export interface WorkloadResult {
  readonly samples: readonly RequestSample[];
  /** Arrivals dropped because every session had a request in flight. */
  readonly skipped: number;
  readonly elapsedMs: number;
}

type Msg = { readonly role: 'system' | 'user' | 'assistant'; readonly content: string };

const SYLLABLES = [
  'ka', 'lo', 'mi', 'ne', 'tor', 'vel', 'sha', 'rin', 'do', 'pex',
  'qua', 'zen', 'bri', 'fal', 'gor', 'hup', 'jis', 'kru', 'lem', 'nox',
]; // prettier-ignore

function word(rng: Rng): string {
  const n = 1 + randInt(rng, 3);
  let w = '';
  for (let i = 0; i < n; i++) w += SYLLABLES[randInt(rng, SYLLABLES.length)] ?? 'x';
  return w;
}

/** `count` pseudo-words with a full stop every ~12 words (each stop is one more token). */
function text(rng: Rng, count: number): string {
  const out: string[] = [];
  for (let i = 0; i < count; i++) out.push(i % 12 === 11 ? `${word(rng)}.` : word(rng));
  return out.join(' ');
}

/** Hashes a few integers into a seed, so each (session, turn) text is reproducible. */
function mix(...xs: number[]): number {
  let h = 0x9e3779b9;
  for (const x of xs) h = Math.imul(h ^ (x >>> 0), 0x85ebca6b) ^ (h >>> 13);
  return h >>> 0;
}

interface Session {
  readonly index: number;
  readonly system: number;
  /** Bumped each time the session reaches maxTurns and starts a new conversation. */
  generation: number;
  messages: Msg[];
  busy: boolean;
}

/** Session i's system prompt: uniform round robin, or Zipf(systemSkew)-weighted and seeded. */
function pickSystem(i: number, o: WorkloadOptions): number {
  if (o.systemSkew <= 0) return i % o.systemPrompts;
  const weights = Array.from({ length: o.systemPrompts }, (_, k) => 1 / (k + 1) ** o.systemSkew);
  const total = weights.reduce((a, b) => a + b, 0);
  let r = seededRng(mix(o.seed, 3, i))() * total;
  for (let k = 0; k < weights.length; k++) {
    r -= weights[k] ?? 0;
    if (r < 0) return k;
  }
  return o.systemPrompts - 1;
}

/** Exponential inter-arrival gap in ms for a Poisson process at `rate`/s. */
function gapMs(rng: Rng, rate: number): number {
  return (-Math.log(1 - rng()) / rate) * 1000;
}

export interface UsageLike {
  prompt_tokens?: unknown;
  prompt_tokens_details?: unknown;
}

function usageOf(body: unknown): { prompt: number; cached: number } | null {
  if (typeof body !== 'object' || body === null || !('usage' in body)) return null;
  const u = body.usage;
  if (typeof u !== 'object' || u === null) return null;
  const usage = u as UsageLike;
  const prompt = typeof usage.prompt_tokens === 'number' ? usage.prompt_tokens : 0;
  const d = usage.prompt_tokens_details;
  const cachedRaw =
    typeof d === 'object' && d !== null && 'cached_tokens' in d ? d.cached_tokens : 0;
  return { prompt, cached: typeof cachedRaw === 'number' ? cachedRaw : 0 };
}

/**
 * Runs the multi-turn chat workload against `gatewayUrls` (alternating between them per
 * request). Every turn re-sends the whole conversation plus a new user message; the assistant
 * reply appended to the history is synthetic and seeded (not the engine's text), so every
 * configuration sees the same prompt sequences.
 */
export async function runWorkload(
  gatewayUrls: readonly string[],
  o: WorkloadOptions,
): Promise<WorkloadResult> {
  const systemTexts = Array.from({ length: o.systemPrompts }, (_, i) =>
    text(seededRng(mix(o.seed, 1, i)), o.systemWords),
  );
  const sessions: Session[] = Array.from({ length: o.sessions }, (_, i) => ({
    index: i,
    system: pickSystem(i, o),
    generation: 0,
    messages: [],
    busy: false,
  }));
  const rng = seededRng(mix(o.seed, 2));
  const agent = new Agent({ connections: 512, pipelining: 1, keepAliveTimeout: 10_000 });
  const samples: RequestSample[] = [];
  const inflight = new Set<Promise<void>>();
  let skipped = 0;
  let issued = 0;
  const start = performance.now();
  let next = start;

  try {
    while (performance.now() - start < o.durationMs) {
      if (o.maxRequests > 0 && issued >= o.maxRequests) break;
      next += gapMs(rng, o.rate);
      const wait = next - performance.now();
      if (wait > 0) await sleep(wait);
      if (performance.now() - start >= o.durationMs) break;
      // Pick a random session; if busy, the next idle one after it.
      const first = randInt(rng, sessions.length);
      const stream = rng() < o.streamFraction;
      let session: Session | undefined;
      for (let k = 0; k < sessions.length; k++) {
        const s = sessions[(first + k) % sessions.length];
        if (s !== undefined && !s.busy) {
          session = s;
          break;
        }
      }
      if (session === undefined) {
        skipped++;
        continue;
      }
      const gateway = issued % gatewayUrls.length;
      issued++;
      const p = oneTurn(session, gateway, stream).then((s) => {
        samples.push(s);
      });
      inflight.add(p);
      void p.finally(() => inflight.delete(p));
    }
    await Promise.all([...inflight]);
  } finally {
    await agent.close();
  }
  return { samples, skipped, elapsedMs: performance.now() - start };

  async function oneTurn(s: Session, gateway: number, stream: boolean): Promise<RequestSample> {
    s.busy = true;
    if (s.messages.length >= 1 + 2 * o.maxTurns) {
      s.generation++;
      s.messages = [];
    }
    if (s.messages.length === 0) {
      s.messages.push({ role: 'system', content: systemTexts[s.system] ?? '' });
    }
    const turn = (s.messages.length - 1) / 2;
    const userText = text(seededRng(mix(o.seed, 3, s.index, s.generation, turn)), o.userWords);
    const messages: Msg[] = [...s.messages, { role: 'user', content: userText }];
    const body = JSON.stringify({
      model: o.model,
      messages,
      max_tokens: o.maxTokens,
      stream,
      ...(stream ? { stream_options: { include_usage: true } } : {}),
    });
    const url = `${gatewayUrls[gateway] ?? ''}/v1/chat/completions`;
    const t0 = performance.now();
    let ttftMs: number | null = null;
    const base = { stream, gateway, turn };
    try {
      const res = await request(url, {
        method: 'POST',
        dispatcher: agent,
        headers: { 'content-type': 'application/json' },
        body,
        headersTimeout: o.requestTimeoutMs,
        bodyTimeout: o.requestTimeoutMs,
      });
      const workerHeader = res.headers['x-collie-worker'];
      const worker = typeof workerHeader === 'string' ? workerHeader : null;
      const reasonHeader = res.headers['x-collie-route-reason'];
      const reason = typeof reasonHeader === 'string' ? reasonHeader : null;
      let raw = '';
      for await (const chunk of res.body) {
        const str = Buffer.isBuffer(chunk) ? chunk.toString('utf8') : String(chunk);
        if (stream && ttftMs === null && str.includes('data:')) ttftMs = performance.now() - t0;
        raw += str;
      }
      const latencyMs = performance.now() - t0;
      if (res.statusCode !== 200) {
        return {
          ...base,
          ok: false,
          status: res.statusCode,
          error: `HTTP ${res.statusCode}: ${raw.slice(0, 160)}`,
          worker,
          reason,
          promptTokens: 0,
          cachedTokens: 0,
          ttftMs: null,
          latencyMs,
        };
      }
      const usage = stream ? usageFromSse(raw) : usageOf(JSON.parse(raw) as unknown);
      // Success: the turn becomes history (user message + synthetic assistant reply).
      const reply = text(seededRng(mix(o.seed, 4, s.index, s.generation, turn)), o.replyWords);
      s.messages = [...messages, { role: 'assistant', content: reply }];
      return {
        ...base,
        ok: usage !== null,
        status: res.statusCode,
        ...(usage === null ? { error: 'no usage in response' } : {}),
        worker,
        reason,
        promptTokens: usage?.prompt ?? 0,
        cachedTokens: usage?.cached ?? 0,
        ttftMs,
        latencyMs,
      };
    } catch (err) {
      return {
        ...base,
        ok: false,
        status: 0,
        error: err instanceof Error ? err.message : String(err),
        worker: null,
        reason: null,
        promptTokens: 0,
        cachedTokens: 0,
        ttftMs: null,
        latencyMs: performance.now() - t0,
      };
    } finally {
      s.busy = false;
    }
  }
}

function usageFromSse(raw: string): { prompt: number; cached: number } | null {
  let found: { prompt: number; cached: number } | null = null;
  for (const line of raw.split('\n')) {
    const t = line.trim();
    if (!t.startsWith('data:')) continue;
    const data = t.slice(5).trim();
    if (data === '[DONE]' || !data.includes('"usage"')) continue;
    try {
      const u = usageOf(JSON.parse(data) as unknown);
      if (u !== null) found = u;
    } catch {
      // a malformed chunk is counted as missing usage
    }
  }
  return found;
}
