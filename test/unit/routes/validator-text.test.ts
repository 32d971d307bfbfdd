import { test } from 'node:test';
import assert from 'node:assert/strict';
import { debugF32, debugF64, debugJson, Violations } from '../../../src/routes/validator-text';

test('floats print as serde_json (ryu) does', () => {
  assert.equal(debugF64(2), 'Number(2.0)');
  assert.equal(debugF64(-2), 'Number(-2.0)');
  assert.equal(debugF64(0.5), 'Number(0.5)');
  assert.equal(debugF64(1e16), 'Number(1e16)');
  assert.equal(debugF64(1234567890123456), 'Number(1234567890123456.0)');
  assert.equal(debugF64(0.00001), 'Number(0.00001)');
  assert.equal(debugF64(0.000001), 'Number(1e-6)');
  assert.equal(debugF64(1.5e-7), 'Number(1.5e-7)');
  // an f32 field widened to f64
  assert.equal(debugF32(0.1), 'Number(0.10000000149011612)');
  assert.equal(debugF32(2.5), 'Number(2.5)');
});

test('JSON values print as serde_json::Value Debug', () => {
  assert.equal(
    debugJson([{ role: 'user', content: 'a"b\n' }, null, true, 3]),
    'Array [Object {"role": String("user"), "content": String("a\\"b\\n")}, Null, Bool(true), Number(3)]',
  );
  assert.equal(debugJson({}), 'Object {}');
});

test('violations: one line per field, joined; nothing when all passed', () => {
  const v = new Violations();
  v.range('n', 0, { min: [1, 'Number(1)'], max: [10, 'Number(10)'] }, (x) => `Number(${x})`);
  v.range('n', 5, { min: [1, 'Number(1)'] }, (x) => `Number(${x})`);
  v.message('model', 'model field is required and cannot be empty');
  assert.throws(
    () => v.throwIfAny(),
    (e: Error) =>
      e.message ===
      'n: Validation error: range [{"min": Number(1), "max": Number(10), "value": Number(0)}]\n' +
        'model: model field is required and cannot be empty',
  );
  assert.doesNotThrow(() => new Violations().throwIfAny());
});
