import assert from 'node:assert/strict';
import { test } from 'node:test';
import { setTimeout as delay } from 'node:timers/promises';
import { FAULT_HEADER, mockEngineCommand, startMockEngine } from '../../src/mock-engine';
import { dig, parseSse, postJson, readUntilError } from '../helpers/mock-client';
import { freePortRun } from '../helpers/processes';

const CHAT = { messages: [{ role: 'user', content: 'hello' }] };

async function waitFor(cond: () => boolean, what: string, ms = 2000): Promise<void> {
  const deadline = Date.now() + ms;
  while (!cond()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await delay(5);
  }
}

void test('setFault status: family error bodies on inference routes, probes unaffected, clearable', async () => {
  const engine = await startMockEngine();
  try {
    engine.setFault({ status: 503 });
    const gen = await postJson(`${engine.url}/generate`, { text: 'x' });
    assert.equal(gen.status, 503);
    assert.deepEqual(await gen.json(), { error: 'Random failure for testing' });
    const chat = await postJson(`${engine.url}/v1/chat/completions`, CHAT);
    assert.equal(chat.status, 503);
    assert.equal(dig(await chat.json(), 'error', 'message'), 'Random failure for testing');
    const msg = await postJson(`${engine.url}/v1/messages`, { ...CHAT, max_tokens: 1 });
    assert.equal(dig(await msg.json(), 'type'), 'error');
    assert.equal((await fetch(`${engine.url}/health`)).status, 200, 'health is a probe');
    assert.equal((await fetch(`${engine.url}/health_generate`)).status, 503);
    engine.setFault({ status: null });
    assert.equal((await postJson(`${engine.url}/generate`, { text: 'x' })).status, 200);
    assert.equal(engine.stats().failed, 4);
    assert.throws(() => engine.setFault({ failRate: 2 }), /failRate/);
    engine.setFault({ healthy: false });
    assert.equal((await fetch(`${engine.url}/health`)).status, 503);
  } finally {
    await engine.close();
  }
});

void test('x-mock-fault targets one request, in JSON or words; bad values are 400', async () => {
  const engine = await startMockEngine();
  try {
    const url = `${engine.url}/v1/chat/completions`;
    assert.equal((await postJson(url, CHAT, { [FAULT_HEADER]: '{"status":429}' })).status, 429);
    assert.equal((await postJson(url, CHAT, { [FAULT_HEADER]: '502' })).status, 502);
    assert.equal((await postJson(url, CHAT, { [FAULT_HEADER]: 'status=504' })).status, 504);
    assert.equal((await postJson(url, CHAT, { [FAULT_HEADER]: 'fail' })).status, 500);
    assert.equal(
      (await fetch(`${engine.url}/health`, { headers: { [FAULT_HEADER]: '503' } })).status,
      503,
    );
    assert.equal((await postJson(url, CHAT)).status, 200, 'next request is clean');
    for (const bad of ['explode', 'status=abc', '{"status":"x"}', 'status=99', '{bad']) {
      const res = await postJson(url, CHAT, { [FAULT_HEADER]: bad });
      assert.equal(res.status, 400, bad);
      assert.match(String(dig(await res.json(), 'error', 'message')), /x-mock-fault/);
    }
  } finally {
    await engine.close();
  }
});

void test('failRate uses the injected rng', async () => {
  let next = 0.1;
  const engine = await startMockEngine({ failRate: 0.5, failStatus: 529, rng: () => next });
  try {
    assert.equal((await postJson(`${engine.url}/generate`, { text: 'x' })).status, 529);
    next = 0.9;
    assert.equal((await postJson(`${engine.url}/generate`, { text: 'x' })).status, 200);
  } finally {
    await engine.close();
  }
});

void test('delayMs holds the response headers', async () => {
  const engine = await startMockEngine({ responseDelayMs: 120 });
  try {
    const t0 = performance.now();
    assert.equal((await postJson(`${engine.url}/generate`, { text: 'x' })).status, 200);
    assert.ok(performance.now() - t0 >= 110);
    engine.setFault({ delayMs: 0 });
    const t1 = performance.now();
    await (await postJson(`${engine.url}/generate`, { text: 'x' })).text();
    assert.ok(performance.now() - t1 < 100);
  } finally {
    await engine.close();
  }
});

void test('hang never answers until the client aborts', { timeout: 10_000 }, async () => {
  const engine = await startMockEngine();
  try {
    engine.setFault({ hang: true });
    const ac = new AbortController();
    const pending = postJson(`${engine.url}/generate`, { text: 'x' }, {}, ac.signal);
    const raced = await Promise.race([pending.then(() => 'answered'), delay(150, 'waiting')]);
    assert.equal(raced, 'waiting');
    ac.abort();
    await assert.rejects(pending, { name: 'AbortError' });
    engine.setFault({ hang: false });
    assert.equal((await postJson(`${engine.url}/generate`, { text: 'x' })).status, 200);
    // A hung request must not keep close() waiting.
    const stuck = postJson(
      `${engine.url}/v1/completions`,
      { prompt: 'x' },
      { [FAULT_HEADER]: 'hang' },
    );
    stuck.catch(() => undefined);
    await delay(50);
  } finally {
    await engine.close();
  }
});

