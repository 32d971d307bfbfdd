import { ConfigError } from './errors';
import { LAUNCH_FLAGS, LAUNCH_SCHEMA, UNSUPPORTED_SMG_FLAGS } from './flags';
import { freezeConfig } from './freeze';
import { materialize, type Env, type FlagSpec } from './schema';
import type { GatewayConfig } from './config';
import { checkHaFlags, REDIRECTED_FLAGS } from './flags-ha';

export { ConfigError } from './errors';
export { launchFlagsMarkdown, launchHelp } from './help';

const byFlag = new Map<string, FlagSpec>();
for (const f of LAUNCH_FLAGS) {
  byFlag.set(f.flag, f);
  for (const a of f.aliases) byFlag.set(a, f);
}
const unsupported = new Set(UNSUPPORTED_SMG_FLAGS);

function specOf(name: string): FlagSpec {
  const redirected = REDIRECTED_FLAGS.get(name);
  if (redirected !== undefined) throw new ConfigError(redirected);
  if (unsupported.has(name)) {
    throw new ConfigError(`${name} is an SMG flag that collie does not support yet`);
  }
  const spec = byFlag.get(name);
  if (!spec) throw new ConfigError(`unknown flag '${name}' (see collie launch --help)`);
  return spec;
}

/**
 * Splits argv into (flag → its value tokens, in order). A bare bool is 'true'; lists and
 * maps take every following non-flag token and repeats append; scalars take one token.
 * Values are checked later, by each flag.
 */
function scan(argv: readonly string[]): Map<FlagSpec, string[]> {
  const out = new Map<FlagSpec, string[]>();
  const push = (spec: FlagSpec, ...values: string[]): number => {
    const tokens = out.get(spec) ?? [];
    tokens.push(...values);
    out.set(spec, tokens);
    return tokens.length;
  };
  for (let i = 0; i < argv.length; i++) {
    const tok = argv[i] ?? '';
    if (!tok.startsWith('--')) throw new ConfigError(`unexpected argument '${tok}'`);
    const eq = tok.indexOf('=');
    const name = eq >= 0 ? tok.slice(0, eq) : tok;
    const inline = eq >= 0 ? tok.slice(eq + 1) : undefined;
    const spec = specOf(name);
    if (inline !== undefined) {
      push(spec, inline);
    } else if (spec.kind === 'bool') {
      push(spec, 'true');
    } else if (spec.kind === 'list' || spec.kind === 'map') {
      const values: string[] = [];
      for (
        let next = argv[i + 1];
        next !== undefined && !next.startsWith('--');
        next = argv[i + 1]
      ) {
        values.push(next);
        i++;
      }
      if (push(spec, ...values) === 0) throw new ConfigError(`${name}: expects at least one value`);
    } else {
      const text = argv[++i];
      if (text === undefined || text.startsWith('--')) {
        throw new ConfigError(`${name}: expects a value`);
      }
      push(spec, text);
    }
  }
  return out;
}

/** argv (after `launch`) → validated, deep-frozen config. Throws ConfigError with a clear message. */
export function parseLaunchArgs(argv: readonly string[], env: Env = process.env): GatewayConfig {
  const config = materialize(LAUNCH_SCHEMA, { tokens: scan(argv), env });
  checkHaFlags(config);
  return freezeConfig(config);
}
