import assert from 'node:assert/strict';
import { test } from 'node:test';
import { Packr } from 'msgpackr';
import {
  decodeBatch,
  decodeFrames,
  hashKey,
  KvDecodeError,
  MAX_BLOCK_SIZE,
  seqBytes,
  type BlockStoredEvent,
} from '../../../src/kv-events/decode';
import { encodeBatch, type WireEvent } from '../../../src/kv-events/encode';

const packr = new Packr({ useRecords: false });
const BIG = 0xfedcba9876543210n; // above 2^63: a uint64 on the wire
const stored = (
  hashes: bigint[] | Uint8Array[],
  parent: bigint | Uint8Array | null,
): WireEvent => ({
  type: 'BlockStored',
  block_hashes: hashes,
  parent_block_hash: parent,
  token_ids: Array.from({ length: hashes.length * 2 }, (_, i) => i + 1),
  block_size: 2,
});

void test('array and map batches decode to the same events, with int hashes', () => {
  const events: WireEvent[] = [
    stored([BIG, 7n], null),
    { type: 'BlockRemoved', block_hashes: [7n] },
    { type: 'AllBlocksCleared' },
  ];
  for (const format of ['array', 'map'] as const) {
    const b = decodeBatch(encodeBatch(events, { format, ts: 1700000000.5, dpRank: 2 }));
    assert.equal(b.ts, 1700000000.5, format);
    assert.equal(b.dpRank, 2, format);
    assert.deepEqual(b.skipped, [], format);
    assert.equal(b.events.length, 3);
    const s = b.events[0] as BlockStoredEvent;
    assert.equal(s.kind, 'stored');
    assert.deepEqual(s.hashes, [`i:${BIG}`, 'i:7']);
    assert.equal(s.parent, null);
    assert.deepEqual([...s.tokenIds], [1, 2, 3, 4]);
    assert.equal(s.blockSize, 2);
    assert.deepEqual(b.events[1], { kind: 'removed', hashes: ['i:7'], group: undefined });
    assert.deepEqual(b.events[2], { kind: 'cleared' });
  }
});

void test('bytes hashes (SHA-256 width) and a parent; signed ints normalise to uint64', () => {
  const h1 = new Uint8Array(32).fill(0xab);
  const h2 = new Uint8Array(32).fill(0xcd);
  const b = decodeBatch(encodeBatch([stored([h2], h1)], { format: 'map', ts: 1 }));
  const s = b.events[0] as BlockStoredEvent;
  assert.equal(s.parent, `b:${'ab'.repeat(32)}`);
  assert.deepEqual(s.hashes, [`b:${'cd'.repeat(32)}`]);
  assert.equal(hashKey(-1n), `i:${2n ** 64n - 1n}`);
  assert.equal(hashKey(5), 'i:5');
  assert.equal(hashKey(1n << 64n), undefined);
  assert.equal(hashKey(new Uint8Array(0)), undefined);
  assert.equal(hashKey(new Uint8Array(65)), undefined);
  assert.equal(hashKey('abc'), undefined);
});

void test('unknown fields and unknown event types are ignored; the batch survives', () => {
  const payload = packr.pack({
    ts: 3,
    future_field: { x: 1 },
    events: [
      {
        type: 'BlockStored',
        block_hashes: [1n],
        parent_block_hash: null,
        token_ids: [5, 6],
        block_size: 2,
        medium: 'GPU',
        lora_name: null,
        shiny_new: [1, 2, 3],
      },
      { type: 'BlockPinned', block_hashes: [1n] },
      ['SomethingElse', 1, 2],
    ],
  });
  const b = decodeBatch(payload);
  assert.equal(b.events.length, 1);
  assert.deepEqual([...b.skipped].sort(), ['unknown_type', 'unknown_type']);
});

void test('events collie cannot use are skipped and named', () => {
  const base = {
    type: 'BlockStored',
    block_hashes: [1n],
    parent_block_hash: null,
    token_ids: [5, 6],
    block_size: 2,
  };
  const cases: Array<[Record<string, unknown>, string]> = [
    [{ ...base, medium: 'CPU' }, 'medium'],
    [{ ...base, lora_name: 'adapter-a' }, 'lora'],
    [{ ...base, extra_keys: [['mm-hash']] }, 'extra_keys'],
    [{ ...base, group_idx: 1, kv_cache_spec_kind: 'sliding_window' }, 'group'],
    [{ ...base, kv_cache_spec_sliding_window: 4096 }, 'group'],
    [{ ...base, block_size: MAX_BLOCK_SIZE + 1, token_ids: [] }, 'bad_block_size'],
    [{ ...base, block_size: 0 }, 'bad_block_size'],
    [{ ...base, block_size: 1.5 }, 'bad_block_size'],
    [{ ...base, token_ids: [5] }, 'bad_tokens'],
    [{ ...base, token_ids: [5, -1] }, 'bad_tokens'],
    [{ ...base, token_ids: [5, 2 ** 32] }, 'bad_tokens'],
    [{ ...base, block_hashes: [new Uint8Array(100)] }, 'bad_hash'],
    [{ ...base, block_hashes: ['str'] }, 'bad_hash'],
    [{ ...base, parent_block_hash: 'x' }, 'bad_hash'],
    [{ ...base, block_hashes: [] }, 'malformed'],
    [{ ...base, block_hashes: 5 }, 'malformed'],
    [{ ...base, group_idx: -1 }, 'malformed'],
  ];
  for (const [ev, reason] of cases) {
    const b = decodeBatch(packr.pack({ ts: 1, events: [ev, 'not an event'] }));
    assert.deepEqual(b.events, [], reason);
    assert.deepEqual(
      b.skipped,
      [reason, 'malformed'],
      JSON.stringify(ev, (_k, v: unknown) => (typeof v === 'bigint' ? String(v) : v)),
    );
  }
  // a full-attention group is kept
  const ok = decodeBatch(
    packr.pack({
      ts: 1,
      events: [{ ...base, group_idx: 0, kv_cache_spec_kind: 'full_attention' }],
    }),
  );
  assert.equal((ok.events[0] as BlockStoredEvent).group, 0);
});

void test('garbage and truncated payloads throw KvDecodeError, never anything else', () => {
  const good = encodeBatch([stored([1n, 2n], null)], { format: 'array', ts: 1 });
  const bad = [
    Buffer.from('not msgpack at all \xff\xfe'),
    good.subarray(0, good.length - 3),
    packr.pack(42),
    packr.pack({ ts: 1 }),
    packr.pack([1, 'events?']),
    Buffer.alloc(0),
  ];
  for (const p of bad) assert.throws(() => decodeBatch(p), KvDecodeError);
});

void test('frames: [topic, 8-byte BE seq, payload]; anything else is rejected', () => {
  const f = decodeFrames([Buffer.from('kv@0'), seqBytes(258n), Buffer.from([1])]);
  assert.equal(f.topic, 'kv@0');
  assert.equal(f.seq, 258n);
  assert.deepEqual([...seqBytes(258n)], [0, 0, 0, 0, 0, 0, 1, 2]);
  assert.throws(() => decodeFrames([Buffer.from('t'), Buffer.from([1])]), KvDecodeError);
  assert.throws(
    () => decodeFrames([Buffer.from('t'), Buffer.alloc(4), Buffer.alloc(1)]),
    KvDecodeError,
  );
});
