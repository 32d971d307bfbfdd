/**
 * One buffered exchange with an engine that keeps what a relayed answer keeps (status, the
 * engine's headers minus hop-by-hop ones, body) without writing it anywhere: the caller picks
 * which of several answers goes to the client (the /cancel fan-out).
 */
import type { EngineClient } from '../dispatch/engine-client';
import type { BufferedReply, EngineRequest, ExchangeHandler } from '../dispatch/exchange';
import { responseHeaders } from '../dispatch/headers';
import { transportError } from '../dispatch/transport-errors';
import type { GatewayError } from '../errors/gateway-error';

class Collector implements ExchangeHandler {
  private status = 0;
  private raw: readonly Buffer[] = [];
  private readonly chunks: Buffer[] = [];
  private abort: ((reason: Error) => void) | undefined;
  private timedOut = false;
  private done = false;
  private readonly timer: NodeJS.Timeout;

  constructor(
    private readonly resolve: (r: BufferedReply) => void,
    private readonly reject: (e: GatewayError) => void,
    timeoutMs: number,
  ) {
    this.timer = setTimeout(() => {
      this.timedOut = true;
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
    if (!this.finish()) return;
    const headers = responseHeaders(this.raw);
    this.resolve({ status: this.status, headers, body: Buffer.concat(this.chunks) });
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

/** Resolves with the engine's answer (any status); rejects with a transport GatewayError. */
export function bufferedCall(
  client: EngineClient,
  request: EngineRequest,
  clientAuthorization: string | undefined,
  timeoutMs: number,
): Promise<BufferedReply> {
  return new Promise((resolve, reject) => {
    client.exchange(request, new Collector(resolve, reject, timeoutMs), clientAuthorization);
  });
}
