import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  charCount,
  checkDetokenizeBody,
  checkTokenizeBody,
  TOKENIZE_LIMITS,
  TooLarge,
} from '../../../src/routes/tokenize-body';
import { GatewayError } from '../../../src/errors/gateway-error';

const raw = (o: unknown): Buffer => Buffer.from(typeof o === 'string' ? o : JSON.stringify(o));

function rejects(fn: () => unknown, status: number, re: RegExp): void {
  assert.throws(fn, (err: unknown) => {
    assert.ok(err instanceof GatewayError, String(err));
    assert.equal(err.status, status);
    assert.match(err.message, re);
    return true;
  });
}

test('tokenize bodies', () => {
  assert.deepEqual(checkTokenizeBody({ model: 'm', prompt: 'hi' }, raw('')), {
    model: 'm',
    prompt: 'hi',
  });
  assert.deepEqual(checkTokenizeBody({ model: 'm', prompt: ['a', ''] }, raw('')), {
    model: 'm',
    prompt: ['a', ''],
  });
  rejects(
    () => checkTokenizeBody({ prompt: 'x' }, raw('')),
    422,
    /^Failed to deserialize the JSON body into the target type: missing field `model`$/,
  );
  rejects(() => checkTokenizeBody({ model: 'm' }, raw('')), 422, /missing field `prompt`/);
  rejects(
    () => checkTokenizeBody({ model: 7, prompt: 'x' }, raw('')),
    422,
    /model: invalid type: integer `7`, expected a string/,
  );
  for (const p of [1, null, { a: 1 }, ['a', 2], [['a']], true]) {
    rejects(
      () => checkTokenizeBody({ model: 'm', prompt: p }, raw('')),
      422,
      /prompt: data did not match any variant of untagged enum StringOrArray/,
    );
  }
});

test('lone surrogates are refused like serde_json (400 with the position)', () => {
  const body = '{"model":"m","prompt":"ab\\ud800cd"}';
  const parsed = JSON.parse(body) as { model: string; prompt: string };
  rejects(
    () => checkTokenizeBody(parsed, raw(body)),
    400,
    /^Failed to parse the request body as JSON: unexpected end of hex escape at line 1 column 32$/,
  );
  const trailing = '{"model":"m",\n"prompt":["ok", "\\udc00"]}';
  rejects(
    () => checkTokenizeBody(JSON.parse(trailing) as never, raw(trailing)),
    400,
    /lone leading surrogate in hex escape at line 2 column 23$/,
  );
  const mixed = '{"model":"m","prompt":"\\ud800\\u0041"}';
  rejects(
    () => checkTokenizeBody(JSON.parse(mixed) as never, raw(mixed)),
    400,
    /lone leading surrogate in hex escape at line 1 column 35$/,
  );
  const pair = '{"model":"m","prompt":"\\\\ud800 \\ud83d\\ude00"}';
  assert.deepEqual(checkTokenizeBody(JSON.parse(pair) as never, raw(pair)).prompt, '\\ud800 😀');
});

test('limits: too many prompts or characters → TooLarge', () => {
  assert.throws(
    () =>
      checkTokenizeBody(
        { model: 'm', prompt: new Array<string>(TOKENIZE_LIMITS.maxPrompts + 1).fill('') },
        raw(''),
      ),
    (e: unknown) => e instanceof TooLarge && /Too many prompts: 65537/.test(e.message),
  );
  const long = 'x'.repeat(TOKENIZE_LIMITS.maxChars / 2 + 1);
  assert.throws(() => checkTokenizeBody({ model: 'm', prompt: [long, long] }, raw('')), TooLarge);
});

test('detokenize bodies: single, batch, skip_special_tokens default true', () => {
  const one = checkDetokenizeBody({ model: 'm', tokens: [1, 2, 4294967295] });
  assert.deepEqual(
    [Array.from(one.tokens as Uint32Array), one.batch, one.skipSpecialTokens],
    [[1, 2, 4294967295], false, true],
  );
  const many = checkDetokenizeBody({ model: 'm', tokens: [[1], []], skip_special_tokens: false });
  assert.deepEqual(
    [(many.tokens as Uint32Array[]).map((a) => Array.from(a)), many.batch, many.skipSpecialTokens],
    [[[1], []], true, false],
  );
  assert.deepEqual(
    Array.from(checkDetokenizeBody({ model: 'm', tokens: [] }).tokens as Uint32Array),
    [],
  );
});

test('detokenize: bad ids are 422 naming the position', () => {
  const cases: Array<[unknown, RegExp]> = [
    [[-1], /tokens\[0\]: invalid value: integer `-1`, expected u32/],
    [[1, 1.5], /tokens\[1\]: invalid type: floating point `1\.5`, expected u32/],
    [[4294967296], /invalid value: integer `4294967296`, expected u32/],
    [['1'], /tokens\[0\]: invalid type: string "1", expected u32/],
    [[[1], 2], /tokens\[1\]: invalid type: integer `2`, expected a sequence of u32/],
    [[[1], [-3]], /tokens\[1\]\[0\]: invalid value: integer `-3`/],
    ['x', /tokens: invalid type: string "x", expected a sequence of u32/],
  ];
  for (const [tokens, re] of cases)
    rejects(() => checkDetokenizeBody({ model: 'm', tokens }), 422, re);
  rejects(() => checkDetokenizeBody({ tokens: [1] }), 422, /missing field `model`/);
  rejects(() => checkDetokenizeBody({ model: 'm' }), 422, /missing field `tokens`/);
  rejects(
    () => checkDetokenizeBody({ model: 'm', tokens: [1], skip_special_tokens: 'yes' }),
    422,
    /skip_special_tokens: invalid type/,
  );
});

test('charCount counts scalar values', () => {
  assert.equal(charCount('Hello world'), 11);
  assert.equal(charCount('😀é'), 2);
  assert.equal(charCount('\uD800x\uDC00'), 3);
  assert.equal(charCount(''), 0);
});
