import net from 'node:net';

/**
 * Finds `count` distinct free TCP ports on `host` by binding port 0. All listeners are held open
 * until every port is known, so one call never returns the same port twice; the ports are free
 * again when the promise resolves (another process could still take one before we bind it).
 */
export async function getFreePorts(count: number, host = '127.0.0.1'): Promise<number[]> {
  const servers: net.Server[] = [];
  try {
    const ports: number[] = [];
    for (let i = 0; i < count; i++) {
      const server = net.createServer();
      servers.push(server);
      ports.push(await listenOnPortZero(server, host));
    }
    return ports;
  } finally {
    await Promise.all(servers.map(closeServer));
  }
}

/** One free TCP port on `host` (see {@link getFreePorts}). */
export async function getFreePort(host = '127.0.0.1'): Promise<number> {
  const [port] = await getFreePorts(1, host);
  if (port === undefined) throw new Error('getFreePorts returned no port');
  return port;
}

function listenOnPortZero(server: net.Server, host: string): Promise<number> {
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen({ port: 0, host, exclusive: true }, () => {
      const address = server.address();
      if (address !== null && typeof address === 'object') resolve(address.port);
      else reject(new Error(`unexpected server address: ${String(address)}`));
    });
  });
}

function closeServer(server: net.Server): Promise<void> {
  return new Promise((resolve) => {
    if (!server.listening) {
      resolve();
      return;
    }
    server.close(() => resolve());
  });
}

/** True when `port` on `host` can be bound right now (nothing is listening there). */
export async function isPortFree(port: number, host = '127.0.0.1'): Promise<boolean> {
  const server = net.createServer();
  return new Promise((resolve) => {
    server.once('error', () => resolve(false));
    server.listen({ port, host, exclusive: true }, () => server.close(() => resolve(true)));
  });
}
