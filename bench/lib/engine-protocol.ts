/**
 * What the bench engines (uws-engine.ts, stub-engine.ts) answer, and how one request chooses it.
 * Only standard OpenAI fields plus one bench field steer them, so the request passes unchanged
 * through collie (which forwards the client's bytes), nginx and the floor relay:
 *
 *   stream: true           → SSE: `max_tokens` chunks, then `data: [DONE]`
 *   max_tokens: K          → K content chunks (default {@link DEFAULT_STREAM_CHUNKS}); ignored
 *                            without `stream`
 *   bench_chunk_delay_ms: D → D ms before each chunk, and `Connection: close` on the answer
 *
 * Why close: the slow-stream phase opens thousands of upstream connections per proxy; kept
 * alive, every proxy's idle pool would pile up on the one engine (past its fd limit after a few
 * targets) and later rounds would start warm. With `Connection: close` every burst starts cold
 * and the proxy closes each upstream socket after its stream (undici and nginx both honour it).
 */

/** The bench-only body field: ms before each streamed chunk (0 or absent = back to back). */
export const CHUNK_DELAY_FIELD = 'bench_chunk_delay_ms';
export const DEFAULT_STREAM_CHUNKS = 16;
/** Upper bound on chunks per answer, so a typo cannot make an engine stream for minutes. */
export const MAX_STREAM_CHUNKS = 10_000;
export const SSE_DONE = 'data: [DONE]\n\n';

export interface EngineRequest {
  readonly stream: boolean;
  readonly chunks: number;
  readonly chunkDelayMs: number;
}

const NON_STREAMING: EngineRequest = { stream: false, chunks: 0, chunkDelayMs: 0 };

/** Reads the three knobs from a chat body; anything unparsable is a plain non-streaming request. */
export function parseEngineRequest(body: string): EngineRequest {
  let json: unknown;
  try {
    json = JSON.parse(body);
  } catch {
    return NON_STREAMING;
  }
  if (typeof json !== 'object' || json === null) return NON_STREAMING;
  const fields = json as Record<string, unknown>;
  if (fields['stream'] !== true) return NON_STREAMING;
  return {
    stream: true,
    chunks: clampInt(fields['max_tokens'], 1, MAX_STREAM_CHUNKS, DEFAULT_STREAM_CHUNKS),
    chunkDelayMs: clampInt(fields[CHUNK_DELAY_FIELD], 0, 60_000, 0),
  };
}

function clampInt(value: unknown, min: number, max: number, fallback: number): number {
  if (typeof value !== 'number' || !Number.isFinite(value)) return fallback;
  return Math.min(max, Math.max(min, Math.floor(value)));
}

/** A fixed chat.completion; `created` is 0 so the body can be built once and reused. */
export function chatCompletionBody(model: string): string {
  return JSON.stringify({
    id: 'chatcmpl-bench',
    object: 'chat.completion',
    created: 0,
    model,
    choices: [
      {
        index: 0,
        message: { role: 'assistant', content: 'Hello from the bench engine' },
        finish_reason: 'stop',
      },
    ],
    usage: { prompt_tokens: 1, completion_tokens: 6, total_tokens: 7 },
  });
}

/** One SSE chat.completion.chunk frame; `last` carries finish_reason "stop". */
export function sseChunk(model: string, last: boolean): string {
  const chunk = {
    id: 'chatcmpl-bench',
    object: 'chat.completion.chunk',
    created: 0,
    model,
    choices: [{ index: 0, delta: { content: 'tok ' }, finish_reason: last ? 'stop' : null }],
  };
  return `data: ${JSON.stringify(chunk)}\n\n`;
}

export function modelListBody(model: string): string {
  return JSON.stringify({
    object: 'list',
    data: [{ id: model, object: 'model', created: 0, owned_by: 'bench' }],
  });
}

/** Pre-rendered frames for one model: a middle chunk, and the last chunk followed by [DONE]. */
export interface SseFrames {
  readonly chunk: Buffer;
  readonly lastAndDone: Buffer;
}

export function sseFrames(model: string): SseFrames {
  return {
    chunk: Buffer.from(sseChunk(model, false)),
    lastAndDone: Buffer.from(sseChunk(model, true) + SSE_DONE),
  };
}
