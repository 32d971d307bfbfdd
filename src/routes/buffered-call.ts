/**
 * One buffered exchange with an engine that keeps what a relayed answer keeps (status, the
 * engine's headers minus hop-by-hop ones, body) without writing it anywhere: the caller picks
 * which of several answers goes to the client (the /cancel fan-out).
 */
import type { EngineClient } from '../dispatch/engine-client';
import { BufferingCollector } from '../dispatch/buffering-collector';
import type { BufferedReply, EngineRequest } from '../dispatch/exchange';
import { responseHeaders } from '../dispatch/headers';

/** Resolves with the engine's answer (any status); rejects with a transport GatewayError. */
export function bufferedCall(
  client: EngineClient,
  request: EngineRequest,
  clientAuthorization: string | undefined,
  timeoutMs: number,
): Promise<BufferedReply> {
  return new Promise((resolve, reject) => {
    const collector = new BufferingCollector(
      (status, raw, body) => resolve({ status, headers: responseHeaders(raw), body }),
      reject,
      timeoutMs,
    );
    client.exchange(request, collector, clientAuthorization);
  });
}
