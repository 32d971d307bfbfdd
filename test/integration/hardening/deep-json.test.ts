import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { closeAll, startEngines, startTestGateway, type TestGateway } from '../../helpers/gateway';
import type { MockEngine } from '../../../src/mock-engine';
import { jsonDepthExceeded, nestsDeeperThan } from '../../../src/routes/json-depth';

const DEPTH = 100_000;
const deep = '['.repeat(DEPTH) + ']'.repeat(DEPTH);

/** Every JSON route with an otherwise valid body and one 100,000-deep field. */
function cases(model: string): Array<[string, string]> {
  return [
    ['/workers', `{"url":"http://127.0.0.1:1","labels":${deep}}`],
    ['/v1/tokenizers', `{"name":"t","source":"x","extra":${deep}}`],
    ['/v1/chat/completions', `{"model":"${model}","messages":[{"role":"user","content":${deep}}]}`],
    ['/v1/completions', `{"model":"${model}","prompt":"hi","x":${deep}}`],
    ['/generate', `{"model":"${model}","text":"hi","x":${deep}}`],
    ['/v1/embeddings', `{"model":"${model}","input":"hi","x":${deep}}`],
    ['/v1/messages', `{"model":"${model}","max_tokens":5,"messages":[],"x":${deep}}`],
    ['/v1/responses', `{"model":"${model}","input":"hi","x":${deep}}`],
    ['/v1/rerank', `{"model":"${model}","query":"q","documents":["a"],"x":${deep}}`],
    ['/rerank', `{"model":"${model}","query":"q","documents":["a"],"x":${deep}}`],
    ['/v1/classify', `{"model":"${model}","input":"hi","x":${deep}}`],
    ['/v1/tokenize', `{"model":"${model}","prompt":"hi","x":${deep}}`],
    ['/v1/detokenize', `{"model":"${model}","tokens":[1],"x":${deep}}`],
    ['/v1/chat/completions', deep],
  ];
}

describe('deep JSON bodies (serde_json recursion limit 128)', () => {
  let engines: MockEngine[];
  let gw: TestGateway;
  before(async () => {
    engines = await startEngines(1);
    gw = await startTestGateway(['--worker-urls', engines[0]!.url, '--policy', 'round_robin']);
  });
  after(() => closeAll(gw, engines));

  test('every JSON route answers 400 in its own shape, never 5xx or 200', async () => {
    for (const [path, body] of cases('mock-model')) {
      const r = await fetch(gw.url + path, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body,
      });
      const text = await r.text();
      assert.equal(r.status, 400, `${path}: ${r.status} ${text.slice(0, 200)}`);
      assert.match(text, /recursion limit exceeded at line 1 column \d+/, path);
    }
  });

  test('128 levels pass the extractor, 129 do not', async () => {
    const at = (n: number): string =>
      `{"model":"mock-model","prompt":"hi","x":${'['.repeat(n - 1)}${']'.repeat(n - 1)}}`;
    const ok = await fetch(gw.url + '/v1/completions', {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: at(128),
    });
    await ok.text();
    assert.equal(ok.status, 200);
    const bad = await fetch(gw.url + '/v1/completions', {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: at(129),
    });
    const body = (await bad.json()) as { error: { message: string } };
    assert.equal(bad.status, 400);
    assert.equal(
      body.error.message,
      'JSON syntax error: recursion limit exceeded at line 1 column 168',
    );
  });
});

describe('jsonDepthExceeded', () => {
  test('brackets inside strings and escaped quotes do not count', () => {
    const s = JSON.stringify({ a: '[[[[{{{{\\"[[[', b: [[1]] });
    assert.equal(jsonDepthExceeded(Buffer.from(s), 3), undefined);
    assert.deepEqual(jsonDepthExceeded(Buffer.from(s), 2), {
      line: 1,
      column: s.indexOf('[[1') + 2,
    });
  });
  test('lines and columns count from the last newline', () => {
    assert.deepEqual(jsonDepthExceeded(Buffer.from('{\n "a": [['), 2), { line: 2, column: 8 });
  });
});

describe('nestsDeeperThan (the check on parsed bodies)', () => {
  /** A random JSON value whose nesting reaches about `depth`. */
  function randomValue(rng: () => number, depth: number): unknown {
    if (depth <= 0 || rng() < 0.1) return rng() < 0.5 ? 'x[{' : 1;
    const n = 1 + Math.floor(rng() * 3);
    const kids = Array.from({ length: n }, (_, i) =>
      randomValue(rng, i === 0 ? depth - 1 : Math.floor(rng() * depth)),
    );
    if (rng() < 0.5) return kids;
    return Object.fromEntries(kids.map((k, i) => [`k${i}`, k]));
  }

  test('agrees with the byte scan at every limit', () => {
    let seed = 7;
    const rng = (): number => (seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31;
    for (let i = 0; i < 300; i++) {
      const v = { root: randomValue(rng, Math.floor(rng() * 12)) };
      const bytes = Buffer.from(JSON.stringify(v));
      for (let limit = 1; limit <= 12; limit++) {
        assert.equal(
          nestsDeeperThan(v, limit),
          jsonDepthExceeded(bytes, limit) !== undefined,
          `${bytes.toString()} at limit ${limit}`,
        );
      }
    }
  });

  test('scalars and empty containers', () => {
    assert.equal(nestsDeeperThan(5, 0), false);
    assert.equal(nestsDeeperThan({}, 0), true);
    assert.equal(nestsDeeperThan({}, 1), false);
    assert.equal(nestsDeeperThan([[]], 1), true);
    assert.equal(nestsDeeperThan([[]], 2), false);
  });
});
