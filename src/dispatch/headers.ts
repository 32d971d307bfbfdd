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
    const name = (raw[i] as Buffer).toString('latin1').toLowerCase();
    if (DROP.has(name) || (dropContentType && name === 'content-type')) continue;
    out.push([name, (raw[i + 1] as Buffer).toString('utf8')]);
  }
  return out;
}
