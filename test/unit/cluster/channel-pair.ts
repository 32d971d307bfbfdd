import { EventEmitter } from 'node:events';
import type { IpcChannel } from '../../../src/state/ipc-bus';

/**
 * Two connected in-process IPC endpoints. Like process IPC, delivery is asynchronous and
 * copies the message (JSON, as the cluster's default serialisation does), and a send of a
 * value JSON cannot carry throws at the sender.
 */
export function channelPair(): [IpcChannel, IpcChannel] {
  const a = new EventEmitter();
  const b = new EventEmitter();
  const mk = (self: EventEmitter, other: EventEmitter): IpcChannel => ({
    send(m) {
      const copy: unknown = JSON.parse(JSON.stringify(m));
      setImmediate(() => other.emit('message', copy));
      return true;
    },
    on: (e, fn) => self.on(e, fn),
    off: (e, fn) => self.off(e, fn),
  });
  return [mk(a, b), mk(b, a)];
}
