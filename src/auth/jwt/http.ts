import { STATUS_CODES } from 'node:http';

/** Largest discovery document or JWKS accepted (SMG's MAX_JWKS_RESPONSE_SIZE, 1 MiB). */
export const MAX_RESPONSE_BYTES = 1024 * 1024;

/** A failure whose message is already in SMG's wording (e.g. `Failed to fetch JWKS: …`). */
export class AuthFetchError extends Error {
  override readonly name = 'AuthFetchError';
}

/** `HTTP 503 Service Unavailable`, as reqwest prints a status. */
export function statusText(status: number): string {
  const phrase = STATUS_CODES[status];
  return phrase === undefined ? `HTTP ${status}` : `HTTP ${status} ${phrase}`;
}

/**
 * Why a fetch failed, without the URL (which may carry credentials) or a stack:
 * `error sending request (ECONNREFUSED)`, `request timed out`, …
 */
export function transportReason(err: unknown): string {
  if (err instanceof Error) {
    if (err.name === 'TimeoutError' || err.name === 'AbortError') return 'request timed out';
    const cause: unknown = err.cause;
    const code =
      typeof cause === 'object' && cause !== null && 'code' in cause ? String(cause.code) : '';
    if (code !== '') return `error sending request (${code})`;
    return err.message === 'fetch failed' ? 'error sending request' : err.message;
  }
  return String(err);
}

/**
 * Reads a response body as text, failing once it passes `max` bytes (checked against
 * Content-Length first, then while streaming). Honours the fetch's abort signal.
 */
export async function readLimited(res: Response, max: number): Promise<string> {
  const declared = Number(res.headers.get('content-length') ?? NaN);
  if (Number.isFinite(declared) && declared > max) {
    await res.body?.cancel();
    throw new AuthFetchError(`Response too large: ${declared} bytes (max: ${max})`);
  }
  if (res.body === null) return '';
  const chunks: Uint8Array[] = [];
  let total = 0;
  const reader: ReadableStreamDefaultReader<Uint8Array> = res.body.getReader();
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    total += value.byteLength;
    if (total > max) {
      await reader.cancel();
      throw new AuthFetchError(`Response too large: ${total} bytes (max: ${max})`);
    }
    chunks.push(value);
  }
  return Buffer.concat(chunks).toString('utf8');
}

/**
 * GET with a timeout covering headers and body, no redirects (a 3xx is an error, as
 * with SMG's `redirect::Policy::none()`), a size cap, and SMG-worded failures:
 * `<label>: <reason>` where label is e.g. `Failed to fetch JWKS`.
 */
export async function getText(
  url: string,
  opts: { label: string; timeoutMs: number; accept: string },
): Promise<string> {
  const signal = AbortSignal.timeout(opts.timeoutMs);
  let res: Response;
  try {
    res = await fetch(url, {
      method: 'GET',
      redirect: 'manual',
      signal,
      headers: { accept: opts.accept },
    });
  } catch (err) {
    throw new AuthFetchError(`${opts.label}: ${transportReason(err)}`);
  }
  if (res.status < 200 || res.status > 299) {
    await res.body?.cancel().catch(() => undefined);
    throw new AuthFetchError(`${opts.label}: ${statusText(res.status)}`);
  }
  try {
    return await readLimited(res, MAX_RESPONSE_BYTES);
  } catch (err) {
    if (err instanceof AuthFetchError) throw err;
    throw new AuthFetchError(`${opts.label}: ${transportReason(err)}`);
  }
}
