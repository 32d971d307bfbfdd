import http from 'node:http';
import type { AddressInfo } from 'node:net';

/** One repository of the fake Hub. */
export interface FakeRepo {
  /** file name → content (at every revision in `revisions`). */
  readonly files: Record<string, string | Buffer>;
  /** Revision name → commit sha (default: main → 40 × 'a'). */
  readonly revisions?: Record<string, string>;
  /** Private: only `Authorization: Bearer <token>` may read it (else 401). */
  readonly token?: string;
  /** Files sent with a Content-Length larger than the body, then the socket is cut. */
  readonly truncate?: readonly string[];
  /** Leave out X-Repo-Commit (a mirror). */
  readonly noCommitHeader?: boolean;
}

export interface FakeHub {
  readonly url: string;
  /** Every request: path and authorization header. */
  readonly requests: Array<{ path: string; authorization: string | undefined }>;
  close(): Promise<void>;
}

/**
 * A Hugging Face Hub stand-in on 127.0.0.1: GET /{repo}/resolve/{revision}/{file} with the
 * Hub's status codes and X-Error-Code headers (RepoNotFound, RevisionNotFound,
 * EntryNotFound), X-Repo-Commit and ETag.
 */
export async function startFakeHub(repos: Record<string, FakeRepo>): Promise<FakeHub> {
  const requests: FakeHub['requests'] = [];
  const server = http.createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://x');
    requests.push({ path: url.pathname, authorization: req.headers.authorization });
    const m = /^\/(.+?)\/resolve\/([^/]+)\/(.+)$/.exec(url.pathname);
    const fail = (status: number, code: string): void => {
      res.writeHead(status, { 'x-error-code': code, 'content-type': 'application/json' });
      res.end(JSON.stringify({ error: code }));
    };
    if (!m) return fail(404, 'RepoNotFound');
    const [, repoId, rawRev, file] = m as unknown as [string, string, string, string];
    const repo = repos[repoId];
    if (!repo) return fail(404, 'RepoNotFound');
    if (repo.token !== undefined && req.headers.authorization !== `Bearer ${repo.token}`) {
      return fail(401, 'RepoNotFound');
    }
    const rev = decodeURIComponent(rawRev);
    const revisions = repo.revisions ?? { main: 'a'.repeat(40) };
    const commit = revisions[rev] ?? (Object.values(revisions).includes(rev) ? rev : undefined);
    if (commit === undefined) return fail(404, 'RevisionNotFound');
    const body = repo.files[file];
    if (body === undefined) return fail(404, 'EntryNotFound');
    const buf = Buffer.isBuffer(body) ? body : Buffer.from(body);
    const headers: Record<string, string> = {
      etag: `"${buf.length}"`,
      'content-type': 'application/octet-stream',
    };
    if (!repo.noCommitHeader) headers['x-repo-commit'] = commit;
    if (repo.truncate?.includes(file)) {
      res.writeHead(200, { ...headers, 'content-length': String(buf.length) });
      res.write(buf.subarray(0, Math.floor(buf.length / 2)), () => res.destroy());
      return;
    }
    res.writeHead(200, { ...headers, 'content-length': String(buf.length) });
    res.end(buf);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    requests,
    close: () =>
      new Promise((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
