/**
 * The config schema kit. A schema is an object shaped like the config it produces: each leaf
 * is a Flag (one `collie launch` flag, typed by its kind, with an optional transform), each
 * nested object a config group, and a Derived node a value computed from several flags
 * (cross-field rules) or from none (the instance id). `ConfigOf<typeof schema>` is the
 * config type; `materialize` builds the value; `flagsOf` lists the flags in table order
 * (depth first), which is the order of --help and the README table.
 */

export type FlagKind = 'string' | 'int' | 'float' | 'bool' | 'list' | 'map' | 'enum';

export type Env = Readonly<Record<string, string | undefined>>;

/** What --help, the README table and the argv scanner need to know about a flag. */
export interface FlagSpec {
  readonly flag: string; // --kebab-case
  readonly kind: FlagKind;
  readonly help: string;
  readonly aliases: readonly string[];
  /** Shown by --help and the README; undefined = unset. */
  readonly default?: string | number | boolean | readonly string[];
  /** Shown instead of `default` when the default is computed at startup. */
  readonly defaultLabel?: string;
  readonly choices?: readonly string[];
  readonly min?: number;
  readonly max?: number;
  /** Environment variable read when the flag is not given. */
  readonly env?: string;
}

/** The argv tokens given per flag (absent: not given) and the environment. */
export interface ReadContext {
  readonly tokens: ReadonlyMap<FlagSpec, readonly string[]>;
  readonly env: Env;
}

/** A flag and how its tokens become a config value of type T. Throws ConfigError. */
export class Flag<T> {
  /** Brand: makes the class nominal, so a config group never type-matches a Flag. */
  private readonly node = 'flag';
  constructor(
    readonly spec: FlagSpec,
    readonly read: (tokens: readonly string[] | undefined, env: Env) => T,
  ) {}

  /** The same flag, its value passed through `fn` (normalisation, checks, unit changes). */
  to<U>(fn: (value: T) => U): Flag<U> {
    return new Flag(this.spec, (tokens, env) => fn(this.read(tokens, env)));
  }
}

/** A config value computed from the flags of `inputs` (in table order) and the environment. */
export class Derived<T> {
  private readonly node = 'derived';
  constructor(
    readonly inputs: Schema,
    readonly build: (ctx: ReadContext) => T,
  ) {}
}

export type SchemaNode = Flag<unknown> | Derived<unknown> | Schema;
export interface Schema {
  readonly [key: string]: SchemaNode;
}

type NodeValue<N> =
  N extends Flag<infer T>
    ? T
    : N extends Derived<infer T>
      ? Readonly<T>
      : N extends Schema
        ? ConfigOf<N>
        : never;

/** Keys whose value may be undefined: flags without a default, derived values that may be absent. */
type OptionalKeys<S> = { [K in keyof S]-?: undefined extends NodeValue<S[K]> ? K : never }[keyof S];
type Present<S> = { readonly [K in keyof S]-?: Exclude<NodeValue<S[K]>, undefined> };
type Simplify<T> = { [K in keyof T]: T[K] };

/**
 * The config a schema produces: same keys, each flag's (transformed) value type, groups
 * recursively, readonly; keys that may be undefined are optional and absent when unset.
 */
export type ConfigOf<S extends Schema> = Simplify<
  Omit<Present<S>, OptionalKeys<S>> & Partial<Pick<Present<S>, OptionalKeys<S>>>
>;

/** A value computed from several flags: `fn` sees their typed values (absent keys unset). */
export function derive<S extends Schema, T>(
  inputs: S,
  fn: (values: ConfigOf<S>, env: Env) => T,
): Derived<T> {
  return new Derived(inputs, (ctx) => fn(materialize(inputs, ctx), ctx.env));
}

/** A value that no flag sets (computed once per parse). */
export function computed<T>(fn: (env: Env) => T): Derived<T> {
  return new Derived({}, (ctx) => fn(ctx.env));
}

function nodeValue(node: SchemaNode, ctx: ReadContext): unknown {
  if (node instanceof Flag) return node.read(ctx.tokens.get(node.spec), ctx.env);
  if (node instanceof Derived) return node.build(ctx);
  return materialize(node, ctx);
}

/** Reads every node of the schema in table order; undefined values leave their key out. */
export function materialize<S extends Schema>(schema: S, ctx: ReadContext): ConfigOf<S> {
  const out: Record<string, unknown> = {};
  for (const [key, node] of Object.entries(schema)) {
    const value = nodeValue(node, ctx);
    if (value !== undefined) out[key] = value;
  }
  // The one cast of the schema kit: a mapped type cannot be built key by key. ConfigOf<S>
  // mirrors this loop (same keys, each node's value type, undefined keys left out), and
  // test/unit/config/schema.test.ts pins the type, flags-complete.test.ts the slots.
  return out as ConfigOf<S>;
}

/** Every flag of the schema, depth first (derived nodes contribute their inputs). */
export function flagsOf(schema: Schema): FlagSpec[] {
  return Object.values(schema).flatMap((node): FlagSpec[] => {
    if (node instanceof Flag) return [node.spec];
    if (node instanceof Derived) return flagsOf(node.inputs);
    return flagsOf(node);
  });
}
