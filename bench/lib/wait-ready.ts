import { setTimeout as sleep } from 'node:timers/promises';
import { httpRequest, type HttpResponse } from './http';
import { describeExit, type ManagedChild } from './processes';

export interface WaitForHttpOptions {
  /** Give up after this many ms. Default 30000. */
  readonly timeoutMs?: number;
  /** Delay between attempts in ms. Default 100. */
  readonly intervalMs?: number;
  /** Which statuses count as ready. Default: 200 only. */
  readonly accept?: (status: number) => boolean;
  /** Fail at once (with its output) if this process exits while we wait. */
  readonly child?: ManagedChild;
}

/** Polls `GET url` until an accepted status; throws on timeout or if `child` exits first. */
export async function waitForHttp(url: string, opts: WaitForHttpOptions = {}): Promise<void> {
  const timeoutMs = opts.timeoutMs ?? 30_000;
  const accept = opts.accept ?? ((status: number) => status === 200);
  const deadline = Date.now() + timeoutMs;
  let last = 'no attempt';
  while (Date.now() < deadline) {
    if (opts.child?.hasExited() === true) {
      throw new Error(`waiting for ${url}: ${describeExit(opts.child, await opts.child.exited)}`);
    }
    try {
      const res: HttpResponse = await httpRequest(url, { timeoutMs: 1000 });
      if (accept(res.status)) return;
      last = `HTTP ${res.status} ${res.body.slice(0, 200)}`;
    } catch (err) {
      last = err instanceof Error ? err.message : String(err);
    }
    await sleep(opts.intervalMs ?? 100);
  }
  const childInfo = opts.child !== undefined ? `\n${describeExit(opts.child)}` : '';
  throw new Error(`${url} not ready after ${timeoutMs} ms (last: ${last})${childInfo}`);
}

/** Accepts any HTTP response: the server is listening and speaks HTTP. */
export const anyStatus = (status: number): boolean => status > 0;

/**
 * Waits until `child` has written `marker` to stdout (e.g. the cluster-run "ready" line that
 * comes once every worker listens); throws on timeout or if it exits first.
 */
export async function waitForOutput(
  child: ManagedChild,
  marker: string,
  opts: { readonly timeoutMs?: number } = {},
): Promise<void> {
  const deadline = Date.now() + (opts.timeoutMs ?? 30_000);
  while (!child.stdout().includes(marker)) {
    if (child.hasExited()) {
      throw new Error(`waiting for "${marker}": ${describeExit(child, await child.exited)}`);
    }
    if (Date.now() > deadline) {
      throw new Error(`no "${marker}" from ${describeExit(child)}`);
    }
    await sleep(50);
  }
}
