import fs from 'node:fs';
import type { Page } from 'playwright-core';
import { Agent, request } from 'undici';

/** Debian's chromium (installed by .ci/run); playwright-core never downloads a browser. */
export const CHROMIUM = '/usr/bin/chromium';
export const HAVE_CHROMIUM = fs.existsSync(CHROMIUM);

/** What the console shows, read from its DOM (cells carry their snapshot field's name). */
export interface PageState {
  readonly conn: string | null;
  readonly generatedAt: string | null;
  readonly fields: Readonly<Record<string, string>>;
  readonly rows: ReadonlyArray<Readonly<Record<string, string>>>;
  readonly summary: string;
  readonly live: string;
  readonly instance: string;
}

/** Runs in the page (a string: the tests compile without DOM types). */
const READ_PAGE = `(() => {
  const q = (s) => document.querySelector(s);
  const fields = {};
  for (const el of document.querySelectorAll('[data-field*="."]')) fields[el.getAttribute('data-field')] = el.textContent;
  const rows = [...document.querySelectorAll('#fleet-rows tr')].map((tr) => {
    const o = { id: tr.getAttribute('data-key') };
    for (const c of tr.cells) o[c.getAttribute('data-field')] = c.textContent;
    return o;
  });
  return {
    conn: q('#conn').getAttribute('data-state'),
    generatedAt: document.body.getAttribute('data-generated-at'),
    fields,
    rows,
    summary: q('#fleet-summary').textContent,
    live: q('#live').textContent,
    instance: q('#instance').textContent,
  };
})()`;

export async function readPage(page: Page): Promise<PageState> {
  return page.evaluate<PageState>(READ_PAGE);
}

/** Polls `cond` every 50 ms until it holds; the error names what was last seen. */
export async function until<T>(
  what: string,
  read: () => Promise<T>,
  cond: (v: T) => boolean,
  ms = 8000,
): Promise<T> {
  const end = Date.now() + ms;
  let last: T | undefined;
  while (Date.now() < end) {
    last = await read();
    if (cond(last)) return last;
    await new Promise((r) => setTimeout(r, 50));
  }
  throw new Error(`${what}: not within ${ms} ms; last seen ${JSON.stringify(last)}`);
}

/** The shared system prompts of the traffic (long enough to fill KV blocks). */
const FAMILIES = Array.from(
  { length: 6 },
  (_, f) => `family ${f} ` + Array.from({ length: 120 }, (_, i) => `w${f}x${i}`).join(' '),
);

export interface Traffic {
  readonly sent: () => number;
  stop(): Promise<void>;
}

/**
 * Chat completions in `concurrency` closed loops, alternating streamed (they report TTFT) and
 * buffered ones (they report cached tokens), until stopped.
 */
export function startTraffic(url: string, concurrency: number): Traffic {
  const agent = new Agent({ connections: concurrency });
  let running = true;
  let sent = 0;
  const loop = async (lane: number): Promise<void> => {
    for (let i = lane; running; i += concurrency) {
      const family = FAMILIES[i % FAMILIES.length] ?? '';
      const body = {
        model: 'mock-model',
        stream: i % 2 === 0,
        max_tokens: 4,
        messages: [
          { role: 'system', content: family },
          { role: 'user', content: `question ${i}` },
        ],
      };
      const r = await request(`${url}/v1/chat/completions`, {
        method: 'POST',
        dispatcher: agent,
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify(body),
      }).catch(() => undefined);
      await r?.body.text().catch(() => undefined);
      sent++;
    }
  };
  const lanes = Array.from({ length: concurrency }, (_, i) => loop(i));
  return {
    sent: () => sent,
    async stop() {
      running = false;
      await Promise.all(lanes);
      await agent.close();
    },
  };
}
