/** Test helpers for talking to mock engines: SSE parsing, JSON digging, fetch wrappers. */

export interface SseFrame {
  /** `event:` field, when the frame has one. */
  event: string | undefined;
  data: string;
}

/**
 * Parses an SSE body strictly: frames are separated by a blank line and each line must be
 * `event: …` or `data: …`. Throws on anything else, so framing bugs fail tests.
 */
export function parseSse(text: string): SseFrame[] {
  if (text.length > 0 && !text.endsWith('\n\n')) throw new Error('SSE body does not end in \\n\\n');
  const frames: SseFrame[] = [];
  for (const block of text.split('\n\n')) {
    if (block === '') continue;
    let event: string | undefined;
    let data: string | undefined;
    for (const line of block.split('\n')) {
      if (line.startsWith('event: ')) event = line.slice(7);
      else if (line.startsWith('data: ')) data = line.slice(6);
      else throw new Error(`unexpected SSE line: ${JSON.stringify(line)}`);
    }
    if (data === undefined) throw new Error(`SSE frame without data: ${JSON.stringify(block)}`);
    frames.push({ event, data });
  }
  return frames;
}

/** JSON payloads of the `data:` frames, excluding a final `[DONE]`. */
export function sseJson(frames: SseFrame[]): Record<string, unknown>[] {
  return frames
    .filter((f) => f.data !== '[DONE]')
    .map((f) => JSON.parse(f.data) as Record<string, unknown>);
}

export async function postJson(
  url: string,
  body: unknown,
  headers: Record<string, string> = {},
  signal?: AbortSignal,
): Promise<Response> {
  return fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...headers },
    body: typeof body === 'string' ? body : JSON.stringify(body),
    ...(signal ? { signal } : {}),
  });
}

/** Reads a streamed body chunk by chunk, noting when each chunk arrived (ms, monotonic). */
export async function readTimed(res: Response): Promise<{ text: string; times: number[] }> {
  if (!res.body) throw new Error('response has no body');
  const decoder = new TextDecoder();
  const times: number[] = [];
  let text = '';
  for await (const chunk of res.body) {
    times.push(performance.now());
    text += decoder.decode(chunk as Uint8Array, { stream: true });
  }
  return { text, times };
}

/** Reads until the stream errors; returns what arrived and the error (undefined if clean). */
export async function readUntilError(res: Response): Promise<{ text: string; error: unknown }> {
  if (!res.body) throw new Error('response has no body');
  const decoder = new TextDecoder();
  let text = '';
  try {
    for await (const chunk of res.body)
      text += decoder.decode(chunk as Uint8Array, { stream: true });
  } catch (e) {
    return { text, error: e };
  }
  return { text, error: undefined };
}

/** Walks a parsed JSON value by keys/indexes; undefined when a step is missing. */
export function dig(v: unknown, ...path: (string | number)[]): unknown {
  let cur = v;
  for (const k of path) {
    if (typeof cur !== 'object' || cur === null) return undefined;
    cur = (cur as Record<string | number, unknown>)[k];
  }
  return cur;
}
