import type { GatewayError } from '../../errors/gateway-error';
import type { EngineClient } from '../engine-client';
import type { EngineRequest, ExchangeHandler } from '../exchange';
import { RequestScope } from '../scope';
import { transportError } from '../transport-errors';

/** How a buffered leg (the prefill) ended. */
export type LegResult =
  | { readonly kind: 'answer'; readonly status: number; readonly body: string }
  | { readonly kind: 'failed'; readonly error: GatewayError }
  | { readonly kind: 'aborted' };

class Collector implements ExchangeHandler {
  private status = 0;
  private readonly chunks: Buffer[] = [];
  private done = false;
  private readonly off: () => void;
  private abort: ((reason: Error) => void) | undefined;

  constructor(
    private readonly scope: RequestScope,
    private readonly resolve: (r: LegResult) => void,
  ) {
    this.off = scope.onAbort((reason) => this.abort?.(new Error(reason)));
  }

  onStart(abort: (reason: Error) => void): void {
    this.abort = abort;
    if (this.scope.reason !== undefined) abort(new Error(this.scope.reason));
  }

  onHead(status: number): void {
    this.status = status;
  }

  onBody(chunk: Buffer): boolean {
    this.chunks.push(chunk);
    return true;
  }

  onEnd(): void {
    const body = Buffer.concat(this.chunks).toString('utf8');
    this.finish({ kind: 'answer', status: this.status, body });
  }

  onError(err: Error): void {
    if (this.scope.reason === 'client') return this.finish({ kind: 'aborted' });
    this.finish({ kind: 'failed', error: transportError(err, this.scope.reason === 'deadline') });
  }

  private finish(r: LegResult): void {
    if (this.done) return;
    this.done = true;
    this.off();
    this.resolve(r);
  }
}

/** One whole exchange, buffered, under `scope` (the prefill leg; the control of a pair). */
export function bufferedLeg(
  client: EngineClient,
  req: EngineRequest,
  scope: RequestScope,
  clientAuthorization: string | undefined,
): Promise<LegResult> {
  return new Promise((resolve) => {
    if (scope.aborted) {
      resolve(
        scope.reason === 'client'
          ? { kind: 'aborted' }
          : { kind: 'failed', error: transportError(new Error('deadline'), true) },
      );
      return;
    }
    client.exchange(req, new Collector(scope, resolve), clientAuthorization);
  });
}

/**
 * A leg's own abort signal under the request's: aborted when the request is, or on its own
 * (the other leg failed). With `deferClient`, a client disconnect reaches the leg only once
 * that promise settled or `graceMs` passed (the decode leg waits for the KV hand-off, so the
 * prefill engine is not left waiting on a decode peer that vanished); a deadline reaches it
 * at once.
 */
export function legScope(
  parent: RequestScope,
  deferClient?: { readonly until: Promise<unknown>; readonly graceMs: number },
): { readonly scope: RequestScope; readonly dispose: () => void } {
  const scope = new RequestScope();
  let timer: NodeJS.Timeout | undefined;
  const off = parent.onAbort((reason) => {
    if (reason === 'deadline' || !deferClient) return scope.abort(reason);
    const fire = (): void => {
      if (timer) clearTimeout(timer);
      scope.abort(reason);
    };
    timer = setTimeout(fire, deferClient.graceMs);
    deferClient.until.then(fire, fire);
  });
  return {
    scope,
    dispose: () => {
      off();
      if (timer) clearTimeout(timer);
    },
  };
}
