import assert from 'node:assert/strict';
import { connect } from 'node:net';
import { test } from 'node:test';
import { setTimeout as delay } from 'node:timers/promises';
import { startMockEngine, type MockEngine } from '../../src/mock-engine';
import { dig, postJson, readTimed } from '../helpers/mock-client';

const range = (from: number, n: number): number[] => Array.from({ length: n }, (_, i) => from + i);

async function cachedOf(engine: MockEngine, inputIds: number[]): Promise<number> {
  const res = await postJson(`${engine.url}/generate`, { input_ids: inputIds });
  assert.equal(res.status, 200);
  return dig(await res.json(), 'meta_info', 'cached_tokens') as number;
}

async function waitFor(cond: () => boolean, what: string, ms = 2000): Promise<void> {
  const deadline = Date.now() + ms;
  while (!cond()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await delay(5);
  }
}

void test('cached_tokens: repeat and extension hit, partial prefix hits whole blocks, eviction drops', async () => {
  // 8 blocks of 4 tokens.
  const engine = await startMockEngine({ blockSize: 4, kvCapacityTokens: 32, tokens: 1 });
  try {
    const a = range(1, 16);
    assert.equal(await cachedOf(engine, a), 0, 'cold');
    assert.equal(await cachedOf(engine, a), 16, 'repeat');
    assert.equal(await cachedOf(engine, [...a, 17, 18, 19, 20]), 16, 'extension');
    assert.equal(await cachedOf(engine, range(1, 10)), 8, 'two full blocks of the prefix');
    assert.equal(await cachedOf(engine, [99, ...a]), 0, 'different first token: no prefix');
    assert.equal(engine.stats().kvCachedTokens, 32, 'cache is full');
    assert.equal(await cachedOf(engine, range(101, 32)), 0, 'other prompt fills the cache');
    assert.equal(await cachedOf(engine, a), 0, 'evicted');
  } finally {
    await engine.close();
  }
});

void test('eviction removes prompt tails before heads', async () => {
  const engine = await startMockEngine({ blockSize: 4, kvCapacityTokens: 32, tokens: 1 });
  try {
    const a = range(1, 16); // 4 blocks
    await cachedOf(engine, a);
    await cachedOf(engine, range(201, 24)); // 6 blocks: 2 of a's must go
    assert.equal(await cachedOf(engine, a), 8, "a's first two blocks survived");
  } finally {
    await engine.close();
  }
});

void test('multi-turn chat shares the earlier prompt as a cached prefix; flush clears', async () => {
  const engine = await startMockEngine({ blockSize: 4, tokens: 3 });
  const chat = async (messages: unknown[]) => {
    const res = await postJson(`${engine.url}/v1/chat/completions`, { messages });
    const usage = dig(await res.json(), 'usage');
    return {
      prompt: dig(usage, 'prompt_tokens') as number,
      cached: dig(usage, 'prompt_tokens_details', 'cached_tokens') as number,
    };
  };
  try {
    const turn1 = [
      { role: 'system', content: 'You are a helpful assistant that answers in detail.' },
      { role: 'user', content: [{ type: 'text', text: 'What is the capital of France?' }] },
    ];
    const first = await chat(turn1);
    assert.equal(first.cached, 0);
    const turn2 = [
      ...turn1,
      { role: 'assistant', content: 'The quick brown' },
      { role: 'user', content: 'And of Germany?' },
    ];
    const second = await chat(turn2);
    assert.ok(second.prompt > first.prompt);
    assert.equal(second.cached, Math.floor(first.prompt / 4) * 4);
    const stats = engine.stats();
    assert.equal(stats.promptTokens, first.prompt + second.prompt);
    assert.equal(stats.cachedTokens, second.cached);
    const flushed = await fetch(`${engine.url}/flush_cache`, { method: 'POST' });
    assert.deepEqual(await flushed.json(), { message: 'Cache flushed successfully' });
    assert.equal(engine.stats().kvCachedTokens, 0);
    assert.equal((await chat(turn2)).cached, 0);
  } finally {
    await engine.close();
  }
});

