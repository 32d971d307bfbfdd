import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { Worker } from '../../../src/core/worker';
import { connectable, kvEndpointsOf, offsetPort } from '../../../src/kv-events/endpoints';

const worker = (labels: Record<string, string>, url = 'http://10.0.0.5:8000'): Worker =>
  ({ id: 'w', url, modelId: 'm', labels }) as unknown as Worker;
const none = { topic: '' };

void test('labels first, then SGLang kv_events_config, then the templates; wildcards become the host', () => {
  assert.deepEqual(
    kvEndpointsOf(
      worker({
        kv_events_endpoint: 'tcp://*:5557',
        kv_events_replay_endpoint: 'tcp://0.0.0.0:5558',
        dp_size: '2',
      }),
      none,
    ),
    { endpoint: 'tcp://10.0.0.5:5557', replayEndpoint: 'tcp://10.0.0.5:5558', topic: '', ranks: 2 },
  );
  const cfg = JSON.stringify({ publisher: 'zmq', endpoint: 'tcp://*:6000', topic: 'kv' });
  assert.deepEqual(kvEndpointsOf(worker({ kv_events_config: cfg }), none), {
    endpoint: 'tcp://10.0.0.5:6000',
    replayEndpoint: undefined,
    topic: 'kv',
    ranks: 1,
  });
  const t = { endpoint: 'tcp://{host}:5557', replayEndpoint: 'tcp://{host}:5558', topic: '' };
  assert.equal(kvEndpointsOf(worker({}), t)?.replayEndpoint, 'tcp://10.0.0.5:5558');
  assert.equal(kvEndpointsOf(worker({}), none), undefined);
  assert.equal(kvEndpointsOf(worker({ kv_events_config: '{not json' }), none), undefined);
  assert.equal(kvEndpointsOf(worker({ kv_events_endpoint: 'udp://x' }), none), undefined);
  assert.equal(
    kvEndpointsOf(worker({ kv_events_endpoint: 'tcp://*:1', dp_size: '9999' }), none)?.ranks,
    1,
  );
});

void test('DP rank ports and hosts', () => {
  assert.equal(offsetPort('tcp://h:5557', 3), 'tcp://h:5560');
  assert.equal(offsetPort('tcp://h:5557', 0), 'tcp://h:5557');
  assert.equal(connectable('tcp://[::]:1', 'http://[::1]:80'), 'tcp://[::1]:1');
  assert.equal(connectable('tcp://x:1', 'not a url'), undefined);
});