void test('dropAfterTokens truncates the stream after N tokens', async () => {
  const engine = await startMockEngine({ tokens: 8 });
  try {
    const res = await postJson(
      `${engine.url}/v1/chat/completions`,
      { ...CHAT, stream: true },
      { [FAULT_HEADER]: '{"dropAfterTokens":3}' },
    );
    assert.equal(res.status, 200);
    const { text, error } = await readUntilError(res);
    assert.ok(error !== undefined, 'stream must end with an error');
    const frames = parseSse(text);
    assert.equal(text.match(/"content":"[^"]+"/g)?.length, 3);
    assert.ok(!frames.some((f) => f.data === '[DONE]'));
    await assert.rejects(
      postJson(`${engine.url}/generate`, { text: 'x' }, { [FAULT_HEADER]: 'drop=1' }).then((r) =>
        r.text(),
      ),
    );
    await waitFor(() => engine.stats().running === 0, 'cleanup');
    assert.equal(engine.stats().aborted, 2);
  } finally {
    await engine.close();
  }
});

void test('a client that disconnects mid-stream stops the generation', async () => {
  const engine = await startMockEngine({ tokens: 10_000, tokenDelayMs: 5 });
  try {
    const ac = new AbortController();
    const res = await postJson(
      `${engine.url}/generate`,
      { text: 'x', stream: true },
      {},
      ac.signal,
    );
    await waitFor(() => engine.stats().completionTokens >= 3, 'tokens');
    ac.abort();
    await res.text().catch(() => undefined);
    await waitFor(() => engine.stats().running === 0, 'stop');
    const produced = engine.stats().completionTokens;
    await delay(60);
    assert.equal(engine.stats().completionTokens, produced, 'no tokens after disconnect');
    assert.equal(engine.stats().aborted, 1);
  } finally {
    await engine.close();
  }
});

void test('requests are recorded with parsed bodies in a bounded ring', async () => {
  const engine = await startMockEngine({ recordLimit: 3 });
  try {
    for (let i = 0; i < 5; i++)
      await (await postJson(`${engine.url}/generate`, { text: `t${i}` })).text();
    await (await postJson(`${engine.url}/v1/completions`, 'oops{')).text();
    const recorded = engine.requests;
    assert.equal(recorded.length, 3);
    assert.deepEqual(
      recorded.map((r) => r.body),
      [{ text: 't3' }, { text: 't4' }, 'oops{'],
    );
    assert.equal(recorded[0]?.method, 'POST');
    assert.equal(recorded[0]?.path, '/generate');
    assert.equal(recorded[0]?.headers['content-type'], 'application/json');
    engine.clearRequests();
    assert.equal(engine.requests.length, 0);
  } finally {
    await engine.close();
  }
});

void test('CLI: starts K engines on consecutive ports and stops on abort', async () => {
  const port = await freePortRun(2);
  const lines: string[] = [];
  const ac = new AbortController();
  const running = mockEngineCommand(
    ['--port', String(port), '--count', '2', '--model', 'cli-model', '--tokens', '2'],
    { out: (l) => lines.push(l), signal: ac.signal },
  );
  running.catch(() => undefined); // awaited below; this only avoids an unhandled-rejection race
  try {
    await waitFor(() => lines.length === 2, 'engine lines');
    assert.deepEqual(lines, [
      `mock-engine http://127.0.0.1:${port} model=cli-model`,
      `mock-engine http://127.0.0.1:${port + 1} model=cli-model`,
    ]);
    const res = await postJson(`http://127.0.0.1:${port + 1}/generate`, { text: 'x' });
    assert.equal(res.headers.get('x-worker-id'), `worker-${port + 1}`);
    assert.equal(dig(await res.json(), 'meta_info', 'completion_tokens'), 2);
  } finally {
    ac.abort();
    await running;
  }
  await assert.rejects(fetch(`http://127.0.0.1:${port}/health`));
});

void test('CLI: bad flags and values throw clear errors; --help prints usage', async () => {
  const cases: [string[], RegExp][] = [
    [['--bogus'], /bogus/],
    [['--port', 'abc'], /--port: expected an integer/],
    [['--tokens', '1.5'], /--tokens/],
    [['--fail-rate', '3'], /failRate/],
    [['--runtime', 'tgi'], /--runtime/],
    [['--count', '0'], /--count/],
    [['extra'], /positional|Unexpected argument/i],
  ];
  for (const [argv, re] of cases) await assert.rejects(mockEngineCommand(argv), re, argv.join(' '));
  const out: string[] = [];
  await mockEngineCommand(['--help'], { out: (l) => out.push(l) });
  assert.match(out.join('\n'), /Usage: collie mock-engine/);
  assert.match(out.join('\n'), /--token-delay-ms/);
});
