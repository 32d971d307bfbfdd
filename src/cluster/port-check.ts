import net from 'node:net';

/**
 * Binds host:port exclusively for a moment. uWS listens with SO_REUSEPORT, so a stale
 * gateway still on the port would silently take part of the traffic; this check turns that
 * into a startup error. Port 0 resolves to a concrete free port that every ingress
 * process then shares.
 */
export function claimPort(host: string, port: number): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = net.createServer();
    srv.once('error', (err: NodeJS.ErrnoException) => {
      reject(
        new Error(
          err.code === 'EADDRINUSE'
            ? `port ${port} on ${host} is already in use by another process; stop it or choose another --port`
            : `cannot bind ${host}:${port}: ${err.message}`,
        ),
      );
    });
    srv.listen({ host, port, exclusive: true }, () => {
      const bound = (srv.address() as net.AddressInfo).port;
      srv.close(() => resolve(bound));
    });
  });
}
