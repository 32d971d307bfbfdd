import { test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { freshPost, startCliGateway } from '../helpers/processes';
import { startMockEngine } from '../../src/mock-engine';

const YAML = `
classes:
  bulk: { reserved_floor: 0, queue_size: 16, queue_timeout_secs: 20, starvation_threshold_secs: 300, can_preempt: false }
  default: { reserved_floor: 0, queue_size: 16, queue_timeout_secs: 20, starvation_threshold_secs: 300, can_preempt: false }
  interactive: { reserved_floor: 0, queue_size: 16, queue_timeout_secs: 20, starvation_threshold_secs: 300, can_preempt: true }
  system: { reserved_floor: 0, queue_size: 16, queue_timeout_secs: 20, starvation_threshold_secs: 300, can_preempt: true }
`;

/**
 * Without Redis the scheduler is the instance's (in the primary): two ingress processes
 * share its capacity of 2, and a request in one process preempts a bulk request held by
 * another (the preemption request reaches that process through its long poll).
 */
test('--workers 2: one scheduler for the instance; preemption across processes', async () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'collie-prio-procs-'));
  const file = path.join(dir, 'scheduler.yaml');
  fs.writeFileSync(file, YAML);
  const [paced, held] = await Promise.all([
    startMockEngine({ host: '127.0.0.1', port: 0, model: 'paced', tokenDelayMs: 60 }),
    startMockEngine({ host: '127.0.0.1', port: 0, model: 'held', tokenDelayMs: 3000 }),
  ]);
  const gateway = await startCliGateway([
    ...['--workers', '2', '--worker-urls', paced.url, held.url, '--max-concurrent-requests', '2'],
    ...['--priority-scheduler-enabled', '--priority-scheduler-config', file],
    ...['--priority-scheduler-default-max-class', 'system', '--shutdown-grace-period-secs', '1'],
  ]);
  const chat = (model: string) => ({
    model,
    max_tokens: 8,
    messages: [{ role: 'user', content: 'x' }],
  });
  const url = `${gateway.url}/v1/chat/completions`;
  try {
    let peak = 0;
    const watch = setInterval(() => (peak = Math.max(peak, paced.stats().running)), 5);
    const statuses = await Promise.all(
      Array.from({ length: 8 }, async () => (await freshPost(url, chat('paced'))).status),
    );
    clearInterval(watch);
    assert.deepEqual(statuses, Array(8).fill(200));
    assert.equal(peak, 2, `engine ran ${peak} requests at once with a capacity of 2`);

    const bulk = [0, 1].map(() => freshPost(url, chat('held'), { 'x-smg-priority': 'bulk' }));
    while (held.stats().running < 2) await new Promise((r) => setTimeout(r, 20));
    const urgent = await Promise.all(
      [0, 1].map(() => freshPost(url, chat('paced'), { 'x-smg-priority': 'interactive' })),
    );
    assert.deepEqual(
      urgent.map((r) => r.status),
      [200, 200],
    );
    const preempted = await Promise.all(bulk);
    assert.deepEqual(
      preempted.map((r) => [r.status, r.header('x-smg-error-code'), r.header('x-smg-preempted')]),
      [
        [503, 'scheduler_preempted', 'true'],
        [503, 'scheduler_preempted', 'true'],
      ],
    );
  } finally {
    await gateway.proc.stop();
    await Promise.all([paced.close(), held.close()]);
    fs.rmSync(dir, { recursive: true, force: true });
  }
});
