/**
 * Request headers forwarded upstream (SMG §5.3.4), as undici's flat name/value list;
 * everything else stays at the gateway. `authorization` is not in the list: the engine
 * client decides which credential goes (see EngineClient.exchange). With tracing on,
 * `traceparent` is this request's span instead of the client's (its parent).
 */
export function forwardedHeaders(
  headers: ReadonlyMap<string, string>,
  traceparent?: string,
): string[] {
  const out = ['content-type', 'application/json'];
  if (traceparent !== undefined) out.push('traceparent', traceparent);
  for (const [k, v] of headers) {
    if (
      k === 'x-request-id' ||
      k === 'x-correlation-id' ||
      (k === 'traceparent' && traceparent === undefined) ||
      k === 'tracestate' ||
      k === 'x-smg-routing-key' ||
      k.startsWith('x-request-id-')
    ) {
      out.push(k, v);
    }
  }
  return out;
}

/** Response headers never copied back to the client (hop-by-hop, or recomputed by us). */
const DROP = new Set([
  'connection',
  'keep-alive',
  'proxy-authenticate',
  'proxy-authorization',
  'te',
  'trailers',
  'transfer-encoding',
  'upgrade',
  'host',
  'content-length',
  'date',
  'x-request-id',
  // uWS writes its own on every answer: an engine on uWS (another collie, the bench engines)
  // would otherwise show it twice
  'uwebsockets',
]);

/**
 * undici's raw header list (name, value, name, value…) minus the dropped names, as pairs.
 * `dropContentType` removes content-type too (a stream's is set to text/event-stream).
 * Names are lower-cased (engines send them in any case); values are decoded as UTF-8, which
 * uWS encodes back to the same bytes.
 */
export function responseHeaders(
  raw: readonly Buffer[],
  dropContentType = false,
): Array<readonly [string, string]> {
  const out: Array<readonly [string, string]> = [];
  for (let i = 0; i + 1 < raw.length; i += 2) {
    const known = headerName(raw[i] as Buffer);
    if (known.drop || (dropContentType && known.name === 'content-type')) continue;
    out.push([known.name, (raw[i + 1] as Buffer).toString('utf8')]);
  }
  return out;
}

/** A response header name as an engine spelled it, and what we make of it. */
interface KnownName {
  /** The name's bytes as they came (a copy, never a view of undici's read buffer). */
  readonly raw: Buffer;
  /** Lower-cased. */
  readonly name: string;
  readonly drop: boolean;
}

/**
 * An engine sends the same few names, spelled the same way, in every answer. The names seen
 * are kept (bounded, by length) so that a known one costs a byte comparison, not a string
 * decode, a lower-casing and a hash of the fresh string for DROP. A pure memo: whatever it
 * holds, the result is the uncached one's.
 */
const KNOWN_MAX = 64;
const KNOWN_MAX_LENGTH = 64;
const knownByLength: Array<KnownName[] | undefined> = [];
let knownCount = 0;

export function headerName(raw: Buffer): KnownName {
  const len = raw.length;
  const same = len <= KNOWN_MAX_LENGTH ? knownByLength[len] : undefined;
  if (same !== undefined) {
    next: for (const k of same) {
      const b = k.raw;
      for (let i = 0; i < len; i++) if (b[i] !== raw[i]) continue next;
      return k;
    }
  }
  const name = raw.toString('latin1').toLowerCase();
  const k: KnownName = { raw: Buffer.from(raw), name, drop: DROP.has(name) };
  if (knownCount < KNOWN_MAX && len <= KNOWN_MAX_LENGTH) {
    (knownByLength[len] ??= []).push(k);
    knownCount++;
  }
  return k;
}
