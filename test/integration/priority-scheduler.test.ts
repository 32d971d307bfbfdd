import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import {
  closeAll,
  eventually,
  postJson,
  startTestGateway,
  type TestGateway,
} from '../helpers/gateway';
import { startMockEngine, type MockEngine } from '../../src/mock-engine';

/**
 * No reservations (capacity is 1 here); bulk: queue 1, 1 s; interactive/system preempt.
 * Local callers (tenant ip:127.0.0.1) may ask for up to interactive.
 */
export const SCHEDULER_YAML = `
classes:
  bulk: { reserved_floor: 0, queue_size: 1, queue_timeout_secs: 1, starvation_threshold_secs: 300, can_preempt: false }
  default: { reserved_floor: 0, queue_size: 8, queue_timeout_secs: 10, starvation_threshold_secs: 300, can_preempt: false }
  interactive: { reserved_floor: 0, queue_size: 8, queue_timeout_secs: 10, starvation_threshold_secs: 300, can_preempt: true }
  system: { reserved_floor: 0, queue_size: 8, queue_timeout_secs: 10, starvation_threshold_secs: 300, can_preempt: true }
tenant_policies:
  "ip:127.0.0.1": { max_class: interactive }
`;

export function writeSchedulerFile(): { file: string; remove(): void } {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'collie-prio-'));
  const file = path.join(dir, 'scheduler.yaml');
  fs.writeFileSync(file, SCHEDULER_YAML);
  return { file, remove: () => fs.rmSync(dir, { recursive: true, force: true }) };
}

const chat = (model: string, stream = false) => ({
  model,
  stream,
  max_tokens: 4,
  messages: [{ role: 'user', content: 'hi' }],
});

interface ErrorBody {
  error: { type: string; code: string; message: string; param: null };
}

/**
 * The priority scheduler through the gateway (one process, capacity 1 from
 * --max-concurrent-requests): `slow` answers after 30 s (its headers are the first byte),
 * `fast` at once, `stream` streams 8 tokens 100 ms apart.
 */
