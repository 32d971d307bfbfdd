/**
 * A forked stand-in for the primary: serves the control protocol with stub handlers over
 * the real process IPC channel, and reports what its handlers saw on request.
 */
import { createControlServer } from '../../../src/cluster/control-protocol';
import { serveRpc } from '../../../src/cluster/rpc';
import type { IpcChannel } from '../../../src/state/ipc-bus';
import { stubHandlers } from './stub-control';

const seen: string[] = [];
const channel = process as unknown as IpcChannel;
serveRpc(channel, 'ingress-1', createControlServer(stubHandlers(seen)));
process.on('message', (m: unknown) => {
  if (m === 'seen?') process.send?.({ seen });
});
process.on('disconnect', () => process.exit(0));
