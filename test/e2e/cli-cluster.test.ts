import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { Agent, request } from 'undici';
import {
  runCollie,
  freePort,
  freePortRun,
  waitFor,
  childPids,
  cpuTicks,
  type Proc,
} from '../helpers/processes';

/** A request on a brand-new connection, so the kernel spreads them over the ingress processes. */
async function freshRequest(
  url: string,
  body: unknown,
): Promise<{
  status: number;
  worker: string | undefined;
  text: () => Promise<string>;
  destroy: () => void;
}> {
  const agent = new Agent({ pipelining: 0, connections: 1 });
  const r = await request(url, {
    method: 'POST',
    dispatcher: agent,
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(body),
  });
  return {
    status: r.statusCode,
    worker: r.headers['x-worker-id'] as string | undefined,
    text: async () => {
      const t = await r.body.text();
      await agent.close();
      return t;
    },
    destroy: () => {
      r.body.destroy();
      void agent.destroy();
    },
  };
}

async function running(engineUrl: string): Promise<number> {
  const r = await fetch(`${engineUrl}/v1/loads`);
  const body = (await r.json()) as { loads: Array<{ num_running_reqs: number }> };
  return body.loads[0]?.num_running_reqs ?? -1;
}

describe('built CLI: --workers 2 with two mock engines', () => {
  let engines: Proc;
  let gateway: Proc;
  let gwUrl: string;
  let engineUrls: string[];
  let metricsPort = 0;

  before(async () => {
    const ep = await freePortRun(2);
    engines = runCollie([
      'mock-engine',
      '--host',
      '127.0.0.1',
      '--port',
      String(ep),
      '--count',
      '2',
      '--token-delay-ms',
      '100',
      '--tokens',
      '4',
    ]);
    engineUrls = [`http://127.0.0.1:${ep}`, `http://127.0.0.1:${ep + 1}`];
    for (const u of engineUrls) {
      await waitFor(`${u}/health`).catch((err: unknown) => {
        throw new Error(`${String(err)}\n--- mock engines output ---\n${engines.output()}`);
      });
    }
    const gp = await freePort();
    metricsPort = await freePort();
    gwUrl = `http://127.0.0.1:${gp}`;
    gateway = runCollie([
      'launch',
      '--prometheus-host',
      '127.0.0.1',
      '--prometheus-port',
      String(metricsPort),
      '--host',
      '127.0.0.1',
      '--port',
      String(gp),
      '--workers',
      '2',
      '--policy',
      'least_load',
      '--log-level',
      'warn',
      '--worker-urls',
      ...engineUrls,
    ]);
    await waitFor(`${gwUrl}/readiness`).catch((err: unknown) => {
      throw new Error(`${String(err)}\n--- gateway output ---\n${gateway.output()}`);
    });
  });
  after(async () => {
    await gateway?.stop();
    await engines?.stop();
  });

  test('both ingress processes serve traffic on the one port', async () => {
    const kids = childPids(gateway.child.pid as number);
    assert.equal(kids.length, 2, `expected 2 ingress processes, found ${kids.length}`);
    const before = kids.map(cpuTicks);
    for (let batch = 0; batch < 20; batch++) {
      const rs = await Promise.all(
        Array.from({ length: 10 }, () =>
          freshRequest(`${gwUrl}/generate`, { text: 'x', sampling_params: { max_new_tokens: 1 } }),
        ),
      );
      for (const r of rs) {
        assert.equal(r.status, 200);
        await r.text();
      }
    }
    const used = kids.map((p, i) => cpuTicks(p) - (before[i] as number));
    for (const u of used)
      assert.ok(u > 0, `an ingress process did no work: ${JSON.stringify(used)}`);
  });

  test('in-flight load is shared: least_load stays balanced across processes', async () => {
    const open: Array<{ destroy(): void }> = [];
    try {
      for (let i = 0; i < 12; i++) {
        // long streams keep their in-flight slot; each arrives on a new connection (either process)
        const r = await freshRequest(`${gwUrl}/v1/chat/completions`, {
          model: 'mock-model',
          stream: true,
          max_tokens: 100,
          messages: [{ role: 'user', content: `s${i}` }],
        });
        assert.equal(r.status, 200);
        open.push(r);
        await new Promise((res) => setTimeout(res, 40)); // > one load publish interval
        const [a, b] = await Promise.all(engineUrls.map(running));
        assert.ok(
          Math.abs((a as number) - (b as number)) <= 1,
          `after ${i + 1} streams: engine loads ${a} vs ${b}`,
        );
      }
    } finally {
      for (const r of open) r.destroy();
    }
  });

  test('the primary replaces an ingress process killed with SIGKILL; the port keeps serving', async () => {
    const before = childPids(gateway.child.pid as number);
    const victim = before[0] as number;
    process.kill(victim, 'SIGKILL');
    const deadline = Date.now() + 10_000;
    let now = before;
    while (Date.now() < deadline) {
      now = childPids(gateway.child.pid as number);
      if (now.length === 2 && !now.includes(victim)) break;
      await new Promise((r) => setTimeout(r, 50));
    }
    assert.equal(now.length, 2, 'a replacement ingress process was started');
    assert.ok(!now.includes(victim));
    await waitFor(`${gwUrl}/readiness`);
    for (let i = 0; i < 20; i++) {
      const r = await freshRequest(`${gwUrl}/generate`, {
        text: 'after',
        sampling_params: { max_new_tokens: 1 },
      });
      assert.equal(r.status, 200);
      await r.text();
    }
  });

  test('a worker added through the API is visible to every ingress process within a second', async () => {
    const ep = await freePort();
    const extra = runCollie([
      'mock-engine',
      '--host',
      '127.0.0.1',
      '--port',
      String(ep),
      '--model',
      'extra-model',
    ]);
    try {
      await waitFor(`http://127.0.0.1:${ep}/health`);
      const post = await fetch(`${gwUrl}/workers`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ url: `http://127.0.0.1:${ep}` }),
      });
      assert.equal(post.status, 202);
      const id = ((await post.json()) as { worker_id: string }).worker_id;
      const deadline = Date.now() + 5000;
      while (Date.now() < deadline) {
        const r = await fetch(`${gwUrl}/workers/${id}`);
        if (((await r.json()) as { status?: string }).status === 'ready') break;
        await new Promise((res) => setTimeout(res, 50));
      }
      await new Promise((res) => setTimeout(res, 1000));
      // 20 requests on fresh connections reach both processes; each must know the model
      for (let i = 0; i < 20; i++) {
        const r = await freshRequest(`${gwUrl}/v1/chat/completions`, {
          model: 'extra-model',
          messages: [{ role: 'user', content: 'x' }],
        });
        assert.equal(r.status, 200);
        await r.text();
      }
      const del = await fetch(`${gwUrl}/workers/${id}`, { method: 'DELETE' });
      assert.equal(del.status, 202);
    } finally {
      await extra.stop();
    }
  });

  test('an unknown flag fails at startup with a clear message and exit code 2', async () => {
    const p = runCollie(['launch', '--frobnicate']);
    const code = await new Promise<number | null>((r) => p.child.once('exit', (c) => r(c)));
    assert.equal(code, 2);
    assert.match(p.output(), /unknown flag '--frobnicate'/);
  });

  test('a port already held by another process is refused', async () => {
    const port = Number(new URL(gwUrl).port);
    const p = runCollie([
      'launch',
      '--prometheus-host',
      '127.0.0.1',
      '--prometheus-port',
      '0',
      '--host',
      '127.0.0.1',
      '--port',
      String(port),
      '--workers',
      '1',
    ]);
    const code = await new Promise<number | null>((r) => p.child.once('exit', (c) => r(c)));
    assert.equal(code, 1);
    assert.match(p.output(), /already in use/);
  });
});
