import { ConfigError } from './errors';
import { Flag, type Env, type FlagKind, type FlagSpec } from './schema';

/**
 * One constructor per flag kind. Each parses and checks the flag's tokens (kind, bounds,
 * choices; every given value is checked, the last one wins) and types the value: a flag
 * with a default yields T, one without yields T | undefined (an optional config key).
 * Per-flag transforms chain with `.to(fn)`.
 */

interface Doc {
  readonly help: string;
  readonly aliases?: readonly string[];
  /** Shown as the default when it is computed at startup (e.g. 'CPU count'). */
  readonly defaultLabel?: string;
}
interface NumberOptions extends Doc {
  readonly min?: number;
  readonly max?: number;
}
interface Defaulted<T> {
  readonly default: T;
}

function specOf(
  flag: string,
  kind: FlagKind,
  o: Doc & Omit<FlagSpec, 'flag' | 'kind' | 'help' | 'aliases'>,
): FlagSpec {
  return { ...o, flag, kind, aliases: o.aliases ?? [] };
}

/** Parses every given token (so each is checked); the last one wins. */
function last<T>(tokens: readonly string[] | undefined, parse: (text: string) => T): T | undefined {
  let value: T | undefined;
  for (const t of tokens ?? []) value = parse(t);
  return value;
}

function parseNumber(spec: FlagSpec, text: string): number {
  const isInt = spec.kind === 'int';
  const n = isInt ? Number(text) : Number.parseFloat(text);
  if (text.trim() === '' || !Number.isFinite(n) || (isInt && !Number.isInteger(n))) {
    throw new ConfigError(
      `${spec.flag}: expected ${isInt ? 'an integer' : 'a number'}, got '${text}'`,
    );
  }
  if (spec.min !== undefined && n < spec.min)
    throw new ConfigError(`${spec.flag}: must be >= ${spec.min}, got ${n}`);
  if (spec.max !== undefined && n > spec.max)
    throw new ConfigError(`${spec.flag}: must be <= ${spec.max}, got ${n}`);
  return n;
}

function numberFlag(
  kind: 'int' | 'float',
  flag: string,
  o: NumberOptions & Partial<Defaulted<number>>,
): Flag<number | undefined> {
  const spec = specOf(flag, kind, o);
  return new Flag(spec, (tokens) => last(tokens, (t) => parseNumber(spec, t)) ?? o.default);
}

/** An integer, within [min, max] when given. */
export function int(flag: string, o: NumberOptions & Defaulted<number>): Flag<number>;
export function int(flag: string, o: NumberOptions): Flag<number | undefined>;
export function int(flag: string, o: NumberOptions & Partial<Defaulted<number>>) {
  return numberFlag('int', flag, o);
}

/** A finite number, within [min, max] when given. */
export function float(flag: string, o: NumberOptions & Defaulted<number>): Flag<number>;
export function float(flag: string, o: NumberOptions): Flag<number | undefined>;
export function float(flag: string, o: NumberOptions & Partial<Defaulted<number>>) {
  return numberFlag('float', flag, o);
}

/** A switch: `--flag` or `--flag=true|false`; default false. */
export function bool(flag: string, o: Doc): Flag<boolean> {
  const spec = specOf(flag, 'bool', { ...o, default: false });
  const parse = (text: string): boolean => {
    if (text === 'true') return true;
    if (text === 'false') return false;
    throw new ConfigError(`${flag}: expected true or false, got '${text}'`);
  };
  return new Flag(spec, (tokens) => last(tokens, parse) ?? false);
}

/**
 * A string. Without a default, an empty value counts as unset and `env` (if named) is read
 * when the flag is unset.
 */
export function str(flag: string, o: Doc & Defaulted<string>): Flag<string>;
export function str(flag: string, o: Doc & { readonly env?: string }): Flag<string | undefined>;
export function str(
  flag: string,
  o: Doc & Partial<Defaulted<string>> & { readonly env?: string },
): Flag<string | undefined> {
  return new Flag(specOf(flag, 'string', o), (tokens, env) => {
    const given = last(tokens, (t) => t);
    if (o.default !== undefined) return given ?? o.default;
    return (given === '' ? undefined : given) ?? (o.env !== undefined ? env[o.env] : undefined);
  });
}

/** One of `choices`. */
export function enumOf<const C extends readonly string[]>(
  flag: string,
  choices: C,
  o: Doc & Defaulted<C[number]>,
): Flag<C[number]> {
  const spec = specOf(flag, 'enum', { ...o, choices });
  const parse = (text: string): C[number] => {
    const hit = choices.find((c) => c === text);
    if (hit === undefined) {
      throw new ConfigError(`${flag}: invalid value '${text}' (choose from ${choices.join(', ')})`);
    }
    return hit;
  };
  return new Flag(spec, (tokens) => last(tokens, parse) ?? o.default);
}

function envList(name: string | undefined, env: Env): string[] | undefined {
  const raw = name !== undefined ? env[name] : undefined;
  if (!raw) return undefined;
  return raw
    .split(',')
    .map((v) => v.trim())
    .filter(Boolean);
}

/**
 * Values: every following non-flag token, and repeats append. When the flag is not given,
 * `env` (comma-separated) is read if named, else the default.
 */
export function list(
  flag: string,
  o: Doc & Defaulted<readonly string[]> & { readonly env?: string },
): Flag<readonly string[]> {
  return new Flag(
    specOf(flag, 'list', o),
    (tokens, env) => (tokens ? [...tokens] : undefined) ?? envList(o.env, env) ?? [...o.default],
  );
}

/** KEY=VALUE entries (like a list) → a record; `entry` names the shape in messages. */
export function map(
  flag: string,
  o: Doc & { readonly entry: string },
): Flag<Readonly<Record<string, string>>> {
  const { entry, ...doc } = o;
  return new Flag(specOf(flag, 'map', { ...doc, default: [] }), (tokens) => {
    const out: Record<string, string> = {};
    for (const e of tokens ?? []) {
      const eq = e.indexOf('=');
      const key = e.slice(0, eq).trim();
      const value = e.slice(eq + 1).trim();
      if (eq <= 0 || !key || !value)
        throw new ConfigError(`${flag}: expected ${entry}, got '${e}'`);
      const prev = out[key];
      if (prev !== undefined && prev !== value) {
        throw new ConfigError(`${flag}: '${key}' maps to both '${prev}' and '${value}'`);
      }
      out[key] = value;
    }
    return out;
  });
}
