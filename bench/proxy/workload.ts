import { CHUNK_DELAY_FIELD } from '../lib/engine-protocol';

const MODEL = 'mock-model';
const HEADERS = { 'Content-Type': 'application/json' } as const;
const MESSAGES = [{ role: 'user', content: 'Hello' }];

/** The request every non-streaming run sends: a small chat completion. */
export const WORKLOAD = {
  method: 'POST',
  path: '/v1/chat/completions',
  model: MODEL,
  body: JSON.stringify({ model: MODEL, messages: MESSAGES, max_tokens: 8 }),
  headers: HEADERS,
} as const;

export interface StreamWorkload {
  readonly method: 'POST';
  readonly path: string;
  readonly model: string;
  readonly body: string;
  readonly headers: Readonly<Record<string, string>>;
  /** SSE content chunks per answer (the `data: [DONE]` marker not counted). */
  readonly chunks: number;
  /** Engine delay before each chunk, ms (bench/lib/engine-protocol.ts). */
  readonly chunkDelayMs: number;
}

/**
 * A streaming chat completion: the bench engines answer `max_tokens` chunks (see
 * bench/lib/engine-protocol.ts), back to back when `chunkDelayMs` is 0.
 */
export function streamWorkload(chunks: number, chunkDelayMs = 0): StreamWorkload {
  const body: Record<string, unknown> = {
    model: MODEL,
    messages: MESSAGES,
    max_tokens: chunks,
    stream: true,
  };
  if (chunkDelayMs > 0) body[CHUNK_DELAY_FIELD] = chunkDelayMs;
  return {
    method: 'POST',
    path: WORKLOAD.path,
    model: MODEL,
    body: JSON.stringify(body),
    headers: HEADERS,
    chunks,
    chunkDelayMs,
  };
}
