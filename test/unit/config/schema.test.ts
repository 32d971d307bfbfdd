import { test } from 'node:test';
import assert from 'node:assert/strict';
import { bool, enumOf, float, int, list, map, str } from '../../../src/config/flag-kinds';
import { ConfigError } from '../../../src/config/errors';
import {
  computed,
  derive,
  flagsOf,
  materialize,
  type ConfigOf,
  type Env,
  type Flag,
} from '../../../src/config/schema';

const help = 'h';
const on = bool('--on', { help });
const SCHEMA = {
  n: int('--n', { default: 1, min: 0, max: 9, help }),
  opt: float('--opt', { min: 0, help }),
  group: {
    name: str('--name', { default: 'x', help }).to((s) => s.length),
    env: str('--from-env', { env: 'FROM_ENV', help }),
  },
  mode: enumOf('--mode', ['a', 'b'], { default: 'a', help }),
  pair: derive({ on, items: list('--items', { default: ['d'], help }) }, (v) =>
    v.on ? v.items.join('+') : undefined,
  ),
  kv: map('--kv', { entry: 'K=V', help }),
  fixed: computed(() => 7),
};

// The config type follows the schema: defaults give required keys, no default gives an
// optional one, transforms and derived values give their result type.
type Equal<A, B> =
  (<T>() => T extends A ? 1 : 2) extends <T>() => T extends B ? 1 : 2 ? true : false;
type Expected = {
  readonly n: number;
  readonly group: { readonly name: number; readonly env?: string };
  readonly mode: 'a' | 'b';
  readonly kv: Readonly<Record<string, string>>;
  readonly fixed: number;
  readonly opt?: number;
  readonly pair?: string;
};
const typeMatches: Equal<ConfigOf<typeof SCHEMA>, Expected> = true;

function parse(given: Array<[Flag<unknown>, string[]]>, env: Env = {}) {
  return materialize(SCHEMA, { tokens: new Map(given.map(([f, t]) => [f.spec, t])), env });
}

test('defaults; unset optional keys are absent; derived and computed values', () => {
  assert.ok(typeMatches);
  assert.deepEqual(parse([]), { n: 1, group: { name: 1 }, mode: 'a', kv: {}, fixed: 7 });
  const c = parse(
    [
      [SCHEMA.n, ['2', '3']],
      [SCHEMA.opt, ['0.5']],
      [SCHEMA.group.name, ['abc']],
      [SCHEMA.mode, ['b']],
      [on, ['true']],
      [SCHEMA.kv, ['k = v', 'k=v']],
    ],
    { FROM_ENV: 'e' },
  );
  assert.deepEqual(c, {
    n: 3,
    opt: 0.5,
    group: { name: 3, env: 'e' },
    mode: 'b',
    pair: 'd',
    kv: { k: 'v' },
    fixed: 7,
  });
});

test('every given value is checked, with the flag named in the message', () => {
  const bad: Array<[Flag<unknown>, string[], RegExp]> = [
    [SCHEMA.n, ['x', '3'], /^--n: expected an integer, got 'x'$/],
    [SCHEMA.n, ['10'], /^--n: must be <= 9, got 10$/],
    [SCHEMA.opt, ['-1'], /^--opt: must be >= 0, got -1$/],
    [SCHEMA.mode, ['c'], /^--mode: invalid value 'c' \(choose from a, b\)$/],
    [SCHEMA.kv, ['novalue'], /^--kv: expected K=V, got 'novalue'$/],
    [SCHEMA.kv, ['k=1', 'k=2'], /^--kv: 'k' maps to both '1' and '2'$/],
  ];
  for (const [flag, tokens, re] of bad) {
    assert.throws(
      () => parse([[flag, tokens]]),
      (e: unknown) => e instanceof ConfigError && re.test(e.message),
      `${flag.spec.flag} ${tokens.join(' ')}`,
    );
  }
});

test('an empty string without a default counts as unset (then the env fallback)', () => {
  assert.deepEqual(parse([[SCHEMA.group.env, ['']]], { FROM_ENV: 'e' }).group, {
    name: 1,
    env: 'e',
  });
  assert.deepEqual(parse([[SCHEMA.group.env, ['']]]).group, { name: 1 });
});

test('flagsOf lists the flags depth first, derived inputs included', () => {
  assert.deepEqual(
    flagsOf(SCHEMA).map((f) => f.flag),
    ['--n', '--opt', '--name', '--from-env', '--mode', '--on', '--items', '--kv'],
  );
});