void test('/v1/loads and /metrics report live running, waiting and used tokens', async () => {
  const engine = await startMockEngine({ tokens: 1000, tokenDelayMs: 10, maxRunningRequests: 2 });
  const ac = new AbortController();
  try {
    const body = { prompt: 'one two three four five', stream: true };
    const streams = await Promise.all(
      [0, 1, 2].map(() => postJson(`${engine.url}/v1/completions`, body, {}, ac.signal)),
    );
    await waitFor(() => engine.stats().running === 2 && engine.stats().waiting === 1, 'load');
    const loads: unknown = await (await fetch(`${engine.url}/v1/loads?include=core`)).json();
    assert.equal(dig(loads, 'dp_rank_count'), 1);
    assert.ok(!Number.isNaN(Date.parse(dig(loads, 'timestamp') as string)));
    const l = dig(loads, 'loads', 0);
    assert.equal(dig(l, 'dp_rank'), 0);
    assert.equal(dig(l, 'num_running_reqs'), 2);
    assert.equal(dig(l, 'num_waiting_reqs'), 1);
    assert.equal(dig(l, 'num_waiting_uncached_tokens'), 5);
    assert.equal(dig(l, 'num_total_reqs'), 3);
    assert.ok((dig(l, 'num_used_tokens') as number) >= 10, 'two prompts of 5 tokens at least');
    assert.equal(dig(l, 'max_total_num_tokens'), 65536);
    assert.ok((dig(l, 'token_usage') as number) > 0);
    assert.equal(dig(l, 'utilization'), 1);
    assert.equal(dig(l, 'max_running_requests'), 2);
    const metrics = await (await fetch(`${engine.url}/metrics`)).text();
    assert.match(metrics, /^# TYPE sglang:num_running_reqs gauge$/m);
    assert.match(metrics, /^sglang:num_running_reqs\{model_name="mock-model"\} 2$/m);
    assert.match(metrics, /^sglang:num_queue_reqs\{model_name="mock-model"\} 1$/m);
    for (const g of ['token_usage', 'cache_hit_rate', 'gen_throughput']) {
      assert.match(
        metrics,
        new RegExp(`^sglang:${g}\\{model_name="mock-model"\\} [0-9.e-]+$`, 'm'),
      );
    }
    assert.match(metrics, /^sglang:num_requests_total\{model_name="mock-model"\} 3$/m);
    ac.abort();
    await Promise.allSettled(streams.map((s) => s.text()));
    await waitFor(() => engine.stats().running === 0 && engine.stats().waiting === 0, 'idle');
    const idle = dig(await (await fetch(`${engine.url}/v1/loads`)).json(), 'loads', 0);
    assert.equal(dig(idle, 'num_running_reqs'), 0);
    assert.equal(dig(idle, 'num_used_tokens'), 0);
    assert.equal(engine.stats().aborted, 3);
  } finally {
    ac.abort();
    await engine.close();
  }
});

void test('tokens arrive one by one, tokenDelayMs apart (no buffering)', async () => {
  const engine = await startMockEngine({ tokens: 5, tokenDelayMs: 40 });
  try {
    const t0 = performance.now();
    const res = await postJson(`${engine.url}/v1/chat/completions`, {
      messages: [{ role: 'user', content: 'hi' }],
      stream: true,
    });
    const { text, times } = await readTimed(res);
    const total = performance.now() - t0;
    assert.equal(text.match(/"content":"[^"]+"/g)?.length, 5);
    assert.ok(total >= 190, `5 tokens × 40 ms took only ${total} ms`);
    assert.ok(times.length >= 4, `expected separate reads, got ${times.length}`);
    assert.ok((times.at(-1) ?? 0) - (times[0] ?? 0) >= 120, 'chunks spread over time');
    const fast = await startMockEngine({ tokens: 5 });
    const t1 = performance.now();
    await (await postJson(`${fast.url}/generate`, { text: 'hi' })).json();
    assert.ok(performance.now() - t1 < total / 2, 'no delay when tokenDelayMs is 0');
    await fast.close();
  } finally {
    await engine.close();
  }
});

void test('prefill time scales with uncached tokens', async () => {
  const engine = await startMockEngine({ prefillTokensPerSec: 1000, tokens: 1 });
  try {
    const ids = range(1, 200);
    const t0 = performance.now();
    assert.equal(await cachedOf(engine, ids), 0);
    const cold = performance.now() - t0;
    const t1 = performance.now();
    assert.equal(await cachedOf(engine, ids), 192);
    const warm = performance.now() - t1;
    assert.ok(cold >= 180, `cold prefill of 200 tokens at 1000 tok/s took ${cold} ms`);
    assert.ok(warm < cold / 2, `warm ${warm} ms vs cold ${cold} ms`);
  } finally {
    await engine.close();
  }
});

void test('shared prefill: concurrent prefills queue behind each other', async () => {
  const shared = await startMockEngine({
    prefillTokensPerSec: 1000,
    prefillShared: true,
    tokens: 1,
  });
  const separate = await startMockEngine({ prefillTokensPerSec: 1000, tokens: 1 });
  try {
    const timeBoth = async (engine: MockEngine): Promise<number> => {
      const t0 = performance.now();
      // two different 100-token prompts: 100 ms of prefill each
      await Promise.all([cachedOf(engine, range(1, 100)), cachedOf(engine, range(501, 100))]);
      return performance.now() - t0;
    };
    const queued = await timeBoth(shared);
    const parallel = await timeBoth(separate);
    assert.ok(queued >= 190, `shared prefill of 2×100 tokens at 1000 tok/s took ${queued} ms`);
    assert.ok(parallel < 180, `independent prefills overlap (${parallel} ms)`);
  } finally {
    await shared.close();
    await separate.close();
  }
});
void test('a stream pauses while the client does not read (socket backpressure)', async () => {
  const engine = await startMockEngine({ tokens: 1_000_000 });
  const body = JSON.stringify({ prompt: 'x', stream: true });
  const socket = connect(engine.port, '127.0.0.1');
  try {
    socket.write(
      `POST /v1/completions HTTP/1.1\r\nhost: x\r\ncontent-type: application/json\r\n` +
        `content-length: ${body.length}\r\n\r\n${body}`,
    );
    socket.pause();
    await waitFor(() => engine.stats().completionTokens > 0, 'first tokens');
    // the socket buffers fill, then the engine stops: two samples 200 ms apart agree
    // (on a loaded machine filling the buffers takes a while, so poll for it)
    let paused = -1;
    for (let i = 0; i < 50; i++) {
      const before = engine.stats().completionTokens;
      await delay(200);
      if (engine.stats().completionTokens === before) {
        paused = before;
        break;
      }
    }
    assert.ok(paused > 0, 'the stream never paused while unread');
    assert.ok(paused < 1_000_000);
    socket.on('data', () => undefined);
    socket.resume();
    await waitFor(() => engine.stats().completionTokens > paused, 'progress after reading');
  } finally {
    socket.destroy();
    await engine.close();
  }
});
