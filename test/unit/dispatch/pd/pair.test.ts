import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { selectPair } from '../../../../src/dispatch/pd/pair';
import type { Router, Selection } from '../../../../src/core/router';
import type { Worker } from '../../../../src/core/worker';
import { GatewayError } from '../../../../src/errors/gateway-error';
import { makeWorker, req } from '../../policies/fixtures';

/** A pool: picks the least-loaded available worker of the model key; records releases. */
function pool(workers: Worker[], models: string[] = ['m']) {
  const released: string[] = [];
  const asked: string[] = [];
  const router: Pick<Router, 'select' | 'modelIds'> = {
    modelIds: () => models,
    select(model, _info, opts = {}): Selection {
      asked.push(model);
      if (workers.length === 0)
        throw new GatewayError('model_not_found', `No worker available for model '${model}'`);
      const ok = workers.filter((w) => w.status === 'ready' && !opts.exclude?.has(w.id));
      const w = ok[0];
      if (!w) throw new GatewayError('no_available_workers', 'All workers are unavailable');
      return { worker: w, release: () => released.push(w.id) };
    },
  };
  return { router: router as Router, released, asked };
}

const info = req();

describe('PD pair selection', () => {
  test('one worker from each pool, each with its own pick', () => {
    const p = pool([makeWorker(0), makeWorker(1)]);
    const d = pool([makeWorker(2)]);
    const pair = selectPair({ prefill: p.router, decode: d.router }, 'm', info, {
      exclude: new Set(['w0']),
    });
    assert.equal(pair.prefill.worker.id, 'w1');
    assert.equal(pair.decode.worker.id, 'w2');
  });

  test('a model the pool does not serve searches the whole pool (SMG ignores the model)', () => {
    const p = pool([makeWorker(0)], ['other']);
    const d = pool([makeWorker(1)]);
    selectPair({ prefill: p.router, decode: d.router }, 'm', info, {});
    assert.deepEqual(p.asked, ['unknown']);
    assert.deepEqual(d.asked, ['m']);
  });

  test('an empty pool is 503 server_selection_failed naming the role', () => {
    const p = pool([]);
    const d = pool([makeWorker(1)]);
    assert.throws(
      () => selectPair({ prefill: p.router, decode: d.router }, 'm', info, {}),
      (e: unknown) =>
        e instanceof GatewayError &&
        e.code === 'server_selection_failed' &&
        e.status === 503 &&
        /No prefill workers available/.test(e.message),
    );
  });

  test('a decode pool with nobody available releases the prefill pick', () => {
    const p = pool([makeWorker(0)]);
    const d = pool([{ ...makeWorker(1), status: 'not_ready' }]);
    assert.throws(
      () => selectPair({ prefill: p.router, decode: d.router }, 'm', info, {}),
      /No available decode workers/,
    );
    assert.deepEqual(p.released, ['w0']);
  });
});
