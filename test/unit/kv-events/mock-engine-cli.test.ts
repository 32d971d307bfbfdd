import assert from 'node:assert/strict';
import { test } from 'node:test';
import { parseMockEngineArgs } from '../../../src/mock-engine/cli';

void test('mock-engine --kv-events, --kv-events-format, --replay-port', () => {
  const { options } = parseMockEngineArgs([
    '--kv-events',
    'tcp://127.0.0.1:5557',
    '--kv-events-format',
    'array',
    '--replay-port',
    '5657',
  ]);
  assert.deepEqual(options.kvEvents, {
    endpoint: 'tcp://127.0.0.1:5557',
    format: 'array',
    replayEndpoint: 'tcp://127.0.0.1:5657',
  });
  assert.equal(
    parseMockEngineArgs(['--kv-events', 'tcp://127.0.0.1:5557']).options.kvEvents?.format,
    'map',
  );
  assert.throws(
    () => parseMockEngineArgs(['--kv-events', 'tcp://h:1', '--kv-events-format', 'json']),
    /array\|map/,
  );
  assert.throws(() => parseMockEngineArgs(['--replay-port', '5']), /need --kv-events/);
  assert.throws(() => parseMockEngineArgs(['--kv-events', 'http://h:1']), /tcp:\/\/host:port/);
});
