import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import {
  batchSize,
  bodyTemplate,
  bootstrapMembers,
  hostOf,
  newRoom,
  withMembers,
} from '../../../../src/dispatch/pd/bootstrap';
import { GatewayError } from '../../../../src/errors/gateway-error';
import { seededRng } from '../../../../src/util/rng';

describe('PD batch size (SMG rules)', () => {
  test('generate: an input_ids batch; a text string or single ids is one prompt', () => {
    assert.equal(batchSize('generate', { input_ids: [[1], [2], [3]] }), 3);
    assert.equal(batchSize('generate', { input_ids: [1, 2, 3] }), undefined);
    assert.equal(batchSize('generate', { text: 'hello' }), undefined);
  });
  test('generate: a text next to an input_ids batch of another size is refused with 400', () => {
    assert.throws(
      () => batchSize('generate', { text: 'a', input_ids: [[1], [2]] }),
      (e: unknown) => e instanceof GatewayError && e.status === 400 && /mismatch/.test(e.message),
    );
  });
  test('chat: n > 1; completions: a prompt array (token ids are one prompt)', () => {
    assert.equal(batchSize('chat', { n: 3 }), 3);
    assert.equal(batchSize('chat', { n: 1 }), undefined);
    assert.equal(batchSize('completions', { prompt: ['a', 'b'] }), 2);
    assert.equal(batchSize('completions', { prompt: [1, 2, 3] }), undefined);
    assert.equal(batchSize('completions', { prompt: 'a' }), undefined);
  });
});

describe('PD bootstrap injection', () => {
  test('rooms are unsigned 63-bit integers, exact as decimal digits', () => {
    const rng = seededRng(7);
    for (let i = 0; i < 200; i++) {
      const r = BigInt(newRoom(rng));
      assert.ok(r >= 0n && r < 2n ** 63n);
    }
    assert.equal(
      newRoom(() => 0.9999999999),
      (((2n ** 31n - 1n) << 32n) | (2n ** 32n - 1n)).toString(),
    );
  });

  test('single: host, port and one room', () => {
    const { members, rooms } = bootstrapMembers(
      { host: '10.0.0.1', port: 8998 },
      undefined,
      seededRng(1),
    );
    const body = JSON.parse(`{${members}}`) as Record<string, unknown>;
    assert.equal(body['bootstrap_host'], '10.0.0.1');
    assert.equal(body['bootstrap_port'], 8998);
    assert.equal(rooms.length, 1);
    assert.ok(members.endsWith(`"bootstrap_room":${rooms[0]}`));
  });

  test('batched: arrays of the batch length, one room per item; null port stays null', () => {
    const { members, rooms } = bootstrapMembers({ host: 'h', port: null }, 3, seededRng(2));
    const body = JSON.parse(`{${members}}`) as Record<string, unknown[]>;
    assert.deepEqual(body['bootstrap_host'], ['h', 'h', 'h']);
    assert.deepEqual(body['bootstrap_port'], [null, null, null]);
    assert.equal(rooms.length, 3);
    assert.equal(new Set(rooms).size, 3);
    assert.ok(members.endsWith(`[${rooms.join(',')}]`));
  });

  test('the client bytes are spliced when nothing changes', () => {
    const raw = Buffer.from('{"text":"hi",  "stream":true} \n');
    const tpl = bodyTemplate(raw, { text: 'hi', stream: true }, {});
    assert.equal(withMembers(tpl, '"x":1'), '{"text":"hi",  "stream":true,"x":1}');
  });

  test('client bootstrap fields are removed and overrides applied (re-serialised)', () => {
    const body = { model: 'alias', bootstrap_room: 5, bootstrap_host: 'evil', text: 't' };
    const tpl = bodyTemplate(JSON.stringify(body), body, { model: 'canonical' });
    const out = JSON.parse(withMembers(tpl, '"bootstrap_room":9')) as Record<string, unknown>;
    assert.deepEqual(out, { model: 'canonical', text: 't', bootstrap_room: 9 });
  });

  test('an empty object gets no leading comma', () => {
    assert.equal(withMembers(bodyTemplate('{}', {}, {}), '"a":1'), '{"a":1}');
  });

  test('hostOf strips IPv6 brackets', () => {
    assert.equal(hostOf('http://[::1]:30000'), '::1');
    assert.equal(hostOf('http://prefill-0.svc:30000'), 'prefill-0.svc');
  });
});
