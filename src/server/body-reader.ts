import type { HttpResponse } from './uws';
import type { UwsSink } from './uws-sink';
import { GatewayError } from '../errors/gateway-error';
import type { Deadlines } from '../dispatch/deadlines';

/** Limits on request bodies, per ingress process (flags-hardening.ts). */
export interface BodyLimits {
  /** Largest body, bytes (413). */
  readonly maxPayloadSize: number;
  /** Time from the headers to the last body byte, ms; 0 = none (408 and close). */
  readonly timeoutMs: number;
  /** Bytes of unfinished bodies this process may hold; 0 = no bound (503 and close). */
  readonly maxPendingBytes: number;
  readonly deadlines: Deadlines;
  /** Monotonic ms (the deadlines' scale). */
  readonly now: () => number;
}

/** Bytes of unfinished bodies held by this process (the bound of `maxPendingBytes`). */
export interface PendingBodies {
  bytes: number;
}

const tooLarge = (): GatewayError =>
  new GatewayError('payload_too_large', 'Failed to buffer the request body: length limit exceeded');

/** Would `more` bytes pass the process's bound on unfinished bodies? */
export function pendingFull(limits: BodyLimits, pending: PendingBodies, more: number): boolean {
  return limits.maxPendingBytes > 0 && pending.bytes + more > limits.maxPendingBytes;
}

export function pendingFullError(): GatewayError {
  return new GatewayError(
    'pending_bodies_full',
    'Too many request bodies are being received; retry later',
    { headers: [['retry-after', '1']] },
  );
}

/**
 * Buffers the request body, then calls `done` once: with the body, or with an error (413 past
 * the size limit, 408 past the body deadline, 503 past the process's bound on unfinished
 * bodies, or the client leaving). A callback, not a promise: one less hop per request.
 */
export function readBody(
  res: HttpResponse,
  sink: UwsSink,
  limits: BodyLimits,
  pending: PendingBodies,
  done: (err: unknown, body?: Buffer) => void,
): void {
  const chunks: Buffer[] = [];
  let total = 0;
  let settled = false;
  const timer =
    limits.timeoutMs > 0
      ? limits.deadlines.at(limits.now() + limits.timeoutMs, () =>
          settle(
            new GatewayError(
              'request_body_timeout',
              'Request body not received within the body deadline',
            ),
          ),
        )
      : undefined;
  function settle(err: unknown, body?: Buffer): void {
    if (settled) return;
    settled = true;
    timer?.cancel();
    pending.bytes -= total;
    done(err, body);
  }
  sink.onAbort(() => settle(new Error('client aborted while sending the body')));
  res.onData((ab, isLast) => {
    if (settled) return;
    const n = ab.byteLength;
    if (total + n > limits.maxPayloadSize) return settle(tooLarge());
    if (!isLast && pendingFull(limits, pending, n)) return settle(pendingFullError());
    total += n;
    pending.bytes += n;
    chunks.push(Buffer.from(new Uint8Array(ab)));
    if (isLast) settle(undefined, chunks.length === 1 ? chunks[0] : Buffer.concat(chunks, total));
  });
}
