export type FlagKind = 'string' | 'int' | 'float' | 'bool' | 'list' | 'map' | 'enum';

/** One `collie launch` flag: its config key, CLI name, kind, default, bounds and help. */
export interface FlagSpec {
  readonly key: string; // camelCase config key
  readonly flag: string; // --kebab-case
  readonly kind: FlagKind;
  readonly help: string;
  readonly default?: string | number | boolean | readonly string[];
  readonly choices?: readonly string[];
  readonly min?: number;
  readonly max?: number;
  readonly aliases?: readonly string[];
}
