import http from 'node:http';
import type { AddressInfo } from 'node:net';

export interface SubPathProxy {
  /** http://127.0.0.1:<port> (the prefix not included). */
  readonly url: string;
  close(): Promise<void>;
}

/**
 * A minimal reverse proxy, as an operator would put in front of collie: `<prefix>/x` goes to
 * `<target>/x` with the same method, headers and body; answers stream back unbuffered (Server-
 * Sent Events included). Anything outside the prefix is a 404 from the proxy itself.
 */
export async function startSubPathProxy(target: string, prefix: string): Promise<SubPathProxy> {
  const upstream = new URL(target);
  const server = http.createServer((req, res) => {
    const url = req.url ?? '/';
    if (!url.startsWith(`${prefix}/`)) {
      res.writeHead(404, { 'content-type': 'text/plain' }).end('not behind the proxy\n');
      return;
    }
    const out = http.request(
      {
        host: upstream.hostname,
        port: upstream.port,
        method: req.method,
        path: url.slice(prefix.length),
        headers: { ...req.headers, host: upstream.host, 'x-forwarded-prefix': prefix },
      },
      (up) => {
        res.writeHead(up.statusCode ?? 502, up.headers);
        up.pipe(res);
      },
    );
    out.on('error', () => {
      if (!res.headersSent) res.writeHead(502).end();
      else res.destroy();
    });
    res.on('close', () => out.destroy());
    req.pipe(out);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    close: () =>
      new Promise((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
