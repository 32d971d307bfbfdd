import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mergeEngineMetrics } from '../../src/routes/engine-metrics';

test('merges families across engines and adds worker_addr', () => {
  const a =
    '# HELP sglang:token_usage KV usage\n# TYPE sglang:token_usage gauge\nsglang:token_usage{model_name="m"} 0.5\n';
  const b =
    '# HELP sglang:token_usage KV usage\n# TYPE sglang:token_usage gauge\nsglang:token_usage{model_name="m"} 0.25\nreqs_total 7\n';
  const out = mergeEngineMetrics([
    { url: 'http://127.0.0.1:1', text: a },
    { url: 'http://127.0.0.1:2', text: b },
  ]);
  const lines = out.trim().split('\n');
  assert.equal(lines.filter((l) => l.startsWith('# TYPE sglang_token_usage')).length, 1);
  assert.ok(
    lines.includes('sglang_token_usage{worker_addr="http://127.0.0.1:1",model_name="m"} 0.5'),
  );
  assert.ok(
    lines.includes('sglang_token_usage{worker_addr="http://127.0.0.1:2",model_name="m"} 0.25'),
  );
  assert.ok(lines.includes('reqs_total{worker_addr="http://127.0.0.1:2"} 7'));
  // the family block is contiguous: HELP, TYPE, then both samples
  const i = lines.indexOf('# HELP sglang_token_usage KV usage');
  assert.ok(
    lines[i + 2]?.startsWith('sglang_token_usage{') &&
      lines[i + 3]?.startsWith('sglang_token_usage{'),
  );
});

test('every ":" of an engine text becomes "_" as in SMG; worker_addr keeps its URL', () => {
  const text =
    '# HELP sglang:token_usage KV usage (ratio: 0..1)\n' +
    '# TYPE sglang:token_usage gauge\n' +
    'sglang:token_usage{model_name="org:model:v1",endpoint="http://10.0.0.5:8000"} 0.5\n';
  const out = mergeEngineMetrics([{ url: 'http://127.0.0.1:30001', text }]);
  assert.equal(
    out,
    '# HELP sglang_token_usage KV usage (ratio_ 0..1)\n' +
      '# TYPE sglang_token_usage gauge\n' +
      'sglang_token_usage{worker_addr="http://127.0.0.1:30001",model_name="org_model_v1",' +
      'endpoint="http_//10.0.0.5_8000"} 0.5\n',
  );
});
