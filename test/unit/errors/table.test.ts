import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  ERROR_CODES,
  ERROR_SHAPES,
  reasonPhrase,
  type ErrorCode,
  type ErrorRow,
  type FixedStatusCode,
  type FromErrorCode,
} from '../../../src/errors/codes';
import { GatewayError, errorReply, type Reply } from '../../../src/errors/gateway-error';

/** Needs escaping in JSON: proves the body is serialised, not concatenated. */
const MESSAGE = 'bad "thing"\nhere';
/** The status a 'from-error' row is given in these tests. */
const GIVEN_STATUS = 404;

const JSON_CT = ['content-type', 'application/json'] as const;
const TEXT_CT = ['content-type', 'text/plain; charset=utf-8'] as const;
const m = JSON.stringify(MESSAGE);

function make(code: ErrorCode, opts: { jobId?: string } = {}): GatewayError {
  const row: ErrorRow = ERROR_CODES[code];
  return row.status === 'from-error'
    ? new GatewayError(code as FromErrorCode, MESSAGE, { ...opts, status: GIVEN_STATUS })
    : new GatewayError(code as FixedStatusCode, MESSAGE, opts);
}

/**
 * The reply every shape must produce, written out byte for byte (SMG's envelopes, §1). A new
 * shape fails to compile here (the `never` check) until its expectation is written.
 */
function expected(code: ErrorCode, row: ErrorRow, status: number): Omit<Reply, 'status'> {
  switch (row.shape) {
    case 'router':
      return {
        headers: [JSON_CT, ['x-smg-error-code', code]],
        body: `{"error":{"type":"${reasonPhrase(status)}","code":"${code}","message":${m},"param":null}}`,
      };
    case 'validated':
      return {
        headers: [JSON_CT],
        body: `{"error":{"message":${m},"type":"invalid_request_error","code":"json_parse_error"}}`,
      };
    case 'semantic':
      return {
        headers: [JSON_CT],
        body: `{"error":{"message":${m},"type":"invalid_request_error","code":400}}`,
      };
    case 'text':
      return { headers: [TEXT_CT], body: MESSAGE };
    case 'auth':
      return {
        headers: [TEXT_CT, ['www-authenticate', 'Bearer realm="control-plane"']],
        body: MESSAGE,
      };
    case 'empty':
      return { headers: [], body: '' };
    case 'workers':
      return { headers: [JSON_CT], body: `{"error":${m},"code":"${row.wire}"}` };
    case 'tokenizer':
      return { headers: [JSON_CT], body: `{"error":{"message":${m},"type":"${row.wire}"}}` };
    case 'tokenizer_job':
      return { headers: [JSON_CT], body: `{"id":"","status":"failed","message":${m}}` };
    case 'tokenizer_removal':
      return { headers: [JSON_CT], body: `{"success":false,"message":${m}}` };
    case 'parser':
      return { headers: [JSON_CT], body: `{"error":${m},"success":false}` };
    case 'wasm_body':
    case 'ha':
      return { headers: [JSON_CT], body: `{"error":${m}}` };
    default: {
      const unhandled: never = row;
      throw new Error(`shape without an expectation: ${JSON.stringify(unhandled)}`);
    }
  }
}

const codes = Object.keys(ERROR_CODES) as ErrorCode[];

for (const code of codes) {
  test(`${code}: status, headers and body of its shape`, () => {
    const row: ErrorRow = ERROR_CODES[code];
    assert.ok(ERROR_SHAPES.includes(row.shape), `unknown shape ${row.shape}`);
    const status = row.status === 'from-error' ? GIVEN_STATUS : row.status;
    const r = errorReply(make(code));
    assert.equal(r.status, status);
    assert.deepEqual({ headers: r.headers, body: r.body }, expected(code, row, status));
  });
}

test('every code is snake_case and every status an HTTP error status', () => {
  for (const code of codes) {
    assert.match(code, /^[a-z][a-z0-9]*(_[a-z0-9]+)*$/, code);
    const row: ErrorRow = ERROR_CODES[code];
    if (row.status === 'from-error') continue;
    assert.ok(row.status >= 400 && row.status <= 599, code);
    assert.notEqual(reasonPhrase(row.status), 'Unknown', code);
  }
});

test('every shape has at least one row (and so is exercised above)', () => {
  const used = new Set(codes.map((c) => ERROR_CODES[c].shape));
  for (const shape of ERROR_SHAPES) assert.ok(used.has(shape), `no row uses shape ${shape}`);
});

test('workers rows carry SMG UPPER_SNAKE wire codes', () => {
  for (const code of codes) {
    const row: ErrorRow = ERROR_CODES[code];
    if (row.shape === 'workers') assert.match(row.wire, /^[A-Z]+(_[A-Z]+)*$/, code);
  }
});

test("'from-error' rows take the instance's status", () => {
  const e = new GatewayError('tokenizer_not_found', 'x', { status: 400 });
  assert.equal(e.status, 400);
  assert.equal(errorReply(e).status, 400);
  assert.equal(new GatewayError('tokenizer_not_found', 'x', { status: 404 }).status, 404);
});

test('a tokenizer_job reply names the job id it was given', () => {
  const r = errorReply(make('tokenizer_already_exists', { jobId: '0190-abc' }));
  assert.equal(r.body, `{"id":"0190-abc","status":"failed","message":${m}}`);
});

test('per-instance headers come first, then the shape headers; every reply is fresh', () => {
  const e = new GatewayError('model_not_found', 'x', { headers: [['retry-after', '1']] });
  const a = errorReply(e);
  assert.deepEqual(a.headers, [
    ['retry-after', '1'],
    ['content-type', 'application/json'],
    ['x-smg-error-code', 'model_not_found'],
  ]);
  a.headers.push(['x-request-id', 'r1']);
  assert.equal(errorReply(e).headers.length, 3);
});

test('anything not a GatewayError is a generic 500 internal_error', () => {
  for (const err of [new Error('secret /etc/path'), 'a string', undefined, { code: 'x' }]) {
    const r = errorReply(err);
    assert.equal(r.status, 500);
    assert.equal(
      r.body,
      '{"error":{"type":"Internal Server Error","code":"internal_error","message":"Internal error","param":null}}',
    );
  }
});
