import type { Registry } from 'prom-client';
import { isMetricsMessage, type MetricsMessage } from './cluster-messages';

/** The ingress side of the IPC channel to the primary (`process` in a cluster worker). */
export interface IpcEndpoint {
  send(msg: MetricsMessage): void;
  on(event: 'message', fn: (msg: unknown) => void): unknown;
  off(event: 'message', fn: (msg: unknown) => void): unknown;
}

/**
 * `process` as an IpcEndpoint. Sends after the primary went away are dropped: a
 * disconnected ingress process is on its way out and nobody is waiting for its metrics.
 */
export function processEndpoint(): IpcEndpoint {
  if (typeof process.send !== 'function') {
    throw new Error('ingress metrics need an IPC channel to the primary (process.send is missing)');
  }
  const ignore = (): void => undefined;
  return {
    send(msg) {
      if (process.connected) process.send?.(msg, undefined, undefined, ignore);
    },
    on: (event, fn) => process.on(event, fn),
    off: (event, fn) => process.off(event, fn),
  };
}

/**
 * Answers the primary's metric requests with this process's registry (as prom-client JSON),
 * and announces itself so the primary includes it in scrapes from now on.
 */
export function startMetricsReporter(registry: Registry, channel: IpcEndpoint): { close(): void } {
  const onMessage = (raw: unknown): void => {
    if (!isMetricsMessage(raw)) return;
    if (raw.tag === 'collie:metrics-roll-call') {
      channel.send({ tag: 'collie:metrics-hello' });
    } else if (raw.tag === 'collie:metrics-req') {
      const { id } = raw;
      registry.getMetricsAsJSON().then(
        (metrics) => channel.send({ tag: 'collie:metrics-res', id, metrics }),
        (err: unknown) =>
          channel.send({
            tag: 'collie:metrics-err',
            id,
            message: err instanceof Error ? err.message : String(err),
          }),
      );
    }
  };
  channel.on('message', onMessage);
  channel.send({ tag: 'collie:metrics-hello' });
  return {
    close() {
      channel.off('message', onMessage);
    },
  };
}
