import { test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { loadNative } from '../../../src/native';
import { nativeErrorCode } from '../../../src/native/errors';
import {
  tokenizerErrorCode,
  tokenizerGatewayError,
  tokenizerLoadGatewayError,
  withCode,
} from '../../../src/tokenizer/errors';
import { fromPoolFailure, toPoolFailure } from '../../../src/tokenizer/pool-messages';
import { TokenizerSourceError } from '../../../src/tokenizer/source-errors';
import { loadTokenizer } from '../../../src/tokenizer/load';
import { createTokenizerPool } from '../../../src/tokenizer/pool';
import { writeTinyTiktoken } from '../tokenizer/native-fixtures';

test('the addon codes its argument errors at the N-API boundary (guard.h)', () => {
  const addon = loadNative();
  const cases: Array<() => unknown> = [
    () => addon.tokenizerEncode(0xfffffff, 'x', false), // unknown handle
    () => addon.tokenizerLoad(''),
    () => addon.tokenizerDecode(0xfffffff, new Uint32Array(1), true),
    () => new addon.PrefixIndex().insert('m', 1, [] as unknown as BigUint64Array, 0),
  ];
  for (const call of cases) {
    assert.throws(call, (err: unknown) => {
      assert.ok(err instanceof TypeError);
      assert.equal(nativeErrorCode(err), 'invalid_argument');
      return true;
    });
  }
});

test('nativeErrorCode ignores errors that are not the addon’s', () => {
  assert.equal(nativeErrorCode(new Error('x')), undefined);
  assert.equal(nativeErrorCode(Object.assign(new Error('x'), { code: 'ENOENT' })), undefined);
  assert.equal(nativeErrorCode({ code: 'invalid_argument' }), undefined);
});

test('withCode keeps the class and never overrides the addon’s code', () => {
  const r = withCode(new RangeError('id'), 'invalid_token_ids');
  assert.ok(r instanceof RangeError);
  assert.equal(tokenizerErrorCode(r), 'invalid_token_ids');
  const native = Object.assign(new TypeError('handle'), { code: 'invalid_argument' });
  assert.equal(withCode(native, 'tokenizer_load_failed').code, 'invalid_argument');
});

test('library codes map to the tokenizer routes’ rows', () => {
  const cases = [
    ['tokenize', 'native_failure', 'tokenize_failed', 500, 'Tokenization failed: boom'],
    ['detokenize', 'native_failure', 'detokenize_failed', 500, 'Detokenization failed: boom'],
    ['tokenize', 'tokenizer_closed', 'tokenize_failed', 500, 'Tokenization failed: boom'],
    ['detokenize', 'invalid_token_ids', 'invalid_token_ids', 400, 'boom'],
  ] as const;
  for (const [op, code, row, status, message] of cases) {
    const e = tokenizerGatewayError(op, Object.assign(new Error('boom'), { code }));
    assert.ok(e, `${op}/${code}`);
    assert.equal(e.code, row);
    assert.equal(e.status, status);
    assert.equal(e.message, message);
  }
  // bugs are not the client's business: the caller rethrows them (logged 500 internal_error)
  const bug = Object.assign(new TypeError('texts must be an array'), { code: 'invalid_argument' });
  assert.equal(tokenizerGatewayError('tokenize', bug), undefined);
  assert.equal(tokenizerGatewayError('tokenize', new Error('uncoded')), undefined);
});

test('a load failure answers the route’s failure code without the detail', () => {
  const source = new TokenizerSourceError('not_found', "'/secret/path' does not exist");
  const coded = withCode(new Error('/secret/tokenizer.json: parse error'), 'tokenizer_load_failed');
  for (const err of [source, coded]) {
    const e = tokenizerLoadGatewayError('detokenize', 'llama', err);
    assert.ok(e);
    assert.equal(e.code, 'detokenize_failed');
    assert.equal(e.message, "Tokenizer for model 'llama' could not be loaded");
    assert.equal(e.cause, err);
  }
  assert.equal(tokenizerLoadGatewayError('tokenize', 'llama', new Error('closed')), undefined);
});

test('loadTokenizer rejects a file the engine refuses with tokenizer_load_failed', async () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'collie-errors-'));
  try {
    const file = path.join(dir, 'tokenizer.json');
    fs.writeFileSync(file, '{"model": 3');
    await assert.rejects(loadTokenizer(file), (err: unknown) => {
      assert.equal(tokenizerErrorCode(err), 'tokenizer_load_failed');
      return true;
    });
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
});

test('a code survives the pool thread boundary (structured clone drops own properties)', () => {
  const err = Object.assign(new RangeError('id 9'), { code: 'invalid_token_ids' });
  const back = fromPoolFailure(structuredClone(toPoolFailure(err)));
  assert.ok(back instanceof RangeError);
  assert.equal(back.message, 'id 9');
  assert.equal(tokenizerErrorCode(back), 'invalid_token_ids');
  assert.equal(fromPoolFailure('not a failure'), 'not a failure');
});

test('pool tasks reject with the addon’s coded error, and ids are coded before the engine', async () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'collie-errors-'));
  const pool = createTokenizerPool({ threads: 1 });
  try {
    await assert.rejects(pool.encode(0xfffffff, 'x', false), (err: unknown) => {
      assert.ok(err instanceof TypeError);
      assert.equal(tokenizerErrorCode(err), 'invalid_argument');
      return true;
    });
    const tok = await loadTokenizer(writeTinyTiktoken(dir), { pool });
    try {
      assert.throws(
        () => tok.decode([tok.vocabSize]),
        (err: unknown) =>
          err instanceof RangeError && tokenizerErrorCode(err) === 'invalid_token_ids',
      );
      await tok.close();
      assert.throws(
        () => tok.encodeSync('a'),
        (err: unknown) => {
          return tokenizerErrorCode(err) === 'tokenizer_closed';
        },
      );
    } finally {
      await tok.close();
    }
  } finally {
    await pool.close();
    fs.rmSync(dir, { recursive: true, force: true });
  }
});
