import type { ExchangeHandler } from './exchange';
import { transportError } from './transport-errors';
import type { GatewayError } from '../errors/gateway-error';

/**
 * Buffers one whole engine answer under a timeout: status, raw header list and body, handed
 * to `resolve` at the end; a transport failure or the timeout rejects with a GatewayError.
 * For control-plane calls and fan-outs, not the hot path (a timer per call is fine).
 */
export class BufferingCollector implements ExchangeHandler {
  private status = 0;
  private raw: readonly Buffer[] = [];
  private readonly chunks: Buffer[] = [];
  private abort: ((reason: Error) => void) | undefined;
  private timedOut = false;
  private done = false;
  private readonly timer: NodeJS.Timeout;

  constructor(
    private readonly resolve: (status: number, raw: readonly Buffer[], body: Buffer) => void,
    private readonly reject: (e: GatewayError) => void,
    timeoutMs: number,
  ) {
    this.timer = setTimeout(() => {
      this.timedOut = true;
      // a call still queued for a connection (capped pool) has no abort yet: fail it now;
      // onStart aborts it if it is dispatched later
      if (this.abort) this.abort(new Error('timeout'));
      else this.onError(new Error('timeout'));
    }, timeoutMs);
  }

  onStart(abort: (reason: Error) => void): void {
    this.abort = abort;
    if (this.timedOut) abort(new Error('timeout'));
  }

  onHead(status: number, raw: Buffer[]): void {
    this.status = status;
    this.raw = raw;
  }

  onBody(chunk: Buffer): boolean {
    this.chunks.push(chunk);
    return true;
  }

  onEnd(): void {
    if (this.finish()) this.resolve(this.status, this.raw, Buffer.concat(this.chunks));
  }

  onError(err: Error): void {
    if (this.finish()) this.reject(transportError(err, this.timedOut));
  }

  private finish(): boolean {
    if (this.done) return false;
    this.done = true;
    clearTimeout(this.timer);
    return true;
  }
}
