import { test } from 'node:test';
import assert from 'node:assert/strict';
import { GatewayError, errorReply, sseErrorEvent } from '../../src/errors/gateway-error';

test('router errors use the reason phrase as type and set X-SMG-Error-Code', () => {
  const r = errorReply(new GatewayError('no_available_workers', 'All workers are unavailable'));
  assert.equal(r.status, 503);
  assert.deepEqual(JSON.parse(r.body), {
    error: {
      type: 'Service Unavailable',
      code: 'no_available_workers',
      message: 'All workers are unavailable',
      param: null,
    },
  });
  assert.ok(r.headers.some(([k, v]) => k === 'x-smg-error-code' && v === 'no_available_workers'));
});

test('validated-JSON errors: json_parse_error string code; semantic errors: numeric 400', () => {
  const a = errorReply(new GatewayError('json_parse_error', 'JSON syntax error: x'));
  assert.deepEqual(JSON.parse(a.body), {
    error: {
      message: 'JSON syntax error: x',
      type: 'invalid_request_error',
      code: 'json_parse_error',
    },
  });
  const b = errorReply(new GatewayError('validation_error', 'messages cannot be empty'));
  assert.equal(b.status, 400);
  assert.equal((JSON.parse(b.body) as { error: { code: unknown } }).error.code, 400);
});

test('axum-style rejections are plain text with their status', () => {
  const r = errorReply(new GatewayError('json_data_error', 'Failed to deserialize'));
  assert.equal(r.status, 422);
  assert.equal(r.body, 'Failed to deserialize');
  assert.ok(r.headers.some(([k, v]) => k === 'content-type' && v.startsWith('text/plain')));
  assert.equal(errorReply(new GatewayError('unsupported_media_type', 'x')).status, 415);
  assert.equal(errorReply(new GatewayError('payload_too_large', 'x')).status, 413);
});

test('unknown errors become a generic 500 without leaking the message', () => {
  const r = errorReply(new Error('secret internal detail'));
  assert.equal(r.status, 500);
  assert.doesNotMatch(r.body, /secret/);
});

test('405 carries Allow and an empty body', () => {
  const r = errorReply(
    new GatewayError('method_not_allowed', '', { headers: [['allow', 'POST']] }),
  );
  assert.equal(r.status, 405);
  assert.equal(r.body, '');
  assert.deepEqual(r.headers, [['allow', 'POST']]);
});

test('SSE error event is a named event with the router envelope', () => {
  const ev = sseErrorEvent(new GatewayError('call_upstream_body_error', 'dropped'));
  assert.match(ev, /^event: error\ndata: \{.*\}\n\n$/);
  const data = JSON.parse(ev.split('data: ')[1] as string) as { error: { code: string } };
  assert.equal(data.error.code, 'call_upstream_body_error');
});
