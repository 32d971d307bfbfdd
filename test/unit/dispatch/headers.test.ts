import { test } from 'node:test';
import assert from 'node:assert/strict';
import { headerName, responseHeaders } from '../../../src/dispatch/headers';

/** undici's raw list: name, value, name, value… as Buffers. */
const raw = (...pairs: Array<[string, string]>): Buffer[] =>
  pairs.flatMap(([k, v]) => [Buffer.from(k, 'latin1'), Buffer.from(v, 'utf8')]);

test('names are lower-cased, hop-by-hop and recomputed ones dropped, values decoded as UTF-8', () => {
  const list = raw(
    ['Content-Type', 'application/json'],
    ['Content-Length', '12'],
    ['Date', 'Mon'],
    ['X-Engine', 'café'],
    ['Transfer-Encoding', 'chunked'],
    ['X-Request-Id', 'upstream'],
    ['uWebSockets', '20'],
  );
  const want = [
    ['content-type', 'application/json'],
    ['x-engine', 'café'],
  ];
  // the first call learns the names; the second is answered from what it learned
  assert.deepEqual(responseHeaders(list), want);
  assert.deepEqual(responseHeaders(list), want);
  assert.deepEqual(responseHeaders(list, true), [['x-engine', 'café']]);
});

test('a remembered name is matched by its exact bytes: another spelling or length is its own', () => {
  const a = headerName(Buffer.from('X-Trace-Me'));
  const b = headerName(Buffer.from('x-trace-me'));
  const c = headerName(Buffer.from('X-Trace-Mf'));
  assert.equal(a.name, 'x-trace-me');
  assert.equal(b.name, 'x-trace-me');
  assert.equal(c.name, 'x-trace-mf');
  assert.equal(headerName(Buffer.from('X-Trace-Me')), a);
  assert.equal(headerName(Buffer.from('CONNECTION')).drop, true);
  assert.equal(headerName(Buffer.from('X-Trace-M')).name, 'x-trace-m');
});

test('the learned names are a copy: a later change to undici’s buffer changes nothing', () => {
  const chunk = Buffer.from('X-Mutable-Name');
  const first = headerName(chunk);
  chunk.write('X-Changed-Name');
  assert.equal(headerName(Buffer.from('X-Mutable-Name')), first);
  assert.equal(headerName(chunk).name, 'x-changed-name');
});

test('past the bound, names are still answered right (just not remembered)', () => {
  for (let i = 0; i < 200; i++) {
    const n = `X-Many-${String(i).padStart(3, '0')}`;
    assert.equal(headerName(Buffer.from(n)).name, n.toLowerCase());
  }
  assert.equal(headerName(Buffer.from('Keep-Alive')).drop, true);
  const long = `X-${'L'.repeat(100)}`;
  assert.equal(headerName(Buffer.from(long)).name, long.toLowerCase());
  assert.deepEqual(responseHeaders(raw(['X-Many-199', 'v'], ['Upgrade', 'h2'])), [
    ['x-many-199', 'v'],
  ]);
});
