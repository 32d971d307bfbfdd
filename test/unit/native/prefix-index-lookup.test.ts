/** The routing hot path of the native prefix index: lookupText, insertLast, takePending. */
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { loadNative } from '../../../src/native';
import { createPrefixIndex, routingHashes } from '../../../src/routing/prefix-index';

const native = loadNative();
const BS = 4;

void describe('prefix index: lookupText / insertLast', () => {
  void test('lookupText = match(routingHashes(text)); insertLast records and queues those blocks', () => {
    const idx = createPrefixIndex({ blockSize: BS });
    const text = 'héllo, a routing text — with some UTF-8 in it. '.repeat(6);
    const hashes = routingHashes(text, BS);
    idx.insert('m', 'w0', hashes.subarray(0, 3));
    assert.deepEqual(idx.lookupText('m', text), idx.match('m', hashes));
    assert.equal(idx.lookupText('m', text).totalBlocks, hashes.length);
    assert.equal(idx.insertLast('m', 'w1', true), hashes.length);
    assert.deepEqual(idx.match('m', hashes).best, [
      { workerId: 'w1', blocks: hashes.length },
      { workerId: 'w0', blocks: 3 },
    ]);
    // match() also leaves its hashes for insertLast; publish=false queues nothing
    idx.match('m', hashes.subarray(0, 2));
    assert.equal(idx.insertLast('m', 'w2', false), 2);
    assert.deepEqual(
      idx.takePending(),
      Buffer.from(hashes.buffer, hashes.byteOffset, hashes.byteLength),
    );
    assert.equal(idx.takePending().length, 0);
    // many holders: the scratch grows, and a limit caps the result
    for (let w = 3; w < 80; w++) {
      idx.lookupText('m', text);
      idx.insertLast('m', `w${w}`, false);
    }
    assert.equal(idx.lookupText('m', text).best.length, 80);
    assert.equal(idx.lookupText('m', text, 5).best.length, 5);
    assert.deepEqual(idx.lookupText('m', 'short').best, []); // no whole block
  });

  void test('lookupText/insertLast argument errors', () => {
    const raw = new native.PrefixIndex();
    const out = new Uint32Array(8);
    assert.throws(() => raw.lookupText('m', 'text', out), /configureText\(\) first/);
    assert.throws(() => raw.configureText(0, 1n), /blockSize must be an integer/);
    assert.throws(() => raw.configureText(4, 1 as unknown as bigint), /seed must be a bigint/);
    raw.configureText(4, 1n);
    assert.throws(() => raw.lookupText('m', 5 as unknown as string, out), TypeError);
    assert.throws(() => raw.lookupText('m', 'text', out, 0), /limit must be an integer >= 1/);
    assert.equal(raw.lookupText('m', 'x'.repeat(40), out), 0);
    assert.deepEqual([out[0], out[1]], [2, 0]); // 40 bytes = 2 blocks of 16, nobody holds them
    assert.throws(
      () => raw.insertLast('m', 0, 1, 'yes' as unknown as boolean),
      /publish must be a boolean/,
    );
    assert.throws(() => raw.insertLast('m', -1, 1, true), /worker must be an integer/);
    assert.equal(raw.insertLast('m', 0, 1, true), 2);
    assert.equal(raw.takePending().length, 16);
  });
});
