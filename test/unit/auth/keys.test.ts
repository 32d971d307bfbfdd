import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { bearerToken, isVisibleAscii, KeyRing, sha256 } from '../../../src/auth/keys';
import { hdrs } from './helpers';

describe('bearerToken', () => {
  test('only the exact, case-sensitive "Bearer " prefix counts', () => {
    assert.equal(bearerToken(hdrs({ authorization: 'Bearer abc' })), 'abc');
    assert.equal(bearerToken(hdrs({ authorization: 'Bearer  abc' })), ' abc');
    assert.equal(bearerToken(hdrs({ authorization: 'Bearer ' })), '');
    for (const v of ['bearer abc', 'BEARER abc', 'Bearer', 'Basic abc', 'Bearerabc', 'abc']) {
      assert.equal(bearerToken(hdrs({ authorization: v })), undefined, v);
    }
  });

  test('x-api-key is never read', () => {
    assert.equal(bearerToken(hdrs({ 'x-api-key': 'abc' })), undefined);
  });
});

test('isVisibleAscii accepts HTAB and 0x20-0x7e only', () => {
  assert.ok(isVisibleAscii('abc DEF\t~!'));
  assert.ok(!isVisibleAscii('caf\u00e9'));
  assert.ok(!isVisibleAscii('a\u0000b'));
  assert.ok(!isVisibleAscii('a\u007fb'));
});

test('sha256 hashes the UTF-8 bytes', () => {
  const expected = createHash('sha256').update(Buffer.from('clé', 'utf8')).digest('hex');
  assert.equal(sha256('clé').toString('hex'), expected);
});

describe('KeyRing', () => {
  test('finds the value for a key and nothing for others', () => {
    const ring = new KeyRing(
      [
        ['k1', 'one'],
        ['k2', 'two'],
      ],
      'last',
    );
    assert.equal(ring.size, 2);
    assert.equal(ring.lookup('k1'), 'one');
    assert.equal(ring.lookup('k2'), 'two');
    assert.equal(ring.lookup('k3'), undefined);
    assert.equal(ring.lookup(''), undefined);
  });

  test('duplicate keys: last wins (data plane) or first wins (control-plane keys)', () => {
    const entries = [
      ['same', 'a'],
      ['same', 'b'],
    ] as const;
    assert.equal(new KeyRing(entries, 'last').lookup('same'), 'b');
    assert.equal(new KeyRing(entries, 'first').lookup('same'), 'a');
    assert.equal(new KeyRing(entries, 'first').size, 1);
  });

  test('an empty ring matches nothing', () => {
    assert.equal(new KeyRing<string>([], 'last').lookup('x'), undefined);
  });
});