describe('priority scheduler (one instance)', () => {
  let slow: MockEngine;
  let fast: MockEngine;
  let stream: MockEngine;
  let gw: TestGateway;
  let cfg: ReturnType<typeof writeSchedulerFile>;

  before(async () => {
    cfg = writeSchedulerFile();
    [slow, fast, stream] = await Promise.all([
      startMockEngine({ host: '127.0.0.1', port: 0, model: 'slow', responseDelayMs: 30_000 }),
      startMockEngine({ host: '127.0.0.1', port: 0, model: 'fast' }),
      startMockEngine({
        host: '127.0.0.1',
        port: 0,
        model: 'stream',
        tokens: 8,
        tokenDelayMs: 100,
      }),
    ]);
    gw = await startTestGateway([
      ...['--worker-urls', slow.url, fast.url, stream.url],
      ...['--policy', 'round_robin', '--max-concurrent-requests', '1'],
      ...['--priority-scheduler-enabled', '--priority-scheduler-config', cfg.file],
    ]);
  });

  after(async () => {
    await closeAll(gw, slow, fast, stream);
    cfg?.remove();
  });

  test('an interactive request preempts a bulk one that has not sent its first byte', async () => {
    const bulk = postJson(`${gw.url}/v1/chat/completions`, chat('slow'), {
      'x-smg-priority': 'bulk',
    });
    await eventually(() => gw.inflight(slow.url) === 1, 5000);
    const t0 = performance.now();
    const interactive = await postJson(`${gw.url}/v1/chat/completions`, chat('fast'), {
      'x-smg-priority': ' Interactive ',
    });
    assert.equal(interactive.status, 200);
    assert.ok(
      performance.now() - t0 < 5000,
      'the interactive request did not wait for the bulk one',
    );
    const b = await bulk;
    assert.equal(b.status, 503);
    assert.equal(b.headers.get('x-smg-error-code'), 'scheduler_preempted');
    assert.equal(b.headers.get('x-smg-preempted'), 'true');
    assert.equal(b.headers.get('retry-after'), '1');
    assert.deepEqual(await b.json(), {
      error: {
        type: 'Service Unavailable',
        code: 'scheduler_preempted',
        message: 'request preempted by higher-priority traffic',
        param: null,
      },
    });
    // the upstream request was cancelled with it
    await eventually(() => gw.inflight(slow.url) === 0, 5000);
    const metrics = await (await fetch(`${gw.metricsUrl}/metrics`)).text();
    assert.match(
      metrics,
      /smg_scheduler_preemption_total\{victim_class="bulk",by_class="interactive"\} 1/,
    );
    assert.match(metrics, /smg_scheduler_admit_total\{class="bulk",outcome="preempted"\} 1/);
    assert.match(metrics, /smg_scheduler_admit_total\{class="interactive",outcome="admitted"\} 1/);
  });

  test('once the first byte went out, a request is never preempted', async () => {
    const res = await fetch(`${gw.url}/v1/chat/completions`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-smg-priority': 'bulk' },
      body: JSON.stringify(chat('stream', true)),
    });
    assert.equal(res.status, 200); // headers: the first byte left
    const body = res.text();
    const t0 = performance.now();
    const sys = await postJson(`${gw.url}/v1/chat/completions`, chat('fast'), {
      'x-smg-priority': 'interactive',
    });
    assert.equal(sys.status, 200);
    const text = await body;
    assert.match(text, /data: \[DONE\]/);
    // the interactive request waited for the stream to end (8 × 100 ms) instead of cutting it
    assert.ok(performance.now() - t0 > 300, 'interactive request did not wait');
  });

  test('a full class queue answers 429, a queue wait past the class timeout 408', async () => {
    const holder = postJson(`${gw.url}/v1/chat/completions`, chat('slow'), {
      'x-smg-priority': 'default',
    });
    await eventually(() => gw.inflight(slow.url) === 1, 5000);
    const queued = postJson(`${gw.url}/v1/chat/completions`, chat('fast'), {
      'x-smg-priority': 'bulk',
    });
    await eventually(async () => {
      const m = await (await fetch(`${gw.metricsUrl}/metrics`)).text();
      return /smg_scheduler_queue_depth\{class="bulk"\} 1/.test(m);
    }, 5000);
    const full = await postJson(`${gw.url}/v1/chat/completions`, chat('fast'), {
      'x-smg-priority': 'bulk',
    });
    assert.equal(full.status, 429);
    assert.equal(full.headers.get('x-smg-error-code'), 'scheduler_queue_full');
    assert.equal(
      ((await full.json()) as ErrorBody).error.message,
      'request queue is full for this priority class',
    );
    const timedOut = await queued;
    assert.equal(timedOut.status, 408);
    assert.deepEqual(await timedOut.json(), {
      error: {
        type: 'Request Timeout',
        code: 'scheduler_queue_timeout',
        message: 'timed out waiting for an admission slot',
        param: null,
      },
    });
    // default cannot preempt: the holder is still running; end it by preempting it
    const sys = await postJson(`${gw.url}/v1/chat/completions`, chat('fast'), {
      'x-smg-priority': 'interactive',
    });
    assert.equal(sys.status, 200);
    assert.equal((await holder).status, 503);
  });

  test('an unknown class runs as default, and a tenant is clamped to its maximum', async () => {
    for (const priority of ['urgent', 'system']) {
      const r = await postJson(`${gw.url}/v1/chat/completions`, chat('fast'), {
        'x-smg-priority': priority,
      });
      assert.equal(r.status, 200);
    }
    const metrics = await (await fetch(`${gw.metricsUrl}/metrics`)).text();
    assert.match(metrics, /smg_scheduler_unknown_priority_value_total\{tenant="ip:127.0.0.1"\} 1/);
    assert.match(
      metrics,
      /smg_scheduler_clamp_total\{tenant="ip:127.0.0.1",requested_class="system",effective_class="interactive"\} 1/,
    );
  });
});

test("reservations larger than the capacity: SMG's fallback to the legacy limiter", async () => {
  const engine = await startMockEngine({ host: '127.0.0.1', port: 0 });
  // SMG's defaults reserve 32 + 128 + 1 slots: more than 4
  const gw = await startTestGateway([
    ...['--worker-urls', engine.url, '--max-concurrent-requests', '4'],
    ...['--rate-limit-tokens-per-second', '0', '--priority-scheduler-enabled'],
  ]);
  try {
    const r = await postJson(`${gw.url}/v1/chat/completions`, chat('mock-model'), {
      'x-smg-priority': 'bulk',
    });
    assert.equal(r.status, 200);
    const metrics = await (await fetch(`${gw.metricsUrl}/metrics`)).text();
    assert.match(metrics, /smg_http_rate_limit_total\{result="allowed"\} 1/);
    assert.doesNotMatch(metrics, /smg_scheduler_admit_total/);
  } finally {
    await closeAll(gw, engine);
  }
});
