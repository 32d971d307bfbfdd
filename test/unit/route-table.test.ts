import { test } from 'node:test';
import assert from 'node:assert/strict';
import { RouteTable } from '../../src/server/route-table';
import { resolveRequestId } from '../../src/server/request-id';

const noop = (): void => undefined;

test('exact match, 404 for unknown paths, 405 with Allow, HEAD served by GET', () => {
  const t = new RouteTable()
    .add({ method: 'POST', path: '/generate', handler: noop })
    .add({ method: 'GET', path: '/health', handler: noop });
  assert.equal(t.lookup('POST', '/generate').kind, 'found');
  assert.deepEqual(t.lookup('POST', '/api/v2/generate'), { kind: 'not_found' });
  assert.deepEqual(t.lookup('GET', '/generate'), { kind: 'method_not_allowed', allow: 'POST' });
  assert.deepEqual(t.lookup('POST', '/health'), { kind: 'method_not_allowed', allow: 'GET,HEAD' });
  const head = t.lookup('HEAD', '/health');
  assert.ok(head.kind === 'found' && head.headOnly);
  assert.throws(() => t.add({ method: 'GET', path: '/health', handler: noop }), /duplicate/);
});

test('request id: first configured header wins, else a prefixed 24-char id', () => {
  const names = ['x-request-id', 'x-correlation-id'];
  assert.equal(
    resolveRequestId(
      new Map([
        ['x-correlation-id', 'c'],
        ['x-request-id', 'r'],
      ]),
      names,
      '/generate',
    ),
    'r',
  );
  assert.equal(resolveRequestId(new Map([['x-correlation-id', 'c']]), names, '/generate'), 'c');
  assert.match(resolveRequestId(new Map(), names, '/generate'), /^gnt-[A-Za-z0-9]{24}$/);
  assert.match(
    resolveRequestId(new Map(), names, '/v1/chat/completions'),
    /^chatcmpl-[A-Za-z0-9]{24}$/,
  );
  assert.match(resolveRequestId(new Map(), names, '/v1/completions'), /^cmpl-/);
  assert.match(resolveRequestId(new Map(), names, '/v1/messages'), /^msg_/);
  assert.match(resolveRequestId(new Map(), names, '/v1/responses'), /^resp-/);
  assert.match(resolveRequestId(new Map(), names, '/v1/embeddings'), /^req-/);
  assert.match(resolveRequestId(new Map([['x-request-id', '  ']]), names, '/x'), /^req-/);
});

test('the last exact hit is remembered per method and path, and forgotten by add()', () => {
  const chat = (): void => undefined;
  const t = new RouteTable()
    .add({ method: 'POST', path: '/v1/chat/completions', handler: chat })
    .add({ method: 'GET', path: '/v1/models', handler: noop });
  // fresh strings, as uWS hands them: equal content, not the same string
  const path = ['/v1/chat', '/completions'].join('');
  const first = t.lookup('POST', path);
  assert.ok(first.kind === 'found' && first.route.handler === chat);
  assert.equal(t.lookup('POST', '/v1/chat/completions'), first);
  // another method or path on the same table is looked up, not served from the memo
  assert.deepEqual(t.lookup('GET', path), { kind: 'method_not_allowed', allow: 'POST' });
  const models = t.lookup('GET', '/v1/models');
  assert.ok(models.kind === 'found' && models.route.path === '/v1/models');
  const head = t.lookup('HEAD', '/v1/models');
  assert.ok(head.kind === 'found' && head.headOnly);
  assert.ok(t.lookup('GET', '/v1/models').kind === 'found');
  assert.equal((t.lookup('GET', '/v1/models') as { headOnly: boolean }).headOnly, false);
  // a route added later is found, even for the path and method just remembered
  t.add({ method: 'GET', path: '/v1/chat/completions', handler: noop });
  assert.ok(t.lookup('POST', path).kind === 'found');
  const get = t.lookup('GET', path);
  assert.ok(get.kind === 'found' && get.route.method === 'GET');
});
