import type { IncomingMessage, ServerResponse } from 'node:http';

/** Which API's error envelope a route uses. */
export type ErrorFamily = 'sglang' | 'openai' | 'anthropic';

/** Largest request body kept; bigger bodies are drained and answered 413. */
export const MAX_BODY_BYTES = 32 * 1024 * 1024;

export type BodyResult = { ok: true; text: string } | { ok: false; tooLarge: boolean };

/**
 * Reads the whole request body. Over-limit bodies are still read to the end (and dropped)
 * so the 413 goes out after the request is consumed. `ok:false, tooLarge:false` means the
 * client went away mid-body.
 */
export function readBody(req: IncomingMessage): Promise<BodyResult> {
  return new Promise((resolve) => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (c: Buffer) => {
      size += c.length;
      if (size <= MAX_BODY_BYTES) chunks.push(c);
    });
    req.on('end', () => {
      if (size > MAX_BODY_BYTES) resolve({ ok: false, tooLarge: true });
      else if (chunks.length === 1) resolve({ ok: true, text: (chunks[0] as Buffer).toString() });
      else resolve({ ok: true, text: Buffer.concat(chunks, size).toString() });
    });
    req.on('error', () => resolve({ ok: false, tooLarge: false }));
    req.on('aborted', () => resolve({ ok: false, tooLarge: false }));
  });
}

/** Parses JSON without throwing. */
export function parseJson(
  text: string,
): { ok: true; value: unknown } | { ok: false; error: string } {
  try {
    return { ok: true, value: JSON.parse(text) as unknown };
  } catch (e) {
    return { ok: false, error: e instanceof Error ? e.message : String(e) };
  }
}

/** Writes a complete JSON response (`body` already serialised). */
export function sendJson(res: ServerResponse, status: number, body: string): void {
  if (res.headersSent || res.destroyed) return;
  res.writeHead(status, {
    'content-type': 'application/json',
    'content-length': Buffer.byteLength(body),
  });
  res.end(body);
}

export function sendText(res: ServerResponse, status: number, body: string, type: string): void {
  if (res.headersSent || res.destroyed) return;
  res.writeHead(status, { 'content-type': type, 'content-length': Buffer.byteLength(body) });
  res.end(body);
}

function openAiErrorType(status: number): string {
  if (status >= 500) return 'server_error';
  if (status === 404) return 'not_found_error';
  if (status === 429) return 'rate_limit_error';
  return 'invalid_request_error';
}

/** The error envelope of each API family. */
export function errorBody(family: ErrorFamily, status: number, message: string): string {
  switch (family) {
    case 'sglang':
      return JSON.stringify({ error: message });
    case 'openai':
      return JSON.stringify({
        error: { message, type: openAiErrorType(status), param: null, code: status },
      });
    case 'anthropic':
      return JSON.stringify({
        type: 'error',
        error: { type: status >= 500 ? 'api_error' : 'invalid_request_error', message },
      });
  }
}

export function sendError(
  res: ServerResponse,
  family: ErrorFamily,
  status: number,
  message: string,
): void {
  sendJson(res, status, errorBody(family, status, message));
}

/** Thrown by handlers for a 400-class answer; the server turns it into the family's envelope. */
export class BadRequest extends Error {
  constructor(
    message: string,
    readonly status = 400,
  ) {
    super(message);
    this.name = 'BadRequest';
  }
}
