import { test } from 'node:test';
import assert from 'node:assert/strict';
import { checkAddBody, parseUuid } from '../../../../src/plugins/wasm/api';
import { applyHeaderActions, toHeaderMap } from '../../../../src/plugins/wasm/headers';
import type { ModifyAction } from '../../../../src/plugins/wasm/types';

test('parseUuid accepts what Rust Uuid::parse_str does and normalises it', () => {
  const id = '0190a000-0000-7000-8000-00000000abcd';
  assert.equal(parseUuid(id), id);
  assert.equal(parseUuid(id.toUpperCase()), id);
  assert.equal(parseUuid(id.replace(/-/g, '')), id);
  assert.equal(parseUuid(`{${id}}`), id);
  assert.equal(parseUuid(`urn:uuid:${id}`), id);
  for (const bad of ['', 'nope', `${id}0`, id.replace(/-/g, '_'), 'g'.repeat(32)]) {
    assert.equal(parseUuid(bad), undefined, bad);
  }
});

test('checkAddBody: descriptors out, serde-style messages for wrong shapes', () => {
  const good = {
    modules: [
      {
        name: 'a',
        file_path: '/x.wasm',
        module_type: 'Middleware',
        attach_points: [{ Middleware: 'OnResponse' }, { Middleware: 'OnError' }],
        add_result: { Error: 'ignored' },
      },
    ],
  };
  assert.deepEqual(checkAddBody(good), [
    {
      name: 'a',
      file_path: '/x.wasm',
      attach_points: [{ Middleware: 'OnResponse' }, { Middleware: 'OnError' }],
    },
  ]);
  assert.equal(checkAddBody([]), 'invalid type: sequence, expected struct WasmModuleAddRequest');
  const m = good.modules[0];
  assert.equal(
    checkAddBody({ modules: [{ ...m, name: 3 }] }),
    'modules[0].name: invalid type: integer `3`, expected a string',
  );
  assert.equal(
    checkAddBody({ modules: [{ ...m, attach_points: ['OnRequest'] }] }),
    'modules[0].attach_points[0]: invalid type: string "OnRequest", expected enum WasmModuleAttachPoint',
  );
  assert.equal(
    checkAddBody({ modules: [{ ...m, add_result: 5 }] }),
    'modules[0].add_result: invalid type: integer `5`, expected enum WasmModuleAddResult',
  );
});

const action = (a: Partial<ModifyAction>): ModifyAction => ({
  headersSet: [],
  headersAdd: [],
  headersRemove: [],
  ...a,
});

test('header actions: set replaces every value in place, add appends, remove drops, invalid skipped', () => {
  const start = [
    ['a', '1'],
    ['b', '2'],
    ['a', '3'],
  ] as const;
  assert.deepEqual(applyHeaderActions(start, action({ headersSet: [{ name: 'A', value: 'x' }] })), [
    ['a', 'x'],
    ['b', '2'],
  ]);
  assert.deepEqual(applyHeaderActions(start, action({ headersAdd: [{ name: 'b', value: '9' }] })), [
    ...start,
    ['b', '9'],
  ]);
  assert.deepEqual(applyHeaderActions(start, action({ headersRemove: ['A'] })), [['b', '2']]);
  assert.deepEqual(
    applyHeaderActions(
      start,
      action({
        headersSet: [
          { name: 'bad name', value: 'v' },
          { name: 'c', value: 'line\nbreak' },
        ],
        headersRemove: ['not valid'],
      }),
    ),
    [...start],
  );
  assert.deepEqual(
    [...toHeaderMap(start)],
    [
      ['a', '1, 3'],
      ['b', '2'],
    ],
  );
});
