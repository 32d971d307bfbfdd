import { loadUws, type ListenSocket, type TemplatedApp } from '../../src/server/uws';

type ListenWithOptions = (
  host: string,
  port: number,
  options: number,
  cb: (socket: ListenSocket | false) => void,
) => void;

/**
 * Binds `app` the way collie's ingress does with several processes (src/server/http-server.ts
 * `listen`): options 0 = SO_REUSEPORT, so N processes share the port and the kernel spreads
 * connections. Resolves with the bound port. The .d.ts lacks the (host, port, options) overload.
 */
export function listenShared(app: TemplatedApp, host: string, port: number): Promise<number> {
  const uws = loadUws();
  return new Promise((resolve, reject) => {
    (app.listen as unknown as ListenWithOptions).call(app, host, port, 0, (socket) => {
      if (socket === false) reject(new Error(`cannot listen on ${host}:${port}`));
      else resolve(uws.us_socket_local_port(socket));
    });
  });
}
